package sqlgen

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Dialect is a SQL engine the query is written for: it decides how
// identifiers and strings are quoted and how bound parameters are marked.
type Dialect string

// The dialects Compile writes.
const (
	Postgres  Dialect = "postgres"  // PostgreSQL: "ident", 'str', $1
	DuckDB    Dialect = "duckdb"    // DuckDB: "ident", 'str', $1
	BigQuery  Dialect = "bigquery"  // GoogleSQL: `ident`, 'str' with backslash escapes, @p1
	Snowflake Dialect = "snowflake" // Snowflake: "ident", 'str' with backslash escapes, :1
	Spark     Dialect = "spark"     // Spark SQL and Databricks: `ident`, 'str' with backslash escapes, :p1
	Trino     Dialect = "trino"     // Trino and Athena: "ident", 'str', ?
)

// Dialects lists every dialect, in the order --help and README name them.
var Dialects = []Dialect{Postgres, DuckDB, BigQuery, Snowflake, Spark, Trino}

// ParseDialect returns the dialect named s, or an error listing the known
// ones.
func ParseDialect(s string) (Dialect, error) {
	for _, d := range Dialects {
		if string(d) == strings.ToLower(s) {
			return d, nil
		}
	}
	names := make([]string, len(Dialects))
	for i, d := range Dialects {
		names[i] = string(d)
	}
	return "", fmt.Errorf("unknown SQL dialect %q: choose one of %s", s, strings.Join(names, ", "))
}

// backslashEscapes reports whether a backslash is an escape character in
// the dialect's string literals (and, for BigQuery, quoted identifiers).
func (d Dialect) backslashEscapes() bool { return d == BigQuery || d == Snowflake || d == Spark }

// checkText rejects text no quoting can carry safely in every engine: NUL
// (C-string engines end the text there, PostgreSQL refuses it) and, in
// identifiers, any other control character. what names the text for the
// error, such as "table users".
func checkText(s, what string, ident bool) error {
	if !utf8.ValidString(s) {
		return fmt.Errorf("%s %q is not valid UTF-8", what, s)
	}
	if s == "" && ident {
		return fmt.Errorf("%s is empty: give the name the warehouse uses", what)
	}
	for _, r := range s {
		if r == 0 || ident && (r < 0x20 || r == 0x7f) {
			return fmt.Errorf("%s %q holds a control character (%U), which no SQL identifier or literal here can carry: rename it", what, s, r)
		}
	}
	return nil
}

// identLimit is the longest identifier, in bytes, that a dialect's
// engine keeps whole: it keeps the first max bytes of a longer one.
type identLimit struct {
	engine string
	max    int
}

// identLimits are the documented limits on one identifier (one part of a
// dotted table name) of the dialects whose engines cut a longer name
// instead of refusing it. PostgreSQL keeps the first NAMEDATALEN-1 = 63
// bytes with only a NOTICE, so two names sharing their first 63 bytes
// would be one table or column and a query could read the wrong one
// without an error. Snowflake refuses a name over 255 characters
// itself; DuckDB documents no limit; BigQuery's limits differ by kind of
// name and Spark's and Trino's by catalog, and what those engines do past
// them was not checked.
var identLimits = map[Dialect]identLimit{
	Postgres: {engine: "PostgreSQL", max: 63},
}

// checkIdent rejects an identifier no quoting can carry (checkText) or
// one longer than the dialect's engine keeps whole. what names it for the
// error, such as "column users.age"; fix says how the user gives another
// name, such as "map it (--column users.age=NAME)".
func (d Dialect) checkIdent(name, what, fix string) error {
	if err := checkText(name, what, true); err != nil {
		return err
	}
	lim, ok := identLimits[d]
	if !ok || len(name) <= lim.max {
		return nil
	}
	kept := name // what the engine keeps: whole characters within max bytes
	for len(kept) > lim.max {
		_, size := utf8.DecodeLastRuneInString(kept)
		kept = kept[:len(kept)-size]
	}
	return fmt.Errorf("%s %q is %d bytes: %s keeps only the first %d bytes of a name, so two names sharing them are one table or column; %s, at most %d bytes: the name %s holds is %q",
		what, name, len(name), lim.engine, lim.max, fix, lim.max, lim.engine, kept)
}

// quoteIdent quotes one identifier (one part of a dotted table name), so
// that whatever it holds is read as a name and nothing else. Double-quote
// dialects double an embedded quote (SQL standard); Spark doubles an
// embedded backtick; BigQuery's quoted identifiers take the escapes of its
// string literals, so a backtick and a backslash are escaped with a
// backslash.
func (d Dialect) quoteIdent(name string) string {
	switch d {
	case BigQuery:
		return "`" + strings.NewReplacer(`\`, `\\`, "`", "\\`").Replace(name) + "`"
	case Spark:
		return "`" + strings.ReplaceAll(name, "`", "``") + "`"
	}
	return `"` + strings.ReplaceAll(name, `"`, `""`) + `"`
}

// quoteString writes s as a string literal. Standard dialects double an
// embedded quote and take everything else as it is (PostgreSQL's literal
// is written E'…' with backslashes escaped when s holds one, so the query
// means the same whatever standard_conforming_strings says). Dialects with
// backslash escapes escape the backslash, the quote and every control
// character.
func (d Dialect) quoteString(s string) string {
	var b strings.Builder
	if d == Postgres && strings.Contains(s, `\`) {
		b.WriteString("E'")
		for _, r := range s {
			switch r {
			case '\\':
				b.WriteString(`\\`)
			case '\'':
				b.WriteString(`''`)
			default:
				b.WriteRune(r)
			}
		}
		b.WriteByte('\'')
		return b.String()
	}
	b.WriteByte('\'')
	for _, r := range s {
		switch {
		case r == '\'' && d.backslashEscapes():
			b.WriteString(`\'`)
		case r == '\'':
			b.WriteString(`''`)
		case r == '\\' && d.backslashEscapes():
			b.WriteString(`\\`)
		case (r < 0x20 || r == 0x7f) && d.backslashEscapes():
			b.WriteString(d.controlEscape(r))
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('\'')
	return b.String()
}

// controlEscape writes a control character in a backslash-escaping
// dialect: BigQuery and Snowflake take \xhh, Spark (Java's rules) \uhhhh.
func (d Dialect) controlEscape(r rune) string {
	if d == Spark {
		return fmt.Sprintf(`\u%04x`, r)
	}
	return fmt.Sprintf(`\x%02x`, r)
}

// placeholder returns the marker of the n-th bound parameter (from 1), in
// the form the dialect's clients take: PostgreSQL and DuckDB number them,
// BigQuery and Spark name them, Snowflake's drivers take :1 (its numeric
// binding style) and Trino's bind ? in order.
func (d Dialect) placeholder(n int) string {
	switch d {
	case Postgres, DuckDB:
		return "$" + strconv.Itoa(n)
	case BigQuery:
		return "@p" + strconv.Itoa(n)
	case Spark:
		return ":p" + strconv.Itoa(n)
	case Snowflake:
		return ":" + strconv.Itoa(n)
	}
	return "?"
}

// paramName returns the name a client binds the n-th parameter by, or ""
// for positional markers.
func (d Dialect) paramName(n int) string {
	switch d {
	case BigQuery, Spark:
		return "p" + strconv.Itoa(n)
	}
	return ""
}

// QuoteIdent quotes one identifier for the dialect the way Compile does,
// for statements a caller writes around the query (CREATE SCHEMA, say).
// It refuses a name no quoting can carry (NUL, control characters) and
// one longer than the dialect keeps (63 bytes in PostgreSQL).
func (d Dialect) QuoteIdent(name string) (string, error) {
	if err := d.checkIdent(name, "name", "rename it"); err != nil {
		return "", err
	}
	return d.quoteIdent(name), nil
}
