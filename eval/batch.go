package eval

import (
	"context"
	"errors"
)

// Batch plans and evaluates many rules over one dataset, sharing the work
// they have in common: a pipeline checking a thousand campaign rules, or
// an editor evaluating a rule again at every keystroke. Each distinct atom
// becomes a bitset once per batch, however many rules name it, and Eval
// evaluates any number of plans in one pass over the data, in which each
// distinct atom, and each distinct operator over the same operands, is
// computed once for all of them, the words shared among the processors.
//
// A batch keeps every bitset it has made, one bit per friend each
// (Dataset.Len()/8 bytes), for as long as it is reachable: make a new
// batch when the rules change entirely. A Batch is safe for concurrent use.
type Batch struct {
	d    *Dataset
	bits *bitsets
	opts passOptions
}

// NewBatch returns an empty batch over d.
func (d *Dataset) NewBatch() *Batch {
	return &Batch{d: d, bits: newBitsets(d), opts: defaultPassOptions}
}

// errOtherDataset is Eval's error for a plan of another dataset.
var errOtherDataset = errors.New("eval: Batch.Eval of a plan made on another dataset")

// Eval evaluates plans, which must have been made on the batch's dataset
// (by any batch), in one pass, and returns their results in the same
// order, each the Result that Plan.Eval returns. It stops early when ctx is
// done, returning ctx's error and no result.
func (b *Batch) Eval(ctx context.Context, plans []*Plan) ([]*Result, error) {
	for _, p := range plans {
		if p.d != b.d {
			return nil, errOtherDataset
		}
	}
	return evalPlans(ctx, b.opts, plans)
}
