package main

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/nctarget/nctarget/internal/testfiles"
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

// TestSQLLoadReportsWhatEvalReports checks that sql --load refuses a data
// directory eval refuses, exit 1, with eval's diagnostics (file:line:col,
// what, what to do, and the count past the first 20), and writes no
// script.
func TestSQLLoadReportsWhatEvalReports(t *testing.T) {
	const (
		header = "userId,gender,age,appType,area,subscriptionPeriod\n"
		friend = "U4893ad3b73f45da8a54fc918725b57f5"
		good   = friend + ",male,30,ios,jp_13,10\n"
	)
	rule := writeRule(t, "rule.nct", "audience(5614991017776)\n")
	tests := []struct {
		name  string
		files map[string]string
		want  string // on standard error
	}{
		{"age not a number", map[string]string{"users.csv": header + friend + ",male,thirty,ios,jp_13,10\n"}, "users.csv:2:"},
		{"unknown gender", map[string]string{"users.csv": header + friend + ",robot,30,ios,jp_13,10\n"}, "users.csv:2:"},
		{"malformed user ID", map[string]string{"users.csv": header + "U123,male,30,ios,jp_13,10\n"}, "users.csv:2:"},
		{"too few columns", map[string]string{"users.csv": header + friend + ",male,30\n"}, "users.csv:2:"},
		{"duplicate user ID", map[string]string{"users.csv": header + good + good}, "users.csv:3:"},
		{"more than 20 errors", map[string]string{"users.csv": header + strings.Repeat(friend+",male,thirty,ios,jp_13,10\n", 25)}, "and 5 more errors"},
		{"malformed member", map[string]string{"users.csv": header + good, "audiences/5614991017776.txt": friend + "\nU123\n"}, "5614991017776.txt:2:"},
	}
	for _, tt := range tests {
		dir := testfiles.Write(t, tt.files)
		evalCode, _, evalErr := runCLI(t, "eval", "--no-cache", "--data", dir, rule)
		code, stdout, stderr := runCLI(t, "sql", "--load", dir)
		if code != 1 || evalCode != 1 {
			t.Errorf("%s: sql --load exit %d, eval exit %d, want 1 both; stderr:\n%s", tt.name, code, evalCode, stderr)
		}
		if stdout != "" {
			t.Errorf("%s: sql --load wrote a script:\n%s", tt.name, stdout)
		}
		if diff := cmp.Diff(evalErr, stderr); diff != "" {
			t.Errorf("%s: sql --load's standard error differs from eval's (-eval +sql):\n%s", tt.name, diff)
		}
		if !strings.Contains(stderr, tt.want) {
			t.Errorf("%s: standard error lacks %q:\n%s", tt.name, tt.want, stderr)
		}
	}
}

// TestSQLLoadRefusesBeforeWriting checks that a data directory sql --load
// cannot load but eval may take, since eval reads only the member files a
// rule names, is refused, exit 1, before any of the script is written.
func TestSQLLoadRefusesBeforeWriting(t *testing.T) {
	dir := testfiles.Write(t, map[string]string{
		"users.csv":         "userId,gender,age,appType,area,subscriptionPeriod\nU4893ad3b73f45da8a54fc918725b57f5,male,30,ios,jp_13,10\n",
		"audiences/vip.txt": "U4893ad3b73f45da8a54fc918725b57f5\n",
	})
	code, stdout, stderr := runCLI(t, "sql", "--load", dir)
	if code != 1 || stdout != "" {
		t.Errorf("exit %d, want 1 and no script; standard output:\n%s", code, stdout)
	}
	if want := "vip.txt: the file name is not an audienceGroupId: name it <audienceGroupId>.txt"; !strings.Contains(stderr, want) {
		t.Errorf("standard error lacks %q:\n%s", want, stderr)
	}
}
