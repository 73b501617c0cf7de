package eval

import (
	"testing"
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

// TestBuildTable checks the partitioned build (over 65536 IDs): every ID
// is found at its number, duplicates are reported first-to-second, and
// absent IDs are not found.
func TestBuildTable(t *testing.T) {
	const n = 100_000
	ids := make([]userID, n)
	for i := range ids {
		ids[i], _ = parseID([]byte(FormatID(uint64(i) * 7919)))
	}
	ids[70_000] = ids[123]  // a duplicate
	ids[99_999] = ids[5000] // another
	table, dups := buildTable(ids)
	want := []duplicate{{123, 70_000}, {5000, 99_999}}
	if len(dups) != len(want) {
		t.Fatalf("duplicates %v, want %v", dups, want)
	}
	for _, w := range want {
		found := false
		for _, d := range dups {
			found = found || d == w
		}
		if !found {
			t.Errorf("duplicate %v not reported (got %v)", w, dups)
		}
	}
	for i, id := range ids {
		if i == 70_000 || i == 99_999 {
			continue
		}
		if j, ok := table.find(ids, id); !ok || int(j) != i {
			t.Fatalf("find(ids[%d]) = %d, %v", i, j, ok)
		}
	}
	absent, _ := parseID([]byte(FormatID(3)))
	if _, ok := table.find(ids, absent); ok {
		t.Error("found an absent ID")
	}
}
