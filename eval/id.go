package eval

import (
	"encoding/binary"
	"encoding/hex"
	"math/bits"
)

// userID is a LINE user ID ("U" + 32 lowercase hex digits) decoded to its
// 16 bytes: a third of the memory of the string, and cheap to hash and
// compare, which matters at tens of millions of friends.
type userID [16]byte

// idLen is the length of a user ID as text.
const idLen = 33

// hexVal maps a byte to its value as a lowercase hex digit, or 0xff.
var hexVal = func() (t [256]byte) {
	for i := range t {
		t[i] = 0xff
	}
	for c := '0'; c <= '9'; c++ {
		t[c] = byte(c - '0')
	}
	for c := 'a'; c <= 'f'; c++ {
		t[c] = byte(c - 'a' + 10)
	}
	return t
}()

// parseID decodes a user ID, reporting whether s is one.
func parseID(s []byte) (id userID, ok bool) {
	if len(s) != idLen || s[0] != 'U' {
		return id, false
	}
	var bad byte
	for i := range id {
		hi, lo := hexVal[s[1+2*i]], hexVal[s[2+2*i]]
		bad |= hi | lo
		id[i] = hi<<4 | lo
	}
	return id, bad&0xf0 == 0
}

// String returns the ID as LINE writes it.
func (id userID) String() string {
	var b [idLen]byte
	b[0] = 'U'
	hex.Encode(b[1:], id[:])
	return string(b[:])
}

// FormatID returns a well-formed user ID made from n, for tests and
// synthetic data: FormatID(1) is "U00000000000000000000000000000001".
func FormatID(n uint64) string {
	var id userID
	binary.BigEndian.PutUint64(id[8:], n)
	return id.String()
}

// hash mixes an ID into 64 bits. Real IDs are already random, but mixing
// both halves keeps the table fast for sequential synthetic IDs too.
func (id userID) hash() uint64 {
	a := binary.LittleEndian.Uint64(id[:8])
	b := binary.LittleEndian.Uint64(id[8:])
	hi, lo := bits.Mul64(a^0x9e3779b97f4a7c15, b^0xc2b2ae3d27d4eb4f)
	return hi ^ lo
}

// idTable maps IDs to user numbers by open addressing with linear
// probing. A slot holds a 32-bit tag from the ID's hash and the user
// number + 1 (0 for an empty slot), so a probe compares tags and reads the
// ID itself, in Dataset.ids, only when the tags match.
type idTable struct {
	slots []uint64
	shift uint8 // 64 - log2(len(slots)): a hash's top bits are its home slot
}

// slotOf packs a tag and a user number into a slot.
func slotOf(h uint64, i uint32) uint64 { return uint64(uint32(h))<<32 | uint64(i+1) }

// newIDTable returns an empty table sized for n IDs at a load factor of
// at most two thirds.
func newIDTable(n int) idTable {
	size := 16
	for 2*size < 3*n {
		size <<= 1
	}
	slots := make([]uint64, size)
	adviseHuge(slots)
	return idTable{slots: slots, shift: uint8(64 - bits.TrailingZeros(uint(size)))}
}

// find returns the number of id, looking IDs up in ids.
func (t *idTable) find(ids []userID, id userID) (uint32, bool) {
	if len(t.slots) == 0 {
		return 0, false
	}
	h := id.hash()
	tag := uint64(uint32(h)) << 32
	mask := uint64(len(t.slots) - 1)
	for p := h >> t.shift; ; p = (p + 1) & mask {
		s := t.slots[p]
		if s == 0 {
			return 0, false
		}
		// The bound check guards against a damaged index file.
		if i := uint32(s) - 1; s&^0xffffffff == tag && int(i) < len(ids) && ids[i] == id {
			return i, true
		}
	}
}

// insert puts user number i, whose ID hashes to h, in the table. When an
// equal ID is there, it returns that user's number and false instead.
func (t *idTable) insert(ids []userID, h uint64, i uint32) (uint32, bool) {
	tag := uint64(uint32(h)) << 32
	mask := uint64(len(t.slots) - 1)
	for p := h >> t.shift; ; p = (p + 1) & mask {
		s := t.slots[p]
		if s == 0 {
			t.slots[p] = slotOf(h, i)
			return 0, true
		}
		if s&^0xffffffff == tag && ids[uint32(s)-1] == ids[i] {
			return uint32(s) - 1, false
		}
	}
}

// duplicate is a user ID that appears twice: the user numbers of the
// first and the second occurrence.
type duplicate struct{ first, second uint32 }

// buildTable maps every ID of ids to its user number and reports the
// duplicates. For large inputs it first sorts the IDs by home slot into
// 256 partitions (a counting sort over hashes, reading ids in order), then
// fills the table one partition at a time: each partition's slots span
// only 1/256 of the table, so they stay in cache instead of costing a
// cache miss per ID.
func buildTable(ids []userID) (idTable, []duplicate) {
	t := newIDTable(len(ids))
	var dups []duplicate
	add := func(h uint64, i uint32) {
		if prev, ok := t.insert(ids, h, i); !ok {
			dups = append(dups, duplicate{prev, i})
		}
	}
	const partBits = 8
	if len(ids) < 1<<16 || 64-int(t.shift) < partBits {
		for i, id := range ids {
			add(id.hash(), uint32(i))
		}
		return t, dups
	}
	var start [1<<partBits + 1]int
	for _, id := range ids {
		start[id.hash()>>(64-partBits)+1]++
	}
	for p := 1; p < len(start); p++ {
		start[p] += start[p-1]
	}
	hs, order := make([]uint64, len(ids)), make([]uint32, len(ids))
	adviseHuge(hs)
	adviseHuge(order)
	next := start
	for i, id := range ids {
		h := id.hash()
		p := h >> (64 - partBits)
		hs[next[p]], order[next[p]] = h, uint32(i)
		next[p]++
	}
	for p := 0; p < 1<<partBits; p++ {
		// Within a partition, insert in user order, so that the first
		// occurrence of a duplicate is the one kept.
		part, hp := order[start[p]:start[p+1]], hs[start[p]:start[p+1]]
		for k, i := range part {
			add(hp[k], i)
		}
	}
	return t, dups
}

// findBatch looks up every key, setting found[k] to its user number or
// -1. It first reads the home slot of every key: the reads are
// independent, so the processor overlaps their cache misses, and the
// lookups that follow find their slots in cache. It returns a sum of the
// slots read, which the caller keeps so that the reads are not optimized
// away.
func (t *idTable) findBatch(ids []userID, keys []userID, found []int64) (sink uint64) {
	if len(t.slots) == 0 {
		for k := range keys {
			found[k] = -1
		}
		return 0
	}
	for _, key := range keys {
		sink += t.slots[key.hash()>>t.shift]
	}
	for k, key := range keys {
		found[k] = -1
		if i, ok := t.find(ids, key); ok {
			found[k] = int64(i)
		}
	}
	return sink
}
