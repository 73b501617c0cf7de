package nctarget

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
)

// This file is the simplifier: small rewrite rules, one function each,
// applied bottom-up and repeated to a bounded fixpoint, the way expr's
// optimizer runs its passes. Every rule preserves meaning exactly under the
// semantics of SPEC section 3; in particular an unknown attribute never
// matches an atom, so gender in (male, female) is not "everyone" and
// not gender in (male) is not gender in (female). Same-attribute atoms are
// merged through cells.go, which models that exactly.

// maxRounds bounds the fixpoint: each round is one bottom-up pass, and a
// round that rewrites nothing ends the loop early.
const maxRounds = 16

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

// Simplify rewrites a rule into a smaller equivalent one in canonical
// order, so equal rules compile to the same bytes. A clause that can match
// nobody (age[20,25) and age[30,35), a and not a) is certainly a mistake:
// it is reported as an error, an ErrorList, rather than sent.
func Simplify(r *Rule) (*Simplification, error) {
	s := &simplifier{keys: make(map[Expr]string), costs: make(map[Expr][2]int), stable: make(map[Expr]bool), warned: make(map[string]bool)}
	out := *r
	s.side = "recipient expression"
	out.Recipient = s.run(r.Recipient)
	s.side = "filter"
	out.Filter = s.run(r.Filter)
	if len(s.errs) > 0 {
		return nil, s.errs.Err()
	}
	if s.suppressed > 0 {
		s.warnings = append(s.warnings, &Diagnostic{Pos: r.Start, End: r.Start, Severity: SeverityWarning,
			Msg:  fmt.Sprintf("and %d more redundant clauses", s.suppressed),
			Hint: "nctarget compile --explain lists every rewrite"})
	}
	return &Simplification{Rule: &out, Rewrites: s.rewrites, Warnings: s.warnings}, nil
}

// simplifier holds the state of one Simplify call.
type simplifier struct {
	side       string          // "recipient expression" or "filter", for messages
	keys       map[Expr]string // canonical keys, computed once per node
	costs      map[Expr][2]int // recipient objects and JSON size, once per node
	stable     map[Expr]bool   // nodes no rule changes any more
	budget     int             // operand visits left; see workPerNode
	rewrites   []Rewrite
	warnings   []*Diagnostic
	warned     map[string]bool // warnings already given, by position and text
	suppressed int             // warnings over maxWarnings, not given
	errs       ErrorList
}

// run simplifies e to a fixpoint of at most maxRounds rounds.
func (s *simplifier) run(e Expr) Expr {
	if e == nil {
		return nil
	}
	s.budget = workPerNode * (nodes(e) + 100)
	for range maxRounds {
		n := len(s.rewrites)
		e = s.top(s.expr(e))
		if len(s.rewrites) == n || len(s.errs) > 0 || s.budget < 0 {
			break
		}
	}
	return e
}

// workPerNode bounds the simplifier's work on an expression to this many
// operand visits per node, so a pathological rule (thousands of groups
// sharing operands, which factoring would take apart one by one) costs
// linear time. Rounds and factorings stop when the budget is spent; the
// result is then less simplified, never wrong.
const workPerNode = 8

// nodes returns the number of nodes of e.
func nodes(e Expr) int {
	n := 0
	mapExpr(e, func(a Expr) Expr { n++; return a })
	return n
}

// record notes a rewrite of before into after.
func (s *simplifier) record(name string, before, after Expr) {
	s.rewrites = append(s.rewrites, Rewrite{Pos: before.Pos(), Name: name, Before: brief(before), After: brief(after)})
}

// recordOp notes a rewrite of o's operands from before to after.
func (s *simplifier) recordOp(name string, o *Operator, before, after []Expr) {
	s.recordText(name, o.Pos(), joinBrief(before, o.Op), opOf(o.Op, after))
}

// recordText notes a rewrite whose before side is several operands.
func (s *simplifier) recordText(name string, at Pos, before string, after Expr) {
	s.rewrites = append(s.rewrites, Rewrite{Pos: at, Name: name, Before: before, After: brief(after)})
}

// maxWarnings caps the warnings of one Simplify call: a generated rule
// can repeat an audience thousands of times, and one summary says as much
// as thousands of lines.
const maxWarnings = 50

// warn adds a warning once per position and message.
func (s *simplifier) warn(at Node, hint, format string, args ...any) {
	if len(s.warnings) >= maxWarnings {
		s.suppressed++
		return
	}
	msg := fmt.Sprintf(format, args...)
	id := at.Pos().String() + "\x00" + msg
	if s.warned[id] {
		return
	}
	s.warned[id] = true
	s.warnings = append(s.warnings, &Diagnostic{Pos: at.Pos(), End: at.End(), Severity: SeverityWarning, Msg: msg, Hint: hint})
}

// constant stands, inside the simplifier only, for a clause that matches
// nobody (an and of a and not a, or of atoms with no value in common) or,
// negated, every friend. Nobody swallows the and it is in and drops out of
// an or; every friend swallows the or and drops out of the and (each drop
// with a warning). If a whole expression becomes constant, Simplify
// reports an error there: both are certainly mistakes. It never leaves the
// simplifier.
type constant struct {
	Span
	all bool   // true: every friend; false: nobody
	why string // the clause, in rule syntax
}

func (*constant) expr() {}

func (c *constant) String() string {
	if c.all {
		return "everyone(" + c.why + ")"
	}
	return "nobody(" + c.why + ")"
}

// nobody returns a constant matching nobody because of why.
func nobody(span Span, why string) *constant { return &constant{Span: span, why: why} }

// top turns a whole expression that is constant into an error.
func (s *simplifier) top(e Expr) Expr {
	c, ok := e.(*constant)
	switch {
	case !ok:
	case c.all:
		s.errs.AddSpan(c.Start, c.Stop, "remove it if every friend is meant",
			"this %s matches every friend: %s always holds", s.side, c.why)
	default:
		s.errs.AddSpan(c.Start, c.Stop, "a condition that can never hold is a mistake; join the parts with or, or remove one",
			"this %s matches nobody: %s", s.side, c.why)
	}
	return e
}

// brief prints e for a Rewrite, cut short when it is long.
func brief(e Expr) string { return syntax(e, 120) }

// cut shortens str to about 120 bytes, marking the cut with an ellipsis.
func cut(str string) string {
	const max = 120
	if len(str) <= max {
		return str
	}
	n := max
	for n > 0 && str[n]&0xC0 == 0x80 { // do not split a UTF-8 sequence
		n--
	}
	return str[:n] + "…"
}

// expr simplifies e bottom-up, returning e itself when nothing changed.
func (s *simplifier) expr(e Expr) Expr {
	switch n := e.(type) {
	case *Operator:
		return s.operator(n)
	case *Not:
		return s.not(n)
	case *Set:
		return s.set(n)
	}
	return e
}

// not removes double negation: not not x is x.
func (s *simplifier) not(n *Not) Expr {
	x := s.expr(n.X)
	if c, ok := x.(*constant); ok {
		return &constant{Span: n.Span, all: !c.all, why: brief(n)}
	}
	if inner, ok := x.(*Not); ok {
		s.record("double negation", n, inner.X)
		return inner.X
	}
	if x == n.X {
		return n
	}
	return &Not{Span: n.Span, X: x}
}

// set puts a set's values in canonical order and drops repeated values.
func (s *simplifier) set(n *Set) Expr {
	vals := slices.Clone(n.Values)
	slices.SortStableFunc(vals, func(a, b Value) int { return codeIndex(n.Attr, a.Code) - codeIndex(n.Attr, b.Code) })
	vals = slices.CompactFunc(vals, func(a, b Value) bool { return a.Code == b.Code })
	if slices.EqualFunc(vals, n.Values, func(a, b Value) bool { return a.Code == b.Code }) {
		return n
	}
	out := &Set{Span: n.Span, Attr: n.Attr, Values: vals}
	if len(vals) < len(n.Values) {
		s.record("duplicate value", n, out)
		s.warn(n, "list each value once", "%s lists a value more than once", n)
	}
	return out
}

// operator simplifies an and/or node: its operands first, then each rule
// in turn, then canonical order. An operator left with one operand is
// replaced by it. A node that came out of an earlier round unchanged is
// known to be simplified and is returned at once, so each round costs only
// what changed.
func (s *simplifier) operator(o *Operator) Expr {
	if s.stable[o] {
		return o
	}
	mark := len(s.rewrites)
	e := s.rewriteOperator(o)
	if len(s.rewrites) == mark {
		s.stable[e] = true // no rule applies: later rounds need not look again
	}
	return e
}

// rewriteOperator applies every rule to o, whose operands it simplifies
// first.
func (s *simplifier) rewriteOperator(o *Operator) Expr {
	s.budget -= len(o.Args)
	args := make([]Expr, len(o.Args))
	for i, a := range o.Args {
		args[i] = s.expr(a)
	}
	args, c := s.dropConstants(o, args)
	if c != nil {
		return c
	}
	args = s.flatten(o, args)
	args = s.dedupe(o, args)
	if none := s.complement(o, args); none != nil {
		return none
	}
	args = s.absorb(o, args)
	if args, c = s.merge(o, args); c != nil {
		return c
	}
	args = s.factor(o, args)
	s.sortArgs(args)
	if len(args) == 1 {
		return args[0]
	}
	return &Operator{Span: o.Span, Op: o.Op, Args: args}
}

// dropConstants handles operands that are constant: nobody makes an and
// match nobody and drops out of an or; every friend makes an or match
// every friend and drops out of an and. Each drop is a warning. An
// operator left with no operands is the constant its dropped ones were
// not: an empty and holds for everyone, an empty or for nobody.
func (s *simplifier) dropConstants(o *Operator, args []Expr) ([]Expr, *constant) {
	var out []Expr
	var last *constant
	for i, a := range args {
		c, ok := a.(*constant)
		if !ok {
			if out != nil {
				out = append(out, a)
			}
			continue
		}
		if c.all == (o.Op == OpOr) {
			return nil, c
		}
		if out == nil {
			out = append(make([]Expr, 0, len(args)), args[:i]...)
		}
		last = c
		s.dropConstant(o, c)
	}
	switch {
	case last == nil:
		return args, nil
	case len(out) == 0:
		return nil, &constant{Span: o.Span, all: o.Op == OpAnd, why: last.why}
	}
	return out, nil
}

// dropConstant records and warns about a constant operand o ignores.
func (s *simplifier) dropConstant(o *Operator, c *constant) {
	if c.all {
		s.rewrites = append(s.rewrites, Rewrite{Pos: c.Start, Name: "drop always", Before: c.why, After: "(nothing)"})
		s.warn(c, "remove it", "this clause always holds, so the and ignores it: %s", c.why)
		return
	}
	s.rewrites = append(s.rewrites, Rewrite{Pos: c.Start, Name: "drop nobody", Before: c.why, After: "(nothing)"})
	s.warn(c, "remove it", "this clause matches nobody, so the or ignores it: %s", c.why)
}

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
			s.warn(a, "remove the repeat", "redundant %s: %s already appears at %s", brief(a), brief(first), first.Pos())
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
		s.warn(o, "remove the condition if every friend is meant", "%s or %s always holds", brief(n.X), brief(n))
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
			s.warn(a, "remove it", "redundant %s: %s already decides it", brief(a), brief(by))
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
	parts := []string{brief(args[idx[0]])}
	for _, i := range idx[1:] {
		c, _ := atomCells(args[i])
		acc = acc.combine(o.Op, c)
		parts = append(parts, brief(args[i]))
	}
	before := strings.Join(parts, " "+o.Op.String()+" ")
	first := args[idx[0]]
	switch {
	case acc.isEmpty():
		return nobody(o.Span, before)
	case acc.isFull():
		s.warn(o, "remove the conditions if every friend is meant", "%s always holds", before)
		return nil
	}
	merged, ok := acc.expr(Span{Start: first.Pos(), Stop: first.End()}, values(args, idx))
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
			s.warn(args[i], "remove it", "redundant %s: %s %s decides it", brief(args[i]), o.Op, brief(keeper))
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

// factor takes an operand common to several operands of the other kind
// out of them: (a and b) or (a and c) is a and (b or c), and dually
// (a or b) and (a or c) is a or (b and c). It does so only when that
// lowers the number of recipient objects or, for equal counts, the JSON
// size, since a short common operand may cost less than the operator
// objects factoring adds.
func (s *simplifier) factor(o *Operator, args []Expr) []Expr {
	for range len(args) {
		if s.budget < 0 {
			break
		}
		next := s.factorOnce(o, args)
		if next == nil {
			break
		}
		args = next
	}
	return args
}

// factorOnce factors out the most common operand, or returns nil when none
// is worth it.
func (s *simplifier) factorOnce(o *Operator, args []Expr) []Expr {
	common := s.mostCommon(o, args)
	if common == "" {
		return nil
	}
	var group, rest []Expr
	var shared Expr
	for _, a := range args {
		if x := s.operandWithKey(o, a, common); x != nil {
			group, shared = append(group, a), x
		} else {
			rest = append(rest, a)
		}
	}
	factored := s.factorOut(o, group, shared, common)
	if !s.smaller(o.Op, len(rest), group, factored) {
		return nil
	}
	s.recordText("factor", group[0].Pos(), joinBrief(group, o.Op), factored)
	return append(rest, factored)
}

// mostCommon returns the key of the operand shared by the most operands of
// o that are operators of the other kind, when at least two share it; ties
// go to the smallest key so the choice is deterministic.
func (s *simplifier) mostCommon(o *Operator, args []Expr) string {
	count := make(map[string]int)
	for _, a := range args {
		if inner, ok := a.(*Operator); ok && inner.Op != o.Op {
			s.budget -= len(inner.Args)
			for _, x := range inner.Args {
				count[s.key(x)]++
			}
		}
	}
	best, n := "", 1
	for k, c := range count {
		if c > n || (c == n && c > 1 && k < best) {
			best, n = k, c
		}
	}
	return best
}

// operandWithKey returns the operand of a with the given key when a is an
// operator of the other kind than o, else nil.
func (s *simplifier) operandWithKey(o *Operator, a Expr, key string) Expr {
	inner, ok := a.(*Operator)
	if !ok || inner.Op == o.Op {
		return nil
	}
	for _, x := range inner.Args {
		if s.key(x) == key {
			return x
		}
	}
	return nil
}

// factorOut builds shared dual (g1' op g2' op …), where gi' is the group
// member gi without the shared operand.
func (s *simplifier) factorOut(o *Operator, group []Expr, shared Expr, key string) Expr {
	dual := group[0].(*Operator).Op
	inner := &Operator{Span: o.Span, Op: o.Op}
	for _, g := range group {
		g := g.(*Operator)
		var left []Expr
		for _, x := range g.Args {
			if s.key(x) != key {
				left = append(left, x)
			}
		}
		if len(left) == 1 {
			inner.Args = append(inner.Args, left[0])
		} else {
			inner.Args = append(inner.Args, &Operator{Span: g.Span, Op: dual, Args: left})
		}
	}
	return &Operator{Span: group[0].(*Operator).Span, Op: dual, Args: []Expr{shared, inner}}
}

// smaller reports whether replacing the operands group of an op operator
// (beside nRest others) by factored makes the operator cheaper: fewer
// recipient objects, or as many and fewer JSON bytes. Only what differs is
// measured: the operands that stay cancel out, except that an operator
// left with the one factored operand loses its own object.
func (s *simplifier) smaller(op Op, nRest int, group []Expr, factored Expr) bool {
	gObjs, gSize := 0, len(group)-1 // the commas between the group's operands
	for _, g := range group {
		o, z := s.cost(g)
		gObjs, gSize = gObjs+o, gSize+z
	}
	if nRest == 0 {
		gSize += operatorSize(op)
	}
	fObjs, fSize := s.cost(factored)
	return fObjs < gObjs || (fObjs == gObjs && fSize < gSize)
}

// operatorSize is the JSON size of an empty and/or operator object.
func operatorSize(op Op) int { return len(`{"type":"operator","":[]}`) + len(op.String()) }

// opOf returns args joined by op, or the one operand alone.
func opOf(op Op, args []Expr) Expr {
	if len(args) == 1 {
		return args[0]
	}
	return &Operator{Op: op, Args: args}
}

// cost returns the recipient objects and the JSON size of e, computed
// once per node: factoring weighs them at every level of a large rule.
func (s *simplifier) cost(e Expr) (objs, size int) {
	if c, ok := s.costs[e]; ok {
		return c[0], c[1]
	}
	switch n := e.(type) {
	case *Operator:
		size = operatorSize(n.Op) + len(n.Args) - 1
		for _, a := range n.Args {
			o, z := s.cost(a)
			objs, size = objs+o, size+z
		}
	case *Not:
		objs, size = s.cost(n.X)
		size += len(`{"type":"operator","not":}`)
	default:
		var b bytes.Buffer
		writeExpr(&b, e)
		objs, size = len(RecipientObjects(e)), b.Len()
	}
	s.costs[e] = [2]int{objs, size}
	return objs, size
}

// joinBrief prints operands joined by an operator, each operator operand
// in parentheses, for a Rewrite.
func joinBrief(args []Expr, op Op) string {
	var b strings.Builder
	for i, a := range args {
		if i > 0 {
			b.WriteString(" " + op.String() + " ")
		}
		if _, ok := a.(*Operator); ok {
			b.WriteString("(" + brief(a) + ")")
		} else {
			b.WriteString(brief(a))
		}
		if b.Len() > 120 {
			break
		}
	}
	return cut(b.String())
}
