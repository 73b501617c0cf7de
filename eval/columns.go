package eval

import (
	"encoding/binary"
	"math/bits"

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

// columnIndex builds the index of attribute a from its column.
func columnIndex(a nctarget.Attr, col []uint8) *index {
	nv := numValues(a)
	blocks := (len(col) + containerBits - 1) / containerBits
	var hist [256]int
	for _, c := range col {
		hist[c]++
	}
	out := make([]bitmapWriter, nv+1) // the values, then the known users
	known := len(col)
	for v := range out {
		n := known
		if v < nv {
			n = hist[v]
			known -= n
		}
		out[v].init(blocks, n)
	}
	// row maps a column byte to its bitset: the value's, or the last for
	// unknown (and, in a damaged column, anything else).
	var row [256]int
	for b := range row {
		row[b] = nv
	}
	for v := range nv {
		row[v] = v
	}
	scratch := make([]uint64, (nv+1)*containerWords)
	count := make([]int, nv+1)
	for k := range blocks {
		block := col[k*containerBits : min(len(col), (k+1)*containerBits)]
		for i, c := range block {
			r := row[c]
			scratch[r*containerWords+i>>6] |= 1 << (i & 63)
			count[r]++
		}
		for v := range nv {
			out[v].add(uint16(k), scratch[v*containerWords:(v+1)*containerWords], count[v])
		}
		unknown := scratch[nv*containerWords : (nv+1)*containerWords]
		for w := range unknown {
			unknown[w] = ^unknown[w]
		}
		if tail := len(block) % containerBits; tail != 0 { // users past the end are not known
			unknown[tail>>6] &= 1<<(tail&63) - 1
			clear(unknown[tail>>6+1:])
		}
		out[nv].add(uint16(k), unknown, len(block)-count[nv])
		clear(scratch)
		clear(count)
	}
	values := make([]*roaring.Bitmap, nv)
	for v := range values {
		values[v] = out[v].bitmap()
	}
	return newIndex(a, out[nv].bitmap(), values)
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

// init prepares for at most n containers holding card values in all.
func (w *bitmapWriter) init(n, card int) {
	w.room = 8 + 8*n
	w.buf = make([]byte, w.room, w.room+min(2*card, 8*containerWords*n)) // room enough: no container takes more
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
		for _, x := range words {
			w.buf = binary.LittleEndian.AppendUint64(w.buf, x)
		}
	} else {
		for i, x := range words {
			for x != 0 {
				w.buf = binary.LittleEndian.AppendUint16(w.buf, uint16(i<<6+bits.TrailingZeros64(x)))
				x &= x - 1
			}
		}
	}
	w.sizes = append(w.sizes, uint32(len(w.buf)-n))
}

// bitmap returns the bitmap written, which refers to the writer's buffer.
func (w *bitmapWriter) bitmap() *roaring.Bitmap {
	n := len(w.sizes)
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
