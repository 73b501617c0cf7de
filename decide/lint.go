package decide

// Problem is what Lint found wrong with a part of a formula.
type Problem uint8

// The problems Lint reports.
const (
	Unsatisfiable Problem = iota + 1 // the part matches nobody
	Tautological                     // the part matches every friend
	Redundant                        // the operand changes nothing in its and/or
)

// Finding is one problem with one part of a formula.
type Finding struct {
	Problem Problem
	Node    *Formula // the part
	Parent  *Formula // Redundant: the and/or whose operand Node is
	// By is the reason. Unsatisfiable, Tautological: the operands of Node
	// that together make it so, as few as were found (one pair when a pair
	// does), or Node's operand for a Not. Redundant: the siblings that
	// decide Node, one when one does.
	By []*Formula
}

// maxPairs bounds the search for the pair of operands that explains a
// constant and/or; past it, By names every operand.
const maxPairs = 64

// Lint finds the parts of f that cannot be what the author meant: a part
// that matches nobody, a part that matches every friend, and an operand
// its and/or would mean the same without. f holds atoms of one kind
// (recipient sets or demographic cells).
//
// Each fact is reported once, where it starts: a part that matches
// nobody only when none of its operands already has an error inside it;
// a part that matches every friend only when none of its operands does
// (and never a Not, whose operand then matches nobody); redundancy only
// under an and/or that is not itself constant, one operand at a time from
// the last, so that of two equal operands the second is reported and
// dropping every reported operand keeps the meaning.
func Lint(sp Space, f *Formula) (findings []Finding, err error) {
	if f == nil {
		return nil, nil
	}
	err = guard(func() {
		l := &linter{}
		d := newDeciderOf(sp, f)
		if hasKind(f, Member) {
			l.alg = d.recipients
		} else {
			l.alg = d.filters
		}
		l.part(f)
		findings = l.findings
	})
	return findings, err
}

// hasKind reports whether f has an atom of kind k.
func hasKind(f *Formula, k Kind) bool {
	found := false
	walk(f, func(a *Formula) { found = found || a.Kind == k })
	return found
}

type linter struct {
	alg      algebra
	findings []Finding
}

// part is the value of one part of the formula, with what Lint learnt.
type part struct {
	v        value
	none     bool // matches nobody
	all      bool // matches every friend
	hasError bool // an Unsatisfiable finding is at or under it
}

// part lints n and returns its value.
func (l *linter) part(n *Formula) part {
	var kids []part
	var v value
	switch n.Kind {
	case Not:
		kids = []part{l.part(n.Args[0])}
		v = l.alg.not(kids[0].v)
	case And, Or:
		kids = make([]part, len(n.Args))
		for i, a := range n.Args {
			kids[i] = l.part(a)
		}
		v = l.combine(n.Kind, kids)
	default:
		v = eval(l.alg, n)
	}
	p := part{v: v, none: l.alg.empty(v), all: l.alg.full(v)}
	for _, k := range kids {
		p.hasError = p.hasError || k.hasError
	}
	switch {
	case p.none && !p.hasError:
		p.hasError = true
		l.findings = append(l.findings, Finding{Problem: Unsatisfiable, Node: n, By: l.cause(n, kids, false)})
	case p.all && n.Kind != Not && !anyAll(kids):
		l.findings = append(l.findings, Finding{Problem: Tautological, Node: n, By: l.cause(n, kids, true)})
	case !p.none && !p.all && (n.Kind == And || n.Kind == Or):
		l.redundant(n, kids)
	}
	return p
}

func anyAll(kids []part) bool {
	for _, k := range kids {
		if k.all {
			return true
		}
	}
	return false
}

// combine joins the values of kids by op.
func (l *linter) combine(op Kind, kids []part) value {
	v := identity(l.alg, op)
	for _, k := range kids {
		v = join(l.alg, op, v, k.v)
	}
	return v
}

// cause returns the operands of a constant n that explain it: its
// operand for a Not; for an and/or, the one operand or the pair of
// operands that alone make it so, else all of them. all says which
// constant n is.
func (l *linter) cause(n *Formula, kids []part, all bool) []*Formula {
	switch {
	case n.Kind == Not:
		return n.Args
	case n.Kind != And && n.Kind != Or:
		return nil
	}
	constant := func(v value) bool {
		if all {
			return l.alg.full(v)
		}
		return l.alg.empty(v)
	}
	for i, k := range kids {
		if constant(k.v) {
			return n.Args[i : i+1]
		}
	}
	if len(kids) <= maxPairs {
		for i := range kids {
			for j := i + 1; j < len(kids); j++ {
				if constant(join(l.alg, n.Kind, kids[i].v, kids[j].v)) {
					return []*Formula{n.Args[i], n.Args[j]}
				}
			}
		}
	}
	return n.Args
}

// redundant reports the operands of n, an and/or that is not constant,
// that n would mean the same without. Constant operands are left out:
// their own finding says what is wrong with them, and in an and that is
// not constant they can only match every friend (in an or, nobody), which
// changes nothing.
func (l *linter) redundant(n *Formula, kids []part) {
	live := make([]int, 0, len(kids))
	for i, k := range kids {
		if !k.none && !k.all {
			live = append(live, i)
		}
	}
	if len(live) < 2 {
		return
	}
	op := n.Kind
	prefix := make([]value, len(live)) // prefix[j]: live operands before j joined
	acc := identity(l.alg, op)
	for j, i := range live {
		prefix[j] = acc
		acc = join(l.alg, op, acc, kids[i].v)
	}
	kept := []int{}
	after := identity(l.alg, op) // the kept live operands after j, joined
	for j := len(live) - 1; j >= 0; j-- {
		i := live[j]
		others := join(l.alg, op, prefix[j], after)
		if l.decides(op, others, kids[i].v) {
			l.findings = append(l.findings, Finding{Problem: Redundant, Node: n.Args[i], Parent: n,
				By: l.deciders(n, kids, i, append(live[:j:j], kept...))})
			continue
		}
		kept = append(kept, i)
		after = join(l.alg, op, after, kids[i].v)
	}
}

// decides reports whether others make x redundant under op: for and,
// every friend others match x matches; for or, every friend x matches
// others match.
func (l *linter) decides(op Kind, others, x value) bool {
	if op == And {
		return l.alg.within(others, x)
	}
	return l.alg.within(x, others)
}

// deciders returns one operand among cands that alone makes operand i
// redundant, or all of cands.
func (l *linter) deciders(n *Formula, kids []part, i int, cands []int) []*Formula {
	for _, c := range cands {
		if l.decides(n.Kind, kids[c].v, kids[i].v) {
			return []*Formula{n.Args[c]}
		}
	}
	out := make([]*Formula, len(cands))
	for j, c := range cands {
		out[j] = n.Args[c]
	}
	return out
}
