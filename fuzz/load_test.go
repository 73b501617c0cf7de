package fuzz

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nctarget/nctarget"
	"github.com/nctarget/nctarget/eval"
)

// The kinds of data file FuzzLoad writes its input as.
const (
	kindUsers      = iota // DIR/users.csv
	kindUsersGz           // DIR/users.csv.gz, the input taken as gzip data
	kindAudience          // DIR/audiences/7.txt
	kindAudienceGz        // DIR/audiences/7.txt.gz
	numKinds
)

// fuzzAudienceID is the audience FuzzLoad's rule names.
const fuzzAudienceID = 7

// FuzzLoad writes arbitrary bytes as a users.csv or an audience file and
// loads it with eval. Loading must not panic; a rejected file must give
// diagnostics naming that file and a line; and an accepted file must lose
// nothing: every non-blank line of users.csv after the header is a friend,
// and every listed audience member who is a friend is selected.
func FuzzLoad(f *testing.F) {
	for _, s := range loadSeeds() {
		f.Add(s.data, s.kind)
	}
	f.Fuzz(func(t *testing.T, data []byte, kind uint8) {
		kind %= numKinds
		dir := t.TempDir()
		path := writeDataFile(t, dir, data, kind)
		d, rule, err := loadAndPlan(dir, kind)
		if err != nil {
			if msg := checkDataError(err, path); msg != "" {
				t.Fatalf("%s\nerror: %v\ninput: %q", msg, err, data)
			}
			return
		}
		if kind == kindUsersGz || kind == kindAudienceGz {
			return // the plain text is not at hand to count lines
		}
		if msg := checkNothingLost(t, d, rule, data, kind); msg != "" {
			t.Fatalf("%s\ninput: %q", msg, data)
		}
	})
}

// loadSeed is one seed of FuzzLoad.
type loadSeed struct {
	data []byte
	kind uint8
}

// baseUsers is the users.csv FuzzLoad uses when the input is an audience.
var baseUsers = "userId,gender,age,appType,area,subscriptionPeriod\n" +
	eval.FormatID(1) + ",male,25,ios,jp_13,30\n" +
	eval.FormatID(2) + ",female,,android,,\n" +
	eval.FormatID(3) + ",,70,others,id_06,400\n"

// loadSeeds are the data-file cases of the robustness table, as text and
// as gzip: good files in every accepted shape and each kind of bad one.
func loadSeeds() []loadSeed {
	header := "userId,gender,age,appType,area,subscriptionPeriod"
	texts := []string{
		baseUsers,
		strings.ReplaceAll(baseUsers, "\n", "\r\n"),
		"\uFEFF" + baseUsers,
		strings.TrimSuffix(baseUsers, "\n"),
		"\n\n" + header + "\n\n" + eval.FormatID(1) + ",male,25,ios,jp_13,30\n  \n",
		baseUsers + eval.FormatID(1) + ",female,30,,,\n",
		header + "\nU123,male,25,ios,jp_13,30\n",
		header + "\n" + eval.FormatID(1) + ",male,25\n",
		header + "\n" + eval.FormatID(1) + ",male,-1,ios,jp_99,x\n",
		"",
		eval.FormatID(1) + "\n" + eval.FormatID(9) + "\r\n\n" + eval.FormatID(2),
		"\uFEFF" + eval.FormatID(1) + "\n" + strings.ToUpper(eval.FormatID(2)) + "\n",
	}
	var seeds []loadSeed
	for _, text := range texts {
		gz := gzipBytes([]byte(text))
		seeds = append(seeds,
			loadSeed{[]byte(text), kindUsers}, loadSeed{gz, kindUsersGz},
			loadSeed{[]byte(text), kindAudience}, loadSeed{gz, kindAudienceGz},
			loadSeed{gz[:len(gz)/2], kindUsersGz}, loadSeed{gz[:len(gz)-4], kindAudienceGz})
	}
	return seeds
}

// gzipBytes compresses b.
func gzipBytes(b []byte) []byte {
	var buf bytes.Buffer
	w := gzip.NewWriter(&buf)
	w.Write(b)
	w.Close()
	return buf.Bytes()
}

// writeDataFile writes data into dir as the file kind says, with
// baseUsers beside an audience file, and returns the file's path.
func writeDataFile(t *testing.T, dir string, data []byte, kind uint8) string {
	t.Helper()
	name := map[uint8]string{kindUsers: "users.csv", kindUsersGz: "users.csv.gz",
		kindAudience: "audiences/7.txt", kindAudienceGz: "audiences/7.txt.gz"}[kind]
	if kind == kindAudience || kind == kindAudienceGz {
		mustWrite(t, filepath.Join(dir, "users.csv"), []byte(baseUsers))
	}
	path := filepath.Join(dir, name)
	mustWrite(t, path, data)
	return path
}

// mustWrite writes a file, creating its directory.
func mustWrite(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// loadAndPlan loads dir and plans the rule of kind: every friend for a
// users file, the audience for an audience file (which loads it).
func loadAndPlan(dir string, kind uint8) (*eval.Dataset, *nctarget.Rule, error) {
	d, err := eval.Load(dir, eval.LoadOptions{})
	if err != nil {
		return nil, nil, err
	}
	rule := &nctarget.Rule{}
	if kind == kindAudience || kind == kindAudienceGz {
		rule.Recipient = &nctarget.Audience{ID: fuzzAudienceID}
	}
	_, err = d.Plan(rule)
	return d, rule, err
}

// checkDataError returns what is wrong with a load error for the file at
// path, or "": it must carry diagnostics, each naming path and a line.
func checkDataError(err error, path string) string {
	ds := nctarget.Diagnostics(err)
	if len(ds) == 0 {
		return "load error carries no diagnostics: it names no file and line"
	}
	for _, d := range ds {
		if d.Pos.Filename != path || d.Pos.Line < 1 || d.Pos.Column < 1 {
			return fmt.Sprintf("diagnostic %v does not name %s and a line", d, path)
		}
	}
	return ""
}

// checkNothingLost compares what eval loaded from data with an
// independent reading of the same text.
func checkNothingLost(t *testing.T, d *eval.Dataset, rule *nctarget.Rule, data []byte, kind uint8) string {
	t.Helper()
	lines := nonBlankLines(data)
	if kind == kindUsers {
		if d.Len() != len(lines)-1 {
			return fmt.Sprintf("users.csv has %d rows but eval loaded %d friends", len(lines)-1, d.Len())
		}
		return ""
	}
	want := 0
	seen := map[uint32]bool{}
	for _, l := range lines {
		if i, ok := d.Index(string(l)); ok && !seen[i] {
			seen[i] = true
			want++
		}
	}
	got, err := recipients(d, rule)
	if err != nil {
		return "planned rule fails to evaluate: " + err.Error()
	}
	if int(got.GetCardinality()) != want {
		return fmt.Sprintf("the audience lists %d friends but eval selects %d", want, got.GetCardinality())
	}
	return ""
}

// nonBlankLines splits data the way the data files are read: lines
// end with \n, a trailing \r belongs to the line ending, a byte order mark
// may open the file, and blank lines do not count.
func nonBlankLines(data []byte) [][]byte {
	data = bytes.TrimPrefix(data, []byte("\uFEFF"))
	var out [][]byte
	for _, l := range bytes.Split(data, []byte("\n")) {
		if l = bytes.TrimSpace(l); len(l) > 0 {
			out = append(out, l)
		}
	}
	return out
}
