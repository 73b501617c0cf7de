package nctarget

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// This file parses atoms and the limit clause and builds their AST nodes,
// reporting what a node cannot hold: a name or word it does not know, a
// value that is not a number, a number no field holds, a string it cannot
// read. Whether what the node holds is what the API accepts is validate's
// to say (validate.go), after the parse. An atom's syntax is read first,
// into an atomSyntax, so that its checks see the whole atom and its span.

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

// build builds the node of an atom, returning a placeholder node after an
// error so parsing can go on and report the rule's other problems too.
// The not of "attr not in (…)" wraps whatever node the atom became,
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
		return &Set{Span: span} // past p.stop, where validate checks nothing
	}
	name := strings.ToLower(a.name.Value)
	if a.form == formCall {
		return p.call(a, span, name, kind)
	}
	attr, ok := attrByName[name]
	if !ok {
		p.unknownAttr(a.name, span)
		return p.placeholder(&Set{Span: span})
	}
	wrongSide := kind == recipientExpr
	if wrongSide {
		p.errs.addSpan(span.Pos(), span.End(), "begin the demographic filter with where: … where "+attr.String()+" …",
			"%s is a demographic attribute, but this is the recipient expression", attr)
	}
	var x Expr
	switch a.form {
	case formIn:
		x = p.in(a, attr, span)
	case formRange:
		x = p.rangeAtom(a, attr, span)
	default:
		x = p.compare(a, attr, span)
	}
	if wrongSide {
		p.explain(x, faultSide)
	}
	return x
}

// placeholder returns x, the node of an atom in error that holds nothing
// of it, for which validate has nothing to add.
func (p *parser) placeholder(x Expr) Expr {
	p.explain(x, faultAny)
	return x
}

// full reports whether the parser has collected maxErrors diagnostics; the
// first time it has, it adds one more at pos saying it stopped there.
func (p *parser) full(pos Pos) bool {
	if len(p.errs) < maxErrors {
		return false
	}
	if !p.stop.IsValid() {
		p.stop = pos
		p.errs.add(pos, stoppedHint, "%s", stoppedMsg)
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
		return p.placeholder(&Audience{Span: span})
	}
	wrongSide := kind == filterExpr
	if wrongSide {
		p.errs.addSpan(span.Pos(), span.End(), "move it before where, into the recipient expression",
			"%s(…) is a recipient, but this is the demographic filter after where", name)
	}
	args := a.values
	if len(args) != 1 {
		p.errs.addSpan(span.Pos(), span.End(), fmt.Sprintf("write one %[1]s per call and combine them: %[1]s(a) or %[1]s(b)", name),
			"%s takes exactly one argument, got %d", name, len(args))
		return p.placeholder(&Audience{Span: span})
	}
	var x Expr
	if name == "redelivery" {
		x = p.redelivery(args[0], span)
	} else {
		x = p.audience(args[0], span)
	}
	if wrongSide {
		p.explain(x, faultSide)
	}
	return x
}

// audience builds audience(v). An id of 0 or past 64 bits, an empty name
// and a malformed string are reported here, for no tree holds them (an
// audience of ID 0 and no Name has no id at all).
func (p *parser) audience(v token, span Span) Expr {
	a := &Audience{Span: span, arg: partOf(v)}
	switch {
	case v.Type == tokenInt:
		id, err := strconv.ParseInt(v.Value, 10, 64)
		if err != nil || id == 0 {
			hint, msg := audienceIDFault(v.Value)
			p.errs.addSpan(v.Pos, v.End(), hint, "%s", msg)
			p.explain(a, faultAny)
		}
		a.ID = id
	case v.Type == tokenString:
		n := len(p.errs)
		if a.Name = p.unquote(v); len(p.errs) > n {
			a.Name = "" // reported; not a name to look up in the catalog
			return p.placeholder(a)
		}
	default:
		a.Name = v.Value
	}
	if v.Type != tokenInt && a.Name == "" {
		p.errs.addSpan(v.Pos, v.End(), "give the audience's catalog name or its id", "empty audience name")
		p.explain(a, faultAny)
	}
	return a
}

// redelivery builds redelivery(v); validate says whether its request id
// is a UUID.
func (p *parser) redelivery(v token, span Span) Expr {
	r := &Redelivery{Span: span, arg: partOf(v)}
	if v.Type == tokenString {
		r.RequestID = p.unquote(v)
	} else {
		r.RequestID = v.Value
	}
	return r
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
		return p.placeholder(&Range{Span: span, Attr: attr})
	}
	return p.values(a.values, attr, span)
}

// values builds the value list of a set atom: each value written, a
// name (tokyo) or a code (jp_13) in any case, becomes its code. A value
// that is neither is reported and left out.
func (p *parser) values(vals []token, attr Attr, span Span) *Set {
	set := &Set{Span: span, Attr: attr}
	if len(vals) > p.limits.MaxValues {
		p.errs.addSpan(span.Pos(), span.End(), "split the list"+byProgram("MaxValues"),
			"%d values, over the limit of %d", len(vals), p.limits.MaxValues)
		p.explain(set, faultAny)
		return set
	}
	for _, v := range vals {
		if p.full(v.Pos) {
			p.explain(set, faultMissing)
			break
		}
		text := p.text(v)
		code, ok := lookupCode(attr, text)
		if !ok {
			p.unknownValue(v, attr, text)
			p.explain(set, faultMissing)
			continue
		}
		set.Values = append(set.Values, Value{Span: Span{pos: v.Pos, end: v.End()}, Code: code, Text: text})
	}
	return set
}

func (p *parser) unknownValue(v token, attr Attr, text string) {
	hint := oneOfHint(attr)
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
		return p.placeholder(r)
	}
	if a.close.Value == "]" {
		p.errs.add(a.close.Pos, "ranges are half-open [gte,lt): close them with )", "range closed with ]")
	}
	r.Gte, r.gte = p.bound(r, a.gte)
	r.Lt, r.lt = p.bound(r, a.lt)
	return r
}

// bound builds one bound of range r, and its place: 0 and none for an
// absent bound, or for one no bound of a tree holds (not a number, 0,
// past 64 bits), which it reports. Whether the API accepts it is
// validate's to say.
func (p *parser) bound(r *Range, v token) (int, part) {
	if v.Type == tokenEOF {
		return 0, part{}
	}
	if v.Type != tokenInt {
		p.errs.addSpan(v.Pos, v.End(), "bounds are whole numbers", "%s bound %s is not a number", r.Attr, p.text(v))
		p.explain(r, faultMissing)
		return 0, part{}
	}
	n, err := strconv.Atoi(v.Value)
	if err != nil || n == 0 { // a bound of 0 is an open one
		hint, msg := boundFault(r.Attr, v.Value, int64(n), err)
		p.errs.addSpan(v.Pos, v.End(), hint, "%s", msg)
		p.explain(r, faultMissing)
		return 0, part{}
	}
	return n, partOf(v)
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
		r.Gte, r.gte = p.bound(r, value)
	case "<":
		r.Lt, r.lt = p.bound(r, value)
	default:
		p.errs.addSpan(op.Pos, op.End(), compareHint(attr, op.Value, value), "%s does not take %s", attr, op.Value)
		p.explain(r, faultMissing)
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
// options. A number no tree's Max holds (0, which is a clause without a
// number, or past 64 bits) and a word that is no option are reported
// here; the API's rules on the clause are validate's.
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
		l.max = partOf(max)
		n, err := strconv.ParseInt(max.Value, 10, 64)
		switch {
		case err != nil:
			hint, msg := limitFault(max.Value)
			p.errs.addSpan(max.Pos, max.End(), hint, "%s", msg)
			p.explain(l, faultMissing)
		case n == 0:
			p.errs.addSpan(max.Pos, max.End(), "the smallest limit is 1", "limit 0 sends nothing")
			p.explain(l, faultMissing)
		default:
			l.Max = n
		}
	}
	for _, f := range flags {
		p.limitFlag(l, f)
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
		p.explain(l, faultMissing)
		return
	default:
		hint := "the options are upToRemainingQuota and forbidPartialDelivery"
		if h := suggest(text, []string{"upToRemainingQuota", "forbidPartialDelivery"}); h != "" {
			hint = h
		}
		p.errs.addSpan(start, end, hint, "unknown limit option %q", text)
		p.explain(l, faultMissing)
		return
	}
	if *flag {
		p.errs.addSpan(start, end, "give each option once", "duplicate limit option %s", text)
	}
	*flag = true
}
