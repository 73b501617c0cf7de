package eval

import (
	"math/bits"
	"sync"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/nctarget/nctarget"
)

// This file is the evaluator's inner loop. Planning turns every atom's
// roaring bitmap into a plain bitset (one bit per friend); Eval then makes
// a single fused pass over those bitsets, a block of words at a time,
// computing every operator of the rule, every count of the report and
// the recipient set together. Each block of every node stays in the
// processor's cache, and no intermediate bitmap is ever allocated, which
// makes it several times faster than combining roaring bitmaps operator by
// operator (SPEC section 3 semantics are unchanged; the differential test
// checks them against a per-user loop).

// blockWords is how many 64-bit words the pass handles at a time: 4 KB a
// node, so a rule's blocks fit in cache together.
const blockWords = 512

// fused is a plan compiled for the fused pass.
type fused struct {
	words    int      // words per bitset: ceil(friends / 64)
	lastMask uint64   // the bits of the last word that are friends
	nodes    []fnode  // every node of the rule, recipient then filter, in preorder
	recRoot  int      // index of the recipient expression's root, or -1
	filRoot  int      // index of the filter's root, or -1
	all      []uint64 // every friend, when a root is absent
	known    [][]uint64
	knownAll []uint64  // friends with every filter attribute known; nil without a filter
	pool     sync.Pool // of *[]uint64 recipient buffers; see scratch
}

// fnode is one node of a fused plan.
type fnode struct {
	expr   nctarget.Expr
	clause string
	depth  int
	leaf   []uint64 // an atom's friends; nil for an operator
	count  uint64   // an atom's count, computed once when planning
	not    bool
	op     nctarget.Op
	kids   []int // indexes of the operands in nodes
}

// compileFused builds the fused form of a plan.
func (p *Plan) compileFused() *fused {
	n := p.d.Len()
	f := &fused{words: (n + 63) / 64, recRoot: -1, filRoot: -1, lastMask: ^uint64(0)}
	if r := n % 64; r != 0 {
		f.lastMask = 1<<r - 1
	}
	dense := map[*roaring.Bitmap][]uint64{}
	toDense := func(bm *roaring.Bitmap) []uint64 {
		if d, ok := dense[bm]; ok {
			return d
		}
		d := bm.ToDense() // up to the highest member
		if len(d) < f.words {
			d = append(d, make([]uint64, f.words-len(d))...)
		}
		d = d[:f.words]
		dense[bm] = d
		return d
	}
	if p.recipient != nil {
		f.recRoot = f.add(p.recipient, "recipient", 0, toDense)
	}
	if p.filter != nil {
		f.filRoot = f.add(p.filter, "where", 0, toDense)
	}
	if f.recRoot < 0 || f.filRoot < 0 {
		f.all = toDense(p.d.all)
	}
	for _, a := range p.attrs {
		k := toDense(p.d.attrs[a].known)
		f.known = append(f.known, k)
		if f.knownAll == nil {
			f.knownAll = append([]uint64(nil), k...)
			continue
		}
		for i := range f.knownAll {
			f.knownAll[i] &= k[i]
		}
	}
	return f
}

// add appends node n and its operands in preorder and returns its index.
func (f *fused) add(n *node, clause string, depth int, toDense func(*roaring.Bitmap) []uint64) int {
	at := len(f.nodes)
	fn := fnode{expr: n.expr, clause: clause, depth: depth}
	if n.leaf != nil {
		fn.leaf, fn.count = toDense(n.leaf), n.leaf.GetCardinality()
		f.nodes = append(f.nodes, fn)
		return at
	}
	switch x := n.expr.(type) {
	case *nctarget.Not:
		fn.not = true
	case *nctarget.Operator:
		fn.op = x.Op
	}
	f.nodes = append(f.nodes, fn)
	for _, k := range n.kids {
		i := f.add(k, clause, depth+1, toDense)
		f.nodes[at].kids = append(f.nodes[at].kids, i)
	}
	return at
}

// pass is the outcome of one fused pass.
type pass struct {
	res            []uint64 // the recipients: recipient set ∩ filter set
	counts         []uint64 // per node, in preorder
	afterRecipient uint64
	afterFilter    uint64
	knownInRec     []uint64 // per filter attribute: recipients (before the filter) with it known
	allKnown       uint64   // recipients with every filter attribute known
}

// run makes the fused pass. It only reads f, so plans may be evaluated
// concurrently.
func (f *fused) run() *pass {
	ps := &pass{res: f.scratch(), counts: make([]uint64, len(f.nodes)), knownInRec: make([]uint64, len(f.known))}
	cur := make([][]uint64, len(f.nodes))
	bufs := make([][]uint64, len(f.nodes))
	for i, n := range f.nodes {
		if n.leaf == nil {
			bufs[i] = make([]uint64, blockWords)
		} else {
			ps.counts[i] = n.count
		}
	}
	for w0 := 0; w0 < f.words; w0 += blockWords {
		w1 := min(w0+blockWords, f.words)
		f.block(ps, cur, bufs, w0, w1)
	}
	return ps
}

// scratch returns a buffer for the recipients' words: reused between
// evaluations (every word is overwritten by the pass), so that an Eval
// does not zero a fresh megabyte per million friends.
func (f *fused) scratch() []uint64 {
	if b, ok := f.pool.Get().(*[]uint64); ok {
		return *b
	}
	return make([]uint64, f.words)
}

// release returns a buffer from scratch once its contents are copied.
func (f *fused) release(b []uint64) { f.pool.Put(&b) }

// block evaluates words [w0, w1) of every node, operands before operators.
func (f *fused) block(ps *pass, cur, bufs [][]uint64, w0, w1 int) {
	m := w1 - w0
	for i := len(f.nodes) - 1; i >= 0; i-- { // reverse preorder: operands first
		n := &f.nodes[i]
		if n.leaf != nil {
			cur[i] = n.leaf[w0:w1]
			continue
		}
		b := bufs[i][:m]
		switch {
		case n.not:
			notWords(b, cur[n.kids[0]])
			if w1 == f.words {
				b[m-1] &= f.lastMask
			}
		case n.op == nctarget.OpOr:
			copy(b, cur[n.kids[0]])
			for _, k := range n.kids[1:] {
				orWords(b, cur[k])
			}
		default:
			copy(b, cur[n.kids[0]])
			for _, k := range n.kids[1:] {
				andWords(b, cur[k])
			}
		}
		cur[i] = b
		ps.counts[i] += popcount(b)
	}
	rec, fil := f.rootWords(cur, f.recRoot, w0, w1), f.rootWords(cur, f.filRoot, w0, w1)
	out := ps.res[w0:w1]
	copy(out, rec)
	andWords(out, fil)
	ps.afterRecipient += popcount(rec)
	ps.afterFilter += popcount(out)
	for a, k := range f.known {
		ps.knownInRec[a] += popcountAnd(rec, k[w0:w1])
	}
	if f.knownAll != nil {
		ps.allKnown += popcountAnd(out, f.knownAll[w0:w1])
	}
}

// rootWords returns the current block of a clause's root, or of every
// friend when the clause is absent.
func (f *fused) rootWords(cur [][]uint64, root, w0, w1 int) []uint64 {
	if root < 0 {
		return f.all[w0:w1]
	}
	return cur[root]
}

func notWords(dst, src []uint64) {
	src = src[:len(dst)]
	for j := range dst {
		dst[j] = ^src[j]
	}
}

func andWords(dst, src []uint64) {
	src = src[:len(dst)]
	for j := range dst {
		dst[j] &= src[j]
	}
}

func orWords(dst, src []uint64) {
	src = src[:len(dst)]
	for j := range dst {
		dst[j] |= src[j]
	}
}

func popcount(ws []uint64) uint64 {
	n := 0
	for _, w := range ws {
		n += bits.OnesCount64(w)
	}
	return uint64(n)
}

func popcountAnd(a, b []uint64) uint64 {
	b = b[:len(a)]
	n := 0
	for j, w := range a {
		n += bits.OnesCount64(w & b[j])
	}
	return uint64(n)
}
