package eval

import (
	"context"
	"fmt"
	"math"
	"math/bits"
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

	plan       *Plan    // what Recipients evaluates again; nil for an empty result
	blockFinal []uint32 // per block of the pass: the recipients in it, before the limit
	blockKnown []uint32 // per block: those with every filter attribute known
	once       sync.Once
	recipients *roaring.Bitmap
	opts       passOptions       // the blocks of blockFinal and blockKnown
	alone      *recipientProgram // the plan's recipients on their own, made when first needed
	aloneOnce  sync.Once
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
// it for programs, which branch on it rather than on the message.
type Warning struct {
	Kind WarningKind
	*nctarget.Diagnostic
}

// WarningKind names a kind of Warning; its value is what the JSON report
// prints as "kind", so it is stable.
type WarningKind string

// The kinds of Warning. Eval gives the first five; the kinds after them
// are for the report's other sources, so that one list holds them all.
const (
	WarnBelowMinimum      WarningKind = "belowMinimum"      // fewer recipients than the minimum
	WarnEmpty             WarningKind = "empty"             // no friend matches the rule
	WarnSmallAudience     WarningKind = "smallAudience"     // an audience of fewer than 50 friends
	WarnNonFriends        WarningKind = "nonFriends"        // audience members who are not friends
	WarnUnknownAttributes WarningKind = "unknownAttributes" // recipients with a filter attribute unknown
	WarnCatalog           WarningKind = "catalog"           // a catalog entry's problem (expired, failed)
	WarnCompile           WarningKind = "compile"           // the compiler's warnings about the rule
	WarnData              WarningKind = "data"              // the data directory's warnings
)

// BelowMinimum reports whether the count is below the minimum.
func (r *Result) BelowMinimum() bool { return r.Count < r.Min }

// Eval evaluates the plan: the counts, the waterfall and the warnings. The
// recipients themselves are left for Recipients, Selected and Sample to
// compute when asked, since most previews need only counts. The dataset is
// only read, so plans of one dataset may be evaluated concurrently. Eval is
// Batch.Eval of this plan alone.
func (p *Plan) Eval() *Result {
	rs, err := evalPlans(context.Background(), p.batch.opts, []*Plan{p})
	if err != nil { // cannot happen: the context is never done
		panic(err)
	}
	return rs[0]
}

// evalPlans evaluates plans of one dataset in one pass.
func evalPlans(ctx context.Context, opts passOptions, plans []*Plan) ([]*Result, error) {
	if len(plans) == 0 {
		return nil, nil
	}
	plans[0].d.checkOpen()
	pr := newProgram(plans[0].d.Len(), opts)
	steps := make([]ruleSteps, len(plans))
	for i, p := range plans {
		steps[i] = pr.addPlan(p)
	}
	pr.finish()
	c, err := pr.run(ctx)
	if err != nil {
		return nil, err
	}
	results := make([]*Result, len(plans))
	for i, p := range plans {
		results[i] = p.result(pr, c, &steps[i])
	}
	return results, nil
}

// result reads the result of p from the counts of pass c over pr.
func (p *Plan) result(pr *program, c *counts, rs *ruleSteps) *Result {
	r := &Result{Min: p.Min, plan: p, opts: pr.opts}
	if l := p.rule.Limit; l != nil && l.Max > 0 {
		r.Limit = uint64(l.Max)
	}
	for _, n := range rs.clauses {
		r.Nodes = append(r.Nodes, NodeCount{Expr: n.expr, Clause: n.clause, Depth: n.depth, Count: pr.count(c, n.at)})
	}
	afterFilter := pr.count(c, rs.final)
	r.Waterfall = Waterfall{Friends: pr.friends, AfterRecipient: pr.count(c, rs.recipient), AfterFilter: afterFilter}
	r.Count = afterFilter
	if r.Limit > 0 {
		r.Count = min(r.Count, r.Limit)
	}
	r.Waterfall.AfterLimit = r.Count
	r.blockFinal = pr.blockCounts(c, rs.final)
	knownInRecipient := make([]uint64, len(rs.knownIn))
	for i, o := range rs.knownIn {
		knownInRecipient[i] = pr.count(c, o)
	}
	switch {
	case len(p.attrs) == 0:
		r.Waterfall.AllKnown = r.Count // no filter attribute to know
	case r.Count == afterFilter:
		r.Waterfall.AllKnown = pr.count(c, rs.allKnown)
	default:
		r.blockKnown = pr.blockCounts(c, rs.allKnown)
		r.Waterfall.AllKnown = r.knownInFirst(r.Count)
	}
	r.Warnings = p.warnings(r, knownInRecipient)
	return r
}

// recipientProgram computes one plan's recipients a block at a time.
type recipientProgram struct {
	pr    *program
	final operand
	w     *worker
	mu    sync.Mutex // guards w
}

// recipientsAlone returns the program of r's recipients.
func (r *Result) recipientsAlone() *recipientProgram {
	r.aloneOnce.Do(func() {
		pr := newProgram(int(r.Waterfall.Friends), r.opts)
		rs := pr.addRecipients(r.plan)
		pr.keep(rs.final)
		pr.finish()
		r.alone = &recipientProgram{pr: pr, final: rs.final, w: pr.newWorker()}
	})
	return r.alone
}

// block writes the recipients of block b into dst and returns it, cut to
// the block's words.
func (rp *recipientProgram) block(dst []uint64, b int) []uint64 {
	rp.mu.Lock()
	defer rp.mu.Unlock()
	rp.pr.block(rp.w, b, nil)
	w0, w1 := rp.pr.blockRange(b)
	dst = dst[:w1-w0]
	copy(dst, rp.pr.operandWords(rp.w, rp.final, w1 == rp.pr.words))
	return dst
}

// knownInFirst returns how many of the first k recipients, in user order,
// have every filter attribute known: the waterfall's AllKnown when
// limit.max cuts the recipients. Whole blocks come from the pass's
// per-block counts; only the block where the k-th recipient falls is
// evaluated again.
func (r *Result) knownInFirst(k uint64) uint64 {
	var n uint64
	for b, c := range r.blockFinal {
		if uint64(c) < k {
			k, n = k-uint64(c), n+uint64(r.blockKnown[b])
			continue
		}
		rp := r.recipientsAlone()
		w0, _ := rp.pr.blockRange(b)
		for j, o := range rp.block(make([]uint64, rp.pr.opts.blockWords), b) {
			if c := uint64(bits.OnesCount64(o)); c < k {
				k -= c
			} else {
				o, k = lowestBits(o, k), 0
			}
			n += uint64(bits.OnesCount64(o & r.plan.knownWord(w0+j)))
			if k == 0 {
				return n
			}
		}
	}
	return n
}

// knownWord returns word j of the friends with every filter attribute
// known.
func (p *Plan) knownWord(j int) uint64 {
	all := ^uint64(0)
	for _, k := range p.known {
		all &= k.words[j]
	}
	return all
}

// at returns the recipients of the given ranks (0 is the first recipient
// in user order), which are ascending and below the number of recipients
// before the limit. Only the blocks where they fall are evaluated again.
func (r *Result) at(ranks []uint64) []uint32 {
	out := make([]uint32, 0, len(ranks))
	var before uint64 // recipients in the blocks before b
	buf := make([]uint64, r.opts.blockWords)
	for b, c := range r.blockFinal {
		if len(ranks) == 0 {
			break
		}
		if ranks[0] >= before+uint64(c) {
			before += uint64(c)
			continue
		}
		rp := r.recipientsAlone()
		w0, _ := rp.pr.blockRange(b)
		for j, o := range rp.block(buf, b) {
			n := uint64(bits.OnesCount64(o))
			for len(ranks) > 0 && ranks[0] < before+n {
				out = append(out, uint32((w0+j)*64+bits.TrailingZeros64(dropLowest(o, ranks[0]-before))))
				ranks = ranks[1:]
			}
			before += n
		}
	}
	return out
}

// dropLowest clears the k lowest set bits of w.
func dropLowest(w, k uint64) uint64 {
	for ; k > 0; k-- {
		w &= w - 1
	}
	return w
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
		rp := r.recipientsAlone()
		res := make([]uint64, rp.pr.words)
		for b := range rp.pr.blocks {
			w0, _ := rp.pr.blockRange(b)
			rp.block(res[w0:], b)
		}
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
// first rows of users.csv: the recipients of ranks i*n/k for i < k, n the
// count, or every one when n ≤ k.
func (r *Result) Sample(k int) []uint32 {
	n := r.Count
	if k <= 0 || n == 0 || r.plan == nil {
		return nil
	}
	ranks := make([]uint64, 0, min(uint64(k), n))
	for i := range uint64(cap(ranks)) {
		if uint64(k) >= n {
			ranks = append(ranks, i)
		} else {
			ranks = append(ranks, i*n/uint64(k))
		}
	}
	return r.at(ranks)
}

// warnings returns the warnings of result r, whose recipients with each
// filter attribute known are knownInRecipient.
func (p *Plan) warnings(r *Result, knownInRecipient []uint64) []Warning {
	var ws []Warning
	add := func(kind WarningKind, at nctarget.Node, hint, format string, args ...any) {
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
			add(WarnSmallAudience, ref.expr, "LINE fails a send conditioned on an audience of fewer than 50 (errorCode 4); use a larger audience",
				"%s has %d friends, fewer than %d", key, n, DefaultMinimum)
		}
		if ref.set.nonFriends > 0 {
			add(WarnNonFriends, ref.expr, "they never receive anything; this is normal for audiences built outside the account",
				"%s lists %d of %d users who are not friends%s", key, ref.set.nonFriends, ref.set.lines, inFile(ref.set.path))
		}
	}
	ws = append(ws, p.unknownWarnings(r.Waterfall.AfterRecipient, knownInRecipient)...)
	switch {
	case r.Count == 0:
		add(WarnEmpty, p.rule, "check the rule and the data: nothing would be sent", "no friend matches the rule")
	case r.Count < r.Min:
		add(WarnBelowMinimum, p.rule, "LINE fails a send with too few recipients (errorCode 2); widen the rule",
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
func (p *Plan) unknownWarnings(total uint64, knownInRecipient []uint64) []Warning {
	var ws []Warning
	for i, a := range p.attrs {
		known := knownInRecipient[i]
		if total == 0 || 2*known >= total {
			continue
		}
		at := firstAtom(p.rule.Filter, a)
		ws = append(ws, Warning{Kind: WarnUnknownAttributes, Diagnostic: &nctarget.Diagnostic{
			Pos: at.Pos(), End: at.End(), Severity: nctarget.SeverityWarning,
			Msg: fmt.Sprintf("%s is unknown for %d of %d %s (%.0f%%); atoms on %s never match them",
				a, total-known, total, plural(total, "recipient"), 100*float64(total-known)/float64(total), a),
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

// plural returns word for a count of one and its plural otherwise.
func plural(n uint64, word string) string {
	if n == 1 {
		return word
	}
	return word + "s"
}
