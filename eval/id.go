package eval

import (
	"cmp"
	"encoding/binary"
	"encoding/hex"
	"math/bits"
	"slices"
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
// probing. A slot is 32 bits: its low userBits hold the user number + 1
// (0 for an empty slot), the rest a tag, bits of the ID's hash, so that a
// probe reads the ID itself, in Dataset.ids, only when the tags match
// (with 10M friends, 24 bits of user number leave an 8-bit tag). The home
// slot is the top bits of the hash; the tag is the bits of its top half
// below those, so the top half alone says where a slot value goes, and
// the table is built from slot values sorted by partition (see
// tableBuilder) without hashing an ID twice.
type idTable struct {
	slots    []uint32
	shift    uint8 // 64 - log2(len(slots)): a hash's top bits are its home slot
	userBits uint8 // bits of a slot holding the user number + 1
}

// tagMask selects the top half of a hash in an entry (see slotOf).
const tagMask = ^uint64(0xffffffff)

// slotOf packs the top half of hash h and user number i into the 64-bit
// entry the table is built from; see idTable.slot.
func slotOf(h uint64, i uint32) uint64 { return h&tagMask | uint64(i+1) }

// slot returns the slot value of entry e, whose user number is increased
// by base.
func (t *idTable) slot(e uint64, base uint32) uint32 {
	return t.tag(e) | (uint32(e) + base)
}

// tag returns the tag part of a slot for the hash (or entry) h.
func (t *idTable) tag(h uint64) uint32 { return uint32(h>>32) << t.userBits }

// newIDTable returns an empty table sized for n IDs at a load factor of
// at most two thirds, in mapped memory (see mapped), and the function
// that unmaps it.
func newIDTable(n int) (idTable, func()) {
	size := 16
	for 2*size < 3*n {
		size <<= 1
	}
	slots, unmap := mapped[uint32](size)
	return idTable{slots: slots, shift: uint8(64 - bits.TrailingZeros(uint(size))), userBits: uint8(bits.Len32(uint32(n)))}, unmap
}

// userMask selects the user number + 1 of a slot.
func (t *idTable) userMask() uint32 { return uint32(uint64(1)<<t.userBits - 1) }

// find returns the number of id, looking IDs up in ids.
func (t *idTable) find(ids []userID, id userID) (uint32, bool) {
	if len(t.slots) == 0 {
		return 0, false
	}
	h := id.hash()
	tag, user := t.tag(h), t.userMask()
	mask := uint64(len(t.slots) - 1)
	for p := h >> t.shift; ; p = (p + 1) & mask {
		s := t.slots[p]
		if s == 0 {
			return 0, false
		}
		// The bound check guards against a damaged index file.
		if i := s&user - 1; s&^user == tag && int(i) < len(ids) && ids[i] == id {
			return i, true
		}
	}
}

// insert puts entry e (see slotOf), whose user number is increased by
// base, in the table. When an equal ID is there, it returns that user's
// number and true.
func (t *idTable) insert(ids []userID, e uint64, base uint32) (uint32, bool) {
	mask := uint64(len(t.slots) - 1)
	s := t.slot(e, base)
	for p := e >> t.shift; ; p = (p + 1) & mask {
		if prev, dup, placed := t.try(ids, s, p); placed {
			return prev, dup
		}
	}
}

// insertBefore is insert probing no further than slot end (exclusive),
// without wrapping around; placed is false when every slot up to end is
// taken.
func (t *idTable) insertBefore(ids []userID, e uint64, base uint32, end uint64) (prev uint32, dup, placed bool) {
	s := t.slot(e, base)
	for p := e >> t.shift; p < end; p++ {
		if prev, dup, placed := t.try(ids, s, p); placed {
			return prev, dup, true
		}
	}
	return 0, false, false
}

// try puts slot value s in slot p if it is empty (placed), or reports the
// user there when it holds the same ID (placed and dup).
func (t *idTable) try(ids []userID, s uint32, p uint64) (prev uint32, dup, placed bool) {
	cur := t.slots[p]
	if cur == 0 {
		t.slots[p] = s
		return 0, false, true
	}
	user := t.userMask()
	if cur&^user == s&^user && ids[cur&user-1] == ids[s&user-1] {
		return cur&user - 1, true, true
	}
	return 0, false, false
}

// duplicate is a user ID that appears twice: the user numbers of the
// first and the second occurrence.
type duplicate struct{ first, second uint32 }

// partBits is log2 of the number of partitions of the table build: each
// partition's slots span 1/256 of the table, so they stay in cache
// instead of costing a cache miss per ID.
const partBits = 8

// numParts is the number of partitions of the table build.
const numParts = 1 << partBits

// segment is a run of consecutive users whose slot values (see slotOf, with
// user numbers counted from the segment's first user) are stored in
// partition order: partition p's are entries[start[p]:start[p+1]], in
// user order.
type segment struct {
	base  uint32
	start [numParts + 1]uint32
}

// partition appends the slot values of ids, numbered from 0, to entries
// in partition order (a counting sort by the top bits of each hash), and
// returns where each partition starts, counted from the first appended
// value plus off.
func partition(ids []userID, entries []uint64, off int) ([]uint64, [numParts + 1]uint32) {
	var start [numParts + 1]uint32
	n0 := len(entries)
	entries = slices.Grow(entries, len(ids))[:n0+len(ids)]
	out := entries[n0:]
	var count [numParts]uint32
	for _, id := range ids {
		count[id.hash()>>(64-partBits)]++
	}
	var next [numParts]uint32
	sum := uint32(0)
	for p, c := range count {
		start[p], next[p] = uint32(off)+sum, sum
		sum += c
	}
	start[numParts] = uint32(off) + sum
	for i, id := range ids {
		h := id.hash()
		p := h >> (64 - partBits)
		out[next[p]] = slotOf(h, uint32(i))
		next[p]++
	}
	return entries, start
}

// tableBuilder fills an idTable from segments of partitioned slot values,
// a range of partitions at a time, so that several goroutines can fill
// disjoint ranges of slots at once.
type tableBuilder struct {
	t          idTable
	unmapSlots func() // see newIDTable
	ids        []userID
	entries    []uint64
	segs       []segment
}

// newTableBuilder returns a builder of the table of ids.
func newTableBuilder(ids []userID, entries []uint64, segs []segment) *tableBuilder {
	t, unmap := newIDTable(len(ids))
	return &tableBuilder{t: t, unmapSlots: unmap, ids: ids, entries: entries, segs: segs}
}

// groups returns how many partition ranges fill may be given: the
// partitions own disjoint slot ranges only when there are at least as many
// slots as partitions.
func (tb *tableBuilder) groups(want int) int {
	if len(tb.t.slots) < numParts {
		return 1
	}
	return want
}

// fill inserts the slot values of partitions [p0, p1) in user order,
// within those partitions' slots. It returns the values whose probe would
// run past the last of those slots, with their final user numbers, to be
// inserted by finish, and the duplicates found.
func (tb *tableBuilder) fill(p0, p1 int) (deferred []uint64, dups []duplicate) {
	end := uint64(p1) * uint64(len(tb.t.slots)) / numParts
	for p := p0; p < p1; p++ {
		for _, seg := range tb.segs {
			for _, e := range tb.entries[seg.start[p]:seg.start[p+1]] {
				if prev, dup, placed := tb.t.insertBefore(tb.ids, e, seg.base, end); dup {
					dups = append(dups, duplicate{prev, uint32(e) - 1 + seg.base})
				} else if !placed {
					deferred = append(deferred, e+uint64(seg.base))
				}
			}
		}
	}
	return deferred, dups
}

// finish inserts the deferred values of every range, in partition order,
// and returns the table and all duplicates in file order (by their second
// occurrence).
func (tb *tableBuilder) finish(deferred [][]uint64, dups [][]duplicate) (idTable, []duplicate) {
	var all []duplicate
	for _, d := range dups {
		all = append(all, d...)
	}
	for _, vs := range deferred {
		for _, e := range vs {
			if prev, ok := tb.t.insert(tb.ids, e, 0); ok {
				all = append(all, duplicate{prev, uint32(e) - 1})
			}
		}
	}
	slices.SortFunc(all, func(a, b duplicate) int { return cmp.Compare(a.second, b.second) })
	return tb.t, all
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
		sink += uint64(t.slots[key.hash()>>t.shift])
	}
	for k, key := range keys {
		found[k] = -1
		if i, ok := t.find(ids, key); ok {
			found[k] = int64(i)
		}
	}
	return sink
}
