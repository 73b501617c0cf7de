package sqlgen

import (
	"bufio"
	"fmt"
	"io"
	"strings"
)

// columnTypes are the layout's columns with their types, per table, in
// the order of SPEC section 5's files.
var columnTypes = []struct{ table, column, typ string }{
	{"users", "user_id", "TEXT NOT NULL PRIMARY KEY"},
	{"users", "gender", "TEXT"},
	{"users", "age", "INTEGER"},
	{"users", "app_type", "TEXT"},
	{"users", "area", "TEXT"},
	{"users", "subscription_period", "INTEGER"},
	{"audience_members", "audience_group_id", "BIGINT NOT NULL"},
	{"audience_members", "user_id", "TEXT NOT NULL"},
	{"redelivery_members", "request_id", "TEXT NOT NULL"},
	{"redelivery_members", "user_id", "TEXT NOT NULL"},
}

// Schema returns the statements that create the layout's tables in
// PostgreSQL or DuckDB, and CreateIndexes the indexes README recommends.
// Warehouses that hold the data already need neither.
func Schema(d Dialect, l Layout) (string, error) {
	g := &gen{d: d}
	if err := g.resolve(&l); err != nil {
		return "", err
	}
	var b strings.Builder
	for i, table := range logicalNames[:3] {
		if i > 0 {
			b.WriteString("\n")
		}
		fmt.Fprintf(&b, "CREATE TABLE %s (", g.names[table])
		sep := "\n  "
		for _, c := range columnTypes {
			if c.table == table {
				fmt.Fprintf(&b, "%s%s %s", sep, g.names[table+"."+c.column], c.typ)
				sep = ",\n  "
			}
		}
		b.WriteString("\n);")
	}
	return b.String() + "\n", nil
}

// CreateIndexes returns the statements that index the membership tables
// by (key, user_id), so that each semi-join is an index lookup or a merge,
// and gather statistics for the planner.
func CreateIndexes(d Dialect, l Layout) (string, error) {
	g := &gen{d: d}
	if err := g.resolve(&l); err != nil {
		return "", err
	}
	var b strings.Builder
	for _, t := range []struct{ table, key string }{{"audience_members", "audience_group_id"}, {"redelivery_members", "request_id"}} {
		fmt.Fprintf(&b, "CREATE INDEX ON %s (%s, %s);\n", g.names[t.table], g.names[t.table+"."+t.key], g.names[t.table+".user_id"])
	}
	if d == Postgres {
		b.WriteString("ANALYZE;\n")
	}
	return b.String(), nil
}

// A Loader writes a psql script that loads rows into the layout's tables
// with COPY … FROM STDIN, the fastest way into PostgreSQL: Begin a table,
// Row each row, End it.
type Loader struct {
	w     *bufio.Writer
	g     *gen
	width int // fields a row of the open table has; 0 when none is open
}

// NewLoader returns a Loader writing to w for the layout l.
func NewLoader(w io.Writer, l Layout) (*Loader, error) {
	g := &gen{d: Postgres}
	if err := g.resolve(&l); err != nil {
		return nil, err
	}
	return &Loader{w: bufio.NewWriterSize(w, 1<<16), g: g}, nil
}

// Begin starts loading the logical table ("users", "audience_members" or
// "redelivery_members"): its rows have its columns in the order of
// Schema.
func (ld *Loader) Begin(table string) {
	var cols []string
	for _, c := range columnTypes {
		if c.table == table {
			cols = append(cols, ld.g.names[table+"."+c.column])
		}
	}
	ld.width = len(cols)
	fmt.Fprintf(ld.w, "COPY %s (%s) FROM STDIN;\n", ld.g.names[table], strings.Join(cols, ", "))
}

// Row writes one row; an empty field is NULL (unknown). Rows are in
// COPY's text format, where a field's backslashes, tabs and line breaks
// are escaped, so that no line of data is psql's end marker \. and no data
// can end the COPY early and run as SQL. (CSV cannot carry a line break
// but as it is, and psql looks for the marker at the start of every line,
// even inside a quoted CSV field.)
func (ld *Loader) Row(fields ...string) error {
	if len(fields) != ld.width {
		return fmt.Errorf("row has %d fields, the table %d", len(fields), ld.width)
	}
	for i, f := range fields {
		if i > 0 {
			ld.w.WriteByte('\t')
		}
		if strings.IndexByte(f, 0) >= 0 {
			return fmt.Errorf("field %q holds a NUL, which PostgreSQL text cannot", f)
		}
		if f == "" {
			ld.w.WriteString(`\N`)
			continue
		}
		copyEscaper.WriteString(ld.w, f)
	}
	return ld.w.WriteByte('\n')
}

// copyEscaper escapes a field of COPY's text format.
var copyEscaper = strings.NewReplacer(`\`, `\\`, "\t", `\t`, "\n", `\n`, "\r", `\r`)

// End ends the table's rows.
func (ld *Loader) End() error {
	ld.width = 0
	ld.w.WriteString("\\.\n")
	return ld.w.Flush()
}

// Statement writes a statement of its own, such as Schema's, between
// tables.
func (ld *Loader) Statement(sql string) error {
	ld.w.WriteString(sql)
	if !strings.HasSuffix(sql, "\n") {
		ld.w.WriteByte('\n')
	}
	return ld.w.Flush()
}
