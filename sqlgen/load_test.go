package sqlgen_test

import (
	"encoding/hex"
	"fmt"
	"strings"
	"testing"

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
// \r\n, pad IDs with spaces, have blank lines, quote a cell or order
// users.csv's columns their own way, all of which eval's loader accepts:
// the script must accept them too and load the rows eval reads, the IDs
// without the padding.
func TestLoadScriptTakesWhatEvalTakes(t *testing.T) {
	const (
		friend = "U4893ad3b73f45da8a54fc918725b57f5"
		member = "Uaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	)
	for _, users := range []string{
		"\ufeffuserId,gender,age,appType,area,subscriptionPeriod\r\n" + friend + ",female,,android,jp_27,12\r\n",
		"gender,userId,subscriptionPeriod,area,appType,age\n \t\n\"female\"," + friend + ",12,jp_27,\"android\",\n\n",
	} {
		dir := testfiles.Write(t, map[string]string{
			"users.csv":                   users,
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
			t.Fatalf("%q: the load script: %v", users, err)
		}
		for _, row := range []string{
			"\n" + friend + "\tfemale\t\\N\tandroid\tjp_27\t12\n",
			"\n5614991017776\t" + friend + "\n",
			"\n5614991017776\t" + member + "\n",
			"\n5b59509c-c57b-11e9-aa8c-2a2ae2dbcce4\t" + member + "\n",
		} {
			if !strings.Contains(script.String(), row) {
				t.Errorf("%q: the script has no row %q:\n%s", users, row, script.String())
			}
		}
	}
}
