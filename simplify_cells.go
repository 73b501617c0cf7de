package nctarget

import "math/bits"

// This file models a condition on one demographic attribute exactly, so
// the simplifier can merge same-attribute atoms without ever confusing
// "not male" with "female". The values an attribute can take are split
// into cells: one per value for a set attribute (gender: male, female),
// one per span between accepted bounds for a range attribute (age: below
// 15, 15–19, …, 65–69, 70 and over), plus one cell for "unknown". Every
// atom, negated or not, matches a union of cells, and and/or are
// intersection and union of those unions. A positive atom never matches
// the unknown cell; a negated one always does.

// cellSet is a set of cells of one attribute: bit i is cell i, and bit
// attr.NumCells() is the unknown cell. 128 bits hold the 89 areas.
type cellSet struct {
	attr Attr
	bits [2]uint64
}

func (c *cellSet) set(i int)       { c.bits[i/64] |= 1 << (i % 64) }
func (c cellSet) has(i int) bool   { return c.bits[i/64]&(1<<(i%64)) != 0 }
func (c cellSet) count() int       { return bits.OnesCount64(c.bits[0]) + bits.OnesCount64(c.bits[1]) }
func (c cellSet) isEmpty() bool    { return c.bits == [2]uint64{} }
func (c cellSet) isFull() bool     { return c.count() == c.attr.NumCells()+1 }
func (c cellSet) hasUnknown() bool { return c.has(c.attr.NumCells()) }

// full returns every cell of attr, unknown included.
func full(attr Attr) cellSet {
	c := cellSet{attr: attr}
	for i := 0; i <= attr.NumCells(); i++ {
		c.set(i)
	}
	return c
}

// complement returns the cells c does not hold, unknown included: what
// "not c" matches.
func (c cellSet) complement() cellSet {
	f := full(c.attr)
	return cellSet{attr: c.attr, bits: [2]uint64{f.bits[0] &^ c.bits[0], f.bits[1] &^ c.bits[1]}}
}

// combine returns c and d (intersection) or c or d (union).
func (c cellSet) combine(op Op, d cellSet) cellSet {
	if op == OpAnd {
		return cellSet{attr: c.attr, bits: [2]uint64{c.bits[0] & d.bits[0], c.bits[1] & d.bits[1]}}
	}
	return cellSet{attr: c.attr, bits: [2]uint64{c.bits[0] | d.bits[0], c.bits[1] | d.bits[1]}}
}

// atomCells returns the cells a demographic atom, or a negated one,
// matches. It reports false for anything else, and for an atom holding a
// value the API does not accept (which Parse has already reported).
func atomCells(e Expr) (cellSet, bool) {
	switch n := e.(type) {
	case *Not:
		c, ok := atomCells(n.X)
		if _, nested := n.X.(*Not); nested || !ok {
			return cellSet{}, false
		}
		return c.complement(), true
	case *Set:
		return setCells(n)
	case *Range:
		return rangeCells(n)
	}
	return cellSet{}, false
}

func setCells(n *Set) (cellSet, bool) {
	c := cellSet{attr: n.Attr}
	if n.Attr.IsRange() || len(n.Values) == 0 {
		return c, false
	}
	for _, v := range n.Values {
		i, ok := n.Attr.CodeIndex(v.Code)
		if !ok {
			return c, false
		}
		c.set(i)
	}
	return c, true
}

func rangeCells(n *Range) (cellSet, bool) {
	c := cellSet{attr: n.Attr}
	if !n.Attr.IsRange() {
		return c, false
	}
	lo, hi := 0, n.Attr.NumCells()-1
	if n.Gte != 0 {
		lo = boundIndex(n.Attr, n.Gte) + 1
	}
	if n.Lt != 0 {
		hi = boundIndex(n.Attr, n.Lt)
	}
	if lo <= 0 && n.Gte != 0 || hi < 0 || lo > hi || (n.Gte == 0 && n.Lt == 0) {
		return c, false
	}
	for i := lo; i <= hi; i++ {
		c.set(i)
	}
	return c, true
}

// boundIndex returns the index of b among attr's accepted bounds, or -1.
func boundIndex(attr Attr, b int) int {
	for i, x := range attr.Bounds() {
		if x == b {
			return i
		}
	}
	return -1
}

// expr returns the one atom that matches exactly c, reporting false when
// no single atom does (a range with a gap, or every known value of a range
// attribute). Cells holding unknown become a negated atom. vals gives the
// spelling and position of set values by code.
func (c cellSet) expr(span Span, vals map[string]Value) (Expr, bool) {
	if !c.hasUnknown() {
		return c.positive(span, vals)
	}
	x, ok := c.complement().positive(span, vals)
	if !ok {
		return nil, false
	}
	return &Not{Span: span, X: x}, true
}

// positive returns the atom matching exactly c, which holds known cells
// only and at least one.
func (c cellSet) positive(span Span, vals map[string]Value) (Expr, bool) {
	if c.isEmpty() || c.hasUnknown() {
		return nil, false
	}
	if !c.attr.IsRange() {
		set := &Set{Span: span, Attr: c.attr}
		for i, code := range c.attr.Codes() {
			if c.has(i) {
				v, ok := vals[code]
				if !ok {
					v = Value{Code: code}
				}
				set.Values = append(set.Values, v)
			}
		}
		return set, true
	}
	return c.rangeExpr(span)
}

// rangeExpr returns the range matching c's cells when they are contiguous
// and bounded on at least one side.
func (c cellSet) rangeExpr(span Span) (Expr, bool) {
	n, lo := c.attr.NumCells(), 0
	for !c.has(lo) {
		lo++
	}
	hi := lo + c.count() - 1
	for i := lo; i <= hi; i++ {
		if i >= n || !c.has(i) {
			return nil, false
		}
	}
	if lo == 0 && hi == n-1 {
		return nil, false
	}
	bounds := c.attr.Bounds()
	r := &Range{Span: span, Attr: c.attr}
	if lo > 0 {
		r.Gte = bounds[lo-1]
	}
	if hi < n-1 {
		r.Lt = bounds[hi]
	}
	return r, true
}
