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
// probing. A slot holds the user number + 1, or 0 when empty, so the table
// costs 4 bytes a slot and the IDs themselves live only in Dataset.ids.
type idTable struct {
	slots []uint32
	shift uint8 // 64 - log2(len(slots))
}

// newIDTable returns a table sized for n IDs at a load factor of at most
// one half.
func newIDTable(n int) idTable {
	size := 16
	for size < 2*n {
		size <<= 1
	}
	return idTable{slots: make([]uint32, size), shift: uint8(64 - bits.TrailingZeros(uint(size)))}
}

// find returns the number of id, looking IDs up in ids.
func (t *idTable) find(ids []userID, id userID) (uint32, bool) {
	if len(t.slots) == 0 {
		return 0, false
	}
	mask := uint64(len(t.slots) - 1)
	for h := id.hash() >> t.shift; ; h = (h + 1) & mask {
		s := t.slots[h]
		if s == 0 {
			return 0, false
		}
		if ids[s-1] == id {
			return s - 1, true
		}
	}
}

// insert adds ids[i], growing the table as needed. It returns the number
// of an earlier equal ID and false when ids[i] is a duplicate.
func (t *idTable) insert(ids []userID, i uint32) (uint32, bool) {
	if 2*int(i+1) > len(t.slots) {
		t.grow(ids[:i])
	}
	id := ids[i]
	mask := uint64(len(t.slots) - 1)
	for h := id.hash() >> t.shift; ; h = (h + 1) & mask {
		s := t.slots[h]
		if s == 0 {
			t.slots[h] = i + 1
			return 0, true
		}
		if ids[s-1] == id {
			return s - 1, false
		}
	}
}

// grow doubles the table and re-inserts ids, which are known distinct.
func (t *idTable) grow(ids []userID) {
	*t = newIDTable(max(len(t.slots), 8))
	mask := uint64(len(t.slots) - 1)
	for i, id := range ids {
		h := id.hash() >> t.shift
		for t.slots[h] != 0 {
			h = (h + 1) & mask
		}
		t.slots[h] = uint32(i) + 1
	}
}

// touch reads the slot of each id, so that the inserts that follow find
// them in cache; see usersLoader.flush.
func (t *idTable) touch(ids []userID) {
	var sink uint32
	for _, id := range ids {
		sink += t.slots[id.hash()>>t.shift]
	}
	touchSink = sink
}

// findBatch looks up every key, setting found[k] to its user number or
// -1. Like usersLoader.flush, it reads all the first slots, then the IDs
// they point at, before the real lookups, to overlap cache misses.
func (t *idTable) findBatch(ids []userID, keys []userID, found []int64) {
	if len(t.slots) == 0 {
		for k := range keys {
			found[k] = -1
		}
		return
	}
	t.touch(keys)
	var sink byte
	for _, key := range keys {
		if s := t.slots[key.hash()>>t.shift]; s != 0 {
			sink += ids[s-1][0]
		}
	}
	touchSink += uint32(sink)
	for k, key := range keys {
		found[k] = -1
		if i, ok := t.find(ids, key); ok {
			found[k] = int64(i)
		}
	}
}

// touchSink keeps the compiler from dropping touch's reads.
var touchSink uint32
