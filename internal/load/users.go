// Package load reads a dataset's files: users.csv (in chunks, on every
// processor) into the friends' IDs, their ID table and one roaring bitmap
// per attribute value, and audience and redelivery files into the
// friends they list. It knows the data layout and its errors; what the
// data means for a rule is package eval's.
package load

import (
	"fmt"
	"sort"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/nctarget/nctarget"
	"github.com/nctarget/nctarget/internal/userid"
)

// NumAttrs sizes arrays indexed by nctarget.Attr (index 0 is unused).
const NumAttrs = int(nctarget.AttrSubscriptionPeriod) + 1

// Users is a loaded users.csv: the friends numbered densely in file
// order, with the sets of friends of every attribute value. Its arrays
// may be mapped outside the Go heap: Release frees them, once, when
// nothing reads them any more.
type Users struct {
	Table      userid.Table        // the friends' IDs, by number, and their numbers by ID
	Attrs      [NumAttrs]ValueSets // per attribute, indexed by nctarget.Attr
	Others     uint64              // friends whose appType is "others" (read as unknown)
	OthersLine int                 // the line of the first of them
	Path       string              // the file read

	release []func()
}

// NewUsers returns users made of parts restored by the index cache, whose
// memory release frees.
func NewUsers(table userid.Table, attrs [NumAttrs]ValueSets, others uint64, othersLine int, path string, release func()) *Users {
	return &Users{Table: table, Attrs: attrs, Others: others, OthersLine: othersLine, Path: path, release: []func(){release}}
}

// ValueSets are the friends by value of one attribute, Attr.NumCells of
// them. A set attribute (gender, appType, area) has one bitmap per API
// code, in the order of Attr.Codes (numbered by Attr.CodeIndex); a range
// attribute (age, subscriptionPeriod) has one per bucket between the
// bounds the API accepts (bucket k: from bound k-1 to bound k; see
// BucketOf).
type ValueSets struct {
	Known  *roaring.Bitmap   // friends whose value is known
	Values []*roaring.Bitmap // per code or bucket
}

// Len returns the number of friends.
func (u *Users) Len() int { return u.Table.Len() }

// Release frees the memory of the users' arrays. Nothing may read them
// afterwards; a second call does nothing.
func (u *Users) Release() {
	for _, f := range u.release {
		f()
	}
	u.release = nil
	u.Table = userid.Table{}
}

// Warnings returns the problems with the data that do not stop a
// preview: appType "others", which LINE reads as unknown.
func (u *Users) Warnings() []*nctarget.Diagnostic {
	if u.Others == 0 {
		return nil
	}
	return []*nctarget.Diagnostic{{
		Pos:      nctarget.Pos{Filename: u.Path, Offset: -1, Line: u.OthersLine, Column: 1},
		Severity: nctarget.SeverityWarning,
		Msg:      fmt.Sprintf("%d users have appType others, treated as unknown (first on line %d)", u.Others, u.OthersLine),
		Hint:     "appType atoms never match them; the API knows only ios and android",
	}}
}

// BucketOf returns the bucket of value x for a range attribute whose
// accepted bounds are bounds: the number of bounds ≤ x.
func BucketOf(bounds []int, x int) int {
	return sort.SearchInts(bounds, x+1)
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

// or sets in s the bits set in t, which is no longer than s.
func (s dense) or(t dense) {
	for i, w := range t {
		s[i] |= w
	}
}

// bitmap converts the bitset to a roaring bitmap, compressing runs.
func (s dense) bitmap() *roaring.Bitmap {
	bm := roaring.FromDense(s, true)
	bm.RunOptimize()
	return bm
}
