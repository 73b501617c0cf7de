package nctarget

import (
	"fmt"
	"slices"
)

// This file is the simplifier: small rewrite rules, one function each,
// applied bottom-up and repeated to a bounded fixpoint, the way expr's
// optimizer runs its passes. Every rule preserves meaning exactly under the
// semantics of SPEC section 3; in particular an unknown attribute never
// matches an atom, so gender in (male, female) is not "everyone" and
// not gender in (male) is not gender in (female). The rules are in
// simplify_rules.go and simplify_factor.go; same-attribute atoms are
// merged through simplify_cells.go, which models unknown values exactly.

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
// order, so equal rules compile to the same bytes. A side that matches
// nobody (age[20,25) and age[30,35), a and not a) is certainly a mistake:
// it is reported as an error, an ErrorList, rather than sent (Lint finds
// every part that matches nobody, and warns about parts that match every
// friend). Package decide proves each result equivalent to its
// input (simplify_oracle.go). A tree the API would reject (built by hand
// or rewritten: a code the attribute does not have, an operator without
// operands) is refused with validate's ErrorList, as CompileRule refuses
// it: its canonical order is not defined.
func Simplify(r *Rule) (*Simplification, error) {
	if r == nil {
		return &Simplification{}, nil
	}
	if errs := validate(r); len(errs) > 0 {
		return nil, errs.Err()
	}
	return simplify(r)
}

// simplify is Simplify of a rule validate accepts.
func simplify(r *Rule) (*Simplification, error) {
	s := &simplifier{keys: make(map[Expr]string), costs: make(map[Expr][2]int), stable: make(map[Expr]bool), warned: make(map[string]bool)}
	out := *r
	s.side = "recipient expression"
	out.Recipient = s.simplifySide(r.Recipient, false)
	s.side = "filter"
	out.Filter = s.simplifySide(r.Filter, true)
	if len(s.errs) > 0 {
		return nil, s.errs.Err()
	}
	if s.suppressed > 0 {
		s.warnings = append(s.warnings, &Diagnostic{Pos: r.Pos(), End: r.Pos(), Severity: SeverityWarning,
			Msg:  fmt.Sprintf("and %d more redundant clauses", s.suppressed),
			Hint: "nctarget compile --explain lists every rewrite"})
	}
	return &Simplification{Rule: &out, Rewrites: s.rewrites, Warnings: s.warnings}, nil
}

// simplifier holds the state of one Simplify call.
type simplifier struct {
	side       string          // "recipient expression" or "filter", for messages
	exact      bool            // the oracle decides this side (simplify_oracle.go)
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
	in := e
	for range maxRounds {
		n := len(s.rewrites)
		e = s.top(s.expr(e))
		if _, ok := e.(*constant); ok {
			return in // every friend, which no expression says more briefly
		}
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
	s.recordText(name, o.Pos(), briefOp(o.Op, before), opOf(o.Op, after))
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
// with a warning). If a whole expression matches nobody, Simplify reports
// an error there; one that matches every friend is left as written, with
// a warning. It never leaves the simplifier.
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

// top turns a whole expression that matches nobody into an error, and
// warns about one that matches every friend.
func (s *simplifier) top(e Expr) Expr {
	c, ok := e.(*constant)
	switch {
	case !ok:
	case c.all:
		s.lintWarn(c, "remove it if every friend is meant", "this %s matches every friend: %s always holds", s.side, c.why)
	default:
		s.errs.addSpan(c.Pos(), c.End(), "a condition that can never hold is a mistake; join the parts with or, or remove one",
			"this %s matches nobody: %s", s.side, c.why)
	}
	return e
}

// brief prints e for a Rewrite, cut short when it is long.
func brief(e Expr) string { return syntax(e, 120) }

// briefOp is brief for operands joined by op, as one operator would print
// them.
func briefOp(op Op, args []Expr) string { return brief(&Operator{Op: op, Args: args}) }

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
	slices.SortStableFunc(vals, func(a, b Value) int {
		i, _ := n.Attr.CodeIndex(a.Code) // Simplify validated the rule: every code is the attribute's
		j, _ := n.Attr.CodeIndex(b.Code)
		return i - j
	})
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
		s.rewrites = append(s.rewrites, Rewrite{Pos: c.Pos(), Name: "drop always", Before: c.why, After: "(nothing)"})
		s.lintWarn(c, "remove it", "this clause always holds, so the and ignores it: %s", c.why)
		return
	}
	s.rewrites = append(s.rewrites, Rewrite{Pos: c.Pos(), Name: "drop nobody", Before: c.why, After: "(nothing)"})
	s.lintWarn(c, "remove it", "this clause matches nobody, so the or ignores it: %s", c.why)
}
