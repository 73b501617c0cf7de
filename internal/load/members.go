package load

import (
	"bytes"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/nctarget/nctarget/internal/userid"
)

// This file reads audience and redelivery files: one user ID per line,
// resolved to friends through the ID table. Like users.csv, a file is
// read in chunks parsed on every processor (see chunks.go), and the IDs
// of a chunk are looked up together (see userid.Table.LookupAll); the
// chunks' errors are put together in file order at the end.

// Members is a loaded audience or redelivery file: its members who are
// friends, and how many listed users are not.
type Members struct {
	Bits       *roaring.Bitmap // members who are friends, by user number
	Lines      uint64          // user IDs listed (duplicates included)
	NonFriends uint64          // listed IDs that are not friends
	Path       string          // the file it came from; "" for members held in memory
}

// ReadMembers reads the file of user IDs at path, one per line (LINE's
// audience upload format), resolving them to friends' numbers in table;
// opts.Progress and opts.ChunkSize work as for ReadUsers. Every
// malformed line is an error naming its file and line; the error is an
// nctarget.ErrorList.
func ReadMembers(path string, table *userid.Table, opts Options) (*Members, error) {
	lr, err := openLines(path)
	if err != nil {
		return nil, err
	}
	defer lr.Close()
	r := &membersReader{src: newChunkSource(lr, opts.ChunkSize), progress: opts.Progress, size: lr.size}
	workers := make([]*memberWorker, runtime.GOMAXPROCS(0))
	var wg sync.WaitGroup
	for k := range workers {
		w := &memberWorker{path: path, table: table, bits: make(dense, (table.Len()+63)/64)}
		workers[k] = w
		wg.Go(func() { r.run(w) })
	}
	wg.Wait()
	if r.progress != nil && r.done < r.size {
		r.progress(r.size, r.size)
	}
	return r.members(path, workers)
}

// members puts together what the workers found: the errors of every
// chunk in file order, or the members.
func (r *membersReader) members(path string, workers []*memberWorker) (*Members, error) {
	var errs cappedErrors
	lineBase := 0
	for _, mc := range r.chunks {
		if errs.addChunk(path, lineBase, &mc.chunkStatus) {
			break
		}
		lineBase += mc.lines
	}
	if err := errs.err(path); err != nil {
		return nil, err
	}
	set := &Members{Path: path}
	bits := workers[0].bits
	for _, w := range workers {
		set.Lines += w.lines
		set.NonFriends += w.lines - w.found
		if w != workers[0] {
			bits.or(w.bits)
		}
	}
	set.Bits = bits.bitmap()
	return set, nil
}

// membersReader hands out the chunks of an audience file to the
// goroutines reading it, and keeps what each found that the chunks after
// it need, in file order.
type membersReader struct {
	mu       sync.Mutex // guards src, chunks and done
	src      chunkSource
	chunks   []*memberChunk
	stop     atomic.Bool // a chunk has an error that stops reading
	progress func(done, total int64)
	done     int64 // bytes reported to progress
	size     int64 // the file's
}

// run reads chunks on w until there are none, or one has an error that
// stops reading.
func (r *membersReader) run(w *memberWorker) {
	c := &w.chunk
	for {
		r.mu.Lock()
		ok := !r.stop.Load() && r.src.next(c)
		var mc *memberChunk
		if ok {
			mc = &memberChunk{first: len(r.chunks) == 0}
			r.chunks = append(r.chunks, mc)
		}
		r.mu.Unlock()
		if !ok {
			return
		}
		r.src.fill(c)
		w.parse(c, mc)
		if mc.fatal || mc.readErr != nil {
			r.stop.Store(true)
		}
		if r.progress != nil {
			r.mu.Lock()
			if c.done > r.done {
				r.done = c.done
				r.progress(r.done, r.size)
			}
			r.mu.Unlock()
		}
	}
}

// memberChunk is what parsing a chunk of an audience file found that the
// chunks after it need: see chunkStatus. first says whether it is the
// file's first chunk, whose first line may start with a byte order mark.
type memberChunk struct {
	chunkStatus
	first bool
}

// memberWorker is a goroutine reading chunks of an audience file: what
// it found in all its chunks, and its buffers.
type memberWorker struct {
	path  string
	table *userid.Table
	bits  dense  // the friends listed
	lines uint64 // IDs listed
	found uint64 // of which friends
	chunk chunk
	keys  []userid.ID // the IDs of a chunk
	users []uint32    // their friends' numbers
}

// parse parses the lines of c.data, looks up their IDs and records the
// friends among them, and the lines and errors in mc, counting lines from
// the chunk's first.
func (m *memberWorker) parse(c *chunk, mc *memberChunk) {
	mc.readErr = c.readErr
	data := c.data
	keys := m.keys[:0]
	pos, line := 0, 0
	for pos < len(data) {
		line++
		// The fast path: an ID and a line ending, \n or \r\n.
		if end := pos + userid.TextLen; end < len(data) {
			next := end + 1
			if data[end] == '\r' && next < len(data) && data[next] == '\n' {
				next++
			} else if data[end] != '\n' {
				next = 0
			}
			if lo, hi, ok := parseIDFast((*[userid.TextLen]byte)(data[pos:end])); ok && next > 0 {
				keys = append(keys, userid.ID{})
				putID(&keys[len(keys)-1], lo, hi)
				pos = next
				continue
			}
		}
		raw, tooLong := c.line(pos)
		if tooLong {
			mc.stopAt(m.path, line)
			break
		}
		pos += len(raw) + 1
		text := trimEOL(raw)
		if mc.first && line == 1 {
			text = bytes.TrimPrefix(text, bom)
		}
		if len(bytes.TrimSpace(text)) == 0 {
			continue // blank
		}
		id, ok := userid.Parse(bytes.TrimSpace(text))
		switch {
		case ok:
			keys = append(keys, id)
		case mc.errs.full():
			mc.errs.addMore(1, line)
		default:
			mc.errs.add(dataError(m.path, line, 1, "one user ID per line: U followed by 32 lowercase hex digits", "bad user ID %q", text))
		}
	}
	mc.end(line)
	m.users = m.table.LookupAll(keys, m.users[:0])
	for _, i := range m.users {
		m.bits.set(i)
	}
	m.lines += uint64(len(keys))
	m.found += uint64(len(m.users))
	m.keys = keys
}
