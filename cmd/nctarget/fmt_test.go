package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nctarget/nctarget"
)

const (
	messy     = "AUDIENCE(1)   or audience(2)\nWHERE age >= 20 # adults\n"
	messyFmt  = "audience(1) or audience(2)\nwhere age[20,) # adults\n"
	messyDiff = "--- %s (original)\n+++ %s (formatted)\n@@ -1,2 +1,2 @@\n-AUDIENCE(1)   or audience(2)\n-WHERE age >= 20 # adults\n+audience(1) or audience(2)\n+where age[20,) # adults\n"
)

func TestFmtCommand(t *testing.T) {
	bad := writeTemp(t, "bad.nct", "where age[33,40\n")
	invalid := writeTemp(t, "invalid.nct", "WHERE  age[33,40)\n")
	badLimit := writeTemp(t, "limit.nct", "AUDIENCE(1)\nLIMIT  0   upToRemainingQuota\n")
	for _, tc := range []struct {
		name, stdin string
		args        []string // FILE in an argument is replaced by a fresh copy of messy
		code        int
		stdout      string // %s is replaced by the FILE path
		stderr      string // a substring; "" means stderr must be empty
	}{
		{"stdin", messy, []string{"fmt"}, 0, messyFmt, ""},
		{"dash", messy, []string{"fmt", "-"}, 0, messyFmt, ""},
		{"file", "", []string{"fmt", "FILE"}, 0, messyFmt, ""},
		{"formatted file", messyFmt, []string{"fmt"}, 0, messyFmt, ""},
		{"list", "", []string{"fmt", "-l", "FILE"}, 1, "%s\n", ""},
		{"list formatted", messyFmt, []string{"fmt", "-l", "-"}, 0, "", ""},
		{"diff", "", []string{"fmt", "-d", "FILE"}, 0, messyDiff, ""},
		{"diff formatted", messyFmt, []string{"fmt", "-d"}, 0, "", ""},
		{"parse error", "", []string{"fmt", bad}, 1, "", bad + ":1:10: unclosed \"[\""},
		{"semantic error: formatted, as gofmt would", "", []string{"fmt", invalid}, 0, "where age[33,40)\n", ""},
		{"limit clause in error: formatted", "", []string{"fmt", badLimit}, 0, "audience(1)\nlimit 0 upToRemainingQuota\n", ""},
		{"own-line comment inside a clause", "audience(1)\n  # two\n  or audience(2)\n", []string{"fmt"}, 0, "audience(1)\n    # two\n    or audience(2)\n", ""},
		{"parse error, then a good file", "", []string{"fmt", bad, "FILE"}, 1, messyFmt, bad + ":1:10:"},
		{"write stdin", messy, []string{"fmt", "-w", "-"}, 2, "", "fmt -w rewrites files; standard input cannot be rewritten"},
		{"write stdin by default", messy, []string{"fmt", "-w"}, 2, "", "standard input cannot be rewritten"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := writeTemp(t, "rule.nct", messy)
			args := make([]string, len(tc.args))
			for i, a := range tc.args {
				args[i] = strings.ReplaceAll(a, "FILE", path)
			}
			code, stdout, stderr := runStdin(t, tc.stdin, args...)
			if code != tc.code {
				t.Errorf("exit %d, want %d; stderr:\n%s", code, tc.code, stderr)
			}
			if want := strings.ReplaceAll(tc.stdout, "%s", path); stdout != want {
				t.Errorf("stdout\n%q\nwant\n%q", stdout, want)
			}
			if (tc.stderr == "") != (stderr == "") || !strings.Contains(stderr, tc.stderr) {
				t.Errorf("stderr %q, want %q", stderr, tc.stderr)
			}
			if got := readFile(t, path); got != messy {
				t.Errorf("fmt without -w changed the file:\n%s", got)
			}
		})
	}
}

func TestFmtWrite(t *testing.T) {
	path := writeTemp(t, "rule.nct", messy)
	formatted := writeTemp(t, "ok.nct", messyFmt)
	bad := writeTemp(t, "bad.nct", "where age[33,40\n")
	code, stdout, stderr := runStdin(t, "", "fmt", "-w", "-l", path, formatted, bad)
	if code != 1 {
		t.Errorf("exit %d, want 1 (a file did not parse, one was not formatted)", code)
	}
	if stdout != path+"\n" {
		t.Errorf("-l listed %q, want only %s", stdout, path)
	}
	if !strings.Contains(stderr, bad+":1:10:") {
		t.Errorf("stderr lacks the parse error of %s:\n%s", bad, stderr)
	}
	if got := readFile(t, path); got != messyFmt {
		t.Errorf("-w wrote\n%s\nwant\n%s", got, messyFmt)
	}
	if got := readFile(t, bad); got != "where age[33,40\n" {
		t.Errorf("-w changed a file that does not parse:\n%s", got)
	}
	entries, err := os.ReadDir(strings.TrimSuffix(path, "rule.nct"))
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 {
		t.Errorf("-w left %d files in the directory, want 1", len(entries))
	}
	code, _, _ = runStdin(t, "", "fmt", "-l", path)
	if code != 0 {
		t.Errorf("fmt -l after fmt -w: exit %d, want 0", code)
	}
}

// TestFmtExamplesFormatted keeps every bundled example in canonical form,
// the way a CI step running nctarget fmt -l examples/ would.
func TestFmtExamplesFormatted(t *testing.T) {
	files, err := filepath.Glob("../../examples/*.nct")
	if err != nil || len(files) < 5 {
		t.Fatalf("want the bundled examples, found %d (%v)", len(files), err)
	}
	for _, path := range files {
		src := readFile(t, path)
		out, err := nctarget.FormatSource(path, []byte(src))
		if err != nil {
			t.Fatal(err)
		}
		if string(out) != src {
			t.Errorf("%s is not formatted; run nctarget fmt -w %s:\n%s", path, path, unifiedDiff(path, []byte(src), out))
		}
	}
}

func TestUnifiedDiff(t *testing.T) {
	lines := func(n int, change map[int]string) string {
		var b strings.Builder
		for i := 1; i <= n; i++ {
			if s, ok := change[i]; ok {
				b.WriteString(s)
				continue
			}
			b.WriteString("line " + string(rune('a'+i-1)) + "\n")
		}
		return b.String()
	}
	for _, tc := range []struct{ name, a, b, want string }{
		{"equal", "x\n", "x\n", ""},
		{"empty to one", "", "x\n", "--- f (original)\n+++ f (formatted)\n@@ -0,0 +1 @@\n+x\n"},
		{"no final newline", "x", "x\n", "--- f (original)\n+++ f (formatted)\n@@ -1 +1 @@\n-x\n\\ No newline at end of file\n+x\n"},
		{"context", lines(10, map[int]string{5: "five\n"}), lines(10, nil),
			"--- f (original)\n+++ f (formatted)\n@@ -2,7 +2,7 @@\n line b\n line c\n line d\n-five\n+line e\n line f\n line g\n line h\n"},
		{"two hunks", lines(20, map[int]string{2: "two\n", 18: "eighteen\n"}), lines(20, nil),
			"--- f (original)\n+++ f (formatted)\n@@ -1,5 +1,5 @@\n line a\n-two\n+line b\n line c\n line d\n line e\n" +
				"@@ -15,6 +15,6 @@\n line o\n line p\n line q\n-eighteen\n+line r\n line s\n line t\n"},
		{"merged hunk", lines(10, map[int]string{2: "two\n", 8: "eight\n"}), lines(10, nil),
			"--- f (original)\n+++ f (formatted)\n@@ -1,10 +1,10 @@\n line a\n-two\n+line b\n line c\n line d\n line e\n line f\n line g\n-eight\n+line h\n line i\n line j\n"},
	} {
		if got := unifiedDiff("f", []byte(tc.a), []byte(tc.b)); got != tc.want {
			t.Errorf("%s: got\n%s\nwant\n%s", tc.name, got, tc.want)
		}
	}
}
