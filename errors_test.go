package nctarget

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nctarget/nctarget/internal/golden"
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
			golden.Check(t, strings.TrimSuffix(path, ".nct")+".txt", []byte(b.String()))
		})
	}
}

func TestErrorList(t *testing.T) {
	var l ErrorList
	if l.Err() != nil {
		t.Errorf("empty list: Err() = %v, want nil", l.Err())
	}
	l.add(Pos{Filename: "r.nct", Offset: 9, Line: 2, Column: 3}, "", "second")
	l.add(Pos{Filename: "r.nct", Offset: 0, Line: 1, Column: 1}, "", "first")
	l.add(Pos{Filename: "r.nct", Offset: 9, Line: 2, Column: 3}, "", "third")
	err := l.Err()
	if got, want := err.Error(), "r.nct:1:1: first (and 2 more errors)"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	if got, want := l[:2].Error(), "r.nct:1:1: first (and 1 more error)"; got != want {
		t.Errorf("Error() of two = %q, want %q", got, want)
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

// TestQuoteLine checks the quoted source line under a diagnostic and the
// marker line under it: control characters are escaped, and the caret
// stays under the rune it points at whatever the widths before it.
func TestQuoteLine(t *testing.T) {
	for _, tc := range []struct {
		line       string
		col, end   int
		text, want string
	}{
		{"age[33,40)", 5, 7, "age[33,40)", "    ^^"},
		{"age[33,40)", 5, 5, "age[33,40)", "    ^"},
		{"abc", 3, 20, "abc", "  ^"},     // a span past the line's end stops there
		{"abc", 9, 9, "abc", "   ^"},     // a point past the end sits just after it
		{"会員 x", 4, 5, "会員 x", "     ^"}, // columns count runes; wide ones take two cells
		{"a 会員", 3, 5, "a 会員", "  ^^^^"},
		{"a 😀 b", 5, 6, "a 😀 b", "     ^"}, // emoji are wide too
		{"a\tb", 3, 4, "a b", "  ^"},
		// Terminal escapes are shown, not sent; the caret counts the escape.
		{"x \x1b[31mRED", 3, 4, `x \x1b[31mRED`, "  ^^^^"},
		{"x \x1b[31mRED", 4, 10, `x \x1b[31mRED`, "      ^^^^^^"},
		{"a\x00b", 3, 4, `a\x00b`, "     ^"},
		{"t \x1b]0;title\x07 z", 13, 14, `t \x1b]0;title\a z`, "                ^"},
		{"\u202eab", 2, 3, `\u202eab`, "      ^"},  // a bidirectional override
		{"a\xffb", 3, 4, `a\xffb`, "     ^"},       // a byte that is not UTF-8 is one column of the lexer
		{"a\u0085b", 3, 4, `a\u0085b`, "       ^"}, // C1 control
	} {
		text, got := quoteLine(tc.line, Pos{Line: 1, Column: tc.col}, Pos{Line: 1, Column: tc.end})
		if text != tc.text || got != tc.want {
			t.Errorf("quoteLine(%q, %d, %d) = %q, %q; want %q, %q", tc.line, tc.col, tc.end, text, got, tc.text, tc.want)
		}
	}
}

// TestPrintDiagnosticEscapes checks that no byte of user data reaches the
// terminal raw: not in the quoted line, the message or the hint.
func TestPrintDiagnosticEscapes(t *testing.T) {
	src := []byte("audience(1) where age >= 20 \x1b[31mRED\x1b]0;title\x07\n")
	d := &Diagnostic{Pos: Pos{Filename: "esc\x1b[2J.nct", Offset: 28, Line: 1, Column: 29}, End: Pos{Line: 1, Column: 30},
		Msg: "unexpected \"\x1b\"", Hint: "remove \x00 and \r"}
	var b strings.Builder
	PrintDiagnostic(&b, d, src)
	out := b.String()
	for _, c := range out {
		if c < ' ' && c != '\n' || c == 0x7f {
			t.Fatalf("raw control character %q reached the output:\n%q", c, out)
		}
	}
	want := "esc\\x1b[2J.nct:1:29: unexpected \"\\x1b\"\n" +
		"    audience(1) where age >= 20 \\x1b[31mRED\\x1b]0;title\\a\n" +
		"                                ^^^^\n" +
		"    hint: remove \\x00 and \\r\n"
	if out != want {
		t.Errorf("got\n%s\nwant\n%s", out, want)
	}
}

// TestPrinterColor checks the colours of a diagnostic and that a printer
// without colour writes no escape sequence at all.
func TestPrinterColor(t *testing.T) {
	src := []byte("where age[33,40)\n")
	d := &Diagnostic{Pos: Pos{Filename: "r.nct", Offset: 10, Line: 1, Column: 11}, End: Pos{Line: 1, Column: 13}, Msg: "bad bound", Hint: "use 30"}
	var plain, color strings.Builder
	Printer{}.PrintDiagnostic(&plain, d, src)
	Printer{Color: true}.PrintDiagnostic(&color, d, src)
	if strings.Contains(plain.String(), "\x1b") {
		t.Errorf("no-colour output has escape sequences: %q", plain.String())
	}
	want := "\x1b[1mr.nct:1:11:\x1b[0m \x1b[1;31mbad bound\x1b[0m\n    where age[33,40)\n    \x1b[1;32m          ^^\x1b[0m\n    \x1b[36mhint:\x1b[0m use 30\n"
	if color.String() != want {
		t.Errorf("colour output\n%q\nwant\n%q", color.String(), want)
	}
	w := &Diagnostic{Pos: d.Pos, End: d.End, Severity: SeverityWarning, Msg: "odd"}
	color.Reset()
	Printer{Color: true}.PrintDiagnostic(&color, w, nil)
	if got := color.String(); got != "\x1b[1mr.nct:1:11:\x1b[0m \x1b[1;35mwarning:\x1b[0m odd\n" {
		t.Errorf("colour warning = %q", got)
	}
}

// TestErrorListUnwrap checks that the standard errors functions see the
// diagnostics inside an ErrorList: errors.As finds the first, errors.Is
// any of them.
func TestErrorListUnwrap(t *testing.T) {
	_, err := Parse("r.nct", []byte("where age[33,40) and gendr in (male)"))
	var d *Diagnostic
	if !errors.As(err, &d) {
		t.Fatalf("errors.As(%v, *Diagnostic) found none", err)
	}
	if d.Msg != "age bound 33 is not one the API accepts" || d.Pos.Column != 11 {
		t.Errorf("errors.As found %s: %s, want the first diagnostic, 1:11: age bound 33 …", d.Pos, d.Msg)
	}
	second := Diagnostics(err)[1]
	if !errors.Is(err, second) {
		t.Errorf("errors.Is does not find the second diagnostic %v", second)
	}
}
