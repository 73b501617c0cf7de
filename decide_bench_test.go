package nctarget

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

// Benchmarks of the decision procedure on rules of 10 recipient objects
// and 30 demographic atoms, the size issue 12 sets targets for (deciding
// a rule ≤ 1 ms, diff of two ≤ 5 ms):
//
//	go test -run '^$' -bench 'Decide' -benchmem .
//
// op=parse, parsing the same rule, is the baseline measured in the same
// run; the README gives each as a ratio of it. cpu-ns/op is the CPU time
// of an operation, which the load of a shared machine does not inflate.

// benchRuleSource returns a random rule of 10 distinct audiences and 30
// demographic atoms, six on each attribute, in nested and/or/not.
func benchRuleSource(seed uint64) string {
	r := rand.New(rand.NewPCG(seed, 12))
	var rec []string
	for i := range 10 {
		a := fmt.Sprintf("audience(%d)", 1000+i)
		if r.IntN(3) == 0 {
			a = "not " + a
		}
		rec = append(rec, a)
	}
	var fil []string
	for i := range 30 {
		fil = append(fil, benchAtom(r, Attrs[i%len(Attrs)]))
	}
	return group(r, rec) + "\nwhere " + group(r, fil)
}

// group joins atoms into a random tree of and/or groups.
func group(r *rand.Rand, atoms []string) string {
	if len(atoms) <= 3 {
		return strings.Join(atoms, []string{" and ", " or "}[r.IntN(2)])
	}
	cut := 1 + r.IntN(len(atoms)-1)
	op := []string{" and ", " or "}[r.IntN(2)]
	left, right := "("+group(r, atoms[:cut])+")", "("+group(r, atoms[cut:])+")"
	if r.IntN(4) == 0 {
		left = "not " + left
	}
	return left + op + right
}

func benchAtom(r *rand.Rand, a Attr) string {
	if a.IsRange() {
		b := a.Bounds()
		i := r.IntN(len(b) - 1)
		return fmt.Sprintf("%s[%d,%d)", a, b[i], b[i+1+r.IntN(len(b)-i-1)])
	}
	codes := a.Codes()
	vals := []string{codes[r.IntN(len(codes))]}
	if r.IntN(2) == 0 {
		vals = append(vals, codes[r.IntN(len(codes))])
	}
	return fmt.Sprintf("%s in (%s)", a, strings.Join(vals, ", "))
}

func BenchmarkDecide(b *testing.B) {
	src := benchRuleSource(1)
	rule, err := Parse("bench.nct", []byte(src))
	if err != nil {
		b.Fatalf("%v\n%s", err, src)
	}
	other, err := Parse("bench.nct", []byte(benchRuleSource(2)))
	if err != nil {
		b.Fatal(err)
	}
	if n := len(Atoms(rule.Recipient)) + len(Atoms(rule.Filter)); n != 40 {
		b.Fatalf("%d atoms, want 40", n)
	}
	b.Run("op=parse", func(b *testing.B) {
		defer reportCPU(b)()
		for b.Loop() {
			if _, err := Parse("bench.nct", []byte(src)); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("op=satisfiable", func(b *testing.B) {
		defer reportCPU(b)()
		for b.Loop() {
			if _, _, err := Satisfiable(rule); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("op=equivalent", func(b *testing.B) {
		defer reportCPU(b)()
		for b.Loop() {
			if _, _, _, err := Equivalent(rule, other); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("op=lint", func(b *testing.B) {
		defer reportCPU(b)()
		for b.Loop() {
			Lint(rule)
		}
	})
	b.Run("op=diff", func(b *testing.B) {
		defer reportCPU(b)()
		for b.Loop() {
			if _, err := Diff(rule, other); err != nil {
				b.Fatal(err)
			}
		}
	})
}
