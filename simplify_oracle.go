package nctarget

import "github.com/nctarget/nctarget/decide"

// This file is the simplifier's oracle: package decide, which knows
// exactly what a side of a rule means. On a side it can decide (see
// decidable), the simplifier asks it whether the side matches nobody
// before rewriting (an error, with the parts Lint finds), drops the operands it proves redundant
// after the rewrite rules, and has it prove the result equivalent to the
// input; a result it cannot prove equivalent is not used. Redundancy and
// constants are then Lint's to report, exactly, and the rewrite rules'
// own warnings are kept for sides too large to decide.

// maxPrunes bounds the rounds of dropping redundant operands and
// rewriting again; each round drops at least one operand.
const maxPrunes = 4

// lintWarn is warn for the redundancy and constants the rewrite rules
// notice, which Lint reports exactly on a side the oracle decides.
func (s *simplifier) lintWarn(at Node, hint, format string, args ...any) {
	if !s.exact {
		s.warn(at, hint, format, args...)
	}
}

// simplifySide simplifies one side of a rule, the filter or not.
func (s *simplifier) simplifySide(e Expr, filter bool) Expr {
	t, f := decidable(e, filter)
	s.exact = f != nil
	if !s.exact {
		return s.run(e)
	}
	if s.matchesNobody(f, filter) {
		at := firstNobody(e, filter)
		s.errs.addSpan(at.Pos(), at.End(), "LINE accepts it and fails the delivery; join the parts with or, or remove one",
			"this %s matches nobody: %s", s.side, brief(at))
		return e
	}
	out := s.run(e)
	if c, ok := s.contextual(out, filter); ok {
		out = s.run(c)
	}
	for range maxPrunes {
		pruned, ok := s.prune(out, filter)
		if !ok {
			break
		}
		out = s.run(pruned)
	}
	if !sideEquivalent(t, f, out, filter) {
		return e // never wrong: a rewrite the oracle cannot prove is not made
	}
	return out
}

// firstNobody returns the first part of e that matches nobody where none
// of its own parts does: where the error starts. It is e when Lint cannot
// say.
func firstNobody(e Expr, filter bool) Expr {
	t, findings := lintFindings(e, filter)
	for _, x := range findings {
		if x.Problem == decide.Unsatisfiable {
			return t.exprs[x.Node]
		}
	}
	return e
}

// sideRule puts a formula on its side of a rule for package decide.
func sideRule(f *decide.Formula, filter bool) decide.Rule {
	if filter {
		return decide.Rule{Filter: f}
	}
	return decide.Rule{Recipient: f}
}

// matchesNobody reports whether the side f matches nobody.
func (s *simplifier) matchesNobody(f *decide.Formula, filter bool) bool {
	sat, _, err := decide.Satisfiable(space, sideRule(f, filter))
	return err == nil && !sat
}

// sideEquivalent reports whether out means what f (translated by t)
// does, as proved by the oracle.
func sideEquivalent(t *translator, f *decide.Formula, out Expr, filter bool) bool {
	if out == nil {
		return false // a side is never dropped
	}
	g, err := t.side(out, filter)
	if err != nil {
		return false
	}
	eq, _, _, err := decide.Equivalent(space, sideRule(f, filter), sideRule(g, filter))
	return err == nil && eq
}

// prune drops the operands of e that the oracle proves redundant, and
// the operands of an and that match every friend, recording each drop.
// It reports false when there is nothing to drop.
func (s *simplifier) prune(e Expr, filter bool) (Expr, bool) {
	t := newTranslator()
	f, err := t.side(e, filter)
	if err != nil {
		return e, false
	}
	findings, err := decide.Lint(space, f)
	if err != nil {
		return e, false
	}
	drop := make(map[*decide.Formula]bool)
	for _, x := range findings {
		if x.Problem == decide.Redundant {
			drop[x.Node] = true
		}
	}
	for _, x := range findings {
		if x.Problem == decide.Tautological && x.Node != f {
			markAlways(f, x.Node, drop)
		}
	}
	if len(drop) == 0 {
		return e, false
	}
	for x := range drop {
		n := t.exprs[x]
		s.rewrites = append(s.rewrites, Rewrite{Pos: n.Pos(), Name: "redundant", Before: brief(n), After: "(nothing)"})
	}
	return rebuild(f, t, drop), true
}

// contextual replaces the atoms of e whose value the rest of e decides
// (decide.Contextual): audience(1) and not (audience(1) and not
// audience(2)) is audience(1) and audience(2). It reports false when no
// atom goes.
func (s *simplifier) contextual(e Expr, filter bool) (Expr, bool) {
	out, ok := contextual(e, filter)
	if ok {
		s.record("context", e, out)
	}
	return out, ok
}

// contextual is the simplifier's contextual without the record of the
// rewrite, for callers that keep none (reduce in diff.go).
func contextual(e Expr, filter bool) (Expr, bool) {
	if e == nil {
		return nil, false
	}
	t := newTranslator()
	f, err := t.side(e, filter)
	if err != nil {
		return e, false
	}
	g, err := decide.Contextual(space, f)
	if err != nil || g.Kind == decide.True || g.Kind == decide.False || len(formulaAtoms(g)) == len(formulaAtoms(f)) {
		return e, false
	}
	return fromFormula(g, t), true
}

// formulaAtoms returns the atoms of f.
func formulaAtoms(f *decide.Formula) []*decide.Formula {
	if len(f.Args) == 0 {
		return []*decide.Formula{f}
	}
	var out []*decide.Formula
	for _, a := range f.Args {
		out = append(out, formulaAtoms(a)...)
	}
	return out
}

// fromFormula returns the expression of f, whose atoms t translated; its
// operators span their operands.
func fromFormula(f *decide.Formula, t *translator) Expr {
	if len(f.Args) == 0 {
		return t.exprs[f]
	}
	args := make([]Expr, len(f.Args))
	for i, a := range f.Args {
		args[i] = fromFormula(a, t)
	}
	span := Span{pos: args[0].Pos(), end: args[len(args)-1].End()}
	switch f.Kind {
	case decide.Not:
		return &Not{Span: span, X: args[0]}
	case decide.Or:
		return &Operator{Span: span, Op: OpOr, Args: args}
	}
	return &Operator{Span: span, Op: OpAnd, Args: args}
}

// markAlways marks node, a part of f that matches every friend, for
// dropping when it is an operand of an and.
func markAlways(f, node *decide.Formula, drop map[*decide.Formula]bool) {
	for _, a := range f.Args {
		if a == node && f.Kind == decide.And && len(f.Args) > 1 {
			drop[a] = true
			return
		}
		markAlways(a, node, drop)
	}
}

// rebuild returns the expression of f without the operands in drop; an
// and/or left with one operand is that operand.
func rebuild(f *decide.Formula, t *translator, drop map[*decide.Formula]bool) Expr {
	e := t.exprs[f]
	switch n := e.(type) {
	case *Operator:
		o := &Operator{Span: n.Span, Op: n.Op}
		for _, a := range f.Args {
			if !drop[a] {
				o.Args = append(o.Args, rebuild(a, t, drop))
			}
		}
		if len(o.Args) == 1 {
			return o.Args[0]
		}
		return o
	case *Not:
		return &Not{Span: n.Span, X: rebuild(f.Args[0], t, drop)}
	}
	return e
}
