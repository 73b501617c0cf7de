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

// setsBuilder builds the bitmaps of one attribute from its values, a
// block of blockUsers users at a time, so that only a block of each
// column need be kept. It sorts a block's users by value (a counting
// sort, in cache), so that a value's users are at once the array
// container of a sparse value, without scanning a bitset per value.
type setsBuilder struct {
	a         nctarget.Attr
	numValues int                 // value sets; the known users' come after them in out
	row       [256]int            // column byte → its value, or numValues for unknown (and anything else)
	out       []roaringfmt.Writer // the values', then the known users'
	sorted    []uint16            // the block's users by value
	start     []int               // where each value's users start in sorted
	words     []uint64            // a container's bitset
	n         int                 // users in the block being added
	blocks    int                 // blocks added
	expect    int                 // blocks expected, for sizing buffers
}

// newSetsBuilder returns a builder for attribute a expecting about users
// users.
func newSetsBuilder(a nctarget.Attr, users int) *setsBuilder {
	numValues := a.NumCells()
	sb := &setsBuilder{a: a, numValues: numValues, out: make([]roaringfmt.Writer, numValues+1),
		sorted: make([]uint16, blockUsers), start: make([]int, numValues+2), words: make([]uint64, roaringfmt.ContainerWords),
		expect: max(1, (users+blockUsers-1)/blockUsers)}
	for b := range sb.row {
		sb.row[b] = numValues
	}
	for v := range numValues {
		sb.row[v] = v
	}
	return sb
}

// add adds the next block of users: col holds their values, blockUsers
// of them unless this is the last block.
func (sb *setsBuilder) add(col []uint8) {
	k, numValues := sb.blocks, sb.numValues
	sb.blocks, sb.n = sb.blocks+1, len(col)
	start := sb.start
	clear(start)
	for _, c := range col {
		start[sb.row[c]+1]++
	}
	if k == 0 {
		sb.initWriters(start[1:], len(col))
	}
	for v := range numValues {
		start[v+1] += start[v]
	}
	next := start[:numValues+1]
	for i, c := range col {
		r := sb.row[c]
		sb.sorted[next[r]] = uint16(i)
		next[r]++
	}
	// next[v] is now the end of value v, the start of v+1.
	for v := range numValues {
		lo := 0
		if v > 0 {
			lo = next[v-1]
		}
		sb.addValue(&sb.out[v], uint16(k), sb.sorted[lo:next[v]], false)
	}
	sb.addValue(&sb.out[numValues], uint16(k), sb.sorted[next[numValues-1]:len(col)], true) // the known users: all but the unknown
}

// initWriters sizes the writers' buffers from the first block, whose
// users per value are count (the unknown last), all n of them, as if
// every block were alike, with an eighth to spare. The buffers are cut
// from one allocation in huge pages (see mem.HugePageBytes), since they
// are written one after the other and would otherwise fault a small page
// at a time.
func (sb *setsBuilder) initWriters(count []int, n int) {
	sizes := make([]int, sb.numValues+1)
	total := 0
	for v := range sizes {
		card := count[v]
		if v == sb.numValues {
			card = n - count[v] // the known users
		}
		sizes[v] = roaringfmt.BufSize(sb.expect, card*sb.expect*9/8)
		total += sizes[v]
	}
	arena := mem.HugePageBytes(total)
	for v, size := range sizes {
		sb.out[v].Init(sb.expect, arena[:size:size])
		arena = arena[size:]
	}
}

// addValue adds the container of key k holding users, or, with invert,
// the other users of a block of n users.
func (sb *setsBuilder) addValue(w *roaringfmt.Writer, k uint16, users []uint16, invert bool) {
	n := len(users)
	if invert {
		n = sb.n - len(users)
	}
	if !invert && n <= roaringfmt.ArrayMax {
		w.AddArray(k, users)
		return
	}
	words := sb.words
	if invert {
		for i := range words {
			words[i] = ^uint64(0)
		}
		if tail := sb.n % blockUsers; tail != 0 { // users past the end are not known
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
func (sb *setsBuilder) sets() ValueSets {
	values := make([]*roaring.Bitmap, sb.numValues)
	for v := range values {
		values[v] = sb.out[v].Bitmap()
	}
	return ValueSets{Known: sb.out[sb.numValues].Bitmap(), Values: values}
}
