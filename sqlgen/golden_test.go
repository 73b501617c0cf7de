package sqlgen

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nctarget/nctarget"
	"github.com/nctarget/nctarget/internal/golden"
)

// goldenSchemas are the table prefixes the golden files use, one a
// dialect, the way each engine's users qualify names (BigQuery needs a
// dataset; Spark's Hive grammar takes database.table).
var goldenSchemas = map[Dialect]string{
	BigQuery:  "my-project.crm",
	Snowflake: "CRM_DB.PUBLIC",
	Spark:     "crm",
	Trino:     "hive.crm",
}

// compileRuleFile compiles testdata/sql/rules/NAME.nct with the catalog
// NAME.catalog.json beside it, if any.
func compileRuleFile(t testing.TB, path string) *nctarget.Rule {
	t.Helper()
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	opts := nctarget.Options{Now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	if cat, err := nctarget.LoadCatalog(strings.TrimSuffix(path, ".nct") + ".catalog.json"); err == nil {
		opts.Catalog = cat
	} else if !errors.Is(err, os.ErrNotExist) {
		t.Fatal(err)
	}
	req, err := nctarget.Compile(path, src, opts)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return req.Rule
}

// goldenText writes every output of rule in dialect d, as the golden file
// holds it: recipients, count, waterfall, then the count with parameters
// and the parameters in a comment.
func goldenText(t *testing.T, rule *nctarget.Rule, d Dialect) string {
	var b strings.Builder
	layout := Layout{Schema: goldenSchemas[d]}
	for _, c := range []struct {
		title  string
		out    Output
		params bool
	}{{"recipients", Recipients, false}, {"--count", Count, false}, {"--waterfall", Waterfall, false}, {"--waterfall --params", Waterfall, true}} {
		q, err := Compile(rule, Options{Dialect: d, Output: c.out, Params: c.params, Layout: layout})
		if err != nil {
			t.Fatalf("%s %s: %v", d, c.title, err)
		}
		fmt.Fprintf(&b, "-- %s\n%s;\n", c.title, q.Text)
		if c.params {
			p, _ := json.Marshal(q.Params)
			fmt.Fprintf(&b, "-- params: %s\n", p)
		}
		b.WriteString("\n")
	}
	return b.String()
}

// TestGolden compares every rule of testdata/sql/rules in every dialect
// with testdata/sql/DIALECT/NAME.sql. .ci/run also parses each golden file
// with node-sql-parser in its dialect.
func TestGolden(t *testing.T) {
	rules, err := filepath.Glob("../testdata/sql/rules/*.nct")
	if err != nil || len(rules) == 0 {
		t.Fatalf("no rules in testdata/sql/rules (%v)", err)
	}
	for _, d := range Dialects {
		for _, path := range rules {
			name := strings.TrimSuffix(filepath.Base(path), ".nct")
			t.Run(string(d)+"/"+name, func(t *testing.T) {
				got := goldenText(t, compileRuleFile(t, path), d)
				golden.Check(t, filepath.Join("../testdata/sql", string(d), name+".sql"), []byte(got))
			})
		}
	}
}
