package sqlgen_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"

	"github.com/nctarget/nctarget"
	"github.com/nctarget/nctarget/internal/randrule"
	"github.com/nctarget/nctarget/sqlgen"
	"github.com/nctarget/nctarget/sqlgen/internal/difftest"
)

// The PostgreSQL tests run queries through psql, the client README's
// one-liners use, on the server NCTARGET_PG_DSN names (a libpq connection
// string; .ci/run starts a throwaway cluster and sets it). psql over a Go
// driver: no dependency in the module, and one psql process runs a whole
// batch of queries, with bound parameters through PREPARE and EXECUTE.

// pgDSN returns the server's connection string, or skips the test (fails
// it under CI, where .ci/run must have started one).
func pgDSN(t testing.TB) string {
	t.Helper()
	dsn := os.Getenv("NCTARGET_PG_DSN")
	_, err := exec.LookPath("psql")
	switch {
	case dsn != "" && err == nil:
		return dsn
	case os.Getenv("CI") != "":
		t.Fatalf("CI is set but there is no PostgreSQL to test against (NCTARGET_PG_DSN=%q, psql: %v): .ci/run starts one", dsn, err)
	}
	t.Skip("no PostgreSQL: set NCTARGET_PG_DSN to a libpq connection string (host=127.0.0.1 port=5432 user=… dbname=…) with psql on PATH; .ci/run starts a throwaway cluster")
	return ""
}

// psql runs script and returns its unaligned, tuples-only output.
func psql(dsn, script string) (string, error) {
	cmd := exec.Command("psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-d", dsn, "-f", "-")
	cmd.Stdin = strings.NewReader(script)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("psql: %v: %s", err, errb.String())
	}
	return out.String(), nil
}

// pgEngine is PostgreSQL through psql.
type pgEngine struct {
	dsn     string
	layout  sqlgen.Layout
	session string // statements each Query runs first, such as SET standard_conforming_strings = off
}

func (e *pgEngine) Dialect() sqlgen.Dialect { return sqlgen.Postgres }
func (e *pgEngine) Layout() sqlgen.Layout   { return e.layout }

// loadDataDir recreates layout's schema in the server at dsn and loads
// the data directory dir into it through the script nctarget sql --load
// writes, as a user would pipe it into psql.
func loadDataDir(tb testing.TB, dsn, dir string, layout sqlgen.Layout) {
	tb.Helper()
	qs, err := sqlgen.Postgres.QuoteIdent(layout.Schema)
	if err != nil {
		tb.Fatal(err)
	}
	var script strings.Builder
	fmt.Fprintf(&script, "DROP SCHEMA IF EXISTS %s CASCADE;\nCREATE SCHEMA %s;\n", qs, qs)
	if _, err := sqlgen.WriteLoadScript(&script, dir, layout); err != nil {
		tb.Fatal(err)
	}
	if _, err := psql(dsn, script.String()); err != nil {
		tb.Fatal(err)
	}
}

// Load recreates the schema and copies the population in.
func (e *pgEngine) Load(p *randrule.Population) error {
	var b strings.Builder
	schema := e.layout.Schema
	qs, err := sqlgen.Postgres.QuoteIdent(schema)
	if err != nil {
		return err
	}
	fmt.Fprintf(&b, "DROP SCHEMA IF EXISTS %s CASCADE;\nCREATE SCHEMA %s;\n", qs, qs)
	ddl, err := sqlgen.Schema(sqlgen.Postgres, e.layout)
	if err != nil {
		return err
	}
	b.WriteString(ddl)
	ld, err := sqlgen.NewLoader(&b, e.layout)
	if err != nil {
		return err
	}
	ld.Begin("users")
	for _, u := range p.Users {
		if err := ld.Row(difftest.UserRow(u)...); err != nil {
			return err
		}
	}
	ld.End()
	ld.Begin("audience_members")
	for id, ms := range p.Audiences {
		for _, m := range ms {
			ld.Row(strconv.FormatInt(id, 10), m)
		}
	}
	ld.End()
	ld.Begin("redelivery_members")
	for id, ms := range p.Redeliveries {
		for _, m := range ms {
			ld.Row(id, m)
		}
	}
	ld.End()
	idx, err := sqlgen.CreateIndexes(sqlgen.Postgres, e.layout)
	if err != nil {
		return err
	}
	b.WriteString(idx)
	_, err = psql(e.dsn, b.String())
	return err
}

// pgEscape escapes a parameter's value for an escape string literal,
// E'…', which means the same whatever standard_conforming_strings says.
var pgEscape = strings.NewReplacer(`\`, `\\`, `'`, `''`)

// Query runs the queries in one psql session; a query with parameters is
// prepared and executed with them.
func (e *pgEngine) Query(qs []*sqlgen.Query) ([][][]string, error) {
	var b strings.Builder
	b.WriteString(e.session)
	for _, q := range qs {
		b.WriteString("\\echo @@\n")
		if q.Params == nil {
			b.WriteString(q.Text + ";\n")
			continue
		}
		args := make([]string, len(q.Params))
		for i, p := range q.Params {
			switch v := p.Value.(type) {
			case string:
				args[i] = "E'" + pgEscape.Replace(v) + "'"
			default:
				args[i] = fmt.Sprint(v)
			}
		}
		call := "q"
		if len(args) > 0 {
			call += "(" + strings.Join(args, ", ") + ")"
		}
		fmt.Fprintf(&b, "PREPARE q AS %s;\nEXECUTE %s;\nDEALLOCATE q;\n", q.Text, call)
	}
	out, err := psql(e.dsn, b.String())
	if err != nil {
		return nil, err
	}
	var res [][][]string
	for _, line := range strings.Split(out, "\n") {
		switch {
		case line == "@@":
			res = append(res, [][]string{})
		case line != "" && len(res) > 0:
			res[len(res)-1] = append(res[len(res)-1], strings.Split(line, "|"))
		}
	}
	if len(res) != len(qs) {
		return nil, fmt.Errorf("psql printed %d results for %d queries", len(res), len(qs))
	}
	return res, nil
}

// TestPostgresDifferential checks 600 random rules on PostgreSQL against
// eval: recipients, count and waterfall.
func TestPostgresDifferential(t *testing.T) {
	difftest.Run(t, &pgEngine{dsn: pgDSN(t), layout: difftest.Layout}, 10, 60)
}

// TestPostgresExplain checks that PostgreSQL plans every output of a rule
// with audiences under and, or and not without a nested loop joining
// users with users: each membership test is a semi-join or a lookup in
// the membership index.
func TestPostgresExplain(t *testing.T) {
	dsn := pgDSN(t)
	e := &pgEngine{dsn: dsn, layout: sqlgen.Layout{Schema: "explaintest"}}
	if err := e.Load(difftest.NewPopulation(7, false)); err != nil {
		t.Fatal(err)
	}
	src := `(audience(1) or redelivery("` + randrule.RedeliveryID(1) + `")) and not audience(2) and not (audience(3) and audience(4))
where not gender in (male) and age[20,40) limit 10`
	req, err := nctarget.Compile("rule.nct", []byte(src), nctarget.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, out := range []sqlgen.Output{sqlgen.Recipients, sqlgen.Count, sqlgen.Waterfall} {
		q, err := sqlgen.Compile(req.Rule, sqlgen.Options{Output: out, Layout: e.layout})
		if err != nil {
			t.Fatal(err)
		}
		plan, err := psql(dsn, "EXPLAIN (FORMAT JSON) "+q.Text+";")
		if err != nil {
			t.Fatal(err)
		}
		var nodes []struct{ Plan planNode }
		if err := json.Unmarshal([]byte(plan), &nodes); err != nil || len(nodes) != 1 {
			t.Fatalf("EXPLAIN output: %v\n%s", err, plan)
		}
		if bad := usersLoop(&nodes[0].Plan); bad != "" {
			t.Errorf("output %d: %s in\n%s", out, bad, plan)
		}
	}
}

// planNode is a node of EXPLAIN (FORMAT JSON).
type planNode struct {
	NodeType string     `json:"Node Type"`
	Relation string     `json:"Relation Name"`
	Plans    []planNode `json:"Plans"`
}

// scansUsers reports whether n scans the users table.
func (n *planNode) scansUsers() bool {
	if n.Relation == "users" {
		return true
	}
	for i := range n.Plans {
		if n.Plans[i].scansUsers() {
			return true
		}
	}
	return false
}

// usersLoop describes a nested loop under n with users on both sides, or
// returns "".
func usersLoop(n *planNode) string {
	if n.NodeType == "Nested Loop" && len(n.Plans) == 2 && n.Plans[0].scansUsers() && n.Plans[1].scansUsers() {
		return "a nested loop over users × users"
	}
	for i := range n.Plans {
		if s := usersLoop(&n.Plans[i]); s != "" {
			return s
		}
	}
	return ""
}
