package eval

import (
	"reflect"
	"slices"
	"testing"

	"github.com/nctarget/nctarget"
	"github.com/nctarget/nctarget/internal/gendata"
	"github.com/nctarget/nctarget/internal/indexcache"
	"github.com/nctarget/nctarget/internal/userid"
)

// readPaths calls every exported method of a dataset, a plan of it and
// a result of that plan, by type and name. Each either must panic with
// errClosed once the dataset is closed (it reads the dataset) or is safe
// (it reads only what it owns); TestClosedDataset checks which, and that
// no method is missing, so that a new method is classified when written.
var readPaths = map[string]struct {
	call func(d *Dataset, p *Plan, r *Result)
	safe bool // reads only the plan's or result's own memory
}{
	"Dataset.Close":        {call: func(d *Dataset, _ *Plan, _ *Result) { d.Close() }, safe: true},
	"Dataset.Len":          {call: func(d *Dataset, _ *Plan, _ *Result) { d.Len() }},
	"Dataset.UserID":       {call: func(d *Dataset, _ *Plan, _ *Result) { d.UserID(1) }},
	"Dataset.Index":        {call: func(d *Dataset, _ *Plan, _ *Result) { d.Index(FormatID(1)) }},
	"Dataset.Friends":      {call: func(d *Dataset, _ *Plan, _ *Result) { d.Friends() }},
	"Dataset.FromIndex":    {call: func(d *Dataset, _ *Plan, _ *Result) { d.FromIndex() }, safe: true},
	"Dataset.Plan":         {call: func(d *Dataset, _ *Plan, _ *Result) { _, _ = d.Plan(closeRule) }},
	"Dataset.NewBatch":     {call: func(d *Dataset, _ *Plan, _ *Result) { d.NewBatch() }},
	"Plan.Eval":            {call: func(_ *Dataset, p *Plan, _ *Result) { p.Eval() }},
	"Result.BelowMinimum":  {call: func(_ *Dataset, _ *Plan, r *Result) { r.BelowMinimum() }, safe: true},
	"Result.Recipients":    {call: func(_ *Dataset, _ *Plan, r *Result) { r.Recipients() }, safe: true},
	"Result.Selected":      {call: func(_ *Dataset, _ *Plan, r *Result) { r.Selected() }, safe: true},
	"Result.Sample":        {call: func(_ *Dataset, _ *Plan, r *Result) { r.Sample(3) }, safe: true},
	"Result.SelectedIDs":   {call: func(_ *Dataset, _ *Plan, r *Result) { _ = slices.Collect(r.SelectedIDs()) }},
	"Result.Nodes (field)": {call: func(_ *Dataset, _ *Plan, r *Result) { _ = r.Nodes }, safe: true},
}

// closeRule names an audience, a redelivery and every attribute, so that
// planning it reads every kind of the dataset's memory.
var closeRule = func() *nctarget.Rule {
	req, err := nctarget.Compile("close.nct", []byte(`audience(5614991017776) and not redelivery("5b59509c-c57b-11e9-aa8c-2a2ae2dbcce4")
where gender in (female) and age[20,40) and appType in (ios) and area in (jp_13) and subscriptionPeriod[7,)`), nctarget.Options{})
	if err != nil {
		panic(err)
	}
	return req.Rule
}()

// TestClosedDataset checks Close's contract on datasets whose memory is
// mapped, from the text (every array mapped) and from the index cache:
// after Close every method that reads the dataset panics with errClosed,
// so that a read path that forgets to check fails here (with a panic of
// its own, or by reading unmapped memory, which crashes the test), and a
// second Close does nothing.
func TestClosedDataset(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if err := gendata.Generate(dir, gendata.Options{Users: 3000, Seed: 11}); err != nil {
		t.Fatal(err)
	}
	cache := t.TempDir()
	if _, err := indexcache.Write(dir, cache, indexcache.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	checkMethodsListed(t)
	for _, opts := range []LoadOptions{{mapFrom: 1}, {CacheDir: cache}} {
		for name, path := range readPaths {
			d, err := Load(dir, opts)
			if err != nil {
				t.Fatal(err)
			}
			if opts.CacheDir != "" && !d.indexed {
				t.Fatal("index not used")
			}
			p, err := d.Plan(closeRule)
			if err != nil {
				t.Fatal(err)
			}
			r := p.Eval()
			d.Close()
			got := panicOf(func() { path.call(d, p, r) })
			switch {
			case path.safe && got != nil:
				t.Errorf("%s after Close (cache %q): panic %v, want none", name, opts.CacheDir, got)
			case !path.safe && got != errClosed:
				t.Errorf("%s after Close (cache %q): panic %v, want %q", name, opts.CacheDir, got, errClosed)
			}
			if got := panicOf(d.Close); got != nil {
				t.Errorf("second Close: panic %v", got)
			}
		}
	}
}

// checkMethodsListed fails when an exported method of Dataset, Plan or
// Result is missing from readPaths.
func checkMethodsListed(t *testing.T) {
	t.Helper()
	for _, v := range []any{&Dataset{}, &Plan{}, &Result{}} {
		typ := reflect.TypeOf(v)
		for i := range typ.NumMethod() {
			name := typ.Elem().Name() + "." + typ.Method(i).Name
			if _, ok := readPaths[name]; !ok {
				t.Errorf("%s is not in readPaths: say whether it reads the dataset", name)
			}
		}
	}
}

// panicOf returns what f panics with, or nil.
func panicOf(f func()) (p any) {
	defer func() { p = recover() }()
	f()
	return nil
}

// BenchmarkOpenCheck measures what Close's contract costs a read: looking
// up every friend by ID through Dataset.Index, which checks that the
// dataset is open, against the baseline, the same lookups in its ID table
// directly.
func BenchmarkOpenCheck(b *testing.B) {
	d := loadBench(b)
	ids := make([]string, d.Len())
	for i := range ids {
		ids[i] = d.UserID(uint32(i))
	}
	table := d.table()
	var found int
	compare(b, func(b *testing.B) {
		for b.Loop() {
			for _, id := range ids {
				uid, _ := userid.Parse([]byte(id))
				if _, ok := table.Lookup(uid); ok {
					found++
				}
			}
		}
	}, func(b *testing.B) {
		for b.Loop() {
			for _, id := range ids {
				if _, ok := d.Index(id); ok {
					found++
				}
			}
		}
	})
	if found == 0 {
		b.Fatal("nothing found")
	}
}
