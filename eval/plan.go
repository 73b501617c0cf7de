package eval

import (
	"errors"
	"fmt"

	"github.com/nctarget/nctarget"
	"github.com/nctarget/nctarget/internal/parallel"
)

// DefaultMinimum is the fewest recipients a send should have: LINE fails a
// narrowcast with too few recipients (errorCode 2) and one conditioned on
// an audience of fewer than 50 (errorCode 4).
const DefaultMinimum = 50

// Plan is a rule bound to a dataset: every atom resolved to the bitset of
// its friends, so that Eval only combines bitsets. Plan once, evaluate
// many times; plan many rules with one Batch to share the atoms' bitsets
// and evaluate them in one pass.
type Plan struct {
	// Min is the recipient count below which Eval warns; Plan sets it to
	// DefaultMinimum.
	Min uint64

	d         *Dataset
	batch     *Batch
	rule      *nctarget.Rule
	recipient *node           // nil: every friend
	filter    *node           // nil: no demographic filter
	attrs     []nctarget.Attr // attributes the filter names, in canonical order
	known     []*bitset       // per filter attribute: the friends with it known
	refs      []ref           // audience and redelivery atoms, in source order
}

// node is one expression of a plan: an atom with its bitset, or an
// operator over child nodes.
type node struct {
	expr nctarget.Expr
	leaf *bitset // an atom's friends; nil for an operator
	kids []*node
}

// ref is an audience or redelivery atom with the set it names.
type ref struct {
	expr nctarget.Expr
	set  *memberSet
}

// Plan resolves rule's atoms against the dataset, loading the audience and
// redelivery files it names when the dataset came from Load. Audiences
// must carry their id (Audience.ID != 0): compile rules that name
// audiences with their catalog first (nctarget.Compile does). The error,
// if any, is an nctarget.ErrorList positioned in the rule, or a data error
// positioned in a data file. Plan is Batch.Plan on a batch of its own.
func (d *Dataset) Plan(rule *nctarget.Rule) (*Plan, error) {
	return d.NewBatch().Plan(rule)
}

// Plan resolves rule's atoms as Dataset.Plan does, sharing the bitsets of
// atoms with the batch's other plans. It is safe for concurrent use.
func (b *Batch) Plan(rule *nctarget.Rule) (*Plan, error) {
	b.d.checkOpen()
	p := &Plan{Min: DefaultMinimum, d: b.d, batch: b, rule: rule}
	var errs nctarget.ErrorList
	var err error
	if rule.Recipient != nil {
		b.d.prefetch(rule.Recipient)
		if p.recipient, err = p.node(rule.Recipient, &errs); err != nil {
			return nil, err
		}
	}
	if rule.Filter != nil {
		if p.filter, err = p.node(rule.Filter, &errs); err != nil {
			return nil, err
		}
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	p.attrs = filterAttrs(rule.Filter)
	for _, a := range p.attrs {
		p.known = append(p.known, b.bits.known(a))
	}
	return p, nil
}

// prefetch loads the audiences and redeliveries e names in parallel, one
// file per processor, before planning asks for them one by one. It
// ignores errors: planning meets them again, and reports them where they
// belong.
func (d *Dataset) prefetch(e nctarget.Expr) {
	var tasks []func()
	for _, a := range nctarget.Atoms(e) {
		switch x := a.(type) {
		case *nctarget.Audience:
			tasks = append(tasks, func() { _, _ = d.audience(x) })
		case *nctarget.Redelivery:
			tasks = append(tasks, func() { _, _ = d.redelivery(x) })
		}
	}
	if len(tasks) > 1 {
		parallel.Run(tasks)
	}
}

// node plans e. Problems in the rule are added to errs; a data error (a
// malformed audience file) is returned and stops planning.
func (p *Plan) node(e nctarget.Expr, errs *nctarget.ErrorList) (*node, error) {
	n := &node{expr: e}
	switch x := e.(type) {
	case *nctarget.Operator:
		for _, a := range x.Args {
			k, err := p.node(a, errs)
			if err != nil {
				return nil, err
			}
			n.kids = append(n.kids, k)
		}
	case *nctarget.Not:
		k, err := p.node(x.X, errs)
		if err != nil {
			return nil, err
		}
		n.kids = []*node{k}
	default:
		return p.leaf(n, errs)
	}
	return n, nil
}

// leaf resolves an atom to its bitset. On a problem with the rule it adds
// to errs and plans the atom as the empty set.
func (p *Plan) leaf(n *node, errs *nctarget.ErrorList) (*node, error) {
	var set *memberSet
	var err error
	switch x := n.expr.(type) {
	case *nctarget.Audience:
		set, err = p.d.audience(x)
	case *nctarget.Redelivery:
		set, err = p.d.redelivery(x)
	case *nctarget.Set, *nctarget.Range:
		n.leaf, err = p.batch.bits.atom(x)
	default:
		*errs = append(*errs, &nctarget.Diagnostic{Pos: n.expr.Pos(), End: n.expr.Pos(), Msg: fmt.Sprintf("cannot evaluate %T", n.expr)})
		n.leaf = p.batch.bits.empty()
		return n, nil
	}
	var re *ruleError
	if errors.As(err, &re) {
		*errs = append(*errs, &nctarget.Diagnostic{Pos: n.expr.Pos(), End: n.expr.End(), Msg: re.msg, Hint: re.hint})
		n.leaf = p.batch.bits.empty()
		return n, nil
	}
	if err != nil {
		return nil, err // a data file is malformed
	}
	if set != nil {
		n.leaf = p.batch.bits.of(set.bits)
		p.refs = append(p.refs, ref{expr: n.expr, set: set})
	}
	return n, nil
}

// ruleError is a problem with an atom of the rule, as opposed to one with
// a data file; Plan reports it at the atom.
type ruleError struct{ msg, hint string }

func (e *ruleError) Error() string { return e.msg }

// filterAttrs returns the attributes the atoms of e name, in canonical
// order.
func filterAttrs(e nctarget.Expr) []nctarget.Attr {
	var seen [numAttrs]bool
	for _, atom := range nctarget.Atoms(e) {
		if a, ok := nctarget.AttrOf(atom); ok {
			seen[a] = true
		}
	}
	var attrs []nctarget.Attr
	for _, a := range nctarget.Attrs {
		if seen[a] {
			attrs = append(attrs, a)
		}
	}
	return attrs
}

// knownWhenMatched reports whether every friend e matches has attribute a
// known: e is an atom on a, an and with such an operand, or an or of
// which every operand is such. It may answer no where the answer is yes
// (a not never counts), never the reverse, so that the pass leaves out
// the friends with a known only where they add nothing.
func knownWhenMatched(e nctarget.Expr, a nctarget.Attr) bool {
	switch x := e.(type) {
	case *nctarget.Operator:
		and := x.Op == nctarget.OpAnd
		for _, arg := range x.Args {
			if knownWhenMatched(arg, a) == and {
				return and
			}
		}
		return !and
	case *nctarget.Not:
		return false
	}
	at, ok := nctarget.AttrOf(e)
	return ok && at == a
}
