package nctarget

// This file is the factoring rule of the simplifier and the cost model
// that decides whether factoring pays: (a and b) or (a and c) is
// a and (b or c) only when that lowers the recipient-object count or the
// JSON size.

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
	s.recordText("factor", group[0].Pos(), briefOp(o.Op, group), factored)
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
		objs, size = len(RecipientObjects(e)), jsonSize(e)
	}
	s.costs[e] = [2]int{objs, size}
	return objs, size
}
