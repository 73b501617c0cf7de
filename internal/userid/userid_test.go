package userid

import (
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestParse(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in string
		ok bool
	}{
		{"U4893ad3b73f45da8a54fc918725b57f5", true},
		{"U4893AD3B73F45DA8A54FC918725B57F5", false}, // upper case
		{"u4893ad3b73f45da8a54fc918725b57f5", false},
		{"U4893ad3b73f45da8a54fc918725b57f", false},   // 31 digits
		{"U4893ad3b73f45da8a54fc918725b57f55", false}, // 33 digits
		{"U4893ad3b73f45da8a54fc918725b57g5", false},
		{"", false},
	}
	for _, tt := range tests {
		id, ok := Parse([]byte(tt.in))
		if ok != tt.ok {
			t.Errorf("Parse(%q) ok = %v, want %v", tt.in, ok, tt.ok)
		}
		if ok && id.String() != tt.in {
			t.Errorf("Parse(%q).String() = %q", tt.in, id.String())
		}
	}
}

// buildInGroups builds the table of ids as the loader does, in the
// given number of partition ranges.
func buildInGroups(ids []ID, groups int) (Table, []Duplicate) {
	entries, start := Partition(ids, nil, 0)
	tb := NewTableBuilder(ids, entries, []Segment{{Start: start}}, 0)
	groups = tb.Groups(groups)
	deferred, dups := make([][]uint64, groups), make([][]Duplicate, groups)
	for g := range groups {
		deferred[g], dups[g] = tb.Fill(g*NumParts/groups, (g+1)*NumParts/groups)
	}
	table, _, all := tb.Finish(deferred, dups)
	return table, all
}

// crowd returns count IDs, none in ids, whose home slot in a table for n
// IDs is slot: a cluster that overflows into the slots after it.
func crowd(ids []ID, n, slot, count int) []ID {
	t, _ := newSlotTable(n, 0)
	var out []ID
	for k := uint64(1 << 40); len(out) < count; k++ {
		id, _ := Parse([]byte(Format(k)))
		if int(id.hash()>>t.shift) == slot {
			out = append(out, id)
		}
	}
	return out
}

// TestBuildTable checks the table build, on one goroutine and in
// partition ranges: every ID is found at its number, Duplicates are
// reported first-to-second in file order, absent IDs are not found, also
// when clusters overflow the last slot of a partition range or of the
// table (whose probes continue after the other ranges are filled).
func TestBuildTable(t *testing.T) {
	t.Parallel()
	for _, n := range []int{5, 300, 100_000} {
		ids := make([]ID, n)
		for i := range ids {
			ids[i], _ = Parse([]byte(Format(uint64(i) * 7919)))
		}
		table, _ := newSlotTable(n, 0)
		size := len(table.slots)
		// Replace IDs with clusters at the end of partition 3 (of 256)
		// and at the end of the table.
		crowded := append(crowd(ids, n, max(size*4/NumParts-1, 0), 4), crowd(ids, n, size-1, 4)...)
		for k, id := range crowded {
			ids[(k*37+11)%n] = id
		}
		ids[n-1] = ids[1] // Duplicates: the later is reported
		ids[n-2] = crowded[len(crowded)-1]
		var want []Duplicate
		first := map[ID]int{}
		for i, id := range ids {
			if j, ok := first[id]; ok {
				want = append(want, Duplicate{First: uint32(j), Second: uint32(i)})
			} else {
				first[id] = i
			}
		}
		for _, groups := range []int{1, 16} {
			table, dups := buildInGroups(ids, groups)
			if diff := cmp.Diff(want, dups); diff != "" {
				t.Errorf("%d IDs, %d groups: Duplicates (-want +got):\n%s", n, groups, diff)
			}
			for _, id := range ids {
				if j, ok := table.Lookup(id); !ok || int(j) != first[id] {
					t.Fatalf("%d IDs, %d groups: Lookup(%v) = %d, %v; want %d", n, groups, id, j, ok, first[id])
				}
			}
			for _, absent := range crowd(ids, n, size-1, 6)[4:] {
				if _, ok := table.Lookup(absent); ok {
					t.Errorf("%d IDs, %d groups: found an absent ID", n, groups)
				}
			}
		}
	}
}

// TestLookupAll checks LookupAll against Lookup on tables of several sizes:
// every ID found, at its number, as often as listed; absent IDs, also
// those whose probes cross clusters, not found; in batches of several
// sizes.
func TestLookupAll(t *testing.T) {
	t.Parallel()
	for _, n := range []int{0, 5, 300, 100_000} {
		ids := make([]ID, n)
		for i := range ids {
			ids[i], _ = Parse([]byte(Format(uint64(i)*7919 + 3)))
		}
		table, _ := buildInGroups(ids, 4)
		size := len(table.slots.slots)
		var keys []ID
		for i := 0; i < n; i += 3 {
			keys = append(keys, ids[i], ids[(i*31)%n])
		}
		if n > 0 {
			keys = append(keys, crowd(ids, n, size-1, 20)...) // absent, at the end of the table
			keys = append(keys, crowd(ids, n, size/2, 20)...)
		}
		for k := range 50 {
			id, _ := Parse([]byte(Format(uint64(k)<<50 + 1))) // absent
			keys = append(keys, id)
		}
		for _, batch := range []int{len(keys), 7, 1} {
			var want, got []uint32
			for start := 0; start < len(keys); start += batch {
				part := keys[start:min(start+batch, len(keys))]
				for _, key := range part {
					if i, ok := table.Lookup(key); ok {
						want = append(want, i)
					}
				}
				got = table.LookupAll(part, got)
			}
			slices.Sort(want)
			slices.Sort(got)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("%d IDs, batches of %d: found (-Lookup +LookupAll):\n%s", n, batch, diff)
			}
		}
	}
}

// TestLookupAllTagCollision checks the key whose tag matches a slot naming
// another ID first: LookupAll probes on to the key's own slot, as Lookup does.
func TestLookupAllTagCollision(t *testing.T) {
	t.Parallel()
	const n = 2
	st, _ := newSlotTable(n, 0)
	key := crowd(nil, n, 3, 1)[0]
	other, _ := Parse([]byte(Format(77)))
	ids := []ID{other, key}
	h := key.hash()
	home := h >> st.shift
	st.slots[home] = st.tag(h) | 1                             // other, under the key's tag
	st.slots[(home+1)&uint64(len(st.slots)-1)] = st.tag(h) | 2 // the key
	table := Table{ids: ids, slots: st}
	if i, ok := table.Lookup(key); !ok || i != 1 {
		t.Fatalf("Lookup = %d, %v; want 1", i, ok)
	}
	if got := table.LookupAll([]ID{key, other}, nil); !slices.Equal(got, []uint32{1}) {
		t.Errorf("LookupAll = %v, want [1]", got)
	}
}

// TestRestoreNoEmptySlot restores a damaged index's table whose slots
// are all taken, which no build leaves (a table has more slots than IDs):
// a lookup of an absent ID, whose probe stops only at an empty slot, must
// still end, not found, as must LookupAll's.
func TestRestoreNoEmptySlot(t *testing.T) {
	t.Parallel()
	ids := make([]ID, 5)
	for i := range ids {
		ids[i], _ = Parse([]byte(Format(uint64(i)*7919 + 3)))
	}
	built, _ := buildInGroups(ids, 1)
	l := built.Layout()
	l.Slots = slices.Clone(l.Slots)
	var taken uint32 // a slot naming ID 0, copied into every empty one
	for _, s := range l.Slots {
		if s != 0 && s&built.slots.userMask() == 1 {
			taken = s
		}
	}
	for i, s := range l.Slots {
		if s == 0 {
			l.Slots[i] = taken
		}
	}
	table, err := Restore(l)
	if err != nil {
		return // refusing the layout is as good
	}
	absent, _ := Parse([]byte(Format(1 << 50)))
	done := make(chan []uint32)
	go func() {
		found := table.LookupAll([]ID{absent, ids[0]}, nil)
		if _, ok := table.Lookup(absent); ok {
			found = append(found, 99)
		}
		done <- found
	}()
	select {
	case found := <-done:
		if !slices.Equal(found, []uint32{0}) {
			t.Errorf("found %v, want [0]: ID 0 and not the absent ID", found)
		}
	case <-time.After(10 * time.Second): // a lookup takes microseconds; this is a hang, not slowness
		t.Fatal("a lookup in a table without an empty slot never ended")
	}
}
