package eval

import (
	"os"
	"testing"
	"time"

	"github.com/nctarget/nctarget"
	"github.com/nctarget/nctarget/internal/bench"
	"github.com/nctarget/nctarget/internal/indexcache"
)

// The benchmarks run on bench.Data: by default a small generated dataset so that
// "go test -bench . ./eval/" is quick; set NCTARGET_BENCH_DATA to a
// directory made by "nctarget gen-data --users 10000000 --seed 1 DIR" to
// measure at 10M friends. Each benchmark runs its baseline in the same run
// and reports the ratio as a metric.

// TestMain removes the generated benchmark data.
func TestMain(m *testing.M) {
	code := m.Run()
	bench.RemoveData()
	os.Exit(code)
}

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

// userStruct is a friend as a program would usually hold it: strings,
// and -1 for an unknown number.
type userStruct struct {
	Gender, AppType, Area   string
	Age, SubscriptionPeriod int
}

// usersOf returns the friends of d as userStructs.
func usersOf(c *columns) []userStruct {
	users := make([]userStruct, len(c.gender))
	attrCodes := map[nctarget.Attr][]string{}
	for _, a := range nctarget.Attrs {
		attrCodes[a] = a.Codes()
	}
	codes := func(a nctarget.Attr, v int) string {
		if v < 0 {
			return ""
		}
		return attrCodes[a][v]
	}
	for i := range users {
		users[i] = userStruct{Gender: codes(nctarget.AttrGender, int(c.gender[i])), Age: int(c.age[i]),
			AppType: codes(nctarget.AttrAppType, int(c.app[i])), Area: codes(nctarget.AttrArea, int(c.area[i])),
			SubscriptionPeriod: int(c.days[i])}
	}
	return users
}

// structCount is the typical rule as a per-user loop over structs, as it
// is usually written: string comparisons, one bool per audience.
func structCount(users []userStruct, inAud, inRedel []bool) int {
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
	d, err := Load(bench.Data(b), LoadOptions{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(d.Close)
	return d
}

// compare is bench.Compare.
func compare(b *testing.B, base, ours func(b *testing.B)) (baseT, oursT time.Duration) {
	return bench.Compare(b, base, ours)
}

// planTypical loads the benchmark dataset, plans bench.TypicalRule on it and
// extracts the columns the per-user baselines loop over.
func planTypical(b *testing.B) (*Dataset, *Plan, *columns) {
	d := loadBench(b)
	req, err := nctarget.Compile("typical.nct", []byte(bench.TypicalRule), nctarget.Options{})
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
	jp23, _ := nctarget.AttrArea.CodeIndex("jp_23")
	jp05, _ := nctarget.AttrArea.CodeIndex("jp_05")
	if got, want := p.Eval().Waterfall.AfterFilter, uint64(c.loopCount(int16(jp23), int16(jp05))); got != want {
		b.Fatalf("bitmaps count %d, loop %d", got, want)
	}
	loop, bitmaps := compare(b, func(b *testing.B) {
		for b.Loop() {
			c.loopCount(int16(jp23), int16(jp05))
		}
	}, func(b *testing.B) {
		for b.Loop() {
			p.Eval()
		}
	})
	b.Logf("%d friends: bitmaps %s/op, per-user loop over columns %s/op: %.0f× faster", d.Len(), bitmaps, loop, float64(loop)/float64(bitmaps))
}

// BenchmarkEvalFloor is BenchmarkEval against the least any evaluation
// of the plan costs: reading once each distinct bitset the pass reads, as
// the pass reads them (readOnce: a block at a time on the pass's
// processors, counted with its kernels), so the ratio is how far the pass
// is from the memory traffic it needs.
func BenchmarkEvalFloor(b *testing.B) {
	d, p, _ := planTypical(b)
	read, bitsets := p.readOnce()
	var total uint64
	floor, pass := compare(b, func(b *testing.B) {
		for b.Loop() {
			total += read()
		}
	}, func(b *testing.B) {
		for b.Loop() {
			p.Eval()
		}
	})
	b.Logf("%d friends, %d distinct bitsets: Eval %s/op, reading them once %s/op: %.1f× (total %d)", d.Len(), bitsets, pass, floor, float64(pass)/float64(floor), total%2)
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

// BenchmarkIndexStart measures a second start, Load from the index written
// by indexcache.Write (nctarget index), against the baseline, Load from the text.
func BenchmarkIndexStart(b *testing.B) {
	dir, cache := bench.Data(b), b.TempDir()
	if _, err := indexcache.Write(dir, cache, indexcache.WriteOptions{}); err != nil {
		b.Fatal(err)
	}
	text, index := compare(b, func(b *testing.B) {
		for b.Loop() {
			d, err := Load(dir, LoadOptions{})
			if err != nil {
				b.Fatal(err)
			}
			d.Close()
		}
	}, func(b *testing.B) {
		for b.Loop() {
			d, err := Load(dir, LoadOptions{CacheDir: cache})
			if err != nil || !d.indexed {
				b.Fatal("index not used", err)
			}
			d.Close()
		}
	})
	b.Logf("start from the index %s, from the text %s: %.0f× faster", index.Round(time.Millisecond),
		text.Round(time.Millisecond), float64(text)/float64(index))
}
