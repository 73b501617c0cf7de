package sqlgen_test

import (
	"encoding/hex"
	"fmt"
	"strings"
	"testing"

	"github.com/nctarget/nctarget"
	"github.com/nctarget/nctarget/eval"
	"github.com/nctarget/nctarget/internal/testfiles"
	"github.com/nctarget/nctarget/sqlgen"
	"github.com/nctarget/nctarget/sqlgen/internal/difftest"
)

// hostileValues are values a Loader must carry as they are: the hostile
// names and strings, and lines that psql takes for the end of a COPY's
// rows (\.), followed by SQL.
var hostileValues = append(difftest.HostileLiterals(),
	`\.`, "x\n\\.\nROLLBACK; SELECT 666;", "x\r\n\\.\r\nSELECT 666;", "\n\\.\n", " padded ", "a,b", `a\Nb`, `\N`)

// loadScript writes the Loader script that loads hostileValues as the
// request IDs of redelivery_members, the i-th value's user ID U<i>.
func loadScript(t *testing.T, l sqlgen.Layout) string {
	t.Helper()
	var b strings.Builder
	ld, err := sqlgen.NewLoader(&b, l)
	if err != nil {
		t.Fatal(err)
	}
	ld.Begin("redelivery_members")
	for i, v := range hostileValues {
		if err := ld.Row(v, fmt.Sprintf("U%03d", i)); err != nil {
			t.Fatalf("%q: %v", v, err)
		}
	}
	if err := ld.End(); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// TestLoaderEndMarker reads a Loader script as psql does, a line at a
// time: only the end of a table's rows may be a line \. (psql looks for it
// at the start of every line, even inside a quoted CSV field, and runs
// what follows as SQL).
func TestLoaderEndMarker(t *testing.T) {
	script := loadScript(t, sqlgen.Layout{})
	lines := strings.Split(script, "\n")
	for i, line := range lines {
		if strings.TrimSuffix(line, "\r") == `\.` && i != len(lines)-2 {
			t.Errorf("line %d of %d is psql's end marker \\., in the rows:\n%s", i+1, len(lines)-1, script)
		}
	}
}

// TestPostgresLoaderValues loads hostileValues into PostgreSQL through a
// Loader and reads them back: each must be as it was.
func TestPostgresLoaderValues(t *testing.T) {
	dsn := pgDSN(t)
	l := sqlgen.Layout{Schema: "loadertest"}
	schema, err := sqlgen.Schema(sqlgen.Postgres, l)
	if err != nil {
		t.Fatal(err)
	}
	script := "DROP SCHEMA IF EXISTS loadertest CASCADE;\nCREATE SCHEMA loadertest;\n" + schema + loadScript(t, l) +
		`SELECT encode(convert_to(request_id, 'UTF8'), 'hex') FROM loadertest.redelivery_members ORDER BY user_id;` + "\n"
	out, err := psql(dsn, script)
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Fields(out)
	for i, v := range hostileValues {
		switch {
		case i >= len(got):
			t.Errorf("value %d, %q: missing (%d values read back)", i, v, len(got))
		case got[i] != hex.EncodeToString([]byte(v)):
			t.Errorf("value %d, %q: read back as %x", i, v, got[i])
		}
	}
	if len(got) > len(hostileValues) {
		t.Errorf("%d values read back, want %d: %q", len(got), len(hostileValues), out)
	}
}

// TestLoadScriptTakesWhatEvalTakes writes the load script of data
// directories whose files start with a byte order mark, end lines with
// \r\n, pad IDs with spaces, have blank lines, quote a cell, order
// users.csv's columns their own way or capitalize a code, all of which
// eval's loader accepts: the script must accept them too and load the
// values eval reads, the IDs without the padding, each code in lower case
// (Male is male) and an appType others as unknown (\N), so that SQL's
// gender = 'male' and app_type IS NULL match whom eval's do.
func TestLoadScriptTakesWhatEvalTakes(t *testing.T) {
	const (
		friend = "U4893ad3b73f45da8a54fc918725b57f5"
		other  = "U0123456789abcdef0123456789abcdef"
		member = "Uaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	)
	const header = "userId,gender,age,appType,area,subscriptionPeriod\n"
	members := []string{
		"\n5614991017776\t" + friend + "\n",
		"\n5614991017776\t" + member + "\n",
		"\n5b59509c-c57b-11e9-aa8c-2a2ae2dbcce4\t" + member + "\n",
	}
	for _, tc := range []struct {
		users string
		rows  []string // users rows the script must have
	}{
		{"\ufeffuserId,gender,age,appType,area,subscriptionPeriod\r\n" + friend + ",female,,android,jp_27,12\r\n",
			[]string{"\n" + friend + "\tfemale\t\\N\tandroid\tjp_27\t12\n"}},
		{"gender,userId,subscriptionPeriod,area,appType,age\n \t\n\"female\"," + friend + ",12,jp_27,\"android\",\n\n",
			[]string{"\n" + friend + "\tfemale\t\\N\tandroid\tjp_27\t12\n"}},
		{header + friend + ",Male,30,IOS,JP_13,7\n" + other + ",FEMALE,,others,Tw_01,\n",
			[]string{
				"\n" + friend + "\tmale\t30\tios\tjp_13\t7\n",
				"\n" + other + "\tfemale\t\\N\t\\N\ttw_01\t\\N\n",
			}},
	} {
		dir := testfiles.Write(t, map[string]string{
			"users.csv":                   tc.users,
			"audiences/5614991017776.txt": "\ufeff" + friend + "\r\n  " + member + " \r\n\r\n",
			"redeliveries/5b59509c-c57b-11e9-aa8c-2a2ae2dbcce4.txt": "\ufeff\t" + member + "\n",
		})
		d, err := eval.Load(dir, eval.LoadOptions{})
		if err != nil {
			t.Fatalf("eval's loader: %v", err)
		}
		d.Close()
		var script strings.Builder
		if _, err := sqlgen.WriteLoadScript(&script, dir, sqlgen.Layout{}); err != nil {
			t.Fatalf("%q: the load script: %v", tc.users, err)
		}
		for _, row := range append(tc.rows, members...) {
			if !strings.Contains(script.String(), row) {
				t.Errorf("%q: the script has no row %q:\n%s", tc.users, row, script.String())
			}
		}
	}
}

// TestPostgresLoadScriptCountsAsEval loads a users.csv with capitalized
// codes and an appType others through the load script, as nctarget sql
// --load does, and checks each rule's count and waterfall in PostgreSQL
// against eval's on the same directory.
func TestPostgresLoadScriptCountsAsEval(t *testing.T) {
	dsn := pgDSN(t)
	dir := testfiles.Write(t, map[string]string{"users.csv": "userId,gender,age,appType,area,subscriptionPeriod\n" +
		"U00000000000000000000000000000001,Male,30,IOS,JP_13,7\n" +
		"U00000000000000000000000000000002,male,25,ios,jp_13,7\n" +
		"U00000000000000000000000000000003,FEMALE,,others,Tw_01,\n" +
		"U00000000000000000000000000000004,female,40,Android,jp_27,400\n" +
		"U00000000000000000000000000000005,,,OTHERS,,\n",
	})
	d, err := eval.Load(dir, eval.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	layout := sqlgen.Layout{Schema: "loadcounts"}
	loadDataDir(t, dsn, dir, layout)
	for _, src := range []string{
		"where gender in (male)",
		"where not gender in (female)",
		"where appType in (ios)",
		"where not appType in (android)",
		"where area in (jp_13) and appType in (ios, android)",
		"where area in (tw_01) or gender in (female)",
	} {
		req, err := nctarget.Compile("rule.nct", []byte(src), nctarget.Options{})
		if err != nil {
			t.Fatalf("%s: %v", src, err)
		}
		plan, err := d.Plan(req.Rule)
		if err != nil {
			t.Fatalf("%s: %v", src, err)
		}
		w := plan.Eval().Waterfall
		want := fmt.Sprintf("%d|%d|%d|%d|%d", w.Friends, w.AfterRecipient, w.AfterFilter, w.AfterLimit, w.AllKnown)
		q, err := sqlgen.Compile(req.Rule, sqlgen.Options{Output: sqlgen.Waterfall, Layout: layout})
		if err != nil {
			t.Fatalf("%s: %v", src, err)
		}
		got, err := psql(dsn, q.Text+";")
		if err != nil {
			t.Fatalf("%s: %v", src, err)
		}
		if got = strings.TrimSpace(got); got != want {
			t.Errorf("%s: PostgreSQL's waterfall %s, eval's %s", src, got, want)
		}
	}
}

// TestLoadScriptReadsTheMemberFileEvalReads writes the load script of a
// data directory holding both 1.txt and 1.txt.gz: eval reads only 1.txt
// for audience(1), so the script must load its members and not the .gz
// file's, and still load a 2.txt.gz that is alone.
func TestLoadScriptReadsTheMemberFileEvalReads(t *testing.T) {
	const (
		friend = "U4893ad3b73f45da8a54fc918725b57f5"
		other  = "U0123456789abcdef0123456789abcdef"
	)
	dir := testfiles.Write(t, map[string]string{
		"users.csv":             "userId,gender,age,appType,area,subscriptionPeriod\n" + friend + ",,,,,\n" + other + ",,,,,\n",
		"audiences/1.txt":       friend + "\n",
		"audiences/1.txt.gz":    other + "\n",
		"audiences/2.txt.gz":    other + "\n",
		"redeliveries/r.txt":    other + "\n",
		"redeliveries/r.txt.gz": friend + "\n",
	})
	var script strings.Builder
	if _, err := sqlgen.WriteLoadScript(&script, dir, sqlgen.Layout{}); err != nil {
		t.Fatal(err)
	}
	for row, want := range map[string]bool{
		"\n1\t" + friend + "\n": true,
		"\n1\t" + other + "\n":  false,
		"\n2\t" + other + "\n":  true,
		"\nr\t" + other + "\n":  true,
		"\nr\t" + friend + "\n": false,
	} {
		if strings.Contains(script.String(), row) != want {
			t.Errorf("the script has row %q: %v, want %v:\n%s", row, !want, want, script.String())
		}
	}
}
