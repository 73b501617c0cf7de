package nctarget

// Rewrite records one change the simplifier made to a rule, so compile
// --explain can tell the author what changed and why.
type Rewrite struct {
	Pos    Pos    // where the rewritten expression starts in the source
	Name   string // the rewrite: "flatten", "double negation", …
	Before string // the expression before, in rule syntax
	After  string // the expression after
}

// Simplification is the result of Simplify.
type Simplification struct {
	Rule     *Rule         // the simplified rule; the input is not modified
	Rewrites []Rewrite     // each change made, in order
	Warnings []*Diagnostic // redundant clauses worth the author's attention
}

// Simplify rewrites a rule into a smaller equivalent one. Every rewrite
// preserves meaning under the narrowcast semantics exactly: in particular an
// unknown attribute never matches an atom, so gender in (male, female) is
// not "everyone".
func Simplify(r *Rule) (*Simplification, error) {
	s := &simplifier{}
	out := *r
	out.Recipient = s.expr(r.Recipient)
	out.Filter = s.expr(r.Filter)
	return &Simplification{Rule: &out, Rewrites: s.rewrites}, nil
}

// simplifier holds the state of one Simplify call.
type simplifier struct {
	rewrites []Rewrite
}

func (s *simplifier) record(name string, before, after Expr) {
	s.rewrites = append(s.rewrites, Rewrite{Pos: before.Pos(), Name: name, Before: before.String(), After: after.String()})
}

// expr simplifies e bottom-up.
func (s *simplifier) expr(e Expr) Expr {
	switch n := e.(type) {
	case *Operator:
		return s.operator(n)
	case *Not:
		x := s.expr(n.X)
		if inner, ok := x.(*Not); ok {
			s.record("double negation", n, inner.X)
			return inner.X
		}
		return &Not{Span: n.Span, X: x}
	}
	return e
}

// operator flattens nested operators of the same kind and drops operands
// that repeat an earlier one.
func (s *simplifier) operator(o *Operator) Expr {
	out := &Operator{Span: o.Span, Op: o.Op}
	seen := make(map[string]bool, len(o.Args))
	for _, a := range o.Args {
		a = s.expr(a)
		args := []Expr{a}
		if inner, ok := a.(*Operator); ok && inner.Op == o.Op {
			s.record("flatten", inner, inner)
			args = inner.Args
		}
		for _, x := range args {
			key := x.String()
			if seen[key] {
				s.record("duplicate", x, o)
				continue
			}
			seen[key] = true
			out.Args = append(out.Args, x)
		}
	}
	if len(out.Args) == 1 {
		return out.Args[0]
	}
	return out
}
