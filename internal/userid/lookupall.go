package userid

// A lookup in a large table misses the cache twice, at random: on its
// home slot, among tens of megabytes of slots, and on the ID that slot
// names, among hundreds of megabytes of IDs; audience files list millions
// of IDs. One Lookup after the other, each miss waits for the one before,
// because a probe's loop branches on the slot it read and, mispredicted,
// discards the loads issued after it. LookupAll looks up a block of keys in
// rounds instead, each of independent reads that no branch waits for, so
// that the processor overlaps their misses: the home slot of every key of
// the block, then (in slots now in cache) each key's candidate, the first
// slot with its tag, then every candidate's ID, then the comparisons, in
// cache too. (Sorting the keys by the partition of their home slot, and
// the candidates by that of their user number, as a partitioned hash join
// does, measured slower: at the density of an audience file, a
// partition's slots and IDs do not stay in cache between two reads.)

// findBlock is how many keys LookupAll looks up together: enough to overlap
// many misses, few enough that the slots and IDs read stay in the
// first-level caches until compared.
const findBlock = 256

// noCandidate marks a key whose probe found no slot with its tag.
const noCandidate = ^uint32(0)

// LookupAll appends to users the numbers of those keys that are in the
// table, one for each key found (a key listed twice is found twice), and
// returns the extended slice; the keys not appended are not in the table.
// It is Lookup of each key, but faster for many keys: the keys are hashed
// a block at a time and the block's table reads issued before any is
// compared, so their cache misses overlap (docs/eval.md has the
// measurements).
func (table *Table) LookupAll(keys []ID, users []uint32) []uint32 {
	t, ids := &table.slots, table.ids
	if len(t.slots) == 0 || len(ids) == 0 {
		return users
	}
	user, mask := t.userMask(), uint64(len(t.slots)-1)
	var (
		hashes [findBlock]uint64
		home   [findBlock]uint32 // each key's home slot
		cand   [findBlock]uint32 // each key's candidate user, or noCandidate
		candID [findBlock]ID     // the candidate's ID
	)
	for start := 0; start < len(keys); start += findBlock {
		block := keys[start:min(start+findBlock, len(keys))]
		for j := range block {
			hashes[j] = block[j].hash()
		}
		// Apart from the hashing, the loop issuing the misses is short:
		// more of its reads fit in the processor's window at once.
		for j, h := range hashes[:len(block)] {
			home[j] = t.slots[h>>t.shift]
		}
		for j := range block {
			h := hashes[j]
			tag, p, s := t.tag(h), h>>t.shift, home[j]
			for probes := 1; s != 0 && s&^user != tag; probes++ {
				if probes == len(t.slots) { // no empty slot: a damaged index file
					s = 0
					break
				}
				p = (p + 1) & mask
				s = t.slots[p]
			}
			cand[j] = s&user - 1
			if s == 0 || int(cand[j]) >= len(ids) { // the bound check guards against a damaged index file
				cand[j] = noCandidate
			}
		}
		for j := range block {
			candID[j] = ids[min(cand[j], uint32(len(ids)-1))]
		}
		for j := range block {
			switch i := cand[j]; {
			case i == noCandidate:
			case candID[j] == block[j]:
				users = append(users, i)
			default: // the tag matched another ID: probe on
				if i, ok := t.find(ids, block[j]); ok {
					users = append(users, i)
				}
			}
		}
	}
	return users
}
