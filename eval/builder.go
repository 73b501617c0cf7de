package eval

import (
	"fmt"
	"runtime"
	"strconv"
	"sync"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/nctarget/nctarget"
)

// builder accumulates users into a Dataset: their IDs, and per attribute
// a column of one byte per user (the number of its code or, for a range
// attribute, of its bucket; noValue when unknown). While loading
// users.csv, only the users after the last full block of the columns are
// kept: each full block goes to a goroutine that adds it to the
// attribute builders. Loading also hands the builder each chunk's ID
// table entries, sorted by partition (see segment). finish builds the ID
// table and the attribute bitmaps.
type builder struct {
	ids     []userID
	cols    [numAttrs][]uint8 // users from the first not yet in attrs
	attrs   [numAttrs]*attrBuilder
	entries []uint64  // see segment; nil until a chunk is added
	segs    []segment // runs of entries
	others  uint64    // users whose appType is "others"

	// unmapIDs and unmapEntries unmap ids and entries (see reserve).
	unmapIDs, unmapEntries func()

	grow         sync.RWMutex            // held to grow ids and entries; read-held to copy a chunk into them
	blocks, free chan *[numAttrs][]uint8 // full blocks to the goroutine, and back
	done         chan struct{}           // closed when the goroutine has added every block
}

// newBuilder returns a builder expecting about hint users.
func newBuilder(hint int) *builder {
	b := &builder{ids: make([]userID, 0, hint), unmapIDs: noUnmap, unmapEntries: noUnmap}
	for _, a := range nctarget.Attrs {
		b.attrs[a] = newAttrBuilder(a, hint)
	}
	return b
}

// expect sizes the attribute builders' buffers for about users.
func (b *builder) expect(about int) {
	for _, a := range nctarget.Attrs {
		b.attrs[a].expect = max(1, (about+containerBits-1)/containerBits)
	}
}

// reserveUpTo maps room for at most n users in ids and entries, whose
// lengths are their capacities while loading (see copyChunk), when the
// kernel maps that much: a plain file reserves an upper bound on its users
// before reading, of which only what is copied into is ever touched, and
// never grows. Where the kernel refuses, or memory is not mapped, ids and
// entries grow as chunks come, as for gzip (see reserve).
func (b *builder) reserveUpTo(n int) {
	ids, unmapIDs, ok := mapOnly[userID](n)
	if !ok {
		return
	}
	entries, unmapEntries, ok := mapOnly[uint64](n)
	if !ok {
		unmapIDs()
		return
	}
	b.ids, b.entries, b.unmapIDs, b.unmapEntries = ids, entries, unmapIDs, unmapEntries
}

// reserve makes room for n users, or for about more when it must grow,
// in ids and entries (see reserveUpTo), mapped where they are large (see
// mapped).
func (b *builder) reserve(n, about int) {
	b.grow.Lock()
	defer b.grow.Unlock()
	size := max(n, about, len(b.ids)*5/4) // the estimate was short: grow by a quarter at least
	ids, unmapIDs := mapped[userID](size)
	copy(ids, b.ids)
	entries, unmapEntries := mapped[uint64](size)
	copy(entries, b.entries)
	b.unmap()
	b.ids, b.entries, b.unmapIDs, b.unmapEntries = ids, entries, unmapIDs, unmapEntries
}

// unmap unmaps ids and entries, when the load fails.
func (b *builder) unmap() {
	b.unmapIDs()
	b.unmapEntries()
	b.ids, b.entries, b.unmapIDs, b.unmapEntries = nil, nil, noUnmap, noUnmap
}

// copyChunk copies the IDs and table entries of a placed chunk into ids
// and entries. Chunks are copied in parallel: each has its own range.
func (b *builder) copyChunk(c *chunk) {
	b.grow.RLock()
	defer b.grow.RUnlock()
	copy(b.ids[c.base:], c.ids[:c.n])
	copy(b.entries[c.base:], c.entries)
}

// startBlocks starts the goroutine that adds full blocks of the columns
// (see addColumns) to the attribute builders.
func (b *builder) startBlocks() {
	b.blocks, b.free, b.done = make(chan *[numAttrs][]uint8, 4), make(chan *[numAttrs][]uint8, 5), make(chan struct{})
	for range cap(b.free) {
		blk := new([numAttrs][]uint8)
		for _, a := range nctarget.Attrs {
			blk[a] = make([]uint8, containerBits)
		}
		b.free <- blk
	}
	go func() {
		defer close(b.done)
		for blk := range b.blocks {
			for _, a := range nctarget.Attrs {
				b.attrs[a].add(blk[a])
			}
			b.free <- blk
		}
	}()
}

// stopBlocks waits until every full block is added.
func (b *builder) stopBlocks() {
	close(b.blocks)
	<-b.done
}

// addColumns appends the values of users to the columns and hands each
// full block to the goroutine started by startBlocks.
func (b *builder) addColumns(cols *[numAttrs][]uint8) {
	for _, a := range nctarget.Attrs {
		b.cols[a] = append(b.cols[a], cols[a]...)
	}
	for len(b.cols[nctarget.AttrGender]) >= containerBits {
		blk := <-b.free
		for _, a := range nctarget.Attrs {
			copy(blk[a], b.cols[a])
			b.cols[a] = append(b.cols[a][:0], b.cols[a][containerBits:]...)
		}
		b.blocks <- blk
	}
}

// addUser adds a User given as a struct (NewDataset).
func (b *builder) addUser(u User) error {
	id, ok := parseID([]byte(u.ID))
	if !ok {
		return fmt.Errorf("bad user ID %q: want U followed by 32 lowercase hex digits", u.ID)
	}
	fields := [numAttrs]string{
		nctarget.AttrGender: u.Gender, nctarget.AttrAppType: u.AppType, nctarget.AttrArea: u.Area,
		nctarget.AttrAge: intField(u.Age), nctarget.AttrSubscriptionPeriod: intField(u.SubscriptionPeriod),
	}
	var vals [numAttrs]uint8
	for _, a := range nctarget.Attrs {
		v, others, err := cellValue(a, []byte(fields[a]))
		if err != nil {
			return err
		}
		if others {
			b.others++
		}
		vals[a] = v
	}
	b.ids = append(b.ids, id)
	for _, a := range nctarget.Attrs {
		b.cols[a] = append(b.cols[a], vals[a])
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
	if i, ok := lookupCode(a, cell); ok {
		return uint8(i), false, nil
	}
	if a == nctarget.AttrAppType && string(cell) == "others" {
		return noValue, true, nil
	}
	return 0, false, fmt.Errorf("unknown %s %q: use one of %s, or leave the cell empty for unknown", a, cell, codeList(a))
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
// (jp, tw, th, id) times 100 plus NN; -1 where there is no such code, and
// in the slots past them, which make its length a power of two.
var areaCodes = func() (t [512]int32) {
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

// bucketOfValue holds, per range attribute, the bucket of every value up
// to maxValue, so loading does not search the bounds for each friend.
// Range attributes are only ever used through their buckets.
var bucketOfValue = func() (t [numAttrs][]uint8) {
	for _, a := range nctarget.Attrs {
		if !a.IsRange() {
			continue
		}
		t[a] = make([]uint8, maxValue[a]+1)
		for v := range t[a] {
			t[a][v] = uint8(bucketOf(a.Bounds(), v))
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

// tableGroups is how many partition ranges the ID table is built in, as
// separate tasks: enough to share among the processors evenly.
const tableGroups = 16

// finish builds the ID table and the attribute bitmaps, sharing the work
// among the processors, and returns the dataset and any duplicate IDs in
// file order.
func (b *builder) finish() (*Dataset, []duplicate) {
	d := &Dataset{ids: b.ids, all: roaring.New(),
		audiences: map[int64]*memberSet{}, redeliveries: map[string]*memberSet{}}
	d.all.AddRange(0, uint64(len(b.ids)))
	if b.segs == nil {
		entries, start := partition(b.ids, nil, 0)
		b.entries, b.segs = entries, []segment{{start: start}}
	}
	tb := newTableBuilder(b.ids, b.entries, b.segs)
	groups := tb.groups(tableGroups)
	deferred, dups := make([][]uint64, groups), make([][]duplicate, groups)
	var tasks []func()
	for _, a := range []nctarget.Attr{nctarget.AttrArea, nctarget.AttrAge, nctarget.AttrSubscriptionPeriod, nctarget.AttrGender, nctarget.AttrAppType} {
		tasks = append(tasks, func() {
			ab := b.attrs[a]
			for col := b.cols[a]; len(col) > 0; col = col[min(len(col), containerBits):] {
				ab.add(col[:min(len(col), containerBits)])
			}
			d.attrs[a] = ab.index()
			b.cols[a], b.attrs[a] = nil, nil
		})
	}
	for g := range groups {
		tasks = append(tasks, func() {
			deferred[g], dups[g] = tb.fill(g*numParts/groups, (g+1)*numParts/groups)
		})
	}
	runTasks(tasks)
	b.unmapEntries()
	b.entries, b.segs, b.unmapEntries = nil, nil, noUnmap
	var all []duplicate
	d.table, all = tb.finish(deferred, dups)
	d.unmapWhenUnreachable(b.unmapIDs, tb.unmapSlots)
	b.ids, b.unmapIDs = nil, noUnmap
	return d, all
}

// runTasks runs tasks on GOMAXPROCS goroutines, in order of starting, and
// returns when all are done.
func runTasks(tasks []func()) {
	var mu sync.Mutex
	next := 0
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(tasks)) {
		wg.Go(func() {
			for {
				mu.Lock()
				k := next
				next++
				mu.Unlock()
				if k >= len(tasks) {
					return
				}
				tasks[k]()
			}
		})
	}
	wg.Wait()
}
