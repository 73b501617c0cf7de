package serve

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/nctarget/nctarget"
	"github.com/nctarget/nctarget/eval"
)

// newTestServer serves the example data.
func newTestServer(t testing.TB) (*Server, *eval.Dataset) {
	t.Helper()
	d, err := eval.Load("../../examples/data", eval.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return New(Config{Data: d, DataName: "examples/data", Min: eval.DefaultMinimum, Sample: 5}), d
}

// call sends one request to s and returns the status and the body.
func call(t *testing.T, s *Server, method, path, contentType, body string, header map[string]string) (int, string) {
	t.Helper()
	req := newRequest(method, path, strings.NewReader(body))
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for k, v := range header {
		if k == "Host" {
			req.Host = v
		} else {
			req.Header.Set(k, v)
		}
	}
	w := httptest.NewRecorder()
	s.ServeHTTP(w, req)
	return w.Code, w.Body.String()
}

const jsonType = "application/json"

// newRequest is httptest.NewRequest for the server's own address (not
// httptest's example.com, which the server refuses).
func newRequest(method, path string, body io.Reader) *http.Request {
	req := httptest.NewRequest(method, path, body)
	req.Host = "127.0.0.1:8080"
	return req
}

func TestAPI(t *testing.T) {
	s, _ := newTestServer(t)
	tests := []struct {
		name, path, body string
		code             int
		want             []string // substrings of the answer
	}{
		{"check error", "/api/check", `{"rule":"audience(5614991017776) where age[33,40)"}`, 200,
			[]string{`"ok":false`, `"message":"age bound 33 is not one the API accepts"`, `"newText":"35"`, `"pos":"rule.nct:1:35"`}},
		{"check valid", "/api/check", `{"rule":"audience(5614991017776) where age[35,40)"}`, 200, []string{`"ok":true`, `"diagnostics":[]`}},
		{"fmt", "/api/fmt", `{"rule":"audience(1)   where age[35,40)"}`, 200, []string{`"formatted":"audience(1)\nwhere age[35,40)\n"`}},
		{"fmt unparsable", "/api/fmt", `{"rule":"audience("}`, 200, []string{`"ok":false`}},
		{"compile", "/api/compile", `{"rule":"audience(5614991017776) where gender = female"}`, 200,
			[]string{`"json":{"recipient":{"type":"audience","audienceGroupId":5614991017776},"filter":{"demographic":{"type":"gender","oneOf":["female"]}}}`}},
		{"compile error has no json", "/api/compile", `{"rule":"where gendr = female"}`, 200, []string{`"ok":false`, `"did you mean gender?"`}},
		{"eval", "/api/eval", `{"rule":"audience(5614991017776) where age[35,40)", "sample": 2}`, 200,
			[]string{`"ok":true`, `"report":{"file":"rule.nct","count":`, `"waterfall":{"friends":3000,`}},
		{"eval missing audience file", "/api/eval", `{"rule":"audience(999)"}`, 200, []string{`"ok":false`, `"severity":"error"`}},
		{"eval bad sample", "/api/eval", `{"rule":"audience(1)", "sample": 1000}`, 400, []string{`sample is 1000`}},
		{"hover", "/api/hover", `{"rule":"audience(1) where area in (tokyo)","at":{"line":1,"character":30}}`, 200,
			[]string{`"hover":{"start":{"line":1,"column":28,"offset":27,"character":27},"end":{"line":1,"column":33,`, `jp_13`}},
		{"hover on nothing", "/api/hover", `{"rule":"audience(1)   ","at":{"line":1,"character":13}}`, 200, []string{`"ok":true`}},
		{"hover without a cursor", "/api/hover", `{"rule":"audience(1)"}`, 400, []string{`give the cursor`}},
		{"complete", "/api/complete", `{"rule":"audience(1) where ag","at":{"line":1,"character":20}}`, 200,
			[]string{`"complete":{"start":{"line":1,"column":19,"offset":18,"character":18}`, `{"label":"age","kind":"attribute"`}},
		{"complete a bound", "/api/complete", `{"rule":"audience(1) where age[3","at":{"line":1,"character":23}}`, 200,
			[]string{`"label":"30","kind":"bound"`, `"label":"35"`}},
		{"a rule with a path is only text", "/api/check", `{"rule":"/etc/passwd"}`, 200, []string{`"ok":false`}},
		{"unknown field", "/api/check", `{"rule":"audience(1)","file":"/etc/passwd"}`, 400, []string{`unknown field \"file\"`}},
		{"two values", "/api/check", `{"rule":"audience(1)"} {"rule":"x"}`, 400, []string{`more than one JSON value`}},
		{"not an object", "/api/check", `"audience(1)"`, 400, []string{`not a JSON object`}},
		{"invalid UTF-8", "/api/check", "{\"rule\":\"audience(1) where area in (\xff\xfe)\"}", 400, []string{`not valid UTF-8`}},
		{"deep JSON nesting", "/api/check", `{"rule":` + strings.Repeat("[", 100_000) + strings.Repeat("]", 100_000) + `}`, 400, []string{`not a JSON object`}},
		{"deep rule nesting", "/api/check", `{"rule":"` + strings.Repeat("(", 10_000) + "audience(1)" + strings.Repeat(")", 10_000) + `"}`, 200, []string{`"ok":false`, `nest`}},
		{"rule over the size limit", "/api/check", `{"rule":"` + strings.Repeat(" ", nctarget.DefaultParseLimits.MaxBytes+1) + `"}`, 200, []string{`"ok":false`}},
		{"huge body", "/api/check", `{"rule":"` + strings.Repeat("a", int(MaxBodyBytes)) + `"}`, 413, []string{`over`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, body := call(t, s, "POST", tt.path, jsonType, tt.body, nil)
			if code != tt.code {
				t.Errorf("status %d, want %d; body %.300s", code, tt.code, body)
			}
			if !json.Valid([]byte(body)) {
				t.Errorf("the answer is not JSON: %.300s", body)
			}
			for _, w := range tt.want {
				if !strings.Contains(body, w) {
					t.Errorf("answer lacks %s:\n%.600s", w, body)
				}
			}
		})
	}
}

func TestAPIRefuses(t *testing.T) {
	s, _ := newTestServer(t)
	rule := `{"rule":"audience(1)"}`
	tests := []struct {
		name, method, path, contentType string
		header                          map[string]string
		code                            int
	}{
		{"no content type", "POST", "/api/check", "", nil, http.StatusUnsupportedMediaType},
		{"form content type", "POST", "/api/check", "application/x-www-form-urlencoded", nil, http.StatusUnsupportedMediaType},
		{"text content type", "POST", "/api/eval", "text/plain", nil, http.StatusUnsupportedMediaType},
		{"GET on the API", "GET", "/api/check", jsonType, nil, http.StatusMethodNotAllowed},
		{"foreign host (DNS rebinding)", "POST", "/api/check", jsonType, map[string]string{"Host": "attacker.example:8080"}, http.StatusMisdirectedRequest},
		{"foreign host on the page", "GET", "/", "", map[string]string{"Host": "attacker.example"}, http.StatusMisdirectedRequest},
		{"empty host", "GET", "/", "", map[string]string{"Host": ""}, http.StatusMisdirectedRequest},
		{"foreign origin", "POST", "/api/eval", jsonType, map[string]string{"Origin": "http://attacker.example"}, http.StatusForbidden},
		{"other port origin", "POST", "/api/eval", jsonType, map[string]string{"Host": "127.0.0.1:8080", "Origin": "http://127.0.0.1:9999"}, http.StatusForbidden},
		{"null origin", "POST", "/api/eval", jsonType, map[string]string{"Origin": "null"}, http.StatusForbidden},
		{"cross-site fetch", "POST", "/api/eval", jsonType, map[string]string{"Sec-Fetch-Site": "cross-site"}, http.StatusForbidden},
		{"same origin", "POST", "/api/check", jsonType, map[string]string{"Host": "localhost:8080", "Origin": "http://localhost:8080"}, http.StatusOK},
		{"IPv6 loopback", "POST", "/api/check", jsonType, map[string]string{"Host": "[::1]:8080"}, http.StatusOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, body := call(t, s, tt.method, tt.path, tt.contentType, rule, tt.header)
			if code != tt.code {
				t.Errorf("status %d, want %d; body %.300s", code, tt.code, body)
			}
			if !json.Valid([]byte(body)) {
				t.Errorf("the answer is not JSON: %.300s", body)
			}
		})
	}
}

func TestAllowedHost(t *testing.T) {
	s := New(Config{Hosts: []string{"workbench.internal"}})
	for host, want := range map[string]bool{
		"localhost": true, "localhost:8080": true, "LOCALHOST.:1": true, "app.localhost": true,
		"127.0.0.1:8080": true, "[::1]:80": true, "192.168.1.5:8080": true, "workbench.internal:8080": true,
		"": false, "evil.example": false, "localhost.evil.example": false, "127.0.0.1.nip.io": false,
	} {
		if got := s.allowedHost(host); got != want {
			t.Errorf("allowedHost(%q) = %v, want %v", host, got, want)
		}
	}
}

func TestIsLoopback(t *testing.T) {
	for addr, want := range map[string]bool{
		"127.0.0.1:8080": true, "[::1]:80": true, "localhost:80": true, "127.1.2.3:1": true,
		":8080": false, "0.0.0.0:8080": false, "192.168.1.5:80": false, "example.com:80": false, "nonsense": false,
	} {
		if got := IsLoopback(addr); got != want {
			t.Errorf("IsLoopback(%q) = %v, want %v", addr, got, want)
		}
	}
}

// TestPage: the page and its assets are served, with the security headers.
func TestPage(t *testing.T) {
	s, _ := newTestServer(t)
	for path, want := range map[string]string{"/": "<title>nctarget workbench</title>", "/app.js": "/api/compile", "/style.css": ".editor"} {
		req := newRequest("GET", path, nil)
		w := httptest.NewRecorder()
		s.ServeHTTP(w, req)
		if w.Code != 200 || !strings.Contains(w.Body.String(), want) {
			t.Errorf("GET %s: %d, body lacks %q", path, w.Code, want)
		}
		if csp := w.Header().Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'self'") || !strings.Contains(csp, "frame-ancestors 'none'") {
			t.Errorf("GET %s: Content-Security-Policy %q", path, csp)
		}
		if w.Header().Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("GET %s: no X-Content-Type-Options: nosniff", path)
		}
	}
	code, body := call(t, s, "GET", "/api/info", "", "", nil)
	if code != 200 || !strings.Contains(body, `"friends":3000`) {
		t.Errorf("GET /api/info: %d %s", code, body)
	}
}

// TestEvalMatchesEvaluator: /api/eval reports what the evaluator computes.
func TestEvalMatchesEvaluator(t *testing.T) {
	s, d := newTestServer(t)
	src := "audience(5614991017776) and not redelivery(\"5b59509c-c57b-11e9-aa8c-2a2ae2dbcce4\") where gender in (female) or age[35,40) limit 100"
	body, _ := json.Marshal(request{Rule: src})
	code, answer := call(t, s, "POST", "/api/eval", jsonType, string(body), nil)
	if code != 200 {
		t.Fatalf("status %d: %s", code, answer)
	}
	var resp struct {
		OK     bool
		Report struct {
			Count     uint64
			Waterfall struct{ Friends, AfterRecipient, AfterFilter, AfterLimit uint64 }
		}
	}
	if err := json.Unmarshal([]byte(answer), &resp); err != nil || !resp.OK {
		t.Fatalf("answer %s (%v)", answer, err)
	}
	req, err := nctarget.Compile(RuleName, []byte(src), nctarget.Options{})
	if err != nil {
		t.Fatal(err)
	}
	p, err := d.Plan(req.Rule)
	if err != nil {
		t.Fatal(err)
	}
	want := p.Eval()
	got := resp.Report
	if got.Count != want.Count || got.Waterfall.AfterRecipient != want.Waterfall.AfterRecipient ||
		got.Waterfall.AfterFilter != want.Waterfall.AfterFilter || got.Waterfall.AfterLimit != want.Waterfall.AfterLimit {
		t.Errorf("/api/eval reports %+v, the evaluator %d %+v", got, want.Count, want.Waterfall)
	}
	if got.Count != 100 {
		t.Errorf("count %d, want the limit of 100", got.Count)
	}
}

// TestEvalCancelled: a request that is cancelled while another evaluation
// runs is answered at once and never evaluated.
func TestEvalCancelled(t *testing.T) {
	s, _ := newTestServer(t)
	s.evalSem <- struct{}{} // an evaluation is running
	ctx, cancel := context.WithCancel(context.Background())
	req := newRequest("POST", "/api/eval", strings.NewReader(`{"rule":"audience(5614991017776)"}`)).WithContext(ctx)
	req.Header.Set("Content-Type", jsonType)
	w := httptest.NewRecorder()
	done := make(chan struct{})
	go func() {
		s.ServeHTTP(w, req)
		close(done)
	}()
	cancel() // a newer rule superseded it
	<-done
	if w.Code != http.StatusServiceUnavailable {
		t.Errorf("status %d, want 503; body %s", w.Code, w.Body.String())
	}
	<-s.evalSem // the running evaluation ends
	code, body := call(t, s, "POST", "/api/eval", jsonType, `{"rule":"audience(5614991017776)"}`, nil)
	if code != 200 || !strings.Contains(body, `"ok":true`) {
		t.Errorf("the next evaluation: %d %.300s", code, body)
	}
	if len(s.evalSem) != 0 {
		t.Errorf("the evaluation slot is still taken after it ended")
	}
}

// TestBodyLimitReadsNoMore: a body over the cap is refused without being
// read whole.
func TestBodyLimitReadsNoMore(t *testing.T) {
	s, _ := newTestServer(t)
	r := &countingReader{r: io.LimitReader(zeros{}, 1<<30)}
	req := newRequest("POST", "/api/check", r)
	req.Header.Set("Content-Type", jsonType)
	w := httptest.NewRecorder()
	s.ServeHTTP(w, req)
	if w.Code != http.StatusRequestEntityTooLarge {
		t.Errorf("status %d, want 413", w.Code)
	}
	if r.n > MaxBodyBytes+64<<10 {
		t.Errorf("read %d bytes of an endless body, want at most about %d", r.n, MaxBodyBytes)
	}
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// TestBatchRenewal: evaluations share a batch (so an edit reuses the
// bitsets of the atoms it kept) for batchPlans evaluations, then start a
// new one, with the same results.
func TestBatchRenewal(t *testing.T) {
	s, _ := newTestServer(t)
	body := `{"rule":"audience(5614991017776) where age[35,40)","sample":0}`
	var first, firstBatch string
	for i := range batchPlans + 1 {
		code, answer := call(t, s, "POST", "/api/eval", jsonType, body, nil)
		if code != 200 {
			t.Fatalf("evaluation %d: %d %s", i, code, answer)
		}
		if i == 0 {
			first, firstBatch = answer, fmt.Sprintf("%p", s.batch)
		} else if answer != first {
			t.Fatalf("evaluation %d answered\n%s\nthe first\n%s", i, answer, first)
		}
		if same := fmt.Sprintf("%p", s.batch) == firstBatch; same != (i < batchPlans) {
			t.Errorf("evaluation %d: same batch as the first = %v, want %v", i, same, i < batchPlans)
		}
	}
}
