package load

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/nctarget/nctarget"
	"github.com/nctarget/nctarget/internal/userid"
)

// cellSamples returns cells to decode: every code and bound, near misses,
// and random strings of up to 7 bytes over an alphabet with digits,
// letters, separators, NUL and non-ASCII bytes.
func cellSamples() []string {
	cells := []string{"", "others", "other", "othersx", "male", "mal", "males", "female", "Male", "ma\x00e",
		"0", "00", "007", "150", "151", "999", "36500", "36501", "0036500", "1e3", "-1", " 1", "9999999",
		"jp_13", "jp_1", "jp_133", "jp-13", "tw_00", "xx_13", "jp_1a", "\xffp_13", "id_12", "th_08", "th_09"}
	for _, a := range nctarget.Attrs {
		cells = append(cells, a.Codes()...)
	}
	for c := range 256 {
		cells = append(cells, string([]byte{byte(c)}), "jp_1"+string([]byte{byte(c)}), "1"+string([]byte{byte(c)}))
	}
	const alphabet = "0123456789_,jptwhidmalefsornc\x00\r\n\x80\xff "
	r := rand.New(rand.NewPCG(1, 2))
	for range 20000 {
		var b strings.Builder
		for range r.IntN(8) {
			b.WriteByte(alphabet[r.IntN(len(alphabet))])
		}
		cells = append(cells, b.String())
	}
	return cells
}

// TestCellFast checks the word-at-a-time cell decoder against cellValue:
// the same cell length, and the same value for every cell cellValue
// accepts, except those with capitals (Male), which only the slow path
// takes; cells cellValue rejects must be rejected.
func TestCellFast(t *testing.T) {
	t.Parallel()
	for _, cell := range cellSamples() {
		data := []byte(cell + ",")
		x := load64(data, 0)
		n := cellLen(x)
		wantN := strings.IndexAny(cell+",", ",\r\n")
		if n != min(wantN, 8) {
			t.Fatalf("cellLen(%q) = %d, want %d", cell, n, min(wantN, 8))
		}
		if n != len(cell) {
			continue
		}
		for _, a := range nctarget.Attrs {
			v, others, ok := cellFast(a, x, n)
			wv, wothers, err := cellValue(a, []byte(cell))
			capitals := string(asciiLower([]byte(cell))) != cell
			if ok && err != nil || !ok && err == nil && !capitals || ok && (v != wv || others != wothers) {
				t.Errorf("cellFast(%s, %q) = %d, %v, %v; cellValue: %d, %v, %v", a, cell, v, others, ok, wv, wothers, err)
			}
		}
	}
}

// TestParseIDFast checks the word-at-a-time ID decoder against parseID
// on IDs with each position changed to each byte.
func TestParseIDFast(t *testing.T) {
	t.Parallel()
	base := []byte(userid.Format(0x0123456789abcdef) + ",")
	copy(base[1:], "fedcba98")
	for i := range userid.TextLen {
		for c := range 256 {
			s := append([]byte(nil), base...)
			s[i] = byte(c)
			lo, hi, ok := parseIDFast((*[userid.TextLen]byte)(s))
			var got userid.ID
			putID(&got, lo, hi)
			want, wantOK := userid.Parse(s[:userid.TextLen])
			if ok != wantOK || ok && got != want {
				t.Fatalf("parseIDFast(%q) = %v, %v; parseID: %v, %v", s[:userid.TextLen], got, ok, want, wantOK)
			}
		}
	}
}

// TestRowBounds checks the row-at-once boundary mask against a byte
// loop, on random bytes rich in separators, their neighbours and bytes
// with the high bit set (a carry between bytes would flag a neighbour).
func TestRowBounds(t *testing.T) {
	t.Parallel()
	const alphabet = ",\n\r-/0\x0b\x00\x01\x7f\x80\xaf\xb0\xffa_"
	r := rand.New(rand.NewPCG(3, 4))
	for range 5000 {
		var w [rowWindow]byte
		for i := range w {
			w[i] = alphabet[r.IntN(len(alphabet))]
		}
		var want uint32
		for i := range 32 {
			if w[userid.TextLen+1+i] < '0' {
				want |= 1 << i
			}
		}
		if got := rowBounds(&w); got != want {
			t.Fatalf("rowBounds(%q) = %032b, want %032b", w, got, want)
		}
	}
}

// TestFastRows checks the row fast paths against the slow path, row by
// row: rows of every cell length (the longest canonical row included)
// with each byte changed to each of a set of bytes, with a CRLF, and
// followed by enough rows that fastRowCanonical reads its whole window.
// A row a fast path takes must be one slowRow takes, with the same ID,
// values and "others", ending where its first line ends.
func TestFastRows(t *testing.T) {
	t.Parallel()
	bases := []string{
		userid.Format(1) + ",male,35,ios,jp_13,30",
		userid.Format(2) + ",female,150,android,jp_47,36500", // the longest canonical row
		userid.Format(3) + ",,,,,",
		userid.Format(4) + ",,7,others,,0",
		userid.Format(5) + ",female,0150,android,id_12,0036500", // cells of 4 and 7 bytes
	}
	const bytes = ",\n\r0159_afgmU/:`\x00\x80\xff"
	var rows []string
	for _, b := range bases {
		rows = append(rows, b+"\n", b+"\r\n")
		for i := range len(b) + 1 {
			for _, c := range []byte(bytes) {
				rows = append(rows, b[:i]+string(c)+b[min(i+1, len(b)):]+"\n")
			}
		}
	}
	tail := strings.Repeat(userid.Format(9)+",male,1,ios,jp_01,1\n", 3)
	u := &usersLoader{path: "users.csv", cols: canonicalCols}
	for _, row := range rows {
		data := []byte(row + tail)
		fast, slow := &chunk{}, &chunk{}
		fast.reset(8)
		slow.reset(8)
		next, ok := u.fastRowCanonical(fast, data, 0, 1)
		line, _, _ := strings.Cut(row, "\n")
		u.slowRow(slow, trimEOL([]byte(line)), 1)
		if !ok {
			if slices.Contains(bases, strings.TrimSuffix(line, "\r")) {
				t.Fatalf("%q: the fast path rejects a valid row", row)
			}
			continue
		}
		if slow.n != 1 || len(slow.errs.list) > 0 {
			t.Fatalf("%q: the fast path took a row the slow path rejects: %v", row, slow.errs)
		}
		if end := len(line) + 1; next != end || fast.n != 1 || fast.ids[0] != slow.ids[0] || fast.others != slow.others {
			t.Fatalf("%q: fast path: end %d, id %v, others %d; slow path: end %d, id %v, others %d",
				row, next, fast.ids[0], fast.others, end, slow.ids[0], slow.others)
		}
		for _, a := range nctarget.Attrs {
			if fast.cols[a][0] != slow.cols[a][0] {
				t.Fatalf("%q: %s is %d on the fast path, %d on the slow path", row, a, fast.cols[a][0], slow.cols[a][0])
			}
		}
	}
}
