package eval

import (
	"math/rand/v2"
	"testing"

	"github.com/nctarget/nctarget"
	"github.com/nctarget/nctarget/internal/passfloor"
	"github.com/nctarget/nctarget/internal/randrule"
)

// TestReadOnce checks the floor's reading on the hand dataset: each
// distinct bitset the pass reads is read once (an atom named twice is one
// bitset, the friends with a filter attribute known are read when a
// figure needs them), and no bitset the pass does not read.
func TestReadOnce(t *testing.T) {
	t.Parallel()
	d := handDataset(t)
	tests := []struct {
		rule          string
		bits, bitsets int
	}{
		{"audience(100) or audience(200)", 3 + 4, 2},
		{"(audience(100) and audience(200)) or (audience(100) and not audience(200))", 3 + 4, 2},
		{"where gender in (male)", 3, 1},                       // no recipient: every friend is not read
		{"audience(100) where gender in (male)", 3 + 3 + 7, 3}, // and the recipients with gender known
	}
	for _, tt := range tests {
		t.Run(tt.rule, func(t *testing.T) {
			p := planRule(t, d, tt.rule)
			read, bitsets := passfloor.ReadOnce(p)
			if got := read(); got != uint64(tt.bits) || bitsets != tt.bitsets {
				t.Errorf("read %d bits of %d bitsets, want %d of %d", got, bitsets, tt.bits, tt.bitsets)
			}
		})
	}
}

// TestReadOnceBlocks checks that the floor reads every block once when
// the blocks are shared among the processors: on random datasets and
// rules, with one word a block, it reads the bits it reads with the
// usual blocks.
func TestReadOnceBlocks(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(7, 2026))
	for ds := 0; ds < 5; ds++ {
		pop := randrule.NewPopulation(r, false)
		d, err := NewDataset(randomUsers(pop), pop.Audiences, pop.Redeliveries)
		if err != nil {
			t.Fatal(err)
		}
		usual, tiny := d.NewBatch(), d.NewBatch()
		tiny.opts = tinyBlocks
		for k := 0; k < 10; k++ {
			src := randrule.Rule(r)
			rule, err := nctarget.Parse("rand.nct", []byte(src))
			if err != nil {
				t.Fatalf("%s: %v", src, err)
			}
			var got [2]uint64
			for i, b := range []*Batch{usual, tiny} {
				p, err := b.Plan(rule)
				if err != nil {
					t.Fatalf("%s: plan: %v", src, err)
				}
				read, _ := p.readOnce()
				got[i] = read()
			}
			if got[0] != got[1] {
				t.Errorf("%s: %d friends: read %d bits with the usual blocks, %d with one word a block", src, d.Len(), got[0], got[1])
			}
		}
	}
}
