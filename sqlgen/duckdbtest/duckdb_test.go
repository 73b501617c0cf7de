// Package duckdbtest runs package sqlgen's differential test on DuckDB
// through its official Go driver. The driver needs cgo, so it lives in a
// module of its own: the root module's go test ./... and the nctarget
// binary (CGO_ENABLED=0) never build it; .ci/run tests it.
package duckdbtest

import (
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	_ "github.com/duckdb/duckdb-go/v2"
	"github.com/nctarget/nctarget/internal/randrule"
	"github.com/nctarget/nctarget/sqlgen"
	"github.com/nctarget/nctarget/sqlgen/internal/difftest"
)

// engine is an in-memory DuckDB database running queries of one dialect.
type engine struct {
	t       *testing.T
	db      *sql.DB
	dialect sqlgen.Dialect
}

func (e *engine) Dialect() sqlgen.Dialect { return e.dialect }
func (e *engine) Layout() sqlgen.Layout   { return difftest.Layout }

// Load recreates the tables and loads the population with COPY from CSV
// files.
func (e *engine) Load(p *randrule.Population) error {
	dir := e.t.TempDir()
	var users, auds, reds strings.Builder
	for _, u := range p.Users {
		users.WriteString(strings.Join(difftest.UserRow(u), ",") + "\n")
	}
	for id, ms := range p.Audiences {
		for _, m := range ms {
			auds.WriteString(strconv.FormatInt(id, 10) + "," + m + "\n")
		}
	}
	for id, ms := range p.Redeliveries {
		for _, m := range ms {
			reds.WriteString(id + "," + m + "\n")
		}
	}
	schema, err := sqlgen.Schema(sqlgen.DuckDB, difftest.Layout)
	if err != nil {
		return err
	}
	stmts := []string{`DROP SCHEMA IF EXISTS "difftest" CASCADE`, `CREATE SCHEMA "difftest"`, schema}
	for _, f := range []struct{ table, data string }{{"users", users.String()}, {"audience_members", auds.String()}, {"redelivery_members", reds.String()}} {
		path := filepath.Join(dir, f.table+".csv")
		if err := os.WriteFile(path, []byte(f.data), 0o644); err != nil {
			return err
		}
		stmts = append(stmts, fmt.Sprintf(`COPY "difftest"."%s" FROM '%s' (FORMAT csv, HEADER false)`, f.table, path))
	}
	for _, s := range stmts {
		if _, err := e.db.Exec(s); err != nil {
			return fmt.Errorf("%s: %w", s, err)
		}
	}
	return nil
}

// Query runs each query, with its parameters bound.
func (e *engine) Query(qs []*sqlgen.Query) ([][][]string, error) {
	var out [][][]string
	for _, q := range qs {
		args := make([]any, len(q.Params))
		for i, p := range q.Params {
			args[i] = p.Value
		}
		rows, err := e.db.Query(q.Text, args...)
		if err != nil {
			return nil, fmt.Errorf("%w\n%s", err, q.Text)
		}
		var res [][]string
		for rows.Next() {
			cells := make([]any, len(q.Columns))
			ptrs := make([]any, len(cells))
			for i := range cells {
				ptrs[i] = &cells[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				rows.Close()
				return nil, err
			}
			row := make([]string, len(cells))
			for i, c := range cells {
				row[i] = fmt.Sprint(c)
			}
			res = append(res, row)
		}
		if err := rows.Close(); err != nil {
			return nil, err
		}
		out = append(out, res)
	}
	return out, nil
}

// open returns an in-memory DuckDB database.
func open(t *testing.T) *sql.DB { return openDB(t) }

// openDB returns an in-memory DuckDB database closed at the end of t.
func openDB(t testing.TB) *sql.DB {
	db, err := sql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	db.SetMaxOpenConns(1) // one in-memory database
	t.Cleanup(func() { db.Close() })
	return db
}

// TestDuckDBDifferential checks 600 random rules on DuckDB against eval:
// recipients, count and waterfall.
func TestDuckDBDifferential(t *testing.T) {
	difftest.Run(t, &engine{t: t, db: open(t), dialect: sqlgen.DuckDB}, 10, 60)
}
