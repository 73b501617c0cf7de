package sqlgen_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/nctarget/nctarget"
	"github.com/nctarget/nctarget/sqlgen"
)

// TestLongNames checks that a name longer than PostgreSQL keeps (63
// bytes) is refused, by Compile, Layout.Check and the load script alike,
// with the name, its length, the limit, the flag to change and the name
// PostgreSQL holds; and that a name of exactly 63 bytes, or a longer one
// in a dialect whose engine does not cut names, is taken.
func TestLongNames(t *testing.T) {
	req, err := nctarget.Compile("rule.nct", []byte(hostileRule), nctarget.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ascii63 := strings.Repeat("a", 63)
	tests := []struct {
		d       sqlgen.Dialect
		logical string // mapped to name; "schema" sets Layout.Schema instead
		name    string
		want    []string // in the error, in order; nil: the name is taken
	}{
		{sqlgen.Postgres, "users.age", ascii63, nil},
		{sqlgen.Postgres, "users.age", ascii63 + "b", []string{`column users.age "` + ascii63 + `b" is 64 bytes`, "PostgreSQL keeps only the first 63 bytes", "--column users.age=NAME", `holds is "` + ascii63 + `"`}},
		{sqlgen.Postgres, "users", "crm." + ascii63 + "b", []string{`table users name part "` + ascii63 + `b" is 64 bytes`, "63 bytes", "--table users=NAME", `holds is "` + ascii63 + `"`}},
		{sqlgen.Postgres, "audience_members", ascii63 + "bc", []string{"is 65 bytes", "--table audience_members=NAME"}},
		{sqlgen.Postgres, "schema", ascii63 + "b", []string{`table users name part "` + ascii63 + `b" is 64 bytes`, "that part of --schema"}},
		{sqlgen.Postgres, "schema", "db." + ascii63, nil},
		// Bytes, not characters; what PostgreSQL keeps ends on a whole character.
		{sqlgen.Postgres, "users.area", strings.Repeat("長", 21), nil},
		{sqlgen.Postgres, "users.area", "aa" + strings.Repeat("é", 31), []string{"is 64 bytes", `holds is "aa` + strings.Repeat("é", 30) + `"`}},
		{sqlgen.Snowflake, "users.age", strings.Repeat("a", 300), nil},
		{sqlgen.DuckDB, "users.age", strings.Repeat("a", 300), nil},
		{sqlgen.BigQuery, "users", "crm." + strings.Repeat("a", 300), nil},
		{sqlgen.Spark, "users.age", strings.Repeat("a", 300), nil},
		{sqlgen.Trino, "users.age", strings.Repeat("a", 300), nil},
	}
	for _, tt := range tests {
		l := sqlgen.Layout{Schema: "crm"}
		if tt.logical == "schema" {
			l.Schema = tt.name
		} else if err := l.Map(tt.logical, tt.name); err != nil {
			t.Fatal(err)
		}
		what := fmt.Sprintf("%s %s=%q", tt.d, tt.logical, tt.name)
		_, compileErr := sqlgen.Compile(req.Rule, sqlgen.Options{Dialect: tt.d, Layout: l})
		errs := map[string]error{"Compile": compileErr, "Check": l.Check(tt.d)}
		if tt.d == sqlgen.Postgres {
			errs["NewLoader"] = func() error { _, err := sqlgen.NewLoader(&bytes.Buffer{}, l); return err }()
		}
		for fn, err := range errs {
			if tt.want == nil {
				if err != nil {
					t.Errorf("%s: %s: %v", what, fn, err)
				}
				continue
			}
			if err == nil {
				t.Errorf("%s: %s took it; want an error", what, fn)
				continue
			}
			rest := err.Error()
			for _, w := range tt.want {
				i := strings.Index(rest, w)
				if i < 0 {
					t.Errorf("%s: %s: %q\nwant %q after what is matched before", what, fn, err, w)
					break
				}
				rest = rest[i+len(w):]
			}
		}
	}
}

// TestPostgresTruncatesLongNames shows on the engine what TestLongNames
// guards against: PostgreSQL cuts a name to its first 63 bytes, so two
// tables whose names share them are one, and the second CREATE TABLE
// finds the first.
func TestPostgresTruncatesLongNames(t *testing.T) {
	dsn := pgDSN(t)
	a, b := strings.Repeat("n", 63)+"_a", strings.Repeat("n", 63)+"_b"
	out, err := psql(dsn, fmt.Sprintf(`DROP SCHEMA IF EXISTS longnames CASCADE;
CREATE SCHEMA longnames;
CREATE TABLE longnames."%s" (user_id TEXT);
SELECT table_name FROM information_schema.tables WHERE table_schema = 'longnames';
`, a))
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.TrimSpace(out); got != strings.Repeat("n", 63) {
		t.Errorf("PostgreSQL named %q %q; want its first 63 bytes", a, got)
	}
	_, err = psql(dsn, fmt.Sprintf(`CREATE TABLE longnames."%s" (user_id TEXT);`, b))
	if err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Errorf("PostgreSQL took %q beside %q (%v); TestLongNames refuses such names for no reason", b, a, err)
	}
	if _, err := psql(dsn, "DROP SCHEMA longnames CASCADE;"); err != nil {
		t.Fatal(err)
	}
}
