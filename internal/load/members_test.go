package load

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/nctarget/nctarget"
	"github.com/nctarget/nctarget/internal/userid"
)

// membersResult is what ReadMembers gives, in comparable form.
type membersResult struct {
	Friends           []uint32
	Lines, NonFriends uint64
	Errors            []string
}

// readMembersWith reads the audience file at path with opts.
func readMembersWith(t *testing.T, path string, table *userid.Table, opts Options) membersResult {
	t.Helper()
	set, err := ReadMembers(path, table, opts)
	if err != nil {
		var r membersResult
		for _, d := range nctarget.Diagnostics(err) {
			msg, _, _ := strings.Cut(d.Error(), "\n")
			r.Errors = append(r.Errors, msg[strings.Index(msg, "audiences/"):])
		}
		if r.Errors == nil {
			t.Fatalf("error without diagnostics: %v", err)
		}
		return r
	}
	return membersResult{Friends: set.Bits.ToArray(), Lines: set.Lines, NonFriends: set.NonFriends}
}

// naiveMembers reads an audience file's text line by line, as the
// format says, looking each ID up on its own: what ReadMembers must give.
func naiveMembers(text string, table *userid.Table, name string) membersResult {
	var r membersResult
	r.Friends = []uint32{}
	found := map[uint32]bool{}
	for n, line := range strings.Split(text, "\n") {
		line = strings.TrimRight(line, "\r\n")
		if n == 0 {
			line = strings.TrimPrefix(line, "\ufeff")
		}
		if strings.TrimSpace(line) == "" {
			continue
		}
		id, ok := userid.Parse([]byte(strings.TrimSpace(line)))
		if !ok {
			if len(r.Errors) < MaxErrors {
				r.Errors = append(r.Errors, fmt.Sprintf("%s:%d:1: bad user ID %q", name, n+1, line))
			}
			continue
		}
		r.Lines++
		if i, ok := table.Lookup(id); ok {
			found[i] = true
		} else {
			r.NonFriends++
		}
	}
	if r.Errors != nil {
		return membersResult{Errors: r.Errors}
	}
	for i := range uint32(table.Len()) {
		if found[i] {
			r.Friends = append(r.Friends, i)
		}
	}
	return r
}

// TestReadMembers checks audience files of every layout the format
// accepts, plain and gzipped, read in chunks of many sizes (so that chunk
// boundaries fall everywhere, on one goroutine's chunks and on several),
// against a naive line-by-line reading.
func TestReadMembers(t *testing.T) {
	t.Parallel()
	users := rows(300)
	dir := writeData(t, map[string]string{"users.csv": header + strings.Join(users, "")})
	u, err := ReadUsers(filepath.Join(dir, "users.csv"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer u.Release()
	var ids []string
	for i, r := range users {
		if i%3 != 1 {
			ids = append(ids, r[:userid.TextLen])
		}
	}
	for i := range 40 { // not friends
		ids = append(ids, userid.Format(uint64(i)<<40+5))
	}
	ids = append(ids, ids[7], ids[7], ids[100]) // listed twice
	plain := strings.Join(ids, "\n") + "\n"
	files := map[string]string{
		"plain":            plain,
		"no final newline": strings.TrimSuffix(plain, "\n"),
		"windows and bom":  "\ufeff" + strings.ReplaceAll(plain, "\n", "\r\n"),
		"blanks and space": "\n \n" + strings.Replace(strings.Replace(plain, "\n", "\n\n\t \r\n", 5), "\n"+ids[9]+"\n", "\n  "+ids[9]+" \n", 1),
		"errors":           strings.Replace(strings.Replace(plain, ids[3], "U123", 1), ids[200], strings.ToUpper(ids[200]), 1),
		"empty":            "",
	}
	for name, text := range files {
		for _, gz := range []bool{false, true} {
			file := "audiences/7.txt"
			if gz {
				file += ".gz"
			}
			path := filepath.Join(writeData(t, map[string]string{file: text}), file)
			want := naiveMembers(text, &u.Table, "audiences/7.txt")
			for _, size := range []int{1, 40, 97, 1000, 0} {
				got := readMembersWith(t, path, &u.Table, Options{ChunkSize: size})
				for i := range got.Errors {
					got.Errors[i] = strings.Replace(got.Errors[i], ".gz", "", 1)
				}
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("%s, gzip %v, chunks of %d (-naive +got):\n%s", name, gz, size, diff)
				}
			}
		}
	}
}

// TestReadMembersStops checks that a line longer than maxLine stops
// reading an audience file with an error at its line, whatever the
// chunks, and that progress ends at the file's size.
func TestReadMembersStops(t *testing.T) {
	t.Parallel()
	ids := strings.Repeat(userid.Format(3)+"\n", 50)
	content := ids + "U1\n" + strings.Repeat("x", maxLine+10) + "\n" + ids + "bad\n"
	dir := writeData(t, map[string]string{"audiences/7.txt": content})
	path := filepath.Join(dir, "audiences/7.txt")
	want := []string{`audiences/7.txt:51:1: bad user ID "U1"`, "audiences/7.txt:52:1: line longer than 1048576 bytes"}
	for _, size := range []int{100, 4096, 2 << 20} {
		var last [2]int64
		got := readMembersWith(t, path, &userid.Table{}, Options{ChunkSize: size, Progress: func(done, total int64) {
			if done < last[0] {
				t.Errorf("chunks of %d: progress went from %d to %d", size, last[0], done)
			}
			last = [2]int64{done, total}
		}})
		if diff := cmp.Diff(want, got.Errors); diff != "" {
			t.Errorf("chunks of %d (-want +got):\n%s", size, diff)
		}
		if size := int64(len(content)); last != [2]int64{size, size} {
			t.Errorf("last progress %v, want %d of %d", last, size, size)
		}
	}
}

// TestProgressSum checks that the progress of files read at once adds
// up, each file's size counted from its first report, and that a nil
// report gives no progress functions.
func TestProgressSum(t *testing.T) {
	t.Parallel()
	var got [][2]int64
	s := NewProgressSum(func(done, total int64) { got = append(got, [2]int64{done, total}) })
	a, b := s.File(), s.File()
	a(10, 100)
	b(5, 50)
	a(60, 100)
	b(50, 50)
	a(100, 100)
	want := [][2]int64{{10, 100}, {15, 150}, {65, 150}, {110, 150}, {150, 150}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("reports (-want +got):\n%s", diff)
	}
	if f := NewProgressSum(nil).File(); f != nil {
		t.Error("a ProgressSum without a report gave a progress function")
	}
}
