package decide

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// TestLintAgainstEnumeration checks Lint's findings on 2,000 random
// formulas of each side against every friend of a small space: each
// finding is true, no fact is missed, and dropping every redundant
// operand leaves the formula's meaning as it was.
func TestLintAgainstEnumeration(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 3))
	all := everyFriend(testSets, testSpace)
	for i := range 4000 {
		f := randomFormula(r, i%2 == 0, testSets, testSpace, 4)
		fs, err := Lint(testSpace, f)
		if err != nil {
			t.Fatal(err)
		}
		for _, x := range fs {
			n := count(x.Node, all)
			switch x.Problem {
			case Unsatisfiable:
				if n != 0 {
					t.Fatalf("%v: unsatisfiable part matches %d", f, n)
				}
			case Tautological:
				if n != len(all) {
					t.Fatalf("%v: tautological part matches %d of %d", f, n, len(all))
				}
			}
		}
		if hasNobody(f, all) != slices.ContainsFunc(fs, func(x Finding) bool { return x.Problem == Unsatisfiable }) {
			t.Fatalf("%v: a part matches nobody, but Lint says %v", f, fs)
		}
		pruned := prune(f, fs)
		for _, fr := range all {
			if holds(f, fr) != holds(pruned, fr) {
				t.Fatalf("dropping the redundant operands of %v changes its meaning", f)
			}
		}
	}
}

func count(f *Formula, all []*Friend) int {
	n := 0
	for _, fr := range all {
		if holds(f, fr) {
			n++
		}
	}
	return n
}

// hasNobody reports whether some part of f matches nobody.
func hasNobody(f *Formula, all []*Friend) bool {
	if count(f, all) == 0 {
		return true
	}
	return slices.ContainsFunc(f.Args, func(a *Formula) bool { return hasNobody(a, all) })
}

// prune returns f without the operands fs finds redundant.
func prune(f *Formula, fs []Finding) *Formula {
	drop := map[*Formula]bool{}
	for _, x := range fs {
		if x.Problem == Redundant {
			drop[x.Node] = true
		}
	}
	var cp func(*Formula) *Formula
	cp = func(f *Formula) *Formula {
		c := *f
		c.Args = nil
		for _, a := range f.Args {
			if !drop[a] {
				c.Args = append(c.Args, cp(a))
			}
		}
		return &c
	}
	return cp(f)
}

// TestContextualAgainstEnumeration: Contextual keeps the meaning of 4,000
// random formulas and never adds atoms.
func TestContextualAgainstEnumeration(t *testing.T) {
	r := rand.New(rand.NewPCG(4, 4))
	all := everyFriend(testSets, testSpace)
	shrunk := 0
	for i := range 4000 {
		f := randomFormula(r, i%2 == 0, testSets, testSpace, 4)
		g, err := Contextual(testSpace, f)
		if err != nil {
			t.Fatal(err)
		}
		for _, fr := range all {
			if holds(f, fr) != holds(g, fr) {
				t.Fatalf("Contextual changes the meaning of %v", f)
			}
		}
		if atoms(g) > atoms(f) {
			t.Fatalf("Contextual adds atoms: %d to %d", atoms(f), atoms(g))
		}
		if atoms(g) < atoms(f) {
			shrunk++
		}
	}
	if shrunk < 100 {
		t.Errorf("only %d of 4000 formulas lost an atom", shrunk)
	}
}

func atoms(f *Formula) int {
	n := 0
	walk(f, func(*Formula) { n++ })
	return n
}
