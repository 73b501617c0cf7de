package workbench

import (
	"bytes"
	"unicode/utf8"

	"github.com/nctarget/nctarget"
)

// Position is a place in a rule counted every way an editor may need:
// Line and Column as nctarget prints them (1-based, columns in runes),
// Offset in bytes, and Character in UTF-16 code units from the start of
// the line, 0-based, which is what LSP positions and JavaScript string
// indexes count. Rules may hold Japanese, Thai and Chinese area and
// audience names, where the three counts differ.
type Position struct {
	Line      int `json:"line"`
	Column    int `json:"column"`
	Offset    int `json:"offset"`
	Character int `json:"character"`
}

// PositionOf converts p, a position in src, to a Position. An invalid p
// (no line) is the start of src; an offset past the end is the end.
func PositionOf(src []byte, p nctarget.Pos) Position {
	if !p.IsValid() {
		return Position{Line: 1, Column: 1}
	}
	off := min(max(p.Offset, 0), len(src))
	start := off
	for start > 0 && src[start-1] != '\n' {
		start--
	}
	return Position{Line: p.Line, Column: p.Column, Offset: off, Character: UTF16Len(src[start:off])}
}

// UTF16Len returns how many UTF-16 code units the text b takes: two for a
// rune outside the Basic Multilingual Plane, one for any other rune and
// for each byte that is not valid UTF-8 (which decodes as U+FFFD).
func UTF16Len(b []byte) int {
	n := 0
	for len(b) > 0 {
		r, size := utf8.DecodeRune(b)
		if r >= 0x10000 {
			n += 2
		} else {
			n++
		}
		b = b[size:]
	}
	return n
}

// OffsetOf returns the byte offset in src of line (1-based) and character
// (0-based, UTF-16 code units), the inverse of PositionOf for an editor's
// positions. A line past the end is the end of src; a character past the
// end of its line is the end of the line.
func OffsetOf(src []byte, line, character int) int {
	off := 0
	for l := 1; l < line; l++ {
		i := bytes.IndexByte(src[off:], '\n')
		if i < 0 {
			return len(src)
		}
		off += i + 1
	}
	for n := 0; off < len(src) && src[off] != '\n' && n < character; {
		r, size := utf8.DecodeRune(src[off:])
		if r >= 0x10000 {
			n += 2
		} else {
			n++
		}
		off += size
	}
	return off
}

// PositionAt returns the Position of byte offset off in src, counting its
// line and columns from the text itself; an offset inside a UTF-8
// sequence is the start of its character, and one outside src is
// clamped to it. Hover and completion spans, which are byte offsets, are
// placed with it.
func PositionAt(src []byte, off int) Position {
	off = min(max(off, 0), len(src))
	for n := 0; n < utf8.UTFMax-1 && off > 0 && off < len(src) && !utf8.RuneStart(src[off]); n++ {
		off--
	}
	start := bytes.LastIndexByte(src[:off], '\n') + 1
	return Position{Line: bytes.Count(src[:off], []byte("\n")) + 1, Column: utf8.RuneCount(src[start:off]) + 1,
		Offset: off, Character: UTF16Len(src[start:off])}
}
