package sqlgen_test

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
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
// NCTARGET_SQL_PARSER to its node_modules directory. (Hostile names are
// proven on PostgreSQL by execution: node-sql-parser's grammars refuse
// some escapes their engines take, such as a doubled quote inside a
// quoted identifier.)
func TestParseDialects(t *testing.T) {
	modules := os.Getenv("NCTARGET_SQL_PARSER")
	_, nodeErr := exec.LookPath("node")
	if modules == "" || nodeErr != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("CI is set but node-sql-parser is not (NCTARGET_SQL_PARSER=%q, node: %v): .ci/run installs it", modules, nodeErr)
		}
		t.Skip("no node-sql-parser: set NCTARGET_SQL_PARSER to a node_modules directory holding it (npm install node-sql-parser); .ci/run does")
	}
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
