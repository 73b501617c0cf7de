package nctarget

import (
	"fmt"
	"slices"
)

// This file is the one statement of what the API accepts in a rule's tree:
// validate walks an AST, however it was made (parsed, decompiled, built by
// hand or rewritten), and reports every node the narrowcast API would
// reject. Parse and Decompile check their input as they read it, with
// messages about what was written, and run validate on what they build;
// CompileRule runs it before writing anything, so no tree it accepts can
// become JSON the API refuses.

// validate reports every node of r the API would reject, at the node's
// span (the zero position for nodes built without one).
func validate(r *Rule) ErrorList {
	v := &validator{}
	if r == nil {
		v.errs.add(Pos{}, "give a rule: Parse or Decompile returns one", "nil rule")
		return v.errs
	}
	v.expr(r.Recipient, recipientExpr)
	v.expr(r.Filter, filterExpr)
	if r.Limit != nil {
		v.limit(r.Limit)
	}
	return v.errs
}

// validator collects the problems validate finds.
type validator struct{ errs ErrorList }

func (v *validator) errorf(n Node, hint, format string, args ...any) {
	v.errs.addSpan(n.Pos(), n.End(), hint, format, args...)
}

// expr checks an expression on the given side of where.
func (v *validator) expr(e Expr, kind exprKind) {
	switch x := e.(type) {
	case nil:
	case *Operator:
		switch {
		case x.Op != OpAnd && x.Op != OpOr:
			v.errorf(x, "an operator is OpAnd or OpOr", "operator %d is neither and nor or", x.Op)
		case len(x.Args) == 0:
			v.errorf(x, "give at least one operand, or remove the operator", `%q operator without operands`, x.Op)
		}
		for _, a := range x.Args {
			if a == nil {
				v.errorf(x, "remove the nil operand", "nil operand of %q", x.Op)
				continue
			}
			v.expr(a, kind)
		}
	case *Not:
		if x.X == nil {
			v.errorf(x, "give the expression not negates", "not without an operand")
			return
		}
		v.expr(x.X, kind)
	case *Audience, *Redelivery:
		if kind == filterExpr {
			v.errorf(x, "move it into the recipient expression", "%s is a recipient, but this is the demographic filter", x)
			return
		}
		v.recipient(x)
	case *Set, *Range:
		if kind == recipientExpr {
			v.errorf(x, "move it into the filter (where …)", "%s is a demographic atom, but this is the recipient expression", x)
			return
		}
		v.demographic(x)
	default:
		v.errs.add(e.Pos(), "build expressions from the node types of ast.go", "unknown expression type %T", e)
	}
}

// recipient checks an audience or a redelivery.
func (v *validator) recipient(e Expr) {
	switch x := e.(type) {
	case *Audience:
		switch {
		case x.ID < 0:
			v.errorf(x, "audience group ids are positive 64-bit integers", "audience group id %d is out of range", x.ID)
		case x.ID == 0 && x.Name == "":
			v.errorf(x, "give the audience's id, or a name to resolve through a catalog", "audience without an id or a name")
		}
	case *Redelivery:
		if !isUUID(x.RequestID) {
			v.errorf(x, `a request id is the X-Line-Request-Id of a narrowcast, a UUID: redelivery("5b59509c-c57b-11e9-aa8c-2a2ae2dbcce4")`,
				"redelivery request id %q is not a UUID", x.RequestID)
		}
	}
}

// demographic checks a set or a range atom.
func (v *validator) demographic(e Expr) {
	switch x := e.(type) {
	case *Set:
		if !slices.Contains([]Attr{AttrGender, AttrAppType, AttrArea}, x.Attr) {
			v.errorf(x, "a set tests gender, appType or area", "%s is not a set attribute", x.Attr)
			return
		}
		if len(x.Values) == 0 {
			v.errorf(x, "an empty set matches nobody; list at least one value, or remove the condition", "empty value list for %s", x.Attr)
		}
		for _, val := range x.Values {
			if _, ok := x.Attr.CodeIndex(val.Code); !ok {
				v.errs.addSpan(val.Pos(), val.End(), valuesHint(x.Attr), "unknown %s code %q", x.Attr, val.Code)
			}
		}
	case *Range:
		if !x.Attr.IsRange() {
			v.errorf(x, "a range tests age or subscriptionPeriod", "%s is not a range attribute", x.Attr)
			return
		}
		for _, b := range []int{x.Gte, x.Lt} {
			if b != 0 && !slices.Contains(x.Attr.Bounds(), b) {
				v.errorf(x, fmt.Sprintf("the %s bounds are %v", x.Attr, x.Attr.Bounds()), "%s bound %d is not one the API accepts", x.Attr, b)
			}
		}
		switch {
		case x.Gte == 0 && x.Lt == 0:
			v.errorf(x, fmt.Sprintf("give at least one bound: %s[%d,)", x.Attr, x.Attr.Bounds()[0]), "%s range without bounds", x.Attr)
		case x.Gte > 0 && x.Lt > 0 && x.Gte >= x.Lt:
			v.errorf(x, "the lower bound must be less than the upper bound", "empty range %s matches nobody", x)
		}
	}
}

// valuesHint lists the codes of a set attribute, or says what area codes
// look like.
func valuesHint(a Attr) string {
	if a == AttrArea {
		return "areas are codes such as jp_13, tw_01, th_01, id_06"
	}
	return fmt.Sprintf("%s is one of %v", a, a.Codes())
}

// limit checks the limit clause.
func (v *validator) limit(l *Limit) {
	switch {
	case l.Max < 0 || l.Max > 1<<31-1:
		v.errorf(l, "limit.max is a 32-bit integer: at most 2147483647", "limit %d is out of range", l.Max)
	case l.Max == 0 && !l.UpToRemainingQuota && !l.ForbidPartialDelivery:
		v.errorf(l, "write limit 100, limit upToRemainingQuota, or both", "empty limit clause")
	}
	if l.ForbidPartialDelivery && !l.UpToRemainingQuota {
		v.errorf(l, "add upToRemainingQuota: limit 100 upToRemainingQuota forbidPartialDelivery", "forbidPartialDelivery requires upToRemainingQuota")
	}
}
