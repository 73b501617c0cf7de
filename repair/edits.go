package repair

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/nctarget/nctarget"
)

// edit is one rewritten rule of the neighbourhood and what changed.
type edit struct {
	what string
	rule *nctarget.Rule
}

// edits returns the rules one edit from r, in the order of r's source:
// each range widened by one bucket on either side, each area list with an
// adjacent area of the same country, each and operand (a not term among
// them) dropped, each and turned into an or, and the limit dropped.
func edits(r *nctarget.Rule) []edit {
	var out []edit
	for _, filter := range []bool{false, true} {
		e := r.Recipient
		if filter {
			e = r.Filter
		}
		for _, n := range nodes(e) {
			for _, x := range nodeEdits(n) {
				out = append(out, edit{what: x.what, rule: withSide(r, filter, replace(e, n, x.with))})
			}
		}
	}
	if r.Limit != nil && r.Limit.Max > 0 {
		c := *r
		l := *r.Limit
		l.Max = 0
		c.Limit = &l
		if !l.UpToRemainingQuota && !l.ForbidPartialDelivery {
			c.Limit = nil
		}
		out = append(out, edit{what: "drop limit " + strconv.FormatInt(r.Limit.Max, 10), rule: &c})
	}
	return out
}

// nodeEdit replaces one node: by with, or, for nil, drops it from its and.
type nodeEdit struct {
	what string
	with nctarget.Expr
}

// nodeEdits returns the edits of one node of a side.
func nodeEdits(n nctarget.Expr) []nodeEdit {
	switch x := n.(type) {
	case *nctarget.Range:
		return widen(x)
	case *nctarget.Set:
		if x.Attr == nctarget.AttrArea {
			return adjacentAreas(x)
		}
	case *nctarget.Operator:
		if x.Op != nctarget.OpAnd {
			return nil
		}
		var out []nodeEdit
		for i, a := range x.Args {
			rest := slices.Delete(slices.Clone(x.Args), i, i+1)
			var with nctarget.Expr = &nctarget.Operator{Span: x.Span, Op: nctarget.OpAnd, Args: rest}
			if len(rest) == 1 {
				with = rest[0]
			}
			what := "drop " + a.String() + " from the and"
			if _, ok := a.(*nctarget.Not); ok {
				what = "drop the not term " + a.String()
			}
			out = append(out, nodeEdit{what: what, with: with})
		}
		or := &nctarget.Operator{Span: x.Span, Op: nctarget.OpOr, Args: x.Args}
		return append(out, nodeEdit{what: "turn " + brief(x) + " into " + brief(or), with: or})
	}
	return nil
}

// widen returns the range widened by one bucket below and above; a bound
// past the last accepted one is dropped. A range left with no bound is
// no edit (dropping the atom is one).
func widen(r *nctarget.Range) []nodeEdit {
	bounds := r.Attr.Bounds()
	var out []nodeEdit
	add := func(gte, lt int) {
		if gte == 0 && lt == 0 {
			return
		}
		w := &nctarget.Range{Span: r.Span, Attr: r.Attr, Gte: gte, Lt: lt}
		out = append(out, nodeEdit{what: "widen " + r.String() + " to " + w.String(), with: w})
	}
	if i := slices.Index(bounds, r.Gte); r.Gte != 0 && i >= 0 {
		lo := 0
		if i > 0 {
			lo = bounds[i-1]
		}
		add(lo, r.Lt)
	}
	if i := slices.Index(bounds, r.Lt); r.Lt != 0 && i >= 0 {
		hi := 0
		if i+1 < len(bounds) {
			hi = bounds[i+1]
		}
		add(r.Gte, hi)
	}
	return out
}

// adjacentAreas returns the area list with each area of the same country
// numbered next to one it lists (jp_12 and jp_14 beside jp_13), once each.
func adjacentAreas(s *nctarget.Set) []nodeEdit {
	codes := nctarget.AttrArea.Codes()
	has := map[string]bool{}
	for _, v := range s.Values {
		has[v.Code] = true
	}
	var out []nodeEdit
	for _, v := range s.Values {
		country, num, ok := strings.Cut(v.Code, "_")
		n, err := strconv.Atoi(num)
		if !ok || err != nil {
			continue
		}
		for _, m := range []int{n - 1, n + 1} {
			code := fmt.Sprintf("%s_%02d", country, m)
			if has[code] || !slices.Contains(codes, code) {
				continue
			}
			has[code] = true
			w := &nctarget.Set{Span: s.Span, Attr: s.Attr, Values: append(slices.Clone(s.Values), nctarget.Value{Code: code, Text: code})}
			what := "add " + code
			if name := nctarget.AreaName(code); name != "" {
				what += " (" + name + ")"
			}
			out = append(out, nodeEdit{what: what + " to " + s.String(), with: w})
		}
	}
	return out
}

// nodes returns every node of e, parents before children, in source order.
func nodes(e nctarget.Expr) []nctarget.Expr {
	if e == nil {
		return nil
	}
	out := []nctarget.Expr{e}
	switch x := e.(type) {
	case *nctarget.Operator:
		for _, a := range x.Args {
			out = append(out, nodes(a)...)
		}
	case *nctarget.Not:
		out = append(out, nodes(x.X)...)
	}
	return out
}

// replace returns a copy of e with node target replaced by with.
func replace(e, target, with nctarget.Expr) nctarget.Expr {
	if e == target {
		return with
	}
	switch x := e.(type) {
	case *nctarget.Operator:
		c := *x
		c.Args = make([]nctarget.Expr, len(x.Args))
		for i, a := range x.Args {
			c.Args[i] = replace(a, target, with)
		}
		return &c
	case *nctarget.Not:
		return &nctarget.Not{Span: x.Span, X: replace(x.X, target, with)}
	}
	return e
}

// withSide returns a copy of r with its filter, or its recipient
// expression, replaced by e.
func withSide(r *nctarget.Rule, filter bool, e nctarget.Expr) *nctarget.Rule {
	c := *r
	c.Comments = nil // they belong to the text as written
	if filter {
		c.Filter = e
	} else {
		c.Recipient = e
	}
	return &c
}

// brief prints e, cut short when it is long.
func brief(e nctarget.Expr) string {
	s := e.String()
	if len(s) > 60 {
		return s[:57] + "…"
	}
	return s
}
