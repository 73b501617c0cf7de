package nctarget

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// This file is the decompiler behind nctarget decompile: it reads what
// LINE's SDKs, the LINE page and other tools produce for a narrowcast, and
// gives back a rule a person can read, review and recompile. It checks the
// JSON against every rule the API enforces on the recipient, filter and
// limit, and reports each problem at its JSON path and byte position: the
// JSON's shape here, the API's rules on the tree through validate's
// violations (validate.go), so they are stated once.

// MaxDecompileBytes bounds the input of Decompile: far above any request
// body LINE accepts (five flex messages and a recipient tree), far below
// what would exhaust memory.
const MaxDecompileBytes = 16 << 20

// Decompile turns narrowcast JSON into a rule. data may be a full request
// body (its messages are checked as ParseDelivery checks them, and left
// out of the rule), an object with any
// of "recipient", "filter" and "limit", a bare recipient object, a filter
// object {"demographic": …}, or a bare demographic object. With a catalog,
// audience ids are written as their catalog names. The error, if any, is
// an ErrorList; each message starts with the JSON path of the problem
// ($.recipient.and[2].audienceGroupId).
func Decompile(filename string, data []byte, cat *Catalog) (*Rule, error) {
	d := &decompiler{filename: filename, data: data, cat: cat}
	if len(data) > MaxDecompileBytes {
		d.errorAt(0, "give the request body alone", "$: %d bytes, over the limit of %d", len(data), MaxDecompileBytes)
		return nil, d.errs.Err()
	}
	root, err := parseJSON(data)
	if err != nil {
		return nil, ErrorList{syntaxDiagnostic(filename, data, err, "the input must be JSON: a narrowcast request body or its recipient/filter parts")}
	}
	rule := d.top(root)
	for _, v := range violations(rule) {
		d.violation(v)
	}
	if n := len(RecipientObjects(rule.Recipient)); n > MaxRecipientObjects && len(d.errs) == 0 {
		d.errorAt(recipientOffset(root), "LINE rejects the request; combine audiences into one audience group",
			"$.recipient: %d recipient objects, over the API's limit of %d", n, MaxRecipientObjects)
	}
	if err := d.errs.Err(); err != nil {
		return nil, err
	}
	return rule, nil
}

// recipientOffset returns the offset of the recipient in the input: the
// "recipient" member of a body, or the whole input.
func recipientOffset(root *jsonNode) int {
	if r := root.get("recipient"); r != nil {
		return r.off
	}
	return root.off
}

// decompiler holds the state of one Decompile call. It reads the JSON's
// shape into a tree, recording where each node came from; the API's rules
// on the tree are validate's (violations), each reported where its node's
// object, or the key of it at fault, is in the input.
type decompiler struct {
	filename string
	data     []byte
	cat      *Catalog
	errs     ErrorList
	from     map[Node]jsonSpot // where each node built was read
}

// jsonSpot is the JSON value a node was read from, and its path.
type jsonSpot struct {
	val  *jsonNode
	path string
}

// read records that node n was read from val at path.
func (d *decompiler) read(n Node, val *jsonNode, path string) {
	if d.from == nil {
		d.from = make(map[Node]jsonSpot)
	}
	d.from[n] = jsonSpot{val, path}
}

// violation reports v at the JSON it was read from: the value of the key
// v names in the node's object when it has that key, else the object.
func (d *decompiler) violation(v violation) {
	spot, ok := d.from[v.node]
	if !ok { // not read from the input: cannot happen, but say where is known
		d.errorAt(0, v.hint, "$: %s", v.msg)
		return
	}
	off, path := spot.val.off, spot.path
	if f := spot.val.get(v.field); v.field != "" && f != nil {
		off, path = f.off, path+"."+v.field
	}
	d.errorAt(off, v.hint, "%s: %s", path, v.msg)
}

// errorAt adds an error at byte offset off.
func (d *decompiler) errorAt(off int, hint, format string, args ...any) {
	p := offsetPos(d.filename, d.data, off)
	d.errs.addSpan(p, p, hint, format, args...)
}

// top decompiles the whole input, deciding which of the accepted shapes
// it has.
func (d *decompiler) top(n *jsonNode) *Rule {
	rule := &Rule{}
	if !d.want(n, '{', "$", `give a JSON object: {"recipient": …, "filter": {"demographic": …}}`) {
		return rule
	}
	switch {
	case n.get("type") != nil:
		if d.isDemographic(n) {
			rule.Filter = d.demographic(n, "$")
		} else {
			rule.Recipient = d.recipient(n, "$")
		}
	case n.get("demographic") != nil:
		rule.Filter = d.filter(n, "$")
	default:
		d.body(n, rule)
	}
	return rule
}

// body decompiles a request body or its parts.
func (d *decompiler) body(n *jsonNode, rule *Rule) {
	for _, m := range n.members {
		path := "$." + m.key
		switch m.key {
		case "recipient":
			rule.Recipient = d.recipient(m.val, path)
		case "filter":
			rule.Filter = d.filter(m.val, path)
		case "limit":
			rule.Limit = d.limit(m.val, path)
		case "messages":
			d.messages(m.val, path)
		case "notificationDisabled", "customAggregationUnits":
		default:
			d.unknownKey(m, "$", bodyKeys)
		}
	}
}

// messages checks a body's messages as compile --messages does.
func (d *decompiler) messages(n *jsonNode, path string) {
	m := messagesChecker{filename: d.filename, data: d.data}
	m.list(n, path)
	d.errs = append(d.errs, m.errs...)
}

// filter decompiles {"demographic": …}.
func (d *decompiler) filter(n *jsonNode, path string) Expr {
	if !d.want(n, '{', path, `give {"demographic": …}`) {
		return nil
	}
	d.onlyKeys(n, path, "demographic")
	dem := n.get("demographic")
	if dem == nil {
		d.errorAt(n.off, `give {"demographic": {"type": "gender", "oneOf": ["female"]}}`, "%s: no demographic", path)
		return nil
	}
	return d.demographic(dem, path+".demographic")
}

// want reports whether n is of kind k, adding an error when it is not.
func (d *decompiler) want(n *jsonNode, k byte, path, hint string) bool {
	if n.kind == k {
		return true
	}
	d.errorAt(n.off, hint, "%s: want %s, got %s", path, kindName(k), kindName(n.kind))
	return false
}

// onlyKeys reports each key of object n that is neither "type" nor among
// keys.
func (d *decompiler) onlyKeys(n *jsonNode, path string, keys ...string) {
	d.onlyKeysOf(n, path, append([]string{"type"}, keys...))
}

// onlyKeysOf reports each key of object n that is not among keys.
func (d *decompiler) onlyKeysOf(n *jsonNode, path string, keys []string) {
	for _, m := range n.members {
		if !slices.Contains(keys, m.key) {
			d.unknownKey(m, path, keys)
		}
	}
}

// unknownKey reports a key the API does not know at path.
func (d *decompiler) unknownKey(m jsonMember, path string, known []string) {
	d.errorAt(m.off, knownKeysHint(m.key, known), "%s: unknown key %q", path, m.key)
}

// knownKeysHint is the hint for an unknown key of a JSON object whose
// keys are known: the one meant, or the list.
func knownKeysHint(key string, known []string) string {
	if s := didYouMean(key, known); s != "" {
		return "did you mean " + strconv.Quote(s) + "?"
	}
	return "the keys here are " + strings.Join(known, ", ")
}

// typeOf returns the "type" string of object n, reporting its absence.
func (d *decompiler) typeOf(n *jsonNode, path, hint string) (string, bool) {
	if !d.want(n, '{', path, hint) {
		return "", false
	}
	t := n.get("type")
	if t == nil {
		d.errorAt(n.off, hint, "%s: no \"type\"", path)
		return "", false
	}
	if !d.want(t, 's', path+".type", hint) {
		return "", false
	}
	return t.text, true
}

// isDemographic reports whether a bare object is a demographic filter:
// its type, or that of its first typed descendant, is a demographic one.
func (d *decompiler) isDemographic(n *jsonNode) bool {
	for depth := 0; n != nil && n.kind == '{' && depth < maxJSONDepth; depth++ {
		t := n.get("type")
		if t == nil || t.text != "operator" {
			_, ok := attrByName[strings.ToLower(textOf(t))]
			return ok
		}
		switch {
		case n.get("not") != nil:
			n = n.get("not")
		case n.get("and") != nil && len(n.get("and").elems) > 0:
			n = n.get("and").elems[0]
		case n.get("or") != nil && len(n.get("or").elems) > 0:
			n = n.get("or").elems[0]
		default:
			return false
		}
	}
	return false
}

// textOf returns a string node's text, or "".
func textOf(n *jsonNode) string {
	if n == nil {
		return ""
	}
	return n.text
}

// operator decompiles an operator object, each operand with sub.
func (d *decompiler) operator(n *jsonNode, path string, sub func(*jsonNode, string) Expr) Expr {
	d.onlyKeys(n, path, "and", "or", "not")
	var found []jsonMember
	for _, m := range n.members {
		if m.key == "and" || m.key == "or" || m.key == "not" {
			found = append(found, m)
		}
	}
	hint := `an operator has exactly one of "and": […], "or": […] or "not": {…}`
	if len(found) != 1 {
		d.errorAt(n.off, hint, "%s: operator with %d of and, or, not", path, len(found))
		return nil
	}
	m := found[0]
	if m.key == "not" {
		if x := sub(m.val, path+".not"); x != nil {
			not := &Not{X: x}
			d.read(not, n, path)
			return not
		}
		return nil
	}
	return d.operands(n, m, path, sub)
}

// operands decompiles the array of an and/or, member m of operator object
// n at path. An empty array is an operator without operands, for validate
// to report.
func (d *decompiler) operands(n *jsonNode, m jsonMember, path string, sub func(*jsonNode, string) Expr) Expr {
	if !d.want(m.val, '[', path+"."+m.key, `"and" and "or" take an array of operands`) {
		return nil
	}
	op := &Operator{Op: OpAnd}
	if m.key == "or" {
		op.Op = OpOr
	}
	d.read(op, n, path)
	for i, e := range m.val.elems {
		if x := sub(e, fmt.Sprintf("%s.%s[%d]", path, m.key, i)); x != nil {
			op.Args = append(op.Args, x)
		}
	}
	switch {
	case len(m.val.elems) == 0:
		return op
	case len(op.Args) == 0: // every operand is in error
		return nil
	case len(op.Args) == 1:
		return op.Args[0]
	}
	return op
}
