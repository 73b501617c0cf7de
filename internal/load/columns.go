package load

import (
	"github.com/RoaringBitmap/roaring/v2"
	"github.com/nctarget/nctarget"
	"github.com/nctarget/nctarget/internal/mem"
	"github.com/nctarget/nctarget/internal/roaringfmt"
)

// This file turns a column, one byte per user holding the number of its
// value of one attribute, into that attribute's roaring bitmaps. It works
// a block of users (one roaring container) at a time, in cache: it sorts
// the block's users by value, and appends each value's container (an
// array of its users, or a bitset when there are many) to that value's
// bitmap in the roaring serialized format (see roaringfmt), which roaring
// then reads without copying. The memory written is that of the final
// bitmaps, in order, where one plain bitset per value would touch a bit
// per user for every value (90 areas) and then be compressed.

// noValue is a column's byte for a user whose attribute is unknown.
const noValue = 0xff

// blockUsers is how many users a block of the columns holds: one roaring
// container's worth.
const blockUsers = roaringfmt.ContainerBits

// attrBuilder builds the bitmaps of one attribute from its values, a
// block of blockUsers users at a time, so that only a block of each
// column need be kept. It sorts a block's users by value (a counting
// sort, in cache), so that a value's users are at once the array
// container of a sparse value, without scanning a bitset per value.
type attrBuilder struct {
	a      nctarget.Attr
	nv     int                 // values
	row    [256]int            // column byte → its value, or nv for unknown (and anything else)
	out    []roaringfmt.Writer // the values', then the known users'
	sorted []uint16            // the block's users by value
	start  []int               // where each value's users start in sorted
	words  []uint64            // a container's bitset
	n      int                 // users in the block being added
	blocks int                 // blocks added
	expect int                 // blocks expected, for sizing buffers
}

// newAttrBuilder returns a builder for attribute a expecting about users
// users.
func newAttrBuilder(a nctarget.Attr, users int) *attrBuilder {
	nv := NumValues(a)
	ab := &attrBuilder{a: a, nv: nv, out: make([]roaringfmt.Writer, nv+1),
		sorted: make([]uint16, blockUsers), start: make([]int, nv+2), words: make([]uint64, roaringfmt.ContainerWords),
		expect: max(1, (users+blockUsers-1)/blockUsers)}
	for b := range ab.row {
		ab.row[b] = nv
	}
	for v := range nv {
		ab.row[v] = v
	}
	return ab
}

// add adds the next block of users: col holds their values, blockUsers
// of them unless this is the last block.
func (ab *attrBuilder) add(col []uint8) {
	k, nv := ab.blocks, ab.nv
	ab.blocks, ab.n = ab.blocks+1, len(col)
	start := ab.start
	clear(start)
	for _, c := range col {
		start[ab.row[c]+1]++
	}
	if k == 0 {
		ab.initWriters(start[1:], len(col))
	}
	for v := range nv {
		start[v+1] += start[v]
	}
	next := start[:nv+1]
	for i, c := range col {
		r := ab.row[c]
		ab.sorted[next[r]] = uint16(i)
		next[r]++
	}
	// next[v] is now the end of value v, the start of v+1.
	for v := range nv {
		lo := 0
		if v > 0 {
			lo = next[v-1]
		}
		ab.addValue(&ab.out[v], uint16(k), ab.sorted[lo:next[v]], false)
	}
	ab.addValue(&ab.out[nv], uint16(k), ab.sorted[next[nv-1]:len(col)], true) // the known users: all but the unknown
}

// initWriters sizes the writers' buffers from the first block, whose
// users per value are count (the unknown last), all n of them, as if
// every block were alike, with an eighth to spare. The buffers are cut
// from one allocation in huge pages (see mem.HugePageBytes), since they
// are written one after the other and would otherwise fault a small page
// at a time.
func (ab *attrBuilder) initWriters(count []int, n int) {
	sizes := make([]int, ab.nv+1)
	total := 0
	for v := range sizes {
		card := count[v]
		if v == ab.nv {
			card = n - count[v] // the known users
		}
		sizes[v] = roaringfmt.BufSize(ab.expect, card*ab.expect*9/8)
		total += sizes[v]
	}
	arena := mem.HugePageBytes(total)
	for v, size := range sizes {
		ab.out[v].Init(ab.expect, arena[:size:size])
		arena = arena[size:]
	}
}

// addValue adds the container of key k holding users, or, with invert,
// the other users of a block of n users.
func (ab *attrBuilder) addValue(w *roaringfmt.Writer, k uint16, users []uint16, invert bool) {
	n := len(users)
	if invert {
		n = ab.n - len(users)
	}
	if !invert && n <= roaringfmt.ArrayMax {
		w.AddArray(k, users)
		return
	}
	words := ab.words
	if invert {
		for i := range words {
			words[i] = ^uint64(0)
		}
		if tail := ab.n % blockUsers; tail != 0 { // users past the end are not known
			words[tail>>6] = 1<<(tail&63) - 1
			clear(words[tail>>6+1:])
		}
		for _, i := range users {
			words[i>>6] &^= 1 << (i & 63)
		}
	} else {
		clear(words)
		for _, i := range users {
			words[i>>6] |= 1 << (i & 63)
		}
	}
	w.Add(k, words, n)
}

// sets returns the attribute's value sets.
func (ab *attrBuilder) sets() ValueSets {
	values := make([]*roaring.Bitmap, ab.nv)
	for v := range values {
		values[v] = ab.out[v].Bitmap()
	}
	return ValueSets{Known: ab.out[ab.nv].Bitmap(), Values: values}
}
