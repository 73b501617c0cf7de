package eval

import (
	"encoding/binary"
	"math/bits"
	"slices"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/nctarget/nctarget"
)

// This file turns a column, one byte per user holding the number of its
// value of one attribute, into that attribute's roaring bitmaps. It works
// a block of 65536 users (one roaring container) at a time, in cache:
// it sorts the block's users by value, and appends each value's container
// (an array of its users, or a bitset when there are many) to that
// value's bitmap in the roaring serialized format, which roaring then
// reads without copying. Loading users.csv this way touches about 40 MB
// where one plain bitset per value (90 areas alone: 112 MB at 10M users)
// touched them all.

// noValue is a column's byte for a user whose attribute is unknown.
const noValue = 0xff

// containerBits is the number of users in a roaring container.
const containerBits = 1 << 16

// containerWords is the number of words of a container's bitset.
const containerWords = containerBits / 64

// arrayMax is the most values a roaring array container holds; a
// container with more is a bitset.
const arrayMax = 4096

// attrBuilder builds the bitmaps of one attribute from its values, a
// block of containerBits users at a time, so that only a block of each
// column need be kept. It sorts a block's users by value (a counting
// sort, in cache), so that a value's users are at once the array
// container of a sparse value, without scanning a bitset per value.
type attrBuilder struct {
	a      nctarget.Attr
	nv     int            // values
	row    [256]int       // column byte → its value, or nv for unknown (and anything else)
	out    []bitmapWriter // the values', then the known users'
	sorted []uint16       // the block's users by value
	start  []int          // where each value's users start in sorted
	words  []uint64       // a container's bitset
	n      int            // users in the block being added
	blocks int            // blocks added
	expect int            // blocks expected, for sizing buffers
}

// newAttrBuilder returns a builder for attribute a expecting about users
// users.
func newAttrBuilder(a nctarget.Attr, users int) *attrBuilder {
	nv := numValues(a)
	ab := &attrBuilder{a: a, nv: nv, out: make([]bitmapWriter, nv+1),
		sorted: make([]uint16, containerBits), start: make([]int, nv+2), words: make([]uint64, containerWords),
		expect: max(1, (users+containerBits-1)/containerBits)}
	for b := range ab.row {
		ab.row[b] = nv
	}
	for v := range nv {
		ab.row[v] = v
	}
	return ab
}

// add adds the next block of users: col holds their values, containerBits
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
// from one allocation in huge pages (see heapHuge): written one after the
// other, the ~40 MB of bitmaps of 10M friends would otherwise take ten
// thousand page faults.
func (ab *attrBuilder) initWriters(count []int, n int) {
	sizes := make([]int, ab.nv+1)
	total := 0
	for v := range sizes {
		card := count[v]
		if v == ab.nv {
			card = n - count[v] // the known users
		}
		sizes[v] = bufSize(ab.expect, card*ab.expect*9/8)
		total += sizes[v]
	}
	arena := heapHuge(total)
	for v, size := range sizes {
		ab.out[v].init(ab.expect, arena[:size:size])
		arena = arena[size:]
	}
}

// addValue adds the container of key k holding users, or, with invert,
// the other users of a block of n users.
func (ab *attrBuilder) addValue(w *bitmapWriter, k uint16, users []uint16, invert bool) {
	n := len(users)
	if invert {
		n = ab.n - len(users)
	}
	if !invert && n <= arrayMax {
		w.addArray(k, users)
		return
	}
	words := ab.words
	if invert {
		for i := range words {
			words[i] = ^uint64(0)
		}
		if tail := ab.n % containerBits; tail != 0 { // users past the end are not known
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
	w.add(k, words, n)
}

// index returns the attribute's index.
func (ab *attrBuilder) index() *index {
	values := make([]*roaring.Bitmap, ab.nv)
	for v := range values {
		values[v] = ab.out[v].bitmap()
	}
	return newIndex(ab.a, ab.out[ab.nv].bitmap(), values)
}

// bitmapWriter writes a roaring bitmap in the serialized format
// (github.com/RoaringBitmap/RoaringFormatSpec, without run containers)
// one container at a time. The header goes in front of the containers
// once their number is known, in room kept for as many as there may be.
type bitmapWriter struct {
	room  int      // bytes kept in front of the containers for the header
	keys  []uint16 // key and cardinality - 1 of each container
	sizes []uint32 // bytes of each container
	buf   []byte   // room, then the containers
}

// bufSize returns the bytes a writer of about n containers holding about
// card values in all needs: its header, and the containers (no container
// takes more than a bitset).
func bufSize(n, card int) int { return 8 + 8*n + min(2*card, 8*containerWords*n) }

// init prepares for about n containers, written into buf, which should
// have bufSize bytes for them: the writer grows it as needed.
func (w *bitmapWriter) init(n int, buf []byte) {
	w.room = 8 + 8*n
	w.buf = buf[:w.room]
}

// add appends the container of key k, whose bitset words has card bits
// set.
func (w *bitmapWriter) add(k uint16, words []uint64, card int) {
	if card == 0 {
		return
	}
	w.keys = append(w.keys, k, uint16(card-1))
	n := len(w.buf)
	if card > arrayMax {
		w.buf = slices.Grow(w.buf, 8*len(words))[:n+8*len(words)]
		out := w.buf[n:]
		for i, x := range words {
			binary.LittleEndian.PutUint64(out[8*i:], x)
		}
	} else {
		w.buf = slices.Grow(w.buf, 2*card)[:n+2*card]
		out := w.buf[n:]
		j := 0
		for i, x := range words {
			for ; x != 0 && j+1 < len(out); x &= x - 1 {
				binary.LittleEndian.PutUint16(out[j:], uint16(i<<6+bits.TrailingZeros64(x)))
				j += 2
			}
		}
	}
	w.sizes = append(w.sizes, uint32(len(w.buf)-n))
}

// addArray appends the array container of key k holding users, sorted.
func (w *bitmapWriter) addArray(k uint16, users []uint16) {
	if len(users) == 0 {
		return
	}
	w.keys = append(w.keys, k, uint16(len(users)-1))
	n := len(w.buf)
	w.buf = slices.Grow(w.buf, 2*len(users))[:n+2*len(users)]
	out := w.buf[n:]
	for j, u := range users {
		binary.LittleEndian.PutUint16(out[2*j:], u)
	}
	w.sizes = append(w.sizes, uint32(2*len(users)))
}

// bitmap returns the bitmap written, which refers to the writer's buffer.
func (w *bitmapWriter) bitmap() *roaring.Bitmap {
	n := len(w.sizes)
	if 8+8*n > w.room { // more containers than expected: make room
		w.buf = append(make([]byte, 8+8*n, 8+8*n+len(w.buf)-w.room), w.buf[w.room:]...)
		w.room = 8 + 8*n
	}
	start := w.room - (8 + 8*n)
	h := w.buf[start:w.room]
	binary.LittleEndian.PutUint32(h, 12346) // SERIAL_COOKIE_NO_RUNCONTAINER
	binary.LittleEndian.PutUint32(h[4:], uint32(n))
	off := uint32(w.room - start) // the first container follows the header
	for i := range n {
		binary.LittleEndian.PutUint16(h[8+4*i:], w.keys[2*i])
		binary.LittleEndian.PutUint16(h[10+4*i:], w.keys[2*i+1])
		binary.LittleEndian.PutUint32(h[8+4*n+4*i:], off)
		off += w.sizes[i]
	}
	bm := roaring.New()
	if _, err := bm.FromBuffer(w.buf[start:]); err != nil {
		panic("eval: bitmap written wrongly: " + err.Error()) // a bug here, not bad data
	}
	bm.RunOptimize()
	return bm
}
