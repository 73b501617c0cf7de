package sqlgen

import (
	"fmt"
	"sort"
	"strings"
)

// Layout names the tables and columns the query reads. Its logical layout
// mirrors SPEC section 5:
//
//	users(user_id, gender, age, app_type, area, subscription_period)   NULL is unknown
//	audience_members(audience_group_id, user_id)                       one row a member
//	redelivery_members(request_id, user_id)                            one row a recipient
//
// Nobody's warehouse uses those names, so each may be mapped to the real
// one with Map ("users" → "crm.line_friends", "users.age" → "age_years").
// A table name is a dotted path (project.dataset.table on BigQuery,
// database.schema.table on Snowflake); each part is quoted on its own.
type Layout struct {
	Schema string            // prefix for every table name without a dot, such as "my-project.crm"; "" for none
	names  map[string]string // logical name → warehouse name, for the mapped ones
}

// logicalNames lists every table and column of the layout, tables first.
var logicalNames = []string{
	"users", "audience_members", "redelivery_members",
	"users.user_id", "users.gender", "users.age", "users.app_type", "users.area", "users.subscription_period",
	"audience_members.audience_group_id", "audience_members.user_id",
	"redelivery_members.request_id", "redelivery_members.user_id",
}

// LogicalNames returns the names Map takes, tables first: "users",
// "users.age", "audience_members.user_id" and so on.
func LogicalNames() []string { return append([]string(nil), logicalNames...) }

// Map names the warehouse table or column for a logical one: Map("users",
// "crm.line_friends"), Map("users.age", "age_years").
func (l *Layout) Map(logical, name string) error {
	known := false
	for _, n := range logicalNames {
		known = known || n == logical
	}
	if !known {
		return fmt.Errorf("no table or column %q in the layout: map one of %s", logical, strings.Join(logicalNames, ", "))
	}
	if l.names == nil {
		l.names = map[string]string{}
	}
	l.names[logical] = name
	return nil
}

// MapFlag applies a flag value "logical=name", as --table and --column
// take it.
func (l *Layout) MapFlag(flag string) error {
	logical, name, ok := strings.Cut(flag, "=")
	if !ok {
		return fmt.Errorf("%q is not logical=name: write it like users=crm.line_friends or users.age=age_years", flag)
	}
	return l.Map(strings.TrimSpace(logical), name)
}

// Mapped returns the mapped names as "logical=name", sorted, for
// printing.
func (l *Layout) Mapped() []string {
	var out []string
	for k, v := range l.names {
		out = append(out, k+"="+v)
	}
	sort.Strings(out)
	return out
}

// Check reports the first table or column name of the layout that
// dialect d cannot take: one no quoting carries, one longer than d's
// engine keeps (63 bytes in PostgreSQL), a BigQuery table without its
// dataset. Compile and the load script refuse such a layout too; Check
// lets a caller refuse it before reading a rule, as a mistake in how
// the layout was given.
func (l *Layout) Check(d Dialect) error {
	g := &gen{d: d}
	return g.resolve(l)
}

// name returns the warehouse name of a logical table or column.
func (l *Layout) name(logical string) string {
	if n, ok := l.names[logical]; ok {
		return n
	}
	if i := strings.LastIndexByte(logical, '.'); i >= 0 {
		return logical[i+1:]
	}
	return logical
}

// table returns the quoted, qualified name of a logical table.
func (l *Layout) table(d Dialect, logical string) (string, error) {
	name := l.name(logical)
	fromSchema := 0 // how many parts of name come from the schema
	if l.Schema != "" && !strings.Contains(name, ".") {
		name = l.Schema + "." + name
		fromSchema = strings.Count(l.Schema, ".") + 1
	}
	parts := strings.Split(name, ".")
	if d == BigQuery && len(parts) < 2 {
		return "", fmt.Errorf("table %s is %q: BigQuery needs dataset.table or project.dataset.table; map it (--table %s=mydataset.%s) or give --schema my-project.mydataset", logical, name, logical, name)
	}
	for i, p := range parts {
		fix := "map it (--table " + logical + "=NAME)"
		if i < fromSchema {
			fix = "shorten that part of --schema"
		}
		if err := d.checkIdent(p, "table "+logical+" name part", fix); err != nil {
			return "", err
		}
		parts[i] = d.quoteIdent(p)
	}
	return strings.Join(parts, "."), nil
}

// column returns the quoted name of a logical column.
func (l *Layout) column(d Dialect, logical string) (string, error) {
	name := l.name(logical)
	if err := d.checkIdent(name, "column "+logical, "map it (--column "+logical+"=NAME)"); err != nil {
		return "", err
	}
	return d.quoteIdent(name), nil
}
