package load

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"

	"github.com/nctarget/nctarget"
)

// Options configure ReadUsers and ReadMembers. The zero value reads the
// file with no progress reports.
type Options struct {
	// Progress, when not nil, is called now and then while the file is
	// read, with the bytes read so far and the file's size.
	Progress func(done, total int64)
	// ChunkSize is how many bytes of the file a processor parses at a
	// time; 0 means 2 MB. What is read and the errors never depend on it:
	// tests and fuzzing set a few bytes, so that chunk boundaries fall
	// everywhere, and check exactly that.
	ChunkSize int
	// MapFrom is the size in bytes from which the loader's arrays are
	// mapped outside the Go heap (see mem.Alloc); 0 means
	// mem.DefaultMapFrom. Tests set 1, so that small files take the path
	// of large ones.
	MapFrom int
}

// MaxErrors is how many errors a load lists; the rest are counted, in a
// last diagnostic ("and 7 more errors").
const MaxErrors = 20

// cappedErrors collects the errors of one file (or of one chunk of it):
// the first MaxErrors, then how many more there were and the line of the
// first of those.
type cappedErrors struct {
	list     nctarget.ErrorList
	more     int  // errors found after the first MaxErrors
	moreLine int  // the line of the first of them
	cut      bool // reading stopped early: more is a lower bound
}

// add adds an error, or counts it once MaxErrors are listed.
func (e *cappedErrors) add(d *nctarget.Diagnostic) {
	if len(e.list) < MaxErrors {
		e.list = append(e.list, d)
		return
	}
	e.addMore(1, d.Pos.Line)
}

// full reports whether another error would only be counted.
func (e *cappedErrors) full() bool { return len(e.list) >= MaxErrors }

// addMore counts n errors not listed, the first on line.
func (e *cappedErrors) addMore(n, line int) {
	if n == 0 {
		return
	}
	if e.more == 0 {
		e.moreLine = line
	}
	e.more += n
}

// err returns the errors of the file at path, with the count of those not
// listed as a last diagnostic, or nil.
func (e *cappedErrors) err(path string) error {
	if e.more == 0 {
		return e.list.Err()
	}
	what := "errors"
	if e.more == 1 {
		what = "error"
	}
	atLeast := ""
	if e.cut {
		atLeast = "at least "
	}
	return append(e.list, dataError(path, e.moreLine, 1, fmt.Sprintf("the first %d are listed above; fix them and load again to see the rest", MaxErrors),
		"and %s%d more %s, the first on this line", atLeast, e.more, what))
}

// numColumns is the number of columns of users.csv.
const numColumns = 6

// usersHeader is the header of users.csv.
var usersHeader = [numColumns]string{"userId", "gender", "age", "appType", "area", "subscriptionPeriod"}

// DataFile returns path, or path.gz when only that exists: every data
// file may be gzipped.
func DataFile(path string) (string, error) {
	_, err := os.Stat(path)
	if err == nil {
		return path, nil
	}
	if _, gzErr := os.Stat(path + ".gz"); gzErr == nil {
		return path + ".gz", nil
	}
	return "", err
}

// UsersFile returns the path of dir's users.csv (or users.csv.gz). When
// there is none it says why with the real cause (missing, unreadable, a
// symbolic link loop) and, for a missing file, the layout a data directory
// has.
func UsersFile(dir string) (string, error) {
	path, err := DataFile(filepath.Join(dir, "users.csv"))
	if err == nil {
		return path, nil
	}
	path = filepath.Join(dir, "users.csv")
	if errors.Is(err, fs.ErrNotExist) {
		return "", fmt.Errorf("%s: does not exist: a data directory holds users.csv (header %s), audiences/<audienceGroupId>.txt and redeliveries/<requestId>.txt; nctarget gen-data DIR writes an example",
			path, strings.Join(usersHeader[:], ","))
	}
	return "", fmt.Errorf("%s: cannot read: %v: make it readable", path, Cause(err))
}

// Cause returns the cause of a file system error without its path, for a
// message that names the file already.
func Cause(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
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
	line int   // number of the line last returned
	off  int64 // bytes of (uncompressed) text returned so far, line endings included
	read int64 // bytes of the file read so far
	size int64
}

// bom is the UTF-8 byte order mark, which a data file may start with.
var bom = []byte("\xef\xbb\xbf")

// maxLine is the longest line accepted, its line ending included.
const maxLine = 1 << 20

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
	lr.br = bufio.NewReaderSize(r, maxLine)
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
			return nil, lineTooLong(lr.path, lr.line+1)
		}
		if err != nil && err != io.EOF {
			return nil, lr.readError(err)
		}
		if len(line) == 0 && err == io.EOF {
			return nil, io.EOF
		}
		lr.line++
		lr.off += int64(len(line))
		line = trimEOL(line)
		if lr.line == 1 {
			line = bytes.TrimPrefix(line, bom)
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
func (lr *lineReader) readError(err error) error { return readError(lr.path, lr.line, err) }

// readError describes a read failure of file after line.
func readError(file string, line int, err error) *nctarget.Diagnostic {
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, gzip.ErrChecksum) || errors.Is(err, gzip.ErrHeader) {
		return dataError(file, line+1, 1, "the file is cut short or corrupt; compress it again", "truncated or corrupt gzip data after line %d", line)
	}
	return dataError(file, line+1, 1, "", "reading: %v", err)
}

// lineTooLong is the error for line of file when it exceeds maxLine.
func lineTooLong(file string, line int) *nctarget.Diagnostic {
	return dataError(file, line, 1, "each line holds one record", "line longer than %d bytes", maxLine)
}

// Close closes the file.
func (lr *lineReader) Close() error { return lr.f.Close() }

// ReadUsers reads the users.csv (or users.csv.gz) at path: the header on
// this goroutine, then the rows in chunks on every processor (see
// chunks.go). Every malformed line is an error naming its file and line;
// the error is an nctarget.ErrorList. The caller releases the users'
// memory (Users.Release).
func ReadUsers(path string, opts Options) (*Users, error) {
	lr, err := openLines(path)
	if err != nil {
		return nil, err
	}
	defer lr.Close()
	progress := opts.Progress
	u := &usersLoader{path: path, progress: progress, total: lr.size}
	if err := u.header(lr); err != nil {
		return nil, err
	}
	src := newChunkSource(lr, opts.ChunkSize)
	u.b = newBuilder(0, opts.MapFrom)
	if fs, ok := src.(*fileSource); ok {
		u.start = fs.start
		// Every row but the last takes at least minRow bytes and a newline.
		u.b.reserveUpTo(int((fs.size-fs.start)/(minRow+1)) + 1)
	}
	u.run(src, runtime.GOMAXPROCS(0))
	if progress != nil {
		progress(lr.size, lr.size)
	}
	if err := u.errs.err(u.path); err != nil {
		u.b.abandon()
		return nil, err
	}
	return u.finish()
}

// EachUser calls user with each row of the users.csv at path, in file
// order: the user ID and the cells as eval reads them (see cellText),
// indexed by nctarget.Attr, read with ReadUsers's header, rows and cells.
// It is for copying a file ReadUsers has taken, a row at a time, as
// nctarget sql --load does: it stops at the first malformed line with
// that line's error, where ReadUsers lists every line's, and it does not
// look for duplicate IDs.
func EachUser(path string, user func(id string, cells *[NumAttrs]string) error) error {
	lr, err := openLines(path)
	if err != nil {
		return err
	}
	defer lr.Close()
	u := &usersLoader{path: path}
	if err := u.header(lr); err != nil {
		return err
	}
	var cells [numColumns][]byte
	var text [NumAttrs]string
	for {
		line, err := lr.next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return nctarget.ErrorList{err.(*nctarget.Diagnostic)}
		}
		id, vals, _, fault := u.parseRow(line, &cells)
		if fault != nil {
			return nctarget.ErrorList{dataError(path, lr.line, fault.col, fault.hint, "%s", fault.msg)}
		}
		for k, a := range u.cols {
			if a != 0 {
				text[a] = cellText(a, cells[k], vals[a])
			}
		}
		if err := user(id.String(), &text); err != nil {
			return err
		}
	}
}

// cellText returns the text of a cell whose value eval reads as v: a
// number as the file has it, a set attribute's value as its code (Male
// is male, IOS ios, JP_13 jp_13), and "" for unknown, an appType others
// included, so a copy matches in SQL exactly where eval does.
func cellText(a nctarget.Attr, cell []byte, v uint8) string {
	switch {
	case a.IsRange():
		return string(cell)
	case v == noValue:
		return ""
	}
	return a.Codes()[v]
}

// usersLoader holds the state of reading one users.csv.
type usersLoader struct {
	path     string
	cols     [numColumns]nctarget.Attr // attribute of each column; 0 for userId
	progress func(done, total int64)
	total    int64 // the file's size
	start    int64 // where the rows start in it (0 for gzip)

	// Set by committer.place, in file order.
	b          *builder
	lines      lineIndex // user number → line
	errs       cappedErrors
	lineBase   int // lines before the next chunk to place
	othersLine int // line of the first appType "others"
}

// header reads the header line, whose columns may come in any order.
func (u *usersLoader) header(lr *lineReader) error {
	line, err := lr.next()
	if err == io.EOF {
		return nctarget.ErrorList{dataError(lr.path, 1, 1, "start with the header "+string(joinHeader()), "empty file: no header")}
	}
	if err != nil {
		return nctarget.ErrorList{err.(*nctarget.Diagnostic)}
	}
	var fields [numColumns][]byte
	var starts [numColumns]int
	n, quoteAt := splitCells(line, fields[:], starts[:]) // names may be quoted too
	seen := map[string]bool{}
	bad := n != len(usersHeader) || quoteAt >= 0
	for i, f := range fields[:min(n, len(fields))] {
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
		return nctarget.ErrorList{dataError(lr.path, lr.line, 1, "the header names each column once: "+string(joinHeader()), "bad header %q", line)}
	}
	u.lineBase = lr.line
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

// finish builds the users, or reports their duplicate IDs.
func (u *usersLoader) finish() (*Users, error) {
	users, dups := u.b.finish()
	for _, dup := range dups {
		line := u.lines.lineOf(dup.Second)
		if u.errs.full() {
			u.errs.addMore(1, line)
			continue
		}
		u.errs.add(dataError(u.path, line, 1, "each friend appears once in users.csv",
			"duplicate user ID %s, first on line %d", users.Table.ID(dup.First), u.lines.lineOf(dup.First)))
	}
	if err := u.errs.err(u.path); err != nil {
		users.Release()
		return nil, err
	}
	users.OthersLine, users.Path = u.othersLine, u.path
	return users, nil
}

// lineIndex maps user numbers to line numbers with one entry per run of
// consecutive lines (and per chunk), in user order.
type lineIndex []struct{ user, line int }

// add records that user number i is on line.
func (l *lineIndex) add(i uint32, line int) {
	*l = append(*l, struct{ user, line int }{int(i), line})
}

// lineOf returns the line of user number i.
func (l lineIndex) lineOf(i uint32) int {
	j := sort.Search(len(l), func(j int) bool { return l[j].user > int(i) }) - 1
	if j < 0 {
		return 0
	}
	return l[j].line + int(i) - l[j].user
}
