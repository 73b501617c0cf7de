// Package userid holds LINE user IDs as 16-byte values and the hash table
// that numbers a dataset's friends by ID: the loader builds it, in
// partitions on every processor, and the evaluator looks up audience and
// redelivery members in it.
package userid

import (
	"cmp"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"math/bits"
	"slices"

	"github.com/nctarget/nctarget/internal/mem"
)

// ID is a LINE user ID ("U" + 32 lowercase hex digits) decoded to its
// 16 bytes: a third of the memory of the string, and cheap to hash and
// compare, which matters at tens of millions of friends.
type ID [16]byte

// TextLen is the length of a user ID as text.
const TextLen = 33

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
func Parse(s []byte) (id ID, ok bool) {
	if len(s) != TextLen || s[0] != 'U' {
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
func (id ID) String() string { return string(id.Append(nil)) }

// Append appends the ID as LINE writes it to b.
func (id ID) Append(b []byte) []byte {
	n := len(b)
	b = slices.Grow(b, TextLen)[:n+TextLen]
	b[n] = 'U'
	hex.Encode(b[n+1:], id[:])
	return b
}

// Format returns a well-formed user ID made from n, for tests and
// synthetic data: Format(1) is "U00000000000000000000000000000001".
func Format(n uint64) string {
	var id ID
	binary.BigEndian.PutUint64(id[8:], n)
	return id.String()
}

// hash mixes an ID into 64 bits. Real IDs are already random, but mixing
// both halves keeps the table fast for sequential synthetic IDs too.
func (id ID) hash() uint64 {
	a := binary.LittleEndian.Uint64(id[:8])
	b := binary.LittleEndian.Uint64(id[8:])
	hi, lo := bits.Mul64(a^0x9e3779b97f4a7c15, b^0xc2b2ae3d27d4eb4f)
	return hi ^ lo
}

// slotslotTable maps IDs to user numbers by open addressing with linear
// probing. A slot is 32 bits: its low userBits hold the user number + 1
// (0 for an empty slot), the rest a tag, bits of the ID's hash, so that a
// probe reads the ID itself, in slotTable.ids, only when the tags match
// (with 10M friends, 24 bits of user number leave an 8-bit tag). The home
// slot is the top bits of the hash; the tag is the bits of its top half
// below those, so the top half alone says where a slot value goes, and
// the table is built from slot values sorted by partition (see
// TableBuilder) without hashing an ID twice.
type slotTable struct {
	slots    []uint32
	shift    uint8 // 64 - log2(len(slots)): a hash's top bits are its home slot
	userBits uint8 // bits of a slot holding the user number + 1
}

// tagMask selects the top half of a hash in an entry (see slotOf).
const tagMask = ^uint64(0xffffffff)

// slotOf packs the top half of hash h and user number i into the 64-bit
// entry the table is built from; see slotTable.slot.
func slotOf(h uint64, i uint32) uint64 { return h&tagMask | uint64(i+1) }

// slot returns the slot value of entry e, whose user number is increased
// by base.
func (t *slotTable) slot(e uint64, base uint32) uint32 {
	return t.tag(e) | (uint32(e) + base)
}

// tag returns the tag part of a slot for the hash (or entry) h.
func (t *slotTable) tag(h uint64) uint32 { return uint32(h>>32) << t.userBits }

// newSlotTable returns an empty table sized for n IDs at a load factor of
// at most two thirds, and the function that releases its memory: mapped
// outside the Go heap when it takes mapFrom bytes or more (see
// mem.Alloc).
func newSlotTable(n, mapFrom int) (slotTable, func()) {
	size := 16
	for 2*size < 3*n {
		size <<= 1
	}
	slots, unmap := mem.Alloc[uint32](size, mapFrom)
	return slotTable{slots: slots, shift: uint8(64 - bits.TrailingZeros(uint(size))), userBits: uint8(bits.Len32(uint32(n)))}, unmap
}

// userMask selects the user number + 1 of a slot.
func (t *slotTable) userMask() uint32 { return uint32(uint64(1)<<t.userBits - 1) }

// find returns the number of id, looking IDs up in ids.
func (t *slotTable) find(ids []ID, id ID) (uint32, bool) {
	if len(t.slots) == 0 {
		return 0, false
	}
	h := id.hash()
	tag, user := t.tag(h), t.userMask()
	mask := uint64(len(t.slots) - 1)
	// A probe ends at an empty slot, which a built table always has; the
	// probe count and the bound check guard against a damaged index file.
	for p, probes := h>>t.shift, 0; probes < len(t.slots); p, probes = (p+1)&mask, probes+1 {
		s := t.slots[p]
		if s == 0 {
			return 0, false
		}
		if i := s&user - 1; s&^user == tag && int(i) < len(ids) && ids[i] == id {
			return i, true
		}
	}
	return 0, false
}

// insert puts entry e (see slotOf), whose user number is increased by
// base, in the table. When an equal ID is there, it returns that user's
// number and true.
func (t *slotTable) insert(ids []ID, e uint64, base uint32) (uint32, bool) {
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
func (t *slotTable) insertBefore(ids []ID, e uint64, base uint32, end uint64) (prev uint32, dup, placed bool) {
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
func (t *slotTable) try(ids []ID, s uint32, p uint64) (prev uint32, dup, placed bool) {
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

// Duplicate is a user ID that appears twice: the user numbers of the
// First and the Second occurrence.
type Duplicate struct{ First, Second uint32 }

// partBits is log2 of the number of partitions of the table build: each
// partition's slots span 1/256 of the table, so they stay in cache
// instead of costing a cache miss per ID.
const partBits = 8

// NumParts is the number of partitions of the table build.
const NumParts = 1 << partBits

// Segment is a run of consecutive users, from user number Base, whose
// slot values (see Partition, with user numbers counted from Base) are
// stored in partition order: partition p's are entries[Start[p]:Start[p+1]],
// in user order.
type Segment struct {
	Base  uint32
	Start [NumParts + 1]uint32
}

// partition appends the slot values of ids, numbered from 0, to entries
// in partition order (a counting sort by the top bits of each hash), and
// returns where each partition starts, counted from the first appended
// value plus off.
func Partition(ids []ID, entries []uint64, off int) ([]uint64, [NumParts + 1]uint32) {
	var start [NumParts + 1]uint32
	n0 := len(entries)
	entries = slices.Grow(entries, len(ids))[:n0+len(ids)]
	out := entries[n0:]
	var count [NumParts]uint32
	for _, id := range ids {
		count[id.hash()>>(64-partBits)]++
	}
	var next [NumParts]uint32
	sum := uint32(0)
	for p, c := range count {
		start[p], next[p] = uint32(off)+sum, sum
		sum += c
	}
	start[NumParts] = uint32(off) + sum
	for i, id := range ids {
		h := id.hash()
		p := h >> (64 - partBits)
		out[next[p]] = slotOf(h, uint32(i))
		next[p]++
	}
	return entries, start
}

// TableBuilder fills a Table from Segments of partitioned slot values,
// a range of partitions at a time, so that several goroutines can fill
// disjoint ranges of slots at once: Groups says how many ranges there may
// be, Fill fills one, and Finish puts together what they found.
type TableBuilder struct {
	t          slotTable
	unmapSlots func() // see newSlotTable
	ids        []ID
	entries    []uint64
	segs       []Segment
}

// NewTableBuilder returns a builder of the table of ids, whose slot
// values (see Partition) are entries, in the runs segs. The table's slots
// are mapped outside the Go heap when they take mapFrom bytes or more
// (see mem.Alloc).
func NewTableBuilder(ids []ID, entries []uint64, segs []Segment, mapFrom int) *TableBuilder {
	t, unmap := newSlotTable(len(ids), mapFrom)
	return &TableBuilder{t: t, unmapSlots: unmap, ids: ids, entries: entries, segs: segs}
}

// Groups returns how many partition ranges Fill may be given, at most
// want: the partitions own disjoint slot ranges only when there are at
// least as many slots as partitions.
func (tb *TableBuilder) Groups(want int) int {
	if len(tb.t.slots) < NumParts {
		return 1
	}
	return want
}

// Fill inserts the slot values of partitions [p0, p1) in user order,
// within those partitions' slots. It returns the values whose probe would
// run past the last of those slots, with their final user numbers, to be
// inserted by Finish, and the duplicates found. Fills of disjoint ranges
// may run at once.
func (tb *TableBuilder) Fill(p0, p1 int) (deferred []uint64, dups []Duplicate) {
	end := uint64(p1) * uint64(len(tb.t.slots)) / NumParts
	for p := p0; p < p1; p++ {
		for _, seg := range tb.segs {
			for _, e := range tb.entries[seg.Start[p]:seg.Start[p+1]] {
				if prev, dup, placed := tb.t.insertBefore(tb.ids, e, seg.Base, end); dup {
					dups = append(dups, Duplicate{prev, uint32(e) - 1 + seg.Base})
				} else if !placed {
					deferred = append(deferred, e+uint64(seg.Base))
				}
			}
		}
	}
	return deferred, dups
}

// Finish inserts the deferred values of every range, given in partition
// order with the duplicates of each, and returns the table, the function
// that releases its slots' memory, and all duplicates in file order (by
// their second occurrence).
func (tb *TableBuilder) Finish(deferred [][]uint64, dups [][]Duplicate) (Table, func(), []Duplicate) {
	var all []Duplicate
	for _, d := range dups {
		all = append(all, d...)
	}
	for _, vs := range deferred {
		for _, e := range vs {
			if prev, ok := tb.t.insert(tb.ids, e, 0); ok {
				all = append(all, Duplicate{prev, uint32(e) - 1})
			}
		}
	}
	slices.SortFunc(all, func(a, b Duplicate) int { return cmp.Compare(a.Second, b.Second) })
	return Table{ids: tb.ids, slots: tb.t}, tb.unmapSlots, all
}

// Table numbers a dataset's friends by ID: the IDs in user order, and
// the hash table from ID to number. Its memory is released by the
// function that came with it (see TableBuilder.Finish and Restore), after
// which it must not be used.
type Table struct {
	ids   []ID
	slots slotTable
}

// Len returns the number of IDs.
func (t *Table) Len() int { return len(t.ids) }

// ID returns the ID of user number i (0 ≤ i < Len()).
func (t *Table) ID(i uint32) ID { return t.ids[i] }

// Lookup returns the number of id, and whether there is one.
func (t *Table) Lookup(id ID) (uint32, bool) { return t.slots.find(t.ids, id) }

// Layout is a table's arrays as stored, for the index cache: the IDs in
// user order, the slots and the two parameters of the hash.
type Layout struct {
	IDs      []ID
	Slots    []uint32
	Shift    uint8 // 64 - log2(len(Slots))
	UserBits uint8 // bits of a slot holding the user number + 1
}

// Layout returns the table's arrays, which the caller must not modify.
func (t *Table) Layout() Layout {
	return Layout{IDs: t.ids, Slots: t.slots.slots, Shift: t.slots.shift, UserBits: t.slots.userBits}
}

// Restore returns the table whose arrays are l, as Layout gave them,
// checking that they are consistent: a damaged layout is an error, and a
// lookup in a restored table never reads outside its arrays.
func Restore(l Layout) (Table, error) {
	n, nslots := len(l.IDs), len(l.Slots)
	if nslots <= n || nslots&(nslots-1) != 0 || int(l.Shift) != 64-bits.TrailingZeros(uint(nslots)) ||
		int(l.UserBits) != bits.Len32(uint32(n)) {
		return Table{}, errors.New("inconsistent ID table")
	}
	return Table{ids: l.IDs, slots: slotTable{slots: l.Slots, shift: l.Shift, userBits: l.UserBits}}, nil
}
