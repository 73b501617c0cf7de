package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// runCLI runs nctarget in-process with a private cache directory and
// returns the exit status, standard output and standard error.
func runCLI(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	t.Setenv("HOME", t.TempDir())
	var out, errw bytes.Buffer
	code := run(args, strings.NewReader(""), &out, &errw)
	return code, out.String(), errw.String()
}

func TestEvalCommand(t *testing.T) {
	bad := writeRule(t, "bad.nct", "where age[33,40)\n")
	missing := writeRule(t, "missing.nct", "audience(42)\n")
	one := writeRule(t, "one.nct", "limit 1\n")
	named := writeRule(t, "named.nct", "audience(vip)\n")
	tests := []struct {
		name     string
		args     []string
		code     int
		stdout   []string // substrings
		stderr   []string
		noStdout bool
	}{
		{"bundled example", []string{"eval", "--data", "../../examples/data", "../../examples/line-full.nct"}, 0,
			[]string{"recipients", "friends", "after the recipient expression", "audience(5614991017776)", "sample of 5 recipients"}, nil, false},
		{"no data flag", []string{"eval", "../../examples/line-full.nct"}, 2, nil, []string{"eval needs --data DIR"}, true},
		{"data is not a directory", []string{"eval", "--data", "../../examples/line-full.nct", "../../examples/line-full.nct"}, 1,
			nil, []string{"line-full.nct: not a directory: give the directory holding users.csv"}, true},
		{"no rule file", []string{"eval", "--data", "../../examples/data", "not-there.nct"}, 1, nil, []string{"not-there.nct: cannot read: no such file or directory"}, true},
		{"invalid rule", []string{"eval", "--data", "../../examples/data", bad}, 1, nil, []string{"bad.nct:1:"}, true},
		{"missing audience", []string{"eval", "--data", "../../examples/data", missing}, 1, nil,
			[]string{"missing.nct:1:1: no data for audience(42)", "audiences/42.txt does not exist"}, true},
		{"one recipient", []string{"eval", "--data", "../../examples/data", one}, 0,
			[]string{"one.nct: 1 recipient (below the minimum of 50)"}, nil, false},
		{"named audience, no catalog", []string{"eval", "--data", "../../examples/data", named}, 1, nil,
			[]string{"named.nct:1:1: audience(vip) names an audience, but no catalog was given", "hint: pass a catalog that maps names to ids (--catalog audiences.json)"}, true},
		{"--out with two rules", []string{"eval", "--data", "../../examples/data", "--out", "x", "a.nct", "b.nct"}, 2, nil,
			[]string{"--out takes a single rule"}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, tt.args...)
			if code != tt.code {
				t.Errorf("exit %d, want %d\nstderr: %s", code, tt.code, stderr)
			}
			for _, s := range tt.stdout {
				if !strings.Contains(stdout, s) {
					t.Errorf("stdout lacks %q:\n%s", s, stdout)
				}
			}
			for _, s := range tt.stderr {
				if !strings.Contains(stderr, s) {
					t.Errorf("stderr lacks %q:\n%s", s, stderr)
				}
			}
			if tt.noStdout && stdout != "" {
				t.Errorf("unexpected stdout:\n%s", stdout)
			}
		})
	}
}

// writeRule writes a rule file into a temporary directory.
func writeRule(t *testing.T, name, src string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestEvalJSONSeveralRules(t *testing.T) {
	a := writeRule(t, "a.nct", "audience(5614991017776) limit 60\n")
	b := writeRule(t, "b.nct", "audience(1000000000999)\n")
	code, stdout, stderr := runCLI(t, "eval", "--json", "--data", "../../examples/data", a, b)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	type result struct {
		File         string `json:"file"`
		Count        uint64 `json:"count"`
		BelowMinimum bool   `json:"belowMinimum"`
		Waterfall    struct {
			AfterRecipient uint64 `json:"afterRecipient"`
		} `json:"waterfall"`
		Warnings []struct {
			Kind string `json:"kind"`
		} `json:"warnings"`
	}
	var got []result // several rules print one JSON array
	if err := json.Unmarshal([]byte(stdout), &got); err != nil {
		t.Fatalf("decoding: %v\n%s", err, stdout)
	}
	if len(got) != 2 {
		t.Fatalf("%d results, want 2", len(got))
	}
	if got[0].Count != 60 || got[0].BelowMinimum || got[0].Waterfall.AfterRecipient <= 60 {
		t.Errorf("first result %+v: want count 60 (the limit), not below the minimum", got[0])
	}
	if got[1].Count != 30 || !got[1].BelowMinimum {
		t.Errorf("second result %+v: want count 30, below the minimum", got[1])
	}
	kinds := map[string]bool{}
	for _, w := range got[1].Warnings {
		kinds[w.Kind] = true
	}
	if !kinds["smallAudience"] || !kinds["belowMinimum"] || !kinds["nonFriends"] {
		t.Errorf("second result warnings %v, want smallAudience, nonFriends and belowMinimum", got[1].Warnings)
	}
}

func TestEvalOut(t *testing.T) {
	rule := writeRule(t, "r.nct", "where gender in (female) limit 7\n")
	out := filepath.Join(t.TempDir(), "ids.txt")
	code, _, stderr := runCLI(t, "eval", "--data", "../../examples/data", "--out", out, rule)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
	if len(lines) != 7 {
		t.Fatalf("%d IDs written, want 7:\n%s", len(lines), data)
	}
	// The limit keeps the first female friends in users.csv order.
	users, _ := os.ReadFile("../../examples/data/users.csv")
	var want []string
	for _, line := range strings.Split(string(users), "\n") {
		if f := strings.Split(line, ","); len(f) == 6 && f[1] == "female" && len(want) < 7 {
			want = append(want, f[0])
		}
	}
	if strings.Join(lines, " ") != strings.Join(want, " ") {
		t.Errorf("IDs\n got %v\nwant %v", lines, want)
	}
}

func TestEvalBadData(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "users.csv"), []byte("userId,gender,age,appType,area,subscriptionPeriod\nU1,male,,,,\n"), 0o644)
	rule := writeRule(t, "r.nct", "where gender in (male)\n")
	code, stdout, stderr := runCLI(t, "eval", "--data", dir, rule)
	if code != 1 || stdout != "" {
		t.Errorf("exit %d, stdout %q; want 1 and nothing", code, stdout)
	}
	if want := filepath.Join(dir, "users.csv") + ":2:1: bad user ID \"U1\""; !strings.Contains(stderr, want) {
		t.Errorf("stderr lacks %q:\n%s", want, stderr)
	}
}

func TestGenDataAndIndex(t *testing.T) {
	dir1, dir2 := filepath.Join(t.TempDir(), "a"), filepath.Join(t.TempDir(), "b")
	for _, dir := range []string{dir1, dir2} {
		if code, _, stderr := runCLI(t, "gen-data", "--users", "500", "--seed", "9", dir); code != 0 {
			t.Fatalf("gen-data: exit %d: %s", code, stderr)
		}
	}
	for _, f := range []string{"users.csv", "audiences/5614991017776.txt", "redeliveries/5b59509c-c57b-11e9-aa8c-2a2ae2dbcce4.txt"} {
		a, err1 := os.ReadFile(filepath.Join(dir1, f))
		b, err2 := os.ReadFile(filepath.Join(dir2, f))
		if err1 != nil || err2 != nil || !bytes.Equal(a, b) || len(a) == 0 {
			t.Errorf("%s differs between two runs with the same seed (%v, %v)", f, err1, err2)
		}
	}
	if code, _, stderr := runCLI(t, "gen-data", "--users", "10", dir1); code != 1 || !strings.Contains(stderr, "not empty") {
		t.Errorf("gen-data into a non-empty directory: exit %d, %s", code, stderr)
	}
	if code, _, stderr := runCLI(t, "gen-data", "--users", "10", "--force", dir1); code != 0 {
		t.Errorf("gen-data --force: exit %d, %s", code, stderr)
	}
	cache := t.TempDir()
	if code, _, stderr := runCLI(t, "index", "--cache-dir", cache, dir2); code != 0 {
		t.Fatalf("index: exit %d: %s", code, stderr)
	}
	code, stdout, _ := runCLI(t, "index", "--status", "--cache-dir", cache, dir2)
	if code != 0 || !strings.Contains(stdout, "is up to date") {
		t.Errorf("index --status: exit %d, %q", code, stdout)
	}
	entries, _ := os.ReadDir(dir2)
	if len(entries) != 3 {
		t.Errorf("index wrote into the data directory: %v", entries)
	}
}
