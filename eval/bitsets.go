package eval

import (
	"slices"
	"strconv"
	"sync"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/nctarget/nctarget"
)

// bitset is a set of friends in the form the fused pass reads: one bit per
// friend in user order, Dataset.Len() bits, the bits of the last word
// beyond them clear; and how many friends it holds.
type bitset struct {
	words []uint64
	count uint64
}

// bitsets makes the bitsets of atoms, each distinct set once: the plans of
// a batch that name the same atom, or atoms with the same friends, share
// one bitset, which the pass then reads from memory once per block for all
// of them. It is safe for concurrent use.
type bitsets struct {
	d     *Dataset
	words int // words per bitset: ceil(friends / 64)
	mu    sync.Mutex
	byKey map[bitsetKey]*bitset
}

// bitsetKey names a set of friends: one bitmap of the dataset (a value, an
// attribute's known friends, an audience, every friend), or the union of
// values of attribute attr, listed in values as sorted decimal positions.
type bitsetKey struct {
	bm     *roaring.Bitmap
	attr   nctarget.Attr
	values string
}

func newBitsets(d *Dataset) *bitsets {
	return &bitsets{d: d, words: (d.Len() + 63) / 64, byKey: map[bitsetKey]*bitset{}}
}

// cached returns the bitset of key, making it with build on first use.
// Two goroutines may make the same bitset at once; the first stored wins,
// so every caller gets the same one.
func (c *bitsets) cached(key bitsetKey, build func() []uint64) *bitset {
	c.mu.Lock()
	bs, ok := c.byKey[key]
	c.mu.Unlock()
	if ok {
		return bs
	}
	words := build()
	bs = &bitset{words: words, count: popcount(words)}
	c.mu.Lock()
	defer c.mu.Unlock()
	if old, ok := c.byKey[key]; ok {
		return old
	}
	c.byKey[key] = bs
	return bs
}

// of returns the bitset of bm, one of the dataset's bitmaps.
func (c *bitsets) of(bm *roaring.Bitmap) *bitset {
	return c.cached(bitsetKey{bm: bm}, func() []uint64 {
		words := make([]uint64, c.words)
		bm.WriteDenseTo(words) // every member is a friend, so it fits
		return words
	})
}

// union returns the bitset of the values vs of attribute a: the friends
// whose value is one of them.
func (c *bitsets) union(a nctarget.Attr, vs []int) *bitset {
	vs = slices.Compact(slices.Sorted(slices.Values(vs)))
	values := c.d.attrs[a].values
	if len(vs) == 1 {
		return c.of(values[vs[0]])
	}
	var key []byte
	for _, v := range vs {
		key = strconv.AppendInt(append(key, ','), int64(v), 10)
	}
	return c.cached(bitsetKey{attr: a, values: string(key)}, func() []uint64 {
		words := slices.Clone(c.of(values[vs[0]]).words)
		for k := 1; k < len(vs); k += 2 { // two values a pass, the last again past the end (x or x is x)
			combine3(words, words, c.of(values[vs[k]]).words, c.of(values[vs[min(k+1, len(vs)-1)]]).words, 0, 0, 0, true)
		}
		return words
	})
}

// known returns the bitset of the friends whose value of a is known.
func (c *bitsets) known(a nctarget.Attr) *bitset { return c.of(c.d.attrs[a].known) }

// everyFriend returns the bitset of every friend.
func (c *bitsets) everyFriend() *bitset { return c.of(c.d.all) }

// atom returns the bitset of a demographic atom, or a ruleError.
func (c *bitsets) atom(e nctarget.Expr) (*bitset, error) {
	switch x := e.(type) {
	case *nctarget.Set:
		codes := make([]string, len(x.Values))
		for i, v := range x.Values {
			codes[i] = v.Code
		}
		vs, err := c.d.attrs[x.Attr].setValues(codes)
		if err != nil {
			return nil, err
		}
		return c.union(x.Attr, vs), nil
	case *nctarget.Range:
		first, last, all, err := c.d.attrs[x.Attr].rangeValues(x.Gte, x.Lt)
		switch {
		case err != nil:
			return nil, err
		case all:
			return c.known(x.Attr), nil
		}
		var vs []int
		for v := first; v <= last; v++ {
			vs = append(vs, v)
		}
		return c.union(x.Attr, vs), nil
	}
	panic("bitsets.atom: not a demographic atom")
}

// empty returns the bitset of no friend, for atoms planned as the empty
// set after an error.
func (c *bitsets) empty() *bitset {
	return c.cached(bitsetKey{values: "empty"}, func() []uint64 { return make([]uint64, c.words) })
}
