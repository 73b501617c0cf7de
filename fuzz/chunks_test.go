package fuzz

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/nctarget/nctarget"
	"github.com/nctarget/nctarget/eval"
	"github.com/nctarget/nctarget/internal/indexcache"
	"github.com/nctarget/nctarget/internal/load"
)

// FuzzChunks loads arbitrary users.csv files, plain and gzipped, in one
// chunk and in chunks of a few bytes (eval parses users.csv in chunks on
// every processor and puts them back in file order). Everything must be
// the same: the errors with their lines and columns, the warnings, and
// the dataset itself, compared as the bytes of the index nctarget index
// writes for it (IDs, ID table and every attribute bitmap).
func FuzzChunks(f *testing.F) {
	for _, s := range loadSeeds() {
		if s.kind == kindUsers {
			f.Add(s.data, uint8(7), false)
		}
	}
	for _, text := range chunkSeeds() {
		f.Add([]byte(text), uint8(0), false)
		f.Add([]byte(text), uint8(30), true)
	}
	f.Fuzz(func(t *testing.T, data []byte, size uint8, gzipped bool) {
		dir := t.TempDir()
		kind := uint8(kindUsers)
		if gzipped {
			data, kind = gzipBytes(data), kindUsersGz
		}
		writeDataFile(t, dir, data, kind)
		small := 1 + int(size)%64
		want, got := loadInChunks(t, dir, 1<<30), loadInChunks(t, dir, small)
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("chunks of %d bytes (-one chunk +chunks):\n%s\ninput: %q", small, diff, data)
		}
	})
}

// chunked is what loading a directory gave: the errors or the warnings,
// and the index of the dataset.
type chunked struct {
	Errors   []string
	Warnings []string
	Index    []byte
}

// loadInChunks loads dir in chunks of size bytes.
func loadInChunks(t *testing.T, dir string, size int) chunked {
	t.Helper()
	opts := eval.LoadOptions{ChunkSize: size}
	d, err := eval.Load(dir, opts)
	var c chunked
	if err != nil {
		for _, diag := range nctarget.Diagnostics(err) {
			c.Errors = append(c.Errors, diag.Error())
		}
		if len(c.Errors) == 0 {
			t.Fatalf("error without diagnostics: %v", err)
		}
		return c
	}
	for _, w := range d.Warnings {
		c.Warnings = append(c.Warnings, w.Error())
	}
	d.Close()
	paths, err := indexcache.Write(dir, filepath.Join(t.TempDir(), "cache"), indexcache.WriteOptions{Options: load.Options{ChunkSize: size}})
	if err != nil || len(paths) != 1 {
		t.Fatalf("indexcache.Write after a good Load: %v, %v", paths, err)
	}
	if c.Index, err = os.ReadFile(paths[0]); err != nil {
		t.Fatal(err)
	}
	return c
}

// chunkSeeds are users.csv files whose lines chunk boundaries can cut in
// every way: many rows, CRLF, blank lines, a byte-order mark, a
// duplicate far from its first line, bad rows between good ones, no final
// newline.
func chunkSeeds() []string {
	header := "userId,gender,age,appType,area,subscriptionPeriod\n"
	var rows []string
	for i := range 40 {
		rows = append(rows, fmt.Sprintf("%s,%s,%s,%s,%s,%s\n", eval.FormatID(uint64(i+1)),
			[]string{"male", "female", ""}[i%3], []string{"25", "", "70", "0"}[i%4],
			[]string{"ios", "android", "others", ""}[i%4], []string{"jp_13", "", "id_06", "th_01", "tw_02"}[i%5],
			[]string{"30", "", "400", "7"}[i%4]))
	}
	body := strings.Join(rows, "")
	return []string{
		header + body,
		strings.ReplaceAll(header+body, "\n", "\r\n"),
		"\uFEFF" + header + strings.Join(rows[:10], "\n") + "\n" + strings.Join(rows[10:], ""),
		header + body + rows[3],
		header + strings.Join(rows[:5], "") + "U123,male\n" + strings.Join(rows[5:9], "") + eval.FormatID(99) + ",x,1,ios,jp_13,2\n" + strings.Join(rows[9:], ""),
		strings.TrimSuffix(header+body, "\n"),
		"area,subscriptionPeriod,userId,age,gender,appType\n,," + eval.FormatID(1) + ",,,\njp_13,7," + eval.FormatID(2) + ",20,male,ios\n",
	}
}

// TestChunkSeedsDiffer keeps FuzzChunks honest: its oracle compares index
// bytes, so two different datasets must give different bytes.
func TestChunkSeedsDiffer(t *testing.T) {
	seeds := chunkSeeds()
	dirA, dirB := t.TempDir(), t.TempDir()
	writeDataFile(t, dirA, []byte(seeds[0]), kindUsers)
	writeDataFile(t, dirB, []byte(strings.Replace(seeds[0], ",male,", ",female,", 1)), kindUsers)
	a, b := loadInChunks(t, dirA, 1<<30), loadInChunks(t, dirB, 1<<30)
	if len(a.Index) == 0 || bytes.Equal(a.Index, b.Index) {
		t.Fatalf("index of %d bytes; a changed gender gives the same index: %v", len(a.Index), bytes.Equal(a.Index, b.Index))
	}
}
