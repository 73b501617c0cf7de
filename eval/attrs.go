package eval

import (
	"fmt"
	"sort"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/nctarget/nctarget"
	"github.com/nctarget/nctarget/internal/load"
)

// index holds the friends by value of one attribute, so that an atom is
// one bitmap, or the union of a few, whatever the number of friends (see
// load.ValueSets). A range [gte, lt) is the union of the buckets between
// its bounds.
type index struct {
	attr   nctarget.Attr
	known  *roaring.Bitmap   // friends whose value is known
	values []*roaring.Bitmap // set attribute: per code; range attribute: per bucket
}

// numAttrs sizes arrays indexed by nctarget.Attr (index 0 is unused).
const numAttrs = load.NumAttrs

// newIndex returns the index of attribute a.
func newIndex(a nctarget.Attr, sets load.ValueSets) *index {
	return &index{attr: a, known: sets.Known, values: sets.Values}
}

// setValues returns the positions in values of codes: the value bitmaps
// whose union is the atom "attr in (codes)".
func (ix *index) setValues(codes []string) ([]int, error) {
	vs := make([]int, 0, len(codes))
	for _, c := range codes {
		i, ok := ix.attr.CodeIndex(c)
		if !ok {
			return nil, &ruleError{fmt.Sprintf("%s %q is not a value the API accepts", ix.attr, c), "compile the rule first: nctarget check names the accepted values"}
		}
		vs = append(vs, int(i))
	}
	return vs, nil
}

// rangeValues returns the buckets [first, last] whose union is the range
// [gte, lt) of a range attribute (a zero bound is open), and whether they
// are every bucket, that is the friends whose value is known. first >
// last is the empty range. Bounds must be ones the API accepts.
func (ix *index) rangeValues(gte, lt int) (first, last int, all bool, err error) {
	bounds := ix.attr.Bounds()
	boundOf := func(b int) (int, error) {
		j := sort.SearchInts(bounds, b)
		if j == len(bounds) || bounds[j] != b {
			return 0, &ruleError{fmt.Sprintf("%s bound %d is not one the API accepts", ix.attr, b), fmt.Sprintf("use one of %v", bounds)}
		}
		return j, nil
	}
	first, last = 0, len(bounds)
	if gte != 0 {
		j, err := boundOf(gte)
		if err != nil {
			return 0, 0, false, err
		}
		first = j + 1
	}
	if lt != 0 {
		j, err := boundOf(lt)
		if err != nil {
			return 0, 0, false, err
		}
		last = j
	}
	return first, last, first == 0 && last == len(bounds), nil
}
