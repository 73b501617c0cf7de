package nctarget

import "slices"

// This file holds the rewrite rules the simplifier applies to the
// operands of one and/or, one function each; factoring is in
// simplify_factor.go.

// flatten splices operands of the same operator into o:
// a and (b and c) is a and b and c.
func (s *simplifier) flatten(o *Operator, args []Expr) []Expr {
	var out []Expr
	for i, a := range args {
		inner, ok := a.(*Operator)
		if !ok || inner.Op != o.Op {
			if out != nil {
				out = append(out, a)
			}
			continue
		}
		if out == nil {
			out = append(make([]Expr, 0, len(args)+len(inner.Args)), args[:i]...)
		}
		out = append(out, inner.Args...)
	}
	if out == nil {
		return args
	}
	s.recordOp("flatten", o, args, out)
	return out
}

// dedupe drops an operand equal to an earlier one: a and a is a. Two
// audiences are equal when their ids are, whatever name was written.
func (s *simplifier) dedupe(o *Operator, args []Expr) []Expr {
	seen := make(map[string]Expr, len(args))
	out := args[:0:0]
	for _, a := range args {
		k := s.key(a)
		if first, ok := seen[k]; ok {
			s.lintWarn(a, "remove the repeat", "redundant %s: %s already appears at %s", brief(a), brief(first), first.Pos())
			continue
		}
		seen[k] = a
		out = append(out, a)
	}
	if len(out) < len(args) {
		s.recordOp("duplicate", o, args, out)
	}
	return out
}

// complement finds an operand and its negation side by side. Under and,
// a and not a matches nobody, which complement returns. Under
// or, a or not a matches everyone the expression can reach, which no
// object can say more briefly; it is left alone with a warning.
func (s *simplifier) complement(o *Operator, args []Expr) *constant {
	if !slices.ContainsFunc(args, isNot) {
		return nil
	}
	pos := make(map[string]bool, len(args))
	for _, a := range args {
		pos[s.key(a)] = true
	}
	for _, a := range args {
		n, ok := a.(*Not)
		if !ok || !pos[s.key(n.X)] {
			continue
		}
		if o.Op == OpAnd {
			return nobody(o.Span, brief(n.X)+" and "+brief(n))
		}
		s.lintWarn(o, "remove the condition if every friend is meant", "%s or %s always holds", brief(n.X), brief(n))
	}
	return nil
}

// absorb drops an operand made redundant by another: a and (a or b) is a,
// and a or (a and b) is a.
func (s *simplifier) absorb(o *Operator, args []Expr) []Expr {
	if !slices.ContainsFunc(args, func(a Expr) bool { x, ok := a.(*Operator); return ok && x.Op != o.Op }) {
		return args
	}
	present := make(map[string]Expr, len(args))
	for _, a := range args {
		present[s.key(a)] = a
	}
	out := args[:0:0]
	for _, a := range args {
		if by := s.absorber(o, a, present); by != nil {
			s.lintWarn(a, "remove it", "redundant %s: %s already decides it", brief(a), brief(by))
			continue
		}
		out = append(out, a)
	}
	if len(out) < len(args) {
		s.recordOp("absorption", o, args, out)
	}
	return out
}

func isNot(e Expr) bool { _, ok := e.(*Not); return ok }

// absorber returns the operand of o that absorbs a, or nil: a must be an
// operator of the other kind with an operand present beside it in o.
func (s *simplifier) absorber(o *Operator, a Expr, present map[string]Expr) Expr {
	inner, ok := a.(*Operator)
	if !ok || inner.Op == o.Op {
		return nil
	}
	s.budget -= len(inner.Args)
	for _, x := range inner.Args {
		if by, ok := present[s.key(x)]; ok {
			return by
		}
	}
	return nil
}

// merge replaces the atoms on one attribute under o by a single atom when
// one says the same: gender in (male) or gender in (female) is
// gender in (male, female); age[20,30) and age[25,40) is age[25,30);
// not gender in (male) and not gender in (female) is
// not gender in (male, female). The combination is computed exactly over
// the attribute's cells, unknown included (cells.go), so it never turns
// into a tautology or drops the unknown.
func (s *simplifier) merge(o *Operator, args []Expr) ([]Expr, *constant) {
	groups := make(map[Attr][]int)
	for i, a := range args {
		if c, ok := atomCells(a); ok {
			groups[c.attr] = append(groups[c.attr], i)
		}
	}
	drop := make(map[int]bool)
	for _, attr := range Attrs {
		if idx := groups[attr]; len(idx) > 1 {
			if none := s.mergeGroup(o, args, idx, drop); none != nil {
				return nil, none
			}
		}
	}
	if len(drop) == 0 {
		return args, nil
	}
	out := args[:0:0]
	for i, a := range args {
		if !drop[i] {
			out = append(out, a)
		}
	}
	return out, nil
}

// mergeGroup merges the atoms args[idx...], all on one attribute, into
// args[idx[0]] and marks the rest in drop. It returns a nobody when the
// atoms have no value in common.
func (s *simplifier) mergeGroup(o *Operator, args []Expr, idx []int, drop map[int]bool) *constant {
	acc, _ := atomCells(args[idx[0]])
	group := []Expr{args[idx[0]]}
	for _, i := range idx[1:] {
		c, _ := atomCells(args[i])
		acc = acc.combine(o.Op, c)
		group = append(group, args[i])
	}
	before := briefOp(o.Op, group)
	first := args[idx[0]]
	switch {
	case acc.isEmpty():
		return nobody(o.Span, before)
	case acc.isFull():
		s.lintWarn(o, "remove the conditions if every friend is meant", "%s always holds", before)
		return nil
	}
	merged, ok := acc.expr(Span{pos: first.Pos(), end: first.End()}, values(args, idx))
	if !ok {
		return nil
	}
	s.warnSubsumed(o, args, idx, merged)
	s.recordText("merge", first.Pos(), before, merged)
	args[idx[0]] = merged
	for _, i := range idx[1:] {
		drop[i] = true
	}
	return nil
}

// warnSubsumed warns about the atoms of a merged group that the merged
// atom shows to be redundant: when the result equals one of the atoms, the
// others add nothing (age[20,) and age[30,40) is age[30,40)).
func (s *simplifier) warnSubsumed(o *Operator, args []Expr, idx []int, merged Expr) {
	k := s.key(merged)
	var keeper Expr
	for _, i := range idx {
		if s.key(args[i]) == k {
			keeper = args[i]
		}
	}
	if keeper == nil {
		return
	}
	for _, i := range idx {
		if args[i] != keeper {
			s.lintWarn(args[i], "remove it", "redundant %s: %s %s decides it", brief(args[i]), o.Op, brief(keeper))
		}
	}
}

// values returns the values of the set atoms args[idx...] by code, so a
// merged set keeps each value as the author wrote it.
func values(args []Expr, idx []int) map[string]Value {
	m := make(map[string]Value)
	for _, i := range idx {
		a := args[i]
		if n, ok := a.(*Not); ok {
			a = n.X
		}
		if set, ok := a.(*Set); ok {
			for _, v := range set.Values {
				if _, seen := m[v.Code]; !seen {
					m[v.Code] = v
				}
			}
		}
	}
	return m
}
