package eval

import (
	"context"

	"github.com/nctarget/nctarget/internal/passfloor"
)

func init() {
	passfloor.ReadOnce = func(plan any) (func() uint64, int) { return plan.(*Plan).readOnce() }
}

// readOnce returns a function that reads once each distinct bitset p's
// pass reads, as the pass does (a block at a time, the blocks shared among
// the processors as run shares them, each block counted with the pass's
// popcount), and returns the bits set in them all; and it returns how many
// bitsets that is. It is the floor benchmarks measure the pass against:
// the memory traffic any evaluation of p needs, without the operators.
func (p *Plan) readOnce() (readAll func() uint64, bitsets int) {
	pr := newProgram(p.d.Len(), p.batch.opts)
	pr.addPlan(p)
	pr.finish()
	read := map[int32]bool{} // the leaves the pass reads: operands and counted leaves
	for i, s := range pr.steps {
		for _, a := range s.args {
			read[a.step] = true
		}
		if s.tracked >= 0 {
			read[int32(i)] = true
		}
	}
	var leaves []*bitset
	for i, s := range pr.steps {
		if s.leaf != nil && read[int32(i)] {
			leaves = append(leaves, s.leaf)
		}
	}
	return func() uint64 {
		workers, _ := pr.shareBlocks(context.Background(), func(w *worker, b int) {
			w0, w1 := pr.blockRange(b)
			for i, bs := range leaves {
				w.counts[i] += popcount(bs.words[w0:w1])
			}
		})
		var n uint64
		for _, w := range workers {
			for _, c := range w.counts {
				n += c
			}
		}
		return n
	}, len(leaves)
}
