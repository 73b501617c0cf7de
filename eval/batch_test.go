package eval

import (
	"context"
	"errors"
	"math/rand/v2"
	"strconv"
	"testing"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/google/go-cmp/cmp"
	"github.com/nctarget/nctarget"
	"github.com/nctarget/nctarget/internal/randrule"
)

// This file checks the fused pass, with one rule or a batch of them,
// against evaluating each rule node by node with roaring bitmaps, the way
// the evaluator worked before the pass: every figure of the report, the
// warnings and the sample must be the same.

// figures is what a report shows of a result, in comparable form.
type figures struct {
	Count     uint64
	Waterfall Waterfall
	Nodes     []string // each clause and its count
	Warnings  []string
	Sample    []uint32
}

// figuresOf returns the figures of r.
func figuresOf(r *Result) figures {
	f := figures{Count: r.Count, Waterfall: r.Waterfall, Sample: r.Sample(7)}
	for _, n := range r.Nodes {
		f.Nodes = append(f.Nodes, n.Clause+" "+n.Expr.String()+" "+itoa(n.Count))
	}
	for _, w := range r.Warnings {
		f.Warnings = append(f.Warnings, string(w.Kind)+" "+w.Pos.String()+" "+w.Msg)
	}
	return f
}

func itoa(n uint64) string { return strconv.FormatUint(n, 10) }

// nodeByNode evaluates plan p node by node with roaring bitmaps: each
// operator from its operands' bitmaps, the waterfall and the sample from
// the recipients' bitmap.
func nodeByNode(p *Plan) figures {
	d := p.d
	var nodes []string
	var eval func(e nctarget.Expr, clause string) *roaring.Bitmap
	eval = func(e nctarget.Expr, clause string) *roaring.Bitmap {
		at := len(nodes)
		nodes = append(nodes, "")
		var bm *roaring.Bitmap
		switch x := e.(type) {
		case *nctarget.Operator:
			var kids []*roaring.Bitmap
			for _, a := range x.Args {
				kids = append(kids, eval(a, clause))
			}
			if x.Op == nctarget.OpOr {
				bm = roaring.FastOr(kids...)
			} else {
				bm = roaring.FastAnd(kids...)
			}
		case *nctarget.Not:
			bm = roaring.AndNot(d.all, eval(x.X, clause))
		default:
			bm = atomBitmap(d, x)
		}
		nodes[at] = clause + " " + e.String() + " " + itoa(bm.GetCardinality())
		return bm
	}
	recipients := d.all.Clone()
	if p.rule.Recipient != nil {
		recipients = eval(p.rule.Recipient, "recipient")
	}
	final := recipients.Clone()
	if p.rule.Filter != nil {
		final.And(eval(p.rule.Filter, "where"))
	}
	r := &Result{Min: p.Min, plan: p}
	if l := p.rule.Limit; l != nil && l.Max > 0 {
		r.Limit = uint64(l.Max)
	}
	r.Count = final.GetCardinality()
	if r.Limit > 0 {
		r.Count = min(r.Count, r.Limit)
	}
	selected := final.Clone()
	if r.Count < final.GetCardinality() {
		last, _ := final.Select(uint32(r.Count - 1))
		selected.RemoveRange(uint64(last)+1, 1<<32)
	}
	allKnown := selected.Clone()
	var knownInRecipient []uint64
	for _, a := range p.attrs {
		allKnown.And(d.attrs[a].known)
		knownInRecipient = append(knownInRecipient, roaring.And(recipients, d.attrs[a].known).GetCardinality())
	}
	r.Waterfall = Waterfall{Friends: uint64(d.Len()), AfterRecipient: recipients.GetCardinality(),
		AfterFilter: final.GetCardinality(), AfterLimit: r.Count, AllKnown: allKnown.GetCardinality()}
	r.Warnings = p.warnings(r, knownInRecipient)
	f := figures{Count: r.Count, Waterfall: r.Waterfall, Nodes: nodes}
	for _, w := range r.Warnings {
		f.Warnings = append(f.Warnings, string(w.Kind)+" "+w.Pos.String()+" "+w.Msg)
	}
	n := selected.GetCardinality()
	for i := range uint64(min(7, n)) {
		k := i
		if n > 7 {
			k = i * n / 7
		}
		v, _ := selected.Select(uint32(k))
		f.Sample = append(f.Sample, v)
	}
	return f
}

// atomBitmap returns the friends of an atom on d as a roaring bitmap,
// from the dataset's own bitmaps, for nodeByNode.
func atomBitmap(d *Dataset, e nctarget.Expr) *roaring.Bitmap {
	var set *memberSet
	var err error
	var vs []int
	switch x := e.(type) {
	case *nctarget.Audience:
		set, err = d.audience(x)
	case *nctarget.Redelivery:
		set, err = d.redelivery(x)
	case *nctarget.Set:
		var codes []string
		for _, v := range x.Values {
			codes = append(codes, v.Code)
		}
		vs, err = d.attrs[x.Attr].setValues(codes)
	case *nctarget.Range:
		first, last, all, rerr := d.attrs[x.Attr].rangeValues(x.Gte, x.Lt)
		if all {
			return d.attrs[x.Attr].known
		}
		for v := first; v <= last; v++ {
			vs = append(vs, v)
		}
		err = rerr
	}
	if err != nil {
		panic(err)
	}
	if set != nil {
		return set.bits
	}
	a, _ := nctarget.AttrOf(e)
	bms := []*roaring.Bitmap{roaring.New()}
	for _, v := range vs {
		bms = append(bms, d.attrs[a].values[v])
	}
	return roaring.FastOr(bms...)
}

// TestBatchNodeByNode evaluates random rules on random datasets alone and
// in batches, with the usual blocks and with tiny ones, and requires every
// figure of every report to be what evaluating the rule node by node
// gives. The rules of a batch share atoms and sub-expressions, as
// generated rules over few audiences do, so the pass shares steps.
func TestBatchNodeByNode(t *testing.T) {
	t.Parallel()
	for name, opts := range map[string]passOptions{"blocks=default": defaultPassOptions, "blocks=tiny": tinyBlocks} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			r := rand.New(rand.NewPCG(5, 2026))
			checked := 0
			for ds := 0; ds < 12; ds++ {
				pop := randrule.NewPopulation(r, false)
				d, err := NewDataset(randomUsers(pop), pop.Audiences, pop.Redeliveries)
				if err != nil {
					t.Fatal(err)
				}
				b := d.NewBatch()
				b.opts = opts
				var plans []*Plan
				var srcs []string
				for k := 0; k < 40; k++ {
					src := randrule.Rule(r)
					rule, err := nctarget.Parse("rand.nct", []byte(src)) // as written: Compile rejects parts that match nobody
					if err != nil {
						t.Fatalf("%s: %v", src, err)
					}
					p, err := b.Plan(rule)
					if err != nil {
						t.Fatalf("%s: plan: %v", src, err)
					}
					p.Min = uint64(r.IntN(100))
					plans, srcs = append(plans, p), append(srcs, src)
				}
				results, err := b.Eval(context.Background(), plans)
				if err != nil {
					t.Fatal(err)
				}
				for i, p := range plans {
					want := nodeByNode(p)
					if diff := cmp.Diff(want, figuresOf(results[i])); diff != "" {
						t.Fatalf("%s: batch (-node by node +fused):\n%s", srcs[i], diff)
					}
					if diff := cmp.Diff(want, figuresOf(p.Eval())); diff != "" {
						t.Fatalf("%s: alone (-node by node +fused):\n%s", srcs[i], diff)
					}
					if diff := cmp.Diff(results[i].Selected().ToArray(), p.Eval().Selected().ToArray(), cmpEmpty); diff != "" {
						t.Fatalf("%s: selected, batch against alone:\n%s", srcs[i], diff)
					}
					checked++
				}
			}
			if checked < 400 {
				t.Fatalf("only %d rules checked", checked)
			}
		})
	}
}

// TestBatchEvalCancel checks that a batch stops when its context is done,
// and refuses a plan of another dataset.
func TestBatchEvalCancel(t *testing.T) {
	t.Parallel()
	d := handDataset(t)
	req, err := nctarget.Compile("t.nct", []byte("audience(100) where age[20,40)"), nctarget.Options{})
	if err != nil {
		t.Fatal(err)
	}
	b := d.NewBatch()
	p, err := b.Plan(req.Rule)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if rs, err := b.Eval(ctx, []*Plan{p, p}); !errors.Is(err, context.Canceled) || rs != nil {
		t.Errorf("cancelled Eval = %v, %v; want no result and context.Canceled", rs, err)
	}
	other := handDataset(t).NewBatch()
	if _, err := other.Eval(context.Background(), []*Plan{p}); !errors.Is(err, errOtherDataset) {
		t.Errorf("Eval of another dataset's plan: %v, want errOtherDataset", err)
	}
	rs, err := b.Eval(context.Background(), []*Plan{p, p})
	if err != nil || len(rs) != 2 || rs[0].Count != rs[1].Count || rs[0].Count != p.Eval().Count {
		t.Errorf("Eval of a plan twice: %v, %v", rs, err)
	}
}
