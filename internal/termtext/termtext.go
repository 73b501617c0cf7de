// Package termtext makes user data safe to show on a terminal and measures
// how wide it shows.
//
// Everything nctarget prints for people (a quoted source line under a
// diagnostic, a name, a line of a data file, a warning) may hold bytes a
// user never meant as commands to the terminal: ESC sequences that change
// colours or the window title or clear the screen, NUL, a carriage return
// that overwrites the line, bidirectional overrides that reorder it.
// Escape writes each such rune as a visible Go-style escape (\x1b, \u202e),
// and Width says how many terminal columns a rune takes as shown, so a
// caret drawn under an escaped line still points at the right character.
package termtext

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/rivo/uniseg"
)

// Escape returns s with every rune that is not graphic (control and format
// characters, line and paragraph separators, private use and unassigned
// code points) and every byte that is not valid UTF-8 written as an
// escape. Printable text, spaces included, is kept as it is.
func Escape(s string) string {
	if isSafe(s, false) {
		return s
	}
	var b strings.Builder
	for _, c := range Cells(s) {
		b.WriteString(c.Text)
	}
	return b.String()
}

// EscapeLines is Escape keeping newlines, for messages of several lines.
func EscapeLines(s string) string {
	if isSafe(s, true) {
		return s
	}
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = Escape(l)
	}
	return strings.Join(lines, "\n")
}

// isSafe reports whether s needs no escaping; newline tells whether '\n'
// is allowed.
func isSafe(s string, newline bool) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= utf8.RuneSelf || c < ' ' || c == 0x7f {
			if c == '\n' && newline {
				continue
			}
			return false
		}
	}
	return true
}

// Cell is one rune of a line as a terminal shows it: its text (the rune
// itself or its escape) and the columns that text takes.
type Cell struct {
	Text  string
	Width int
}

// Cells splits s into one Cell per rune, or per byte that is not valid
// UTF-8 (as a lexer counting runes counts it), escaping what Escape
// escapes.
func Cells(s string) []Cell {
	cells := make([]Cell, 0, len(s))
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			cells = append(cells, escaped(fmt.Sprintf(`\x%02x`, s[i])))
		case !unicode.IsGraphic(r):
			cells = append(cells, escaped(escapeRune(r)))
		default:
			cells = append(cells, Cell{Text: s[i : i+size], Width: Width(r)})
		}
		i += size
	}
	return cells
}

// escaped is the cell of an escape, one column per byte.
func escaped(text string) Cell { return Cell{Text: text, Width: len(text)} }

// escapeRune writes a non-graphic rune the way Go source would.
func escapeRune(r rune) string {
	switch r {
	case '\a':
		return `\a`
	case '\b':
		return `\b`
	case '\f':
		return `\f`
	case '\n':
		return `\n`
	case '\r':
		return `\r`
	case '\t':
		return `\t`
	case '\v':
		return `\v`
	}
	switch {
	case r < 0x80:
		return fmt.Sprintf(`\x%02x`, r)
	case r <= 0xffff:
		return fmt.Sprintf(`\u%04x`, r)
	}
	return fmt.Sprintf(`\U%08x`, r)
}

// Width returns the terminal columns a graphic rune takes: 2 for East
// Asian wide and full-width characters and emoji, 0 for combining marks,
// 1 otherwise, as measured by uniseg (Unicode's East Asian Width and emoji
// presentation tables).
func Width(r rune) int {
	if r < utf8.RuneSelf {
		return 1
	}
	return uniseg.StringWidth(string(r))
}
