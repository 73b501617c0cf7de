package nctarget

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestDiagnosticsGolden renders the diagnostics of each
// testdata/diagnostics/NAME.nct the way the CLI prints them (position,
// message, source line, caret, hint; errors, then warnings) and compares
// the text with NAME.txt.
func TestDiagnosticsGolden(t *testing.T) {
	files, err := filepath.Glob("testdata/diagnostics/*.nct")
	if err != nil || len(files) < 5 {
		t.Fatalf("want at least 5 diagnostics cases, found %d (%v)", len(files), err)
	}
	for _, path := range files {
		t.Run(strings.TrimSuffix(filepath.Base(path), ".nct"), func(t *testing.T) {
			src, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			var b strings.Builder
			req, err := Compile(path, src, Options{Catalog: badCatalog})
			if err != nil {
				PrintError(&b, err, src)
			} else {
				for _, w := range req.Warnings {
					PrintDiagnostic(&b, w, src)
				}
			}
			if b.Len() == 0 {
				t.Fatalf("%s gives no diagnostics", path)
			}
			checkGolden(t, strings.TrimSuffix(path, ".nct")+".txt", []byte(b.String()))
		})
	}
}

func TestErrorList(t *testing.T) {
	var l ErrorList
	if l.Err() != nil {
		t.Errorf("empty list: Err() = %v, want nil", l.Err())
	}
	l.Add(Pos{Filename: "r.nct", Offset: 9, Line: 2, Column: 3}, "", "second")
	l.Add(Pos{Filename: "r.nct", Offset: 0, Line: 1, Column: 1}, "", "first")
	l.Add(Pos{Filename: "r.nct", Offset: 9, Line: 2, Column: 3}, "", "third")
	err := l.Err()
	if got, want := err.Error(), "r.nct:1:1: first (and 2 more errors)"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	var got []string
	for _, d := range Diagnostics(err) {
		got = append(got, d.Msg)
	}
	if strings.Join(got, ",") != "first,second,third" {
		t.Errorf("sorted = %v, want first,second,third (stable at equal positions)", got)
	}
	single := &Diagnostic{Pos: Pos{Line: 4, Column: 2}, Msg: "lone"}
	if ds := Diagnostics(single); len(ds) != 1 || ds[0] != single {
		t.Errorf("Diagnostics(*Diagnostic) = %v", ds)
	}
	if ds := Diagnostics(errors.New("plain")); ds != nil {
		t.Errorf("Diagnostics(plain error) = %v, want nil", ds)
	}
	if got := single.Error(); got != "4:2: lone" {
		t.Errorf("Error() without a file = %q, want 4:2: lone", got)
	}
}

// TestCaret checks the marker line under a source line.
func TestCaret(t *testing.T) {
	for _, tc := range []struct {
		line     string
		col, end int
		want     string
	}{
		{"age[33,40)", 5, 7, "    ^^"},
		{"age[33,40)", 5, 5, "    ^"},
		{"abc", 3, 20, "  ^"},    // a span past the line's end stops there
		{"abc", 9, 9, "   ^"},    // a point past the end sits just after it
		{"会員 x", 4, 5, "     ^"}, // columns count runes; wide ones take two cells
		{"a 会員", 3, 5, "  ^^^^"},
	} {
		got := caret(tc.line, Pos{Line: 1, Column: tc.col}, Pos{Line: 1, Column: tc.end})
		if got != tc.want {
			t.Errorf("caret(%q, %d, %d) = %q, want %q", tc.line, tc.col, tc.end, got, tc.want)
		}
	}
}
