package eval

import (
	"fmt"
	"math"
	"sync"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/nctarget/nctarget"
)

// Result is the preview of one rule: who would receive it, the waterfall
// of counts, each clause's own count, and warnings.
type Result struct {
	// Count is the number of recipients after limit.max: what LINE would
	// deliver to, and the "count" of eval --json.
	Count uint64

	Waterfall Waterfall
	Nodes     []NodeCount // every clause with its own count, in source order
	Warnings  []Warning   // problems that predict a failed or surprising send
	Min       uint64      // the minimum the count was judged against
	Limit     uint64      // limit.max, or 0 when there is none

	plan       *Plan // what Recipients evaluates again; nil for an empty result
	once       sync.Once
	recipients *roaring.Bitmap
}

// Waterfall is the recipient count narrowed step by step: every friend,
// the recipient expression, the demographic filter, limit.max.
type Waterfall struct {
	Friends        uint64 // every friend (rows of users.csv)
	AfterRecipient uint64 // friends in the recipient expression
	AfterFilter    uint64 // … who also match the demographic filter
	AfterLimit     uint64 // … capped by limit.max: the count
	// AllKnown is how many of the final recipients have every attribute
	// the filter names known. LINE may reach only friends whose
	// attributes it can estimate, so this is a lower bound worth seeing;
	// it never changes the count.
	AllKnown uint64
}

// NodeCount is one clause of the rule with its own count: the friends it
// selects on its own, before any enclosing operator, as in EXPLAIN ANALYZE.
type NodeCount struct {
	Expr   nctarget.Expr
	Clause string // "recipient" or "where"
	Depth  int    // 0 for the top of the clause
	Count  uint64
}

// Warning is a problem with the preview that does not stop it. Kind names
// it for programs: Eval gives "belowMinimum", "empty", "smallAudience",
// "nonFriends" and "unknownAttributes"; CatalogWarnings gives "catalog";
// callers wrap other diagnostics with Warn ("compile", "data" in eval).
type Warning struct {
	Kind string
	*nctarget.Diagnostic
}

// BelowMinimum reports whether the count is below the minimum.
func (r *Result) BelowMinimum() bool { return r.Count < r.Min }

// Eval evaluates the plan: the counts, the waterfall and the warnings. The
// recipients themselves are left for Recipients, Selected and Sample to
// compute when asked, since most previews need only counts. The dataset is
// only read, so plans of one dataset may be evaluated concurrently.
func (p *Plan) Eval() *Result {
	p.d.checkOpen()
	r := &Result{Min: p.Min, plan: p}
	if l := p.rule.Limit; l != nil && l.Max > 0 {
		r.Limit = uint64(l.Max)
	}
	ps := p.fused.run(nil)
	for i, n := range p.fused.nodes {
		r.Nodes = append(r.Nodes, NodeCount{Expr: n.expr, Clause: n.clause, Depth: n.depth, Count: ps.counts[i]})
	}
	r.Waterfall = Waterfall{Friends: uint64(p.d.Len()), AfterRecipient: ps.afterRecipient, AfterFilter: ps.afterFilter}
	r.Count = ps.afterFilter
	if r.Limit > 0 {
		r.Count = min(r.Count, r.Limit)
	}
	r.Waterfall.AfterLimit = r.Count
	switch {
	case len(p.attrs) == 0:
		r.Waterfall.AllKnown = r.Count // no filter attribute to know
	case r.Count == ps.afterFilter:
		r.Waterfall.AllKnown = ps.allKnown
	default:
		r.Waterfall.AllKnown = p.fused.knownInFirst(ps, r.Count)
	}
	r.Warnings = p.warnings(r, ps)
	return r
}

// Recipients returns the recipient set ∩ the demographic set, before
// limit.max, as user numbers (see Dataset.UserID); Selected applies the
// limit. The first call evaluates the plan again to collect them; the
// caller must not modify the set.
func (r *Result) Recipients() *roaring.Bitmap {
	r.once.Do(func() {
		if r.plan == nil {
			r.recipients = roaring.New()
			return
		}
		res := make([]uint64, r.plan.fused.words)
		r.plan.fused.run(res)
		r.recipients = roaring.FromDense(res, false)
	})
	return r.recipients
}

// Selected returns the recipients after limit.max: the lowest user numbers,
// that is the first recipients in users.csv order, so the same data always
// gives the same recipients.
func (r *Result) Selected() *roaring.Bitmap {
	all := r.Recipients()
	if r.Count == all.GetCardinality() {
		return all
	}
	last, err := all.Select(uint32(r.Count - 1))
	if err != nil || r.Count == 0 {
		return roaring.New()
	}
	out := all.Clone()
	out.RemoveRange(uint64(last)+1, math.MaxUint32+1)
	return out
}

// Sample returns up to k recipient user numbers after the limit, spread
// evenly over the selection so that it is deterministic yet not just the
// first rows of users.csv.
func (r *Result) Sample(k int) []uint32 {
	sel := r.Selected()
	n := sel.GetCardinality()
	if k <= 0 || n == 0 {
		return nil
	}
	if uint64(k) >= n {
		return sel.ToArray()
	}
	out := make([]uint32, 0, k)
	for i := range uint64(k) {
		v, err := sel.Select(uint32(i * n / uint64(k)))
		if err == nil {
			out = append(out, v)
		}
	}
	return out
}

// warnings returns the warnings of a result evaluated by pass ps.
func (p *Plan) warnings(r *Result, ps *pass) []Warning {
	var ws []Warning
	add := func(kind string, at nctarget.Node, hint, format string, args ...any) {
		ws = append(ws, Warning{Kind: kind, Diagnostic: &nctarget.Diagnostic{Pos: at.Pos(), End: at.End(),
			Severity: nctarget.SeverityWarning, Msg: fmt.Sprintf(format, args...), Hint: hint}})
	}
	seen := map[string]bool{}
	for _, ref := range p.refs {
		key := ref.expr.String()
		if seen[key] {
			continue
		}
		seen[key] = true
		if n := ref.set.bits.GetCardinality(); isAudience(ref.expr) && n < DefaultMinimum {
			add("smallAudience", ref.expr, "LINE fails a send conditioned on an audience of fewer than 50 (errorCode 4); use a larger audience",
				"%s has %d friends, fewer than %d", key, n, DefaultMinimum)
		}
		if ref.set.nonFriends > 0 {
			add("nonFriends", ref.expr, "they never receive anything; this is normal for audiences built outside the account",
				"%s lists %d of %d users who are not friends%s", key, ref.set.nonFriends, ref.set.lines, inFile(ref.set.path))
		}
	}
	ws = append(ws, p.unknownWarnings(ps)...)
	switch {
	case r.Count == 0:
		add("empty", p.rule, "check the rule and the data: nothing would be sent", "no friend matches the rule")
	case r.Count < r.Min:
		add("belowMinimum", p.rule, "LINE fails a send with too few recipients (errorCode 2); widen the rule",
			"%d recipients, below the minimum of %d", r.Count, r.Min)
	}
	return ws
}

// isAudience reports whether e is an audience atom.
func isAudience(e nctarget.Expr) bool {
	_, ok := e.(*nctarget.Audience)
	return ok
}

// inFile describes where a member set came from.
func inFile(path string) string {
	if path == "" {
		return ""
	}
	return " (" + path + ")"
}

// unknownWarnings warns about each filter attribute unknown for most of the
// recipients: the filter can never select them.
func (p *Plan) unknownWarnings(ps *pass) []Warning {
	total := ps.afterRecipient
	var ws []Warning
	for i, a := range p.attrs {
		known := ps.knownInRec[i]
		if total == 0 || 2*known >= total {
			continue
		}
		at := firstAtom(p.rule.Filter, a)
		ws = append(ws, Warning{Kind: "unknownAttributes", Diagnostic: &nctarget.Diagnostic{
			Pos: at.Pos(), End: at.End(), Severity: nctarget.SeverityWarning,
			Msg:  fmt.Sprintf("%s is unknown for %d of %d recipients (%.0f%%); atoms on %s never match them", a, total-known, total, 100*float64(total-known)/float64(total), a),
			Hint: "an unknown attribute never matches, so this filter excludes most of the audience",
		}})
	}
	return ws
}

// firstAtom returns the first atom of e on attribute a.
func firstAtom(e nctarget.Expr, a nctarget.Attr) nctarget.Expr {
	for _, atom := range nctarget.Atoms(e) {
		if at, ok := nctarget.AttrOf(atom); ok && at == a {
			return atom
		}
	}
	return nil
}
