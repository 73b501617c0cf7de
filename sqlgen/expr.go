package sqlgen

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/nctarget/nctarget"
)

// maxLine is the longest an operator is written on one line; a longer one
// puts each operand on its own line, so that a rule of ten audiences and
// twenty atoms stays readable.
const maxLine = 72

// conjuncts writes e as the predicates of a WHERE clause: the operands of
// a top-level and each on its own, so that the engine plans each semi-join
// as a join of its own. It returns nil for a nil e.
func (g *gen) conjuncts(e nctarget.Expr, indent string) []string {
	if e == nil {
		return nil
	}
	if op, ok := e.(*nctarget.Operator); ok && op.Op == nctarget.OpAnd {
		out := make([]string, len(op.Args))
		for i, a := range op.Args {
			out[i] = g.expr(a, indent)
		}
		return out
	}
	return []string{g.expr(e, indent)}
}

// expr writes e as a predicate over users AS u that is TRUE or FALSE,
// never NULL; indent is the indentation of the line it starts on.
func (g *gen) expr(e nctarget.Expr, indent string) string {
	switch x := e.(type) {
	case *nctarget.Operator:
		return g.operator(x, indent)
	case *nctarget.Not:
		return "NOT " + g.expr(x.X, indent)
	case *nctarget.Audience:
		if x.ID == 0 {
			g.fail(x, "compile the rule with its catalog first (nctarget.Compile resolves audience names)",
				"audience(%s) has no audienceGroupId", x.Name)
		}
		return g.member("audience_members", "audience_members.audience_group_id", "audience_members.user_id", x.ID, x)
	case *nctarget.Redelivery:
		return g.member("redelivery_members", "redelivery_members.request_id", "redelivery_members.user_id", x.RequestID, x)
	case *nctarget.Set:
		return g.set(x)
	case *nctarget.Range:
		return g.rng(x)
	case nil:
		return "1 = 1"
	}
	g.fail(e, "", "cannot write %T as SQL", e)
	return "1 = 0"
}

// operator writes an and or an or, parenthesized, on one line when it is
// short and one operand a line otherwise.
func (g *gen) operator(op *nctarget.Operator, indent string) string {
	kw := " AND "
	if op.Op == nctarget.OpOr {
		kw = " OR "
	}
	inner := indent + "  "
	args := make([]string, len(op.Args))
	multi := false
	for i, a := range op.Args {
		args[i] = g.expr(a, inner)
		multi = multi || strings.Contains(args[i], "\n")
	}
	if one := "(" + strings.Join(args, kw) + ")"; !multi && len(indent)+len(one) <= maxLine {
		return one
	}
	return "(\n" + inner + strings.Join(args, "\n"+inner+strings.TrimLeft(kw, " ")) + "\n" + indent + ")"
}

// member writes a semi-join on a membership table: the user is listed in
// it under key. It is an EXISTS, never NULL, so NOT over it is the
// complement within users; only users' own rows are ever counted, so a
// listed non-friend never counts. Trino gets the uncorrelated form, u IN
// (SELECT …), which it plans as a semi-join of its own (and which Trino's
// grammar in node-sql-parser takes, unlike EXISTS); the subquery leaves
// out NULL user IDs, so that IN is never NULL either.
func (g *gen) member(table, keyCol, userCol string, key any, at nctarget.Node) string {
	uid, mid := "u."+g.names["users.user_id"], "m."+g.names[userCol]
	from := " FROM " + g.names[table] + " AS m WHERE m." + g.names[keyCol] + " = " + g.value(key, at)
	if g.d == Trino {
		return "(" + uid + " IN (SELECT " + mid + from + " AND " + mid + " IS NOT NULL))"
	}
	return "EXISTS (SELECT 1" + from + " AND " + mid + " = " + uid + ")"
}

// attrColumn returns u.<column> of a demographic attribute.
func (g *gen) attrColumn(a nctarget.Attr) string {
	col := map[nctarget.Attr]string{
		nctarget.AttrGender: "users.gender", nctarget.AttrAge: "users.age", nctarget.AttrAppType: "users.app_type",
		nctarget.AttrArea: "users.area", nctarget.AttrSubscriptionPeriod: "users.subscription_period",
	}[a]
	return "u." + g.names[col]
}

// set writes a set atom: the attribute is known and one of the values.
func (g *gen) set(s *nctarget.Set) string {
	col := g.attrColumn(s.Attr)
	vals := make([]string, len(s.Values))
	for i, v := range s.Values {
		vals[i] = g.value(v.Code, v)
	}
	in := " = " + strings.Join(vals, "")
	if len(vals) != 1 {
		in = " IN (" + strings.Join(vals, ", ") + ")"
	}
	return "(" + col + " IS NOT NULL AND " + col + in + ")"
}

// rng writes a range atom: the attribute is known and inside [gte, lt).
func (g *gen) rng(r *nctarget.Range) string {
	col := g.attrColumn(r.Attr)
	s := "(" + col + " IS NOT NULL"
	if r.Gte != 0 {
		s += " AND " + col + " >= " + g.value(int64(r.Gte), r)
	}
	if r.Lt != 0 {
		s += " AND " + col + " < " + g.value(int64(r.Lt), r)
	}
	return s + ")"
}

// value writes a value of the rule, found at node at: a parameter
// marker, or a literal.
func (g *gen) value(v any, at nctarget.Node) string {
	if s, ok := v.(string); ok {
		if err := checkText(s, "value", false); err != nil {
			g.fail(at, "no SQL engine stores a NUL in text, so no row could match it", "%v", err)
			return "''"
		}
	}
	if g.params {
		n := len(g.values) + 1
		g.values = append(g.values, Param{Name: g.d.paramName(n), Value: v})
		return g.d.placeholder(n)
	}
	switch x := v.(type) {
	case int64:
		return strconv.FormatInt(x, 10)
	case string:
		return g.d.quoteString(x)
	}
	panic("sqlgen: value of unexpected type") // only the writers above call value
}

// fail adds an error diagnostic covering n, the part of the rule that has
// no SQL translation.
func (g *gen) fail(n nctarget.Node, hint, format string, args ...any) {
	*g.errs = append(*g.errs, &nctarget.Diagnostic{Pos: n.Pos(), End: n.End(), Msg: fmt.Sprintf(format, args...), Hint: hint})
}
