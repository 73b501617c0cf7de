package eval

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/nctarget/nctarget"
)

// LoadOptions configure Load. The zero value loads users.csv with no
// progress reports and no index cache.
type LoadOptions struct {
	// Progress, when not nil, is called now and then while users.csv is
	// read, with the bytes read so far and the file's size.
	Progress func(done, total int64)
	// CacheDir, when not empty, is where Load looks for an index written
	// by WriteIndex, which loads many times faster than users.csv.
	CacheDir string
}

// maxErrors is how many malformed lines Load reports before giving up.
const maxErrors = 20

// numColumns is the number of columns of users.csv.
const numColumns = 6

// usersHeader is the header of users.csv, SPEC section 5.
var usersHeader = [numColumns]string{"userId", "gender", "age", "appType", "area", "subscriptionPeriod"}

// Load reads the dataset in dir (SPEC section 5): dir/users.csv (or
// users.csv.gz) now, and each audiences/<id>.txt and
// redeliveries/<requestId>.txt (or .txt.gz) when a plan first names it.
// Nothing is written into dir. Every malformed line is an error naming its
// file and line; the error is an nctarget.ErrorList.
func Load(dir string, opts LoadOptions) (*Dataset, error) {
	path, err := dataFile(filepath.Join(dir, "users.csv"))
	if err != nil {
		return nil, err
	}
	var d *Dataset
	if opts.CacheDir != "" {
		d, _ = readIndex(opts.CacheDir, path)
	}
	if d == nil {
		if d, err = loadUsers(path, opts.Progress); err != nil {
			return nil, err
		}
		d.key, _ = fileKey(path) // only the index cache needs it
	}
	d.dir, d.opts = dir, opts
	return d, nil
}

// dataFile returns path, or path.gz when only that exists.
func dataFile(path string) (string, error) {
	_, err := os.Stat(path)
	if err == nil {
		return path, nil
	}
	if _, gzErr := os.Stat(path + ".gz"); gzErr == nil {
		return path + ".gz", nil
	}
	return "", err
}

// dataError returns a diagnostic at line of file. Its offset is -1: it
// points into a data file, not into the rule being evaluated.
func dataError(file string, line, col int, hint, format string, args ...any) *nctarget.Diagnostic {
	return &nctarget.Diagnostic{Pos: nctarget.Pos{Filename: file, Offset: -1, Line: line, Column: col},
		End: nctarget.Pos{Offset: -1}, Msg: fmt.Sprintf(format, args...), Hint: hint}
}

// lineReader reads a data file line by line, gunzipping .gz files,
// accepting Windows line endings, a byte-order mark, blank lines and a
// missing final newline.
type lineReader struct {
	path string
	f    *os.File
	br   *bufio.Reader
	line int // number of the line last returned
	read int64
	size int64
}

// openLines opens path for reading by lines.
func openLines(path string) (*lineReader, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	lr := &lineReader{path: path, f: f}
	if info, err := f.Stat(); err == nil {
		lr.size = info.Size()
	}
	var r io.Reader = &countReader{r: f, n: &lr.read}
	if filepath.Ext(path) == ".gz" {
		zr, err := gzip.NewReader(r)
		if err != nil {
			f.Close()
			return nil, dataError(path, 1, 1, "the file ends in .gz but is not gzip data", "%v", err)
		}
		r = zr
	}
	lr.br = bufio.NewReaderSize(r, 1<<20)
	return lr, nil
}

// countReader counts the bytes read through it, for progress reports.
type countReader struct {
	r io.Reader
	n *int64
}

func (c *countReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	*c.n += int64(n)
	return n, err
}

// next returns the next line without its line ending, skipping blank
// lines; io.EOF at the end. The slice is valid until the next call.
func (lr *lineReader) next() ([]byte, error) {
	for {
		line, err := lr.br.ReadSlice('\n')
		if err == bufio.ErrBufferFull {
			return nil, dataError(lr.path, lr.line+1, 1, "each line holds one record", "line longer than %d bytes", lr.br.Size())
		}
		if err != nil && err != io.EOF {
			return nil, lr.readError(err)
		}
		if len(line) == 0 && err == io.EOF {
			return nil, io.EOF
		}
		lr.line++
		line = trimEOL(line)
		if lr.line == 1 {
			line = bytes.TrimPrefix(line, []byte("\xef\xbb\xbf"))
		}
		if len(bytes.TrimSpace(line)) > 0 {
			return line, nil
		}
	}
}

// trimEOL removes the line ending, and any further \r or \n before it,
// as bytes.TrimRight(line, "\r\n") does, without its set lookup: it runs
// once per line of files with tens of millions of lines.
func trimEOL(line []byte) []byte {
	n := len(line)
	for n > 0 && (line[n-1] == '\n' || line[n-1] == '\r') {
		n--
	}
	return line[:n]
}

// readError describes a read failure after the last good line.
func (lr *lineReader) readError(err error) error {
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, gzip.ErrChecksum) || errors.Is(err, gzip.ErrHeader) {
		return dataError(lr.path, lr.line+1, 1, "the file is cut short or corrupt; compress it again", "truncated or corrupt gzip data after line %d", lr.line)
	}
	return dataError(lr.path, lr.line+1, 1, "", "reading: %v", err)
}

// Close closes the file.
func (lr *lineReader) Close() error { return lr.f.Close() }

// loadUsers reads users.csv into a dataset.
func loadUsers(path string, progress func(done, total int64)) (*Dataset, error) {
	lr, err := openLines(path)
	if err != nil {
		return nil, err
	}
	defer lr.Close()
	hint := 0
	if filepath.Ext(path) != ".gz" {
		hint = int(lr.size / 44) // rows are 44–60 bytes; unused capacity is never touched
	}
	u := &usersLoader{lr: lr, b: newBuilder(hint)}
	if err := u.header(); err != nil {
		return nil, err
	}
	u.startAdder()
	for n := 0; ; n++ {
		line, err := lr.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			u.errs = append(u.errs, err.(*nctarget.Diagnostic))
			break
		}
		u.row(line)
		if len(u.errs) >= maxErrors {
			break
		}
		if progress != nil && n&0xffff == 0 {
			progress(lr.read, lr.size)
		}
	}
	u.stopAdder()
	if progress != nil {
		progress(lr.size, lr.size)
	}
	if err := u.errs.Err(); err != nil {
		return nil, err
	}
	return u.finish()
}

// usersLoader holds the state of reading one users.csv.
type usersLoader struct {
	lr    *lineReader
	b     *builder
	cols  [numColumns]nctarget.Attr // attribute of each column; 0 for userId
	lines lineIndex
	errs  nctarget.ErrorList
	count uint32 // rows parsed so far: the next user number

	batch      *rowBatch      // rows being filled by the parser
	full, free chan *rowBatch // to the adder, and back
	done       chan struct{}  // closed when the adder has finished
	first      int            // line of the first appType "others"
}

// header reads the header line, whose columns may come in any order.
func (u *usersLoader) header() error {
	line, err := u.lr.next()
	if err == io.EOF {
		return nctarget.ErrorList{dataError(u.lr.path, 1, 1, "start with the header "+string(joinHeader()), "empty file: no header")}
	}
	if err != nil {
		return nctarget.ErrorList{err.(*nctarget.Diagnostic)}
	}
	fields := bytes.Split(line, []byte(","))
	seen := map[string]bool{}
	bad := len(fields) != len(usersHeader)
	for i, f := range fields {
		name := string(bytes.TrimSpace(f))
		a, ok := columnAttr(name)
		if !ok || seen[name] || i >= len(u.cols) {
			bad = true
			break
		}
		seen[name] = true
		u.cols[i] = a
	}
	if bad {
		return nctarget.ErrorList{dataError(u.lr.path, u.lr.line, 1, "the header names each column once: "+string(joinHeader()), "bad header %q", line)}
	}
	u.lines.add(0, u.lr.line+1)
	return nil
}

// joinHeader returns the canonical header line.
func joinHeader() []byte {
	return bytes.Join(func() (bs [][]byte) {
		for _, h := range usersHeader {
			bs = append(bs, []byte(h))
		}
		return bs
	}(), []byte(","))
}

// columnAttr maps a header name to its attribute (0 for userId).
func columnAttr(name string) (nctarget.Attr, bool) {
	if name == "userId" {
		return 0, true
	}
	for _, a := range nctarget.Attrs {
		if a.String() == name {
			return a, true
		}
	}
	return 0, false
}

// row parses one data line.
func (u *usersLoader) row(line []byte) {
	var cells [numColumns][]byte
	var starts [numColumns]int
	n, start := 0, 0
	for { // bytes.IndexByte finds each comma several bytes at a time
		end := len(line)
		if j := bytes.IndexByte(line[start:], ','); j >= 0 {
			end = start + j
		}
		if n < len(cells) {
			cells[n], starts[n] = line[start:end], start
		}
		n++
		if end == len(line) {
			break
		}
		start = end + 1
	}
	if n != len(cells) {
		u.fail(1, "each row has 6 cells: "+string(joinHeader()), "%d cells, the header has %d", n, len(cells))
		return
	}
	var r row
	var id userID
	for c, a := range u.cols {
		if a == 0 {
			var ok bool
			if id, ok = parseID(cells[c]); !ok {
				u.fail(starts[c]+1, "a user ID is U followed by 32 lowercase hex digits", "bad user ID %q", cells[c])
				return
			}
			continue
		}
		others := u.b.others
		v, err := u.b.parseField(a, cells[c])
		if err != nil {
			u.fail(starts[c]+1, "", "%v", err)
			return
		}
		if u.b.others > others && u.first == 0 {
			u.first = u.lr.line
		}
		r[a] = v
	}
	u.add(id, &r)
}

// rowBatch is a run of parsed rows handed from the parser to the adder.
type rowBatch struct {
	n    int
	ids  [4096]userID
	rows [4096]row
}

// startAdder starts the goroutine that adds parsed rows to the builder,
// so that parsing the next rows (this goroutine) and setting the bits of
// the last ones (the adder) use two processors.
func (u *usersLoader) startAdder() {
	u.full, u.free, u.done = make(chan *rowBatch, 4), make(chan *rowBatch, 5), make(chan struct{})
	for range cap(u.free) {
		u.free <- new(rowBatch)
	}
	u.batch = <-u.free
	go func() {
		defer close(u.done)
		for q := range u.full {
			for k := range q.n {
				u.b.add(q.ids[k], &q.rows[k])
			}
			q.n = 0
			u.free <- q
		}
	}()
}

// stopAdder hands over the last rows and waits until all are added.
func (u *usersLoader) stopAdder() {
	if u.batch.n > 0 {
		u.full <- u.batch
	}
	close(u.full)
	<-u.done
}

// add queues a parsed row for the adder, remembering its line for error
// messages.
func (u *usersLoader) add(id userID, r *row) {
	i := u.count
	u.count++
	if u.lines.lineOf(i) != u.lr.line {
		u.lines.add(i, u.lr.line)
	}
	q := u.batch
	q.ids[q.n], q.rows[q.n] = id, *r
	if q.n++; q.n == len(q.ids) {
		u.full <- q
		u.batch = <-u.free
	}
}

// fail records a malformed-line error at column col of the current line.
func (u *usersLoader) fail(col int, hint, format string, args ...any) {
	u.errs = append(u.errs, dataError(u.lr.path, u.lr.line, col, hint, format, args...))
}

// finish builds the dataset and its data warnings.
func (u *usersLoader) finish() (*Dataset, error) {
	d, dups := u.b.finish()
	for _, dup := range dups[:min(len(dups), maxErrors)] {
		u.errs = append(u.errs, dataError(u.lr.path, u.lines.lineOf(dup.second), 1, "each friend appears once in users.csv",
			"duplicate user ID %s, first on line %d", d.ids[dup.first], u.lines.lineOf(dup.first)))
	}
	if err := u.errs.Err(); err != nil {
		return nil, err
	}
	d.others, d.othersLine = u.b.others, u.first
	d.dataWarnings(u.lr.path)
	return d, nil
}

// dataWarnings sets the warnings about the users file at path.
func (d *Dataset) dataWarnings(path string) {
	if d.others == 0 {
		return
	}
	d.Warnings = append(d.Warnings, &nctarget.Diagnostic{
		Pos:      nctarget.Pos{Filename: path, Offset: -1, Line: d.othersLine, Column: 1},
		Severity: nctarget.SeverityWarning,
		Msg:      fmt.Sprintf("%d users have appType others, treated as unknown (first on line %d)", d.others, d.othersLine),
		Hint:     "appType atoms never match them; the API knows only ios and android",
	})
}

// lineIndex maps user numbers to line numbers with one entry per run of
// consecutive lines, so it costs nothing unless the file has blank lines.
type lineIndex []struct{ user, line int }

// add records that user number i is on line.
func (l *lineIndex) add(i uint32, line int) {
	*l = append(*l, struct{ user, line int }{int(i), line})
}

// lineOf returns the line of user number i.
func (l lineIndex) lineOf(i uint32) int {
	j := len(l) - 1
	for j > 0 && l[j].user > int(i) {
		j--
	}
	return l[j].line + int(i) - l[j].user
}
