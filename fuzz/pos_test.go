package fuzz

import (
	"testing"

	"github.com/nctarget/nctarget"
)

// TestCheckPos shows the FuzzParse oracle can fail: it accepts the position
// of each offset and rejects positions that disagree with it.
func TestCheckPos(t *testing.T) {
	src := []byte("\uFEFFab\nc\xffd\n")
	tests := []struct {
		name string
		pos  nctarget.Pos
		ok   bool
	}{
		{"after BOM", nctarget.Pos{Filename: fuzzFile, Offset: 3, Line: 1, Column: 1}, true},
		{"second line", nctarget.Pos{Filename: fuzzFile, Offset: 6, Line: 2, Column: 1}, true},
		{"after invalid byte", nctarget.Pos{Filename: fuzzFile, Offset: 8, Line: 2, Column: 3}, true},
		{"end of input", nctarget.Pos{Filename: fuzzFile, Offset: len(src), Line: 3, Column: 1}, true},
		{"wrong column", nctarget.Pos{Filename: fuzzFile, Offset: 8, Line: 2, Column: 4}, false},
		{"wrong line", nctarget.Pos{Filename: fuzzFile, Offset: 6, Line: 1, Column: 1}, false},
		{"past the end", nctarget.Pos{Filename: fuzzFile, Offset: len(src) + 1, Line: 3, Column: 2}, false},
		{"zero position", nctarget.Pos{Filename: fuzzFile}, false},
		{"BOM as a column", nctarget.Pos{Filename: fuzzFile, Offset: 3, Line: 1, Column: 2}, false},
		{"wrong file", nctarget.Pos{Filename: "other.nct", Offset: 3, Line: 1, Column: 1}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			msg := checkPos(tt.pos, src, true)
			if (msg == "") != tt.ok {
				t.Errorf("checkPos(%+v) = %q, want ok=%v", tt.pos, msg, tt.ok)
			}
		})
	}
}
