package sqlgen_test

import (
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/nctarget/nctarget"
	"github.com/nctarget/nctarget/sqlgen"
	"github.com/nctarget/nctarget/sqlgen/internal/difftest"
)

// This file reads queries back the way each dialect's documentation says
// its lexer reads quoted identifiers and string literals, independently of
// sqlgen's quoting, to prove for every dialect, engine or not, that a
// hostile name comes back whole and nothing else of the query changes.

// lexToken is a piece of a query: a quoted identifier or a string literal,
// decoded, or the text between them as it stands.
type lexToken struct {
	kind byte // 'i' quoted identifier, 's' string literal, 'x' other text
	text string
}

// lexRules are one dialect's rules for quoted identifiers and strings.
type lexRules struct {
	identQuote      byte // the quote of identifiers
	identBackslash  bool // identifiers take the backslash escapes of strings (BigQuery), not a doubled quote
	stringBackslash bool // string literals take backslash escapes
	stringDoubled   bool // '' in a string literal is one quote
	escapeString    bool // E'…' is a string with backslash escapes (PostgreSQL)
	// plainBackslash is false where a backslash in '…' reads otherwise
	// under a setting (PostgreSQL's standard_conforming_strings = off), so
	// a query means one thing only if it has none there.
	plainBackslash bool
	hexEscapes     string // the letters of the \xhh and \uhhhh escapes the dialect takes
}

// dialectLex is each dialect's lexical rules, from its documentation:
// PostgreSQL "Lexical Structure", DuckDB "Literal Types" and "Keywords and
// Identifiers", GoogleSQL "Lexical structure and syntax", Snowflake
// "String & binary data types" and "Identifier requirements", Spark SQL
// "Identifiers" and "Literals", Trino "Identifiers" and "Literals".
var dialectLex = map[sqlgen.Dialect]lexRules{
	sqlgen.Postgres:  {identQuote: '"', stringDoubled: true, escapeString: true, hexEscapes: "xu"},
	sqlgen.DuckDB:    {identQuote: '"', stringDoubled: true, plainBackslash: true},
	sqlgen.BigQuery:  {identQuote: '`', identBackslash: true, stringBackslash: true, hexEscapes: "xu"},
	sqlgen.Snowflake: {identQuote: '"', stringBackslash: true, stringDoubled: true, hexEscapes: "xu"},
	sqlgen.Spark:     {identQuote: '`', stringBackslash: true, hexEscapes: "u"},
	sqlgen.Trino:     {identQuote: '"', stringDoubled: true, plainBackslash: true},
}

// lexQuery splits q into lexTokens by the dialect's rules.
func lexQuery(d sqlgen.Dialect, q string) ([]lexToken, error) {
	rules := dialectLex[d]
	var toks []lexToken
	other := 0 // start of the other text being read
	for i := 0; i < len(q); {
		kind, quote, backslash, doubled := byte(0), q[i], false, false
		start := i + 1
		switch {
		case q[i] == rules.identQuote:
			kind, backslash, doubled = 'i', rules.identBackslash, !rules.identBackslash
		case q[i] == '\'':
			kind, backslash, doubled = 's', rules.stringBackslash, rules.stringDoubled
		case rules.escapeString && (q[i] == 'E' || q[i] == 'e') && i+1 < len(q) && q[i+1] == '\'' && (i == 0 || !isWordByte(q[i-1])):
			kind, quote, backslash, doubled, start = 's', '\'', true, true, i+2
		}
		if kind == 0 {
			i++
			continue
		}
		text, end, err := unquote(q, start, quote, backslash, doubled, rules.hexEscapes)
		if err != nil {
			return nil, fmt.Errorf("at byte %d: %v", i, err)
		}
		if kind == 's' && !backslash && !rules.plainBackslash && strings.Contains(text, `\`) {
			return nil, fmt.Errorf("at byte %d: a backslash in %q, which standard_conforming_strings = off reads as an escape", i, text)
		}
		if other < i {
			toks = append(toks, lexToken{'x', q[other:i]})
		}
		toks = append(toks, lexToken{kind, text})
		i, other = end, end
	}
	if other < len(q) {
		toks = append(toks, lexToken{'x', q[other:]})
	}
	return toks, nil
}

// isWordByte reports whether c can be part of an unquoted word.
func isWordByte(c byte) bool {
	return c == '_' || '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
}

// unquote reads a quoted piece from q[start:] up to its closing quote and
// returns it decoded and the offset after the quote.
func unquote(q string, start int, quote byte, backslash, doubled bool, hexEscapes string) (string, int, error) {
	var b strings.Builder
	for i := start; i < len(q); {
		switch c := q[i]; {
		case c == quote && doubled && i+1 < len(q) && q[i+1] == quote:
			b.WriteByte(quote)
			i += 2
		case c == quote:
			return b.String(), i + 1, nil
		case c == '\\' && backslash:
			r, n, err := unescape(q[i+1:], hexEscapes)
			if err != nil {
				return "", 0, err
			}
			b.WriteString(r)
			i += 1 + n
		default:
			b.WriteByte(c)
			i++
		}
	}
	return "", 0, fmt.Errorf("%c not closed", quote)
}

// unescape decodes the backslash escape at the start of s (after the
// backslash), returning its text and how many bytes it took; hexEscapes
// are the letters of the hexadecimal escapes taken.
func unescape(s, hexEscapes string) (string, int, error) {
	if s == "" {
		return "", 0, fmt.Errorf("a backslash ends the query")
	}
	hex := func(n int) (string, int, error) {
		if len(s) < 1+n {
			return "", 0, fmt.Errorf("short escape \\%s", s)
		}
		v, err := strconv.ParseUint(s[1:1+n], 16, 32)
		if err != nil {
			return "", 0, fmt.Errorf("escape \\%s: %v", s[:1+n], err)
		}
		return string(rune(v)), 1 + n, nil
	}
	if strings.IndexByte("xu", s[0]) >= 0 && strings.IndexByte(hexEscapes, s[0]) < 0 {
		return "", 0, fmt.Errorf("escape \\%c, which the dialect does not take", s[0])
	}
	switch s[0] {
	case '\\', '\'', '"', '`':
		return s[:1], 1, nil
	case 'n':
		return "\n", 1, nil
	case 't':
		return "\t", 1, nil
	case 'r':
		return "\r", 1, nil
	case 'x':
		return hex(2)
	case 'u':
		return hex(4)
	}
	return "", 0, fmt.Errorf("unknown escape \\%c", s[0])
}

// withRequestID returns rule with its recipients replaced by the friends
// not in the redelivery of request ID id.
func withRequestID(rule *nctarget.Rule, id string) *nctarget.Rule {
	return &nctarget.Rule{Recipient: &nctarget.Not{X: &nctarget.Redelivery{RequestID: id}}, Filter: rule.Filter, Limit: rule.Limit}
}

// placeholder is the plain name a hostile one stands in for.
const placeholder = "plain"

// hostileCase is a query with one hostile name and the same query with
// placeholder in its stead.
type hostileCase struct {
	name, where  string // the hostile name, and what it names
	hostile, std string // the queries
}

// hostileCases compiles, in dialect d, every output of hostileRule with
// each hostile name in turn as the schema, as each table and column, and
// as a redelivery's request ID (a string literal), beside the same query
// with placeholder there instead.
func hostileCases(t *testing.T, d sqlgen.Dialect) []hostileCase {
	t.Helper()
	req, err := nctarget.Compile("rule.nct", []byte(hostileRule), nctarget.Options{})
	if err != nil {
		t.Fatal(err)
	}
	type variant struct {
		where string
		names []string
		rule  func(name string) (*nctarget.Rule, sqlgen.Layout)
	}
	variants := []variant{
		{"schema", difftest.HostileNames, func(n string) (*nctarget.Rule, sqlgen.Layout) { return req.Rule, sqlgen.Layout{Schema: n} }},
		{"request ID", difftest.HostileLiterals(), func(n string) (*nctarget.Rule, sqlgen.Layout) {
			return withRequestID(req.Rule, n), sqlgen.Layout{Schema: "s"}
		}},
	}
	for _, logical := range sqlgen.LogicalNames() {
		variants = append(variants, variant{logical, difftest.HostileNames, func(n string) (*nctarget.Rule, sqlgen.Layout) {
			l := sqlgen.Layout{Schema: "s"}
			if err := l.Map(logical, n); err != nil {
				t.Fatal(err)
			}
			return req.Rule, l
		}})
	}
	compile := func(rule *nctarget.Rule, l sqlgen.Layout, out sqlgen.Output) string {
		q, err := sqlgen.Compile(rule, sqlgen.Options{Dialect: d, Output: out, Layout: l})
		if err != nil {
			t.Fatalf("%s: %v", d, err)
		}
		return q.Text
	}
	var cases []hostileCase
	for _, v := range variants {
		for _, name := range v.names {
			rule, l := v.rule(name)
			stdRule, stdLayout := v.rule(placeholder)
			for _, out := range []sqlgen.Output{sqlgen.Recipients, sqlgen.Count, sqlgen.Waterfall} {
				cases = append(cases, hostileCase{name: name, where: fmt.Sprintf("%s, output %d", v.where, out),
					hostile: compile(rule, l, out), std: compile(stdRule, stdLayout, out)})
			}
		}
	}
	return cases
}

// TestHostileNamesReadBack reads back every hostileCases query of every
// dialect by the dialect's own lexical rules: its identifiers and strings
// must be those of the query over placeholder, with the hostile name
// wherever placeholder stands, and the text between them the same.
func TestHostileNamesReadBack(t *testing.T) {
	t.Parallel()
	for _, d := range sqlgen.Dialects {
		for _, c := range hostileCases(t, d) {
			if err := sameBut(d, c.hostile, c.std, c.name); err != nil {
				t.Errorf("%s: %q as %s: %v", d, c.name, c.where, err)
			}
		}
	}
}

// sameBut reports how query differs from std, read by d's rules, other
// than by name wherever std quotes placeholder.
func sameBut(d sqlgen.Dialect, query, std, name string) error {
	got, err := lexQuery(d, query)
	if err != nil {
		return err
	}
	want, err := lexQuery(d, std)
	if err != nil {
		return fmt.Errorf("the query over %q: %v", placeholder, err)
	}
	replaced := 0
	for i := range want {
		if want[i].kind != 'x' && want[i].text == placeholder {
			want[i].text = name
			replaced++
		}
	}
	if replaced == 0 {
		return fmt.Errorf("the query over %q does not quote it", placeholder)
	}
	for i := range min(len(got), len(want)) {
		if got[i] != want[i] {
			return fmt.Errorf("piece %d is %c %q, want %c %q", i, got[i].kind, got[i].text, want[i].kind, want[i].text)
		}
	}
	if len(got) != len(want) {
		return fmt.Errorf("%d pieces, want %d", len(got), len(want))
	}
	return nil
}
