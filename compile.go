package nctarget

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// MaxRecipientObjects is the most audience and redelivery objects one
// narrowcast may name, counted after simplification.
const MaxRecipientObjects = 10

// Options configure Compile. The zero value compiles with DefaultParseLimits, no
// catalog, simplification on and no messages.
type Options struct {
	Catalog              *Catalog          // resolves audience(name); nil when the rule uses ids only
	Limits               ParseLimits       // parsing limits; zero fields take DefaultParseLimits
	NoSimplify           bool              // emit the direct translation of the rule as written
	Messages             []json.RawMessage // 1–5 message objects for a full request body; nil for the body parts only
	NotificationDisabled *bool             // the full request body's notificationDisabled (Delivery's); nil leaves it out, and LINE notifies
	Now                  time.Time         // the time catalog expiry is judged against; zero means time.Now()
}

// Request is a compiled rule: the recipient, filter and limit parts of a
// narrowcast request body, ready to be written as JSON (JSON) or handed to
// LINE's SDK (SDK).
type Request struct {
	Rule                 *Rule             // the rule as compiled: audiences resolved, simplified unless Options.NoSimplify
	Messages             []json.RawMessage // the messages, when Options.Messages was given
	NotificationDisabled *bool             // Options.NotificationDisabled, written last, as NarrowcastRequest orders the body
	Warnings             []*Diagnostic     // problems that do not stop compilation
	Rewrites             []Rewrite         // what the simplifier changed, in order
}

// Compile parses and compiles a rule. The error, if any, is an ErrorList
// holding every problem found.
func Compile(filename string, src []byte, opts Options) (*Request, error) {
	rule, err := opts.Limits.Parse(filename, src)
	switch {
	case rule == nil:
		return nil, err
	case err != nil:
		// The rule parsed but has errors: report the catalog's problems
		// with them, so one run shows everything to fix.
		errs := append(ErrorList(nil), Diagnostics(err)...)
		var warns []*Diagnostic
		resolveAudiences(rule, opts, &errs, &warns)
		return nil, errs.Err()
	}
	return CompileRule(rule, opts)
}

// CompileRule checks a rule, parsed, decompiled or built by hand, against
// every rule the API enforces on its nodes (validate.go) and on the whole
// request (catalog names, the recipient object count, the messages'
// count and that each is JSON) and against Lint's exact lints, simplifies
// it and returns the request. rule is not modified.
func CompileRule(rule *Rule, opts Options) (*Request, error) {
	if errs := validate(rule); len(errs) > 0 {
		return nil, errs.Err()
	}
	var errs ErrorList
	req := &Request{Messages: opts.Messages, NotificationDisabled: opts.NotificationDisabled}
	resolved := resolveAudiences(rule, opts, &errs, &req.Warnings)
	if opts.Messages != nil {
		checkMessages(len(opts.Messages), rule.Pos(), &errs)
		for i, m := range opts.Messages {
			if !json.Valid(m) { // Request.JSON could only leave it out
				errs.add(rule.Pos(), "pass the messages ParseDelivery returns, or each message object's own JSON",
					"Options.Messages[%d] is not one JSON value", i)
			}
		}
	}
	if len(errs) > 0 {
		return nil, errs.Err()
	}
	for _, d := range Lint(resolved) {
		if d.Severity == SeverityError {
			errs = append(errs, d)
		} else {
			req.Warnings = append(req.Warnings, d)
		}
	}
	if len(errs) > 0 {
		return nil, errs.Err()
	}
	req.Rule = resolved
	if !opts.NoSimplify {
		s, err := simplify(resolved) // validated above
		if err != nil {
			return nil, err
		}
		req.Rule, req.Rewrites = s.Rule, s.Rewrites
		req.Warnings = append(req.Warnings, s.Warnings...)
	}
	checkRecipientCount(req.Rule, !opts.NoSimplify, &errs)
	if rule.Recipient == nil && rule.Filter == nil {
		top := Pos{Filename: rule.Pos().Filename, Line: 1, Column: 1} // the rule as a whole
		req.Warnings = append(req.Warnings, &Diagnostic{Pos: top, End: top, Severity: SeverityWarning,
			Msg: "the rule has no recipient expression and no where clause: it targets every friend", Hint: "use a broadcast if that is what you mean"})
	}
	return req, errs.Err()
}

// resolveAudiences returns a copy of rule in which every audience(name)
// carries its audienceGroupId from the catalog.
func resolveAudiences(rule *Rule, opts Options, errs *ErrorList, warns *[]*Diagnostic) *Rule {
	now := opts.Now
	if now.IsZero() {
		now = time.Now()
	}
	out := *rule
	out.Recipient = mapExpr(rule.Recipient, func(e Expr) Expr {
		a, ok := e.(*Audience)
		if !ok || a.Name == "" {
			return e
		}
		entry, ok := opts.Catalog.Lookup(a.Name)
		switch {
		case opts.Catalog == nil:
			errs.addSpan(a.Pos(), a.End(), "pass a catalog that maps names to ids (--catalog audiences.json), or write the id",
				"audience(%s) names an audience, but no catalog was given", quoteName(a.Name))
		case !ok:
			hint := "add it to the catalog, or write the id"
			if len(*errs) < maxErrors { // a suggestion costs a pass over the catalog; past maxErrors nobody reads it
				if h := suggest(a.Name, opts.Catalog.Names()); h != "" {
					hint = h
				}
			}
			errs.addSpan(a.Pos(), a.End(), hint, "audience %q is not in the catalog", a.Name)
		case entry.AudienceGroupID <= 0:
			errs.addSpan(a.Pos(), a.End(), "give the entry its audienceGroupId", "catalog entry %q has no audienceGroupId", a.Name)
		default:
			for _, p := range entry.Problems(now) {
				*warns = append(*warns, &Diagnostic{Pos: a.Pos(), End: a.End(), Severity: SeverityWarning, Msg: p,
					Hint: "LINE rejects sends to audiences that are not READY, expired or IFA"})
			}
		}
		resolved := *a
		resolved.ID = entry.AudienceGroupID
		return &resolved
	})
	return &out
}

// mapExpr returns a copy of e with f applied to every atom. Operator and
// Not nodes are copied; atoms are replaced by what f returns.
func mapExpr(e Expr, f func(Expr) Expr) Expr {
	switch n := e.(type) {
	case nil:
		return nil
	case *Operator:
		c := *n
		c.Args = make([]Expr, len(n.Args))
		for i, a := range n.Args {
			c.Args[i] = mapExpr(a, f)
		}
		return &c
	case *Not:
		c := *n
		c.X = mapExpr(n.X, f)
		return &c
	}
	return f(e)
}

// RecipientObjects returns the audience and redelivery atoms of e, the
// objects the API counts against MaxRecipientObjects.
func RecipientObjects(e Expr) []Expr {
	var objs []Expr
	for _, a := range Atoms(e) {
		switch a.(type) {
		case *Audience, *Redelivery:
			objs = append(objs, a)
		}
	}
	return objs
}

// checkRecipientCount enforces MaxRecipientObjects on the rule as it will
// be sent (after simplification, unless it was turned off). The error says
// how many objects there are and lists each with its position, so the
// author can see which to combine.
func checkRecipientCount(rule *Rule, simplified bool, errs *ErrorList) {
	objs := RecipientObjects(rule.Recipient)
	if len(objs) <= MaxRecipientObjects {
		return
	}
	const shown = 20
	list := make([]string, 0, min(len(objs), shown)+1)
	for i, o := range objs {
		if i == shown {
			list = append(list, fmt.Sprintf("and %d more", len(objs)-shown))
			break
		}
		list = append(list, fmt.Sprintf("%s at %d:%d", o, o.Pos().Line, o.Pos().Column))
	}
	when := "as written"
	if simplified {
		when = "even after simplification"
	}
	errs.addSpan(rule.Recipient.Pos(), rule.Recipient.End(),
		"combine audiences into one audience group in LINE, or remove some",
		"at most %d recipient objects; this rule has %d %s: %s",
		MaxRecipientObjects, len(objs), when, strings.Join(list, ", "))
}

// checkMessages enforces the API's 1 to 5 messages per request.
func checkMessages(n int, at Pos, errs *ErrorList) {
	if n < 1 || n > 5 {
		errs.add(at, "a narrowcast sends 1 to 5 message objects", "%d messages given", n)
	}
}

// JSON returns the request body parts as JSON: {"recipient":…,
// "filter":{"demographic":…}, "limit":…}, with "messages" first when the
// request has messages and "notificationDisabled" last when it has one,
// the order of NarrowcastRequest in LINE's OpenAPI document. Absent parts are omitted. Output is deterministic:
// the same rule always gives the same bytes, with "type" first in every
// object. indent selects two-space indentation; otherwise it is compact.
func (r *Request) JSON(indent bool) []byte {
	var b bytes.Buffer
	b.WriteByte('{')
	sep := ""
	field := func(name string) {
		b.WriteString(sep)
		writeString(&b, name)
		b.WriteByte(':')
		sep = ","
	}
	if r.Messages != nil {
		field("messages")
		b.WriteByte('[')
		for i, m := range r.Messages {
			if i > 0 {
				b.WriteByte(',')
			}
			json.Compact(&b, m)
		}
		b.WriteByte(']')
	}
	if r.Rule.Recipient != nil {
		field("recipient")
		writeExpr(&b, r.Rule.Recipient)
	}
	if r.Rule.Filter != nil {
		field("filter")
		b.WriteString(`{"demographic":`)
		writeExpr(&b, r.Rule.Filter)
		b.WriteByte('}')
	}
	if r.Rule.Limit != nil {
		field("limit")
		writeLimit(&b, r.Rule.Limit)
	}
	if r.NotificationDisabled != nil {
		field("notificationDisabled")
		b.WriteString(strconv.FormatBool(*r.NotificationDisabled))
	}
	b.WriteByte('}')
	if !indent {
		return b.Bytes()
	}
	var out bytes.Buffer
	json.Indent(&out, b.Bytes(), "", "  ")
	out.WriteByte('\n')
	return out.Bytes()
}

// jsonSize returns the length of e's API object as JSON writes it. It is
// the simplifier's measure of a rewrite's cost (simplify_factor.go), so
// that the size it minimizes is the size of the request that is sent.
func jsonSize(e Expr) int {
	var b bytes.Buffer
	writeExpr(&b, e)
	return b.Len()
}

// writeString writes s as a JSON string exactly as encoding/json does
// (with its HTML-safe escapes of <, > and &): plain ASCII directly, any
// other string through json.Marshal. FuzzJSONString holds the two equal.
func writeString(b *bytes.Buffer, s string) {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			enc, _ := json.Marshal(s) // a string always marshals
			b.Write(enc)
			return
		}
	}
	b.WriteByte('"')
	b.WriteString(s)
	b.WriteByte('"')
}

// writeExpr writes the API object for e.
func writeExpr(b *bytes.Buffer, e Expr) {
	switch n := e.(type) {
	case *Operator:
		b.WriteString(`{"type":"operator","` + n.Op.String() + `":[`)
		for i, a := range n.Args {
			if i > 0 {
				b.WriteByte(',')
			}
			writeExpr(b, a)
		}
		b.WriteString("]}")
	case *Not:
		b.WriteString(`{"type":"operator","not":`)
		writeExpr(b, n.X)
		b.WriteByte('}')
	case *Audience:
		b.WriteString(`{"type":"audience","audienceGroupId":` + strconv.FormatInt(n.ID, 10) + "}")
	case *Redelivery:
		b.WriteString(`{"type":"redelivery","requestId":`)
		writeString(b, n.RequestID)
		b.WriteByte('}')
	case *Set:
		b.WriteString(`{"type":"` + n.Attr.String() + `","oneOf":[`)
		for i, v := range n.Values {
			if i > 0 {
				b.WriteByte(',')
			}
			writeString(b, v.Code)
		}
		b.WriteString("]}")
	case *Range:
		b.WriteString(`{"type":"` + n.Attr.String() + `"`)
		if n.Gte > 0 {
			b.WriteString(`,"gte":"` + n.Attr.BoundCode(n.Gte) + `"`)
		}
		if n.Lt > 0 {
			b.WriteString(`,"lt":"` + n.Attr.BoundCode(n.Lt) + `"`)
		}
		b.WriteByte('}')
	}
}

// writeLimit writes the limit object; false booleans are omitted.
func writeLimit(b *bytes.Buffer, l *Limit) {
	var parts []string
	if l.Max > 0 {
		parts = append(parts, `"max":`+strconv.FormatInt(l.Max, 10))
	}
	if l.UpToRemainingQuota {
		parts = append(parts, `"upToRemainingQuota":true`)
	}
	if l.ForbidPartialDelivery {
		parts = append(parts, `"forbidPartialDelivery":true`)
	}
	b.WriteByte('{')
	for i, p := range parts {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(p)
	}
	b.WriteByte('}')
}
