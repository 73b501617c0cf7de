package nctarget

import (
	"testing"

	"github.com/nctarget/nctarget/internal/cputime"
)

// reportCPU reports the process CPU time per operation as cpu-ns/op when
// the returned function is called at the end of the benchmark. On a
// shared machine wall time (ns/op) grows with the load of other
// processes; CPU time does not, so it is the figure to compare with
// targets such as "under 50 µs".
func reportCPU(b *testing.B) func() {
	start := cputime.Process()
	return func() {
		if n := b.N; n > 0 {
			b.ReportMetric(float64(cputime.Process()-start)/float64(n), "cpu-ns/op")
		}
	}
}
