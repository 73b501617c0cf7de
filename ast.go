package nctarget

import (
	"math"
	"strconv"
	"strings"
)

// Node is a node of the rule's syntax tree. Every node knows the span of
// source it came from, so later stages (simplify, compile, eval) can point
// back at what the user wrote.
type Node interface {
	Pos() Pos // position of the node's first byte
	End() Pos // position just past the node's last byte
	node()
}

// Expr is a boolean expression: a recipient expression (audiences,
// redeliveries) or a demographic filter (attribute atoms), combined with
// Operator and Not.
type Expr interface {
	Node
	// String prints the expression in canonical rule syntax.
	String() string
	expr()
}

// Span is the source range of a node, embedded in every node type. Its
// Pos and End follow go/ast: Pos is the position of the node's first byte
// and End the position just past its last, so the node's text is
// src[n.Pos().Offset:n.End().Offset]. Only the parser sets them: a node
// decompiled from JSON or built by hand has zero positions (IsValid is
// false), and a rewrite that keeps a node's place copies its Span. A node
// whose parts the API checks one by one (an audience's id, a range's
// bounds, a limit's number) keeps the place of each part too, as go/ast
// keeps the positions of a node's tokens, so that validate can point at
// the part at fault (validate.go, partSpan).
type Span struct {
	pos, end Pos
}

// Pos returns the position of the node's first byte.
func (s Span) Pos() Pos { return s.pos }

// End returns the position just past the node's last byte.
func (s Span) End() Pos { return s.end }

func (Span) node() {}

// A part is the place of one token of a node: an id, a bound, a number.
// A token never spans lines and is in the node's file, so a part keeps
// its line once and no file name, a quarter of the size of a Span, which
// every atom of every parsed rule would carry.
type part struct {
	offset, end             int32 // the byte offsets of the first byte and just past the last
	line, column, endColumn int32
}

// partOf returns the place of token t, or the zero part (none) when its
// offset does not fit.
func partOf(t token) part {
	end := t.End()
	if end.Offset > math.MaxInt32 || end.Column > math.MaxInt32 || t.Pos.Line > math.MaxInt32 {
		return part{}
	}
	return part{offset: int32(t.Pos.Offset), end: int32(end.Offset), line: int32(t.Pos.Line), column: int32(t.Pos.Column), endColumn: int32(end.Column)}
}

// span returns the positions of the part's first byte and just past its
// last, in file filename; ok is false for the zero part.
func (pt part) span(filename string) (pos, end Pos, ok bool) {
	if pt.line == 0 {
		return Pos{}, Pos{}, false
	}
	pos = Pos{Filename: filename, Offset: int(pt.offset), Line: int(pt.line), Column: int(pt.column)}
	end = Pos{Filename: filename, Offset: int(pt.end), Line: int(pt.line), Column: int(pt.endColumn)}
	return pos, end, true
}

// Rule is a whole targeting rule: who (Recipient), which of them (Filter),
// and how many (Limit). Any part may be absent.
type Rule struct {
	Span
	Recipient Expr      // audience(…) and not redelivery(…); nil targets every friend
	Filter    Expr      // the where clause; nil for no demographic filter
	Limit     *Limit    // the limit clause; or nil
	Comments  []Comment // every # comment, in source order, for fmt
}

// Limit is the limit clause: "limit 100 upToRemainingQuota".
type Limit struct {
	Span
	Max                   int64 // limit.max; 0 when the clause gives no number
	UpToRemainingQuota    bool  // the bare word upToRemainingQuota was given
	ForbidPartialDelivery bool  // the bare word forbidPartialDelivery was given

	max part // the number as written; zero when none was, or not parsed
}

// Comment is a "# …" comment; Text includes the '#'.
type Comment struct {
	Span
	Text string
	// OwnLine reports that only blanks precede the comment on its line:
	// fmt keeps such a comment on a line of its own, where one written
	// after an atom stays at the end of that atom's line.
	OwnLine bool
}

// Op is the operator of an Operator node.
type Op int

// The n-ary operators.
const (
	OpAnd Op = iota + 1 // every operand holds
	OpOr                // at least one operand holds
)

// String returns the operator's keyword, which is also its JSON key.
func (op Op) String() string {
	if op == OpOr {
		return "or"
	}
	return "and"
}

// Operator is an n-ary "and" or "or": a and b and c is one Operator with
// three Args, as in the API's operator object.
type Operator struct {
	Span
	Op   Op     // OpAnd or OpOr
	Args []Expr // at least one operand
}

// Not is "not X": recipients outside X, or, in a filter, friends X does not
// match (including those whose attribute is unknown).
type Not struct {
	Span
	X Expr
}

// Audience is "audience(5614991017776)" or "audience(vip)".
type Audience struct {
	Span
	ID   int64  // audienceGroupId; 0 until a Name is resolved through a Catalog
	Name string // the catalog name as written; "" when the id was written

	arg part // the id or name as written; zero when not parsed
}

// Redelivery is redelivery("5b59509c-…"): the friends who received an
// earlier narrowcast.
type Redelivery struct {
	Span
	RequestID string // the X-Line-Request-Id of that narrowcast

	arg part // the request id as written; zero when not parsed
}

// Attr is a demographic attribute.
type Attr int

// The demographic attributes the API knows, in the canonical order used
// when sorting atoms.
const (
	AttrGender Attr = iota + 1
	AttrAge
	AttrAppType
	AttrArea
	AttrSubscriptionPeriod
)

// String returns the attribute's canonical name, which is also its JSON type.
func (a Attr) String() string {
	switch a {
	case AttrGender:
		return "gender"
	case AttrAge:
		return "age"
	case AttrAppType:
		return "appType"
	case AttrArea:
		return "area"
	case AttrSubscriptionPeriod:
		return "subscriptionPeriod"
	}
	return "Attr(" + strconv.Itoa(int(a)) + ")"
}

// IsRange reports whether the attribute takes a range (age,
// subscriptionPeriod) rather than a set of values.
func (a Attr) IsRange() bool { return a == AttrAge || a == AttrSubscriptionPeriod }

// Set is a set atom: "gender in (male, female)", "area in (tokyo, jp_27)".
type Set struct {
	Span
	Attr   Attr    // AttrGender, AttrAppType or AttrArea
	Values []Value // at least one
}

// Value is one member of a Set.
type Value struct {
	Span
	Code string // the API's value: "female", "jp_13"
	Text string // as written, for fmt: "Tokyo"
}

// Range is a range atom over whole numbers, half-open: age[20,25) means
// 20 <= age < 25. A zero bound is absent (no valid bound is zero).
type Range struct {
	Span
	Attr Attr // AttrAge or AttrSubscriptionPeriod
	Gte  int  // lower bound, inclusive; 0 when open
	Lt   int  // upper bound, exclusive; 0 when open

	gte, lt part // each bound as written; zero when open, or not parsed
}

// Atoms returns the atoms of e (audiences, redeliveries, sets and
// ranges) in source order: the leaves under its operators. The checks
// that count recipient objects and the evaluator's warnings look at a
// rule's atoms this way rather than each walking the tree.
func Atoms(e Expr) []Expr {
	var atoms []Expr
	var walk func(Expr)
	walk = func(e Expr) {
		switch x := e.(type) {
		case nil:
		case *Operator:
			for _, a := range x.Args {
				walk(a)
			}
		case *Not:
			walk(x.X)
		default:
			atoms = append(atoms, e)
		}
	}
	walk(e)
	return atoms
}

// AttrOf returns the attribute a demographic atom (a Set or a Range)
// tests, and false for any other expression.
func AttrOf(e Expr) (Attr, bool) {
	switch x := e.(type) {
	case *Set:
		return x.Attr, true
	case *Range:
		return x.Attr, true
	}
	return 0, false
}

func (*Operator) expr()   {}
func (*Not) expr()        {}
func (*Audience) expr()   {}
func (*Redelivery) expr() {}
func (*Set) expr()        {}
func (*Range) expr()      {}

// String prints the rule in canonical syntax, one clause per line.
func (r *Rule) String() string {
	var parts []string
	if r.Recipient != nil {
		parts = append(parts, r.Recipient.String())
	}
	if r.Filter != nil {
		parts = append(parts, "where "+r.Filter.String())
	}
	if r.Limit != nil {
		parts = append(parts, r.Limit.String())
	}
	return strings.Join(parts, "\n")
}

// String prints the limit clause.
func (l *Limit) String() string {
	s := "limit"
	if l.Max != 0 {
		s += " " + strconv.FormatInt(l.Max, 10)
	}
	if l.UpToRemainingQuota {
		s += " upToRemainingQuota"
	}
	if l.ForbidPartialDelivery {
		s += " forbidPartialDelivery"
	}
	return s
}

// String prints the expression on one line in canonical syntax, as fmt
// does: every and/or operand of another operator or of not is
// parenthesized.
func (o *Operator) String() string { return syntax(o, 0) }

// String prints "not X" in canonical syntax.
func (n *Not) String() string { return syntax(n, 0) }

// String prints audience(name) when the audience was named, else its id.
func (a *Audience) String() string { return syntax(a, 0) }

// String prints redelivery("…").
func (r *Redelivery) String() string { return syntax(r, 0) }

// String prints "attr in (v, …)", each value in its canonical spelling.
func (s *Set) String() string { return syntax(s, 0) }

// String prints "attr[gte,lt)" with open bounds left empty.
func (r *Range) String() string { return syntax(r, 0) }

func bound(n int) string {
	if n == 0 {
		return ""
	}
	return strconv.Itoa(n)
}

// quoteName returns name bare when it lexes as one identifier, else quoted.
func quoteName(name string) string {
	if isBareWord(name) {
		return name
	}
	return strconv.Quote(name)
}
