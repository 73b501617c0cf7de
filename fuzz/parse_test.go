package fuzz

import (
	"bytes"
	"fmt"
	"testing"
	"unicode/utf8"

	"github.com/nctarget/nctarget"
)

const fuzzFile = "fuzz.nct"

// FuzzParse feeds arbitrary bytes to nctarget.Parse, with the default
// limits and with tinyLimits. Whatever the input, Parse must not panic,
// and a rejected input must come back as diagnostics whose positions all
// lie inside the input with line and column agreeing with the byte offset,
// so the caret the CLI prints lands on real text.
func FuzzParse(f *testing.F) {
	addRuleSeeds(f)
	f.Fuzz(func(t *testing.T, src []byte) {
		for _, limits := range []nctarget.ParseLimits{{}, tinyLimits} {
			rule, err := limits.Parse(fuzzFile, src)
			if err == nil {
				if rule == nil {
					t.Fatal("Parse returned neither a rule nor an error")
				}
				_ = rule.String()
				continue
			}
			if msg := checkDiagnostics(err, src, true); msg != "" {
				t.Fatalf("limits %+v: %s\nerror: %v", limits, msg, err)
			}
		}
	})
}

// tinyLimits are limits small enough for fuzzed inputs to cross each one,
// so the limit errors are fuzzed too.
var tinyLimits = nctarget.ParseLimits{MaxBytes: 200, MaxDepth: 3, MaxAtoms: 4, MaxString: 24, MaxValues: 3}

// checkDiagnostics returns what is wrong with the diagnostics carried by
// err for source src, or "" when every one is well-formed. bom says
// whether a leading byte order mark takes no column, as in rules; in JSON
// it is an ordinary (invalid) character.
func checkDiagnostics(err error, src []byte, bom bool) string {
	ds := nctarget.Diagnostics(err)
	if len(ds) == 0 {
		return fmt.Sprintf("error %T carries no diagnostics", err)
	}
	for _, d := range ds {
		if d.Msg == "" {
			return fmt.Sprintf("diagnostic at %s has no message", d.Pos)
		}
		if msg := checkPos(d.Pos, src, bom); msg != "" {
			return "start " + msg
		}
		if msg := checkPos(d.End, src, bom); msg != "" {
			return "end " + msg
		}
		if d.End.Offset < d.Pos.Offset {
			return fmt.Sprintf("diagnostic %q ends at offset %d before it starts at %d", d.Msg, d.End.Offset, d.Pos.Offset)
		}
		var buf bytes.Buffer
		nctarget.PrintDiagnostic(&buf, d, src)
	}
	return ""
}

// checkPos returns what is wrong with p as a position in src, or "". It
// recomputes line and column from the offset independently of the lexer: a
// line is ended by '\n', a column counts runes (an invalid byte is one) and,
// when bom is set, a leading byte order mark takes no column.
func checkPos(p nctarget.Pos, src []byte, bom bool) string {
	if p.Filename != fuzzFile {
		return fmt.Sprintf("position %v names file %q, want %q", p, p.Filename, fuzzFile)
	}
	if p.Line < 1 || p.Column < 1 || p.Offset < 0 || p.Offset > len(src) {
		return fmt.Sprintf("position %v (offset %d) is outside the %d-byte input", p, p.Offset, len(src))
	}
	line, col := lineCol(src, p.Offset, bom)
	if p.Line != line || p.Column != col {
		return fmt.Sprintf("position %v at offset %d, want %d:%d", p, p.Offset, line, col)
	}
	return ""
}

// lineCol returns the 1-based line and rune column of byte offset off.
func lineCol(src []byte, off int, bom bool) (line, col int) {
	head := src[:off]
	line = 1 + bytes.Count(head, []byte("\n"))
	start := bytes.LastIndexByte(head, '\n') + 1
	if bom && start == 0 && bytes.HasPrefix(head, []byte("\uFEFF")) {
		start = 3
	}
	return line, 1 + utf8.RuneCount(head[start:])
}
