package load

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math/bits"

	"github.com/nctarget/nctarget"
	"github.com/nctarget/nctarget/internal/userid"
)

// This file parses the rows of a chunk of users.csv. Most rows take the
// fast path, fastRow, which reads cells without splitting the line first;
// anything unusual (an error, a blank line, stray carriage returns, an
// unterminated last line) goes to the slow path, slowRow, which reports
// errors with their columns.

// minRow is the length of the shortest valid row: an ID, five commas.
const minRow = userid.TextLen + numColumns - 1

// parseChunk parses the lines of c.data: IDs, columns, table entries,
// line numbers and errors, counting lines from 1 at the chunk's first.
func (u *usersLoader) parseChunk(c *chunk) {
	c.reset(len(c.data)/minRow + 1)
	data := c.data
	pos, line := 0, 0
	canonical := u.cols == canonicalCols
	for pos < len(data) {
		line++
		var next int
		var ok bool
		if canonical {
			next, ok = u.fastRowCanonical(c, data, pos, line)
		} else {
			next, ok = u.fastRow(c, data, pos, line)
		}
		if ok {
			pos = next
			continue
		}
		raw, tooLong := c.line(pos)
		if tooLong {
			c.stopAt(u.path, line)
			break
		}
		pos += len(raw) + 1
		u.slowRow(c, trimEOL(raw), line)
	}
	c.end(line)
	c.entries, c.start = userid.Partition(c.ids[:c.n], c.entries[:0], 0)
}

// reset empties c's results, with room for rows rows.
func (c *chunk) reset(rows int) {
	c.n, c.lines, c.nextLine, c.fatal, c.others, c.othersLine = 0, 0, 0, false, 0, 0
	c.placed, c.keep, c.base = false, false, 0
	c.users, c.errs = c.users[:0], cappedErrors{}
	if cap(c.ids) < rows {
		c.ids = make([]userid.ID, rows)
		for _, a := range nctarget.Attrs {
			c.cols[a] = make([]uint8, rows)
		}
	}
	c.ids = c.ids[:cap(c.ids)]
}

// addRow records a parsed row on line, whose ID is already in c.ids.
func (c *chunk) addRow(vals *[NumAttrs]uint8, others bool, line int) {
	i := c.n
	for a := nctarget.AttrGender; int(a) < NumAttrs; a++ {
		c.cols[a][i] = vals[a]
	}
	c.n++
	if line != c.nextLine {
		c.users.add(uint32(i), line)
	}
	c.nextLine = line + 1
	if others {
		c.others++
		if c.othersLine == 0 {
			c.othersLine = line
		}
	}
}

// fastRow parses the row at data[pos:] when it is well-formed and ends
// in \n or \r\n, returning the position after it; false for anything
// else, which slowRow then handles. It reads each cell as one word (see
// swar.go).
func (u *usersLoader) fastRow(c *chunk, data []byte, pos, line int) (int, bool) {
	var vals [NumAttrs]uint8
	var lo, hi uint64
	others := false
	var term byte
	for k, a := range u.cols {
		if a == 0 {
			if pos+userid.TextLen >= len(data) {
				return 0, false
			}
			var ok bool
			if lo, hi, ok = parseIDFast((*[userid.TextLen]byte)(data[pos:])); !ok {
				return 0, false
			}
			pos += userid.TextLen
		} else {
			x := load64(data, pos)
			n := cellLen(x)
			if n == 8 || pos+n >= len(data) {
				return 0, false
			}
			v, oth, ok := cellFast(a, x, n)
			if !ok {
				return 0, false
			}
			vals[a], others, pos = v, others || oth, pos+n
		}
		if term = data[pos]; k < numColumns-1 {
			if term != ',' {
				return 0, false
			}
			pos++
		}
	}
	switch {
	case term == '\n':
		pos++
	case term == '\r' && pos+1 < len(data) && data[pos+1] == '\n':
		pos += 2
	default:
		return 0, false
	}
	putID(&c.ids[c.n], lo, hi)
	c.addRow(&vals, others, line)
	return pos, true
}

// canonicalCols is the column order of users.csv's usual header, for which
// fastRowCanonical is written.
var canonicalCols = [numColumns]nctarget.Attr{0, nctarget.AttrGender, nctarget.AttrAge,
	nctarget.AttrAppType, nctarget.AttrArea, nctarget.AttrSubscriptionPeriod}

// rowWindow is how many bytes from the start of a row fastRowCanonical
// reads: the ID, its comma and 32 bytes of cells (see rowBounds), with
// room to read a whole word at any cell's start.
const rowWindow = userid.TextLen + 1 + 32 + 8 + 2

// fastRowCanonical is fastRow for the canonical column order, written out
// cell by cell. It finds every cell boundary of the row at once
// (rowBounds), so that the cells are decoded independently of each other
// rather than each waiting for the end of the one before, and decodes
// them without a branch that depends on the data; rows with a longer
// tail than 32 bytes, and the last rows of a chunk, go to fastRow.
func (u *usersLoader) fastRowCanonical(c *chunk, data []byte, pos, line int) (int, bool) {
	if len(data)-pos < rowWindow {
		return u.fastRow(c, data, pos, line)
	}
	w := (*[rowWindow]byte)(data[pos:])
	m := rowBounds(w)
	// The boundaries of the five cells after the ID, which ends at userid.TextLen.
	e1 := userid.TextLen + 1 + bits.TrailingZeros32(m)
	m &= m - 1
	e2 := userid.TextLen + 1 + bits.TrailingZeros32(m)
	m &= m - 1
	e3 := userid.TextLen + 1 + bits.TrailingZeros32(m)
	m &= m - 1
	e4 := userid.TextLen + 1 + bits.TrailingZeros32(m)
	m &= m - 1
	e5 := userid.TextLen + 1 + bits.TrailingZeros32(m) // past the window when m == 0
	n1, n2, n3, n4, n5 := e1-userid.TextLen-1, e2-e1-1, e3-e2-1, e4-e3-1, e5-e4-1
	if m == 0 || (n1|n2|n3|n4|n5) > 7 || w[userid.TextLen] != ',' ||
		w[e1] != ',' || w[e2] != ',' || w[e3] != ',' || w[e4] != ',' {
		return u.fastRow(c, data, pos, line)
	}
	lo, hi, ok := parseIDFast((*[userid.TextLen]byte)(w[:userid.TextLen]))
	var vals [NumAttrs]uint8
	var oth1, oth3, ok1, ok2, ok3, ok4, ok5 bool
	vals[nctarget.AttrGender], oth1, ok1 = setFast(nctarget.AttrGender, cellWord(w, userid.TextLen+1), n1)
	vals[nctarget.AttrAge], ok2 = rangeFast(nctarget.AttrAge, cellWord(w, e1+1), n2)
	vals[nctarget.AttrAppType], oth3, ok3 = setFast(nctarget.AttrAppType, cellWord(w, e2+1), n3)
	vals[nctarget.AttrArea], ok4 = areaFast(cellWord(w, e3+1), n4)
	vals[nctarget.AttrSubscriptionPeriod], ok5 = rangeFast(nctarget.AttrSubscriptionPeriod, cellWord(w, e4+1), n5)
	switch {
	case !(ok && ok1 && ok2 && ok3 && ok4 && ok5):
		return 0, false
	case w[e5] == '\n':
		pos += e5 + 1
	case w[e5] == '\r' && w[e5+1] == '\n':
		pos += e5 + 2
	default:
		return 0, false
	}
	putID(&c.ids[c.n], lo, hi)
	c.addRow(&vals, oth1 || oth3, line)
	return pos, true
}

// cellWord returns the eight bytes of w at i, little-endian.
func cellWord(w *[rowWindow]byte, i int) uint64 {
	return binary.LittleEndian.Uint64(w[i:])
}

// slowRow parses one line, without its line ending, reporting what is
// wrong with it at its column.
func (u *usersLoader) slowRow(c *chunk, line []byte, lineNo int) {
	if len(bytes.TrimSpace(line)) == 0 {
		return // blank
	}
	var cells [numColumns][]byte
	id, vals, others, fault := u.parseRow(line, &cells)
	if fault != nil {
		if c.errs.full() { // counted, not listed
			c.errs.addMore(1, lineNo)
			return
		}
		c.errs.add(dataError(u.path, lineNo, fault.col, fault.hint, "%s", fault.msg))
		return
	}
	c.ids[c.n] = id
	c.addRow(&vals, others, lineNo)
}

// A rowFault is what is wrong with a line of users.csv: the column it
// starts at (from 1), the message and the hint of its diagnostic.
type rowFault struct {
	col       int
	msg, hint string
}

// parseRow parses one line that is not blank, without its line ending:
// its ID, its column bytes and whether its appType is others, with its
// cells (without quotes) in cells by column; or what is wrong with it.
func (u *usersLoader) parseRow(line []byte, cells *[numColumns][]byte) (id userid.ID, vals [NumAttrs]uint8, others bool, fault *rowFault) {
	var starts [numColumns]int
	n, bad := splitCells(line, cells[:], starts[:])
	if bad >= 0 {
		return id, vals, false, &rowFault{bad + 1, "malformed quoted cell", `a quoted cell is "…" with "" for a quote inside, and ends before the next comma`}
	}
	if n != len(cells) {
		return id, vals, false, &rowFault{1, fmt.Sprintf("%d cells, the header has %d", n, len(cells)), "each row has 6 cells: " + string(joinHeader())}
	}
	for k, a := range u.cols {
		if a == 0 {
			var ok bool
			if id, ok = userid.Parse(cells[k]); !ok {
				return id, vals, false, &rowFault{starts[k] + 1, fmt.Sprintf("bad user ID %q", cells[k]), "a user ID is U followed by 32 lowercase hex digits"}
			}
			continue
		}
		v, oth, err := cellValue(a, cells[k])
		if err != nil {
			return id, vals, false, &rowFault{starts[k] + 1, err.Error(), ""}
		}
		vals[a], others = v, others || oth
	}
	return id, vals, others, nil
}

// splitCells splits a line of users.csv into cells at its commas, as RFC
// 4180 does: a cell may be quoted ("…", with "" for a quote), as
// spreadsheets and LINE's exports write them, and is then its text
// without the quotes. It stores the first len(cells) cells and where each
// starts in line, and returns how many cells there are, and where a
// malformed quoted cell starts (-1 when none is). A quoted cell cannot
// span lines: no valid cell holds a line break.
func splitCells(line []byte, cells [][]byte, starts []int) (n, bad int) {
	for start := 0; ; {
		cell, end := line[start:], len(line)
		if len(cell) > 0 && cell[0] == '"' {
			text, rest, ok := unquote(cell)
			if !ok || (len(rest) > 0 && rest[0] != ',') {
				return n, start
			}
			cell, end = text, len(line)-len(rest)
		} else if j := bytes.IndexByte(cell, ','); j >= 0 {
			cell, end = cell[:j], start+j
		}
		if n < len(cells) {
			cells[n], starts[n] = cell, start
		}
		n++
		if end == len(line) {
			return n, -1
		}
		start = end + 1
	}
}

// unquote reads the quoted cell at the start of s, returning its text
// and what follows its closing quote; ok is false when it has none.
func unquote(s []byte) (text, rest []byte, ok bool) {
	var out []byte // the text, once a "" needs it copied
	from := 1      // the start of the text not yet in out
	for i := 1; i < len(s); i++ {
		if s[i] != '"' {
			continue
		}
		if i+1 < len(s) && s[i+1] == '"' { // "" is a quote
			out = append(out, s[from:i+1]...)
			i++
			from = i + 1
			continue
		}
		if out == nil {
			return s[1:i], s[i+1:], true
		}
		return append(out, s[from:i]...), s[i+1:], true
	}
	return nil, nil, false
}
