package serve

import (
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/nctarget/nctarget"
	"github.com/nctarget/nctarget/eval"
)

// benchRule is a rule with a recipient expression, a filter and a limit.
const benchRule = `audience(5614991017776) and not redelivery("5b59509c-c57b-11e9-aa8c-2a2ae2dbcce4") where gender in (female) and age[35,40) or area in (tokyo) limit 100`

// benchServer serves $NCTARGET_BENCH_DATA when it is set (the directory
// eval's benchmarks use: 10M friends from nctarget gen-data), or else the
// example data.
func benchServer(b *testing.B) (*Server, *eval.Dataset) {
	dir := os.Getenv("NCTARGET_BENCH_DATA")
	if dir == "" {
		return newTestServer(b)
	}
	d, err := eval.Load(dir, eval.LoadOptions{})
	if err != nil {
		b.Fatal(err)
	}
	return New(Config{Data: d, DataName: dir, Min: eval.DefaultMinimum, Sample: 5}), d
}

// serveBench answers one POST of body to path per iteration.
func serveBench(b *testing.B, s *Server, path, body string) {
	b.ReportAllocs()
	for b.Loop() {
		req := newRequest("POST", path, strings.NewReader(body))
		req.Header.Set("Content-Type", jsonType)
		w := httptest.NewRecorder()
		s.ServeHTTP(w, req)
		if w.Code != http.StatusOK {
			b.Fatalf("%s: %d %s", path, w.Code, w.Body.String())
		}
	}
}

// BenchmarkCompileDirect is the baseline of BenchmarkAPICompile: the
// compiler alone on the same rule.
func BenchmarkCompileDirect(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := nctarget.Compile(RuleName, []byte(benchRule), nctarget.Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkAPICompile is what the page asks on each pause in typing:
// compile, format and JSON through the API, against BenchmarkCompileDirect.
func BenchmarkAPICompile(b *testing.B) {
	s, _ := newTestServer(b)
	serveBench(b, s, "/api/compile", `{"rule":`+quote(benchRule)+`}`)
}

// BenchmarkEvalDirect is the baseline of BenchmarkAPIEval: compile, plan
// and evaluate on the example data, without the server.
func BenchmarkEvalDirect(b *testing.B) {
	_, d := benchServer(b)
	b.ReportAllocs()
	for b.Loop() {
		req, err := nctarget.Compile(RuleName, []byte(benchRule), nctarget.Options{})
		if err != nil {
			b.Fatal(err)
		}
		p, err := d.Plan(req.Rule)
		if err != nil {
			b.Fatal(err)
		}
		p.Eval()
	}
}

// BenchmarkAPIEval is a preview through the API (decoding, analysis,
// evaluation, report, encoding), against BenchmarkEvalDirect.
func BenchmarkAPIEval(b *testing.B) {
	s, _ := benchServer(b)
	serveBench(b, s, "/api/eval", `{"rule":`+quote(benchRule)+`}`)
}

func quote(s string) string {
	return `"` + strings.ReplaceAll(s, `"`, `\"`) + `"`
}
