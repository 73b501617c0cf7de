package eval

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/nctarget/nctarget/internal/gendata"
	"github.com/nctarget/nctarget/internal/indexcache"
)

// previewOf evaluates a few rules and returns their counts and waterfalls.
func previewOf(t *testing.T, d *Dataset) []Waterfall {
	t.Helper()
	var out []Waterfall
	for _, rule := range []string{
		"audience(5614991017776) and not redelivery(\"5b59509c-c57b-11e9-aa8c-2a2ae2dbcce4\") where gender in (female) and age[20,40)",
		"audience(1000000000020) or audience(1000000000999) where not appType in (ios) and area in (tokyo, osaka)",
		"where subscriptionPeriod[30,365) limit 100",
	} {
		out = append(out, evalRule(t, d, rule).Waterfall)
	}
	return out
}

// TestIndexRoundTrip checks that an index gives the same previews and
// warnings as the text files, in a plain directory and in one whose name
// holds glob metacharacters (the index once found its member files with
// filepath.Glob, which read them as a pattern and indexed none).
func TestIndexRoundTrip(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"data", "data[1]*?"} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			testIndexRoundTrip(t, filepath.Join(t.TempDir(), name))
		})
	}
}

func testIndexRoundTrip(t *testing.T, dir string) {
	if err := gendata.Generate(dir, gendata.Options{Users: 3000, Seed: 7}); err != nil {
		t.Fatal(err)
	}
	text, err := Load(dir, LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want := previewOf(t, text)

	cache := t.TempDir()
	paths, err := indexcache.Write(dir, cache, indexcache.WriteOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var sets []string
	for _, sub := range []string{"audiences", "redeliveries"} {
		files, err := os.ReadDir(filepath.Join(dir, sub))
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			sets = append(sets, f.Name())
		}
	}
	if len(sets) == 0 || len(paths) != 1+len(sets) {
		t.Errorf("wrote %d index files, want %d", len(paths), 1+len(sets))
	}
	indexed, err := Load(dir, LoadOptions{CacheDir: cache})
	if err != nil {
		t.Fatal(err)
	}
	if !indexed.indexed || indexed.Len() != 3000 {
		t.Fatalf("index not used: %d users", indexed.Len())
	}
	if diff := cmp.Diff(want, previewOf(t, indexed)); diff != "" {
		t.Errorf("indexed preview differs (-text +index):\n%s", diff)
	}
	if diff := cmp.Diff(text.Warnings, indexed.Warnings); diff != "" {
		t.Errorf("data warnings differ (-text +index):\n%s", diff)
	}
	for i := uint32(0); i < 3000; i += 97 {
		if j, ok := indexed.Index(text.UserID(i)); !ok || j != i {
			t.Fatalf("Index(UserID(%d)) = %d, %v", i, j, ok)
		}
	}
}

// TestIndexStaleOrCorrupt checks that a changed data file or a damaged
// index falls back to the text files.
func TestIndexStaleOrCorrupt(t *testing.T) {
	t.Parallel()
	dir := writeData(t, map[string]string{"users.csv": header + id1 + ",male,,,,\n" + id2 + ",female,,,,\n"})
	cache := t.TempDir()
	if _, err := indexcache.Write(dir, cache, indexcache.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	// Change the data: one more friend, so size and contents differ.
	users := filepath.Join(dir, "users.csv")
	if err := os.WriteFile(users, []byte(header+id1+",male,,,,\n"+id2+",female,,,,\n"+FormatID(3)+",male,,,,\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	d, err := Load(dir, LoadOptions{CacheDir: cache})
	if err != nil {
		t.Fatal(err)
	}
	if d.Len() != 3 || d.indexed {
		t.Errorf("stale index used: %d friends, want 3", d.Len())
	}
	// Damage a fresh index: Load must still work, from the text.
	paths, err := indexcache.Write(dir, cache, indexcache.WriteOptions{})
	if err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(paths[0])
	for _, cut := range []int{len(data) / 2, 20, len(data) - 3} {
		if err := os.WriteFile(paths[0], data[:cut], 0o644); err != nil {
			t.Fatal(err)
		}
		d, err := Load(dir, LoadOptions{CacheDir: cache})
		if err != nil || d.Len() != 3 || d.indexed {
			t.Errorf("cut at %d: Load = %v, %v; want 3 friends from the text", cut, d, err)
		}
	}
}
