package eval

import (
	"fmt"
	"strconv"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/nctarget/nctarget"
)

// row is one user's attributes as loaded: for a set attribute the
// position of its code in Attr.Codes(), for a range attribute the number
// itself; unknown (-1) when the attribute is unknown.
type row [numAttrs]int32

// builder accumulates users into a Dataset: IDs, the ID table, and one
// dense bitset per attribute value.
type builder struct {
	ids    []userID
	table  idTable
	known  [numAttrs]dense
	values [numAttrs][]dense
	others uint64 // users whose appType is "others"
}

// newBuilder returns a builder expecting about hint users.
func newBuilder(hint int) *builder {
	b := &builder{ids: make([]userID, 0, hint), table: newIDTable(hint)}
	words := (hint + 63) / 64
	for _, a := range nctarget.Attrs {
		b.known[a] = make(dense, 0, words)
		b.values[a] = make([]dense, numValues(a))
		for v := range b.values[a] {
			b.values[a][v] = make(dense, 0, words)
		}
	}
	return b
}

// add appends a user and returns its number. When the ID is already
// present, it returns the earlier user's number and false, and the user is
// not added.
func (b *builder) add(id userID, r *row) (uint32, bool) {
	i := uint32(len(b.ids))
	b.ids = append(b.ids, id)
	if prev, ok := b.table.insert(b.ids, i); !ok {
		b.ids = b.ids[:i]
		return prev, false
	}
	for _, a := range nctarget.Attrs {
		v := r[a]
		if v == unknown {
			continue
		}
		b.known[a].set(i)
		if a.IsRange() {
			v = int32(bucketOf(a.Bounds(), int(v)))
		}
		b.values[a][v].set(i)
	}
	return i, true
}

// addUser adds a User given as a struct (NewDataset).
func (b *builder) addUser(u User) error {
	id, ok := parseID([]byte(u.ID))
	if !ok {
		return fmt.Errorf("bad user ID %q: want U followed by 32 lowercase hex digits", u.ID)
	}
	var r row
	var err error
	fields := [numAttrs]string{
		nctarget.AttrGender: u.Gender, nctarget.AttrAppType: u.AppType, nctarget.AttrArea: u.Area,
		nctarget.AttrAge: intField(u.Age), nctarget.AttrSubscriptionPeriod: intField(u.SubscriptionPeriod),
	}
	for _, a := range nctarget.Attrs {
		if r[a], err = b.parseField(a, []byte(fields[a])); err != nil {
			return err
		}
	}
	if prev, ok := b.add(id, &r); !ok {
		return fmt.Errorf("duplicate user ID %s (first as user %d)", u.ID, prev)
	}
	return nil
}

// intField formats a number attribute as a users.csv cell.
func intField(n int) string {
	if n < 0 {
		return ""
	}
	return strconv.Itoa(n)
}

// maxValue bounds the numbers a range attribute may take: no one is 200
// years old or has been a friend for longer than LINE has existed.
var maxValue = [numAttrs]int32{nctarget.AttrAge: 150, nctarget.AttrSubscriptionPeriod: 36500}

// parseField decodes one users.csv cell of attribute a. An empty cell is
// unknown; so is appType "others", which is counted for a warning.
func (b *builder) parseField(a nctarget.Attr, cell []byte) (int32, error) {
	if len(cell) == 0 {
		return unknown, nil
	}
	if a.IsRange() {
		return parseWhole(a, cell)
	}
	if i, ok := lookupCode(a, cell); ok {
		return i, nil
	}
	if a == nctarget.AttrAppType && string(cell) == "others" {
		b.others++
		return unknown, nil
	}
	return 0, fmt.Errorf("unknown %s %q: use one of %s, or leave the cell empty for unknown", a, cell, codeList(a))
}

// lookupCode returns the position of cell among a's codes.
func lookupCode(a nctarget.Attr, cell []byte) (int32, bool) {
	if a != nctarget.AttrArea { // two codes: a linear search beats a map
		for i, c := range attrCodes[a] {
			if string(cell) == c {
				return int32(i), true
			}
		}
		return 0, false
	}
	i, ok := codeIndex[a][string(cell)]
	return i, ok
}

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

// finish turns the bitsets into roaring bitmaps and returns the dataset.
func (b *builder) finish() *Dataset {
	d := &Dataset{ids: b.ids, table: b.table, all: roaring.New(),
		audiences: map[int64]*memberSet{}, redeliveries: map[string]*memberSet{}}
	d.all.AddRange(0, uint64(len(b.ids)))
	for _, a := range nctarget.Attrs {
		vals := make([]*roaring.Bitmap, len(b.values[a]))
		for v, s := range b.values[a] {
			vals[v] = s.bitmap()
		}
		d.attrs[a] = newIndex(a, b.known[a].bitmap(), vals)
	}
	return d
}
