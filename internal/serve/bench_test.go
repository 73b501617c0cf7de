package serve

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/nctarget/nctarget"
	"github.com/nctarget/nctarget/eval"
	"github.com/nctarget/nctarget/internal/cputime"
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

// reportCPU starts counting the process's CPU time and returns the
// function that reports it per operation as cpu-ns/op, the figure to
// compare on a shared machine, where wall time (ns/op) grows with the load
// of other processes (the root package's benchmarks do the same).
func reportCPU(b *testing.B) func() {
	start := cputime.Process()
	return func() {
		if b.N > 0 {
			b.ReportMetric(float64(cputime.Process()-start)/float64(b.N), "cpu-ns/op")
		}
	}
}

// post answers one POST of body to path.
func post(b *testing.B, s *Server, path, body string) {
	req := newRequest("POST", path, strings.NewReader(body))
	req.Header.Set("Content-Type", jsonType)
	w := httptest.NewRecorder()
	s.ServeHTTP(w, req)
	if w.Code != http.StatusOK {
		b.Fatalf("%s: %d %s", path, w.Code, w.Body.String())
	}
}

// serveBench answers one POST of body to path per iteration, after one
// outside the timing: the first preview of a rule loads the audience and
// redelivery files it names, once for the server's life.
func serveBench(b *testing.B, s *Server, path, body string) {
	post(b, s, path, body)
	b.ReportAllocs()
	defer reportCPU(b)()
	for b.Loop() {
		post(b, s, path, body)
	}
}

// BenchmarkCompileDirect is the baseline of BenchmarkAPICompile: the
// compiler alone on the same rule.
func BenchmarkCompileDirect(b *testing.B) {
	b.ReportAllocs()
	defer reportCPU(b)()
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
	warm, err := nctarget.Compile(RuleName, []byte(benchRule), nctarget.Options{})
	if err != nil {
		b.Fatal(err)
	}
	d.Plan(warm.Rule) // load the audience and redelivery files, as serveBench does
	b.ReportAllocs()
	defer reportCPU(b)()
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

// BenchmarkAPIEvalTyping is a preview after each edit of one atom (the
// age range moves through the accepted bounds, the audience and the other
// atoms stay), the work of a user typing; against BenchmarkEvalDirect,
// which plans every rule from nothing.
func BenchmarkAPIEvalTyping(b *testing.B) {
	s, _ := benchServer(b)
	var bodies []string
	for lo := 15; lo < 65; lo += 5 {
		rule := strings.Replace(benchRule, "age[35,40)", fmt.Sprintf("age[%d,%d)", lo, lo+5), 1)
		bodies = append(bodies, `{"rule":`+quote(rule)+`}`)
	}
	post(b, s, "/api/eval", bodies[0])
	b.ReportAllocs()
	defer reportCPU(b)()
	i := 0
	for b.Loop() {
		post(b, s, "/api/eval", bodies[i%len(bodies)])
		i++
	}
}
