package decide

// Contextual returns a formula equivalent to f in which every atom whose
// value the rest of the formula decides is replaced by that value, and
// the constants folded away: in a and not (a and not b) the second a can
// only be true where it matters, so the formula is a and b. The result
// shares f's atoms; its operators are new nodes, each with the Kind of
// the node it came from. It is a True or False node when f is constant.
//
// An operand of an and matters only where its siblings hold, and one of
// an or only where they do not; an atom is decided in a context when the
// context lies within it (true) or outside it (false). Operands are
// simplified one at a time, each in the context of its siblings as they
// are by then, which keeps the meaning.
func Contextual(sp Space, f *Formula) (out *Formula, err error) {
	if f == nil {
		return nil, nil
	}
	err = guard(func() {
		d := newDeciderOf(sp, f)
		c := &contexter{alg: d.filters, memo: make(map[*Formula]value)}
		if hasKind(f, Member) {
			c.alg = d.recipients
		}
		out = c.simplify(f, c.alg.top())
	})
	return out, err
}

type contexter struct {
	alg  algebra
	memo map[*Formula]value // the value of each node met, old or new
}

// eval returns the value of f, computed once per node.
func (c *contexter) eval(f *Formula) value {
	if v, ok := c.memo[f]; ok {
		return v
	}
	var v value
	switch f.Kind {
	case Not:
		v = c.alg.not(c.eval(f.Args[0]))
	case And, Or:
		v = identity(c.alg, f.Kind)
		for _, a := range f.Args {
			v = joinInto(c.alg, f.Kind, v, c.eval(a))
		}
	default:
		v = eval(c.alg, f)
	}
	c.memo[f] = v
	return v
}

var (
	trueFormula  = &Formula{Kind: True}
	falseFormula = &Formula{Kind: False}
)

// simplify returns f simplified where ctx holds.
func (c *contexter) simplify(f *Formula, ctx value) *Formula {
	switch f.Kind {
	case Member, Cells:
		v := c.alg.atom(f)
		switch {
		case c.alg.within(ctx, v):
			return trueFormula
		case c.alg.disjoint(ctx, v):
			return falseFormula
		}
		return f
	case Not:
		x := c.simplify(f.Args[0], ctx)
		switch x.Kind {
		case True:
			return falseFormula
		case False:
			return trueFormula
		case Not:
			return x.Args[0]
		}
		return &Formula{Kind: Not, Args: []*Formula{x}}
	case And, Or:
		return c.operator(f, ctx)
	}
	return f
}

// operator simplifies an and/or one operand at a time.
func (c *contexter) operator(f *Formula, ctx value) *Formula {
	n := len(f.Args)
	after := make([]value, n+1) // after[i]: the operands after i, joined
	after[n] = identity(c.alg, f.Kind)
	for i := n - 1; i >= 0; i-- {
		after[i] = join(c.alg, f.Kind, c.eval(f.Args[i]), after[i+1])
	}
	before := identity(c.alg, f.Kind) // owned here, so joined into in place
	out := &Formula{Kind: f.Kind}
	absorbing := True // the constant that decides the operator
	if f.Kind == And {
		absorbing = False
	}
	for i, a := range f.Args {
		others := join(c.alg, f.Kind, before, after[i+1])
		if f.Kind == Or {
			others = c.alg.not(others)
		}
		x := c.simplify(a, c.alg.andInto(others, ctx))
		switch {
		case x.Kind == absorbing:
			return x
		case x.Kind == True || x.Kind == False:
			continue // the identity
		}
		out.Args = append(out.Args, x)
		before = joinInto(c.alg, f.Kind, before, c.eval(x))
	}
	switch len(out.Args) {
	case 0:
		if f.Kind == And {
			return trueFormula
		}
		return falseFormula
	case 1:
		return out.Args[0]
	}
	return out
}
