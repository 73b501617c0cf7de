// Package bench holds what the benchmarks of several packages share: the
// benchmark dataset, and Compare, which runs a baseline beside the code
// measured and reports their ratio, measured in the same run.
package bench

import (
	"os"
	"sync"
	"testing"
	"time"

	"github.com/nctarget/nctarget/internal/cputime"
	"github.com/nctarget/nctarget/internal/gendata"
)

// TypicalRule is the rule the benchmarks take as typical: LINE's full
// narrowcast example (examples/line-full.nct) with the data's first
// redelivery in place of the example's second audience, so that it reads
// both kinds of member file.
const TypicalRule = `audience(5614991017776) and not redelivery("5b59509c-c57b-11e9-aa8c-2a2ae2dbcce4")
where (gender in (male, female) and age[20,25) and appType in (android, ios)
       and area in (jp_23, jp_05) and subscriptionPeriod[7,30))
   or (age[35,40) and not gender in (male))
limit 100 upToRemainingQuota`

// DefaultUsers is the size of the default benchmark dataset.
const DefaultUsers = 200_000

var (
	dataOnce sync.Once
	dataDir  string
	dataErr  error
)

// Data returns the benchmark data directory: NCTARGET_BENCH_DATA, a
// directory made by "nctarget gen-data" (10M friends: "--users 10000000
// --seed 1"), or else a dataset of DefaultUsers friends generated into a
// temporary directory once per process, so that benchmarks are quick by
// default. A package whose benchmarks use it calls RemoveData from its
// TestMain.
func Data(b *testing.B) string {
	if dir := os.Getenv("NCTARGET_BENCH_DATA"); dir != "" {
		return dir
	}
	dataOnce.Do(func() {
		dataDir, dataErr = os.MkdirTemp("", "nctarget-bench-")
		if dataErr == nil {
			dataErr = gendata.Generate(dataDir, gendata.Options{Users: DefaultUsers, Seed: 1})
		}
	})
	if dataErr != nil {
		b.Fatal(dataErr)
	}
	return dataDir
}

// RemoveData removes the dataset Data generated, if any.
func RemoveData() {
	if dataDir != "" {
		os.RemoveAll(dataDir)
	}
}

// Compare runs the sub-benchmark "baseline" and then "nctarget" (each
// function runs its own b.Loop) and reports on the second how many times
// the baseline's time per operation its own is ("x-baseline"). As the
// machine may be shared, each also reports its process CPU time per
// operation ("cpu-ms/op") and the second the CPU time ratio
// ("cpu-x-baseline"). It returns both wall times per operation.
func Compare(b *testing.B, base, ours func(b *testing.B)) (baseT, oursT time.Duration) {
	var baseCPU time.Duration
	b.Run("baseline", func(b *testing.B) {
		start := cputime.Process()
		base(b)
		n := time.Duration(max(b.N, 1))
		baseT, baseCPU = b.Elapsed()/n, (cputime.Process()-start)/n
		b.ReportMetric(float64(baseCPU)/1e6, "cpu-ms/op")
	})
	b.Run("nctarget", func(b *testing.B) {
		start := cputime.Process()
		ours(b)
		n := time.Duration(max(b.N, 1))
		oursT = b.Elapsed() / n
		cpu := (cputime.Process() - start) / n
		b.ReportMetric(float64(cpu)/1e6, "cpu-ms/op")
		if baseT > 0 && baseCPU > 0 {
			b.ReportMetric(float64(oursT)/float64(baseT), "x-baseline")
			b.ReportMetric(float64(cpu)/float64(baseCPU), "cpu-x-baseline")
		}
	})
	return baseT, oursT
}
