package main

import (
	"path/filepath"
	"testing"
)

// TestRepairGolden runs nctarget repair on each case of testdata/repair
// (a directory with rule.nct and, optionally, args) against the bundled
// data and compares the exit status and output with want.golden
// (go test -update ./cmd/nctarget rewrites them).
func TestRepairGolden(t *testing.T) {
	dirs, err := filepath.Glob("../../testdata/repair/*")
	if err != nil || len(dirs) == 0 {
		t.Fatalf("no repair cases: %v", err)
	}
	for _, dir := range dirs {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			args := append([]string{"repair", "--data", "../../examples/data"}, caseArgs(t, dir)...)
			checkGolden(t, filepath.Join(dir, "want.golden"), append(args, filepath.Join(dir, "rule.nct"))...)
		})
	}
}

// TestRepairUsage: repair needs --data, a positive --min, one file.
func TestRepairUsage(t *testing.T) {
	for _, args := range [][]string{{"repair", "x.nct"}, {"repair", "--data", "../../examples/data", "--min", "0", "../../examples/line-full.nct"},
		{"repair", "--data", "../../examples/data", "a.nct", "b.nct"}} {
		if code, _, _ := runCLI(t, args...); code != 2 {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
}
