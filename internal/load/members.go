package load

import (
	"bytes"
	"io"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/nctarget/nctarget"
	"github.com/nctarget/nctarget/internal/userid"
)

// This file reads audience and redelivery files: one user ID per line,
// resolved to friends through the ID table.

// batchSize is how many IDs of an audience file are looked up together.
const batchSize = 256

// Members is a loaded audience or redelivery file: its members who are
// friends, and how many listed users are not.
type Members struct {
	Bits       *roaring.Bitmap // members who are friends, by user number
	Lines      uint64          // user IDs listed (duplicates included)
	NonFriends uint64          // listed IDs that are not friends
	Path       string          // the file it came from; "" for members held in memory
}

// ReadMembers reads the file of user IDs at path, one per line (LINE's
// audience upload format), resolving them to friends' numbers in table.
// Every malformed line is an error naming its file and line; the error
// is an nctarget.ErrorList.
func ReadMembers(path string, table *userid.Table) (*Members, error) {
	lr, err := openLines(path)
	if err != nil {
		return nil, err
	}
	defer lr.Close()
	m := &membersLoader{table: table, set: &Members{Path: path}, bits: make(dense, (table.Len()+63)/64)}
	for {
		line, err := lr.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			m.errs.add(err.(*nctarget.Diagnostic))
			m.errs.cut = m.errs.more > 0
			break
		}
		id, ok := userid.Parse(bytes.TrimSpace(line))
		switch {
		case ok:
			m.add(id)
		case m.errs.full():
			m.errs.addMore(1, lr.line)
		default:
			m.errs.add(dataError(path, lr.line, 1, "one user ID per line: U followed by 32 lowercase hex digits", "bad user ID %q", line))
		}
	}
	m.flush()
	if err := m.errs.err(path); err != nil {
		return nil, err
	}
	m.set.Bits = m.bits.bitmap()
	return m.set, nil
}

// membersLoader holds the state of reading one audience or redelivery
// file; IDs are looked up in batches (see userid.Table.LookupBatch).
type membersLoader struct {
	table   *userid.Table
	set     *Members
	bits    dense
	errs    cappedErrors
	n       int
	keys    [batchSize]userid.ID
	found   [batchSize]int64
	slotSum uint64 // see userid.Table.LookupBatch
}

// add queues an ID for lookup.
func (m *membersLoader) add(id userid.ID) {
	m.keys[m.n] = id
	if m.n++; m.n == batchSize {
		m.flush()
	}
}

// flush looks up the queued IDs and records them.
func (m *membersLoader) flush() {
	m.slotSum += m.table.LookupBatch(m.keys[:m.n], m.found[:m.n])
	for _, i := range m.found[:m.n] {
		m.set.Lines++
		if i < 0 {
			m.set.NonFriends++
		} else {
			m.bits.set(uint32(i))
		}
	}
	m.n = 0
}
