package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestVersionFlag checks that --version and -v print what version does.
func TestVersionFlag(t *testing.T) {
	_, want, _ := runCLI(t, "version")
	for _, flag := range []string{"--version", "-v"} {
		code, stdout, stderr := runCLI(t, flag)
		if code != 0 || stdout != want || stderr != "" {
			t.Errorf("%s: exit %d, stdout %q, stderr %q; want %q", flag, code, stdout, stderr, want)
		}
	}
}

// ruleTree writes files (name → contents) under a fresh directory.
func ruleTree(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, src := range files {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// TestDirectories checks that check DIR and fmt -l DIR recurse into DIR's
// .nct files, as gofmt -l does.
func TestDirectories(t *testing.T) {
	dir := ruleTree(t, map[string]string{
		"ok.nct":         "audience(1)\n",
		"sub/bad.nct":    "where age[33,40)\n",
		"sub/messy.nct":  messy,
		"sub/notes.txt":  "not a rule",
		"deep/a/fmt.nct": messyFmt,
	})
	code, _, stderr := runCLI(t, "check", dir)
	if code != 1 || !strings.Contains(stderr, filepath.Join(dir, "sub", "bad.nct")+":1:11:") || strings.Contains(stderr, "notes.txt") {
		t.Errorf("check DIR: exit %d, stderr:\n%s", code, stderr)
	}
	code, stdout, _ := runCLI(t, "fmt", "-l", filepath.Join(dir, "sub"), filepath.Join(dir, "deep"))
	if code != 1 || stdout != filepath.Join(dir, "sub", "messy.nct")+"\n" {
		t.Errorf("fmt -l DIR: exit %d, stdout %q; want 1 and only sub/messy.nct", code, stdout)
	}
}

// TestCheckFormats checks check --format json and --format github.
func TestCheckFormats(t *testing.T) {
	bad := writeTemp(t, "bad.nct", "where age[33,40)\n")
	warn := writeTemp(t, "warn.nct", "limit 100\n")
	code, stdout, stderr := runCLI(t, "check", "--format", "json", bad, warn, fullExample)
	if code != 1 || stderr != "" {
		t.Errorf("json: exit %d, stderr %q; want 1 and nothing on stderr", code, stderr)
	}
	var got []finding
	if err := json.Unmarshal([]byte(stdout), &got); err != nil {
		t.Fatalf("json: %v:\n%s", err, stdout)
	}
	want := []finding{
		{File: bad, Line: 1, Column: 11, EndLine: 1, EndColumn: 13, Severity: "error", Message: "age bound 33 is not one the API accepts", Hint: "the nearest valid bounds are 30 and 35"},
		{File: warn, Line: 1, Column: 1, EndLine: 1, EndColumn: 1, Severity: "warning",
			Message: "the rule has no recipient expression and no where clause: it targets every friend"},
	}
	if diff := cmp.Diff(want, got, cmpIgnoreHint(1)); diff != "" {
		t.Errorf("json (-want +got):\n%s", diff)
	}
	if code, stdout, _ := runCLI(t, "check", "--format", "json", fullExample); code != 0 || stdout != "[]\n" {
		t.Errorf("json of a valid rule: exit %d, %q; want 0 and []", code, stdout)
	}
	code, stdout, _ = runCLI(t, "check", "--format", "github", bad)
	wantGH := "::error file=" + escapeProperty(bad) + ",line=1,col=11,endLine=1,endColumn=13,title=nctarget::age bound 33 is not one the API accepts%0Ahint: the nearest valid bounds are 30 and 35\n"
	if code != 1 || stdout != wantGH {
		t.Errorf("github: exit %d, stdout\n%q\nwant\n%q", code, stdout, wantGH)
	}
	if got := escapeProperty("a:b,c%d\ne"); got != "a%3Ab%2Cc%25d%0Ae" {
		t.Errorf("escapeProperty = %q", got)
	}
}

// cmpIgnoreHint ignores the hint of the i-th finding, whose wording is
// the compiler's.
func cmpIgnoreHint(i int) cmp.Option {
	return cmp.FilterPath(func(p cmp.Path) bool {
		if len(p) < 3 {
			return false
		}
		idx, ok := p[1].(cmp.SliceIndex)
		if !ok {
			return false
		}
		_, y := idx.SplitKeys()
		return y == i && p.Last().String() == ".Hint"
	}, cmp.Ignore())
}

// TestEvalFailBelow checks that --fail-below turns a count below --min
// into exit status 1, and that without it the count is only a warning.
func TestEvalFailBelow(t *testing.T) {
	data := "../../examples/data"
	if code, _, stderr := runCLI(t, "eval", "--data", data, "--min", "100000", fullExample); code != 0 {
		t.Errorf("without --fail-below: exit %d, want 0: %s", code, stderr)
	}
	code, stdout, _ := runCLI(t, "eval", "--data", data, "--min", "100000", "--fail-below", fullExample)
	if code != 1 || !strings.Contains(stdout, "recipients") {
		t.Errorf("--fail-below under the minimum: exit %d, want 1 with the report printed:\n%s", code, stdout)
	}
	if code, _, stderr := runCLI(t, "eval", "--data", data, "--min", "1", "--fail-below", fullExample); code != 0 {
		t.Errorf("--fail-below over the minimum: exit %d, want 0: %s", code, stderr)
	}
}

// TestNegativeFlags checks that counts given as flags are validated alike.
func TestNegativeFlags(t *testing.T) {
	for _, args := range [][]string{
		{"eval", "--data", "../../examples/data", "--sample", "-1", fullExample},
		{"eval", "--data", "../../examples/data", "--min", "-5", fullExample},
	} {
		code, stdout, stderr := runCLI(t, args...)
		if code != exitUsage || stdout != "" || !strings.Contains(stderr, args[3]) {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want a usage error naming %s", args, code, stdout, stderr, args[3])
		}
	}
}

// TestCompletion checks shell completion: directories for --data and DIR
// arguments, JSON files for --catalog, and descriptions without pflag's
// backquotes.
func TestCompletion(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string // a substring of the output
	}{
		{[]string{"__complete", "eval", "--da"}, "--data\tdata DIR: users.csv"},
		{[]string{"__complete", "eval", "--data", ""}, ":16\n"}, // ShellCompDirectiveFilterDirs
		{[]string{"__complete", "index", ""}, ":16\n"},
		{[]string{"__complete", "gen-data", ""}, ":16\n"},
		{[]string{"__complete", "compile", "--catalog", ""}, "json\n:8\n"}, // ShellCompDirectiveFilterFileExt
	} {
		code, stdout, _ := runCLI(t, tc.args...)
		if code != 0 || !strings.Contains(stdout, tc.want) || strings.Contains(stdout, "`") {
			t.Errorf("%v: exit %d, stdout %q; want %q and no backquote", tc.args, code, stdout, tc.want)
		}
	}
}

// TestGenDataHelp checks that gen-data's help says what it writes and that
// its examples do not write into the bundled, non-empty examples/data
// without --force.
func TestGenDataHelp(t *testing.T) {
	_, help, _ := runCLI(t, "gen-data", "--help")
	if !strings.Contains(help, "seven audiences") {
		t.Errorf("gen-data --help does not say seven audiences:\n%s", help)
	}
	dir := t.TempDir()
	if code, _, stderr := runCLI(t, "gen-data", "--users", "100", dir); code != 0 {
		t.Fatalf("gen-data: exit %d: %s", code, stderr)
	}
	entries, _ := os.ReadDir(filepath.Join(dir, "audiences"))
	if !strings.Contains(help, "seven") || len(entries) != 7 {
		t.Errorf("gen-data wrote %d audiences; its help says seven", len(entries))
	}
	for _, line := range strings.Split(help, "\n") {
		if strings.Contains(line, "gen-data") && strings.Contains(line, "examples/data") && !strings.Contains(line, "--force") {
			t.Errorf("an example writes into the non-empty examples/data without --force: %s", line)
		}
	}
}

// TestCacheLocation checks that index and eval share one cache location,
// set by --cache-dir or NCTARGET_CACHE_DIR, that eval --explain says when
// it read the index, and that index --status fails without an index.
func TestCacheLocation(t *testing.T) {
	data := t.TempDir()
	if code, _, stderr := runCLI(t, "gen-data", "--users", "200", "--force", data); code != 0 {
		t.Fatalf("gen-data: exit %d: %s", code, stderr)
	}
	cache := t.TempDir()
	if code, stdout, _ := runCLI(t, "index", "--status", "--cache-dir", cache, data); code != 1 || !strings.Contains(stdout, "no up-to-date index") {
		t.Errorf("index --status without an index: exit %d, %q; want 1", code, stdout)
	}
	if code, _, stderr := runCLI(t, "index", "--cache-dir", cache, data); code != 0 {
		t.Fatalf("index: exit %d: %s", code, stderr)
	}
	code, _, stderr := runCLI(t, "eval", "--explain", "--cache-dir", cache, "--data", data, fullExample)
	if code != 0 || !strings.Contains(stderr, "loaded 200 friends from the index of "+data) {
		t.Errorf("eval --cache-dir: exit %d, stderr:\n%s\nwant it read from the index", code, stderr)
	}
	if _, _, stderr := runCLI(t, "eval", "--explain", "--data", data, fullExample); strings.Contains(stderr, "the index") {
		t.Errorf("eval without the cache location read an index:\n%s", stderr)
	}
	t.Setenv(cacheDirEnv, cache)
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	var out, errw strings.Builder
	if code := run([]string{"index", "--status", data}, strings.NewReader(""), &out, &errw); code != 0 {
		t.Errorf("index --status with %s: exit %d, %s%s", cacheDirEnv, code, out.String(), errw.String())
	}
	errw.Reset()
	if code := run([]string{"eval", "--explain", "--data", data, fullExample}, strings.NewReader(""), &out, &errw); code != 0 || !strings.Contains(errw.String(), "from the index of") {
		t.Errorf("eval with %s: exit %d, stderr:\n%s", cacheDirEnv, code, errw.String())
	}
}
