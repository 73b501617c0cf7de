package fuzz

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/nctarget/nctarget"
	"github.com/nctarget/nctarget/eval"
	"github.com/nctarget/nctarget/internal/load"
)

// FuzzMemberChunks reads arbitrary audience files, plain and gzipped, in
// one chunk and in chunks of a few bytes (audience files are read in
// chunks on every processor, like users.csv, and their errors put back in
// file order), against the 40 friends of the first chunk seed. The
// members, the counts and the errors with their lines must be the same.
func FuzzMemberChunks(f *testing.F) {
	for _, s := range loadSeeds() {
		if s.kind == kindAudience {
			f.Add(s.data, uint8(5), false)
			f.Add(s.data, uint8(20), true)
		}
	}
	var ids []string
	for i := range 50 { // 40 friends, then 10 others
		ids = append(ids, eval.FormatID(uint64(i+1)))
	}
	list := strings.Join(ids, "\n") + "\n"
	for _, text := range []string{list, strings.ReplaceAll(list, "\n", "\r\n"), "\uFEFF \n" + list + "U12\n\n" + ids[3] + " \n" + list} {
		f.Add([]byte(text), uint8(0), false)
		f.Add([]byte(text), uint8(33), true)
	}
	f.Fuzz(func(t *testing.T, data []byte, size uint8, gzipped bool) {
		dir := t.TempDir()
		mustWrite(t, filepath.Join(dir, "users.csv"), []byte(chunkSeeds()[0]))
		name := "audiences/7.txt"
		if gzipped {
			data, name = gzipBytes(data), name+".gz"
		}
		path := filepath.Join(dir, name)
		mustWrite(t, path, data)
		users, err := load.ReadUsers(filepath.Join(dir, "users.csv"), load.Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer users.Release()
		small := 1 + int(size)%64
		want, got := readMembersInChunks(t, path, users, 1<<30), readMembersInChunks(t, path, users, small)
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("chunks of %d bytes (-one chunk +chunks):\n%s\ninput: %q", small, diff, data)
		}
	})
}

// membersRead is what reading an audience file gave.
type membersRead struct {
	Friends           []uint32
	Lines, NonFriends uint64
	Errors            []string
}

// readMembersInChunks reads the audience file at path in chunks of size
// bytes.
func readMembersInChunks(t *testing.T, path string, users *load.Users, size int) membersRead {
	t.Helper()
	set, err := load.ReadMembers(path, &users.Table, load.Options{ChunkSize: size})
	if err != nil {
		var r membersRead
		for _, d := range nctarget.Diagnostics(err) {
			r.Errors = append(r.Errors, d.Error())
		}
		if r.Errors == nil {
			t.Fatalf("error without diagnostics: %v", err)
		}
		return r
	}
	return membersRead{Friends: set.Bits.ToArray(), Lines: set.Lines, NonFriends: set.NonFriends}
}
