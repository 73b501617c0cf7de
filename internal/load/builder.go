package load

import (
	"fmt"
	"sync"

	"github.com/nctarget/nctarget"
	"github.com/nctarget/nctarget/internal/mem"
	"github.com/nctarget/nctarget/internal/parallel"
	"github.com/nctarget/nctarget/internal/userid"
)

// builder accumulates users into Users: their IDs, and per attribute a
// column of one byte per user (the number of its code or, for a range
// attribute, of its bucket; noValue when unknown). While loading
// users.csv, only the users after the last full block of the columns are
// kept: each full block goes to a goroutine that adds it to the
// attribute builders. The loader hands the builder each chunk's rows in
// file order (addRows) and then, in parallel, its IDs and ID table
// entries, sorted by partition (copyRows). finish builds the ID table and
// the attribute bitmaps. The builder's fields are its own: the loader
// uses its methods.
type builder struct {
	ids     []userid.ID
	cols    [NumAttrs][]uint8 // users from the first not yet in sets
	sets    [NumAttrs]*setsBuilder
	entries []uint64         // see userid.Segment; nil until rows are added
	segs    []userid.Segment // runs of entries
	rows    int              // rows added
	others  uint64           // users whose appType is "others"
	mapFrom int              // see mem.Alloc

	// unmapIDs and unmapEntries unmap ids and entries (see reserve).
	unmapIDs, unmapEntries func()

	grow         sync.RWMutex            // held to grow ids and entries; read-held to copy rows into them
	blocks, free chan *[NumAttrs][]uint8 // full blocks to the goroutine, and back
	done         chan struct{}           // closed when the goroutine has added every block
}

// newBuilder returns a builder expecting about hint users, whose large
// arrays are mapped from mapFrom bytes (see mem.Alloc).
func newBuilder(hint, mapFrom int) *builder {
	b := &builder{ids: make([]userid.ID, 0, hint), mapFrom: mapFrom, unmapIDs: mem.NoRelease, unmapEntries: mem.NoRelease}
	for _, a := range nctarget.Attrs {
		b.sets[a] = newSetsBuilder(a, hint)
	}
	return b
}

// reserveUpTo maps room for at most n users in ids and entries, whose
// lengths are their capacities while loading (see copyRows), when they
// are large enough to be mapped and the kernel maps that much: a plain
// file reserves an upper bound on its users before reading, of which
// only what is copied into is ever touched, and never grows. Otherwise
// ids and entries grow as rows come, as for gzip (see reserve).
func (b *builder) reserveUpTo(n int) {
	if n*int(len(userid.ID{})) < b.threshold() {
		return
	}
	ids, unmapIDs, ok := mem.MapOnly[userid.ID](n)
	if !ok {
		return
	}
	entries, unmapEntries, ok := mem.MapOnly[uint64](n)
	if !ok {
		unmapIDs()
		return
	}
	b.ids, b.entries, b.unmapIDs, b.unmapEntries = ids, entries, unmapIDs, unmapEntries
}

// threshold returns the size from which arrays are mapped.
func (b *builder) threshold() int {
	if b.mapFrom > 0 {
		return b.mapFrom
	}
	return mem.DefaultMapFrom
}

// reserve makes room for n users, or for about more when it must grow,
// in ids and entries (see reserveUpTo), mapped where they are large (see
// mem.Alloc).
func (b *builder) reserve(n, about int) {
	b.grow.Lock()
	defer b.grow.Unlock()
	size := max(n, about, len(b.ids)*5/4) // the estimate was short: grow by a quarter at least
	ids, unmapIDs := mem.Alloc[userid.ID](size, b.mapFrom)
	copy(ids, b.ids)
	entries, unmapEntries := mem.Alloc[uint64](size, b.mapFrom)
	copy(entries, b.entries)
	b.unmapIDs()
	b.unmapEntries()
	b.ids, b.entries, b.unmapIDs, b.unmapEntries = ids, entries, unmapIDs, unmapEntries
}

// abandon frees ids and entries, when the load fails.
func (b *builder) abandon() {
	b.unmapIDs()
	b.unmapEntries()
	b.ids, b.entries, b.unmapIDs, b.unmapEntries = nil, nil, mem.NoRelease, mem.NoRelease
}

// startBlocks starts the goroutine that adds full blocks of the columns
// (see addRows) to the attribute builders.
func (b *builder) startBlocks() {
	b.blocks, b.free, b.done = make(chan *[NumAttrs][]uint8, 4), make(chan *[NumAttrs][]uint8, 5), make(chan struct{})
	for range cap(b.free) {
		blk := new([NumAttrs][]uint8)
		for _, a := range nctarget.Attrs {
			blk[a] = make([]uint8, blockUsers)
		}
		b.free <- blk
	}
	go func() {
		defer close(b.done)
		for blk := range b.blocks {
			for _, a := range nctarget.Attrs {
				b.sets[a].add(blk[a])
			}
			b.free <- blk
		}
	}()
}

// stopBlocks waits until every full block is added, and cuts ids and
// entries to the rows added.
func (b *builder) stopBlocks() {
	close(b.blocks)
	<-b.done
	b.ids, b.entries = b.ids[:b.rows], b.entries[:b.rows]
}

// addRows takes the next n rows in file order: their columns, how many
// have appType "others", and where each partition of their ID table
// entries starts (see userid.Partition). It returns the user number of
// the first, from which copyRows copies their IDs and entries. estimate
// says about how many users the file holds, given the rows added so far:
// the arrays of users are sized by it.
func (b *builder) addRows(n int, cols *[NumAttrs][]uint8, others uint64, starts *[userid.NumParts + 1]uint32, estimate func(rows int) int) uint32 {
	base := uint32(b.rows)
	b.rows += n
	if base == 0 && n > 0 { // the first rows: size the attribute builders
		about := estimate(b.rows)
		for _, a := range nctarget.Attrs {
			b.sets[a].expect = max(1, (about+blockUsers-1)/blockUsers)
		}
	}
	if b.rows > len(b.ids) {
		b.reserve(b.rows, estimate(b.rows))
	}
	seg := userid.Segment{Base: base}
	for p, s := range starts {
		seg.Start[p] = base + s
	}
	b.segs = append(b.segs, seg)
	b.addColumns(cols)
	b.others += others
	return base
}

// copyRows copies the IDs and table entries of rows added from base into
// ids and entries. Rows are copied in parallel: each call has its own
// range.
func (b *builder) copyRows(base uint32, ids []userid.ID, entries []uint64) {
	b.grow.RLock()
	defer b.grow.RUnlock()
	copy(b.ids[base:], ids)
	copy(b.entries[base:], entries)
}

// addColumns appends the values of users to the columns and hands each
// full block to the goroutine started by startBlocks.
func (b *builder) addColumns(cols *[NumAttrs][]uint8) {
	for _, a := range nctarget.Attrs {
		b.cols[a] = append(b.cols[a], cols[a]...)
	}
	for len(b.cols[nctarget.AttrGender]) >= blockUsers {
		blk := <-b.free
		for _, a := range nctarget.Attrs {
			copy(blk[a], b.cols[a])
			b.cols[a] = append(b.cols[a][:0], b.cols[a][blockUsers:]...)
		}
		b.blocks <- blk
	}
}

// addCells adds a user given as its ID and one users.csv cell per
// attribute (see Build).
func (b *builder) addCells(id string, cells *[NumAttrs]string) error {
	uid, ok := userid.Parse([]byte(id))
	if !ok {
		return fmt.Errorf("bad user ID %q: want U followed by 32 lowercase hex digits", id)
	}
	var vals [NumAttrs]uint8
	for _, a := range nctarget.Attrs {
		v, others, err := cellValue(a, []byte(cells[a]))
		if err != nil {
			return err
		}
		if others {
			b.others++
		}
		vals[a] = v
	}
	b.ids = append(b.ids, uid)
	b.rows++
	for _, a := range nctarget.Attrs {
		b.cols[a] = append(b.cols[a], vals[a])
	}
	return nil
}

// Build returns the users of rows held in memory (eval.NewDataset): n
// of them, row i given by row as its ID and one users.csv cell per
// attribute, indexed by nctarget.Attr. Their memory is the Go heap's. It
// also returns the duplicate IDs, which the caller reports.
func Build(n int, row func(i int) (id string, cells *[NumAttrs]string)) (*Users, []userid.Duplicate, error) {
	b := newBuilder(n, 0)
	for i := range n {
		if err := b.addCells(row(i)); err != nil {
			return nil, nil, fmt.Errorf("users[%d]: %w", i, err)
		}
	}
	u, dups := b.finish()
	return u, dups, nil
}

// tableGroups is how many partition ranges the ID table is built in, as
// separate tasks: enough to share among the processors evenly.
const tableGroups = 16

// finish builds the ID table and the attribute bitmaps, sharing the work
// among the processors, and returns the users and any duplicate IDs in
// file order.
func (b *builder) finish() (*Users, []userid.Duplicate) {
	u := &Users{}
	if b.segs == nil {
		entries, start := userid.Partition(b.ids, nil, 0)
		b.entries, b.segs = entries, []userid.Segment{{Start: start}}
	}
	tb := userid.NewTableBuilder(b.ids, b.entries, b.segs, b.mapFrom)
	groups := tb.Groups(tableGroups)
	deferred, dups := make([][]uint64, groups), make([][]userid.Duplicate, groups)
	var tasks []func()
	for _, a := range []nctarget.Attr{nctarget.AttrArea, nctarget.AttrAge, nctarget.AttrSubscriptionPeriod, nctarget.AttrGender, nctarget.AttrAppType} {
		tasks = append(tasks, func() {
			sb := b.sets[a]
			for col := b.cols[a]; len(col) > 0; col = col[min(len(col), blockUsers):] {
				sb.add(col[:min(len(col), blockUsers)])
			}
			u.Attrs[a] = sb.sets()
			b.cols[a], b.sets[a] = nil, nil
		})
	}
	for g := range groups {
		tasks = append(tasks, func() {
			deferred[g], dups[g] = tb.Fill(g*userid.NumParts/groups, (g+1)*userid.NumParts/groups)
		})
	}
	parallel.Run(tasks)
	b.unmapEntries()
	b.entries, b.segs, b.unmapEntries = nil, nil, mem.NoRelease
	table, unmapSlots, all := tb.Finish(deferred, dups)
	u.Table, u.Others = table, b.others
	u.release = []func(){b.unmapIDs, unmapSlots}
	b.ids, b.unmapIDs = nil, mem.NoRelease
	return u, all
}
