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
// reject. Parse checks its input as it reads it, with messages about what
// was written, and runs validate on what it builds; Decompile reads only
// the JSON's shape and leaves the API's rules to violations, each reported
// at the JSON path and offset of the node's object, or of the key of it
// at fault; CompileRule runs validate before writing anything, so no tree
// it accepts can become JSON the API refuses.

// A violation is one node of a rule the API would reject.
type violation struct {
	node Node // the node at fault: an Expr, a *Limit, or a *Value of a set; nil for a nil rule
	// field is the key of the node's API object at fault ("requestId",
	// "max", "type"), or "" for the object as a whole: Decompile points at
	// that key's value.
	field     string
	hint, msg string
}

// validate reports every node of r the API would reject, at the node's
// span (the zero position for nodes built without one).
func validate(r *Rule) ErrorList {
	var errs ErrorList
	for _, v := range violations(r) {
		var pos, end Pos
		if v.node != nil {
			pos, end = v.node.Pos(), v.node.End()
		}
		errs = append(errs, &Diagnostic{Pos: pos, End: end, Msg: v.msg, Hint: v.hint})
	}
	return errs
}

// violations returns every node of r the API would reject, in tree order.
func violations(r *Rule) []violation {
	v := &validator{}
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
type validator struct{ found []violation }

func (v *validator) errorf(n Node, field, hint, format string, args ...any) {
	v.found = append(v.found, violation{node: n, field: field, hint: hint, msg: fmt.Sprintf(format, args...)})
}

// expr checks an expression on the given side of where.
func (v *validator) expr(e Expr, kind exprKind) {
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
			v.errorf(x, "type", "move it into the recipient expression", "%s is a recipient, but this is the demographic filter", x)
			return
		}
		v.recipient(x)
	case *Set, *Range:
		if kind == recipientExpr {
			v.errorf(x, "type", "move it into the filter (where …)", "%s is a demographic atom, but this is the recipient expression", x)
			return
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
			v.errorf(x, "audienceGroupId", "audience group ids are positive 64-bit integers", "audience group id %d is out of range", x.ID)
		case x.ID == 0 && x.Name == "":
			v.errorf(x, "audienceGroupId", "give the audience's id, or a name to resolve through a catalog", "audience without an id or a name")
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
			v.errorf(x, "oneOf", "an empty set matches nobody; list at least one value, or remove the condition", "empty value list for %s", x.Attr)
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
		for _, b := range []struct {
			field string
			bound int
		}{{"gte", x.Gte}, {"lt", x.Lt}} {
			if b.bound != 0 && !slices.Contains(x.Attr.Bounds(), b.bound) {
				v.errorf(x, b.field, fmt.Sprintf("the %s bounds are %v", x.Attr, x.Attr.Bounds()), "%s bound %d is not one the API accepts", x.Attr, b.bound)
			}
		}
		switch {
		case x.Gte == 0 && x.Lt == 0:
			v.errorf(x, "", fmt.Sprintf("give at least one bound: %s[%d,)", x.Attr, x.Attr.Bounds()[0]), "%s range without bounds", x.Attr)
		case x.Gte > 0 && x.Lt > 0 && x.Gte >= x.Lt:
			v.errorf(x, "", "the lower bound must be less than the upper bound", "empty range %s matches nobody", x)
		}
	}
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
	return fmt.Sprintf("%s is one of %s", a, strings.Join(a.Codes(), ", "))
}

// limit checks the limit clause.
func (v *validator) limit(l *Limit) {
	switch {
	case l.Max < 0 || l.Max > 1<<31-1:
		v.errorf(l, "max", "limit.max is a 32-bit integer: at most 2147483647", "limit %d is out of range", l.Max)
	case l.Max == 0 && !l.UpToRemainingQuota && !l.ForbidPartialDelivery:
		v.errorf(l, "", "write limit 100, limit upToRemainingQuota, or both", "empty limit clause")
	}
	if l.ForbidPartialDelivery && !l.UpToRemainingQuota {
		v.errorf(l, "forbidPartialDelivery", "add upToRemainingQuota: limit 100 upToRemainingQuota forbidPartialDelivery", "forbidPartialDelivery requires upToRemainingQuota")
	}
}
