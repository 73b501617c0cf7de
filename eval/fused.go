package eval

import (
	"cmp"
	"context"
	"math"
	"math/bits"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"

	"github.com/nctarget/nctarget"
)

// This file is the evaluator's inner loop. Planning turns every atom into
// a plain bitset (one bit per friend); Eval compiles the plans it is given
// into one program, a graph of steps in which each distinct atom and each
// distinct operator over the same operands is one step, shared by every
// rule that names it, and then makes a single pass over the words, a block
// at a time, computing every step. Every figure of every report is a
// popcount of a step's words: each clause's count, the recipients
// (recipient and filter, itself a step), the recipients with each filter
// attribute known (recipient and the attribute's known friends) and the
// final ones with all of them known, steps like any other, so that rules
// with the same recipient expression share them. A block of
// each step stays in the processor's cache while the steps that read it
// run, no intermediate bitset is ever allocated, and a "not" is never
// computed on its own: its reader combines with the complement of its
// operand (and not, or not) and its count is the friends minus its
// operand's. A step no other step reads is only counted, its words never
// written. The blocks are shared among the processors, and the loops
// that combine and count are kernels in assembly, eight or four words an
// instruction, where the processor has them (kernel_amd64.s). The
// semantics are unchanged; the differential tests check them against a
// per-user loop and against evaluating each plan node by node.

// passOptions size the pass. Tests make a small dataset span many blocks
// and processors with them.
type passOptions struct {
	// blockWords is how many 64-bit words the pass handles at a time: 4
	// KB a step, so that the blocks of a rule's steps fit in cache
	// together.
	blockWords int
	// minParallelBlocks is the fewest blocks per processor worth sharing
	// the pass for: below it, starting goroutines costs more than it saves.
	minParallelBlocks int
}

// defaultPassOptions are the options of Dataset.Plan and NewBatch.
var defaultPassOptions = passOptions{blockWords: 512, minParallelBlocks: 16}

// program is the plans of one Eval compiled for the pass.
type program struct {
	opts     passOptions
	friends  uint64
	words    int    // words per bitset: ceil(friends / 64)
	blocks   int    // ceil(words / blockWords)
	lastMask uint64 // the bits of the last word that are friends
	steps    []step // operands before the operators that read them
	slots    int    // scratch blocks an evaluation needs at once
	tracked  int    // steps whose count in each block is kept

	leafSteps map[*bitset]int32 // while building: the step of each bitset
	opSteps   map[string]int32  // while building: the step of each operator, by opKey
}

// step is an atom's bitset or an operator over other steps.
type step struct {
	leaf    *bitset     // an atom's friends; nil for an operator
	op      nctarget.Op // an operator: and or or
	args    []operand   // an operator's operands
	slot    int         // an operator: the scratch block it writes
	tracked int         // index of its per-block counts, or -1
	lastUse int         // the last step that reads it
	// countOnly marks an operator no step reads, such as a rule's
	// recipients with every filter attribute known: only its count is
	// wanted, so the pass need not write its words.
	countOnly bool
}

// operand is a step's result as an operator reads it: step's words, or
// their complement within the friends when neg is set.
type operand struct {
	step int32
	neg  bool
}

// ruleSteps is where one plan's figures are in a program.
type ruleSteps struct {
	clauses   []clauseStep // every clause node, recipient then filter, in preorder
	recipient operand      // the recipient expression; every friend when absent
	final     operand      // the recipients: recipient and filter
	knownIn   []operand    // per filter attribute: the recipient expression's friends with it known
	allKnown  operand      // the final recipients with every filter attribute known, when there is one
}

// clauseStep is a node of a rule's clause tree and the operand holding it.
type clauseStep struct {
	expr   nctarget.Expr
	clause string // "recipient" or "where"
	depth  int
	at     operand
}

// newProgram returns an empty program over friends friends.
func newProgram(friends int, opts passOptions) *program {
	pr := &program{opts: opts, friends: uint64(friends), words: (friends + 63) / 64, lastMask: ^uint64(0),
		leafSteps: map[*bitset]int32{}, opSteps: map[string]int32{}}
	pr.blocks = (pr.words + opts.blockWords - 1) / opts.blockWords
	if r := friends % 64; r != 0 {
		pr.lastMask = 1<<r - 1
	}
	return pr
}

// addPlan adds the steps of plan p and returns where its figures are:
// its clauses and recipients, and when its filter names attributes, the
// recipient expression's friends with each one known and the final
// recipients with every one known. Without a recipient expression the
// friends with an attribute known are the attribute's leaf itself; the
// final recipients need no and with the friends with an attribute known
// when the filter matches only friends with it known.
func (pr *program) addPlan(p *Plan) ruleSteps {
	rs := pr.addRecipients(p)
	pr.track(rs.final)
	if len(p.known) == 0 {
		return rs
	}
	var unsure []operand // attributes the filter may match friends without
	for i, k := range p.known {
		known := pr.leaf(k)
		in := known
		if p.recipient != nil {
			in = pr.operator(nctarget.OpAnd, []operand{rs.recipient, known})
		}
		rs.knownIn = append(rs.knownIn, in)
		if !knownWhenMatched(p.rule.Filter, p.attrs[i]) {
			unsure = append(unsure, known)
		}
	}
	rs.allKnown = rs.final
	if len(unsure) > 0 {
		every := unsure[0]
		if len(unsure) > 1 {
			every = pr.operator(nctarget.OpAnd, unsure)
		}
		rs.allKnown = pr.operator(nctarget.OpAnd, []operand{rs.final, every})
		pr.track(rs.allKnown)
	}
	return rs
}

// addRecipients adds the steps of p's clauses and of its recipients, and
// returns where they are.
func (pr *program) addRecipients(p *Plan) ruleSteps {
	var rs ruleSteps
	if p.recipient != nil {
		rs.recipient = pr.clause(p.recipient, "recipient", 0, &rs.clauses)
	} else {
		rs.recipient = pr.leaf(p.batch.bits.everyFriend())
	}
	rs.final = rs.recipient
	if p.filter != nil {
		filter := pr.clause(p.filter, "where", 0, &rs.clauses)
		rs.final = filter
		if p.recipient != nil {
			rs.final = pr.operator(nctarget.OpAnd, []operand{rs.recipient, filter})
		}
	}
	return rs
}

// clause adds node n of a clause tree and its operands, appending them to
// out in preorder, and returns the operand holding n.
func (pr *program) clause(n *node, clause string, depth int, out *[]clauseStep) operand {
	at := len(*out)
	*out = append(*out, clauseStep{expr: n.expr, clause: clause, depth: depth})
	var o operand
	if n.leaf != nil {
		o = pr.leaf(n.leaf)
	} else if x, ok := n.expr.(*nctarget.Operator); ok {
		args := make([]operand, len(n.kids))
		for i, k := range n.kids {
			args[i] = pr.clause(k, clause, depth+1, out)
		}
		o = pr.operator(x.Op, args)
	} else { // a not
		o = pr.clause(n.kids[0], clause, depth+1, out)
		o.neg = !o.neg
	}
	(*out)[at].at = o
	return o
}

// leaf returns the step of bitset bs, adding it on first use.
func (pr *program) leaf(bs *bitset) operand {
	if i, ok := pr.leafSteps[bs]; ok {
		return operand{step: i}
	}
	i := int32(len(pr.steps))
	pr.steps = append(pr.steps, step{leaf: bs, tracked: -1})
	pr.leafSteps[bs] = i
	return operand{step: i}
}

// operator returns the step of op over args, adding it unless a step
// already computes op over the same operands in any order.
func (pr *program) operator(op nctarget.Op, args []operand) operand {
	args = slices.SortedFunc(slices.Values(args), func(a, b operand) int {
		if c := cmp.Compare(a.step, b.step); c != 0 {
			return c
		}
		return cmp.Compare(opKeyNeg(a), opKeyNeg(b))
	})
	key := opKey(op, args)
	if i, ok := pr.opSteps[key]; ok {
		return operand{step: i}
	}
	i := int32(len(pr.steps))
	for _, a := range args {
		pr.steps[a.step].lastUse = int(i)
	}
	pr.steps = append(pr.steps, step{op: op, args: args, tracked: -1})
	pr.opSteps[key] = i
	return operand{step: i}
}

// opKey names an operator over sorted operands, for sharing steps.
func opKey(op nctarget.Op, args []operand) string {
	key := []byte{byte(op)}
	for _, a := range args {
		key = strconv.AppendInt(append(key, ','), int64(a.step), 10)
		if a.neg {
			key = append(key, '!')
		}
	}
	return string(key)
}

func opKeyNeg(o operand) int {
	if o.neg {
		return 1
	}
	return 0
}

// keep keeps o's words in its scratch block until the end of each block,
// for operandWords.
func (pr *program) keep(o operand) { pr.steps[o.step].lastUse = math.MaxInt }

// track keeps the per-block counts of o's step.
func (pr *program) track(o operand) {
	if s := &pr.steps[o.step]; s.tracked < 0 {
		s.tracked = pr.tracked
		pr.tracked++
	}
}

// finish gives every operator a scratch block, reusing the block of a
// step once its last reader has run, and drops what only building needs.
func (pr *program) finish() {
	var free []int
	for i := range pr.steps {
		s := &pr.steps[i]
		if s.leaf != nil {
			continue
		}
		if n := len(free); n > 0 {
			s.slot, free = free[n-1], free[:n-1]
		} else {
			s.slot = pr.slots
			pr.slots++
		}
		for _, a := range s.args {
			if arg := &pr.steps[a.step]; arg.leaf == nil && arg.lastUse == i {
				free = append(free, arg.slot)
				arg.lastUse = -1 // freed once, even when read twice
			}
		}
		if s.lastUse == 0 { // read by no step: only its count is wanted
			s.countOnly = true
			free = append(free, s.slot)
		}
	}
	pr.leafSteps, pr.opSteps = nil, nil
}

// counts are the results of a pass.
type counts struct {
	steps  []uint64   // per step: its count
	blocks [][]uint32 // per tracked step: its count in each block
}

// count returns the count of o.
func (pr *program) count(c *counts, o operand) uint64 {
	n := c.steps[o.step]
	if o.neg {
		n = pr.friends - n
	}
	return n
}

// blockCounts returns the count of o in each block; o's step is tracked.
func (pr *program) blockCounts(c *counts, o operand) []uint32 {
	ns := c.blocks[pr.steps[o.step].tracked]
	if !o.neg {
		return ns
	}
	out := make([]uint32, len(ns))
	for b, n := range ns {
		w0, w1 := pr.blockRange(b)
		out[b] = uint32(min(pr.friends, uint64(w1)*64)-uint64(w0)*64) - n
	}
	return out
}

// blockRange returns the words of block b.
func (pr *program) blockRange(b int) (w0, w1 int) {
	return b * pr.opts.blockWords, min((b+1)*pr.opts.blockWords, pr.words)
}

// worker is one processor's scratch space for the pass.
type worker struct {
	cur     [][]uint64 // per step: its words in the current block
	slots   [][]uint64 // the operators' scratch blocks
	counts  []uint64   // per step: its count in the blocks done so far
	scratch []uint64   // a complemented operand's words
}

// newWorker returns scratch space for a pass over pr.
func (pr *program) newWorker() *worker {
	w := &worker{cur: make([][]uint64, len(pr.steps)), slots: make([][]uint64, pr.slots),
		counts: make([]uint64, len(pr.steps)), scratch: make([]uint64, pr.opts.blockWords)}
	for i := range w.slots {
		w.slots[i] = make([]uint64, pr.opts.blockWords)
	}
	return w
}

// run makes the pass, sharing the blocks among the processors, and
// returns every step's count. It stops early with ctx's error when ctx is
// done. run only reads pr, so programs may run concurrently.
func (pr *program) run(ctx context.Context) (*counts, error) {
	c := &counts{steps: make([]uint64, len(pr.steps)), blocks: make([][]uint32, pr.tracked)}
	for i := range c.blocks {
		c.blocks[i] = make([]uint32, pr.blocks)
	}
	workers, err := pr.shareBlocks(ctx, func(w *worker, b int) { pr.block(w, b, c) })
	if err != nil {
		return nil, err
	}
	for _, w := range workers {
		for i, n := range w.counts {
			c.steps[i] += n
		}
	}
	for i, s := range pr.steps {
		if s.leaf != nil {
			c.steps[i] = s.leaf.count
		}
	}
	return c, nil
}

// shareBlocks calls do for every block b of pr, sharing the blocks among
// the processors (as many as there are blocks worth sharing for), each
// with its own worker, and returns the workers. It stops early with ctx's
// error when ctx is done.
func (pr *program) shareBlocks(ctx context.Context, do func(w *worker, b int)) ([]*worker, error) {
	procs := max(1, min(runtime.GOMAXPROCS(0), pr.blocks/pr.opts.minParallelBlocks))
	workers := make([]*worker, procs)
	var next atomic.Int64 // the next block to claim
	var failed atomic.Bool
	var wg sync.WaitGroup
	for k := range workers {
		workers[k] = pr.newWorker()
		wg.Go(func() {
			for !failed.Load() {
				b := int(next.Add(1) - 1)
				if b >= pr.blocks {
					return
				}
				if ctx.Err() != nil {
					failed.Store(true)
					return
				}
				do(workers[k], b)
			}
		})
	}
	wg.Wait()
	if err := ctx.Err(); err != nil && failed.Load() {
		return nil, err
	}
	return workers, nil
}

// block evaluates block b of every step, operands first, adding to the
// worker's counts; when c is not nil it records the tracked steps' counts
// in the block.
func (pr *program) block(w *worker, b int, c *counts) {
	w0, w1 := pr.blockRange(b)
	m, last := w1-w0, w1 == pr.words
	for i := range pr.steps {
		s := &pr.steps[i]
		var n uint64
		if s.leaf != nil {
			w.cur[i] = s.leaf.words[w0:w1]
			if s.tracked < 0 || c == nil {
				continue
			}
			n = popcount(w.cur[i])
		} else {
			out := w.slots[s.slot][:m]
			n = pr.combine(out, w, s, last)
			w.counts[i] += n
			w.cur[i] = out
		}
		if s.tracked >= 0 && c != nil {
			c.blocks[s.tracked][b] = uint32(n)
		}
	}
}

// operandWords returns o's words in the block the worker last evaluated,
// the last block when last is set: the step's own, or their complement
// written into the worker's scratch block.
func (pr *program) operandWords(w *worker, o operand, last bool) []uint64 {
	words := w.cur[o.step]
	if !o.neg {
		return words
	}
	out := w.scratch[:len(words)]
	for j, x := range words {
		out[j] = ^x
	}
	if last {
		out[len(out)-1] &= pr.lastMask
	}
	return out
}

// combine computes step s, an and or an or, into out and returns its
// count, three operands a loop where it can (each loop reads and writes
// out once); a step only counted, of up to three operands, is counted
// without writing out. A complemented operand is read xor all ones; the
// last word is cut to the friends, as a complement sets the bits beyond
// them.
func (pr *program) combine(out []uint64, w *worker, s *step, last bool) uint64 {
	or, args := s.op == nctarget.OpOr, s.args
	src := func(k int) ([]uint64, uint64) { // operand k; past the end, the last again (x and x is x)
		a := args[min(k, len(args)-1)]
		return w.cur[a.step][:len(out)], negMask(a)
	}
	a, ma := src(0)
	b, mb := src(1)
	c, mc := src(2)
	if s.countOnly && !last && len(args) <= 3 {
		return count3(a, b, c, ma, mb, mc, or)
	}
	n := combine3(out, a, b, c, ma, mb, mc, or)
	for k := 3; k < len(args); k += 2 {
		b, mb = src(k)
		c, mc = src(k + 1)
		n = combine3(out, out, b, c, 0, mb, mc, or)
	}
	if last {
		out[len(out)-1] &= pr.lastMask
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
// counting in one loop, while the words are in registers, eight words at
// a time where the processor can (hasWide). dst may be a.
func combine3(dst, a, b, c []uint64, ma, mb, mc uint64, or bool) uint64 {
	a, b, c = a[:len(dst)], b[:len(dst)], c[:len(dst)]
	var n uint64
	if k := len(dst) &^ 7; hasWide() && k > 0 {
		n = combine3Wide(dst[:k], a[:k], b[:k], c[:k], ma, mb, mc, or)
		dst, a, b, c = dst[k:], a[k:], b[k:], c[k:]
	}
	return n + combine3Words(dst, a, b, c, ma, mb, mc, or)
}

// combine3Words is combine3 a word at a time.
func combine3Words(dst, a, b, c []uint64, ma, mb, mc uint64, or bool) uint64 {
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

// count3 returns the bits set in (a xor ma) and (b xor mb) and (c xor
// mc), or their or: combine3 without writing the words.
func count3(a, b, c []uint64, ma, mb, mc uint64, or bool) uint64 {
	b, c = b[:len(a)], c[:len(a)]
	var n uint64
	if k := len(a) &^ 7; hasWide() && k > 0 {
		n = count3Wide(a[:k], b[:k], c[:k], ma, mb, mc, or)
		a, b, c = a[k:], b[k:], c[k:]
	}
	return n + count3Words(a, b, c, ma, mb, mc, or)
}

// count3Words is count3 a word at a time.
func count3Words(a, b, c []uint64, ma, mb, mc uint64, or bool) uint64 {
	b, c = b[:len(a)], c[:len(a)]
	n := 0
	if or {
		for j := range a {
			n += bits.OnesCount64((a[j] ^ ma) | (b[j] ^ mb) | (c[j] ^ mc))
		}
	} else {
		for j := range a {
			n += bits.OnesCount64((a[j] ^ ma) & (b[j] ^ mb) & (c[j] ^ mc))
		}
	}
	return uint64(n)
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

// popcount returns the bits set in ws: count3 of ws with itself, so
// that it runs the wide kernel where there is one.
func popcount(ws []uint64) uint64 { return count3(ws, ws, ws, 0, 0, 0, false) }
