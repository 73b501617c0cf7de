package eval

import (
	"fmt"
	"sort"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/nctarget/nctarget"
)

// numAttrs sizes arrays indexed by nctarget.Attr (index 0 is unused).
const numAttrs = int(nctarget.AttrSubscriptionPeriod) + 1

// index holds the friends by value of one attribute, so that an atom is
// one bitmap, or the union of a few, whatever the number of friends.
//
// A set attribute (gender, appType, area) has one bitmap per API code. A
// range attribute (age, subscriptionPeriod) has one bitmap per bucket
// between the bounds the API accepts (bucket k: from bound k-1 to bound
// k); the range [gte, lt) is the union of the buckets between its bounds.
type index struct {
	attr   nctarget.Attr
	known  *roaring.Bitmap   // friends whose value is known
	codes  []string          // set attribute: the API codes, in canonical order
	values []*roaring.Bitmap // set attribute: per code; range attribute: per bucket
}

// bucketOf returns the bucket of value x for a range attribute: the number
// of accepted bounds ≤ x.
func bucketOf(bounds []int, x int) int {
	return sort.SearchInts(bounds, x+1)
}

// numValues returns how many value bitmaps attribute a has.
func numValues(a nctarget.Attr) int {
	if a.IsRange() {
		return len(a.Bounds()) + 1
	}
	return len(a.Codes())
}

// attrCodes holds each set attribute's codes (Attr.Codes builds a new
// slice on every call, too slow for a loop over millions of rows).
var attrCodes = func() (c [numAttrs][]string) {
	for _, a := range nctarget.Attrs {
		c[a] = a.Codes()
	}
	return c
}()

// codeIndex maps each set attribute's codes to their position in Codes().
var codeIndex = func() (m [numAttrs]map[string]int32) {
	for _, a := range nctarget.Attrs {
		if a.IsRange() {
			continue
		}
		m[a] = make(map[string]int32)
		for i, c := range a.Codes() {
			m[a][c] = int32(i)
		}
	}
	return m
}()

// newIndex builds the index of attribute a from per-value bitmaps.
func newIndex(a nctarget.Attr, known *roaring.Bitmap, values []*roaring.Bitmap) *index {
	ix := &index{attr: a, known: known, values: values}
	if !a.IsRange() {
		ix.codes = a.Codes()
	}
	return ix
}

// set returns the friends whose value is one of codes.
func (ix *index) set(codes []string) (*roaring.Bitmap, error) {
	bms := make([]*roaring.Bitmap, 0, len(codes))
	for _, c := range codes {
		i, ok := codeIndex[ix.attr][c]
		if !ok {
			return nil, &ruleError{fmt.Sprintf("%s %q is not a value the API accepts", ix.attr, c), "compile the rule first: nctarget check names the accepted values"}
		}
		bms = append(bms, ix.values[i])
	}
	if len(bms) == 1 {
		return bms[0], nil
	}
	return roaring.FastOr(bms...), nil
}

// rng returns the friends whose value is known and in [gte, lt); a zero
// bound is open. Bounds must be ones the API accepts. The caller must not
// modify the bitmap: it may be one of the index's.
func (ix *index) rng(gte, lt int) (*roaring.Bitmap, error) {
	bounds := ix.attr.Bounds()
	boundOf := func(b int) (int, error) {
		j := sort.SearchInts(bounds, b)
		if j == len(bounds) || bounds[j] != b {
			return 0, &ruleError{fmt.Sprintf("%s bound %d is not one the API accepts", ix.attr, b), fmt.Sprintf("use one of %v", bounds)}
		}
		return j, nil
	}
	first, last := 0, len(bounds) // the buckets of the range
	if gte != 0 {
		j, err := boundOf(gte)
		if err != nil {
			return nil, err
		}
		first = j + 1
	}
	if lt != 0 {
		j, err := boundOf(lt)
		if err != nil {
			return nil, err
		}
		last = j
	}
	switch {
	case first == 0 && last == len(bounds):
		return ix.known, nil
	case first == last:
		return ix.values[first], nil
	case first > last:
		return roaring.New(), nil
	}
	return roaring.FastOr(ix.values[first : last+1]...), nil
}

// dense is a plain bitset used while loading: setting a bit is a single
// OR, where adding to a roaring bitmap would search its containers. It is
// turned into a roaring bitmap once the number of users is known.
type dense []uint64

// set sets bit i, growing the bitset as needed.
func (s *dense) set(i uint32) {
	w := int(i >> 6)
	if w >= len(*s) {
		if w < cap(*s) {
			*s = (*s)[:w+1] // capacity beyond len is still zero: sets only grow
		} else {
			*s = append(*s, make([]uint64, w+1-len(*s))...)
		}
	}
	(*s)[w] |= 1 << (i & 63)
}

// bitmap converts the bitset to a roaring bitmap, compressing runs.
func (s dense) bitmap() *roaring.Bitmap {
	bm := roaring.FromDense(s, true)
	bm.RunOptimize()
	return bm
}
