package sqlgen_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nctarget/nctarget"
	"github.com/nctarget/nctarget/sqlgen"
	"github.com/nctarget/nctarget/sqlgen/internal/difftest"
)

// refusedNames are names no quoting carries in every engine: Compile
// refuses them instead of writing them.
var refusedNames = []string{"a\x00b", "a\nb", "a\rb", "a\tb", ""}

// hostileRule has every kind of atom.
const hostileRule = `(audience(1) or redelivery("00000000-0000-4000-8000-000000000001")) and not audience(2)
where (not gender in (male) and age[20,40)) or area in (jp_13) or appType = ios or subscriptionPeriod[30,)
limit 20`

// TestRefusedNames checks that Compile refuses names holding NUL or
// control characters, in every dialect.
func TestRefusedNames(t *testing.T) {
	req, err := nctarget.Compile("rule.nct", []byte(hostileRule), nctarget.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range sqlgen.Dialects {
		for _, name := range refusedNames {
			for _, logical := range []string{"users", "users.age"} {
				var l sqlgen.Layout
				l.Map(logical, name)
				if q, err := sqlgen.Compile(req.Rule, sqlgen.Options{Dialect: d, Layout: l}); err == nil {
					t.Errorf("%s: %s=%q: got a query, want an error:\n%s", d, logical, name, q.Text)
				}
			}
		}
	}
	rule := &nctarget.Rule{Recipient: &nctarget.Redelivery{RequestID: "a\x00b"}}
	for _, d := range sqlgen.Dialects {
		if _, err := sqlgen.Compile(rule, sqlgen.Options{Dialect: d, Layout: sqlgen.Layout{Schema: "s"}}); err == nil {
			t.Errorf("%s: a request ID holding NUL was written as a literal", d)
		}
	}
}

// TestPostgresHostileNames loads a population into tables and columns
// named difftest.HostileNames in PostgreSQL, and checks that the queries
// over them still equal eval: no name changed what the query does.
func TestPostgresHostileNames(t *testing.T) {
	dsn := pgDSN(t)
	for _, l := range difftest.HostileLayouts() {
		difftest.Run(t, &pgEngine{dsn: dsn, layout: l}, 2, 25)
	}
}

// TestPostgresHostileRequestIDs loads redeliveries whose request IDs are
// difftest.HostileLiterals into PostgreSQL, and checks that rules over
// them, each request ID a string literal or a bound parameter, equal
// eval, with standard_conforming_strings on (the default) and off (where
// a backslash in '…' is an escape).
func TestPostgresHostileRequestIDs(t *testing.T) {
	dsn := pgDSN(t)
	for _, setting := range []string{"on", "off"} {
		t.Run("standard_conforming_strings="+setting, func(t *testing.T) {
			e := &pgEngine{dsn: dsn, layout: sqlgen.Layout{Schema: "hostileids"}, session: "SET standard_conforming_strings = " + setting + ";\n"}
			difftest.RunRequestIDs(t, e, difftest.HostileLiterals())
		})
	}
}

// parseCase is one input of sqlparse.js.
type parseCase struct {
	Dialect string `json:"dialect"`
	SQL     string `json:"sql"`
	Like    string `json:"like,omitempty"`
	what    string
}

// TestParseDialects parses every golden file with node-sql-parser in its
// dialect: the proof, for the dialects no engine runs here, that the
// queries are theirs. .ci/run installs the parser and sets
// NCTARGET_SQL_PARSER to its node_modules directory. (TestParseHostileNames
// parses queries over hostile names.)
func TestParseDialects(t *testing.T) {
	modules := sqlParser(t)
	var cases []parseCase
	goldens, _ := filepath.Glob("../testdata/sql/*/*.sql")
	for _, g := range goldens {
		src, err := os.ReadFile(g)
		if err != nil {
			t.Fatal(err)
		}
		cases = append(cases, parseCase{Dialect: filepath.Base(filepath.Dir(g)), SQL: string(src), what: g})
	}
	if len(goldens) < len(sqlgen.Dialects) {
		t.Fatalf("only %d golden files", len(goldens))
	}
	results := runParser(t, modules, cases)
	for i, c := range cases {
		switch r := results[i]; {
		case r.Error != "":
			t.Errorf("%s: node-sql-parser (%s) rejects it: %s\n%s", c.what, c.Dialect, r.Error, c.SQL)
		case !r.Same:
			t.Errorf("%s: the syntax tree differs from the one over plain names:\n%s\nplain:\n%s", c.what, c.SQL, c.Like)
		}
	}
	t.Logf("%d golden files parsed", len(goldens))
}

// sqlParser returns the node_modules directory holding node-sql-parser,
// or skips the test (fails it under CI, where .ci/run installs it).
func sqlParser(t *testing.T) string {
	t.Helper()
	modules := os.Getenv("NCTARGET_SQL_PARSER")
	_, nodeErr := exec.LookPath("node")
	if modules == "" || nodeErr != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("CI is set but node-sql-parser is not (NCTARGET_SQL_PARSER=%q, node: %v): .ci/run installs it", modules, nodeErr)
		}
		t.Skip("no node-sql-parser: set NCTARGET_SQL_PARSER to a node_modules directory holding it (npm install node-sql-parser); .ci/run does")
	}
	return modules
}

// parseOnlyDialects are the dialects no engine runs here, whose queries
// node-sql-parser reads.
var parseOnlyDialects = []sqlgen.Dialect{sqlgen.BigQuery, sqlgen.Snowflake, sqlgen.Spark, sqlgen.Trino}

// TestParseHostileNames parses queries over hostile names in the
// parse-only dialects with node-sql-parser, beside the same query over
// plain names: the syntax trees must be the same but for their strings,
// so that no name ended its quoting or started a comment or a statement.
// Each query has one of difftest.HostileNames as its schema and, repeated
// to keep them distinct, as every table and column (node-sql-parser is
// too slow to parse a query for each place; TestHostileNamesReadBack
// reads every place of every output alone), or one of them or of
// difftest.HostileStrings as a request ID. Where node-sql-parser lacks an escape
// the dialect has (parserLacks), it must not read the query as the plain
// one, so that a parser that learns the escape is noticed;
// TestHostileNamesReadBack reads those too.
func TestParseHostileNames(t *testing.T) {
	modules := sqlParser(t)
	req, err := nctarget.Compile("rule.nct", []byte(hostileRule), nctarget.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var cases []parseCase
	var lacks []string
	add := func(d sqlgen.Dialect, what string, rule, stdRule *nctarget.Rule, l, std sqlgen.Layout, lack string) {
		q, err := sqlgen.Compile(rule, sqlgen.Options{Dialect: d, Output: sqlgen.Waterfall, Layout: l})
		if err != nil {
			t.Fatalf("%s: %s: %v", d, what, err)
		}
		p, err := sqlgen.Compile(stdRule, sqlgen.Options{Dialect: d, Output: sqlgen.Waterfall, Layout: std})
		if err != nil {
			t.Fatalf("%s: %s: %v", d, what, err)
		}
		cases = append(cases, parseCase{Dialect: string(d), SQL: q.Text, Like: p.Text, what: fmt.Sprintf("%s: %s", d, what)})
		lacks = append(lacks, lack)
	}
	for _, d := range parseOnlyDialects {
		for _, name := range difftest.HostileNames {
			add(d, fmt.Sprintf("%q as every name", name), req.Rule, req.Rule, everyName(t, name), everyName(t, placeholder), parserLacks(d, name, false))
		}
		for _, s := range difftest.HostileLiterals() {
			l := sqlgen.Layout{Schema: "s"}
			add(d, fmt.Sprintf("%q as a request ID", s), withRequestID(req.Rule, s), withRequestID(req.Rule, placeholder), l, l, parserLacks(d, s, true))
		}
	}
	results := runParser(t, modules, cases)
	read := 0
	for i, c := range cases {
		r := results[i]
		switch {
		case lacks[i] != "" && r.Error == "" && r.Same:
			t.Errorf("%s: node-sql-parser reads it now, though %s: drop that from parserLacks", c.what, lacks[i])
		case lacks[i] != "":
		case r.Error != "":
			t.Errorf("%s: node-sql-parser rejects it: %s\n%s", c.what, r.Error, c.SQL)
		case !r.Same:
			t.Errorf("%s: the syntax tree differs from the one over plain names:\n%s", c.what, c.SQL)
		default:
			read++
		}
	}
	t.Logf("%d queries over hostile names parsed as the plain ones, %d left to TestHostileNamesReadBack", read, len(cases)-read)
}

// everyName returns the layout with name as the schema and as every table
// and column, the k-th table and the k-th column of each table name
// repeated k times.
func everyName(t *testing.T, name string) sqlgen.Layout {
	t.Helper()
	l := sqlgen.Layout{Schema: name}
	count := map[string]int{} // a table → its columns named; "" → the tables named
	for _, logical := range sqlgen.LogicalNames() {
		group, _, isColumn := strings.Cut(logical, ".")
		if !isColumn {
			group = ""
		}
		count[group]++
		if err := l.Map(logical, strings.Repeat(name, count[group])); err != nil {
			t.Fatal(err)
		}
	}
	return l
}

// parserLacks says why node-sql-parser (5.4.0, as .ci/run installs it)
// cannot read a query with name as an identifier or, if literal, as a
// string literal, though the dialect can; or returns "".
func parserLacks(d sqlgen.Dialect, name string, literal bool) string {
	quote := dialectLex[d].identQuote
	switch {
	case !literal && strings.IndexByte(name, quote) >= 0:
		return fmt.Sprintf(`it has no escape for %c inside a quoted identifier (it reads Trino's "a""b" as column a aliased b)`, quote)
	case literal && d == sqlgen.Trino && strings.Contains(name+"'", `\'`):
		return `its Trino grammar takes backslash escapes, which Trino has not: it reads 'a\' right but as a column, and '\''' not at all`
	}
	return ""
}

// parseResult is one output of sqlparse.js.
type parseResult struct {
	Error string `json:"error"`
	Same  bool   `json:"same"`
}

// runParser runs sqlparse.js on the cases.
func runParser(t *testing.T, modules string, cases []parseCase) []parseResult {
	in, err := json.Marshal(map[string]any{"cases": cases})
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("node", "testdata/sqlparse.js")
	cmd.Env = append(os.Environ(), "NODE_PATH="+modules)
	cmd.Stdin = bytes.NewReader(in)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("node testdata/sqlparse.js: %v\n%s", err, stderr.String())
	}
	var results []parseResult
	if err := json.Unmarshal(out, &results); err != nil || len(results) != len(cases) {
		t.Fatalf("sqlparse.js printed %d results for %d cases (%v)", len(results), len(cases), err)
	}
	return results
}
