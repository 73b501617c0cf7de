package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nctarget/nctarget/internal/golden"
)

// TestDiffGolden runs nctarget diff on each case of testdata/diff (a
// directory with old.nct, new.nct and, optionally, args: more command
// line arguments) and compares the exit status, standard output and
// standard error with want.golden. go test -update ./cmd/nctarget
// rewrites the golden files.
func TestDiffGolden(t *testing.T) {
	dirs, err := filepath.Glob("../../testdata/diff/*")
	if err != nil || len(dirs) == 0 {
		t.Fatalf("no diff cases: %v", err)
	}
	for _, dir := range dirs {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			args := append([]string{"diff"}, caseArgs(t, dir)...)
			args = append(args, filepath.Join(dir, "old.nct"), filepath.Join(dir, "new.nct"))
			checkGolden(t, filepath.Join(dir, "want.golden"), args...)
		})
	}
}

// caseArgs returns the arguments in dir/args, if any.
func caseArgs(t *testing.T, dir string) []string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "args"))
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	return strings.Fields(string(b))
}

// checkGolden runs nctarget with args and compares what it printed with
// the golden file (golden.Check: -update rewrites it).
func checkGolden(t *testing.T, path string, args ...string) {
	t.Helper()
	code, stdout, stderr := runCLI(t, args...)
	got := fmt.Sprintf("$ nctarget %s\nexit %d\n-- stdout --\n%s-- stderr --\n%s", strings.Join(args, " "), code, stdout, stderr)
	golden.Check(t, path, []byte(got))
}

// TestDiffFormatted is the check: a rule and its fmt output are
// equivalent, exit status 0.
func TestDiffFormatted(t *testing.T) {
	_, formatted, _ := runCLI(t, "fmt", "../../examples/line-full.nct")
	path := filepath.Join(t.TempDir(), "formatted.nct")
	if err := os.WriteFile(path, []byte(formatted), 0o644); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := runCLI(t, "diff", "../../examples/line-full.nct", path)
	if code != 0 || !strings.HasPrefix(stdout, "equivalent") {
		t.Errorf("exit %d, stdout %q, stderr %q; want exit 0 and equivalent", code, stdout, stderr)
	}
}

// TestDiffUsage: diff takes exactly two files, one at most from stdin.
func TestDiffUsage(t *testing.T) {
	for _, args := range [][]string{{"diff"}, {"diff", "a.nct"}, {"diff", "-", "-"}, {"diff", "a.nct", "b.nct", "c.nct"}} {
		if code, _, _ := runCLI(t, args...); code != 2 {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
}
