package nctarget

import (
	"encoding/hex"
	"fmt"
	"hash/fnv"
	"slices"
	"strconv"
	"strings"
)

// This file gives expressions the canonical keys and order the simplifier
// uses to find equal operands and to print equal rules identically.

// sortArgs puts operands in canonical order: audiences, redeliveries, then
// demographic atoms in attribute order, each negated atom after its
// positive kin, operators last; equal ranks are ordered by canonical key.
// Each operand's sort key is computed once, not once per comparison.
func (s *simplifier) sortArgs(args []Expr) {
	type keyed struct {
		rank, neg int
		key       string
		e         Expr
	}
	ks := make([]keyed, len(args))
	for i, a := range args {
		ks[i].rank, ks[i].neg, ks[i].key = s.sortKey(a)
		ks[i].e = a
	}
	slices.SortStableFunc(ks, func(a, b keyed) int {
		if a.rank != b.rank {
			return a.rank - b.rank
		}
		if a.neg != b.neg {
			return a.neg - b.neg
		}
		return strings.Compare(a.key, b.key)
	})
	for i := range ks {
		args[i] = ks[i].e
	}
}

// sortKey returns the rank of e, whether it is negated, and the key of
// what is negated. Groups sort by their first operand, then by key.
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
	case *Operator:
		// groups in the order of their first operands, which are sorted
		r, ng, k := s.sortKey(n.Args[0])
		return 10, neg, pad(strconv.Itoa(r), 2) + strconv.Itoa(ng) + k + "\x00" + s.key(e)
	default:
		rank = 10
	}
	return rank, neg, s.key(e)
}

// key returns e's canonical key: equal keys mean equal expressions, and
// operand order does not matter. An atom's key spells it out; an
// operator's is a 128-bit FNV-1a hash of its operands' sorted keys, so a
// key costs the same at every level of a deep rule (a spelled-out key
// would repeat the whole subtree at each level).
func (s *simplifier) key(e Expr) string {
	switch e.(type) {
	case *Operator, *Not:
	default:
		return s.computeKey(e) // cheaper than a lookup in a large map
	}
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
		return "a" + pad(strconv.FormatInt(n.ID, 10), 20)
	case *Redelivery:
		return "r" + n.RequestID
	case *Set:
		codes := make([]string, len(n.Values))
		for i, v := range n.Values {
			code, _ := n.Attr.CodeIndex(v.Code) // Simplify validated the rule
			codes[i] = pad(strconv.Itoa(code), 3)
		}
		slices.Sort(codes)
		return "s" + strconv.Itoa(int(n.Attr)) + ":" + strings.Join(slices.Compact(codes), ",")
	case *Range:
		return "g" + strconv.Itoa(int(n.Attr)) + ":" + pad(strconv.Itoa(n.Gte), 3) + "," + pad(strconv.Itoa(n.Lt), 3)
	case *Not:
		return "!" + s.key(n.X)
	case *Operator:
		keys := make([]string, len(n.Args))
		for i, a := range n.Args {
			keys[i] = s.key(a)
		}
		slices.Sort(keys)
		h := fnv.New128a()
		for _, k := range keys {
			h.Write([]byte(k))
			h.Write([]byte{0})
		}
		return "(" + n.Op.String() + " " + hex.EncodeToString(h.Sum(nil)) + ")"
	}
	return fmt.Sprintf("?%p", e)
}

// pad left-pads a number with zeros to width, so keys sort numerically.
func pad(num string, width int) string {
	if len(num) >= width {
		return num
	}
	return strings.Repeat("0", width-len(num)) + num
}
