package load

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/nctarget/nctarget"
	"github.com/nctarget/nctarget/internal/bench"
	"github.com/nctarget/nctarget/internal/gendata"
	"github.com/nctarget/nctarget/internal/testfiles"
	"github.com/nctarget/nctarget/internal/userid"
)

// loaded is what a load gives, in comparable form: the dataset's users
// and attribute sets, its warnings, or the errors.
type loaded struct {
	IDs      []string
	Known    map[string][]uint32
	Values   map[string][]uint32
	Warnings []string
	Errors   []string
}

// loadAll loads dir's users.csv with the given chunk size.
func loadAll(t *testing.T, dir string, size int) loaded {
	t.Helper()
	return loadWith(t, dir, Options{ChunkSize: size})
}

// loadWith loads dir's users.csv with opts.
func loadWith(t *testing.T, dir string, opts Options) loaded {
	t.Helper()
	path, err := DataFile(filepath.Join(dir, "users.csv"))
	if err != nil {
		t.Fatal(err)
	}
	u, err := ReadUsers(path, opts)
	var l loaded
	if err != nil {
		for _, e := range nctarget.Diagnostics(err) {
			l.Errors = append(l.Errors, strings.TrimPrefix(e.Error(), dir+string(filepath.Separator)))
		}
		if len(l.Errors) == 0 {
			t.Fatalf("error without diagnostics: %v", err)
		}
		return l
	}
	defer u.Release()
	l.Known, l.Values = map[string][]uint32{}, map[string][]uint32{}
	for i := range u.Len() {
		l.IDs = append(l.IDs, u.Table.ID(uint32(i)).String())
	}
	for _, a := range nctarget.Attrs {
		l.Known[a.String()] = u.Attrs[a].Known.ToArray()
		for v, bm := range u.Attrs[a].Values {
			l.Values[fmt.Sprintf("%s/%d", a, v)] = bm.ToArray()
		}
	}
	for _, w := range u.Warnings() {
		l.Warnings = append(l.Warnings, strings.TrimPrefix(w.Error(), dir+string(filepath.Separator)))
	}
	return l
}

// writeData is testfiles.Write.
func writeData(t *testing.T, files map[string]string) string { return testfiles.Write(t, files) }

// header is users.csv's header line.
const header = testfiles.Header

// rows returns n varied rows of users.csv, each ending in "\n".
func rows(n int) []string {
	genders := []string{"male", "female", ""}
	apps := []string{"ios", "android", "", "others"}
	areas := []string{"jp_13", "", "tw_05", "th_08", "id_12", "jp_47"}
	var out []string
	for i := range n {
		age, days := strconv.Itoa(i%97), strconv.Itoa(i*37%1000)
		if i%5 == 0 {
			age = ""
		}
		if i%7 == 0 {
			days = "0" + days
		}
		out = append(out, fmt.Sprintf("%s,%s,%s,%s,%s,%s\n", userid.Format(uint64(i)*7919+1),
			genders[i%3], age, apps[i%4], areas[i%6], days))
	}
	return out
}

// chunkFiles are users.csv variants for TestChunkBoundaries: name →
// contents.
func chunkFiles() map[string]string {
	r := rows(120)
	join := func(rs []string) string { return header + strings.Join(rs, "") }
	edit := func(f func(rs []string)) string {
		rs := append([]string(nil), r...)
		f(rs)
		return join(rs)
	}
	many := edit(func(rs []string) {
		for i := 3; i < len(rs); i += 4 {
			rs[i] = strings.Replace(rs[i], ",", ",x", 2) // bad gender
		}
	})
	return map[string]string{
		"plain":            join(r),
		"no final newline": strings.TrimSuffix(join(r), "\n"),
		"windows and bom":  "\ufeff" + strings.ReplaceAll(join(r), "\n", "\r\n"),
		"stray returns":    edit(func(rs []string) { rs[5] = strings.TrimSuffix(rs[5], "\n") + "\r\r\n" }),
		"blank lines":      "\n \n" + edit(func(rs []string) { rs[0] = "\n" + rs[0]; rs[40] = "\r\n  \n\n" + rs[40]; rs[119] += "\n\n" }),
		"duplicates":       edit(func(rs []string) { rs[100], rs[110] = rs[2], rs[2] }),
		"duplicate blanks": edit(func(rs []string) { rs[30] = "\n\n" + rs[90] }),
		"errors": edit(func(rs []string) {
			rs[10] = "U123,,,,,\n"
			rs[50] = rs[50][:40] + "\n"
			rs[78] = strings.Replace(rs[78], "jp_13", "tokyo", 1)
		}),
		"too many errors":   many,
		"error at the end":  strings.TrimSuffix(join(r), "\n") + ",",
		"columns reordered": "area,userId,subscriptionPeriod,age,gender,appType\n" + ",U00000000000000000000000000000001,7,30,female,ios\njp_13,U00000000000000000000000000000002,,,,others\n",
		"odd rows": edit(func(rs []string) {
			rs[20] = userid.Format(1<<50) + "\n"                                      // one cell
			rs[21] = userid.Format(1<<51) + ",male\r,,,,\n"                           // a return in a cell
			rs[22] = userid.Format(1<<52) + ",female,120,android,jp_13,36500\r\n"     // longer than 64 bytes
			rs[23] = userid.Format(1<<53) + ",female,0120,android,jp_13,0000036500\n" // a cell longer than 8 bytes
			rs[24] = userid.Format(1<<54) + ",,,,," + strings.Repeat(" ", 40) + "\n"  // spaces
		}),
		"long rows": edit(func(rs []string) {
			for i := range rs {
				rs[i] = strings.Replace(rs[i], ",", ",00", 5)
			}
		}),
		"quoted and capitalized": edit(func(rs []string) {
			for i := 0; i < len(rs); i += 3 {
				cells := strings.Split(strings.TrimSuffix(rs[i], "\n"), ",")
				for k := range cells {
					cells[k] = `"` + strings.ToUpper(cells[k][:min(1, len(cells[k]))]) + cells[k][min(1, len(cells[k])):] + `"`
				}
				cells[0] = strings.Replace(cells[0], `"u`, `"U`, 1)
				rs[i] = strings.Join(cells, ",") + "\n"
			}
			rs[4] = strings.Replace(rs[4], ",", `,"""",`, 1) // a quote in a cell: an error
		}),
		"nul and utf-8": edit(func(rs []string) {
			rs[7] = strings.Replace(rs[7], "male", "ma\x00e", 1)
			rs[9] = strings.Replace(rs[9], "ios", "iös", 1)
		}),
	}
}

// TestChunkBoundaries checks that loading in chunks of any size, split
// at any byte of the file, gives the same dataset, warnings and errors
// (with the same line numbers) as loading in one chunk.
func TestChunkBoundaries(t *testing.T) {
	t.Parallel()
	for name, content := range chunkFiles() {
		for _, gz := range []bool{false, true} {
			file := "users.csv"
			if gz {
				file += ".gz"
			}
			dir := writeData(t, map[string]string{file: content})
			want := loadAll(t, dir, 1<<30)
			if want.Errors == nil && len(want.IDs) == 0 {
				t.Fatalf("%s: nothing loaded", name)
			}
			for _, size := range []int{1, 2, 3, 5, 8, 13, 40, 64, 100, 257, 1000} {
				if diff := cmp.Diff(want, loadAll(t, dir, size)); diff != "" {
					t.Errorf("%s (gzip %v), chunks of %d bytes (-one chunk +chunks):\n%s", name, gz, size, diff)
				}
			}
		}
	}
}

// TestChunkErrorLines pins the errors of some chunkFiles, so that
// TestChunkBoundaries compares against the right thing.
func TestChunkErrorLines(t *testing.T) {
	t.Parallel()
	files := chunkFiles()
	tests := []struct {
		file string
		want []string
	}{
		{"duplicates", []string{
			"users.csv:102:1: duplicate user ID " + userid.Format(2*7919+1) + ", first on line 4",
			"users.csv:112:1: duplicate user ID " + userid.Format(2*7919+1) + ", first on line 4",
		}},
		{"duplicate blanks", []string{"users.csv:94:1: duplicate user ID " + userid.Format(90*7919+1) + ", first on line 34"}},
		{"errors", []string{
			`users.csv:12:1: bad user ID "U123"`,
			"users.csv:52:1: 5 cells, the header has 6",
			`users.csv:80:44: unknown area "tokyo": use one of id_01, id_02, … (the API's codes), or leave the cell empty for unknown`,
		}},
		{"error at the end", []string{"users.csv:121:1: 7 cells, the header has 6"}},
	}
	for _, tt := range tests {
		for _, size := range []int{3, 1 << 30} {
			got := loadAll(t, writeData(t, map[string]string{"users.csv": files[tt.file]}), size).Errors
			for i := range got {
				got[i], _, _ = strings.Cut(got[i], "\n")
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("%s, chunks of %d (-want +got):\n%s", tt.file, size, diff)
			}
		}
	}
	errs := loadAll(t, writeData(t, map[string]string{"users.csv": files["too many errors"]}), 5).Errors
	if len(errs) != MaxErrors+1 || !strings.HasPrefix(errs[0], "users.csv:5:") || !strings.HasPrefix(errs[MaxErrors-1], "users.csv:81:") {
		t.Errorf("too many errors: got %d, first %q, last listed %q; want %d from line 5 to line 81, then the count", len(errs), errs[0], errs[len(errs)-2], MaxErrors)
	}
	if last, _, _ := strings.Cut(errs[len(errs)-1], "\n"); last != "users.csv:85:1: and 10 more errors, the first on this line" {
		t.Errorf("too many errors: last %q, want the 10 not listed counted from line 85", last)
	}
}

// TestErrorCount checks the count of the errors not listed, in users.csv
// (parse errors, duplicates, errors before a line that stops reading) and
// in an audience file.
func TestErrorCount(t *testing.T) {
	t.Parallel()
	bad := func(n int) string { // n rows with a bad gender
		var b strings.Builder
		for i := range n {
			fmt.Fprintf(&b, "%s,x,,,,\n", userid.Format(uint64(i+1)))
		}
		return b.String()
	}
	dup := func(n int) string { // n rows, then the same n again
		var b strings.Builder
		for range 2 {
			for i := range n {
				fmt.Fprintf(&b, "%s,,,,,\n", userid.Format(uint64(i+1)))
			}
		}
		return b.String()
	}
	tests := []struct {
		name, file, content string
		want                string // the last error, its first line
	}{
		{"one more", "users.csv", header + bad(MaxErrors+1), "users.csv:22:1: and 1 more error, the first on this line"},
		{"many more", "users.csv", header + bad(500), "users.csv:22:1: and 480 more errors, the first on this line"},
		{"duplicates", "users.csv", header + dup(MaxErrors+7), "users.csv:49:1: and 7 more errors, the first on this line"},
		{"stopped", "users.csv", header + bad(MaxErrors+2) + strings.Repeat("x", maxLine+1) + "\n" + bad(5),
			"users.csv:22:1: and at least 3 more errors, the first on this line"},
		{"audience", "audiences/7.txt", strings.Repeat("U1\n", MaxErrors+4), "audiences/7.txt:21:1: and 4 more errors, the first on this line"},
	}
	for _, tt := range tests {
		dir := writeData(t, map[string]string{tt.file: tt.content})
		var err error
		if tt.file == "users.csv" {
			_, err = ReadUsers(filepath.Join(dir, tt.file), Options{ChunkSize: 100})
		} else {
			_, err = ReadMembers(filepath.Join(dir, tt.file), &userid.Table{}, Options{})
		}
		ds := nctarget.Diagnostics(err)
		if len(ds) != MaxErrors+1 {
			t.Errorf("%s: %d errors, want %d and the count", tt.name, len(ds), MaxErrors)
			continue
		}
		got, _, _ := strings.Cut(strings.TrimPrefix(ds[MaxErrors].Error(), dir+string(filepath.Separator)), "\n")
		if got != tt.want {
			t.Errorf("%s: last error\n got: %s\nwant: %s", tt.name, got, tt.want)
		}
	}
}

// TestLongLine checks that a line longer than maxLine stops loading with
// an error at its line, whatever the chunks, and that no later error is
// reported.
func TestLongLine(t *testing.T) {
	t.Parallel()
	content := header + rows(3)[0] + "\n" + strings.Repeat("x", maxLine+10) + "\n" + "bad line\n"
	want := []string{"users.csv:4:1: line longer than 1048576 bytes"}
	for _, gz := range []bool{false, true} {
		file := "users.csv"
		if gz {
			file += ".gz"
		}
		dir := writeData(t, map[string]string{file: content})
		for _, size := range []int{4096, 100_000, 2 << 20} {
			got := loadAll(t, dir, size).Errors
			for i := range got {
				got[i], _, _ = strings.Cut(got[i], "\n")
				got[i] = strings.Replace(got[i], ".gz", "", 1)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("gzip %v, chunks of %d (-want +got):\n%s", gz, size, diff)
			}
		}
	}
}

// TestLoadProgress checks that progress is reported as chunks are done,
// never going back, and ends at the file's size.
func TestLoadProgress(t *testing.T) {
	t.Parallel()
	content := header + strings.Join(rows(50), "")
	dir := writeData(t, map[string]string{"users.csv": content})
	var calls [][2]int64
	u, err := ReadUsers(filepath.Join(dir, "users.csv"), Options{ChunkSize: 100, Progress: func(done, total int64) { calls = append(calls, [2]int64{done, total}) }})
	if err != nil {
		t.Fatal(err)
	}
	u.Release()
	size := int64(len(content))
	if len(calls) < 10 || calls[len(calls)-1] != [2]int64{size, size} {
		t.Fatalf("progress calls %v: want many, ending at %d of %d", calls, size, size)
	}
	for i := 1; i < len(calls); i++ {
		if calls[i][0] < calls[i-1][0] || calls[i][1] != size {
			t.Fatalf("progress went from %v to %v", calls[i-1], calls[i])
		}
	}
}

// TestLoadMatchesNaive checks a generated dataset of more than one block
// of users (roaringfmt.ContainerBits), with values dense enough for bitset
// containers, loaded in small chunks,
// against a naive reading of the same file: every user's ID and which
// value set of each attribute holds it.
func TestLoadMatchesNaive(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if err := gendata.Generate(dir, gendata.Options{Users: 70_000, Seed: 3}); err != nil {
		t.Fatal(err)
	}
	got := loadAll(t, dir, 64<<10)
	data, err := os.ReadFile(filepath.Join(dir, "users.csv"))
	if err != nil {
		t.Fatal(err)
	}
	want := loaded{Known: map[string][]uint32{}, Values: map[string][]uint32{}}
	lines := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
	cols := strings.Split(lines[0], ",")
	for i, line := range lines[1:] {
		cells := strings.Split(line, ",")
		for c, name := range cols {
			a, _ := columnAttr(name)
			cell := cells[c]
			if a == 0 {
				want.IDs = append(want.IDs, cell)
				continue
			}
			v := naiveValue(t, a, cell)
			if v < 0 {
				continue
			}
			want.Known[a.String()] = append(want.Known[a.String()], uint32(i))
			key := fmt.Sprintf("%s/%d", a, v)
			want.Values[key] = append(want.Values[key], uint32(i))
		}
	}
	for _, a := range nctarget.Attrs {
		for v := range a.NumCells() {
			if key := fmt.Sprintf("%s/%d", a, v); want.Values[key] == nil {
				want.Values[key] = []uint32{}
			}
		}
	}
	got.Warnings = nil
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("loaded (-naive +chunks):\n%s", diff)
	}
}

// naiveValue is the value number of a cell, -1 when unknown.
func naiveValue(t *testing.T, a nctarget.Attr, cell string) int {
	if cell == "" || cell == "others" {
		return -1
	}
	if a.IsRange() {
		n, err := strconv.Atoi(cell)
		if err != nil {
			t.Fatalf("%s %q", a, cell)
		}
		k := 0
		for _, b := range a.Bounds() {
			if n >= b {
				k++
			}
		}
		return k
	}
	for i, c := range a.Codes() {
		if c == cell {
			return i
		}
	}
	t.Fatalf("%s %q", a, cell)
	return 0
}

// TestShortEstimate checks a gzipped file whose first rows are much
// longer than the rest, so that the number of users estimated from the
// first chunk is far too low: the arrays of users must grow while chunks
// are copied into them, giving what one chunk gives. (A plain file
// reserves an upper bound before reading, and never grows.)
func TestShortEstimate(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	b.WriteString(header)
	for i, r := range rows(2000) {
		if i < 12 { // the same ID, an age with 300 leading zeros
			r = fmt.Sprintf("%s,male,%s20,ios,jp_13,7\n", userid.Format(uint64(i)*7919+1), strings.Repeat("0", 300))
		}
		b.WriteString(r)
	}
	dup := b.String() + rows(3)[1] // a duplicate of the second row
	for _, gz := range []bool{false, true} {
		file := "users.csv"
		if gz {
			file += ".gz"
		}
		for _, content := range []string{dup, b.String()} {
			dir := writeData(t, map[string]string{file: content})
			want := loadAll(t, dir, 1<<30)
			switch {
			case content == dup && (len(want.Errors) != 1 || !strings.Contains(want.Errors[0], "first on line 3")):
				t.Fatalf("errors %v, want one duplicate", want.Errors)
			case content != dup && len(want.IDs) != 2000:
				t.Fatalf("%d users, want 2000 (errors %v)", len(want.IDs), want.Errors)
			}
			if diff := cmp.Diff(want, loadAll(t, dir, 4096)); diff != "" {
				t.Errorf("gzip %v (-one chunk +chunks):\n%s", gz, diff)
			}
		}
	}
}

// BenchmarkParseChunk parses a chunk of generated rows in memory,
// against finding its lines (bytes.IndexByte): the cost of parsing, apart
// from reading the file and page faults.
func BenchmarkParseChunk(b *testing.B) {
	dir := b.TempDir()
	if err := gendata.Generate(dir, gendata.Options{Users: 40_000, Seed: 5}); err != nil {
		b.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(dir, "users.csv"))
	if err != nil {
		b.Fatal(err)
	}
	_, rest, _ := strings.Cut(string(data), "\n")
	u := &usersLoader{path: "users.csv", cols: canonicalCols}
	c := &chunk{data: []byte(rest), eof: true}
	lines := 0
	scan, parse := bench.Compare(b, func(b *testing.B) {
		for b.Loop() {
			lines = 0
			for d := c.data; len(d) > 0; lines++ {
				i := bytes.IndexByte(d, '\n')
				d = d[i+1:]
			}
		}
	}, func(b *testing.B) {
		for b.Loop() {
			u.parseChunk(c)
		}
	})
	if c.n != 40_000 || lines != 40_000 || len(c.errs.list) > 0 {
		b.Fatalf("%d rows, %d lines, errors %v", c.n, lines, c.errs)
	}
	b.Logf("%d rows: parse %s (%.0f ns a row), find lines %s: %.1f× the scan", c.n, parse,
		float64(parse.Nanoseconds())/float64(c.n), scan, float64(parse)/float64(scan))
}
