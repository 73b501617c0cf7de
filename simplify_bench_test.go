package nctarget

import (
	"testing"
)

// Benchmarks of the simplifier on 100,000-atom rules, the numbers in
// docs/simplify.md:
//
//	go test -run '^$' -bench 'Simplify100k' -benchmem -cpu 1 -count 5 .
//
// Each shape is measured twice in the same run: op=simplify is Simplify,
// op=copy is the baseline, a plain copy of the same tree (mapExpr), the
// least any pass over the rule costs. Both report ns/atom.

const benchAtoms = 100_000

// benchShapes builds the rules the benchmark simplifies, each with
// benchAtoms atoms.
var benchShapes = []struct {
	name  string
	build func() *Rule
}{
	// nothing to rewrite: only sorting and keys
	{"distinct-audiences", func() *Rule {
		return &Rule{Recipient: benchOr(benchAtoms, func(i int) Expr { return &Audience{ID: int64(i + 1)} })}
	}},
	// 100 copies of each of 1,000 audiences
	{"duplicate-audiences", func() *Rule {
		return &Rule{Recipient: benchOr(benchAtoms, func(i int) Expr { return &Audience{ID: int64(i%1000 + 1)} })}
	}},
	// (a and b_i) or …: one factoring, then one merge of 100,000 areas
	{"factor-and-merge", func() *Rule {
		return &Rule{Filter: benchOr(benchAtoms/2, func(i int) Expr {
			area := &Set{Attr: AttrArea, Values: []Value{{Code: areaTable[i%len(areaTable)].Code}}}
			return &Operator{Op: OpAnd, Args: []Expr{&Range{Attr: AttrAge, Gte: 20}, area}}
		})}
	}},
	// 1,000 nested groups of 100 audiences, with double negations
	{"nested", func() *Rule {
		return &Rule{Recipient: benchAnd(1000, func(i int) Expr {
			return &Not{X: &Not{X: benchOr(100, func(j int) Expr { return &Audience{ID: int64(i*37+j)%5000 + 1} })}}
		})}
	}},
}

func benchOr(n int, atom func(int) Expr) Expr {
	o := &Operator{Op: OpOr, Args: make([]Expr, n)}
	for i := range o.Args {
		o.Args[i] = atom(i)
	}
	return o
}

func benchAnd(n int, arg func(int) Expr) Expr {
	o := &Operator{Op: OpAnd, Args: make([]Expr, n)}
	for i := range o.Args {
		o.Args[i] = arg(i)
	}
	return o
}

// BenchmarkSimplify100k simplifies each shape, beside the copy baseline.
func BenchmarkSimplify100k(b *testing.B) {
	for _, shape := range benchShapes {
		rule := shape.build()
		b.Run(shape.name+"/op=simplify", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Simplify(rule); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/benchAtoms, "ns/atom")
		})
		b.Run(shape.name+"/op=copy", func(b *testing.B) {
			b.ReportAllocs()
			id := func(e Expr) Expr { return e }
			for b.Loop() {
				mapExpr(rule.Recipient, id)
				mapExpr(rule.Filter, id)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/benchAtoms, "ns/atom")
		})
	}
}

// TestBenchShapesSimplify checks what the benchmark shapes simplify to,
// so the benchmark measures the rewrites it claims to.
func TestBenchShapesSimplify(t *testing.T) {
	simplified := func(i int) *Simplification {
		s, err := Simplify(benchShapes[i].build())
		if err != nil {
			t.Fatalf("%s: %v", benchShapes[i].name, err)
		}
		return s
	}
	if s := simplified(0); len(RecipientObjects(s.Rule.Recipient)) != benchAtoms || len(s.Rewrites) != 0 {
		t.Errorf("distinct-audiences: %d objects, rewrites %v", len(RecipientObjects(s.Rule.Recipient)), s.Rewrites)
	}
	if s := simplified(1); len(RecipientObjects(s.Rule.Recipient)) != 1000 || !hasRewrite(s, "duplicate") {
		t.Errorf("duplicate-audiences: %d objects, want 1000", len(RecipientObjects(s.Rule.Recipient)))
	}
	want := &Operator{Op: OpAnd, Args: []Expr{&Range{Attr: AttrAge, Gte: 20}, &Set{Attr: AttrArea, Values: allAreas()}}}
	if s := simplified(2); syntax(s.Rule.Filter, 0) != syntax(want, 0) || !hasRewrite(s, "factor") || !hasRewrite(s, "merge") {
		t.Errorf("factor-and-merge simplifies to %s", syntax(s.Rule.Filter, 100))
	}
	if s := simplified(3); len(RecipientObjects(s.Rule.Recipient)) >= benchAtoms || !hasRewrite(s, "double negation") || !hasRewrite(s, "factor") {
		t.Errorf("nested: %d objects, want fewer than %d, with double negations and factoring", len(RecipientObjects(s.Rule.Recipient)), benchAtoms)
	}
}

func allAreas() []Value {
	vals := make([]Value, len(areaTable))
	for i, e := range areaTable {
		vals[i] = Value{Code: e.Code}
	}
	return vals
}
