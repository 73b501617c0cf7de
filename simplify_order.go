package nctarget

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// This file gives expressions the canonical keys and order the simplifier
// uses to find equal operands and to print equal rules identically.

// sortArgs puts operands in canonical order: audiences, redeliveries, then
// demographic atoms in attribute order, each negated atom after its
// positive kin, operators last; equal ranks are ordered by canonical key.
func (s *simplifier) sortArgs(args []Expr) {
	slices.SortStableFunc(args, func(a, b Expr) int {
		ra, na, ka := s.sortKey(a)
		rb, nb, kb := s.sortKey(b)
		if ra != rb {
			return ra - rb
		}
		if na != nb {
			return na - nb
		}
		return strings.Compare(ka, kb)
	})
}

// sortKey returns the rank of e, whether it is negated, and the key of
// what is negated.
func (s *simplifier) sortKey(e Expr) (rank, neg int, key string) {
	if n, ok := e.(*Not); ok {
		neg, e = 1, n.X
	}
	switch n := e.(type) {
	case *Audience:
		rank = 0
	case *Redelivery:
		rank = 1
	case *Set:
		rank = 1 + int(n.Attr)
	case *Range:
		rank = 1 + int(n.Attr)
	case *Not:
		rank = 20
	default:
		rank = 10
	}
	return rank, neg, s.key(e)
}

// key returns e's canonical key: equal keys mean equal expressions, and
// operand order does not matter.
func (s *simplifier) key(e Expr) string {
	if k, ok := s.keys[e]; ok {
		return k
	}
	k := s.computeKey(e)
	s.keys[e] = k
	return k
}

func (s *simplifier) computeKey(e Expr) string {
	switch n := e.(type) {
	case *Audience:
		if n.ID == 0 {
			return "a:" + n.Name
		}
		return fmt.Sprintf("a%020d", n.ID)
	case *Redelivery:
		return "r" + n.RequestID
	case *Set:
		codes := make([]string, len(n.Values))
		for i, v := range n.Values {
			codes[i] = fmt.Sprintf("%03d", codeIndex(n.Attr, v.Code))
		}
		slices.Sort(codes)
		return "s" + strconv.Itoa(int(n.Attr)) + ":" + strings.Join(slices.Compact(codes), ",")
	case *Range:
		return fmt.Sprintf("g%d:%03d,%03d", n.Attr, n.Gte, n.Lt)
	case *Not:
		return "!" + s.key(n.X)
	case *Operator:
		keys := make([]string, len(n.Args))
		for i, a := range n.Args {
			keys[i] = s.key(a)
		}
		slices.Sort(keys)
		return "(" + n.Op.String() + " " + strings.Join(keys, " ") + ")"
	}
	return fmt.Sprintf("?%p", e)
}
