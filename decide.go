package nctarget

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/nctarget/nctarget/decide"
)

// This file is the facade over package decide, which answers questions
// about rules exactly under the semantics of SPEC section 3: it turns
// rules into decide's formulas (audiences and redeliveries as opaque
// sets, demographic atoms as the cells of simplify_cells.go, unknown
// included) and decide's witnesses back into friends. A rule's limit
// plays no part: it caps a count, not who is targeted.

// Friend is a concrete friend, the witness of an answer: what LINE knows
// of it and which audiences and redeliveries it is in. Only the
// attributes the rules asked about name are set; the others may be
// anything.
type Friend struct {
	Audiences    []*Audience   // the audiences it is in; it is in no other the rules name
	Redeliveries []*Redelivery // the redeliveries it received
	NotIn        []Expr        // the audiences and redeliveries the rules name that it is not in
	Attrs        []Attr        // the attributes the rules name, in canonical order
	Gender       string        // "male", "female", or "" when unknown
	Age          int           // whole years, or -1 when unknown
	AppType      string        // "ios", "android", or "" when unknown
	Area         string        // an area code such as "jp_13", or "" when unknown
	Days         int           // subscriptionPeriod in whole days, or -1 when unknown
}

// String describes the friend: "in audience(1), not in audience(2),
// gender unknown, age 20".
func (f *Friend) String() string {
	var in, parts []string
	for _, a := range f.Audiences {
		in = append(in, a.String())
	}
	for _, r := range f.Redeliveries {
		in = append(in, r.String())
	}
	if len(in) > 0 {
		parts = append(parts, "in "+strings.Join(in, " and "))
	}
	var out []string
	for _, x := range f.NotIn {
		out = append(out, x.String())
	}
	switch len(out) {
	case 0:
	case 1:
		parts = append(parts, "not in "+out[0])
	default:
		parts = append(parts, "in none of "+strings.Join(out, ", "))
	}
	for _, a := range f.Attrs {
		parts = append(parts, a.String()+" "+f.value(a))
	}
	if len(parts) == 0 {
		return "any friend"
	}
	return strings.Join(parts, ", ")
}

// value returns the friend's value of a, as it would appear in users.csv,
// or "unknown".
func (f *Friend) value(a Attr) string {
	switch a {
	case AttrGender:
		return orUnknown(f.Gender)
	case AttrAppType:
		return orUnknown(f.AppType)
	case AttrArea:
		if f.Area == "" {
			return "unknown"
		}
		if name := AreaName(f.Area); name != "" {
			return f.Area + " (" + name + ")"
		}
		return f.Area
	case AttrAge:
		return wholeOrUnknown(f.Age)
	}
	return wholeOrUnknown(f.Days)
}

func orUnknown(s string) string {
	if s == "" {
		return "unknown"
	}
	return s
}

func wholeOrUnknown(n int) string {
	if n < 0 {
		return "unknown"
	}
	return strconv.Itoa(n)
}

// Satisfiable reports whether some friend can receive r, and one who can.
// The error is decide.ErrTooLarge for a rule too large to decide, or an
// error about an atom that is not valid.
func Satisfiable(r *Rule) (bool, *Friend, error) {
	t := newTranslator()
	dr, err := t.rule(r)
	if err != nil {
		return false, nil, err
	}
	ok, w, err := decide.Satisfiable(space, dr)
	return ok, t.friend(w), err
}

// Tautology reports whether every friend receives r (what a rule with
// neither a recipient expression nor a filter does); when not, it returns
// a friend who does not.
func Tautology(r *Rule) (bool, *Friend, error) {
	t := newTranslator()
	dr, err := t.rule(r)
	if err != nil {
		return false, nil, err
	}
	ok, w, err := decide.Tautology(space, dr)
	return ok, t.friend(w), err
}

// Implies reports whether every friend who receives a also receives b,
// in every population; when not, it returns a friend who receives a and
// not b.
func Implies(a, b *Rule) (bool, *Friend, error) {
	t := newTranslator()
	da, db, err := t.pair(a, b)
	if err != nil {
		return false, nil, err
	}
	ok, w, err := decide.Implies(space, da, db)
	return ok, t.friend(w), err
}

// Equivalent reports whether a and b target exactly the same friends in
// every population; when not, it returns a friend only one of them
// targets, and aOnly says which.
func Equivalent(a, b *Rule) (eq bool, w *Friend, aOnly bool, err error) {
	t := newTranslator()
	da, db, err := t.pair(a, b)
	if err != nil {
		return false, nil, false, err
	}
	eq, dw, aOnly, err := decide.Equivalent(space, da, db)
	return eq, t.friend(dw), aOnly, err
}

// space is decide's view of the attributes: attribute a is index a-1,
// with the cells of simplify_cells.go, unknown last.
var space = func() decide.Space {
	sp := make(decide.Space, len(Attrs))
	for _, a := range Attrs {
		sp[a-1] = a.NumCells() + 1
	}
	return sp
}()

// translator turns expressions into decide's formulas, numbering the
// audiences and redeliveries of every rule it sees alike, and keeps the
// way back from formulas to expressions.
type translator struct {
	sets  map[string]int // audience or redelivery key → set number
	objs  []Expr         // set number → the first atom naming it
	exprs map[*decide.Formula]Expr
}

func newTranslator() *translator {
	return &translator{sets: make(map[string]int), exprs: make(map[*decide.Formula]Expr)}
}

func (t *translator) rule(r *Rule) (decide.Rule, error) {
	rec, err := t.side(r.Recipient, false)
	if err != nil {
		return decide.Rule{}, err
	}
	fil, err := t.side(r.Filter, true)
	return decide.Rule{Recipient: rec, Filter: fil}, err
}

// side translates one side of a rule, which must hold the atoms of its
// side only (as Parse makes sure): demographic atoms in the filter,
// audiences and redeliveries in the recipient expression.
func (t *translator) side(e Expr, filter bool) (*decide.Formula, error) {
	for _, a := range Atoms(e) {
		if _, demographic := AttrOf(a); demographic != filter {
			return nil, fmt.Errorf("%s: %s is on the wrong side of where", a.Pos(), a)
		}
	}
	return t.formula(e)
}

func (t *translator) pair(a, b *Rule) (decide.Rule, decide.Rule, error) {
	da, err := t.rule(a)
	if err != nil {
		return da, da, err
	}
	db, err := t.rule(b)
	return da, db, err
}

// formula translates e; nil is nil (every friend).
func (t *translator) formula(e Expr) (*decide.Formula, error) {
	if e == nil {
		return nil, nil
	}
	f := &decide.Formula{}
	switch n := e.(type) {
	case *Operator:
		f.Kind = decide.And
		if n.Op == OpOr {
			f.Kind = decide.Or
		}
		for _, a := range n.Args {
			x, err := t.formula(a)
			if err != nil {
				return nil, err
			}
			f.Args = append(f.Args, x)
		}
	case *Not:
		x, err := t.formula(n.X)
		if err != nil {
			return nil, err
		}
		f.Kind, f.Args = decide.Not, []*decide.Formula{x}
	case *Audience, *Redelivery:
		f.Kind, f.Set = decide.Member, t.set(e)
	case *Set, *Range:
		c, ok := atomCells(e)
		if !ok {
			return nil, fmt.Errorf("%s: %s is not a valid atom", e.Pos(), e)
		}
		f.Kind, f.Attr, f.In = decide.Cells, int(c.attr)-1, make([]bool, c.attr.NumCells()+1)
		for i := range f.In {
			f.In[i] = c.has(i)
		}
	default:
		return nil, fmt.Errorf("%s: cannot decide %T", e.Pos(), e)
	}
	t.exprs[f] = e
	return f, nil
}

// set returns the set number of an audience or redelivery atom: equal
// ids are one set, whatever name was written.
func (t *translator) set(e Expr) int {
	var key string
	switch n := e.(type) {
	case *Audience:
		key = "a" + strconv.FormatInt(n.ID, 10)
		if n.ID == 0 {
			key = "n" + n.Name
		}
	case *Redelivery:
		key = "r" + n.RequestID
	}
	i, ok := t.sets[key]
	if !ok {
		i = len(t.objs)
		t.sets[key] = i
		t.objs = append(t.objs, e)
	}
	return i
}

// friend turns decide's witness into a Friend; nil is nil.
func (t *translator) friend(w *decide.Friend) *Friend {
	if w == nil {
		return nil
	}
	f := &Friend{Age: -1, Days: -1}
	in := make(map[int]bool, len(w.Sets))
	for _, s := range w.Sets {
		in[s] = true
		switch x := t.objs[s].(type) {
		case *Audience:
			f.Audiences = append(f.Audiences, x)
		case *Redelivery:
			f.Redeliveries = append(f.Redeliveries, x)
		}
	}
	for s, x := range t.objs {
		if !in[s] {
			f.NotIn = append(f.NotIn, x)
		}
	}
	for _, a := range Attrs {
		if c := w.Cells[a-1]; c >= 0 {
			f.Attrs = append(f.Attrs, a)
			f.set(a, c)
		}
	}
	return f
}

// set gives the friend a value in cell c of attribute a: the value
// itself for a set attribute, the lowest age or day count of a span
// between bounds (one below the first bound for the span below it).
func (f *Friend) set(a Attr, c int) {
	if c == a.NumCells() {
		return // unknown
	}
	if !a.IsRange() {
		v := a.Codes()[c]
		switch a {
		case AttrGender:
			f.Gender = v
		case AttrAppType:
			f.AppType = v
		default:
			f.Area = v
		}
		return
	}
	b := a.Bounds()
	n := b[0] - 1
	if c > 0 {
		n = b[c-1]
	}
	if a == AttrAge {
		f.Age = n
	} else {
		f.Days = n
	}
}
