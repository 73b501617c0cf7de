package nctarget

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// This file parses atoms and the limit clause, and checks each against the
// values the API accepts (enums.go) as it builds its AST node,
// collecting every error it finds. An atom's syntax is read first, into an
// atomSyntax, so that its checks see the whole atom and its span.

// atomSyntax is an atom as written: a name followed by call arguments
// (audience(…)), a value list (gender in (…)), a range (age[20,25)) or a
// comparison (age >= 20).
type atomSyntax struct {
	name    token
	form    atomForm
	not     bool    // "not in"
	values  []token // the arguments, the listed values or the compared value
	op      token   // the comparison operator
	gte, lt token   // the range bounds; tokenEOF when left out
	close   token   // the bracket closing a range
}

// atomForm is which of the four forms an atom has.
type atomForm int

const (
	formCall atomForm = iota
	formIn
	formRange
	formCompare
)

// compareOps are the comparison operators an atom may be written with,
// including those the language lacks (>, <=, ==, !=), so the check can say
// which form to use instead.
var compareOps = map[string]bool{">=": true, "<=": true, "==": true, "!=": true, "=": true, ">": true, "<": true}

// atom parses one atom and builds its node.
func (p *parser) atom(kind exprKind) Expr {
	if p.peek().Type != tokenIdent {
		p.unexpected()
	}
	a := &atomSyntax{name: p.next()}
	switch t := p.peek(); {
	case p.is("("):
		a.form = formCall
		p.next()
		p.list = "call"
		if !p.is(")") {
			p.valueList(a, false)
		}
		p.expect(")")
	case p.is("not") || p.is("in"):
		a.form = formIn
		a.not = p.accept("not")
		p.expect("in")
		p.expect("(")
		p.list = "in"
		if !p.is(")") {
			p.valueList(a, true)
		}
		p.expect(")")
	case p.is("["):
		a.form = formRange
		p.next()
		p.list = "range"
		a.gte = p.optionalValue()
		p.expect(",")
		a.lt = p.optionalValue()
		if !p.is(")") && !p.is("]") {
			p.unexpected()
		}
		a.close = p.next()
	case t.Type == tokenPunct && compareOps[t.Value]:
		a.form = formCompare
		a.op = p.next()
		a.values = []token{p.value()}
	default:
		p.afterName(a.name)
	}
	p.list = ""
	return p.build(a, Span{pos: a.name.Pos, end: p.end()}, kind)
}

// valueList parses "v, v, …" into a.values, with a trailing comma when
// trailing is set.
func (p *parser) valueList(a *atomSyntax, trailing bool) {
	for {
		a.values = append(a.values, p.value())
		if !p.accept(",") || trailing && p.is(")") {
			return
		}
	}
}

// isValue reports whether t can be a value: a name, a number or a string.
func isValue(t token) bool {
	return t.Type == tokenIdent || t.Type == tokenInt || t.Type == tokenString
}

// value parses an identifier, a whole number or a string.
func (p *parser) value() token {
	if !isValue(p.peek()) {
		p.unexpected()
	}
	return p.next()
}

// optionalValue parses a value when one comes next, or returns a tokenEOF
// token, consuming nothing.
func (p *parser) optionalValue() token {
	if !isValue(p.peek()) {
		return token{}
	}
	return p.next()
}

// build checks an atom and builds its node, returning a placeholder node
// after an error so parsing can go on and report the rule's other problems
// too. The not of "attr not in (…)" wraps whatever node the atom became,
// placeholders included, so the tree keeps the not the grammar describes
// (and fmt, which formats rules with errors, keeps it too).
func (p *parser) build(a *atomSyntax, span Span, kind exprKind) Expr {
	x := p.buildAtom(a, span, kind)
	if a.not {
		return &Not{Span: span, X: x}
	}
	return x
}

// buildAtom builds the node of an atom without the not of "not in".
func (p *parser) buildAtom(a *atomSyntax, span Span, kind exprKind) Expr {
	p.atoms++
	if p.atoms == p.limits.MaxAtoms+1 {
		p.errs.add(span.Pos(), "split the rule"+byProgram("MaxAtoms"), "too many atoms (limit %d)", p.limits.MaxAtoms)
	}
	if p.full(span.Pos()) {
		return &Set{Span: span}
	}
	name := strings.ToLower(a.name.Value)
	if a.form == formCall {
		return p.call(a, span, name, kind)
	}
	attr, ok := attrByName[name]
	if !ok {
		p.unknownAttr(a.name, span)
		return &Set{Span: span}
	}
	if kind == recipientExpr {
		p.errs.addSpan(span.Pos(), span.End(), "begin the demographic filter with where: … where "+attr.String()+" …",
			"%s is a demographic attribute, but this is the recipient expression", attr)
	}
	switch a.form {
	case formIn:
		return p.in(a, attr, span)
	case formRange:
		return p.rangeAtom(a, attr, span)
	default:
		return p.compare(a, attr, span)
	}
}

// full reports whether the parser has collected maxErrors diagnostics; the
// first time it has, it adds one more at pos saying it stopped there.
func (p *parser) full(pos Pos) bool {
	if len(p.errs) < maxErrors {
		return false
	}
	if !p.stopped {
		p.stopped = true
		p.errs.add(pos, "fix these and run again", "too many errors; stopped after %d", maxErrors)
	}
	return true
}

func (p *parser) unknownAttr(name token, span Span) {
	names := []string{"gender", "age", "appType", "area", "subscriptionPeriod"}
	hint := "the attributes are gender, age, appType, area and subscriptionPeriod"
	if h := suggest(name.Value, names); h != "" {
		hint = h
	}
	p.errs.addSpan(span.Pos(), name.End(), hint, "unknown attribute %q", name.Value)
}

// call builds audience(…) and redelivery(…).
func (p *parser) call(a *atomSyntax, span Span, name string, kind exprKind) Expr {
	if name != "audience" && name != "redelivery" {
		hint := "recipients are audience(id) and redelivery(\"requestId\")"
		if _, ok := attrByName[name]; ok {
			hint = "write " + name + " in (…) or a range, after where"
		} else if h := suggest(name, []string{"audience", "redelivery"}); h != "" {
			hint = h
		}
		p.errs.addSpan(span.Pos(), span.End(), hint, "unknown recipient %q", a.name.Value)
		return &Audience{Span: span}
	}
	if kind == filterExpr {
		p.errs.addSpan(span.Pos(), span.End(), "move it before where, into the recipient expression",
			"%s(…) is a recipient, but this is the demographic filter after where", name)
	}
	args := a.values
	if len(args) != 1 {
		p.errs.addSpan(span.Pos(), span.End(), fmt.Sprintf("write one %[1]s per call and combine them: %[1]s(a) or %[1]s(b)", name),
			"%s takes exactly one argument, got %d", name, len(args))
		return &Audience{Span: span}
	}
	if name == "redelivery" {
		return p.redelivery(args[0], span)
	}
	return p.audience(args[0], span)
}

func (p *parser) audience(v token, span Span) Expr {
	a := &Audience{Span: span}
	switch {
	case v.Type == tokenInt:
		id, err := strconv.ParseInt(v.Value, 10, 64)
		if err != nil || id == 0 {
			p.errs.addSpan(v.Pos, v.End(), "audience group ids are positive 64-bit integers; check the id in LINE Official Account Manager",
				"audience group id %s is out of range", v.Value)
		}
		a.ID = id
	case v.Type == tokenString:
		n := len(p.errs)
		if a.Name = p.unquote(v); len(p.errs) > n {
			a.Name = "" // reported; not a name to look up in the catalog
			return a
		}
	default:
		a.Name = v.Value
	}
	if v.Type != tokenInt && a.Name == "" {
		p.errs.addSpan(v.Pos, v.End(), "give the audience's catalog name or its id", "empty audience name")
	}
	return a
}

func (p *parser) redelivery(v token, span Span) Expr {
	r := &Redelivery{Span: span}
	switch {
	case v.Type == tokenString:
		r.RequestID = p.unquote(v)
	case v.Type == tokenIdent:
		r.RequestID = v.Value
	default:
		r.RequestID = v.Value
	}
	if !isUUID(r.RequestID) {
		p.errs.addSpan(v.Pos, v.End(), `a request id is the X-Line-Request-Id of a narrowcast, a UUID: redelivery("5b59509c-c57b-11e9-aa8c-2a2ae2dbcce4")`,
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

func (p *parser) unquote(v token) string {
	s, err := strconv.Unquote(v.Value)
	if err != nil {
		p.errs.addSpan(v.Pos, v.End(), `use Go string escapes: \" \\ \n \u00e9`, "malformed string %s", v.Value)
		return strings.Trim(v.Value, `"`)
	}
	return s
}

// text returns what a value says, whatever its token type.
func (p *parser) text(v token) string {
	switch {
	case v.Type == tokenIdent:
		return v.Value
	case v.Type == tokenInt:
		return v.Value
	}
	return p.unquote(v)
}

// in builds the set of "attr in (…)" and "attr not in (…)".
func (p *parser) in(a *atomSyntax, attr Attr, span Span) Expr {
	if attr.IsRange() {
		p.errs.addSpan(span.Pos(), span.End(), fmt.Sprintf("write a range: %s[%d,%d)", attr, attr.Bounds()[1], attr.Bounds()[2]),
			"%s takes a range, not a list of values", attr)
		return &Range{Span: span, Attr: attr}
	}
	return p.values(a.values, attr, span)
}

// values builds the value list of a set atom.
func (p *parser) values(vals []token, attr Attr, span Span) *Set {
	set := &Set{Span: span, Attr: attr}
	switch {
	case len(vals) == 0:
		p.errs.addSpan(span.Pos(), span.End(), "an empty set matches nobody; list at least one value, or remove the condition",
			"empty value list for %s", attr)
	case len(vals) > p.limits.MaxValues:
		p.errs.addSpan(span.Pos(), span.End(), "split the list"+byProgram("MaxValues"),
			"%d values, over the limit of %d", len(vals), p.limits.MaxValues)
		return set
	}
	for _, v := range vals {
		if p.full(v.Pos) {
			break
		}
		text := p.text(v)
		code, ok := lookupCode(attr, text)
		if !ok {
			p.unknownValue(v, attr, text)
			continue
		}
		set.Values = append(set.Values, Value{Span: Span{pos: v.Pos, end: v.End()}, Code: code, Text: text})
	}
	return set
}

func (p *parser) unknownValue(v token, attr Attr, text string) {
	hint := fmt.Sprintf("%s is one of %s", attr, strings.Join(attr.Codes(), ", "))
	if attr == AttrArea {
		hint = "areas are codes such as jp_13 or official region names such as tokyo, taipei_city, bangkok, makassar"
	}
	if h := suggest(text, valueNames(attr)); h != "" {
		hint = h
	}
	p.errs.addSpan(v.Pos, v.End(), hint, "unknown %s %q", attr, text)
}

// rangeAtom builds attr[gte,lt).
func (p *parser) rangeAtom(a *atomSyntax, attr Attr, span Span) Expr {
	r := &Range{Span: span, Attr: attr}
	if !attr.IsRange() {
		p.errs.addSpan(span.Pos(), span.End(), fmt.Sprintf("write %s in (%s)", attr, attr.Codes()[0]),
			"%s takes a list of values, not a range", attr)
		return r
	}
	if a.close.Value == "]" {
		p.errs.add(a.close.Pos, "ranges are half-open [gte,lt): close them with )", "range closed with ]")
	}
	r.Gte = p.bound(a.gte, attr)
	r.Lt = p.bound(a.lt, attr)
	p.checkRange(r, span)
	return r
}

// checkRange reports a range with no bound or with nothing in it.
func (p *parser) checkRange(r *Range, span Span) {
	switch {
	case r.Gte == 0 && r.Lt == 0:
		p.errs.addSpan(span.Pos(), span.End(), fmt.Sprintf("give at least one bound: %s[%d,)", r.Attr, r.Attr.Bounds()[0]),
			"%s range without bounds", r.Attr)
	case r.Gte > 0 && r.Lt > 0 && r.Gte >= r.Lt:
		p.errs.addSpan(span.Pos(), span.End(), "the lower bound must be less than the upper bound",
			"empty range %s matches nobody", r)
	}
}

// bound builds one range bound, which must be a value the API accepts.
// It returns 0 for an absent or invalid bound.
func (p *parser) bound(v token, attr Attr) int {
	if v.Type == tokenEOF {
		return 0
	}
	start, end := v.Pos, v.End()
	if v.Type != tokenInt {
		p.errs.addSpan(start, end, "bounds are whole numbers", "%s bound %s is not a number", attr, p.text(v))
		return -1
	}
	n, err := strconv.ParseInt(v.Value, 10, 64)
	for _, b := range attr.Bounds() {
		if err == nil && int64(b) == n {
			return b
		}
	}
	p.errs.addSpan(start, end, boundHint(attr, n, err), "%s bound %s is not one the API accepts", attr, v.Value)
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

// compare builds "attr = v", "attr >= n" and "attr < n".
func (p *parser) compare(a *atomSyntax, attr Attr, span Span) Expr {
	op, value := a.op, a.values[0]
	if !attr.IsRange() {
		if op.Value != "=" {
			p.errs.addSpan(op.Pos, op.End(), compareHint(attr, op.Value, value), "%s does not take %s", attr, op.Value)
		}
		return p.values(a.values, attr, span)
	}
	r := &Range{Span: span, Attr: attr}
	switch op.Value {
	case ">=":
		r.Gte = p.bound(value, attr)
	case "<":
		r.Lt = p.bound(value, attr)
	default:
		p.errs.addSpan(op.Pos, op.End(), compareHint(attr, op.Value, value), "%s does not take %s", attr, op.Value)
	}
	return r
}

// compareHint says what to write instead of a comparison the language
// lacks, without changing what the rule means: age > 20 is age >= 21, which
// no bound expresses, so the hint offers the bounds on either side and
// says which ages each includes.
func compareHint(attr Attr, op string, value token) string {
	if !attr.IsRange() {
		if op == "!=" {
			return fmt.Sprintf("write not %s = …", attr)
		}
		return fmt.Sprintf("write %s = … or %s in (…)", attr, attr)
	}
	b := attr.Bounds()
	n, err := strconv.Atoi(value.Value)
	if value.Type != tokenInt || err != nil || (op != ">" && op != "<=") {
		return fmt.Sprintf("write a range: %s[%d,%d) or %s >= %d or %s < %d", attr, b[0], b[1], attr, b[0], attr, b[1])
	}
	// Both operators split the numbers after n: > keeps those above it,
	// <= those up to it. The bounds around n+1 say where the API can split.
	below, above := nearestBounds(b, int64(n+1))
	if slices.Contains(b, n+1) {
		below, above = n+1, n+1
	}
	cmp, unit := ">=", attr.values(">=", n+1)
	if op == "<=" {
		cmp, unit = "<", attr.values("<", n+1)
	}
	var options []string
	for _, bound := range []int{above, below} {
		if bound != 0 && (len(options) == 0 || bound != above) {
			options = append(options, fmt.Sprintf("write %s %s %d (%s)", attr, cmp, bound, attr.values(cmp, bound)))
		}
	}
	switch {
	case len(options) == 0:
		return fmt.Sprintf("write a range: %s[%d,%d)", attr, b[0], b[1])
	case below == above:
		return fmt.Sprintf("%s %s %d is %s %s %d: write %s %s %d", attr, op, n, attr, cmp, n+1, attr, cmp, n+1)
	}
	return fmt.Sprintf("%s %s %d means %s, which no %s bound expresses (the bounds are %s): %s",
		attr, op, n, unit, attr, joinInts(b), strings.Join(options, " or "))
}

// values describes the values of a range attribute that "a cmp n" keeps:
// "ages from 25", "friends for fewer than 30 days".
func (a Attr) values(cmp string, n int) string {
	switch {
	case a == AttrAge && cmp == ">=":
		return fmt.Sprintf("ages from %d", n)
	case a == AttrAge:
		return fmt.Sprintf("ages up to %d", n-1)
	case cmp == ">=":
		return fmt.Sprintf("friends for %d days or more", n)
	}
	return fmt.Sprintf("friends for fewer than %d days", n)
}

// joinInts lists numbers separated by commas.
func joinInts(ns []int) string {
	s := make([]string, len(ns))
	for i, n := range ns {
		s[i] = strconv.Itoa(n)
	}
	return strings.Join(s, ", ")
}

// limit parses the limit clause: "limit", an optional number, then
// options.
func (p *parser) limit() *Limit {
	l := &Limit{}
	l.pos = p.expect("limit").Pos
	var max token
	if p.peek().Type == tokenInt {
		max = p.next()
	}
	var flags []token
	for isValue(p.peek()) {
		flags = append(flags, p.next())
	}
	l.end = p.end()
	if max.Type == tokenInt {
		n, err := strconv.ParseInt(max.Value, 10, 64)
		switch {
		case err != nil || n > 1<<31-1:
			p.errs.addSpan(max.Pos, max.End(), "limit.max is a 32-bit integer: at most 2147483647", "limit %s is too large", max.Value)
		case n == 0:
			p.errs.addSpan(max.Pos, max.End(), "the smallest limit is 1", "limit 0 sends nothing")
		}
		l.Max = n
	}
	for _, f := range flags {
		p.limitFlag(l, f)
	}
	switch {
	case max.Type != tokenInt && len(flags) == 0:
		p.errs.add(l.Pos(), "write limit 100, limit upToRemainingQuota, or both", "empty limit clause")
	case l.ForbidPartialDelivery && !l.UpToRemainingQuota:
		p.errs.addSpan(l.Pos(), l.End(), "add upToRemainingQuota: limit 100 upToRemainingQuota forbidPartialDelivery",
			"forbidPartialDelivery requires upToRemainingQuota")
	}
	return l
}

func (p *parser) limitFlag(l *Limit, f token) {
	start, end := f.Pos, f.End()
	text := p.text(f)
	var flag *bool
	switch {
	case strings.EqualFold(text, "upToRemainingQuota"):
		flag = &l.UpToRemainingQuota
	case strings.EqualFold(text, "forbidPartialDelivery"):
		flag = &l.ForbidPartialDelivery
	case f.Type == tokenInt:
		p.errs.addSpan(start, end, "the number comes first: limit 100 upToRemainingQuota", "unexpected number %s in the limit clause", text)
		return
	default:
		hint := "the options are upToRemainingQuota and forbidPartialDelivery"
		if h := suggest(text, []string{"upToRemainingQuota", "forbidPartialDelivery"}); h != "" {
			hint = h
		}
		p.errs.addSpan(start, end, hint, "unknown limit option %q", text)
		return
	}
	if *flag {
		p.errs.addSpan(start, end, "give each option once", "duplicate limit option %s", text)
	}
	*flag = true
}
