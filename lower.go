package nctarget

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/alecthomas/participle/v2/lexer"
)

// This file lowers the concrete syntax tree of grammar.go into the AST of
// ast.go, in one place, checking each atom against the values the API
// accepts (SPEC section 2) and collecting every error it finds.

// spanOf converts participle's node positions into a Span.
func spanOf(start, end lexer.Position) Span { return Span{Start: posOf(start), Stop: posOf(end)} }

// exprKind says which side of where an expression is on; each side takes
// its own kind of atom.
type exprKind int

const (
	recipientExpr exprKind = iota // before where: audience, redelivery
	filterExpr                    // after where: demographic atoms
)

// maxErrors is how many diagnostics lowering collects before it stops
// looking. Past it, a rule of thousands of bad atoms would spend its time
// and memory on did-you-mean suggestions nobody reads.
const maxErrors = 100

// lowerer turns the concrete syntax tree into the AST, collecting every
// error it finds, up to maxErrors.
type lowerer struct {
	limits  Limits
	errs    ErrorList
	atoms   int
	stopped bool // maxErrors was reached and said so
}

// full reports whether lowering has collected maxErrors diagnostics; the
// first time it has, it adds one more at pos saying it stopped there.
func (lw *lowerer) full(pos Pos) bool {
	if len(lw.errs) < maxErrors {
		return false
	}
	if !lw.stopped {
		lw.stopped = true
		lw.errs.Add(pos, "fix these and run again", "too many errors; stopped after %d", maxErrors)
	}
	return true
}

func (lw *lowerer) rule(c *cstRule) *Rule {
	r := &Rule{Span: spanOf(c.Pos, c.EndPos)}
	if c.Recipient != nil {
		r.Recipient = lw.or(c.Recipient, recipientExpr)
	}
	for _, cl := range c.Clauses {
		switch {
		case cl.Where != nil && r.Filter != nil:
			lw.errs.Add(posOf(cl.Pos), "combine the filters with and: where a and b", "duplicate where clause")
		case cl.Where != nil && r.Limit != nil:
			lw.errs.Add(posOf(cl.Pos), "write where before limit", "where clause after the limit clause")
		case cl.Where != nil:
			r.Filter = lw.or(cl.Where.Filter, filterExpr)
		case r.Limit != nil:
			lw.errs.Add(posOf(cl.Pos), "give one limit clause: limit 100 upToRemainingQuota", "duplicate limit clause")
		default:
			r.Limit = lw.limit(cl.Limit)
		}
	}
	return r
}

// or lowers "a or b or …"; and lowers "a and b and …".
func (lw *lowerer) or(c *cstOr, kind exprKind) Expr {
	return operator(OpOr, spanOf(c.Pos, c.EndPos), c.Terms, func(t *cstAnd) Expr { return lw.and(t, kind) })
}

func (lw *lowerer) and(c *cstAnd, kind exprKind) Expr {
	return operator(OpAnd, spanOf(c.Pos, c.EndPos), c.Terms, func(t *cstNot) Expr { return lw.not(t, kind) })
}

// operator lowers the terms of an and/or chain: a single term is itself,
// several are one n-ary Operator, as in the API's operator object.
func operator[T any](op Op, span Span, terms []T, lower func(T) Expr) Expr {
	if len(terms) == 1 {
		return lower(terms[0])
	}
	o := &Operator{Span: span, Op: op, Args: make([]Expr, len(terms))}
	for i, t := range terms {
		o.Args[i] = lower(t)
	}
	return o
}

func (lw *lowerer) not(c *cstNot, kind exprKind) Expr {
	var x Expr
	if c.Primary.Group != nil {
		x = lw.or(c.Primary.Group, kind)
	} else {
		x = lw.atom(c.Primary.Atom, kind)
	}
	for range c.Nots {
		x = &Not{Span: spanOf(c.Pos, c.EndPos), X: x}
	}
	return x
}

// atom lowers one atom, returning a placeholder node after an error so
// lowering can go on and report the rule's other problems too.
func (lw *lowerer) atom(c *cstAtom, kind exprKind) Expr {
	span := spanOf(c.Pos, c.EndPos)
	lw.atoms++
	if lw.atoms == lw.limits.MaxAtoms+1 {
		lw.errs.Add(span.Start, "split the rule, or raise Limits.MaxAtoms", "too many atoms (limit %d)", lw.limits.MaxAtoms)
	}
	if lw.full(span.Start) {
		return &Set{Span: span}
	}
	name := strings.ToLower(c.Name)
	if c.Call != nil {
		return lw.call(c, span, name, kind)
	}
	attr, ok := attrByName[name]
	if !ok {
		lw.unknownAttr(c, span)
		return &Set{Span: span}
	}
	if kind == recipientExpr {
		lw.errs.AddSpan(span.Start, span.Stop, "begin the demographic filter with where: … where "+attr.String()+" …",
			"%s is a demographic attribute, but this is the recipient expression", attr)
	}
	switch {
	case c.In != nil:
		return lw.in(c.In, attr, span)
	case c.Range != nil:
		return lw.rangeAtom(c.Range, attr, span)
	default:
		return lw.compare(c.Compare, attr, span)
	}
}

func (lw *lowerer) unknownAttr(c *cstAtom, span Span) {
	names := []string{"gender", "age", "appType", "area", "subscriptionPeriod"}
	hint := "the attributes are gender, age, appType, area and subscriptionPeriod"
	if s := didYouMean(c.Name, names); s != "" {
		hint = "did you mean " + s + "?"
	}
	lw.errs.AddSpan(span.Start, posOf(c.Pos).advance(c.Name), hint, "unknown attribute %q", c.Name)
}

// advance returns p moved past text on the same line.
func (p Pos) advance(text string) Pos {
	p.Offset += len(text)
	p.Column += len([]rune(text))
	return p
}

// call lowers audience(…) and redelivery(…).
func (lw *lowerer) call(c *cstAtom, span Span, name string, kind exprKind) Expr {
	if name != "audience" && name != "redelivery" {
		hint := "recipients are audience(id) and redelivery(\"requestId\")"
		if _, ok := attrByName[name]; ok {
			hint = "write " + name + " in (…) or a range, after where"
		} else if s := didYouMean(name, []string{"audience", "redelivery"}); s != "" {
			hint = "did you mean " + s + "?"
		}
		lw.errs.AddSpan(span.Start, span.Stop, hint, "unknown recipient %q", c.Name)
		return &Audience{Span: span}
	}
	if kind == filterExpr {
		lw.errs.AddSpan(span.Start, span.Stop, "move it before where, into the recipient expression",
			"%s(…) is a recipient, but this is the demographic filter after where", name)
	}
	args := c.Call.Args
	if len(args) != 1 {
		lw.errs.AddSpan(span.Start, span.Stop, fmt.Sprintf("write one %[1]s per call and combine them: %[1]s(a) or %[1]s(b)", name),
			"%s takes exactly one argument, got %d", name, len(args))
		return &Audience{Span: span}
	}
	if name == "redelivery" {
		return lw.redelivery(args[0], span)
	}
	return lw.audience(args[0], span)
}

func (lw *lowerer) audience(v *cstValue, span Span) Expr {
	a := &Audience{Span: span}
	switch {
	case v.Int != nil:
		id, err := strconv.ParseInt(*v.Int, 10, 64)
		if err != nil || id == 0 {
			lw.errs.AddSpan(posOf(v.Pos), posOf(v.EndPos), "audience group ids are positive 64-bit integers; check the id in LINE Official Account Manager",
				"audience group id %s is out of range", *v.Int)
		}
		a.ID = id
	case v.String != nil:
		n := len(lw.errs)
		if a.Name = lw.unquote(v); len(lw.errs) > n {
			a.Name = "" // reported; not a name to look up in the catalog
			return a
		}
	default:
		a.Name = *v.Ident
	}
	if v.Int == nil && a.Name == "" {
		lw.errs.AddSpan(posOf(v.Pos), posOf(v.EndPos), "give the audience's catalog name or its id", "empty audience name")
	}
	return a
}

func (lw *lowerer) redelivery(v *cstValue, span Span) Expr {
	r := &Redelivery{Span: span}
	switch {
	case v.String != nil:
		r.RequestID = lw.unquote(v)
	case v.Ident != nil:
		r.RequestID = *v.Ident
	default:
		r.RequestID = *v.Int
	}
	if !isUUID(r.RequestID) {
		lw.errs.AddSpan(posOf(v.Pos), posOf(v.EndPos), `a request id is the X-Line-Request-Id of a narrowcast, a UUID: redelivery("5b59509c-c57b-11e9-aa8c-2a2ae2dbcce4")`,
			"redelivery request id %q is not a UUID", r.RequestID)
	}
	return r
}

// isUUID reports whether s has the 8-4-4-4-12 hexadecimal form of a UUID.
func isUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i, c := range s {
		switch {
		case i == 8 || i == 13 || i == 18 || i == 23:
			if c != '-' {
				return false
			}
		case !strings.ContainsRune("0123456789abcdefABCDEF", c):
			return false
		}
	}
	return true
}

func (lw *lowerer) unquote(v *cstValue) string {
	s, err := strconv.Unquote(*v.String)
	if err != nil {
		lw.errs.AddSpan(posOf(v.Pos), posOf(v.EndPos), `use Go string escapes: \" \\ \n \u00e9`, "malformed string %s", *v.String)
		return strings.Trim(*v.String, `"`)
	}
	return s
}

// text returns what a value says, whatever its token type.
func (lw *lowerer) text(v *cstValue) string {
	switch {
	case v.Ident != nil:
		return *v.Ident
	case v.Int != nil:
		return *v.Int
	}
	return lw.unquote(v)
}

// in lowers "attr in (…)" and "attr not in (…)".
func (lw *lowerer) in(c *cstIn, attr Attr, span Span) Expr {
	if attr.IsRange() {
		lw.errs.AddSpan(span.Start, span.Stop, fmt.Sprintf("write a range: %s[%d,%d)", attr, attr.Bounds()[1], attr.Bounds()[2]),
			"%s takes a range, not a list of values", attr)
		return &Range{Span: span, Attr: attr}
	}
	set := lw.values(c.Values, attr, span)
	if c.Not {
		return &Not{Span: span, X: set}
	}
	return set
}

// values lowers the value list of a set atom.
func (lw *lowerer) values(vals []*cstValue, attr Attr, span Span) *Set {
	set := &Set{Span: span, Attr: attr}
	switch {
	case len(vals) == 0:
		lw.errs.AddSpan(span.Start, span.Stop, "an empty set matches nobody; list at least one value, or remove the condition",
			"empty value list for %s", attr)
	case len(vals) > lw.limits.MaxValues:
		lw.errs.AddSpan(span.Start, span.Stop, "split the list, or raise Limits.MaxValues",
			"%d values, over the limit of %d", len(vals), lw.limits.MaxValues)
		return set
	}
	for _, v := range vals {
		if lw.full(posOf(v.Pos)) {
			break
		}
		text := lw.text(v)
		code, ok := lookupCode(attr, text)
		if !ok {
			lw.unknownValue(v, attr, text)
			continue
		}
		set.Values = append(set.Values, Value{Span: spanOf(v.Pos, v.EndPos), Code: code, Text: text})
	}
	return set
}

func (lw *lowerer) unknownValue(v *cstValue, attr Attr, text string) {
	hint := fmt.Sprintf("%s is one of %s", attr, strings.Join(attr.Codes(), ", "))
	if attr == AttrArea {
		hint = "areas are codes such as jp_13 or official region names such as tokyo, taipei_city, bangkok, makassar"
	}
	if s := didYouMean(text, valueNames(attr)); s != "" {
		hint = "did you mean " + s + "?"
	}
	lw.errs.AddSpan(posOf(v.Pos), posOf(v.EndPos), hint, "unknown %s %q", attr, text)
}

// rangeAtom lowers attr[gte,lt).
func (lw *lowerer) rangeAtom(c *cstRange, attr Attr, span Span) Expr {
	r := &Range{Span: span, Attr: attr}
	if !attr.IsRange() {
		lw.errs.AddSpan(span.Start, span.Stop, fmt.Sprintf("write %s in (%s)", attr, attr.Codes()[0]),
			"%s takes a list of values, not a range", attr)
		return r
	}
	if c.Close == "]" {
		at := posOf(c.EndPos)
		at.Offset, at.Column = at.Offset-1, at.Column-1
		lw.errs.Add(at, "ranges are half-open [gte,lt): close them with )", "range closed with ]")
	}
	r.Gte = lw.bound(c.Gte, attr)
	r.Lt = lw.bound(c.Lt, attr)
	lw.checkRange(r, span)
	return r
}

// checkRange reports a range with no bound or with nothing in it.
func (lw *lowerer) checkRange(r *Range, span Span) {
	switch {
	case r.Gte == 0 && r.Lt == 0:
		lw.errs.AddSpan(span.Start, span.Stop, fmt.Sprintf("give at least one bound: %s[%d,)", r.Attr, r.Attr.Bounds()[0]),
			"%s range without bounds", r.Attr)
	case r.Gte > 0 && r.Lt > 0 && r.Gte >= r.Lt:
		lw.errs.AddSpan(span.Start, span.Stop, "the lower bound must be less than the upper bound",
			"empty range %s matches nobody", r)
	}
}

// bound lowers one range bound, which must be a value the API accepts.
// It returns 0 for an absent or invalid bound.
func (lw *lowerer) bound(v *cstValue, attr Attr) int {
	if v == nil {
		return 0
	}
	start, end := posOf(v.Pos), posOf(v.EndPos)
	if v.Int == nil {
		lw.errs.AddSpan(start, end, "bounds are whole numbers", "%s bound %s is not a number", attr, lw.text(v))
		return -1
	}
	n, err := strconv.ParseInt(*v.Int, 10, 64)
	for _, b := range attr.Bounds() {
		if err == nil && int64(b) == n {
			return b
		}
	}
	lw.errs.AddSpan(start, end, boundHint(attr, n, err), "%s bound %s is not one the API accepts", attr, *v.Int)
	return -1
}

// boundHint names the accepted bounds nearest to n.
func boundHint(attr Attr, n int64, err error) string {
	bounds := attr.Bounds()
	below, above := nearestBounds(bounds, n)
	switch {
	case err != nil || (below != 0 && above == 0):
		return fmt.Sprintf("the largest %s bound is %d", attr, bounds[len(bounds)-1])
	case below == 0:
		return fmt.Sprintf("the smallest %s bound is %d", attr, bounds[0])
	}
	return fmt.Sprintf("the nearest valid bounds are %d and %d", below, above)
}

// compare lowers "attr = v", "attr >= n" and "attr < n".
func (lw *lowerer) compare(c *cstCompare, attr Attr, span Span) Expr {
	if !attr.IsRange() {
		if c.Op != "=" {
			lw.errs.AddSpan(posOf(c.Pos), posOf(c.Value.Pos), compareHint(attr, c.Op), "%s does not take %s", attr, c.Op)
		}
		return lw.values([]*cstValue{c.Value}, attr, span)
	}
	r := &Range{Span: span, Attr: attr}
	switch c.Op {
	case ">=":
		r.Gte = lw.bound(c.Value, attr)
	case "<":
		r.Lt = lw.bound(c.Value, attr)
	default:
		lw.errs.AddSpan(posOf(c.Pos), posOf(c.Value.Pos), compareHint(attr, c.Op), "%s does not take %s", attr, c.Op)
	}
	return r
}

func compareHint(attr Attr, op string) string {
	if !attr.IsRange() {
		if op == "!=" {
			return fmt.Sprintf("write not %s = …", attr)
		}
		return fmt.Sprintf("write %s = … or %s in (…)", attr, attr)
	}
	b := attr.Bounds()
	switch op {
	case ">":
		return fmt.Sprintf("ranges include their lower bound: write %s >= %d", attr, b[1])
	case "<=":
		return fmt.Sprintf("ranges exclude their upper bound: write %s < %d", attr, b[1])
	}
	return fmt.Sprintf("write a range: %s[%d,%d) or %s >= %d or %s < %d", attr, b[0], b[1], attr, b[0], attr, b[1])
}

// limit lowers the limit clause.
func (lw *lowerer) limit(c *cstLimit) *Limit {
	l := &Limit{Span: spanOf(c.Pos, c.EndPos)}
	if c.Max != nil {
		start, end := posOf(c.Max.Pos), posOf(c.Max.EndPos)
		n, err := strconv.ParseInt(c.Max.Text, 10, 64)
		switch {
		case err != nil || n > 1<<31-1:
			lw.errs.AddSpan(start, end, "limit.max is a 32-bit integer: at most 2147483647", "limit %s is too large", c.Max.Text)
		case n == 0:
			lw.errs.AddSpan(start, end, "the smallest limit is 1", "limit 0 sends nothing")
		}
		l.Max = n
	}
	for _, f := range c.Flags {
		lw.limitFlag(l, f)
	}
	switch {
	case c.Max == nil && len(c.Flags) == 0:
		lw.errs.Add(l.Start, "write limit 100, limit upToRemainingQuota, or both", "empty limit clause")
	case l.ForbidPartialDelivery && !l.UpToRemainingQuota:
		lw.errs.AddSpan(l.Start, l.Stop, "add upToRemainingQuota: limit 100 upToRemainingQuota forbidPartialDelivery",
			"forbidPartialDelivery requires upToRemainingQuota")
	}
	return l
}

func (lw *lowerer) limitFlag(l *Limit, f *cstValue) {
	start, end := posOf(f.Pos), posOf(f.EndPos)
	text := lw.text(f)
	var flag *bool
	switch {
	case strings.EqualFold(text, "upToRemainingQuota"):
		flag = &l.UpToRemainingQuota
	case strings.EqualFold(text, "forbidPartialDelivery"):
		flag = &l.ForbidPartialDelivery
	case f.Int != nil:
		lw.errs.AddSpan(start, end, "the number comes first: limit 100 upToRemainingQuota", "unexpected number %s in the limit clause", text)
		return
	default:
		hint := "the options are upToRemainingQuota and forbidPartialDelivery"
		if s := didYouMean(text, []string{"upToRemainingQuota", "forbidPartialDelivery"}); s != "" {
			hint = "did you mean " + s + "?"
		}
		lw.errs.AddSpan(start, end, hint, "unknown limit option %q", text)
		return
	}
	if *flag {
		lw.errs.AddSpan(start, end, "give each option once", "duplicate limit option %s", text)
	}
	*flag = true
}
