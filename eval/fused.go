package eval

import (
	"math/bits"
	"runtime"
	"sync"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/nctarget/nctarget"
)

// This file is the evaluator's inner loop. Planning turns every atom's
// roaring bitmap into a plain bitset (one bit per friend); Eval then makes
// a single fused pass over those bitsets, a block of words at a time,
// computing every operator of the rule and every count of the report
// together. Each block of every node stays in the processor's cache, no
// intermediate bitmap is ever allocated, and a "not" is never computed on
// its own: its parent combines with the complement of its operand (and
// not, or not) and its count is the friends minus its operand's. The
// blocks are shared among the processors. This makes it several times
// faster than combining roaring bitmaps operator by operator (the
// semantics are unchanged; the differential test checks them against a
// per-user loop).

// They are variables so that tests can make a small dataset span many
// blocks and processors.
var (
	// blockWords is how many 64-bit words the pass handles at a time: 4
	// KB a node, so a rule's blocks fit in cache together.
	blockWords = 512
	// minParallelBlocks is the fewest blocks per processor worth sharing
	// the pass for: below it, starting goroutines costs more than it saves.
	minParallelBlocks = 16
)

// fused is a plan compiled for the fused pass.
type fused struct {
	friends  uint64
	words    int        // words per bitset: ceil(friends / 64)
	blocks   int        // ceil(words / blockWords)
	lastMask uint64     // the bits of the last word that are friends
	nodes    []fnode    // every node of the rule, recipient then filter, in preorder
	rec, fil operand    // the clauses' roots; idx -1 when a clause is absent: every friend
	known    [][]uint64 // per filter attribute: friends with it known
}

// operand is a node's result as an operator reads it: node idx, or its
// complement within friends when neg is set. idx -1 is every friend.
type operand struct {
	idx int
	neg bool
}

// fnode is one node of a fused plan.
type fnode struct {
	expr   nctarget.Expr
	clause string
	depth  int
	leaf   []uint64 // an atom's friends; nil for an operator
	count  uint64   // an atom's count, computed once when planning
	not    *operand // a not: what it complements, computed by no one
	op     nctarget.Op
	args   []operand // an and or or: its operands
}

// compileFused builds the fused form of a plan.
func (p *Plan) compileFused() *fused {
	n := p.d.Len()
	f := &fused{friends: uint64(n), words: (n + 63) / 64, lastMask: ^uint64(0),
		rec: operand{idx: -1}, fil: operand{idx: -1}}
	f.blocks = (f.words + blockWords - 1) / blockWords
	if r := n % 64; r != 0 {
		f.lastMask = 1<<r - 1
	}
	dense := newDenseCache(f.words)
	if p.recipient != nil {
		f.rec = f.operandOf(f.add(p.recipient, "recipient", 0, dense))
	}
	if p.filter != nil {
		f.fil = f.operandOf(f.add(p.filter, "where", 0, dense))
	}
	for _, a := range p.attrs {
		f.known = append(f.known, dense.of(p.d.attrs[a].known))
	}
	return f
}

// denseCache turns roaring bitmaps into bitsets of a fixed length, once
// per distinct set: atoms with the same friends (gender in (male,
// female) and "gender known", say) share one bitset, which the pass then
// reads from cache rather than from memory twice. Sets are compared only
// with those of the same size, so a rule of many atoms plans in linear
// time.
type denseCache struct {
	words  int
	bySize map[uint64][]denseEntry
}

// denseEntry is a bitmap with its bitset.
type denseEntry struct {
	bm *roaring.Bitmap
	d  []uint64
}

func newDenseCache(words int) *denseCache {
	return &denseCache{words: words, bySize: map[uint64][]denseEntry{}}
}

// of returns the bitset of bm.
func (c *denseCache) of(bm *roaring.Bitmap) []uint64 {
	size := bm.GetCardinality()
	for _, e := range c.bySize[size] {
		if e.bm == bm || e.bm.Equals(bm) {
			return e.d
		}
	}
	d := bm.ToDense() // up to the highest member
	if len(d) < c.words {
		d = append(d, make([]uint64, c.words-len(d))...)
	}
	d = d[:c.words]
	c.bySize[size] = append(c.bySize[size], denseEntry{bm, d})
	return d
}

// add appends node n and its operands in preorder and returns its index.
func (f *fused) add(n *node, clause string, depth int, dense *denseCache) int {
	at := len(f.nodes)
	fn := fnode{expr: n.expr, clause: clause, depth: depth}
	if n.leaf != nil {
		fn.leaf, fn.count = dense.of(n.leaf), n.leaf.GetCardinality()
		f.nodes = append(f.nodes, fn)
		return at
	}
	if x, ok := n.expr.(*nctarget.Operator); ok {
		fn.op = x.Op
	}
	f.nodes = append(f.nodes, fn)
	var args []operand
	for _, k := range n.kids {
		args = append(args, f.operandOf(f.add(k, clause, depth+1, dense)))
	}
	if _, ok := n.expr.(*nctarget.Not); ok {
		f.nodes[at].not = &args[0]
	} else {
		f.nodes[at].args = args
	}
	return at
}

// operandOf returns how an operator reads node i: a not is read as the
// complement of its operand, so that it is never computed.
func (f *fused) operandOf(i int) operand {
	if x := f.nodes[i].not; x != nil {
		return operand{idx: x.idx, neg: !x.neg}
	}
	return operand{idx: i}
}

// pass holds the counts of a fused pass, or of the part of it one
// processor made.
type pass struct {
	counts         []uint64 // per node, in preorder; a not's are filled in by finish
	afterRecipient uint64
	afterFilter    uint64
	knownInRec     []uint64 // per filter attribute: recipients (before the filter) with it known
	allKnown       uint64   // recipients with every filter attribute known
	blockFilter    []uint64 // per block: recipients in it (shared; each worker writes its own blocks)
	blockKnown     []uint64 // per block: recipients in it with every filter attribute known
}

// worker is one processor's scratch space for the pass.
type worker struct {
	cur  [][]uint64  // per node: its words in the current block
	bufs [][]uint64  // per operator node: a block of words
	out  []uint64    // the recipients of the current block
	all  []uint64    // the friends with every filter attribute known, in the block
	neg  [2][]uint64 // the clause roots' words when complemented, or every friend's
}

// newWorker returns scratch space for a pass over f.
func (f *fused) newWorker() *worker {
	w := &worker{cur: make([][]uint64, len(f.nodes)), bufs: make([][]uint64, len(f.nodes)),
		out: make([]uint64, blockWords), all: make([]uint64, blockWords)}
	for i, n := range f.nodes {
		if n.leaf == nil && n.not == nil {
			w.bufs[i] = make([]uint64, blockWords)
		}
	}
	w.neg = [2][]uint64{make([]uint64, blockWords), make([]uint64, blockWords)}
	return w
}

// run makes the fused pass, sharing the blocks among the processors. When
// res is not nil it receives the recipients' words. run only reads f, so
// plans may be evaluated concurrently.
func (f *fused) run(res []uint64) *pass {
	ps := f.newPass()
	procs := min(runtime.GOMAXPROCS(0), f.blocks/minParallelBlocks)
	if procs <= 1 {
		f.runBlocks(ps, f.newWorker(), res, 0, f.blocks)
		return f.finish(ps)
	}
	parts := make([]*pass, procs)
	var wg sync.WaitGroup
	for k := range procs {
		parts[k] = ps.part()
		wg.Go(func() { f.runBlocks(parts[k], f.newWorker(), res, k*f.blocks/procs, (k+1)*f.blocks/procs) })
	}
	wg.Wait()
	for _, part := range parts {
		ps.add(part)
	}
	return f.finish(ps)
}

// newPass returns a pass with zero counts.
func (f *fused) newPass() *pass {
	return &pass{counts: make([]uint64, len(f.nodes)), knownInRec: make([]uint64, len(f.known)),
		blockFilter: make([]uint64, f.blocks), blockKnown: make([]uint64, f.blocks)}
}

// part returns a pass for one processor's share of ps: counts of its
// own, the per-block counts shared (each processor writes its own blocks).
func (ps *pass) part() *pass {
	return &pass{counts: make([]uint64, len(ps.counts)), knownInRec: make([]uint64, len(ps.knownInRec)),
		blockFilter: ps.blockFilter, blockKnown: ps.blockKnown}
}

// add adds the counts of part to ps.
func (ps *pass) add(part *pass) {
	for i, c := range part.counts {
		ps.counts[i] += c
	}
	for i, c := range part.knownInRec {
		ps.knownInRec[i] += c
	}
	ps.afterRecipient += part.afterRecipient
	ps.afterFilter += part.afterFilter
	ps.allKnown += part.allKnown
}

// finish fills in the counts no block computes: atoms' (known from
// planning) and nots' (friends minus their operand's), in reverse
// preorder so that a not of a not finds its operand's count.
func (f *fused) finish(ps *pass) *pass {
	for i := len(f.nodes) - 1; i >= 0; i-- {
		n := &f.nodes[i]
		switch {
		case n.leaf != nil:
			ps.counts[i] = n.count
		case n.not != nil:
			c := ps.counts[n.not.idx]
			if n.not.neg {
				c = f.friends - c
			}
			ps.counts[i] = f.friends - c
		}
	}
	return ps
}

// runBlocks evaluates blocks [b0, b1).
func (f *fused) runBlocks(ps *pass, w *worker, res []uint64, b0, b1 int) {
	for b := b0; b < b1; b++ {
		w0, w1 := b*blockWords, min((b+1)*blockWords, f.words)
		f.block(ps, w, b, w0, w1)
		if res != nil {
			copy(res[w0:w1], w.out[:w1-w0])
		}
	}
}

// block evaluates words [w0, w1), block b, of every node, operands before
// operators, and then the recipients.
func (f *fused) block(ps *pass, w *worker, b, w0, w1 int) {
	m := w1 - w0
	last := w1 == f.words
	for i := len(f.nodes) - 1; i >= 0; i-- { // reverse preorder: operands first
		n := &f.nodes[i]
		switch {
		case n.leaf != nil:
			w.cur[i] = n.leaf[w0:w1]
		case n.not == nil:
			out := w.bufs[i][:m]
			ps.counts[i] += f.combine(out, w, n.op, n.args, last)
			w.cur[i] = out
		}
	}
	rec, fil := f.operandWords(w, f.rec, w.neg[0][:m], w0, w1), f.operandWords(w, f.fil, w.neg[1][:m], w0, w1)
	out := w.out[:m]
	afterFil := combine3(out, rec, fil, fil, 0, 0, 0, false)
	afterRec, allKnown := popcount(rec), uint64(0)
	if len(f.known) > 0 {
		all := w.all[:m]
		for a, k := range f.known {
			ps.knownInRec[a] += knownAnd(all, k[w0:w1], rec, a == 0)
		}
		allKnown = popcountAnd(out, all)
	}
	ps.afterRecipient += afterRec
	ps.afterFilter += afterFil
	ps.allKnown += allKnown
	ps.blockFilter[b], ps.blockKnown[b] = afterFil, allKnown
}

// knownInFirst returns how many of the first k recipients, in user order,
// have every filter attribute known: the waterfall's AllKnown when
// limit.max cuts the recipients. Whole blocks come from the pass's
// per-block counts; only the block where the k-th recipient falls is
// evaluated again.
func (f *fused) knownInFirst(ps *pass, k uint64) uint64 {
	var n uint64
	for b := range f.blocks {
		if ps.blockFilter[b] < k {
			k, n = k-ps.blockFilter[b], n+ps.blockKnown[b]
			continue
		}
		w0, w1 := b*blockWords, min((b+1)*blockWords, f.words)
		w := f.newWorker()
		f.block(f.newPass(), w, b, w0, w1)
		for j, o := range w.out[:w1-w0] {
			if c := uint64(bits.OnesCount64(o)); c < k {
				k -= c
			} else {
				o, k = lowestBits(o, k), 0
			}
			n += uint64(bits.OnesCount64(o & f.knownWord(w0+j)))
			if k == 0 {
				return n
			}
		}
	}
	return n
}

// knownWord returns word j of the friends with every filter attribute
// known.
func (f *fused) knownWord(j int) uint64 {
	all := ^uint64(0)
	for _, k := range f.known {
		all &= k[j]
	}
	return all
}

// lowestBits returns the k lowest set bits of w.
func lowestBits(w, k uint64) uint64 {
	var out uint64
	for ; k > 0 && w != 0; k-- {
		low := w & -w
		out, w = out|low, w&^low
	}
	return out
}

// operandWords returns operand o's words in [w0, w1): the node's own,
// every friend's, or their complement written into scratch.
func (f *fused) operandWords(w *worker, o operand, scratch []uint64, w0, w1 int) []uint64 {
	if o.idx < 0 {
		fillOnes(scratch, w1 == f.words, f.lastMask)
		return scratch
	}
	if !o.neg {
		return w.cur[o.idx]
	}
	notWords(scratch, w.cur[o.idx])
	if w1 == f.words {
		scratch[len(scratch)-1] &= f.lastMask
	}
	return scratch
}

// combine computes an and or an or of args into out and returns its
// count, three operands a loop where it can (each loop reads and writes
// out once). A complemented operand is read xor all ones; the last word
// is cut to the friends, as a complement sets the bits beyond them.
func (f *fused) combine(out []uint64, w *worker, op nctarget.Op, args []operand, last bool) uint64 {
	or := op == nctarget.OpOr
	src := func(k int) ([]uint64, uint64) { // operand k; past the end, the last again (x and x is x)
		a := args[min(k, len(args)-1)]
		return w.cur[a.idx], negMask(a)
	}
	a, ma := src(0)
	b, mb := src(1)
	c, mc := src(2)
	n := combine3(out, a, b, c, ma, mb, mc, or)
	for k := 3; k < len(args); k += 2 {
		b, mb = src(k)
		c, mc = src(k + 1)
		n = combine3(out, out, b, c, 0, mb, mc, or)
	}
	if last {
		out[len(out)-1] &= f.lastMask
		n = popcount(out)
	}
	return n
}

// negMask returns what to xor an operand's words with: all ones for a
// complement, which flips every bit, and zero otherwise.
func negMask(o operand) uint64 {
	if o.neg {
		return ^uint64(0)
	}
	return 0
}

// combine3 sets dst to (a xor ma) and (b xor mb) and (c xor mc), or
// their or, word by word, and returns the bits set: combining and
// counting in one loop, while the words are in registers. dst may be a.
func combine3(dst, a, b, c []uint64, ma, mb, mc uint64, or bool) uint64 {
	a, b, c = a[:len(dst)], b[:len(dst)], c[:len(dst)]
	n := 0
	if or {
		for j := range dst {
			x := (a[j] ^ ma) | (b[j] ^ mb) | (c[j] ^ mc)
			dst[j] = x
			n += bits.OnesCount64(x)
		}
	} else {
		for j := range dst {
			x := (a[j] ^ ma) & (b[j] ^ mb) & (c[j] ^ mc)
			dst[j] = x
			n += bits.OnesCount64(x)
		}
	}
	return uint64(n)
}

// knownAnd counts the bits of rec in known and narrows all to known (sets
// it to known when first): the per-attribute counts of the recipients
// with an attribute known and the friends with every one known, in one
// loop.
func knownAnd(all, known, rec []uint64, first bool) uint64 {
	known, rec = known[:len(all)], rec[:len(all)]
	n := 0
	if first {
		for j, k := range known {
			all[j] = k
			n += bits.OnesCount64(rec[j] & k)
		}
	} else {
		for j, k := range known {
			all[j] &= k
			n += bits.OnesCount64(rec[j] & k)
		}
	}
	return uint64(n)
}

// fillOnes sets every bit of dst, but only the friends' of the last word.
func fillOnes(dst []uint64, last bool, lastMask uint64) {
	for j := range dst {
		dst[j] = ^uint64(0)
	}
	if last {
		dst[len(dst)-1] = lastMask
	}
}

func notWords(dst, src []uint64) {
	src = src[:len(dst)]
	for j := range dst {
		dst[j] = ^src[j]
	}
}

func popcountAnd(a, b []uint64) uint64 {
	b = b[:len(a)]
	n := 0
	for j, w := range a {
		n += bits.OnesCount64(w & b[j])
	}
	return uint64(n)
}

func popcount(ws []uint64) uint64 {
	n := 0
	for _, w := range ws {
		n += bits.OnesCount64(w)
	}
	return uint64(n)
}
