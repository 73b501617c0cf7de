package load

import (
	"encoding/binary"
	"math/bits"

	"github.com/nctarget/nctarget"
	"github.com/nctarget/nctarget/internal/userid"
)

// This file decodes the cells of users.csv eight bytes at a time (SWAR:
// SIMD within a register), without a branch per byte: with cells of
// random lengths, branches per byte mispredict on most cells and cost
// more than the rest of parsing.

const (
	ones  = 0x0101010101010101
	highs = 0x8080808080808080
)

// load64 returns the eight bytes of data at pos, little-endian, with zero
// bytes past the end of data.
func load64(data []byte, pos int) uint64 {
	if pos+8 <= len(data) {
		return binary.LittleEndian.Uint64(data[pos:])
	}
	var b [8]byte
	if pos < len(data) {
		copy(b[:], data[pos:])
	}
	return binary.LittleEndian.Uint64(b[:])
}

// zeroBytes has the high bit set in the lowest zero byte of x (and
// maybe in higher bytes, never in lower ones).
func zeroBytes(x uint64) uint64 { return (x - ones) &^ x & highs }

// cellLen returns the number of bytes before the first ',', '\n' or '\r'
// in x, 8 when there is none.
func cellLen(x uint64) int {
	m := zeroBytes(x^(',')*ones) | zeroBytes(x^('\n')*ones) | zeroBytes(x^('\r')*ones)
	return bits.TrailingZeros64(m) >> 3
}

// rowBounds returns a mask of the 32 bytes of a row after its ID's comma,
// with bit i set when byte i is below '0': the cell boundaries, found at
// once from four independent words instead of one cell after the other.
// Every separator (',', '\n', '\r') is below '0', and no byte of a valid
// cell is, so a row is valid only if its first boundaries are exactly its
// separators: the caller checks that they are.
func rowBounds(w *[rowWindow]byte) uint32 {
	var m uint32
	for k := range 4 {
		x := binary.LittleEndian.Uint64(w[userid.TextLen+1+8*k:])
		z := belowZero(x)
		m |= uint32((z>>7)*0x0102040810204080>>56) << (8 * k) // gather the high bits
	}
	return m
}

// belowZero has the high bit set in exactly the bytes of x below '0'.
func belowZero(x uint64) uint64 {
	const low7 = 0x7f7f7f7f7f7f7f7f
	// A byte's low seven bits plus 0x50 reach 0x80 when they are '0' or
	// more, and never carry into the next byte.
	return ^(x&low7 + (0x80-'0')*ones | x) & highs
}

// lowBytes keeps the lowest n (0–8) bytes of x.
func lowBytes(x uint64, n int) uint64 {
	return x & (uint64(1)<<(8*uint(n)) - 1)
}

// inRange has the high bit set in every byte of x (bytes below 0x80)
// that is in [lo, hi].
func inRange(x uint64, lo, hi byte) uint64 {
	return (x + (0x80-uint64(lo))*ones) &^ (x + (0x7f-uint64(hi))*ones) & highs
}

// parseIDFast decodes the user ID s to the two little-endian words of a
// userid.ID, eight hex digits at a time. Words, not a userid.ID: returning an
// array through memory written in parts stalls the processor on every
// row. s is an array so that a caller holding a row's bytes as one
// (fastRowCanonical) pays no bounds check.
func parseIDFast(s *[userid.TextLen]byte) (lo, hi uint64, ok bool) {
	n0, bad0 := hexWord(binary.LittleEndian.Uint64(s[1:]))
	n1, bad1 := hexWord(binary.LittleEndian.Uint64(s[9:]))
	n2, bad2 := hexWord(binary.LittleEndian.Uint64(s[17:]))
	n3, bad3 := hexWord(binary.LittleEndian.Uint64(s[25:]))
	return n0 | n1<<32, n2 | n3<<32, s[0] == 'U' && bad0|bad1|bad2|bad3 == 0
}

// hexWord decodes the eight lowercase hex digits in the bytes of x to
// their four bytes, as the low half of the result; bad is non-zero when a
// byte of x is not a lowercase hex digit.
func hexWord(x uint64) (n, bad uint64) {
	letter := x >> 6 & ones            // 1 in the bytes of 'a'–'f' (and of every byte from 0x40)
	u := x - letter*('a'-'9'-1)        // 'a'–'f' become ':'–'?', right after the digits; no byte borrows
	d := u & (0x0f * ones)             // the value of each digit
	bad = (u&(0xf0*ones) ^ '0'*ones) | // not '0'–'?'
		((d+6*ones)>>4&ones ^ letter) // a letter below 10, or a digit above 9
	n = (d<<4 | d>>8) & 0x00ff00ff00ff00ff // two digits a byte, in every other byte
	n = (n | n>>8) & 0x0000ffff0000ffff
	return (n | n>>16) & 0xffffffff, bad
}

// putID stores the words of parseIDFast in id.
func putID(id *userid.ID, lo, hi uint64) {
	binary.LittleEndian.PutUint64(id[:8], lo)
	binary.LittleEndian.PutUint64(id[8:], hi)
}

// setCode is a code of a set attribute as the low bytes of a word, for
// decoding a cell by its first byte.
type setCode struct {
	word   uint64
	n      int
	v      uint8
	others bool // appType "others"
	ok     bool // the entry holds a code
}

// setCodes maps, per set attribute with a handful of codes (gender,
// appType), a cell's first byte to the one code that starts with it.
var setCodes = func() (t [NumAttrs]*[256]setCode) {
	for _, a := range []nctarget.Attr{nctarget.AttrGender, nctarget.AttrAppType} {
		t[a] = new([256]setCode)
		add := func(code string, v uint8, others bool) {
			if t[a][code[0]].ok {
				panic("load: two " + a.String() + " codes start alike")
			}
			t[a][code[0]] = setCode{word: load64([]byte(code), 0), n: len(code), v: v, others: others, ok: true}
		}
		t[a][0] = setCode{v: noValue, ok: true} // the empty cell
		for i, c := range a.Codes() {
			add(c, uint8(i), false)
		}
		if a == nctarget.AttrAppType {
			add("others", noValue, true)
		}
	}
	return t
}()

// areaCountry maps the second letter of an area code to its first and
// its country's number in areaKey.
var areaCountry = func() (t [256]struct {
	first   byte
	country int
}) {
	for i, cc := range []string{"jp", "tw", "th", "id"} {
		t[cc[1]].first, t[cc[1]].country = cc[0], i
	}
	return t
}()

// cellKind is how fastRow decodes a column.
type cellKind uint8

const (
	kindID    cellKind = iota // userId
	kindSet                   // gender, appType: see setCodes
	kindArea                  // area: see areaFast
	kindRange                 // age, subscriptionPeriod: see rangeFast
)

// kindOf returns the cellKind of attribute a (0 for userId).
func kindOf(a nctarget.Attr) cellKind {
	switch {
	case a == 0:
		return kindID
	case a == nctarget.AttrArea:
		return kindArea
	case a.IsRange():
		return kindRange
	}
	return kindSet
}

// cellFast decodes the cell of attribute a in the low n (0–7) bytes of
// x, as cellValue does; ok is false for anything cellValue would reject.
// fastRowCanonical, the hot loop, writes its switch out.
func cellFast(a nctarget.Attr, x uint64, n int) (v uint8, others, ok bool) {
	switch kindOf(a) {
	case kindArea:
		v, ok = areaFast(x, n)
	case kindRange:
		v, ok = rangeFast(a, x, n)
	default:
		v, others, ok = setFast(a, x, n)
	}
	return v, others, ok
}

// setFast decodes a gender or appType of n bytes, the low bytes of x.
func setFast(a nctarget.Attr, x uint64, n int) (v uint8, others, ok bool) {
	x = lowBytes(x, n)
	c := &setCodes[a][byte(x)]
	return c.v, c.others, c.ok && c.word == x && c.n == n
}

// areaFast decodes an area code of n bytes, the low bytes of x. An empty
// cell (unknown) is decoded like any other, and chosen at the end without
// a branch: a fifth of cells are empty, at random.
func areaFast(x uint64, n int) (uint8, bool) {
	cc := areaCountry[byte(x>>8)]
	d := (x>>24)&0xffff - '0'*(1+1<<8)
	d1, d2 := d&0xff, d>>8&0xff
	i := areaCodes[(cc.country*100+int(d1*10+d2))&(len(areaCodes)-1)]
	good := n == 5 && byte(x) == cc.first && byte(x>>16) == '_' && d1 <= 9 && d2 <= 9 && cc.first != 0 && i >= 0
	v := uint8(i)
	if n == 0 {
		v, good = noValue, true
	}
	return v, good
}

// rangeFast decodes a whole number of n bytes, the low bytes of x, to its
// bucket of range attribute a: the n digits are right-aligned in the word
// (leading zeros) and combined pairwise (SWAR number parsing). An empty
// cell decodes as 0 and is chosen at the end, as in areaFast.
func rangeFast(a nctarget.Attr, x uint64, n int) (uint8, bool) {
	x = lowBytes(x, n)
	bad := x&highs | (inRange(x, '0', '9') ^ lowBytes(highs, n))
	x = (x & (0x0f * ones)) << (8 * uint(8-n)) // 0 when n is 0
	x = x*10 + x>>8                            // each byte: 10 × its digit + the next
	x = (x & 0x00ff00ff00ff00ff) * (100<<16 + 1) >> 16
	x = (x & 0x0000ffff0000ffff) * (10000<<32 + 1) >> 32
	if bad != 0 || x > uint64(maxValue[a]) {
		return 0, false
	}
	v := bucketOfValue[a][x]
	if n == 0 {
		v = noValue
	}
	return v, true
}
