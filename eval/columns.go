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
// a block of 65536 users (one roaring container) at a time: it sets one
// bit per user in a small bitset per value, which stays in cache, and
// appends each value's block to that value's bitmap in the roaring
// serialized format, which roaring then reads without copying.

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
// column need be kept.
type attrBuilder struct {
	a       nctarget.Attr
	nv      int            // values
	row     [256]int       // column byte → bitset: its value's, or nv for unknown (and anything else)
	out     []bitmapWriter // the values', then the known users'
	scratch []uint64       // a bitset per value and one for unknown
	count   []int          // bits set in each
	blocks  int            // blocks added
	expect  int            // blocks expected, for sizing buffers
}

// newAttrBuilder returns a builder for attribute a expecting about users
// users.
func newAttrBuilder(a nctarget.Attr, users int) *attrBuilder {
	nv := numValues(a)
	ab := &attrBuilder{a: a, nv: nv, out: make([]bitmapWriter, nv+1),
		scratch: make([]uint64, (nv+1)*containerWords), count: make([]int, nv+1),
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
	ab.blocks++
	scratch, count := ab.scratch, ab.count
	for i, c := range col {
		r := ab.row[c]
		scratch[r*containerWords+i>>6] |= 1 << (i & 63)
		count[r]++
	}
	if k == 0 { // size the buffers from the first block
		known := len(col)
		for v := range ab.out {
			n := known
			if v < nv {
				n = count[v]
				known -= n
			}
			ab.out[v].init(ab.expect, n*ab.expect*9/8)
		}
	}
	for v := range nv {
		ab.out[v].add(uint16(k), scratch[v*containerWords:(v+1)*containerWords], count[v])
	}
	unknown := scratch[nv*containerWords : (nv+1)*containerWords]
	for w := range unknown {
		unknown[w] = ^unknown[w]
	}
	if tail := len(col) % containerBits; tail != 0 { // users past the end are not known
		unknown[tail>>6] &= 1<<(tail&63) - 1
		clear(unknown[tail>>6+1:])
	}
	ab.out[nv].add(uint16(k), unknown, len(col)-count[nv])
	clear(scratch)
	clear(count)
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

// init prepares for about n containers holding about card values in all.
func (w *bitmapWriter) init(n, card int) {
	w.room = 8 + 8*n
	w.buf = make([]byte, w.room, w.room+min(2*card, 8*containerWords*n)) // no container takes more
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
