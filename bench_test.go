package nctarget

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/nctarget/nctarget/internal/cputime"
	"github.com/nctarget/nctarget/internal/grammar"
)

// Benchmarks of the compiler, the numbers in docs/compiler.md:
//
//	go test -run '^$' -bench 'LINEFull|CompileAtoms' -benchmem -cpu 1 -count 5 .
//
// BenchmarkCompileLINEFull is the typical rule; BenchmarkCompileAtoms
// grows a rule from 10 to 100,000 demographic atoms and reports ns/atom,
// which stays flat when compilation is linear in the rule's size.

// BenchmarkCompileLINEFull parses and compiles LINE's full narrowcast
// example, simplification included.
func BenchmarkCompileLINEFull(b *testing.B) {
	src, err := os.ReadFile("examples/line-full.nct")
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	defer reportCPU(b)()
	for b.Loop() {
		req, err := Compile("line-full.nct", src, Options{})
		if err != nil {
			b.Fatal(err)
		}
		_ = req.JSON(false)
	}
}

// BenchmarkParseLINEFull is the parse alone of the same rule (what Parse
// does: lexing, limits, the recursive-descent parser and its checks) and,
// as a baseline in the same run, the reference participle grammar of
// internal/grammar, which only recognizes the syntax.
func BenchmarkParseLINEFull(b *testing.B) {
	src, err := os.ReadFile("examples/line-full.nct")
	if err != nil {
		b.Fatal(err)
	}
	b.Run("parser=recursive-descent", func(b *testing.B) {
		b.ReportAllocs()
		defer reportCPU(b)()
		for b.Loop() {
			if _, err := Parse("line-full.nct", src); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("parser=participle", func(b *testing.B) {
		b.ReportAllocs()
		defer reportCPU(b)()
		for b.Loop() {
			if _, err := grammar.Parse("line-full.nct", src); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// bigRuleLimits admit the 100,000-atom benchmark rule, which is past
// DefaultParseLimits (a 2.3 MB rule; real rules are a few kilobytes): a program
// that compiles such rules raises ParseLimits the same way.
var bigRuleLimits = ParseLimits{MaxBytes: 8 << 20, MaxAtoms: 200_000}

// BenchmarkCompileAtoms compiles generated rules of growing size, with
// the simplifier (the default, the whole pipeline) and without it (parse,
// checks and JSON alone), so a super-linear step shows which stage it is in.
func BenchmarkCompileAtoms(b *testing.B) {
	for _, n := range []int{10, 1000, 100000} {
		src := generatedRule(n)
		for _, noSimplify := range []bool{false, true} {
			b.Run(fmt.Sprintf("atoms=%d/simplify=%v", n, !noSimplify), func(b *testing.B) {
				b.SetBytes(int64(len(src)))
				b.ReportAllocs()
				opts := Options{Limits: bigRuleLimits, NoSimplify: noSimplify}
				start := cputime.Process()
				for b.Loop() {
					req, err := Compile("gen.nct", src, opts)
					if err != nil {
						b.Fatal(err)
					}
					_ = req.JSON(false)
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/atom")
				b.ReportMetric(float64(cputime.Process()-start)/float64(b.N)/float64(n), "cpu-ns/atom")
			})
		}
	}
}

// generatedRule returns a filter of n demographic atoms the way a
// pipeline writes one: an OR of groups of five conditions, each group
// different, so simplification has little to remove.
func generatedRule(n int) []byte {
	ages := []int{15, 20, 25, 30, 35, 40, 45, 50, 55, 60, 65}
	days := []int{7, 30, 90, 180}
	var b strings.Builder
	b.WriteString("audience(5614991017776) and not redelivery(\"5b59509c-c57b-11e9-aa8c-2a2ae2dbcce4\")\nwhere ")
	for i := 0; i < n; i++ {
		switch {
		case i == 0:
		case i%5 == 0:
			b.WriteString("\n   or ")
		default:
			b.WriteString(" and ")
		}
		switch i % 5 {
		case 0:
			b.WriteString("(")
			b.WriteString([]string{"gender = male", "gender = female"}[i/5%2])
		case 1:
			a := ages[i/5%len(ages)]
			fmt.Fprintf(&b, "age[%d,%d)", a, a+5)
		case 2:
			fmt.Fprintf(&b, "area in (jp_%02d, jp_%02d)", i/5%47+1, (i/5+13)%47+1)
		case 3:
			b.WriteString([]string{"appType = ios", "appType in (android)", "not appType = ios"}[i/5%3])
		case 4:
			fmt.Fprintf(&b, "subscriptionPeriod >= %d", days[i/5%len(days)])
		}
		if i%5 == 4 || i == n-1 {
			b.WriteString(")")
		}
	}
	b.WriteString("\nlimit 1000 upToRemainingQuota\n")
	return []byte(b.String())
}

// TestGeneratedRuleLimits checks the benchmark rules against the parse
// limits: up to 1,000 atoms fit DefaultParseLimits, and 100,000 atoms fit
// bigRuleLimits while DefaultParseLimits reject them with a diagnostic naming
// the limit.
func TestGeneratedRuleLimits(t *testing.T) {
	for _, tc := range []struct {
		atoms  int
		limits ParseLimits
	}{{10, ParseLimits{}}, {1000, ParseLimits{}}, {100000, bigRuleLimits}} {
		rule, err := tc.limits.Parse("gen.nct", generatedRule(tc.atoms))
		if err != nil {
			t.Fatalf("%d atoms: %v", tc.atoms, err)
		}
		if got := countAtoms(rule.Filter); got != tc.atoms {
			t.Errorf("%d atoms generated, %d parsed", tc.atoms, got)
		}
	}
	_, err := Parse("gen.nct", generatedRule(100000))
	if ds := Diagnostics(err); len(ds) != 1 || !strings.Contains(ds[0].Msg, "over the limit of") {
		t.Errorf("100,000 atoms under DefaultParseLimits: %v, want one limit diagnostic", err)
	}
}

// countAtoms counts the demographic atoms in e.
func countAtoms(e Expr) int {
	switch n := e.(type) {
	case *Operator:
		c := 0
		for _, a := range n.Args {
			c += countAtoms(a)
		}
		return c
	case *Not:
		return countAtoms(n.X)
	case nil:
		return 0
	}
	return 1
}
