package load

import (
	"bytes"
	"fmt"

	"github.com/nctarget/nctarget"
)

// This file decodes the cells of users.csv one at a time, reporting what
// is wrong with a cell: the slow path of rows.go and NewDataset's. The
// fast path (swar.go) decodes the same cells to the same values.

// maxValue bounds the numbers a range attribute may take: no one is 200
// years old or has been a friend for longer than LINE has existed.
var maxValue = [NumAttrs]int32{nctarget.AttrAge: 150, nctarget.AttrSubscriptionPeriod: 36500}

// cellValue decodes one users.csv cell of attribute a to its column byte.
// An empty cell is unknown; so is appType "others", for which others is
// true (it is counted for a warning).
func cellValue(a nctarget.Attr, cell []byte) (v uint8, others bool, err error) {
	if len(cell) == 0 {
		return noValue, false, nil
	}
	if a.IsRange() {
		n, err := parseWhole(a, cell)
		if err != nil {
			return 0, false, err
		}
		return bucketOfValue[a][n], false, nil
	}
	lower := asciiLower(cell) // Male, IOS, JP_13: spreadsheets capitalize
	if i, ok := lookupCode(a, lower); ok {
		return uint8(i), false, nil
	}
	if a == nctarget.AttrAppType && string(lower) == "others" {
		return noValue, true, nil
	}
	return 0, false, fmt.Errorf("unknown %s %q: use one of %s, or leave the cell empty for unknown", a, cell, codeList(a))
}

// asciiLower returns cell with ASCII letters in lower case, cell itself
// when it has no upper-case letter. Other letters are left as they are:
// no code has them, and Unicode's case mappings would take the Kelvin
// sign for a k.
func asciiLower(cell []byte) []byte {
	if !bytes.ContainsFunc(cell, func(r rune) bool { return 'A' <= r && r <= 'Z' }) {
		return cell
	}
	out := make([]byte, len(cell))
	for i, b := range cell {
		if 'A' <= b && b <= 'Z' {
			b += 'a' - 'A'
		}
		out[i] = b
	}
	return out
}

// lookupCode returns the position of cell among a's codes.
func lookupCode(a nctarget.Attr, cell []byte) (int32, bool) {
	if a == nctarget.AttrArea {
		return areaIndex(cell)
	}
	i, ok := a.CodeIndex(string(cell))
	return int32(i), ok
}

// areaCodes maps "cc_NN" to the position of the area code: country
// (jp, tw, th, id) times 100 plus NN; -1 where there is no such code, and
// in the slots past them, which make its length a power of two.
var areaCodes = func() (t [512]int32) {
	for i := range t {
		t[i] = -1
	}
	for i, code := range nctarget.AttrArea.Codes() {
		if k := areaKey([]byte(code)); k >= 0 {
			t[k] = int32(i)
		}
	}
	return t
}()

// areaKey returns the slot of an area code in areaCodes, or -1.
func areaKey(cell []byte) int {
	if len(cell) != 5 || cell[2] != '_' || cell[3] < '0' || cell[3] > '9' || cell[4] < '0' || cell[4] > '9' {
		return -1
	}
	country := -1
	switch string(cell[:2]) {
	case "jp":
		country = 0
	case "tw":
		country = 1
	case "th":
		country = 2
	case "id":
		country = 3
	}
	if country < 0 {
		return -1
	}
	return country*100 + int(cell[3]-'0')*10 + int(cell[4]-'0')
}

// areaIndex returns the position of an area code without a map lookup.
func areaIndex(cell []byte) (int32, bool) {
	k := areaKey(cell)
	if k < 0 || areaCodes[k] < 0 {
		return 0, false
	}
	return areaCodes[k], true
}

// bucketOfValue holds, per range attribute, the bucket of every value up
// to maxValue, so loading does not search the bounds for each friend.
// Range attributes are only ever used through their buckets.
var bucketOfValue = func() (t [NumAttrs][]uint8) {
	for _, a := range nctarget.Attrs {
		if !a.IsRange() {
			continue
		}
		t[a] = make([]uint8, maxValue[a]+1)
		for v := range t[a] {
			t[a][v] = uint8(BucketOf(a.Bounds(), v))
		}
	}
	return t
}()

// codeList describes a set attribute's codes for an error message.
func codeList(a nctarget.Attr) string {
	codes := a.Codes()
	if len(codes) > 4 {
		return codes[0] + ", " + codes[1] + ", … (the API's codes)"
	}
	s := ""
	for i, c := range codes {
		if i > 0 {
			s += ", "
		}
		s += c
	}
	return s
}

// parseWhole decodes a whole number of years or days.
func parseWhole(a nctarget.Attr, cell []byte) (int32, error) {
	var n int32
	for _, c := range cell {
		if c < '0' || c > '9' {
			return 0, fmt.Errorf("%s %q is not a whole number: write whole %s, or leave the cell empty for unknown", a, cell, unitOf(a))
		}
		n = n*10 + int32(c-'0')
		if n > maxValue[a] {
			return 0, fmt.Errorf("%s %s is out of range: at most %d %s", a, cell, maxValue[a], unitOf(a))
		}
	}
	return n, nil
}

// unitOf names the unit of a range attribute.
func unitOf(a nctarget.Attr) string {
	if a == nctarget.AttrAge {
		return "years"
	}
	return "days"
}
