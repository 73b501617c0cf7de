// Package duckdbtest runs package sqlgen's differential test on DuckDB
// through its official Go driver. The driver needs cgo, so it lives in a
// module of its own: the root module's go test ./... and the nctarget
// binary (CGO_ENABLED=0) never build it; .ci/run tests it.
package duckdbtest

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"strings"
	"testing"

	"github.com/duckdb/duckdb-go/v2"
	"github.com/nctarget/nctarget/internal/randrule"
	"github.com/nctarget/nctarget/sqlgen"
	"github.com/nctarget/nctarget/sqlgen/internal/difftest"
)

// engine is an in-memory DuckDB database running queries of one dialect
// over one layout.
type engine struct {
	db      *sql.DB
	dialect sqlgen.Dialect
	layout  sqlgen.Layout
}

func (e *engine) Dialect() sqlgen.Dialect { return e.dialect }
func (e *engine) Layout() sqlgen.Layout   { return e.layout }

// Load recreates the schema and its tables, with sqlgen's statements,
// and appends the population through DuckDB's appender, which takes each
// table and column by its name as it is, unquoted: a name sqlgen quoted
// wrong names another table or column, and the load fails.
func (e *engine) Load(p *randrule.Population) error {
	qs, err := sqlgen.DuckDB.QuoteIdent(e.layout.Schema)
	if err != nil {
		return err
	}
	schema, err := sqlgen.Schema(sqlgen.DuckDB, e.layout)
	if err != nil {
		return err
	}
	ctx := context.Background()
	conn, err := e.db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	for _, s := range []string{"DROP SCHEMA IF EXISTS " + qs + " CASCADE", "CREATE SCHEMA " + qs, schema} {
		if _, err := conn.ExecContext(ctx, s); err != nil {
			return fmt.Errorf("%s: %w", s, err)
		}
	}
	var users, auds, reds [][]driver.Value
	for _, u := range p.Users {
		users = append(users, []driver.Value{u.ID, text(u.Gender), number(u.Age), text(u.AppType), text(u.Area), number(u.SubscriptionPeriod)})
	}
	for id, ms := range p.Audiences {
		for _, m := range ms {
			auds = append(auds, []driver.Value{id, m})
		}
	}
	for id, ms := range p.Redeliveries {
		for _, m := range ms {
			reds = append(reds, []driver.Value{id, m})
		}
	}
	return conn.Raw(func(dc any) error {
		for _, t := range []struct {
			table   string
			columns []string
			rows    [][]driver.Value
		}{
			{"users", []string{"user_id", "gender", "age", "app_type", "area", "subscription_period"}, users},
			{"audience_members", []string{"audience_group_id", "user_id"}, auds},
			{"redelivery_members", []string{"request_id", "user_id"}, reds},
		} {
			if err := e.appendRows(dc.(driver.Conn), t.table, t.columns, t.rows); err != nil {
				return fmt.Errorf("table %s: %w", t.table, err)
			}
		}
		return nil
	})
}

// appendRows appends rows to the logical table's columns, named as the
// layout names them.
func (e *engine) appendRows(dc driver.Conn, table string, columns []string, rows [][]driver.Value) error {
	names := map[string]string{}
	for _, m := range e.layout.Mapped() {
		logical, name, _ := strings.Cut(m, "=")
		names[logical] = name
	}
	name := func(logical, unmapped string) string {
		if n, ok := names[logical]; ok {
			return n
		}
		return unmapped
	}
	physical := make([]string, len(columns))
	for i, c := range columns {
		physical[i] = name(table+"."+c, c)
	}
	a, err := duckdb.NewAppenderWithColumns(dc, "", e.layout.Schema, name(table, table), physical)
	if err != nil {
		return err
	}
	for _, row := range rows {
		if err := a.AppendRow(row...); err != nil {
			a.Close()
			return err
		}
	}
	return a.Close()
}

// text is a text cell: NULL when empty (unknown).
func text(s string) driver.Value {
	if s == "" {
		return nil
	}
	return s
}

// number is an INTEGER cell: NULL when unknown.
func number(n *int) driver.Value {
	if n == nil {
		return nil
	}
	return int32(*n)
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
	difftest.Run(t, &engine{db: openDB(t), dialect: sqlgen.DuckDB, layout: difftest.Layout}, 10, 60)
}

// TestDuckDBHostileNames loads a population into tables and columns
// named difftest.HostileNames in DuckDB, and checks that the queries over
// them still equal eval: no name changed what the query does.
func TestDuckDBHostileNames(t *testing.T) {
	db := openDB(t)
	for _, l := range difftest.HostileLayouts() {
		difftest.Run(t, &engine{db: db, dialect: sqlgen.DuckDB, layout: l}, 2, 25)
	}
}

// TestDuckDBHostileRequestIDs loads redeliveries whose request IDs are
// difftest.HostileLiterals into DuckDB, and checks that rules over them,
// each request ID a string literal or a bound parameter, equal eval.
func TestDuckDBHostileRequestIDs(t *testing.T) {
	difftest.RunRequestIDs(t, &engine{db: openDB(t), dialect: sqlgen.DuckDB, layout: sqlgen.Layout{Schema: "hostileids"}}, difftest.HostileLiterals())
}
