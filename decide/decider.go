package decide

import "slices"

// maxTableVars is the most recipient atoms decided by a truth table
// (2^20 bits, 128 KiB a value); beyond, a BDD decides them. Tests lower
// it to check the BDD against the tables.
var maxTableVars = 20

// value is a set of friends on one side of a rule: a truth table as a
// bitset, or a BDD node.
type value struct {
	bits []uint64
	node int32
}

// algebra is the boolean algebra of friend sets on one side of a rule.
type algebra interface {
	top() value
	bottom() value // nobody: not(top()) made at once
	atom(f *Formula) value
	not(v value) value
	and(a, b value) value
	or(a, b value) value
	empty(v value) bool
	full(v value) bool
	// within reports whether a ⊆ b, disjoint whether a ∩ b = ∅, without
	// making a value where a truth table need not.
	within(a, b value) bool
	disjoint(a, b value) bool
	// andInto and orInto are and and or where the caller owns x and
	// needs it no more, so a truth table may reuse it. Every other value
	// is shared (atoms are made once) and never changed.
	andInto(x, y value) value
	orInto(x, y value) value
}

// decider decides questions about a few rules at once: their recipient
// atoms share one numbering and their filters one split into classes,
// so the values of all of them can be compared.
type decider struct {
	work       *int
	vars       map[int]int // recipient set → variable
	sets       []int       // variable → recipient set
	recipients algebra     // the recipient expressions' side: truth table or BDD over vars
	filters    *cellTable  // the filters' side: cells of the attributes
}

// newDecider prepares a decider for the formulas of rules.
func newDecider(sp Space, rules ...Rule) *decider {
	var fs []*Formula
	for _, r := range rules {
		fs = append(fs, r.Recipient, r.Filter)
	}
	return newDeciderOf(sp, fs...)
}

// newDeciderOf prepares a decider for formulas fs, of either side.
func newDeciderOf(sp Space, fs ...*Formula) *decider {
	work := 0
	d := &decider{work: &work, vars: make(map[int]int)}
	for _, f := range fs {
		walk(f, func(a *Formula) {
			if a.Kind == Member {
				if _, ok := d.vars[a.Set]; !ok {
					d.vars[a.Set] = len(d.sets)
					d.sets = append(d.sets, a.Set)
				}
			}
		})
	}
	if len(d.sets) <= maxTableVars {
		d.recipients = newVarTable(len(d.sets), d.vars, &work)
	} else {
		d.recipients = newBDD(d.vars)
	}
	d.filters = newCellTable(sp, &work, fs...)
	return d
}

// walk calls f on every atom of e.
func walk(e *Formula, f func(*Formula)) {
	if e == nil {
		return
	}
	switch e.Kind {
	case Member, Cells:
		f(e)
	}
	for _, a := range e.Args {
		walk(a, f)
	}
}

// eval returns the value of f in alg; nil is every friend.
func eval(alg algebra, f *Formula) value {
	if f == nil {
		return alg.top()
	}
	switch f.Kind {
	case True:
		return alg.top()
	case False:
		return alg.bottom()
	case Member, Cells:
		return alg.atom(f)
	case Not:
		return alg.not(eval(alg, f.Args[0]))
	case And, Or:
		v := identity(alg, f.Kind)
		for _, a := range f.Args {
			v = joinInto(alg, f.Kind, v, eval(alg, a))
		}
		return v
	}
	panic("decide: formula of unknown kind")
}

// identity is the value op (And or Or) joins nothing to: every friend
// for and, nobody for or.
func identity(alg algebra, op Kind) value {
	if op == Or {
		return alg.bottom()
	}
	return alg.top()
}

// join returns a and b joined by op (And or Or) in alg, sharing both.
func join(alg algebra, op Kind, a, b value) value {
	if op == And {
		return alg.and(a, b)
	}
	return alg.or(a, b)
}

// joinInto is join where the caller owns a and needs it no more, so a
// truth table may reuse it.
func joinInto(alg algebra, op Kind, a, b value) value {
	if op == And {
		return alg.andInto(a, b)
	}
	return alg.orInto(a, b)
}

// sides returns the values of r's recipient expression and filter.
func (d *decider) sides(r Rule) (recipient, filter value) {
	return eval(d.recipients, r.Recipient), eval(d.filters, r.Filter)
}

// friend returns a friend in recipient on the recipient side and in
// filter on the filter side; both must be non-empty.
func (d *decider) friend(recipient, filter value) *Friend {
	f := &Friend{Sets: []int{}, Cells: d.filters.pick(filter)}
	for _, v := range d.pickVars(recipient) {
		f.Sets = append(f.Sets, d.sets[v])
	}
	slices.Sort(f.Sets)
	return f
}

// pickVars returns the variables set in one assignment of recipient.
func (d *decider) pickVars(recipient value) []int {
	switch alg := d.recipients.(type) {
	case *varTable:
		return alg.pick(recipient)
	case *bdd:
		return alg.pick(recipient)
	}
	return nil
}
