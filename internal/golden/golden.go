// Package golden compares what a test produced with a golden file in
// testdata/ and, under the test binary's -update flag, rewrites the file
// instead. It is the one place the repository's golden tests read, diff
// and regenerate their files, so that every package's tests behave the
// same way: go-cmp's diff on a mismatch, a failure that says how to
// regenerate, and files rewritten only when asked.
//
// Importing the package defines -update in the importing package's test
// binary: go test ./sqlgen -update rewrites sqlgen's golden files and no
// other package's.
package golden

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite the golden files with what the tests produce")

// updateCommand is the command that regenerates the golden files of the
// package under test, worked out from the directory go test starts the
// test binary in (the package's) before any test changes it.
var updateCommand = func() string {
	dir, err := os.Getwd()
	if err != nil {
		return "go test -update"
	}
	for root := dir; ; {
		if _, err := os.Stat(filepath.Join(root, "go.mod")); err == nil {
			rel, err := filepath.Rel(root, dir)
			switch {
			case err != nil:
				return "go test -update"
			case rel == ".":
				return "go test . -update"
			}
			return "go test ./" + filepath.ToSlash(rel) + " -update"
		}
		up := filepath.Dir(root)
		if up == root {
			break
		}
		root = up
	}
	return "go test -update"
}()

// Check compares got with the golden file path and fails t with the
// difference (-want +got) if they differ. Under -update it writes got to
// path instead, making its directory if need be, so a deliberate change
// of output is one command followed by reading the diff in review.
func Check(t testing.TB, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (%s writes it)", err, updateCommand)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s differs (-want +got; if the change is meant, %s rewrites it):\n%s", path, updateCommand, diff)
	}
}

// Cases returns the files matching pattern that are test cases: every
// match but the catalogs (NAME.catalog.json) that sit beside the cases
// whose audiences they name. It fails t if the pattern is malformed.
func Cases(t testing.TB, pattern string) []string {
	t.Helper()
	files, err := filepath.Glob(pattern)
	if err != nil {
		t.Fatal(err)
	}
	cases := files[:0]
	for _, f := range files {
		if !strings.HasSuffix(f, ".catalog.json") {
			cases = append(cases, f)
		}
	}
	return cases
}
