// Package decide answers questions about targeting rules exactly:
// whether a rule can match anybody (Satisfiable), everybody (Tautology),
// whether one rule's recipients are always among another's (Implies,
// Equivalent), and, for every "no", a friend that shows it.
//
// The package knows nothing of the rule language: callers translate a
// rule into a Formula over two kinds of atoms. A Member atom is an opaque
// recipient set (an audience or a redelivery): any friend may be in any
// combination of them, so a recipient expression is a boolean formula
// over its atoms, decided by a truth table over up to 20 atoms and by a
// BDD beyond. A Cells atom is a condition on one demographic attribute:
// the caller splits the attribute's values into finitely many cells (one
// per value or per span between accepted bounds, plus one for unknown)
// and says which cells the atom matches. A filter is then decided by its
// truth table over the product of the cells of the attributes it names,
// as a bitset; cells no atom tells apart are first merged into classes,
// so the product stays small.
//
// Because audience memberships and demographic attributes vary
// independently, a rule's recipients are the product of its recipient
// set and its filter set, and the rule-level questions reduce to
// questions on each side.
package decide

import "errors"

// Kind says what a Formula node is.
type Kind uint8

// The kinds of Formula nodes.
const (
	True   Kind = iota + 1 // every friend
	False                  // nobody
	Member                 // the friends in recipient set Set
	Cells                  // the friends whose attribute Attr lies in a cell of In
	Not                    // the friends Args[0] does not match
	And                    // the friends every Args[i] matches
	Or                     // the friends some Args[i] matches
)

// Formula is a boolean formula over Member and Cells atoms. A formula
// given to this package has atoms of one kind only: a recipient
// expression (Member) or a filter (Cells), since the two sides of a rule
// are decided separately (see Rule).
type Formula struct {
	Kind Kind
	Set  int        // Member: the recipient set, numbered by the caller
	Attr int        // Cells: the attribute, an index into the Space
	In   []bool     // Cells: In[c] says whether the atom matches cell c
	Args []*Formula // Not: one operand; And, Or: any number
}

// Space gives, for each attribute, how many cells its values fall into,
// unknown included: Space[a] is the length of In for an atom on a.
type Space []int

// Rule is a whole rule: its recipient expression and its filter, either
// nil when absent (every friend). Its recipients are the friends both
// match.
type Rule struct {
	Recipient *Formula
	Filter    *Formula
}

// Friend is a concrete friend, the witness of an answer: the recipient
// sets it is in and the cell of each attribute's value.
type Friend struct {
	Sets  []int // the recipient sets the friend is in, in increasing order; it is in no other
	Cells []int // Cells[a] is the cell of attribute a; -1 when no formula asked names a
}

// ErrTooLarge is returned when a question needs more work than the
// package allows itself (see MaxWork): a rule of thousands of atoms. The
// answer is then unknown, never guessed.
var ErrTooLarge = errors.New("decide: formula too large to decide")

// MaxWork bounds the work of one question in truth-table words (and
// maxBDDNodes its BDD). Real rules (a few dozen atoms) need a tiny
// fraction of it.
const MaxWork = 1 << 26

// Satisfiable reports whether some friend matches r, and one that does.
func Satisfiable(sp Space, r Rule) (bool, *Friend, error) {
	var ok bool
	var w *Friend
	err := guard(func() {
		d := newDecider(sp, r)
		rv, fv := d.sides(r)
		if d.recipients.empty(rv) || d.filters.empty(fv) {
			return
		}
		ok, w = true, d.friend(rv, fv)
	})
	return ok, w, err
}

// Tautology reports whether every friend matches r; when not, it returns
// a friend who does not.
func Tautology(sp Space, r Rule) (bool, *Friend, error) {
	var ok bool
	var w *Friend
	err := guard(func() {
		d := newDecider(sp, r)
		rv, fv := d.sides(r)
		switch {
		case !d.recipients.full(rv):
			w = d.friend(d.recipients.not(rv), d.filters.top())
		case !d.filters.full(fv):
			w = d.friend(d.recipients.top(), d.filters.not(fv))
		default:
			ok = true
		}
	})
	return ok, w, err
}

// Implies reports whether every friend a matches also matches b; when
// not, it returns a friend a matches and b does not.
func Implies(sp Space, a, b Rule) (bool, *Friend, error) {
	var ok bool
	var w *Friend
	err := guard(func() {
		d := newDecider(sp, a, b)
		ok, w = d.implies(a, b)
	})
	return ok, w, err
}

// Equivalent reports whether a and b match exactly the same friends in
// every population; when not, it returns a friend matched by one of them
// only, and which: aOnly is true when a matches the friend.
func Equivalent(sp Space, a, b Rule) (eq bool, w *Friend, aOnly bool, err error) {
	err = guard(func() {
		d := newDecider(sp, a, b)
		if ok, x := d.implies(a, b); !ok {
			w, aOnly = x, true
			return
		}
		if ok, x := d.implies(b, a); !ok {
			w = x
			return
		}
		eq = true
	})
	return eq, w, aOnly, err
}

// implies decides a ⊆ b. Both are products of a recipient set and a
// filter set, so when a is not empty, a ⊆ b exactly when each side of a
// is within the same side of b.
func (d *decider) implies(a, b Rule) (bool, *Friend) {
	ra, fa := d.sides(a)
	rb, fb := d.sides(b)
	if d.recipients.empty(ra) || d.filters.empty(fa) {
		return true, nil
	}
	if x := d.recipients.and(ra, d.recipients.not(rb)); !d.recipients.empty(x) {
		return false, d.friend(x, fa)
	}
	if x := d.filters.and(fa, d.filters.not(fb)); !d.filters.empty(x) {
		return false, d.friend(ra, x)
	}
	return true, nil
}

// tooLarge is the panic value a truth table or BDD raises when it would
// exceed MaxWork; guard turns it into ErrTooLarge.
type tooLarge struct{}

// guard runs f, turning a tooLarge panic into ErrTooLarge. Any other
// panic is a bug and goes on.
func guard(f func()) (err error) {
	defer func() {
		if p := recover(); p != nil {
			if _, ok := p.(tooLarge); !ok {
				panic(p)
			}
			err = ErrTooLarge
		}
	}()
	f()
	return nil
}
