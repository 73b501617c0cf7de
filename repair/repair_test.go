package repair

import (
	"os"
	"testing"

	"github.com/nctarget/nctarget/internal/cputime"

	"github.com/nctarget/nctarget"
	"github.com/nctarget/nctarget/eval"
)

// bundled loads the repository's example data.
func bundled(t testing.TB) *eval.Dataset {
	t.Helper()
	d, err := eval.Load("../examples/data", eval.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(d.Close)
	return d
}

func compile(t testing.TB, src string) *nctarget.Rule {
	t.Helper()
	req, err := nctarget.Compile("rule.nct", []byte(src), nctarget.Options{NoSimplify: true})
	if err != nil {
		t.Fatalf("%s: %v", src, err)
	}
	return req.Rule
}

var repairRules = []string{
	`audience(5614991017776) and not redelivery("5b59509c-c57b-11e9-aa8c-2a2ae2dbcce4") where age[20,25) and gender in (female) and area in (jp_13, jp_14) limit 30`,
	`audience(5614991017776) and not audience(4389303728991) where gender in (female) and age[20,25) and area in (tokyo)`,
	`audience(4389303728991) and audience(5614991017776) where subscriptionPeriod[30,90)`,
	`where age[65,) and appType in (ios) and area in (jp_01)`,
	`audience(1000000000010) limit 10`,
}

// TestSuggestionsReachTheMinimum applies every suggestion as a user
// would, pasting its text, and evaluates it: each reaches the minimum,
// with the count the suggestion says, and they come fewest edits first,
// then fewest people added.
func TestSuggestionsReachTheMinimum(t *testing.T) {
	d := bundled(t)
	suggested := 0
	for _, src := range repairRules {
		rep, err := Search(d, compile(t, src), Options{})
		if err != nil {
			t.Fatalf("%s: %v", src, err)
		}
		if rep.Original.Count >= rep.Min {
			t.Fatalf("%s: %d recipients; the test wants rules below the minimum", src, rep.Original.Count)
		}
		for i, s := range rep.Suggestions {
			pasted := compile(t, string(nctarget.Format(s.Rule)))
			p, err := d.Plan(pasted)
			if err != nil {
				t.Fatal(err)
			}
			res := p.Eval()
			if res.Count < rep.Min || res.Count != s.Result.Count {
				t.Errorf("%s: suggestion %v has %d recipients pasted, says %d, min %d", src, s.Edits, res.Count, s.Result.Count, rep.Min)
			}
			if i > 0 {
				prev := rep.Suggestions[i-1]
				if len(prev.Edits) > len(s.Edits) || (len(prev.Edits) == len(s.Edits) && prev.Added > s.Added) {
					t.Errorf("%s: suggestion %d (%v, +%d) ranked after %v (+%d)", src, i, s.Edits, s.Added, prev.Edits, prev.Added)
				}
			}
			suggested++
		}
		if len(rep.Suggestions) == 0 && rep.Closest == nil {
			t.Errorf("%s: no suggestion and no closest candidate", src)
		}
	}
	if suggested < len(repairRules) {
		t.Errorf("only %d suggestions for %d rules", suggested, len(repairRules))
	}
}

// TestUnreachable: a minimum no edit reaches gives no suggestion, and
// the closest candidate, which is below it.
func TestUnreachable(t *testing.T) {
	d := bundled(t)
	rep, err := Search(d, compile(t, repairRules[0]), Options{Min: 100_000})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Suggestions) != 0 || rep.Closest == nil || rep.Closest.Result.Count >= 100_000 {
		t.Errorf("suggestions %d, closest %v; want none, and a closest below the minimum", len(rep.Suggestions), rep.Closest)
	}
}

// TestDeterministic: the same search gives the same suggestions.
func TestDeterministic(t *testing.T) {
	d := bundled(t)
	text := func() string {
		rep, err := Search(d, compile(t, repairRules[0]), Options{Suggestions: 10})
		if err != nil {
			t.Fatal(err)
		}
		s := ""
		for _, x := range rep.Suggestions {
			s += x.Rule.OneLine() + "\n"
		}
		return s
	}
	if a, b := text(), text(); a != b {
		t.Errorf("two searches differ:\n%s\n%s", a, b)
	}
}

// TestEdits: the neighbourhood of one rule, edit by edit.
func TestEdits(t *testing.T) {
	r := compile(t, `audience(1) and not audience(2) where age[20,25) and area in (jp_13) limit 10`)
	var got []string
	for _, e := range edits(r) {
		got = append(got, e.what+" => "+e.rule.OneLine())
	}
	want := []string{
		"drop audience(1) from the and => not audience(2) where age[20,25) and area in (jp_13) limit 10",
		"drop the not term not audience(2) => audience(1) where age[20,25) and area in (jp_13) limit 10",
		"turn audience(1) and not audience(2) into audience(1) or not audience(2) => audience(1) or not audience(2) where age[20,25) and area in (jp_13) limit 10",
		"drop age[20,25) from the and => audience(1) and not audience(2) where area in (jp_13) limit 10",
		"drop area in (jp_13) from the and => audience(1) and not audience(2) where age[20,25) limit 10",
		"turn age[20,25) and area in (jp_13) into age[20,25) or area in (jp_13) => audience(1) and not audience(2) where age[20,25) or area in (jp_13) limit 10",
		"widen age[20,25) to age[15,25) => audience(1) and not audience(2) where age[15,25) and area in (jp_13) limit 10",
		"widen age[20,25) to age[20,30) => audience(1) and not audience(2) where age[20,30) and area in (jp_13) limit 10",
		"add jp_12 (Chiba) to area in (jp_13) => audience(1) and not audience(2) where age[20,25) and area in (jp_13, jp_12) limit 10",
		"add jp_14 (Kanagawa) to area in (jp_13) => audience(1) and not audience(2) where age[20,25) and area in (jp_13, jp_14) limit 10",
		"drop limit 10 => audience(1) and not audience(2) where age[20,25) and area in (jp_13)",
	}
	if len(got) != len(want) {
		t.Fatalf("got %d edits, want %d:\n%q", len(got), len(want), got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("edit %d:\n got %s\nwant %s", i, got[i], want[i])
		}
	}
}

// BenchmarkRepairBundled is the repair of a rule on the bundled data
// (3,000 friends), beside the baseline of one plan and evaluation of the
// same rule in the same run:
//
//	go test -run '^$' -bench Repair -benchmem ./repair
func BenchmarkRepairBundled(b *testing.B) {
	d := bundled(b)
	rule := compile(b, repairRules[0])
	b.Run("op=repair", func(b *testing.B) {
		defer reportCPU(b)()
		for b.Loop() {
			if _, err := Search(d, rule, Options{}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("op=eval", func(b *testing.B) {
		defer reportCPU(b)()
		for b.Loop() {
			p, err := d.Plan(rule)
			if err != nil {
				b.Fatal(err)
			}
			p.Eval()
		}
	})
}

// BenchmarkRepairLarge is the same repair on a large dataset, such as the
// 10M friends of nctarget gen-data, named by NCTARGET_REPAIR_DATA (the
// load is not measured):
//
//	nctarget gen-data --users 10000000 --seed 1 /tmp/10m
//	NCTARGET_REPAIR_DATA=/tmp/10m go test -run '^$' -bench RepairLarge -benchtime 3x ./repair
func BenchmarkRepairLarge(b *testing.B) {
	dir := os.Getenv("NCTARGET_REPAIR_DATA")
	if dir == "" {
		b.Skip("set NCTARGET_REPAIR_DATA to a data directory (nctarget gen-data) to run it")
	}
	d, err := eval.Load(dir, eval.LoadOptions{})
	if err != nil {
		b.Fatal(err)
	}
	defer d.Close()
	rule := compile(b, repairRules[0])
	b.Run("op=repair", func(b *testing.B) {
		defer reportCPU(b)()
		for b.Loop() {
			rep, err := Search(d, rule, Options{Min: 1_000_000})
			if err != nil {
				b.Fatal(err)
			}
			if len(rep.Suggestions) == 0 {
				b.Fatal("no suggestion")
			}
		}
	})
	b.Run("op=eval", func(b *testing.B) {
		defer reportCPU(b)()
		for b.Loop() {
			p, err := d.Plan(rule)
			if err != nil {
				b.Fatal(err)
			}
			p.Eval()
		}
	})
}

// reportCPU reports the process CPU time per operation as cpu-ns/op,
// which the load of a shared machine does not inflate as it does ns/op.
func reportCPU(b *testing.B) func() {
	start := cputime.Process()
	return func() {
		if b.N > 0 {
			b.ReportMetric(float64(cputime.Process()-start)/float64(b.N), "cpu-ns/op")
		}
	}
}
