package nctarget

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// This file is the one statement of what the API accepts in a rule's tree:
// validate walks an AST, however it was made (parsed, decompiled, built by
// hand or rewritten), and reports every node the narrowcast API would
// reject. Parse reports what the tree cannot hold (a word it does not
// know, a number no field holds, a string it cannot read) as it reads the
// source, and leaves the API's rules on what it built to validate, at the
// span of the part at fault; Decompile reads only the JSON's shape and
// reports violations at the JSON path and offset of the node's object, or
// of the key of it at fault; CompileRule runs validate before writing
// anything, so no tree it accepts can become JSON the API refuses.

// A violation is one node of a rule the API would reject.
type violation struct {
	node Node // the node at fault: an Expr, a *Limit, or a *Value of a set; nil for a nil rule
	// field is the key of the node's API object at fault ("requestId",
	// "max", "type"), or "" for the object as a whole: Decompile points at
	// that key's value, Parse at the part of the source that wrote it
	// (partSpan).
	field     string
	fault     fault
	point     bool // reported at the node's first byte alone: what is missing has no text to underline
	hint, msg string
}

// A fault is the kind of a violation. The parser, which builds a node
// after reporting what it could not put in it, says which kinds of
// violation of the node its own diagnostics already tell (parser.explain).
type fault uint8

const (
	faultWrong   fault = 1 << iota // a part holds a value the API rejects
	faultMissing                   // the node lacks what it needs: a value, a bound, a number or an option
	faultSide                      // the atom is on the other side of where

	faultAny = faultWrong | faultMissing | faultSide
)

// validate reports every node of r the API would reject, at the span of
// the part at fault (the zero position for nodes built without one).
func validate(r *Rule) ErrorList {
	var errs ErrorList
	for _, v := range violations(r) {
		errs = append(errs, v.diagnostic())
	}
	return errs
}

// diagnostic returns the error diagnostic of v, at the span of the part
// at fault.
func (v violation) diagnostic() *Diagnostic {
	pos, end := partSpan(v.node, v.field)
	if v.point {
		end = pos
	}
	return &Diagnostic{Pos: pos, End: end, Msg: v.msg, Hint: v.hint}
}

// partSpan returns the span of the source that wrote the value of key
// field in n's API object: the id of audience(…) or redelivery(…), a
// range's bound, the number of a limit clause. It returns n's own span
// for any other key, and when the parser recorded none (a node decompiled
// or built by hand).
func partSpan(n Node, field string) (pos, end Pos) {
	var at part
	switch x := n.(type) {
	case nil:
		return Pos{}, Pos{}
	case *Audience:
		if field == "audienceGroupId" {
			at = x.arg
		}
	case *Redelivery:
		if field == "requestId" {
			at = x.arg
		}
	case *Range:
		switch field {
		case "gte":
			at = x.gte
		case "lt":
			at = x.lt
		}
	case *Limit:
		if field == "max" {
			at = x.max
		}
	}
	if pos, end, ok := at.span(n.Pos().Filename); ok {
		return pos, end
	}
	return n.Pos(), n.End()
}

// violations returns every node of r the API would reject, in tree order.
func violations(r *Rule) []violation { return (&validator{}).rule(r) }

// rule returns the violations of r.
func (v *validator) rule(r *Rule) []violation {
	if r == nil {
		v.errorf(nil, "", "give a rule: Parse or Decompile returns one", "nil rule")
		return v.found
	}
	v.expr(r.Recipient, recipientExpr)
	v.expr(r.Filter, filterExpr)
	if r.Limit != nil {
		v.limit(r.Limit)
	}
	return v.found
}

// validator collects the violations validate finds.
type validator struct {
	found []violation
	// explained holds the kinds of violation of each node that are not
	// to be reported: the parser's (parser.explain), whose diagnostics
	// tell them already. A node explained of every kind is a placeholder
	// for an atom in error, with nothing to check.
	explained map[Node]fault
	// until, when valid, is where the parser stopped at maxErrors: the
	// atoms from there on are placeholders, and not checked.
	until Pos
}

// errorf records a part of n that holds a value the API rejects.
func (v *validator) errorf(n Node, field, hint, format string, args ...any) {
	v.report(violation{node: n, field: field, fault: faultWrong, hint: hint}, format, args...)
}

// report records violation x, its message formatted from format and args,
// unless x is of a kind explained for its node.
func (v *validator) report(x violation, format string, args ...any) {
	if v.explained[x.node]&x.fault != 0 {
		return
	}
	x.msg = fmt.Sprintf(format, args...)
	v.found = append(v.found, x)
}

// expr checks an expression on the given side of where.
func (v *validator) expr(e Expr, kind exprKind) {
	if e != nil && (v.explained != nil && v.explained[e] == faultAny || v.until.IsValid() && e.Pos().Offset >= v.until.Offset) {
		return
	}
	switch x := e.(type) {
	case nil:
	case *Operator:
		switch {
		case x.Op != OpAnd && x.Op != OpOr:
			v.errorf(x, "", "an operator is OpAnd or OpOr", "operator %d is neither and nor or", x.Op)
		case len(x.Args) == 0:
			v.errorf(x, x.Op.String(), "give at least one operand, or remove the operator", `%q operator without operands`, x.Op)
		}
		for _, a := range x.Args {
			if a == nil {
				v.errorf(x, "", "remove the nil operand", "nil operand of %q", x.Op)
				continue
			}
			v.expr(a, kind)
		}
	case *Not:
		if x.X == nil {
			v.errorf(x, "not", "give the expression not negates", "not without an operand")
			return
		}
		v.expr(x.X, kind)
	case *Audience, *Redelivery:
		if kind == filterExpr {
			v.report(violation{node: x, field: "type", fault: faultSide, hint: "move it into the recipient expression"},
				"%s is a recipient, but this is the demographic filter", x)
		}
		v.recipient(x)
	case *Set, *Range:
		if kind == recipientExpr {
			v.report(violation{node: x, field: "type", fault: faultSide, hint: "move it into the filter (where …)"},
				"%s is a demographic atom, but this is the recipient expression", x)
		}
		v.demographic(x)
	default:
		v.errorf(e, "", "build expressions from the node types of ast.go", "unknown expression type %T", e)
	}
}

// recipient checks an audience or a redelivery.
func (v *validator) recipient(e Expr) {
	switch x := e.(type) {
	case *Audience:
		switch {
		case x.ID < 0:
			hint, msg := audienceIDFault(strconv.FormatInt(x.ID, 10))
			v.errorf(x, "audienceGroupId", hint, "%s", msg)
		case x.ID == 0 && x.Name == "":
			v.report(violation{node: x, field: "audienceGroupId", fault: faultMissing,
				hint: "give the audience's id, or a name to resolve through a catalog"}, "audience without an id or a name")
		}
	case *Redelivery:
		if !isUUID(x.RequestID) {
			v.errorf(x, "requestId", `a request id is the X-Line-Request-Id of a narrowcast, a UUID: redelivery("5b59509c-c57b-11e9-aa8c-2a2ae2dbcce4")`,
				"redelivery request id %q is not a UUID", x.RequestID)
		}
	}
}

// demographic checks a set or a range atom.
func (v *validator) demographic(e Expr) {
	switch x := e.(type) {
	case *Set:
		if !slices.Contains([]Attr{AttrGender, AttrAppType, AttrArea}, x.Attr) {
			v.errorf(x, "type", "a set tests gender, appType or area", "%s is not a set attribute", x.Attr)
			return
		}
		if len(x.Values) == 0 {
			v.report(violation{node: x, field: "oneOf", fault: faultMissing,
				hint: "an empty set matches nobody; list at least one value, or remove the condition"}, "empty value list for %s", x.Attr)
		}
		for i := range x.Values {
			if _, ok := x.Attr.CodeIndex(x.Values[i].Code); !ok {
				code := x.Values[i].Code
				v.errorf(&x.Values[i], "", unknownCodeHint(x.Attr, code), "unknown %s code %q", x.Attr, code)
			}
		}
	case *Range:
		if !x.Attr.IsRange() {
			v.errorf(x, "type", "a range tests age or subscriptionPeriod", "%s is not a range attribute", x.Attr)
			return
		}
		accepted := true // both bounds are the API's, so whether the range is empty is worth saying
		for _, b := range []struct {
			field string
			bound int
		}{{"gte", x.Gte}, {"lt", x.Lt}} {
			if b.bound != 0 && !slices.Contains(x.Attr.Bounds(), b.bound) {
				accepted = false
				hint, msg := boundFault(x.Attr, strconv.Itoa(b.bound), int64(b.bound), nil)
				v.errorf(x, b.field, hint, "%s", msg)
			}
		}
		switch {
		case x.Gte == 0 && x.Lt == 0:
			v.report(violation{node: x, fault: faultMissing, hint: fmt.Sprintf("give at least one bound: %s[%d,)", x.Attr, x.Attr.Bounds()[0])},
				"%s range without bounds", x.Attr)
		case accepted && x.Gte > 0 && x.Lt > 0 && x.Gte >= x.Lt:
			v.errorf(x, "", "the lower bound must be less than the upper bound", "empty range %s matches nobody", x)
		}
	}
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

// unknownCodeHint says what to write instead of a code the API does not
// take for a: the code of the value named (Female is female, tokyo is
// jp_13), the code meant, or the codes there are.
func unknownCodeHint(a Attr, code string) string {
	if c, ok := lookupCode(a, code); ok {
		return "the API takes the code: " + strconv.Quote(c)
	}
	if s := didYouMean(code, a.Codes()); s != "" {
		return "did you mean " + strconv.Quote(s) + "?"
	}
	if a == AttrArea {
		return "areas are codes such as jp_13, tw_01, th_01, id_06"
	}
	return oneOfHint(a)
}

// oneOfHint lists the codes of a set attribute: "gender is one of male,
// female".
func oneOfHint(a Attr) string {
	return fmt.Sprintf("%s is one of %s", a, strings.Join(a.Codes(), ", "))
}

// audienceIDFault says what is wrong with audience group id id (0,
// negative, or past 64 bits), which the parser reports of a number no
// tree holds and validate of the tree's.
func audienceIDFault(id string) (hint, msg string) {
	return "audience group ids are positive 64-bit integers; check the id in LINE Official Account Manager",
		"audience group id " + id + " is out of range"
}

// boundFault says what is wrong with a range bound of a the API does
// not accept: bound as written, its value n, and err when it is past 64
// bits. The parser reports a bound no tree holds (0, or past 64 bits),
// validate the tree's.
func boundFault(a Attr, bound string, n int64, err error) (hint, msg string) {
	return boundHint(a, n, err), a.String() + " bound " + bound + " is not one the API accepts"
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

// limitFault says what is wrong with a limit.max, written max, past the
// 32 bits the API takes: the parser reports a number no tree holds (past
// 64 bits), validate the tree's.
func limitFault(max string) (hint, msg string) {
	return "limit.max is a 32-bit integer: at most 2147483647", "limit " + max + " is out of range"
}

// limit checks the limit clause.
func (v *validator) limit(l *Limit) {
	switch {
	case l.Max < 0 || l.Max > 1<<31-1:
		hint, msg := limitFault(strconv.FormatInt(l.Max, 10))
		v.errorf(l, "max", hint, "%s", msg)
	case l.Max == 0 && !l.UpToRemainingQuota && !l.ForbidPartialDelivery:
		v.report(violation{node: l, fault: faultMissing, point: true, hint: "write limit 100, limit upToRemainingQuota, or both"}, "empty limit clause")
	}
	if l.ForbidPartialDelivery && !l.UpToRemainingQuota {
		v.errorf(l, "forbidPartialDelivery", "add upToRemainingQuota: limit 100 upToRemainingQuota forbidPartialDelivery", "forbidPartialDelivery requires upToRemainingQuota")
	}
}
