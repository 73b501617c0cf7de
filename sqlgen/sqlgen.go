// Package sqlgen compiles a checked, simplified rule to one SQL query that
// previews it where the data already is: a warehouse holding the account's
// friends, audience memberships and delivery logs (BigQuery, Snowflake,
// Spark SQL, Trino, PostgreSQL, DuckDB). The query computes exactly what
// package eval computes on local files (SPEC section 3): the recipients,
// their count, or the whole waterfall in one row.
//
// The package is not named sql because the programs that use it run the
// query through database/sql, and would have to rename one of the two.
//
// The query reads the tables of a Layout. Every demographic atom is written
// as "known and inside" (u.age IS NOT NULL AND u.age >= 20 AND u.age < 25),
// and every audience or redelivery as an EXISTS semi-join on its
// membership table, so each predicate is true or false, never NULL: NOT is
// then the complement within users, as in eval, and SQL's three-valued
// logic never drops a friend of unknown gender from "not gender in
// (male)". Only rows of users are ever counted, so members of an audience
// who are not friends never count.
//
// limit keeps the recipients with the lowest user IDs (ORDER BY user_id):
// eval keeps the first ones in users.csv order, which a table does not
// have. The count after the limit is the same either way; the recipients
// themselves are the same when users.csv is sorted by user ID.
package sqlgen

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/nctarget/nctarget"
)

// Output is what the query returns.
type Output int

// The outputs Compile writes.
const (
	// Recipients returns one column, user_id: the recipients after the
	// limit (in user ID order when there is a limit, else in any order).
	Recipients Output = iota
	// Count returns one row with one column, recipients: their number
	// after the limit, the "count" of eval --json.
	Count
	// Waterfall returns one row: friends, after_recipient, after_filter,
	// after_limit and all_known, the fields of eval.Waterfall.
	Waterfall
)

// Options configure Compile. The zero value writes the recipients query
// for PostgreSQL over the default layout, with values as literals.
type Options struct {
	Dialect Dialect // "" is Postgres
	Output  Output
	// Params writes every value of the rule (audience ids, request ids,
	// attribute values, range bounds) as a bound parameter marker and
	// returns the values in Query.Params, instead of quoted literals.
	Params bool
	Layout Layout
}

// Query is a compiled query: its text, and its bound parameters when
// Options.Params was set.
type Query struct {
	Text    string
	Params  []Param  // in marker order; nil without Options.Params
	Columns []string // the result's columns, in order
}

// Param is one bound parameter: its value (an int64 or a string) and, for
// dialects whose clients bind by name (BigQuery @p1, Spark :p1), its name.
type Param struct {
	Name  string `json:"name,omitempty"`
	Value any    `json:"value"`
}

// Columns of each output, in order.
var (
	recipientColumns = []string{"user_id"}
	countColumns     = []string{"recipients"}
	waterfallColumns = []string{"friends", "after_recipient", "after_filter", "after_limit", "all_known"}
)

// Compile writes the query for rule, which must be compiled (audiences
// carry their id: nctarget.Compile resolves catalog names) and should be
// simplified. The error is an nctarget.ErrorList positioned in the rule
// for a problem with the rule, or a plain error for a name in the layout
// that no quoting can carry.
func Compile(rule *nctarget.Rule, opts Options) (*Query, error) {
	if opts.Dialect == "" {
		opts.Dialect = Postgres
	}
	if _, err := ParseDialect(string(opts.Dialect)); err != nil {
		return nil, err
	}
	g := &gen{d: opts.Dialect, params: opts.Params}
	if err := g.resolve(&opts.Layout); err != nil {
		return nil, err
	}
	var errs nctarget.ErrorList
	g.errs = &errs
	recIndent, filterIndent := "  ", "  "
	if opts.Output == Waterfall {
		recIndent, filterIndent = "    ", "      "
	}
	w := where{rec: g.conjuncts(rule.Recipient, recIndent), filter: g.conjuncts(rule.Filter, filterIndent)}
	var limit int64
	if rule.Limit != nil {
		limit = rule.Limit.Max
	}
	q := &Query{}
	switch opts.Output {
	case Count:
		q.Text, q.Columns = g.count(w, limit), countColumns
	case Waterfall:
		q.Text, q.Columns = g.waterfall(rule, w, limit), waterfallColumns
	default:
		q.Text, q.Columns = g.recipients(w, limit), recipientColumns
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	if opts.Params {
		q.Params = g.values
		if q.Params == nil {
			q.Params = []Param{}
		}
	}
	return q, nil
}

// gen writes one query.
type gen struct {
	d      Dialect
	params bool                // write values as parameters
	values []Param             // the parameters so far
	names  map[string]string   // logical table or column → quoted name
	errs   *nctarget.ErrorList // problems with the rule
}

// resolve quotes every name of the layout once, so that a name no
// quoting can carry is reported before anything is written.
func (g *gen) resolve(l *Layout) error {
	g.names = map[string]string{}
	for _, n := range logicalNames {
		var q string
		var err error
		if strings.Contains(n, ".") {
			q, err = l.column(g.d, n)
		} else {
			q, err = l.table(g.d, n)
		}
		if err != nil {
			return err
		}
		g.names[n] = q
	}
	return nil
}

// where is a query's conditions: the recipient expression's conjuncts and
// the filter's, each a predicate over users AS u.
type where struct{ rec, filter []string }

// all returns every conjunct.
func (w where) all() []string { return append(append([]string(nil), w.rec...), w.filter...) }

// whereClause writes "WHERE a\n  AND b" at indent, or nothing.
func whereClause(conds []string, indent string) string {
	if len(conds) == 0 {
		return ""
	}
	return "\n" + indent + "WHERE " + strings.Join(conds, "\n"+indent+"  AND ")
}

// limitClause writes the ORDER BY and LIMIT that keep the first n by user
// ID, or nothing when n is 0.
func limitClause(col string, n int64, indent string) string {
	if n <= 0 {
		return ""
	}
	return "\n" + indent + "ORDER BY " + col + "\n" + indent + "LIMIT " + strconv.FormatInt(n, 10)
}

// recipients writes the query for Recipients.
func (g *gen) recipients(w where, limit int64) string {
	uid := "u." + g.names["users.user_id"]
	return "SELECT " + uid + " AS user_id\nFROM " + g.names["users"] + " AS u" +
		whereClause(w.all(), "") + limitClause(uid, limit, "")
}

// count writes the query for Count: the count capped by the limit, with
// no sort.
func (g *gen) count(w where, limit int64) string {
	c := "COUNT(*)"
	if limit > 0 {
		c = "LEAST(COUNT(*), " + strconv.FormatInt(limit, 10) + ")"
	}
	return "SELECT " + c + " AS recipients\nFROM " + g.names["users"] + " AS u" + whereClause(w.all(), "")
}

// waterfall writes the query for Waterfall. targeted holds the friends in
// the recipient expression, each flagged with whether the filter matches
// and whether every filter attribute is known; selected holds those the
// limit keeps. The semi-joins stay in WHERE clauses, where every dialect
// takes them (Spark and Snowflake refuse EXISTS in a select list).
func (g *gen) waterfall(rule *nctarget.Rule, w where, limit int64) string {
	users := g.names["users"]
	filter, known := "1", "1"
	if len(w.filter) > 0 {
		filter = "CASE WHEN " + strings.Join(w.filter, "\n      AND ") + " THEN 1 ELSE 0 END"
	}
	if k := g.known(rule.Filter); k != "" {
		known = "CASE WHEN " + k + " THEN 1 ELSE 0 END"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "WITH targeted AS (\n  SELECT\n    u.%s AS user_id,\n    %s AS in_filter,\n    %s AS all_known\n  FROM %s AS u%s\n),\n",
		g.names["users.user_id"], filter, known, users, whereClause(w.rec, "  "))
	fmt.Fprintf(&b, "selected AS (\n  SELECT t.all_known\n  FROM targeted AS t\n  WHERE t.in_filter = 1%s\n)\n", limitClause("t.user_id", limit, "  "))
	fmt.Fprintf(&b, "SELECT f.friends, r.after_recipient, r.after_filter, l.after_limit, l.all_known\nFROM (SELECT COUNT(*) AS friends FROM %s AS u) AS f\n", users)
	b.WriteString("CROSS JOIN (\n  SELECT COUNT(*) AS after_recipient, COUNT(CASE WHEN t.in_filter = 1 THEN 1 END) AS after_filter\n  FROM targeted AS t\n) AS r\n")
	b.WriteString("CROSS JOIN (\n  SELECT COUNT(*) AS after_limit, COUNT(CASE WHEN s.all_known = 1 THEN 1 END) AS all_known\n  FROM selected AS s\n) AS l")
	return b.String()
}

// known writes the predicate "every attribute the filter names is known",
// or "" when it names none. An appType other than ios and android (LINE's
// "others") is unknown, as in eval.
func (g *gen) known(filter nctarget.Expr) string {
	seen := map[nctarget.Attr]bool{}
	for _, a := range nctarget.Atoms(filter) {
		if attr, ok := nctarget.AttrOf(a); ok {
			seen[attr] = true
		}
	}
	var conds []string
	for _, attr := range nctarget.Attrs {
		if !seen[attr] {
			continue
		}
		col := g.attrColumn(attr)
		if attr == nctarget.AttrAppType {
			conds = append(conds, col+" IN ("+g.d.quoteString("ios")+", "+g.d.quoteString("android")+")")
		} else {
			conds = append(conds, col+" IS NOT NULL")
		}
	}
	return strings.Join(conds, " AND ")
}
