package nctarget

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/nctarget/nctarget/internal/termtext"
)

// Pos is a position in a rule's source text. Every AST node and every
// diagnostic carries one, so a problem found in any pipeline stage can be
// shown at the exact spot the user wrote it.
type Pos struct {
	Filename string // name given to Parse; "<stdin>" for standard input
	Offset   int    // byte offset, starting at 0
	Line     int    // line number, starting at 1
	Column   int    // column number in runes, starting at 1
}

// IsValid reports whether the position was set (Line >= 1).
func (p Pos) IsValid() bool { return p.Line > 0 }

// String formats the position as "file:line:col", the form editors and CI
// log scanners recognise; the file name is omitted when it is empty.
func (p Pos) String() string {
	if p.Filename == "" {
		return fmt.Sprintf("%d:%d", p.Line, p.Column)
	}
	return fmt.Sprintf("%s:%d:%d", p.Filename, p.Line, p.Column)
}

// Severity tells whether a diagnostic stops compilation.
type Severity int

// The severities of a Diagnostic.
const (
	SeverityError   Severity = iota // the rule is rejected
	SeverityWarning                 // the rule compiles but probably does not do what was meant
)

// String returns the word a diagnostic is printed with: "error" or
// "warning".
func (s Severity) String() string {
	if s == SeverityWarning {
		return "warning"
	}
	return "error"
}

// Diagnostic is one problem found in a rule: where it is, what is wrong and
// what to write instead. Errors returned by this package are an ErrorList of
// diagnostics; warnings come back beside a successful result.
type Diagnostic struct {
	Pos      Pos      // position of the problem's first byte
	End      Pos      // position just past its last byte; equal to Pos for a point
	Severity Severity // error or warning
	Msg      string   // what is wrong, lower case, no trailing period
	Hint     string   // what to do instead; may be empty
}

// Error formats the diagnostic as "file:line:col: msg".
func (d *Diagnostic) Error() string {
	if d.Severity == SeverityWarning {
		return d.Pos.String() + ": warning: " + d.Msg
	}
	return d.Pos.String() + ": " + d.Msg
}

// ErrorList is a list of diagnostics. It is the error type returned by Parse
// and Compile, so callers can report every problem in a rule at once rather
// than one per run. Like go/scanner.ErrorList, it sorts by position. A
// stage outside this package that reports on a rule (the evaluator, the
// SQL writer) appends its own &Diagnostic{Pos: n.Pos(), End: n.End(), …}.
type ErrorList []*Diagnostic

// add appends an error diagnostic at pos.
func (l *ErrorList) add(pos Pos, hint, format string, args ...any) {
	*l = append(*l, &Diagnostic{Pos: pos, End: pos, Msg: fmt.Sprintf(format, args...), Hint: hint})
}

// addSpan appends an error diagnostic covering [pos, end).
func (l *ErrorList) addSpan(pos, end Pos, hint, format string, args ...any) {
	*l = append(*l, &Diagnostic{Pos: pos, End: end, Msg: fmt.Sprintf(format, args...), Hint: hint})
}

// Sort orders the list by file and offset, keeping the order of
// diagnostics at the same position.
func (l ErrorList) Sort() { slices.SortStableFunc(l, compareDiagnostics) }

// compareDiagnostics orders diagnostics by file and offset.
func compareDiagnostics(a, b *Diagnostic) int {
	if c := strings.Compare(a.Pos.Filename, b.Pos.Filename); c != 0 {
		return c
	}
	return a.Pos.Offset - b.Pos.Offset
}

// Unwrap returns the diagnostics as errors, so that errors.As(err, &d)
// with d a *Diagnostic finds the first of them, and errors.Is looks
// through the list.
func (l ErrorList) Unwrap() []error {
	errs := make([]error, len(l))
	for i, d := range l {
		errs[i] = d
	}
	return errs
}

// Error returns the first diagnostic and how many more there are.
func (l ErrorList) Error() string {
	switch len(l) {
	case 0:
		return "no errors"
	case 1:
		return l[0].Error()
	}
	if len(l) == 2 {
		return l[0].Error() + " (and 1 more error)"
	}
	return fmt.Sprintf("%s (and %d more errors)", l[0].Error(), len(l)-1)
}

// Err returns the list as an error, or nil when it is empty.
func (l ErrorList) Err() error {
	if len(l) == 0 {
		return nil
	}
	l.Sort()
	return l
}

// Diagnostics returns the diagnostics carried by err: the entries of an
// ErrorList, a single *Diagnostic, or nil for any other error.
func Diagnostics(err error) []*Diagnostic {
	var list ErrorList
	if errors.As(err, &list) {
		return list
	}
	var d *Diagnostic
	if errors.As(err, &d) {
		return []*Diagnostic{d}
	}
	return nil
}

// PrintDiagnostic writes d the way compilers do:
//
//	rule.nct:1:12: age bound 33 is not one the API accepts
//	    audience(1) where age[33,40)
//	                         ^^
//	    hint: use 30 or 35
//
// src is the source the diagnostic refers to; when nil, only the first line
// and the hint are printed. It is Printer{}.PrintDiagnostic: no colour.
func PrintDiagnostic(w io.Writer, d *Diagnostic, src []byte) { Printer{}.PrintDiagnostic(w, d, src) }

// PrintError writes every diagnostic in err with PrintDiagnostic, or err's
// text for an error that carries no diagnostics.
func PrintError(w io.Writer, err error, src []byte) { Printer{}.PrintError(w, err, src) }

// Printer renders diagnostics for a terminal or a log. Every byte of user
// data it prints (the quoted source line, the message, the hint) is shown
// escaped when it is not printable text, so a rule holding ESC sequences,
// NUL or bidirectional overrides cannot drive the terminal, and the caret
// stays under the character it points at.
type Printer struct {
	// Color marks the parts of a diagnostic with ANSI colours: the
	// position bold, an error's message red, "warning:" magenta, the caret
	// green, "hint:" cyan. For a terminal; off for files and pipes.
	Color bool
}

// The ANSI sequences Printer uses when Color is set.
const (
	ansiBold    = "\x1b[1m"
	ansiRed     = "\x1b[1;31m"
	ansiMagenta = "\x1b[1;35m"
	ansiGreen   = "\x1b[1;32m"
	ansiCyan    = "\x1b[36m"
	ansiReset   = "\x1b[0m"
)

// paint wraps s in the colour code when colour is on.
func (p Printer) paint(code, s string) string {
	if !p.Color || s == "" {
		return s
	}
	return code + s + ansiReset
}

// PrintDiagnostic writes d in the layout of the package's PrintDiagnostic.
func (p Printer) PrintDiagnostic(w io.Writer, d *Diagnostic, src []byte) {
	msg := termtext.EscapeLines(d.Msg)
	if d.Severity == SeverityWarning {
		msg = p.paint(ansiMagenta, "warning:") + " " + msg
	} else {
		msg = p.paint(ansiRed, msg)
	}
	fmt.Fprintf(w, "%s %s\n", p.paint(ansiBold, termtext.EscapeLines(d.Pos.String())+":"), msg)
	if line, col, ok := snippet(src, d.Pos); ok {
		pos, end := d.Pos, d.End
		end.Column += col - pos.Column
		pos.Column = col
		text, marker := quoteLine(line, pos, end)
		fmt.Fprintf(w, "    %s\n    %s\n", text, p.paint(ansiGreen, marker))
	}
	if d.Hint != "" {
		fmt.Fprintf(w, "    %s %s\n", p.paint(ansiCyan, "hint:"), termtext.EscapeLines(d.Hint))
	}
}

// PrintError writes every diagnostic in err with PrintDiagnostic, or err's
// text, escaped, for an error that carries no diagnostics.
func (p Printer) PrintError(w io.Writer, err error, src []byte) {
	ds := Diagnostics(err)
	if ds == nil {
		fmt.Fprintln(w, termtext.EscapeLines(err.Error()))
		return
	}
	for _, d := range ds {
		p.PrintDiagnostic(w, d, src)
	}
}

// maxSnippet is the most runes of a source line a diagnostic shows. A rule
// written on one long line would otherwise print the whole line with every
// diagnostic, and thousands of them would print gigabytes.
const maxSnippet = 400

// snippet returns the text of the line holding pos, without its line
// ending, cut to at most maxSnippet runes around pos with "…" where it was
// cut, and the column pos has in that text. It reads only the bytes near
// pos, so printing many diagnostics on one huge line stays linear. The
// text is raw source (it may hold control characters or bytes that are not
// UTF-8): quoteLine makes it safe to show.
func snippet(src []byte, pos Pos) (string, int, bool) {
	off := pos.Offset
	if src == nil || !pos.IsValid() || off < 0 || off > len(src) {
		return "", 0, false
	}
	start := bytes.LastIndexByte(src[:off], '\n') + 1
	if start == 0 && bytes.HasPrefix(src, []byte("\uFEFF")) && off >= 3 {
		start = 3 // the lexer gives a byte order mark no column
	}
	end := len(src)
	if i := bytes.IndexByte(src[off:], '\n'); i >= 0 {
		end = off + i
	}
	from, to := off, off
	for n := 0; n < maxSnippet/2 && from > start; n++ {
		_, size := utf8.DecodeLastRune(src[start:from])
		from -= size
	}
	for n := utf8.RuneCount(src[from:off]); n < maxSnippet && to < end; n++ {
		_, size := utf8.DecodeRune(src[to:end])
		to += size
	}
	line := string(bytes.TrimSuffix(src[from:to], []byte("\r")))
	col := utf8.RuneCount(src[from:off]) + 1
	if from > start {
		line, col = "…"+line, col+1
	}
	if to < end && !(to == end-1 && src[to] == '\r') {
		line += "…"
	}
	return line, col, true
}

// quoteLine returns line as it is shown under a diagnostic, escaped (see
// termtext.Escape) with tabs shown as one space, and the marker line under
// it: spaces up to pos.Column, then a '^' under each column of each rune of
// the span (at least one), stopping at the line's end. Widths are the
// terminal's: a wide rune (CJK, full-width forms, emoji) gets two spaces or
// two carets, an escape such as \x1b one per character, so the marker
// stays under the rune it points at.
func quoteLine(line string, pos, end Pos) (text, marker string) {
	cells := termtext.Cells(strings.ReplaceAll(line, "\t", " "))
	n := 1
	if end.Line == pos.Line && end.Column > pos.Column {
		n = end.Column - pos.Column
	}
	col := min(pos.Column-1, len(cells))
	if col < len(cells) {
		n = min(n, len(cells)-col)
	}
	var t, m strings.Builder
	for _, c := range cells {
		t.WriteString(c.Text)
	}
	for _, c := range cells[:col] {
		m.WriteString(strings.Repeat(" ", c.Width))
	}
	carets := 0
	for i := 0; i < n; i++ {
		w := 1
		if col+i < len(cells) {
			w = cells[col+i].Width
		}
		m.WriteString(strings.Repeat("^", w))
		carets += w
	}
	if carets == 0 { // the span is only combining marks: still show where
		m.WriteByte('^')
	}
	return t.String(), m.String()
}
