package userid

import "math/bits"

// A lookup in a large table misses the cache twice, at random: on its
// home slot, among tens of megabytes of slots, and on the ID that slot
// names, among hundreds of megabytes of IDs. On a virtual machine each
// miss is a miss of the address translation too, and audience files
// list millions of IDs. Finder looks up many IDs at once instead, as a
// partitioned hash join does: it sorts them by their home slot's
// partition (see partBits), so that the lookups of a partition read
// slots that stay in cache, and the candidates found by the partition of
// their user number, so that comparing each with its ID reads IDs that
// stay in cache too.

// Finder looks up many IDs in a Table at a time, faster than one Lookup
// after the other. It keeps its scratch memory from one Find to the
// next, so it is not safe for concurrent use: use one a goroutine. The
// zero Finder is ready to use.
type Finder struct {
	hashes []uint64 // of the keys, then of sorted
	sorted []ID     // the keys in partition order of their hash
	cands  []uint64 // user number << 32 | index in sorted
	byUser []uint64 // cands in partition order of their user number
}

// probeBlock is how many keys Find reads the home slots of before
// probing them: few enough that those slots stay in cache.
const probeBlock = 1024

// Find appends to users the numbers of those keys that are in table, in
// no particular order, one for each key found (a key listed twice is
// found twice), and returns the extended slice; the keys not appended
// are not in table.
func (f *Finder) Find(table *Table, keys []ID, users []uint32) []uint32 {
	t := &table.slots
	if len(t.slots) == 0 || len(keys) == 0 {
		return users
	}
	n := len(keys)
	f.hashes = grow(f.hashes, 2*n)
	hashes, sortedHashes := f.hashes[:n], f.hashes[n:2*n]
	f.sorted = grow(f.sorted, n)

	// Sort the keys by the partition of their hash (a counting sort).
	var next [NumParts]int
	for k, key := range keys {
		h := key.hash()
		hashes[k] = h
		next[h>>(64-partBits)]++
	}
	prefixSums(&next)
	for k, h := range hashes {
		p := h >> (64 - partBits)
		f.sorted[next[p]], sortedHashes[next[p]] = keys[k], h
		next[p]++
	}

	// Probe each key to the first slot with its tag, its candidate, a
	// block of keys at a time: first read the home slot of every key of
	// the block, reads that no branch waits for, so that their misses
	// overlap; then probe, in slots now in cache.
	ids := table.ids
	userShift := max(bits.Len(uint(len(ids)))-partBits, 0)
	user, mask := t.userMask(), uint64(len(t.slots)-1)
	f.cands = grow(f.cands, n)
	nc := 0
	next = [NumParts]int{}
	var home [probeBlock]uint32
	for b0 := 0; b0 < n; b0 += probeBlock {
		block := sortedHashes[b0:min(b0+probeBlock, n)]
		for j, h := range block {
			home[j] = t.slots[h>>t.shift]
		}
		for j, h := range block {
			tag, p, s := t.tag(h), h>>t.shift, home[j]
			for s != 0 && s&^user != tag {
				p = (p + 1) & mask
				s = t.slots[p]
			}
			// The bound check guards against a damaged index file.
			if i := s&user - 1; s != 0 && int(i) < len(ids) {
				f.cands[nc] = uint64(i)<<32 | uint64(b0+j)
				next[i>>userShift]++
				nc++
			}
		}
	}
	f.cands = f.cands[:nc]

	// Sort the candidates by the partition of their user number, and
	// compare each with its ID.
	prefixSums(&next)
	f.byUser = grow(f.byUser, len(f.cands))
	for _, c := range f.cands {
		p := c >> 32 >> userShift
		f.byUser[next[p]] = c
		next[p]++
	}
	for _, c := range f.byUser[:len(f.cands)] {
		i, key := uint32(c>>32), &f.sorted[uint32(c)]
		if ids[i] == *key {
			users = append(users, i)
		} else if i, ok := t.find(ids, *key); ok { // the tag matched another ID: probe on
			users = append(users, i)
		}
	}
	return users
}

// prefixSums replaces each count by the sum of those before it: where
// the partition starts in a counting sort.
func prefixSums(counts *[NumParts]int) {
	sum := 0
	for p, c := range counts {
		counts[p], sum = sum, sum+c
	}
}

// grow returns s with length n, reusing its memory when it is large
// enough.
func grow[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	return s[:n]
}
