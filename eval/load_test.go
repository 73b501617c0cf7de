package eval

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/nctarget/nctarget"
	"github.com/nctarget/nctarget/internal/testfiles"
)

// writeData is testfiles.Write.
func writeData(t *testing.T, files map[string]string) string { return testfiles.Write(t, files) }

const header = testfiles.Header

var (
	id1 = FormatID(1)
	id2 = FormatID(2)
)

func TestLoadErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		files map[string]string
		rule  string // when set, the error comes from planning this rule
		want  string // the first error, with file:line:col (the directory stripped)
	}{
		{"bad user ID", map[string]string{"users.csv": header + id1 + ",male,20,ios,jp_13,7\nU123,female,,,,\n"},
			"", "users.csv:3:1: bad user ID \"U123\""},
		{"uppercase hex", map[string]string{"users.csv": header + "U4893AD3B73F45DA8A54FC918725B57F5,,,,,\n"},
			"", "users.csv:2:1: bad user ID \"U4893AD3B73F45DA8A54FC918725B57F5\""},
		{"unknown gender", map[string]string{"users.csv": header + id1 + ",M,20,ios,jp_13,7\n"},
			"", `users.csv:2:35: unknown gender "M": use one of male, female, or leave the cell empty for unknown`},
		{"age not whole", map[string]string{"users.csv": header + id1 + ",male,20.5,ios,jp_13,7\n"},
			"", `users.csv:2:40: age "20.5" is not a whole number: write whole years, or leave the cell empty for unknown`},
		{"negative days", map[string]string{"users.csv": header + id1 + ",male,20,ios,jp_13,-1\n"},
			"", `users.csv:2:53: subscriptionPeriod "-1" is not a whole number: write whole days, or leave the cell empty for unknown`},
		{"age out of range", map[string]string{"users.csv": header + id1 + ",male,999,ios,jp_13,7\n"},
			"", `users.csv:2:40: age 999 is out of range: at most 150 years`},
		{"unknown area", map[string]string{"users.csv": header + id1 + ",male,20,ios,tokyo,7\n"},
			"", `users.csv:2:47: unknown area "tokyo": use one of id_01, id_02, … (the API's codes), or leave the cell empty for unknown`},
		{"unknown appType", map[string]string{"users.csv": header + id1 + ",male,20,windows,jp_13,7\n"},
			"", `users.csv:2:43: unknown appType "windows": use one of ios, android, or leave the cell empty for unknown`},
		{"too few columns", map[string]string{"users.csv": header + id1 + ",male,20\n"},
			"", "users.csv:2:1: 3 cells, the header has 6"},
		{"too many columns", map[string]string{"users.csv": header + id1 + ",male,20,ios,jp_13,7,x\n"},
			"", "users.csv:2:1: 7 cells, the header has 6"},
		{"duplicate with both lines", map[string]string{"users.csv": header + id1 + ",,,,,\n\n" + id2 + ",,,,,\n" + id1 + ",male,,,,\n"},
			"", "users.csv:5:1: duplicate user ID " + id1 + ", first on line 2"},
		{"duplicate after blank lines", map[string]string{"users.csv": header + "\n\n" + id2 + ",,,,,\n\r\n" + id1 + ",,,,,\n" + id1 + ",,,,,\n"},
			"", "users.csv:7:1: duplicate user ID " + id1 + ", first on line 6"},
		{"unterminated quote", map[string]string{"users.csv": header + id1 + `,"male,20,ios,jp_13,7` + "\n"},
			"", `users.csv:2:35: malformed quoted cell`},
		{"text after a quote", map[string]string{"users.csv": header + id1 + `,"male"x,20,ios,jp_13,7` + "\n"},
			"", `users.csv:2:35: malformed quoted cell`},
		{"quoted unknown gender", map[string]string{"users.csv": header + id1 + `,"M",20,ios,jp_13,7` + "\n"},
			"", `users.csv:2:35: unknown gender "M": use one of male, female, or leave the cell empty for unknown`},
		{"bad header", map[string]string{"users.csv": "id,gender,age,appType,area,subscriptionPeriod\n"},
			"", `users.csv:1:1: bad header "id,gender,age,appType,area,subscriptionPeriod"`},
		{"empty users file", map[string]string{"users.csv": ""}, "", "users.csv:1:1: empty file: no header"},
		{"truncated gzip", map[string]string{"users.csv.gz": header + id1 + ",,,,,\n"},
			"", "users.csv.gz:3:1: truncated or corrupt gzip data after line 2"},
		{"bad ID in audience", map[string]string{"users.csv": header + id1 + ",,,,,\n", "audiences/7.txt": id1 + "\nnot-an-id\n"},
			"audience(7)", `audiences/7.txt:2:1: bad user ID "not-an-id"`},
		{"missing audience file", map[string]string{"users.csv": header + id1 + ",,,,,\n"},
			"audience(7)", "rule.nct:1:1: no data for audience(7): audiences/7.txt does not exist"},
		{"missing redelivery file", map[string]string{"users.csv": header + id1 + ",,,,,\n"},
			`redelivery("5b59509c-c57b-11e9-aa8c-2a2ae2dbcce4")`,
			"rule.nct:1:1: no data for redelivery(\"5b59509c-c57b-11e9-aa8c-2a2ae2dbcce4\"): redeliveries/5b59509c-c57b-11e9-aa8c-2a2ae2dbcce4.txt does not exist"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := writeData(t, tt.files)
			if tt.name == "truncated gzip" {
				path := filepath.Join(dir, "users.csv.gz")
				data, _ := os.ReadFile(path)
				os.WriteFile(path, data[:len(data)-6], 0o644)
			}
			d, err := Load(dir, LoadOptions{})
			if err == nil && tt.rule != "" {
				req, cerr := nctarget.Compile("rule.nct", []byte(tt.rule), nctarget.Options{})
				if cerr != nil {
					t.Fatal(cerr)
				}
				_, err = d.Plan(req.Rule)
			}
			if err == nil {
				t.Fatal("no error")
			}
			ds := nctarget.Diagnostics(err)
			if len(ds) == 0 {
				t.Fatalf("error without diagnostics: %v", err)
			}
			got := strings.ReplaceAll(ds[0].Error(), dir+string(filepath.Separator), "")
			if got != tt.want {
				t.Errorf("error\n got: %s\nwant: %s", got, tt.want)
			}
		})
	}
}

// TestLoadFormats checks the accepted variations: gzip, Windows line
// endings, a byte-order mark, blank lines, no final newline, columns in
// another order, appType others.
func TestLoadFormats(t *testing.T) {
	t.Parallel()
	plain := header + id1 + ",female,30,ios,jp_13,7\n" + id2 + ",,,others,,\n"
	tests := []struct {
		name  string
		files map[string]string
	}{
		{"plain", map[string]string{"users.csv": plain, "audiences/5.txt": id1 + "\n" + FormatID(9) + "\n"}},
		{"gzip", map[string]string{"users.csv.gz": plain, "audiences/5.txt.gz": id1 + "\n" + FormatID(9) + "\n"}},
		{"windows", map[string]string{"users.csv": strings.ReplaceAll("\ufeff"+plain, "\n", "\r\n"),
			"audiences/5.txt": "\ufeff" + id1 + "\r\n\r\n" + FormatID(9)}},
		{"blank lines, no final newline", map[string]string{"users.csv": "\n" + header + "\n" + id1 + ",female,30,ios,jp_13,7\n\n\n" + id2 + ",,,others,,",
			"audiences/5.txt": "\n  " + id1 + "  \n" + FormatID(9)}},
		{"quoted, capitalized", map[string]string{"users.csv": `"userId","gender","age","appType","area","subscriptionPeriod"` + "\n" +
			`"` + id1 + `","Female","30","iOS","JP_13","7"` + "\r\n" + id2 + `,"",,"Others",,""` + "\n",
			"audiences/5.txt": id1 + "\n" + FormatID(9) + "\n"}},
		{"columns reordered", map[string]string{"users.csv": "area,userId,subscriptionPeriod,age,gender,appType\n" +
			"jp_13," + id1 + ",7,30,female,ios\n," + id2 + ",,,,others\n", "audiences/5.txt": id1 + "\n" + FormatID(9) + "\n"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := Load(writeData(t, tt.files), LoadOptions{})
			if err != nil {
				t.Fatal(err)
			}
			r := evalRule(t, d, "audience(5) where gender in (female) and age[30,35) and appType in (ios) and area in (tokyo) and subscriptionPeriod[7,30)")
			got := []uint64{uint64(d.Len()), r.Count, r.Waterfall.AfterRecipient}
			if diff := cmp.Diff([]uint64{2, 1, 1}, got); diff != "" {
				t.Errorf("friends, count, audience (-want +got):\n%s", diff)
			}
			if len(d.Warnings) != 1 || !strings.Contains(d.Warnings[0].Msg, "1 users have appType others") {
				t.Errorf("warnings = %v, want one about appType others", d.Warnings)
			}
			if n := r.Warnings[1]; n.Kind != "nonFriends" || !strings.Contains(n.Msg, "lists 1 of 2 users") {
				t.Errorf("warning %v, want nonFriends 1 of 2", n)
			}
		})
	}
}

// TestLoadWritesNothing checks that loading and evaluating leave the data
// directory as it was.
func TestLoadWritesNothing(t *testing.T) {
	t.Parallel()
	dir := writeData(t, map[string]string{"users.csv": header + id1 + ",,,,,\n", "audiences/5.txt": id1 + "\n"})
	before := listDir(t, dir)
	d, err := Load(dir, LoadOptions{CacheDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	evalRule(t, d, "audience(5)")
	if diff := cmp.Diff(before, listDir(t, dir)); diff != "" {
		t.Errorf("data directory changed (-before +after):\n%s", diff)
	}
}

func listDir(t *testing.T, dir string) []string {
	t.Helper()
	var names []string
	filepath.WalkDir(dir, func(path string, _ os.DirEntry, err error) error {
		names = append(names, path)
		return err
	})
	return names
}

// TestMembersLoadedOnce checks that plans load the audience and
// redelivery files they name, each once however many plans name it and
// at once, and no other file: the bytes reported to MembersProgress add up
// to exactly the named files' sizes.
func TestMembersLoadedOnce(t *testing.T) {
	t.Parallel()
	const req = "5b59509c-c57b-11e9-aa8c-2a2ae2dbcce4"
	files := map[string]string{
		"users.csv":                    header + id1 + ",,,,,\n" + id2 + ",,,,,\n",
		"audiences/5.txt":              id1 + "\n",
		"audiences/6.txt":              id1 + "\n" + id2 + "\n",
		"audiences/7.txt":              id2 + "\n" + FormatID(9) + "\n", // named by no rule
		"redeliveries/" + req + ".txt": id2 + "\n" + id1 + "\n" + id2 + "\n",
	}
	dir := writeData(t, files)
	var mu sync.Mutex
	var total int64
	d, err := Load(dir, LoadOptions{MembersProgress: func(_, n int64) {
		mu.Lock()
		total = n
		mu.Unlock()
	}})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	rules := []string{"audience(5)", "audience(5) or audience(6)", "audience(6) and not redelivery(\"" + req + "\")", "audience(5)"}
	var wg sync.WaitGroup
	for range 4 {
		for _, r := range rules {
			wg.Go(func() { evalRule(t, d, r) })
		}
	}
	wg.Wait()
	want := int64(len(files["audiences/5.txt"]) + len(files["audiences/6.txt"]) + len(files["redeliveries/"+req+".txt"]))
	if total != want {
		t.Errorf("bytes of member files loaded: %d, want %d (each named file once)", total, want)
	}
}
