package eval

import (
	"encoding/binary"
	"math/bits"

	"github.com/nctarget/nctarget"
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

// lowBytes keeps the lowest n (0–8) bytes of x.
func lowBytes(x uint64, n int) uint64 {
	return x & (uint64(1)<<(8*uint(n)) - 1)
}

// inRange has the high bit set in every byte of x (bytes below 0x80)
// that is in [lo, hi].
func inRange(x uint64, lo, hi byte) uint64 {
	return (x + (0x80-uint64(lo))*ones) &^ (x + (0x7f-uint64(hi))*ones) & highs
}

// hexWord decodes 8 lowercase hex digits to 4 bytes, in order, reporting
// whether they are all hex digits.
func hexWord(x uint64) (uint32, bool) {
	digit := inRange(x, '0', '9')
	letter := inRange(x, 'a', 'f')
	ok := x&highs == 0 && digit|letter == highs
	n := x&(0x0f*ones) + (letter>>7)*9 // the value of each digit
	n = (n<<4 | n>>8) & 0x00ff00ff00ff00ff
	n = (n | n>>8) & 0x0000ffff0000ffff
	n = (n | n>>16) & 0xffffffff
	return uint32(n), ok
}

// parseIDFast decodes the user ID at data[pos:pos+idLen]; the caller has
// checked that it is within data.
func parseIDFast(data []byte, pos int) (id userID, ok bool) {
	s := data[pos : pos+idLen]
	var bad bool
	for w := range 4 {
		v, good := hexWord(binary.LittleEndian.Uint64(s[1+8*w:]))
		binary.LittleEndian.PutUint32(id[4*w:], v)
		bad = bad || !good
	}
	return id, s[0] == 'U' && !bad
}

// wholeFast decodes the n (1–7) digits in the low bytes of x, reporting
// whether they are all digits.
func wholeFast(x uint64, n int) (uint32, bool) {
	x = lowBytes(x, n)
	ok := x&highs == 0 && inRange(x, '0', '9') == lowBytes(highs, n)
	x = (x & (0x0f * ones)) << (8 * uint(8-n)) // right-align the digits: leading zeros
	x = x*10 + x>>8                            // each byte: 10 × its digit + the next
	x = (x & 0x00ff00ff00ff00ff) * (100<<16 + 1) >> 16
	x = (x & 0x0000ffff0000ffff) * (10000<<32 + 1) >> 32
	return uint32(x), ok
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
var setCodes = func() (t [numAttrs]*[256]setCode) {
	for _, a := range []nctarget.Attr{nctarget.AttrGender, nctarget.AttrAppType} {
		t[a] = new([256]setCode)
		add := func(code string, v uint8, others bool) {
			if t[a][code[0]].ok {
				panic("eval: two " + a.String() + " codes start alike")
			}
			t[a][code[0]] = setCode{word: load64([]byte(code), 0), n: len(code), v: v, others: others, ok: true}
		}
		for i, c := range attrCodes[a] {
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

// cellFast decodes the cell of attribute a in the low n (0–7) bytes of
// x, as cellValue does; ok is false for anything cellValue would reject.
func cellFast(a nctarget.Attr, x uint64, n int) (v uint8, others, ok bool) {
	if n == 0 {
		return noValue, false, true
	}
	x = lowBytes(x, n)
	switch a {
	case nctarget.AttrGender, nctarget.AttrAppType:
		c := &setCodes[a][byte(x)]
		return c.v, c.others, c.ok && c.word == x && c.n == n
	case nctarget.AttrArea:
		cc := areaCountry[byte(x>>8)]
		d := (x >> 24) - '0'*(1+1<<8)
		d1, d2 := int(d&0xff), int(d>>8)
		if n != 5 || byte(x) != cc.first || byte(x>>16) != '_' || d1 > 9 || d2 > 9 || cc.first == 0 {
			return 0, false, false
		}
		i := areaCodes[cc.country*100+d1*10+d2]
		return uint8(i), false, i >= 0
	default: // a range attribute
		w, ok := wholeFast(x, n)
		if !ok || w > uint32(maxValue[a]) {
			return 0, false, false
		}
		return bucketOfValue[a][w], false, true
	}
}
