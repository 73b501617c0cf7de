package main

import (
	"strings"
	"testing"
)

// TestSQLLayoutNames checks that a table or column name the dialect cannot
// take is refused as a usage error (exit 2) before any rule is read,
// naming the flag that gave it, and that one it takes is written.
func TestSQLLayoutNames(t *testing.T) {
	long := strings.Repeat("a", 64)
	tests := []struct {
		args []string
		code int
		want []string // on standard error, or (exit 0) standard output
	}{
		{[]string{"sql", "--column", "users.age=" + long[:63], fullExample}, 0, []string{`"` + long[:63] + `"`}},
		{[]string{"sql", "--column", "users.age=" + long, fullExample}, 2, []string{`column users.age "` + long + `" is 64 bytes`, "PostgreSQL keeps only the first 63 bytes", "--column users.age=NAME"}},
		{[]string{"sql", "--column", "users.age=" + long, "no-such-rule.nct"}, 2, []string{"is 64 bytes"}},
		{[]string{"sql", "--table", "users=crm." + long, fullExample}, 2, []string{`table users name part "` + long + `" is 64 bytes`, "--table users=NAME"}},
		{[]string{"sql", "--dialect", "duckdb", "--table", "users=crm." + long, fullExample}, 0, []string{`"` + long + `"`}},
		{[]string{"sql", "--load", "../../examples/data", "--schema", long}, 2, []string{`table users name part "` + long + `" is 64 bytes`, "that part of --schema"}},
		{[]string{"sql", "--table", "users=a\tb", fullExample}, 2, []string{"control character"}},
	}
	for _, tt := range tests {
		code, stdout, stderr := runCLI(t, tt.args...)
		got := stderr
		if tt.code == 0 {
			got = stdout
		}
		if code != tt.code {
			t.Errorf("%q: exit %d, want %d; stderr:\n%s", tt.args, code, tt.code, stderr)
			continue
		}
		for _, w := range tt.want {
			if !strings.Contains(got, w) {
				t.Errorf("%q: %q lacks %q", tt.args, got, w)
			}
		}
	}
}
