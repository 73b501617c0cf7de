package load

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sync"

	"github.com/nctarget/nctarget"
	"github.com/nctarget/nctarget/internal/userid"
)

// This file reads the rows of users.csv in chunks, parsed in parallel
// and put together in file order. A plain file is split by offset: chunk
// k owns the lines that start in its range of the chunk size, and each
// worker reads its own chunk (ReadAt), so reading, parsing, hashing IDs
// and sorting them for the ID table use every processor. A gzipped file
// can only be read in order: its chunks are cut from the stream one after
// the other (one worker decompresses while others parse).
//
// A worker knows only line numbers within its chunk; the committer, which
// places chunks in file order, adds the lines of the chunks before, so
// every error and every user's line is numbered as if the file had been
// read line by line.

// defaultChunkSize is how many bytes of users.csv each chunk starts its
// lines in, unless Options.ChunkSize says otherwise: large enough that
// a chunk's fixed costs vanish, small enough that every processor gets
// many and a chunk's rows stay in cache.
const defaultChunkSize = 2 << 20

// chunk is one chunk of users.csv: its lines, then what parsing them
// found. Chunks are reused.
type chunk struct {
	seq      int
	from, to int64 // plain file: the range the chunk's lines start in
	buf      []byte
	data     []byte // the lines; the last is unterminated only at the end of the file or when longer than maxLine
	eof      bool   // data ends at the end of the file
	done     int64  // bytes of the file read up to the chunk, for progress reports
	chunkStatus

	n          int // rows parsed: the first n of ids and each column
	ids        []userid.ID
	cols       [NumAttrs][]uint8
	entries    []uint64 // ID table entries in partition order (see segment)
	start      [userid.NumParts + 1]uint32
	users      lineIndex // chunk's user number → chunk's line number
	nextLine   int       // the line of the next row if no line is skipped
	placed     bool      // given its place by the committer
	keep       bool      // its rows are wanted
	base       uint32    // user number of its first row
	others     uint64
	othersLine int // chunk's line number of the first appType "others"
}

// chunkStatus is what the lines after a chunk need to know of it: how
// many lines it has and its errors, which the chunk numbers from its own
// first line.
type chunkStatus struct {
	lines   int
	errs    cappedErrors
	fatal   bool  // reading must stop after this chunk
	readErr error // a read failure right after data (addChunk reports it)
}

// stopAt records that line is longer than maxLine, which stops reading
// the file at path.
func (s *chunkStatus) stopAt(path string, line int) {
	s.errs.add(lineTooLong(path, line))
	s.fatal = true
}

// end records that the chunk has the given number of lines.
func (s *chunkStatus) end(lines int) {
	s.lines = lines
	if s.fatal {
		s.readErr = nil // it comes after the error that stops reading
	}
}

// addChunk adds the errors of chunk s, whose first line is the one after
// lineBase, to those of the file at path, and reports whether reading
// stops after it.
func (e *cappedErrors) addChunk(path string, lineBase int, s *chunkStatus) (stop bool) {
	for _, d := range s.errs.list {
		d.Pos.Line += lineBase
		e.add(d)
	}
	e.addMore(s.errs.more, lineBase+s.errs.moreLine)
	if s.readErr != nil {
		e.add(readError(path, lineBase+s.lines, s.readErr))
	}
	if stop = s.fatal || s.readErr != nil; stop && e.more > 0 {
		e.cut = true // the lines after are not read: there may be more
	}
	return stop
}

// newChunkSource returns the source of the chunks of the file lr reads,
// from where lr stands, of chunk bytes (0 means defaultChunkSize).
func newChunkSource(lr *lineReader, chunk int) chunkSource {
	if chunk <= 0 {
		chunk = defaultChunkSize
	}
	if filepath.Ext(lr.path) == ".gz" {
		return &gzipSource{lr: lr, chunk: chunk}
	}
	return &fileSource{f: lr.f, start: lr.off, size: lr.size, chunk: chunk}
}

// line returns the line of c.data at pos, without its newline; tooLong
// when it is longer than maxLine, or cut short by the end of the chunk
// before the end of the file (only such a line is).
func (c *chunk) line(pos int) (raw []byte, tooLong bool) {
	raw = c.data[pos:]
	if nl := bytes.IndexByte(raw, '\n'); nl >= 0 {
		raw = raw[:nl]
	} else if !c.eof {
		return nil, true
	}
	return raw, len(raw)+1 > maxLine
}

// chunkSource cuts a file into chunks. next, called in turn, assigns the
// next chunk to c, or reports that there is none; fill, called in
// parallel, reads it.
type chunkSource interface {
	next(c *chunk) bool
	fill(c *chunk)
}

// fileSource cuts a plain file by offset.
type fileSource struct {
	f           *os.File
	start, size int64 // the rows' first byte (after the header), and the file's size
	pos         int64 // start of the next chunk's range
	chunk       int   // the chunk size
}

func (s *fileSource) next(c *chunk) bool {
	if s.pos < s.start {
		s.pos = s.start
	}
	if s.pos >= s.size {
		return false
	}
	c.from, c.to = s.pos, min(s.pos+int64(s.chunk), s.size)
	s.pos = c.to
	c.done = c.to
	return true
}

// fill reads the lines that start in [c.from, c.to): from the byte before
// c.from, to see whether a line starts there, until the end of the line
// that spans c.to.
func (s *fileSource) fill(c *chunk) {
	c.data, c.eof, c.readErr = nil, false, nil
	lo := c.from
	if lo > s.start {
		lo--
	}
	// Read a little past c.to, more (fourfold) while the line that spans it
	// goes on, up to maxLine past it.
	for margin := min(64<<10, max(256, int64(s.chunk))); ; margin *= 4 {
		hi := min(c.to+margin, s.size)
		c.buf = slices.Grow(c.buf[:0], int(hi-lo))[:hi-lo]
		n, err := s.f.ReadAt(c.buf, lo)
		buf := c.buf[:n]
		if err != nil && err != io.EOF {
			c.readErr = err
			return
		}
		atEOF := lo+int64(n) >= s.size || err == io.EOF
		first := int64(0)
		if lo < c.from { // a line starts after each newline before c.to-1
			k := bytes.IndexByte(buf[:min(int64(n), c.to-1-lo)], '\n')
			if k < 0 {
				return // no line starts in the range
			}
			first = int64(k) + 1
		}
		from := min(int64(n), c.to-1-lo) // the line that spans c.to ends at the first newline from c.to-1
		if k := bytes.IndexByte(buf[from:], '\n'); k >= 0 {
			c.data = buf[first : from+int64(k)+1]
			return
		}
		if atEOF || margin > maxLine {
			c.data, c.eof = buf[first:], atEOF
			return
		}
	}
}

// gzipSource cuts a gzipped file, read in order through lr, into chunks
// of whole lines.
type gzipSource struct {
	lr    *lineReader
	carry []byte // the start of a line begun in the last chunk
	done  bool
	chunk int // the chunk size
}

func (s *gzipSource) next(c *chunk) bool {
	if s.done {
		return false
	}
	c.data, c.eof, c.readErr = nil, false, nil
	buf := append(c.buf[:0], s.carry...)
	for {
		end := len(buf) + s.chunk
		for len(buf) < end {
			if len(buf) == cap(buf) { // grow as data comes: the chunk size may be huge in tests
				buf = slices.Grow(buf, min(end-len(buf), max(len(buf), 64<<10)))
			}
			n, err := s.lr.br.Read(buf[len(buf):min(end, cap(buf))])
			buf = buf[:len(buf)+n]
			if err == io.EOF {
				c.eof = true
				break
			}
			if err != nil {
				c.readErr = err
				break
			}
		}
		c.buf, c.done = buf, s.lr.read
		last := bytes.LastIndexByte(buf, '\n')
		switch {
		case c.readErr != nil: // the partial line is lost with the rest
			c.data, s.done = buf[:last+1], true
		case c.eof:
			c.data, s.done = buf, true
		case last < 0 && len(buf) > maxLine: // parsing reports it
			c.data, s.done = buf, true
		case last < 0:
			continue // a line longer than a chunk: read on
		default:
			c.data, s.carry = buf[:last+1], append(s.carry[:0], buf[last+1:]...)
		}
		return true
	}
}

func (s *gzipSource) fill(c *chunk) {}

// run reads the chunks of src on the given number of goroutines. Each
// parses a chunk, waits until the chunks before it are placed (given their
// first user number and line, in file order), and then copies the chunk's
// IDs and table entries into place, in parallel with the others: the
// first writes to those arrays, hundreds of megabytes, cost page faults
// that would be slow on one processor.
func (u *usersLoader) run(src chunkSource, workers int) {
	free := make(chan *chunk, 2*workers+2) // bounds the chunks read ahead of the next to place
	for range cap(free) {
		free <- &chunk{}
	}
	var (
		srcMu sync.Mutex
		seq   int
		wg    sync.WaitGroup
		cm    = &committer{u: u, pending: map[int]*chunk{}}
	)
	cm.cond = sync.NewCond(&cm.mu)
	u.b.startBlocks()
	for range workers {
		wg.Go(func() {
			for {
				c := <-free
				srcMu.Lock()
				ok := !cm.stopped() && src.next(c)
				if ok {
					c.seq = seq
					seq++
				}
				srcMu.Unlock()
				if !ok {
					free <- c
					return
				}
				src.fill(c)
				u.parseChunk(c)
				if cm.place(c) {
					u.b.copyRows(c.base, c.ids[:c.n], c.entries)
				}
				free <- c
			}
		})
	}
	wg.Wait()
	u.b.stopBlocks()
}

// committer takes parsed chunks in any order and places them in file
// order.
type committer struct {
	u       *usersLoader
	mu      sync.Mutex
	cond    *sync.Cond     // signalled when chunks are placed
	pending map[int]*chunk // parsed, waiting for the chunks before
	next    int            // the next chunk to place
	stop    bool           // a fatal error: ignore the rest
}

// stopped reports whether reading should stop.
func (cm *committer) stopped() bool {
	cm.mu.Lock()
	defer cm.mu.Unlock()
	return cm.stop
}

// place places c, and every parsed chunk after it, once those before are
// placed, waits until c is placed, and reports whether its rows are
// wanted.
func (cm *committer) place(c *chunk) bool {
	cm.mu.Lock()
	defer cm.mu.Unlock()
	cm.pending[c.seq] = c
	for {
		p, ok := cm.pending[cm.next]
		if !ok {
			break
		}
		delete(cm.pending, cm.next)
		cm.next++
		if p.keep = false; !cm.stop {
			p.keep, cm.stop = cm.u.add(p)
		}
		p.placed = true
	}
	cm.cond.Broadcast()
	for !c.placed {
		cm.cond.Wait()
	}
	return c.keep
}

// estimate returns about how many users the file holds, judging by the
// rows placed, up to and with c, and the part of the file they came
// from, with a little to spare: the arrays of users are allocated once,
// to that size.
func (u *usersLoader) estimate(c *chunk, rows int) int {
	read := max(c.done-u.start, 1)
	return int(float64(rows)/float64(read)*float64(u.total-u.start)*1.02) + 1024
}

// add takes a parsed chunk, the next in file order: its errors and line
// numbers, its place among the users, its columns. It reports whether the
// chunk's rows are wanted and whether reading should stop.
func (u *usersLoader) add(c *chunk) (keep, stop bool) {
	stop = u.errs.addChunk(u.path, u.lineBase, &c.chunkStatus)
	if keep = len(u.errs.list) == 0; keep { // once there are errors, the rows are not needed
		var cols [NumAttrs][]uint8
		for _, a := range nctarget.Attrs {
			cols[a] = c.cols[a][:c.n]
		}
		c.base = u.b.addRows(c.n, &cols, c.others, &c.start, func(rows int) int { return u.estimate(c, rows) })
		for _, l := range c.users {
			u.lines.add(c.base+uint32(l.user), u.lineBase+l.line)
		}
		if u.othersLine == 0 && c.othersLine != 0 {
			u.othersLine = u.lineBase + c.othersLine
		}
	}
	u.lineBase += c.lines
	if u.progress != nil {
		u.progress(c.done, u.total)
	}
	return keep, stop
}
