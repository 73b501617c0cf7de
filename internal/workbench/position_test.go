package workbench

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/nctarget/nctarget"
)

func TestPositionAt(t *testing.T) {
	tests := []struct {
		src  string
		off  int
		want Position
	}{
		{"", 0, Position{Line: 1, Column: 1}},
		{"abc", 99, Position{Line: 1, Column: 4, Offset: 3, Character: 3}},
		{"abc", -1, Position{Line: 1, Column: 1}},
		{"a\r\nbc", 4, Position{Line: 2, Column: 2, Offset: 4, Character: 1}},
		{"会員 x", len("会員 "), Position{Line: 1, Column: 4, Offset: 7, Character: 3}},
		{"กรุงเทพ x", len("กรุงเทพ "), Position{Line: 1, Column: 9, Offset: 22, Character: 8}}, // Thai: every code point, marks too
		{"😀x", len("😀"), Position{Line: 1, Column: 2, Offset: 4, Character: 2}},                // a surrogate pair
		{"会", 1, Position{Line: 1, Column: 1}},                                                 // inside a UTF-8 sequence: its start
	}
	for _, tt := range tests {
		if got := PositionAt([]byte(tt.src), tt.off); got != tt.want {
			t.Errorf("PositionAt(%q, %d) = %+v, want %+v", tt.src, tt.off, got, tt.want)
		}
	}
}

// TestPositionRoundTrip converts every character boundary of a
// mixed-script rule to a position and back.
func TestPositionRoundTrip(t *testing.T) {
	src := []byte("audience(会員) or audience(\"สมาชิก 😀\")\r\nwhere area in (台北市, tokyo) # 東京\n")
	for off := 0; off <= len(src); off++ {
		if off < len(src) && !utf8.RuneStart(src[off]) {
			continue
		}
		p := PositionAt(src, off)
		if got := OffsetOf(src, p.Line, p.Character); got != off {
			t.Errorf("OffsetOf(PositionAt(%d) = %+v) = %d", off, p, got)
		}
	}
}

// TestDiagnosticPositions checks that the editor position of each
// diagnostic is the line and column nctarget check prints, its column
// counted in UTF-16 units, for rules holding Japanese, Thai, Chinese and
// emoji names.
func TestDiagnosticPositions(t *testing.T) {
	cat := nctarget.NewCatalog(nctarget.CatalogEntry{Name: "会員", AudienceGroupID: 1})
	rules := []string{
		"audience(会員) where gender in (femal)",
		"audience(\"สมาชิกใหม่\") where age[33,40)",
		"# 台北市の会員\naudience(会員) and audience(\"😀😀\")\nwhere area in (台北市, tokio)",
		"audience(会員)\r\nwhere age >= 90 limit 10 forbidPartialDelivery",
	}
	for _, src := range rules {
		a := Analyze("r.nct", []byte(src), nctarget.Options{Catalog: cat})
		if len(a.Diagnostics) == 0 {
			t.Fatalf("%q: no diagnostics", src)
		}
		lines := strings.Split(src, "\n")
		for _, d := range a.Diagnostics {
			line := []rune(strings.TrimSuffix(lines[d.Pos.Line-1], "\r"))
			want := UTF16Len([]byte(string(line[:d.Pos.Column-1])))
			if got := PositionAt([]byte(src), d.Pos.Offset); got.Line != d.Pos.Line || got.Column != d.Pos.Column || got.Character != want {
				t.Errorf("%q: %s is at %+v, want line %d, column %d, character %d", src, d.Error(), got, d.Pos.Line, d.Pos.Column, want)
			}
		}
	}
}
