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

// builder accumulates users into a Dataset: IDs and one dense bitset per
// attribute value; finish builds the ID table.
type builder struct {
	ids    []userID
	known  [numAttrs]dense
	values [numAttrs][]dense
	others uint64 // users whose appType is "others"
}

// newBuilder returns a builder expecting about hint users.
func newBuilder(hint int) *builder {
	b := &builder{ids: make([]userID, 0, hint)}
	adviseHuge(b.ids)
	words := (hint + 63) / 64
	for _, a := range nctarget.Attrs {
		b.known[a] = make(dense, 0, words)
		adviseHuge(b.known[a])
		b.values[a] = make([]dense, numValues(a))
		for v := range b.values[a] {
			b.values[a][v] = make(dense, 0, words)
			adviseHuge(b.values[a][v])
		}
	}
	return b
}

// add appends a user and returns its number. Duplicate IDs are found
// later, by finish.
func (b *builder) add(id userID, r *row) uint32 {
	i := uint32(len(b.ids))
	b.ids = append(b.ids, id)
	for _, a := range nctarget.Attrs {
		v := r[a]
		if v == unknown {
			continue
		}
		b.known[a].set(i)
		if a.IsRange() {
			v = bucket(a, v)
		}
		b.values[a][v].set(i)
	}
	return i
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
	b.add(id, &r)
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
	if a == nctarget.AttrArea {
		return areaIndex(cell)
	}
	for i, c := range attrCodes[a] { // two codes: a linear search beats a map
		if string(cell) == c {
			return int32(i), true
		}
	}
	return 0, false
}

// areaCodes maps "cc_NN" to the position of the area code: country
// (jp, tw, th, id) times 100 plus NN; -1 where there is no such code.
var areaCodes = func() (t [4 * 100]int32) {
	for i := range t {
		t[i] = -1
	}
	for code, i := range codeIndex[nctarget.AttrArea] {
		if k := areaKey([]byte(code)); k >= 0 {
			t[k] = i
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

// ageBucket holds the bucket of every possible age, so loading does not
// search the bounds for each friend.
var ageBucket = func() (t [151]int32) {
	for age := range t {
		t[age] = int32(bucketOf(nctarget.AttrAge.Bounds(), age))
	}
	return t
}()

// bucket returns the bucket of value v of range attribute a.
func bucket(a nctarget.Attr, v int32) int32 {
	if a == nctarget.AttrAge && int(v) < len(ageBucket) {
		return ageBucket[v]
	}
	k := int32(0)
	for _, b := range a.Bounds() {
		if int(v) < b {
			break
		}
		k++
	}
	return k
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

// finish turns the bitsets into roaring bitmaps, builds the ID table and
// returns the dataset and any duplicate IDs.
func (b *builder) finish() (*Dataset, []duplicate) {
	d := &Dataset{ids: b.ids, all: roaring.New(),
		audiences: map[int64]*memberSet{}, redeliveries: map[string]*memberSet{}}
	d.all.AddRange(0, uint64(len(b.ids)))
	for _, a := range nctarget.Attrs {
		vals := make([]*roaring.Bitmap, len(b.values[a]))
		for v, s := range b.values[a] {
			vals[v] = s.bitmap()
		}
		d.attrs[a] = newIndex(a, b.known[a].bitmap(), vals)
		b.values[a], b.known[a] = nil, nil // let the bitsets go before the table is built
	}
	var dups []duplicate
	d.table, dups = buildTable(d.ids)
	return d, dups
}
