// Package roaringfmt writes roaring bitmaps in roaring's serialized
// format a container at a time, straight into one buffer, which
// github.com/RoaringBitmap/roaring/v2 then reads without copying: the
// loader builds an attribute's bitmaps this way, a block of users at a
// time, instead of adding users one by one.
package roaringfmt

import (
	"encoding/binary"
	"math/bits"
	"slices"

	"github.com/RoaringBitmap/roaring/v2"
)

// ContainerBits is the number of values a roaring container spans: a
// container holds the values whose top 16 bits are its key.
const ContainerBits = 1 << 16

// ContainerWords is the number of words of a container's bitset.
const ContainerWords = ContainerBits / 64

// ArrayMax is the most values a roaring array container holds; a
// container with more is a bitset.
const ArrayMax = 4096

// Writer writes a roaring bitmap in the serialized format
// (github.com/RoaringBitmap/RoaringFormatSpec, without run containers)
// one container at a time, in increasing order of keys. The header goes
// in front of the containers once their number is known, in room kept
// for as many as there may be. The zero Writer is ready for use; Init
// gives it a buffer sized in advance.
type Writer struct {
	room  int      // bytes kept in front of the containers for the header
	keys  []uint16 // key and cardinality - 1 of each container
	sizes []uint32 // bytes of each container
	buf   []byte   // room, then the containers
}

// BufSize returns the bytes a writer of about n containers holding about
// card values in all needs: its header, and the containers (no container
// takes more than a bitset).
func BufSize(n, card int) int { return 8 + 8*n + min(2*card, 8*ContainerWords*n) }

// Init prepares for about n containers, written into buf, which should
// have bufSize bytes for them: the writer grows it as needed.
func (w *Writer) Init(n int, buf []byte) {
	w.room = 8 + 8*n
	w.buf = buf[:w.room]
}

// Add appends the container of key k, whose bitset words (ContainerWords
// of them) has card bits set: as an array container when card is at most
// ArrayMax, else as a bitset.
func (w *Writer) Add(k uint16, words []uint64, card int) {
	if card == 0 {
		return
	}
	w.keys = append(w.keys, k, uint16(card-1))
	n := len(w.buf)
	if card > ArrayMax {
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

// AddArray appends the array container of key k holding users, sorted.
func (w *Writer) AddArray(k uint16, users []uint16) {
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

// Bitmap returns the bitmap written, which refers to the writer's buffer.
func (w *Writer) Bitmap() *roaring.Bitmap {
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
		panic("roaringfmt: bitmap written wrongly: " + err.Error()) // a bug here, not bad data
	}
	bm.RunOptimize()
	return bm
}
