package main

import (
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/nctarget/nctarget"
	"github.com/nctarget/nctarget/eval"
	"github.com/nctarget/nctarget/internal/bench"
	"github.com/nctarget/nctarget/internal/cputime"
	"github.com/nctarget/nctarget/internal/indexcache"
	"github.com/nctarget/nctarget/internal/passfloor"
	"github.com/nctarget/nctarget/internal/randrule"
)

// TestMain removes the benchmark dataset, if a benchmark generated one.
func TestMain(m *testing.M) {
	code := m.Run()
	bench.RemoveData()
	os.Exit(code)
}

// batchRules is the size of the batch BenchmarkEvalCommand evaluates.
const batchRules = 1000

// quickReps is how many times an operation of BenchmarkEvalCommand runs
// the floor and Eval, steps of about a millisecond at 10M friends.
const quickReps = 100

// BenchmarkEvalCommand measures, in one run, what the eval command costs
// against the same baseline, a per-user loop computing the typical rule's
// count alone over compact columns, and logs the table README shows:
//
//   - floor: reading once each distinct bitset the typical rule's pass
//     reads, as the pass reads them (passfloor.ReadOnce: a block at a
//     time on the pass's processors, counted with its kernels), the
//     memory traffic any evaluation of it needs;
//   - Eval: Plan.Eval of the typical rule, every figure of its report;
//   - report: one rule as "eval --json FILE" prints it after the load
//     (read, compile, plan, evaluate, render);
//   - batch: batchRules generated rules as "eval --json DIR" prints them
//     after the load, and the same per rule;
//   - load: loading the dataset from its text (users.csv and the files the
//     typical rule names); first load incl. all member files: the same
//     with every audience and redelivery file the batch names, what a
//     first eval of the batch loads; index start: loading it from
//     nctarget index's cache.
//
// Each sub-benchmark reports "x-loop", its time per run over the
// baseline's in this run, and "cpu-x-loop", the same for the process's CPU
// time, steadier on a shared machine. The floor, Eval and report steps
// run quickReps or quickReps/5 times an operation, so that even at
// -benchtime 3x they are measured over a tenth of a second or more, not
// three runs of a millisecond; their ns/op and cpu-ms/op are of those
// runs together, their ratios and the table's rows of one run.
func BenchmarkEvalCommand(b *testing.B) {
	dir := bench.Data(b)
	d, err := eval.Load(dir, eval.LoadOptions{})
	if err != nil {
		b.Fatal(err)
	}
	defer d.Close()
	typical := compileRule(b, "typical.nct", bench.TypicalRule)
	everyFile := compileRule(b, "every.nct", everyFileRule())
	p, err := d.Plan(typical)
	if err != nil {
		b.Fatal(err)
	}
	c := columnsOf(b, d)
	if got, want := p.Eval().Waterfall.AfterFilter, uint64(c.loopCount()); got != want {
		b.Fatalf("Eval counts %d, the loop %d", got, want)
	}
	rulesDir, ruleFile := writeBatch(b, d, batchRules)
	readFloor, floorSets := passfloor.ReadOnce(p)
	cache := b.TempDir()
	if _, err := indexcache.Write(dir, cache, indexcache.WriteOptions{}); err != nil {
		b.Fatal(err)
	}
	f := &evalFlags{jsonOut: true, min: eval.DefaultMinimum, sample: 5}
	cmd := newEvalCmd()
	cmd.SetOut(io.Discard)
	cmd.SetErr(io.Discard)
	var total uint64
	steps := []struct {
		name string
		op   func(b *testing.B)
		per  int // rules per run: batchRules for the batch
		reps int // runs per op: many for a step of a millisecond or so
	}{
		{"loop", func(b *testing.B) { total += uint64(c.loopCount()) }, 1, 1},
		{"floor", func(b *testing.B) { total += readFloor() }, 1, quickReps},
		{"Eval", func(b *testing.B) { p.Eval() }, 1, quickReps},
		{"report", func(b *testing.B) {
			if err := evalRules(cmd, []string{ruleFile}, d, f); err != nil {
				b.Fatal(err)
			}
		}, 1, quickReps / 5},
		{"batch", func(b *testing.B) {
			if err := evalRules(cmd, []string{rulesDir}, d, f); err != nil {
				b.Fatal(err)
			}
		}, batchRules, 1},
		{"load", func(b *testing.B) { loadFor(b, dir, eval.LoadOptions{}, typical).Close() }, 1, 1},
		{"first load incl. all member files", func(b *testing.B) { loadFor(b, dir, eval.LoadOptions{}, everyFile).Close() }, 1, 1},
		{"index start", func(b *testing.B) { loadFor(b, dir, eval.LoadOptions{CacheDir: cache}, typical).Close() }, 1, 1},
	}
	times, cpu := make([]time.Duration, len(steps)), make([]time.Duration, len(steps))
	for i, s := range steps {
		b.Run(s.name, func(b *testing.B) {
			start := cputime.Process()
			for b.Loop() {
				for range s.reps {
					s.op(b)
				}
			}
			n := time.Duration(max(b.N, 1) * s.reps)
			times[i], cpu[i] = b.Elapsed()/n, (cputime.Process()-start)/n
			b.ReportMetric(float64(cpu[i])*float64(s.reps)/1e6, "cpu-ms/op")
			if i > 0 && times[0] > 0 && cpu[0] > 0 {
				b.ReportMetric(float64(times[i])/float64(times[0]), "x-loop")
				b.ReportMetric(float64(cpu[i])/float64(cpu[0]), "cpu-x-loop")
			}
		})
	}
	var t strings.Builder
	fmt.Fprintf(&t, "%d friends, the floor's %d distinct bitsets (total %d)\n| step | time/op | × the loop | CPU/op | × the loop's CPU |\n|---|---|---|---|---|\n", d.Len(), floorSets, total%2)
	row := func(name string, wall, cpuT time.Duration) {
		fmt.Fprintf(&t, "| %s | %s | %.3g | %s | %.3g |\n", name, wall.Round(time.Microsecond), float64(wall)/float64(times[0]),
			cpuT.Round(time.Microsecond), float64(cpuT)/float64(cpu[0]))
	}
	for i, s := range steps {
		row(s.name, times[i], cpu[i])
		if s.per > 1 {
			row(s.name+", per rule", times[i]/time.Duration(s.per), cpu[i]/time.Duration(s.per))
		}
	}
	b.Log("\n" + t.String())
}

// everyFileRule names every audience and redelivery the batch's rules
// name, so that planning it loads them all, as the first plans of a
// batch do.
func everyFileRule() string {
	var atoms []string
	for _, a := range benchAudiences {
		atoms = append(atoms, "audience("+a+")")
	}
	for _, r := range benchRedeliveries {
		atoms = append(atoms, fmt.Sprintf("redelivery(%q)", r))
	}
	return strings.Join(atoms, " or ")
}

// compileRule compiles src or fails the benchmark.
func compileRule(b *testing.B, name, src string) *nctarget.Rule {
	req, err := nctarget.Compile(name, []byte(src), nctarget.Options{})
	if err != nil {
		b.Fatal(err)
	}
	return req.Rule
}

// loadFor loads dir and plans rule, so that the audience files it names
// are loaded too, as eval does.
func loadFor(b *testing.B, dir string, opts eval.LoadOptions, rule *nctarget.Rule) *eval.Dataset {
	d, err := eval.Load(dir, opts)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := d.Plan(rule); err != nil {
		b.Fatal(err)
	}
	return d
}

// benchAudiences and benchRedeliveries are those of gen-data.
var (
	benchAudiences    = []string{"5614991017776", "4389303728991", "1000000000010", "1000000000020", "1000000000040", "1000000000050"}
	benchRedeliveries = []string{"5b59509c-c57b-11e9-aa8c-2a2ae2dbcce4", "0f6f1d2e-8a4b-4c3d-9e5f-6a7b8c9d0e1f"}
)

// writeBatch writes n random rules that compile into a directory, as a
// pipeline checking campaign rules would have them: nested recipient
// expressions over the data's audiences, demographic filters, some with a
// limit. It returns the directory and the path of the first rule.
func writeBatch(b *testing.B, d *eval.Dataset, n int) (dir, first string) {
	dir = b.TempDir()
	r := rand.New(rand.NewPCG(1, 2))
	ages := []int{15, 20, 25, 30, 35, 40, 45, 50}
	recipient := func() string {
		if r.IntN(4) == 0 {
			return fmt.Sprintf("redelivery(%q)", benchRedeliveries[r.IntN(len(benchRedeliveries))])
		}
		return "audience(" + benchAudiences[r.IntN(len(benchAudiences))] + ")"
	}
	demographic := func() string {
		switch r.IntN(4) {
		case 0:
			return []string{"gender in (male)", "gender in (female)"}[r.IntN(2)]
		case 1:
			return []string{"appType in (ios)", "appType in (android)"}[r.IntN(2)]
		case 2:
			return []string{"area in (jp_13)", "area in (jp_27, jp_23)", "area in (jp_01, jp_13, jp_14)"}[r.IntN(3)]
		}
		k := r.IntN(len(ages) - 1)
		return fmt.Sprintf("age[%d,%d)", ages[k], ages[k+1+r.IntN(len(ages)-1-k)])
	}
	for i := 0; i < n; {
		src := randrule.Expr(r, 2, recipient) + " where " + randrule.Expr(r, 2, demographic)
		if r.IntN(3) == 0 {
			src += fmt.Sprintf(" limit %d", 1000+r.IntN(100000))
		}
		req, err := nctarget.Compile("r.nct", []byte(src), nctarget.Options{})
		if err != nil {
			continue // a part matching nobody, say
		}
		if _, err := d.Plan(req.Rule); err != nil {
			b.Fatal(err)
		}
		path := filepath.Join(dir, fmt.Sprintf("r%04d.nct", i))
		if err := os.WriteFile(path, []byte(src+"\n"), 0o644); err != nil {
			b.Fatal(err)
		}
		if i == 0 {
			first = path
		}
		i++
	}
	return dir, first
}

// recipientsOf returns the recipients of rule src on d, before its limit.
func recipientsOf(b *testing.B, d *eval.Dataset, src string) *roaring.Bitmap {
	req, err := nctarget.Compile("atom.nct", []byte(src), nctarget.Options{NoSimplify: true})
	if err != nil {
		b.Fatal(src, err)
	}
	p, err := d.Plan(req.Rule)
	if err != nil {
		b.Fatal(src, err)
	}
	return p.Eval().Recipients()
}

// columns is the per-user form of a dataset a hand-written loop reads:
// one small integer per attribute (-1 unknown) and a bool per audience.
type columns struct {
	gender, app    []int8
	age, area      []int16
	days           []int32
	inAud, inRedel []bool
}

// Codes of the columns.
const (
	colMale, colFemale = 0, 1
	colIOS, colAndroid = 0, 1
	colJP23, colJP05   = 23, 5
)

// columnsOf extracts the columns the typical rule's loop reads, through
// the evaluator's public API: ages and days as the lower bound of their
// bucket, enough for the typical rule's bounds, which are bucket bounds.
func columnsOf(b *testing.B, d *eval.Dataset) *columns {
	n := d.Len()
	c := &columns{gender: make([]int8, n), app: make([]int8, n), age: make([]int16, n), area: make([]int16, n),
		days: make([]int32, n), inAud: make([]bool, n), inRedel: make([]bool, n)}
	for i := range n {
		c.gender[i], c.app[i], c.age[i], c.area[i], c.days[i] = -1, -1, -1, -1, -1
	}
	set := func(src string, f func(i uint32)) {
		recipientsOf(b, d, src).Iterate(func(i uint32) bool { f(i); return true })
	}
	set("where gender in (male)", func(i uint32) { c.gender[i] = colMale })
	set("where gender in (female)", func(i uint32) { c.gender[i] = colFemale })
	set("where appType in (ios)", func(i uint32) { c.app[i] = colIOS })
	set("where appType in (android)", func(i uint32) { c.app[i] = colAndroid })
	set("where area in (jp_23)", func(i uint32) { c.area[i] = colJP23 })
	set("where area in (jp_05)", func(i uint32) { c.area[i] = colJP05 })
	for _, a := range []nctarget.Attr{nctarget.AttrAge, nctarget.AttrSubscriptionPeriod} {
		bounds := a.Bounds()
		for k, lo := range bounds {
			src := fmt.Sprintf("where %s[%d,)", a, lo)
			if k+1 < len(bounds) {
				src = fmt.Sprintf("where %s[%d,%d)", a, lo, bounds[k+1])
			}
			set(src, func(i uint32) {
				if a == nctarget.AttrAge {
					c.age[i] = int16(lo)
				} else {
					c.days[i] = int32(lo)
				}
			})
		}
		set(fmt.Sprintf("where %s[,%d)", a, bounds[0]), func(i uint32) {
			if a == nctarget.AttrAge {
				c.age[i] = 0
			} else {
				c.days[i] = 0
			}
		})
	}
	set("audience(5614991017776)", func(i uint32) { c.inAud[i] = true })
	set(`redelivery("5b59509c-c57b-11e9-aa8c-2a2ae2dbcce4")`, func(i uint32) { c.inRedel[i] = true })
	return c
}

// loopCount is the typical rule written by hand as a per-user loop: the
// baseline.
func (c *columns) loopCount() int {
	count := 0
	for i := range c.gender {
		if !c.inAud[i] || c.inRedel[i] {
			continue
		}
		g, age := c.gender[i], c.age[i]
		first := (g == colMale || g == colFemale) && age >= 20 && age < 25 && (c.app[i] == colIOS || c.app[i] == colAndroid) &&
			(c.area[i] == colJP23 || c.area[i] == colJP05) && c.days[i] >= 7 && c.days[i] < 30
		second := age >= 35 && age < 40 && g != colMale
		if first || second {
			count++
		}
	}
	return count
}
