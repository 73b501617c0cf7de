package nctarget

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
)

// messageField is a field a message type requires, and the JSON kind of
// its value ('s' string, 'n' number, 'i' whole number, '{' object, '['
// array).
type messageField struct {
	name string
	kind byte
}

// messageTypes are the message objects of LINE's Messaging API document
// (messaging-api.yml, the mapping of Message's type discriminator) with
// the fields each schema lists as required. A full request body is checked
// against them, so a misspelt type or a missing field is reported before
// LINE refuses the request. Optional fields are left to the API.
var messageTypes = map[string][]messageField{
	"text":     {{"text", 's'}},
	"textV2":   {{"text", 's'}},
	"sticker":  {{"packageId", 's'}, {"stickerId", 's'}},
	"image":    {{"originalContentUrl", 's'}, {"previewImageUrl", 's'}},
	"video":    {{"originalContentUrl", 's'}, {"previewImageUrl", 's'}},
	"audio":    {{"originalContentUrl", 's'}, {"duration", 'i'}},
	"location": {{"title", 's'}, {"address", 's'}, {"latitude", 'n'}, {"longitude", 'n'}},
	"imagemap": {{"baseUrl", 's'}, {"altText", 's'}, {"baseSize", '{'}, {"actions", '['}},
	"template": {{"altText", 's'}, {"template", '{'}},
	"flex":     {{"altText", 's'}, {"contents", '{'}},
	"coupon":   {{"couponId", 's'}},
}

// messagesHint is the form a --messages file takes.
const messagesHint = `give a JSON array of 1 to 5 message objects: [{"type":"text","text":"Hello"}]`

// Delivery is what a narrowcast request body holds besides the rule's
// recipient, filter and limit (NarrowcastRequest in LINE's OpenAPI
// document): the messages, and whether they notify. A rule cannot hold
// them, so a body decompiled to a rule gets them back from here.
type Delivery struct {
	Messages             []json.RawMessage // 1–5 message objects
	NotificationDisabled *bool             // the body's notificationDisabled; nil when it gives none (LINE's default, false)
}

// bodyKeys are the keys of a narrowcast request body: NarrowcastRequest's
// in the API's order, then customAggregationUnits, which push and
// multicast requests have and a narrowcast does not; a body holding it is
// accepted, and the field is not carried over.
var bodyKeys = []string{"messages", "recipient", "filter", "limit", "notificationDisabled", "customAggregationUnits"}

// ParseDelivery reads the messages of a full request body, and its
// notificationDisabled: data is a JSON array of message objects, a single
// message object, or a whole request body (an object with "messages", as
// written by hand, by another tool or given to nctarget decompile), whose
// messages and notificationDisabled it keeps; the body's recipient, filter
// and limit are the rule's, and are ignored. filename is used in
// positions. Each message is checked for a type the API knows and the
// fields that type requires, with the JSON path and position of each
// problem ($[0].text).
func ParseDelivery(filename string, data []byte) (*Delivery, error) {
	root, err := parseJSON(data)
	if err != nil {
		return nil, ErrorList{syntaxDiagnostic(filename, data, err, messagesHint)}
	}
	m := messagesChecker{filename: filename, data: data}
	d := &Delivery{}
	list, path := root, "$"
	switch {
	case root.kind == '{' && root.get("messages") != nil:
		list, path = root.get("messages"), "$.messages"
		d.NotificationDisabled = m.body(root)
	case root.kind == '{' && root.get("type") != nil:
		list = &jsonNode{off: root.off, kind: '[', elems: []*jsonNode{root}} // one message
	}
	if !m.list(list, path) {
		return nil, m.errs.Err()
	}
	d.Messages = make([]json.RawMessage, len(list.elems))
	for i, n := range list.elems {
		// data parsed above, so each element decodes; the error is kept all the same
		if err := json.NewDecoder(bytes.NewReader(data[n.off:])).Decode(&d.Messages[i]); err != nil {
			return nil, ErrorList{syntaxDiagnostic(filename, data, err, messagesHint)}
		}
	}
	if err := m.errs.Err(); err != nil {
		return nil, err
	}
	return d, nil
}

// ParseMessages returns the messages ParseDelivery reads.
func ParseMessages(filename string, data []byte) ([]json.RawMessage, error) {
	d, err := ParseDelivery(filename, data)
	if err != nil {
		return nil, err
	}
	return d.Messages, nil
}

// messagesChecker collects the problems of one messages file.
type messagesChecker struct {
	filename string
	data     []byte
	errs     ErrorList
}

// errorAt adds an error at byte offset off.
func (m *messagesChecker) errorAt(off int, hint, format string, args ...any) {
	p := offsetPos(m.filename, m.data, off)
	m.errs.addSpan(p, p, hint, format, args...)
}

// list checks the messages of a request body, list at path: an array of
// 1 to 5 message objects, each checked. It reports false when list is no
// array. Decompile checks a body's messages through it too, so a body it
// reads is one compile --messages takes back.
func (m *messagesChecker) list(list *jsonNode, path string) bool {
	if list.kind != '[' {
		m.errorAt(list.off, messagesHint, "%s: want an array of message objects, got %s", path, kindName(list.kind))
		return false
	}
	var count ErrorList
	checkMessages(len(list.elems), offsetPos(m.filename, m.data, list.off), &count)
	for _, c := range count {
		if path != "$" { // inside a body: say where
			c.Msg = path + ": " + c.Msg
		}
	}
	m.errs = append(m.errs, count...)
	for i, n := range list.elems {
		m.check(fmt.Sprintf("%s[%d]", path, i), n)
	}
	return true
}

// body checks the keys of a request body and returns its
// notificationDisabled, nil when it has none.
func (m *messagesChecker) body(n *jsonNode) *bool {
	for _, k := range n.members {
		if !slices.Contains(bodyKeys, k.key) {
			m.errorAt(k.off, knownKeysHint(k.key, bodyKeys), "$: unknown key %q", k.key)
		}
	}
	v := n.get("notificationDisabled")
	switch {
	case v == nil:
		return nil
	case v.kind != 'b':
		m.errorAt(v.off, "notificationDisabled is true or false", "$.notificationDisabled: want a boolean, got %s", kindName(v.kind))
		return nil
	}
	return &v.boolean
}

// check checks one message object at path.
func (m *messagesChecker) check(path string, n *jsonNode) {
	if n.kind != '{' {
		m.errorAt(n.off, `each message is an object with a "type": {"type":"text","text":"Hello"}`,
			"%s: want a message object, got %s", path, kindName(n.kind))
		return
	}
	typ := n.get("type")
	switch {
	case typ == nil:
		m.errorAt(n.off, `each message is an object with a "type": {"type":"text","text":"Hello"}`, "%s: the message has no \"type\"", path)
		return
	case typ.kind != 's':
		m.errorAt(typ.off, "the type is a string: "+typeList(), "%s.type: want a string, got %s", path, kindName(typ.kind))
		return
	}
	fields, ok := messageTypes[typ.text]
	if !ok {
		m.errorAt(typ.off, "use one of "+typeList(), "%s.type: %q is not a message type of the Messaging API", path, typ.text)
		return
	}
	for _, f := range fields {
		v := n.get(f.name)
		switch {
		case v == nil:
			m.errorAt(n.off, requiredHint(typ.text, fields), "%s: a %s message needs %q", path, typ.text, f.name)
		case !kindMatches(v, f.kind):
			m.errorAt(v.off, requiredHint(typ.text, fields), "%s.%s: want %s, got %s", path, f.name, kindWord(f.kind), kindName(v.kind))
		}
	}
}

// kindMatches reports whether v is of the kind a field requires.
func kindMatches(v *jsonNode, kind byte) bool {
	if kind == 'i' {
		return v.kind == 'n' && !strings.ContainsAny(v.text, ".eE")
	}
	return v.kind == kind
}

// kindWord names a required field's kind.
func kindWord(kind byte) string {
	if kind == 'i' {
		return "a whole number"
	}
	return kindName(kind)
}

// requiredHint lists what a message type needs.
func requiredHint(typ string, fields []messageField) string {
	parts := make([]string, len(fields))
	for i, f := range fields {
		parts[i] = fmt.Sprintf("%q (%s)", f.name, kindWord(f.kind))
	}
	return fmt.Sprintf("a %s message needs %s", typ, strings.Join(parts, ", "))
}

// typeList lists the message types, sorted.
func typeList() string {
	types := make([]string, 0, len(messageTypes))
	for t := range messageTypes {
		types = append(types, t)
	}
	sort.Strings(types)
	return strings.Join(types, ", ")
}

// syntaxDiagnostic turns an error of parseJSON into a positioned
// diagnostic: an offsetError (a duplicate key, the end of the input) where
// it says, a *json.SyntaxError (counted from the start of the input, see
// parseJSON) where the input stops being JSON. Every reader of JSON (rules'
// JSON, catalogs, messages files) reports through it.
func syntaxDiagnostic(filename string, data []byte, err error, hint string) *Diagnostic {
	var oe *offsetError
	if errors.As(err, &oe) {
		p := offsetPos(filename, data, oe.off)
		return &Diagnostic{Pos: p, End: p, Msg: oe.msg, Hint: oe.hint}
	}
	return jsonError(filename, data, err, hint)
}
