package workbench

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/nctarget/nctarget"
)

func TestAnalyze(t *testing.T) {
	tests := []struct {
		name      string
		src       string
		ok        bool
		messages  []string
		fixes     []string // NewText of every fix, in order
		formatted string   // "" when the rule does not parse
	}{
		{name: "valid", src: "audience(5614991017776)  where age[35,40)", ok: true,
			formatted: "audience(5614991017776)\nwhere age[35,40)\n"},
		{name: "bound", src: "audience(5614991017776) where age[33,40)",
			messages: []string{"age bound 33 is not one the API accepts"}, fixes: []string{"30", "35"}},
		{name: "attribute", src: "audience(1) where gendr in (female)",
			messages: []string{`unknown attribute "gendr"`}, fixes: []string{"gender"}},
		{name: "value", src: "audience(1) where gender in (femal)",
			messages: []string{`unknown gender "femal"`}, fixes: []string{"female"}},
		{name: "syntax", src: "audience(1) where (", messages: []string{`unclosed "("`}},
		{name: "warning", src: "", ok: true,
			messages: []string{"the rule has no recipient expression and no where clause: it targets every friend"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := Analyze("rule.nct", []byte(tt.src), nctarget.Options{})
			if a.OK() != tt.ok {
				t.Errorf("OK() = %v, want %v; diagnostics:\n%s", a.OK(), tt.ok, a.Text())
			}
			var msgs, fixes []string
			for _, d := range a.EditorDiagnostics() {
				msgs = append(msgs, d.Message)
				for _, f := range d.Fixes {
					fixes = append(fixes, f.NewText)
				}
			}
			if diff := cmp.Diff(tt.messages, msgs); diff != "" {
				t.Errorf("messages (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.fixes, fixes); diff != "" {
				t.Errorf("fixes (-want +got):\n%s", diff)
			}
			if tt.formatted != "" && string(a.Formatted) != tt.formatted {
				t.Errorf("Formatted = %q, want %q", a.Formatted, tt.formatted)
			}
		})
	}
}

// TestAnalyzeMatchesCheck holds the analysis to what nctarget check prints:
// the same diagnostics, rendered by the same function.
func TestAnalyzeMatchesCheck(t *testing.T) {
	src := []byte("audience(1) where gendr in (female) and age[33,41)")
	a := Analyze("rule.nct", src, nctarget.Options{})
	_, err := nctarget.Compile("rule.nct", src, nctarget.Options{})
	var want strings.Builder
	nctarget.PrintError(&want, err, src)
	if diff := cmp.Diff(want.String(), a.Text()); diff != "" {
		t.Errorf("Text (-check +analysis):\n%s", diff)
	}
	var joined strings.Builder
	for _, d := range a.EditorDiagnostics() {
		joined.WriteString(d.Text)
	}
	if joined.String() != want.String() {
		t.Errorf("the diagnostics' Text fields join to\n%s\nwant\n%s", joined.String(), want.String())
	}
}

func TestPositionOf(t *testing.T) {
	// 東 is 3 bytes and 1 UTF-16 unit, 🙂 4 bytes and 2 units.
	src := []byte("ab\n東🙂x\n")
	tests := []struct {
		pos  nctarget.Pos
		want Position
	}{
		{nctarget.Pos{Line: 1, Column: 2, Offset: 1}, Position{Line: 1, Column: 2, Offset: 1, Character: 1}},
		{nctarget.Pos{Line: 2, Column: 1, Offset: 3}, Position{Line: 2, Column: 1, Offset: 3, Character: 0}},
		{nctarget.Pos{Line: 2, Column: 2, Offset: 6}, Position{Line: 2, Column: 2, Offset: 6, Character: 1}},
		{nctarget.Pos{Line: 2, Column: 3, Offset: 10}, Position{Line: 2, Column: 3, Offset: 10, Character: 3}},
		{nctarget.Pos{Line: 3, Column: 1, Offset: 99}, Position{Line: 3, Column: 1, Offset: len(src), Character: 0}},
		{nctarget.Pos{}, Position{Line: 1, Column: 1}},
	}
	for _, tt := range tests {
		if got := PositionOf(src, tt.pos); got != tt.want {
			t.Errorf("PositionOf(%v) = %+v, want %+v", tt.pos, got, tt.want)
		}
		if tt.pos.IsValid() && tt.pos.Offset <= len(src) {
			if got := OffsetOf(src, tt.want.Line, tt.want.Character); got != tt.want.Offset {
				t.Errorf("OffsetOf(%d, %d) = %d, want %d", tt.want.Line, tt.want.Character, got, tt.want.Offset)
			}
		}
	}
	if got := OffsetOf(src, 9, 0); got != len(src) {
		t.Errorf("OffsetOf past the last line = %d, want %d", got, len(src))
	}
	if got := OffsetOf(src, 1, 50); got != 2 {
		t.Errorf("OffsetOf past the end of line 1 = %d, want 2", got)
	}
}

func TestUTF16Len(t *testing.T) {
	for s, want := range map[string]int{"": 0, "abc": 3, "東京": 2, "🙂": 2, "\xff\xfe": 2, "กรุงเทพ": 7} {
		if got := UTF16Len([]byte(s)); got != want {
			t.Errorf("UTF16Len(%q) = %d, want %d", s, got, want)
		}
	}
}

// TestFixesOnlyOnWords: a fix never replaces more than the mistaken word,
// even when the diagnostic's span holds more.
func TestFixesOnlyOnWords(t *testing.T) {
	src := []byte(`audiance(1)`)
	d := &nctarget.Diagnostic{Pos: nctarget.Pos{Line: 1, Column: 1, Offset: 0}, End: nctarget.Pos{Line: 1, Column: 12, Offset: 11},
		Msg: `unknown recipient "audiance"`, Hint: "did you mean audience?"}
	for _, end := range []int{11, 8} {
		d.End = nctarget.Pos{Line: 1, Column: end + 1, Offset: end}
		fixes := Fixes(src, d)
		if len(fixes) != 1 || fixes[0].NewText != "audience" || fixes[0].Start.Offset != 0 || fixes[0].End.Offset != 8 {
			t.Errorf("Fixes over %q = %+v, want one replacing audiance, bytes [0,8), with audience", src[:end], fixes)
		}
	}
	d.Msg = `unknown recipient "audiense"` // not in the span: no fix
	if fixes := Fixes(src, d); fixes != nil {
		t.Errorf("Fixes for a word not in the span = %+v, want none", fixes)
	}
}
