package fuzz

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nctarget/nctarget"
	"github.com/nctarget/nctarget/eval"
)

// TestDataFailures runs the data-side cases of issue 5 through eval.Load,
// Plan and Eval: what is accepted loads every friend, what is not fails
// with an error naming the file and line, and nothing is written into the
// data directory either way.
func TestDataFailures(t *testing.T) {
	header := "userId,gender,age,appType,area,subscriptionPeriod\n"
	u := func(n uint64) string { return eval.FormatID(n) + ",male,30,ios,jp_13,30\n" }
	gz := gzipBytes([]byte(baseUsers))
	tests := []struct {
		name    string
		files   map[string]string // path under the data directory → contents; a trailing / makes a directory
		rule    string
		want    []string // substrings of the error; none when it must load
		line    int      // line the first diagnostic must name; 0 for any
		friends int      // friends loaded, when it must load
	}{
		{"missing audience file", map[string]string{"users.csv": baseUsers}, "audience(42)",
			[]string{"audience(42)", filepath.Join("audiences", "42.txt"), "does not exist"}, 0, 0},
		{"missing redelivery file", map[string]string{"users.csv": baseUsers}, `redelivery("5b59509c-c57b-11e9-aa8c-2a2ae2dbcce4")`,
			[]string{filepath.Join("redeliveries", "5b59509c-c57b-11e9-aa8c-2a2ae2dbcce4.txt"), "does not exist"}, 0, 0},
		{"duplicate user IDs", map[string]string{"users.csv": header + u(1) + u(2) + u(1)}, "",
			[]string{"users.csv", "duplicate user ID " + eval.FormatID(1), "first on line 2"}, 4, 0},
		{"bad user ID", map[string]string{"users.csv": header + u(1) + "U12345,male,30,ios,jp_13,30\n"}, "",
			[]string{"users.csv", "bad user ID"}, 3, 0},
		{"bad audience member", map[string]string{"users.csv": baseUsers, "audiences/7.txt": eval.FormatID(1) + "\nnot-an-id\n"}, "audience(7)",
			[]string{"7.txt", "bad user ID"}, 2, 0},
		{"CRLF", map[string]string{"users.csv": strings.ReplaceAll(baseUsers, "\n", "\r\n")}, "", nil, 0, 3},
		{"BOM", map[string]string{"users.csv": "\uFEFF" + baseUsers}, "", nil, 0, 3},
		{"missing final newline", map[string]string{"users.csv": strings.TrimSuffix(baseUsers, "\n")}, "", nil, 0, 3},
		{"blank lines", map[string]string{"users.csv": "\n" + header + "\n" + u(1) + "\r\n   \n" + u(2)}, "", nil, 0, 2},
		{"audience with CRLF, BOM, blanks", map[string]string{"users.csv": baseUsers,
			"audiences/7.txt": "\uFEFF" + eval.FormatID(1) + "\r\n\r\n" + eval.FormatID(3)}, "audience(7)", nil, 0, 3},
		{"gzip users", map[string]string{"users.csv.gz": string(gz)}, "", nil, 0, 3},
		{"gzip audience", map[string]string{"users.csv": baseUsers, "audiences/7.txt.gz": string(gzipBytes([]byte(eval.FormatID(2))))}, "audience(7)", nil, 0, 3},
		{"truncated gzip users", map[string]string{"users.csv.gz": string(gz[:len(gz)-6])}, "",
			[]string{"users.csv.gz", "truncated or corrupt gzip"}, 0, 0},
		{"truncated gzip audience", map[string]string{"users.csv": baseUsers, "audiences/7.txt.gz": string(gzipBytes([]byte(baseUsers))[:30])}, "audience(7)",
			[]string{"7.txt.gz", "gzip"}, 0, 0},
		{"not gzip", map[string]string{"users.csv.gz": baseUsers}, "", []string{"users.csv.gz", "gzip"}, 1, 0},
		{"no users.csv", map[string]string{"audiences/7.txt": eval.FormatID(1)}, "", []string{"users.csv"}, 0, 0},
		{"users.csv is a directory", map[string]string{"users.csv/": ""}, "", []string{"users.csv"}, 0, 0},
		{"audience file is a directory", map[string]string{"users.csv": baseUsers, "audiences/7.txt/": ""}, "audience(7)", []string{"7.txt"}, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			for name, body := range tt.files {
				if strings.HasSuffix(name, "/") {
					if err := os.MkdirAll(filepath.Join(dir, name), 0o755); err != nil {
						t.Fatal(err)
					}
					continue
				}
				mustWrite(t, filepath.Join(dir, name), []byte(body))
			}
			before := snapshot(t, dir)
			n, err := loadRule(dir, tt.rule)
			if after := snapshot(t, dir); after != before {
				t.Errorf("the data directory changed:\nbefore:\n%s\nafter:\n%s", before, after)
			}
			checkOutcome(t, n, err, tt.want, tt.line, tt.friends)
		})
	}
}

// TestMissingDataDirectory checks that a data directory that does not
// exist is an error naming the path tried.
func TestMissingDataDirectory(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "nope")
	_, err := eval.Load(dir, eval.LoadOptions{})
	if err == nil || !strings.Contains(err.Error(), filepath.Join(dir, "users.csv")) {
		t.Errorf("Load(%s) = %v, want an error naming %s", dir, err, filepath.Join(dir, "users.csv"))
	}
}

// loadRule loads dir and evaluates rule (every friend when empty),
// returning the number of friends.
func loadRule(dir, rule string) (int, error) {
	d, err := eval.Load(dir, eval.LoadOptions{})
	if err != nil {
		return 0, err
	}
	r, err := nctarget.Parse("rule.nct", []byte(rule))
	if err != nil {
		return 0, err
	}
	p, err := d.Plan(r)
	if err != nil {
		return 0, err
	}
	p.Eval()
	return d.Len(), nil
}

// checkOutcome checks a load's result against a TestDataFailures case.
func checkOutcome(t *testing.T, friends int, err error, want []string, line, wantFriends int) {
	t.Helper()
	if len(want) == 0 {
		if err != nil || friends != wantFriends {
			t.Errorf("got %d friends, %v; want %d friends", friends, err, wantFriends)
		}
		return
	}
	if err == nil {
		t.Fatalf("loaded %d friends, want an error containing %q", friends, want)
	}
	t.Logf("error: %v", err)
	for _, w := range want {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error %q does not contain %q", err, w)
		}
	}
	if ds := nctarget.Diagnostics(err); line > 0 && (len(ds) == 0 || ds[0].Pos.Line != line) {
		t.Errorf("error %v does not name line %d", err, line)
	}
}

// snapshot lists every file under dir with its size and modification
// time, to tell whether anything was written there.
func snapshot(t *testing.T, dir string) string {
	t.Helper()
	var b strings.Builder
	err := filepath.WalkDir(dir, func(path string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		info, err := e.Info()
		if err != nil {
			return err
		}
		b.WriteString(path + " " + info.ModTime().Format(time.RFC3339Nano) + " " + info.Mode().String() + "\n")
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return b.String()
}
