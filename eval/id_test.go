package eval

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseID(t *testing.T) {
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
		id, ok := parseID([]byte(tt.in))
		if ok != tt.ok {
			t.Errorf("parseID(%q) ok = %v, want %v", tt.in, ok, tt.ok)
		}
		if ok && id.String() != tt.in {
			t.Errorf("parseID(%q).String() = %q", tt.in, id.String())
		}
	}
}

// buildInGroups builds the table of ids as builder.finish does, in the
// given number of partition ranges.
func buildInGroups(ids []userID, groups int) (idTable, []duplicate) {
	entries, start := partition(ids, nil, 0)
	tb := newTableBuilder(ids, entries, []segment{{start: start}})
	groups = tb.groups(groups)
	deferred, dups := make([][]uint64, groups), make([][]duplicate, groups)
	for g := range groups {
		deferred[g], dups[g] = tb.fill(g*numParts/groups, (g+1)*numParts/groups)
	}
	return tb.finish(deferred, dups)
}

// crowd returns count IDs, none in ids, whose home slot in a table for n
// IDs is slot: a cluster that overflows into the slots after it.
func crowd(ids []userID, n, slot, count int) []userID {
	t, _ := newIDTable(n)
	var out []userID
	for k := uint64(1 << 40); len(out) < count; k++ {
		id, _ := parseID([]byte(FormatID(k)))
		if int(id.hash()>>t.shift) == slot {
			out = append(out, id)
		}
	}
	return out
}

// TestBuildTable checks the table build, on one goroutine and in
// partition ranges: every ID is found at its number, duplicates are
// reported first-to-second in file order, absent IDs are not found, also
// when clusters overflow the last slot of a partition range or of the
// table (whose probes continue after the other ranges are filled).
func TestBuildTable(t *testing.T) {
	for _, n := range []int{5, 300, 100_000} {
		ids := make([]userID, n)
		for i := range ids {
			ids[i], _ = parseID([]byte(FormatID(uint64(i) * 7919)))
		}
		table, _ := newIDTable(n)
		size := len(table.slots)
		// Replace IDs with clusters at the end of partition 3 (of 256)
		// and at the end of the table.
		crowded := append(crowd(ids, n, max(size*4/numParts-1, 0), 4), crowd(ids, n, size-1, 4)...)
		for k, id := range crowded {
			ids[(k*37+11)%n] = id
		}
		ids[n-1] = ids[1] // duplicates: the later is reported
		ids[n-2] = crowded[len(crowded)-1]
		var want []duplicate
		first := map[userID]int{}
		for i, id := range ids {
			if j, ok := first[id]; ok {
				want = append(want, duplicate{uint32(j), uint32(i)})
			} else {
				first[id] = i
			}
		}
		for _, groups := range []int{1, 16} {
			table, dups := buildInGroups(ids, groups)
			if diff := cmp.Diff(want, dups, cmp.AllowUnexported(duplicate{})); diff != "" {
				t.Errorf("%d IDs, %d groups: duplicates (-want +got):\n%s", n, groups, diff)
			}
			for _, id := range ids {
				if j, ok := table.find(ids, id); !ok || int(j) != first[id] {
					t.Fatalf("%d IDs, %d groups: find(%v) = %d, %v; want %d", n, groups, id, j, ok, first[id])
				}
			}
			for _, absent := range crowd(ids, n, size-1, 6)[4:] {
				if _, ok := table.find(ids, absent); ok {
					t.Errorf("%d IDs, %d groups: found an absent ID", n, groups)
				}
			}
		}
	}
}
