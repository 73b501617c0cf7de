package eval

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nctarget/nctarget"
	"github.com/nctarget/nctarget/internal/cputime"
)

// The benchmarks run on a dataset made by Generate: by default a small one
// (benchUsers friends, generated into a temporary directory) so that
// "go test -bench . ./eval/" is quick; set NCTARGET_BENCH_DATA to a
// directory made by "nctarget gen-data --users 10000000 --seed 1 DIR" to
// measure at 10M friends. Each benchmark runs its baseline in the same run
// and reports the ratio as a metric.

// benchUsers is the size of the default benchmark dataset.
const benchUsers = 200_000

var (
	benchOnce sync.Once
	benchDir  string
	benchErr  error
)

// benchData returns the benchmark data directory.
func benchData(b *testing.B) string {
	if dir := os.Getenv("NCTARGET_BENCH_DATA"); dir != "" {
		return dir
	}
	benchOnce.Do(func() {
		benchDir, benchErr = os.MkdirTemp("", "nctarget-bench-")
		if benchErr == nil {
			benchErr = Generate(benchDir, GenOptions{Users: benchUsers, Seed: 1})
		}
	})
	if benchErr != nil {
		b.Fatal(benchErr)
	}
	return benchDir
}

// TestMain removes the generated benchmark data.
func TestMain(m *testing.M) {
	code := m.Run()
	if benchDir != "" {
		os.RemoveAll(benchDir)
	}
	os.Exit(code)
}

// typicalRule is LINE's full narrowcast example (examples/line-full.nct).
const typicalRule = `audience(5614991017776) and not redelivery("5b59509c-c57b-11e9-aa8c-2a2ae2dbcce4")
where (gender in (male, female) and age[20,25) and appType in (android, ios)
       and area in (jp_23, jp_05) and subscriptionPeriod[7,30))
   or (age[35,40) and not gender in (male))
limit 100 upToRemainingQuota`

// columns is the per-user form of a dataset a hand-written loop reads:
// one small integer per attribute (-1 unknown) and a bool per audience.
type columns struct {
	gender, app    []int8
	age, area      []int16
	days           []int32
	inAud, inRedel []bool
}

// columnsOf extracts the per-user columns of d for the typical rule.
func columnsOf(b *testing.B, d *Dataset) *columns {
	n := d.Len()
	c := &columns{gender: fill8(n), app: fill8(n), age: fill16(n), area: fill16(n), days: make([]int32, n),
		inAud: make([]bool, n), inRedel: make([]bool, n)}
	for i := range c.days {
		c.days[i] = -1
	}
	for v, bm := range d.attrs[nctarget.AttrGender].values {
		bm.Iterate(func(i uint32) bool { c.gender[i] = int8(v); return true })
	}
	for v, bm := range d.attrs[nctarget.AttrAppType].values {
		bm.Iterate(func(i uint32) bool { c.app[i] = int8(v); return true })
	}
	for v, bm := range d.attrs[nctarget.AttrArea].values {
		bm.Iterate(func(i uint32) bool { c.area[i] = int16(v); return true })
	}
	// Ages and days as the lower bound of their bucket: enough for the
	// bounds of the typical rule, which are bucket bounds.
	for v, bm := range d.attrs[nctarget.AttrAge].values {
		bm.Iterate(func(i uint32) bool { c.age[i] = int16(bucketLow(nctarget.AttrAge, v)); return true })
	}
	for v, bm := range d.attrs[nctarget.AttrSubscriptionPeriod].values {
		bm.Iterate(func(i uint32) bool { c.days[i] = int32(bucketLow(nctarget.AttrSubscriptionPeriod, v)); return true })
	}
	aud, err := d.audience(&nctarget.Audience{ID: 5614991017776})
	if err != nil {
		b.Fatal(err)
	}
	aud.bits.Iterate(func(i uint32) bool { c.inAud[i] = true; return true })
	red, err := d.redelivery(&nctarget.Redelivery{RequestID: "5b59509c-c57b-11e9-aa8c-2a2ae2dbcce4"})
	if err != nil {
		b.Fatal(err)
	}
	red.bits.Iterate(func(i uint32) bool { c.inRedel[i] = true; return true })
	return c
}

func fill8(n int) []int8 {
	s := make([]int8, n)
	for i := range s {
		s[i] = -1
	}
	return s
}

func fill16(n int) []int16 {
	s := make([]int16, n)
	for i := range s {
		s[i] = -1
	}
	return s
}

// bucketLow returns the smallest value of bucket v.
func bucketLow(a nctarget.Attr, v int) int {
	if v == 0 {
		return 0
	}
	return a.Bounds()[v-1]
}

// loopCount is the typical rule written by hand as a per-user loop: the
// baseline the bitmap evaluator is measured against.
func (c *columns) loopCount(jp23, jp05 int16) int {
	const male, female, ios, android = 0, 1, 0, 1
	count := 0
	for i := range c.gender {
		if !c.inAud[i] || c.inRedel[i] {
			continue
		}
		g, age := c.gender[i], c.age[i]
		first := (g == male || g == female) && age >= 20 && age < 25 && (c.app[i] == ios || c.app[i] == android) &&
			(c.area[i] == jp23 || c.area[i] == jp05) && c.days[i] >= 7 && c.days[i] < 30
		second := age >= 35 && age < 40 && g != male
		if first || second {
			count++
		}
	}
	return count
}

// usersOf returns the friends of d as User structs (IDs left empty): the
// form a program would usually hold them in.
func usersOf(c *columns) []User {
	users := make([]User, len(c.gender))
	codes := func(a nctarget.Attr, v int) string {
		if v < 0 {
			return ""
		}
		return attrCodes[a][v]
	}
	for i := range users {
		users[i] = User{Gender: codes(nctarget.AttrGender, int(c.gender[i])), Age: int(c.age[i]),
			AppType: codes(nctarget.AttrAppType, int(c.app[i])), Area: codes(nctarget.AttrArea, int(c.area[i])),
			SubscriptionPeriod: int(c.days[i])}
	}
	return users
}

// structCount is the typical rule as a per-user loop over User structs,
// as it is usually written: string comparisons, one bool per audience.
func structCount(users []User, inAud, inRedel []bool) int {
	count := 0
	for i, u := range users {
		if !inAud[i] || inRedel[i] {
			continue
		}
		first := (u.Gender == "male" || u.Gender == "female") && u.Age >= 20 && u.Age < 25 &&
			(u.AppType == "android" || u.AppType == "ios") && (u.Area == "jp_23" || u.Area == "jp_05") &&
			u.SubscriptionPeriod >= 7 && u.SubscriptionPeriod < 30
		second := u.Age >= 35 && u.Age < 40 && u.Gender != "male"
		if first || second {
			count++
		}
	}
	return count
}

// loadBench loads the benchmark dataset once per benchmark.
func loadBench(b *testing.B) *Dataset {
	d, err := Load(benchData(b), LoadOptions{})
	if err != nil {
		b.Fatal(err)
	}
	return d
}

// compare runs the sub-benchmark "baseline" and then "nctarget" (each
// function runs its own b.Loop) and reports on the second how many times
// the baseline's time per operation its own is ("x-baseline"). As the
// machine may be shared, each also reports its process CPU time per
// operation ("cpu-ms/op") and the second the CPU time ratio
// ("cpu-x-baseline"). It returns both wall times per operation.
func compare(b *testing.B, base, ours func(b *testing.B)) (baseT, oursT time.Duration) {
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

// planTypical loads the benchmark dataset, plans typicalRule on it and
// extracts the columns the per-user baselines loop over.
func planTypical(b *testing.B) (*Dataset, *Plan, *columns) {
	d := loadBench(b)
	req, err := nctarget.Compile("typical.nct", []byte(typicalRule), nctarget.Options{})
	if err != nil {
		b.Fatal(err)
	}
	p, err := d.Plan(req.Rule)
	if err != nil {
		b.Fatal(err)
	}
	return d, p, columnsOf(b, d)
}

// BenchmarkEval evaluates the typical rule with bitmaps (full Eval: the
// count, waterfall, every node count and the warnings) against the
// baseline, a per-user loop computing the count alone.
func BenchmarkEval(b *testing.B) {
	d, p, c := planTypical(b)
	jp23, jp05 := int16(codeIndex[nctarget.AttrArea]["jp_23"]), int16(codeIndex[nctarget.AttrArea]["jp_05"])
	if got, want := p.Eval().Waterfall.AfterFilter, uint64(c.loopCount(jp23, jp05)); got != want {
		b.Fatalf("bitmaps count %d, loop %d", got, want)
	}
	loop, bitmaps := compare(b, func(b *testing.B) {
		for b.Loop() {
			c.loopCount(jp23, jp05)
		}
	}, func(b *testing.B) {
		for b.Loop() {
			p.Eval()
		}
	})
	b.Logf("%d friends: bitmaps %s/op, per-user loop over columns %s/op: %.0f× faster", d.Len(), bitmaps, loop, float64(loop)/float64(bitmaps))
}

// BenchmarkEvalFloor is BenchmarkEval against the least any evaluation
// of the plan costs: reading each distinct bitset the pass reads once
// (a popcount of each), so the ratio is how far the pass is from the
// memory traffic it needs.
func BenchmarkEvalFloor(b *testing.B) {
	d, p, _ := planTypical(b)
	var bitsets [][]uint64
	seen := map[*uint64]bool{}
	for _, bs := range append(p.fused.leaves(), p.fused.known...) {
		if !seen[&bs[0]] {
			seen[&bs[0]] = true
			bitsets = append(bitsets, bs)
		}
	}
	var sink uint64
	floor, pass := compare(b, func(b *testing.B) {
		for b.Loop() {
			for _, bs := range bitsets {
				sink += popcount(bs)
			}
		}
	}, func(b *testing.B) {
		for b.Loop() {
			p.Eval()
		}
	})
	b.Logf("%d friends, %d distinct bitsets: Eval %s/op, reading them once %s/op: %.1f× (sink %d)", d.Len(), len(bitsets), pass, floor, float64(pass)/float64(floor), sink%2)
}

// leaves returns the atoms' bitsets, in preorder, for BenchmarkEvalFloor.
func (f *fused) leaves() [][]uint64 {
	var out [][]uint64
	for _, n := range f.nodes {
		if n.leaf != nil {
			out = append(out, n.leaf)
		}
	}
	return out
}

// BenchmarkEvalStructs is BenchmarkEval against the loop as usually
// written, over []User with string attributes.
func BenchmarkEvalStructs(b *testing.B) {
	d, p, c := planTypical(b)
	users := usersOf(c)
	if got, want := p.Eval().Waterfall.AfterFilter, uint64(structCount(users, c.inAud, c.inRedel)); got != want {
		b.Fatalf("bitmaps count %d, loop %d", got, want)
	}
	loop, bitmaps := compare(b, func(b *testing.B) {
		for b.Loop() {
			structCount(users, c.inAud, c.inRedel)
		}
	}, func(b *testing.B) {
		for b.Loop() {
			p.Eval()
		}
	})
	b.Logf("%d friends: bitmaps %s/op, per-user loop over []User %s/op: %.0f× faster", d.Len(), bitmaps, loop, float64(loop)/float64(bitmaps))
}

// BenchmarkLoadUsers loads users.csv against the baseline, a plain line
// scan of the same file through a 1 MB buffer: the floor of reading it.
// It also logs the load against a line scan as usually written
// ("scanner-defaults": bufio.NewScanner's defaults, which read 4 KB at a
// time, a system call each), since the issue's target ("≤ 3× a plain
// line scan") does not say which scan it means, and the process's peak
// RSS.
func BenchmarkLoadUsers(b *testing.B) {
	path := filepath.Join(benchData(b), "users.csv")
	var n int
	var usual time.Duration
	b.Run("scanner-defaults", func(b *testing.B) {
		for b.Loop() {
			if _, err := scanLines(path, 0); err != nil {
				b.Fatal(err)
			}
		}
		usual = b.Elapsed() / time.Duration(max(b.N, 1))
	})
	scan, load := compare(b, func(b *testing.B) {
		for b.Loop() {
			if _, err := scanLines(path, 1<<20); err != nil {
				b.Fatal(err)
			}
		}
	}, func(b *testing.B) {
		for b.Loop() {
			d, err := loadUsers(path, LoadOptions{})
			if err != nil {
				b.Fatal(err)
			}
			n = d.Len()
		}
	})
	b.Logf("%d rows: load %s; plain line scan through 1 MB %s: %.2f× the scan; with bufio.Scanner's defaults %s: %.2f× the scan; peak RSS of the benchmark process %s",
		n, load.Round(time.Millisecond), scan.Round(time.Millisecond), float64(load)/float64(scan),
		usual.Round(time.Millisecond), float64(load)/float64(usual), peakRSS())
}

// scanLines counts the lines of a file with bufio.Scanner, reading
// through a buffer of bufSize bytes, or as bufio.NewScanner does by
// default when bufSize is 0. With 1 MB, it is the floor any loader must
// pay to read the file.
func scanLines(path string, bufSize int) (int, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	if bufSize > 0 {
		s.Buffer(make([]byte, bufSize), bufSize)
	}
	n := 0
	for s.Scan() {
		n++
	}
	return n, s.Err()
}

// peakRSS reads the process's peak resident set size (Linux), or "n/a".
func peakRSS() string {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return "n/a"
	}
	for _, line := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(v), " kB"))
			return fmt.Sprintf("%d MB", kb/1024)
		}
	}
	return "n/a"
}

// BenchmarkLoadAudience loads the largest audience file (50% of friends:
// 5M lines at 10M friends) against a plain line scan of it.
func BenchmarkLoadAudience(b *testing.B) {
	d := loadBench(b)
	path := filepath.Join(benchData(b), "audiences", "1000000000050.txt")
	var lines uint64
	scan, load := compare(b, func(b *testing.B) {
		for b.Loop() {
			if _, err := scanLines(path, 1<<20); err != nil {
				b.Fatal(err)
			}
		}
	}, func(b *testing.B) {
		for b.Loop() {
			set, err := d.loadMembers(path)
			if err != nil {
				b.Fatal(err)
			}
			lines = set.lines
		}
	})
	b.Logf("%d lines: load %s, plain line scan %s", lines, load.Round(time.Millisecond), scan.Round(time.Millisecond))
}

// BenchmarkIndexStart measures a second start, Load from the index written
// by WriteIndex, against the baseline, Load from the text.
func BenchmarkIndexStart(b *testing.B) {
	dir, cache := benchData(b), b.TempDir()
	if _, err := WriteIndex(dir, cache, LoadOptions{}); err != nil {
		b.Fatal(err)
	}
	text, index := compare(b, func(b *testing.B) {
		for b.Loop() {
			if _, err := Load(dir, LoadOptions{}); err != nil {
				b.Fatal(err)
			}
		}
	}, func(b *testing.B) {
		for b.Loop() {
			d, err := Load(dir, LoadOptions{CacheDir: cache})
			if err != nil || !d.indexed {
				b.Fatal("index not used", err)
			}
		}
	})
	b.Logf("start from the index %s, from the text %s: %.0f× faster", index.Round(time.Millisecond),
		text.Round(time.Millisecond), float64(text)/float64(index))
}
