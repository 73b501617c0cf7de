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

// Finder looks up many IDs in a Table at a time, far faster than one
// Lookup after the other. It keeps its scratch memory from one Find to
// the next, so it is not safe for concurrent use: make one a goroutine.
type Finder struct {
	t      *Table
	hashes []uint64 // of the keys, then of sorted
	sorted []ID     // the keys in partition order of their hash
	home   []uint32 // the home slot of each of sorted
	cands  []uint64 // user number << 32 | index in sorted
	rest   []uint32 // indexes in sorted of keys not decided by their home slot
	byUser []uint64 // cands in partition order of their user number
}

// NewFinder returns a Finder of IDs in t.
func (t *Table) NewFinder() *Finder { return &Finder{t: t} }

// Find appends to users the numbers of those keys that are friends, in no
// particular order, one for each key found (a key listed twice is found
// twice), and returns the extended slice; the keys not appended are not
// friends.
func (f *Finder) Find(keys []ID, users []uint32) []uint32 {
	t := &f.t.slots
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

	// Read every home slot first: reads that no branch waits for overlap
	// their misses. Then probe each key to the first slot with its tag:
	// its candidate.
	f.home = grow(f.home, n)
	for j, h := range sortedHashes {
		f.home[j] = t.slots[h>>t.shift]
	}
	ids := f.t.ids
	userShift := max(bits.Len(uint(len(ids)))-partBits, 0)
	user, mask := t.userMask(), uint64(len(t.slots)-1)
	f.cands = grow(f.cands, n)
	f.rest = f.rest[:0]
	nc := 0
	next = [NumParts]int{}
	for j, h := range sortedHashes {
		// Most keys are found in their home slot, or absent from it: the
		// candidate is written either way, and kept only if it is one,
		// without a branch the processor would mispredict.
		s := f.home[j]
		i := s&user - 1
		f.cands[nc] = uint64(i)<<32 | uint64(j)
		hit := s != 0 && s&^user == t.tag(h) && int(i) < len(ids) // the bound check guards against a damaged index file
		if hit {
			next[i>>userShift]++
			nc++
		} else if s != 0 {
			f.rest = append(f.rest, uint32(j))
		}
	}
	// The others probe on, to the first slot with their tag.
	for _, j := range f.rest {
		h := sortedHashes[j]
		tag, p := t.tag(h), (h>>t.shift+1)&mask
		s := t.slots[p]
		for s != 0 && s&^user != tag {
			p = (p + 1) & mask
			s = t.slots[p]
		}
		if i := s&user - 1; s != 0 && int(i) < len(ids) {
			f.cands[nc] = uint64(i)<<32 | uint64(j)
			next[i>>userShift]++
			nc++
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
