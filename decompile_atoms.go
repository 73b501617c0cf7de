package nctarget

import (
	"strconv"
	"strings"
)

// This file decompiles the leaves of narrowcast JSON: recipient objects,
// demographic objects and the limit object.

// recipientTypes and demographicTypes are the "type" values of each side.
var (
	recipientTypes   = []string{"operator", "audience", "redelivery"}
	demographicTypes = []string{"operator", "gender", "age", "appType", "area", "subscriptionPeriod"}
)

const (
	recipientHint   = `a recipient object is {"type":"audience","audienceGroupId":5614991017776}, {"type":"redelivery","requestId":"…"} or an operator`
	demographicHint = `a demographic object is {"type":"gender","oneOf":["female"]}, {"type":"age","gte":"age_20","lt":"age_30"}, … or an operator`
)

// recipient decompiles a recipient object.
func (d *decompiler) recipient(n *jsonNode, path string) Expr {
	typ, ok := d.typeOf(n, path, recipientHint)
	if !ok {
		return nil
	}
	switch typ {
	case "operator":
		return d.operator(n, path, d.recipient)
	case "audience":
		return d.audience(n, path)
	case "redelivery":
		return d.redelivery(n, path)
	}
	d.wrongType(n, path, typ, recipientTypes, demographicTypes, "filter.demographic")
	return nil
}

// demographic decompiles a demographic filter object.
func (d *decompiler) demographic(n *jsonNode, path string) Expr {
	typ, ok := d.typeOf(n, path, demographicHint)
	if !ok {
		return nil
	}
	attr, isAttr := attrByName[strings.ToLower(typ)]
	switch {
	case typ == "operator":
		return d.operator(n, path, d.demographic)
	case isAttr && typ == attr.String() && attr.IsRange():
		return d.rangeAtom(n, path, attr)
	case isAttr && typ == attr.String():
		return d.setAtom(n, path, attr)
	}
	d.wrongType(n, path, typ, demographicTypes, recipientTypes, "recipient")
	return nil
}

// wrongType reports a type that does not belong at path: one of the other
// side's, or none at all.
func (d *decompiler) wrongType(n *jsonNode, path, typ string, here, other []string, otherPlace string) {
	t := n.get("type")
	for _, o := range other {
		if o == typ {
			d.errorAt(t.off, "move it to "+otherPlace, "%s: type %q does not belong here", path, typ)
			return
		}
	}
	hint := "the types here are " + strings.Join(here, ", ")
	if s := didYouMean(typ, here); s != "" {
		hint = "did you mean " + strconv.Quote(s) + "?"
	}
	d.errorAt(t.off, hint, "%s.type: unknown type %q", path, typ)
}

// audience decompiles {"type":"audience","audienceGroupId":…}.
func (d *decompiler) audience(n *jsonNode, path string) Expr {
	d.onlyKeys(n, path, "audienceGroupId")
	p := path + ".audienceGroupId"
	idNode := n.get("audienceGroupId")
	if idNode == nil {
		d.errorAt(n.off, `give "audienceGroupId": 5614991017776`, "%s: no audienceGroupId", path)
		return nil
	}
	if !d.want(idNode, 'n', p, "audienceGroupId is a JSON number, not quoted: 5614991017776") {
		return nil
	}
	id, err := strconv.ParseInt(idNode.text, 10, 64)
	if err != nil || id <= 0 {
		d.errorAt(idNode.off, "audience group ids are positive 64-bit integers", "%s: %s is not an audience group id", p, idNode.text)
		return nil
	}
	a := &Audience{ID: id}
	if e, ok := d.cat.ByID(id); ok {
		a.Name = e.Name
	}
	return a
}

// redelivery decompiles {"type":"redelivery","requestId":…}.
func (d *decompiler) redelivery(n *jsonNode, path string) Expr {
	d.onlyKeys(n, path, "requestId")
	p := path + ".requestId"
	req := n.get("requestId")
	switch {
	case req == nil:
		d.errorAt(n.off, `give "requestId": "5b59509c-c57b-11e9-aa8c-2a2ae2dbcce4"`, "%s: no requestId", path)
	case !d.want(req, 's', p, "requestId is the X-Line-Request-Id of a narrowcast, a string"):
	case !isUUID(req.text):
		d.errorAt(req.off, "a request id is the X-Line-Request-Id of a narrowcast, a UUID", "%s: %q is not a UUID", p, req.text)
	default:
		return &Redelivery{RequestID: req.text}
	}
	return nil
}

// setAtom decompiles {"type":"gender","oneOf":[…]} and its kin.
func (d *decompiler) setAtom(n *jsonNode, path string, attr Attr) Expr {
	d.onlyKeys(n, path, "oneOf")
	p := path + ".oneOf"
	one := n.get("oneOf")
	hint := attr.String() + " values are " + strings.Join(attr.Codes()[:min(4, len(attr.Codes()))], ", ")
	switch {
	case one == nil:
		d.errorAt(n.off, `give "oneOf": [...]: `+hint, "%s: no oneOf", path)
		return nil
	case !d.want(one, '[', p, hint):
		return nil
	case len(one.elems) == 0:
		d.errorAt(one.off, "an empty oneOf matches nobody; list at least one value", "%s: empty oneOf", p)
		return nil
	}
	set := &Set{Attr: attr}
	for i, v := range one.elems {
		vp := p + "[" + strconv.Itoa(i) + "]"
		if !d.want(v, 's', vp, hint) {
			continue
		}
		if _, ok := attr.CodeIndex(v.text); !ok {
			d.unknownValue(v, vp, attr)
			continue
		}
		set.Values = append(set.Values, Value{Code: v.text, Text: valueText(attr, v.text)})
	}
	return set
}

// unknownValue reports a value the API does not accept for attr.
func (d *decompiler) unknownValue(v *jsonNode, path string, attr Attr) {
	hint := attr.String() + " values are " + strings.Join(attr.Codes(), ", ")
	if attr == AttrArea {
		hint = "area values are codes such as jp_13, tw_01, th_01, id_06"
	}
	if code, ok := lookupCode(attr, v.text); ok {
		hint = "the API takes the code: " + strconv.Quote(code)
	} else if s := didYouMean(v.text, attr.Codes()); s != "" {
		hint = "did you mean " + strconv.Quote(s) + "?"
	}
	d.errorAt(v.off, hint, "%s: unknown %s %q", path, attr, v.text)
}

// valueText returns how a decompiled value is written: the region name of
// an area (jp_13 is tokyo), the code otherwise.
func valueText(attr Attr, code string) string {
	if attr == AttrArea {
		if name := AreaName(code); name != "" {
			return name
		}
	}
	return code
}

// rangeAtom decompiles {"type":"age","gte":"age_20","lt":"age_30"} and
// its subscriptionPeriod kin.
func (d *decompiler) rangeAtom(n *jsonNode, path string, attr Attr) Expr {
	d.onlyKeys(n, path, "gte", "lt")
	r := &Range{Attr: attr}
	r.Gte = d.bound(n.get("gte"), path+".gte", attr)
	r.Lt = d.bound(n.get("lt"), path+".lt", attr)
	switch {
	case r.Gte < 0 || r.Lt < 0:
		return nil
	case r.Gte == 0 && r.Lt == 0:
		d.errorAt(n.off, `give "gte", "lt" or both: "gte": "`+attr.BoundCode(attr.Bounds()[1])+`"`, "%s: %s range without bounds", path, attr)
		return nil
	case r.Lt != 0 && r.Gte >= r.Lt:
		d.errorAt(n.off, "gte must be less than lt", "%s: empty range %s matches nobody", path, r)
		return nil
	}
	return r
}

// bound decompiles "age_20" or "day_30": 0 when absent, -1 when invalid.
func (d *decompiler) bound(n *jsonNode, path string, attr Attr) int {
	if n == nil {
		return 0
	}
	codes := make([]string, len(attr.Bounds()))
	for i, b := range attr.Bounds() {
		codes[i] = attr.BoundCode(b)
		if n.kind == 's' && n.text == codes[i] {
			return b
		}
	}
	hint := attr.String() + " bounds are " + strings.Join(codes, ", ")
	if s := didYouMean(n.text, codes); s != "" && n.kind == 's' {
		hint = "did you mean " + strconv.Quote(s) + "?"
	}
	if n.kind != 's' {
		d.errorAt(n.off, hint, "%s: want a string such as %q, got %s", path, codes[1], kindName(n.kind))
		return -1
	}
	d.errorAt(n.off, hint, "%s: %q is not a bound the API accepts for %s", path, n.text, attr)
	return -1
}

// limit decompiles {"max":…,"upToRemainingQuota":…,"forbidPartialDelivery":…}.
// A limit that says nothing ({} or only false flags) is no limit clause.
func (d *decompiler) limit(n *jsonNode, path string) *Limit {
	if !d.want(n, '{', path, `give {"max": 100, "upToRemainingQuota": true}`) {
		return nil
	}
	d.onlyKeysOf(n, path, []string{"max", "upToRemainingQuota", "forbidPartialDelivery"})
	l := &Limit{}
	if m := n.get("max"); m != nil && d.want(m, 'n', path+".max", "max is a whole number of recipients: 100") {
		v, err := strconv.ParseInt(m.text, 10, 64)
		if err != nil || v < 1 || v > 1<<31-1 {
			d.errorAt(m.off, "limit.max is a 32-bit integer from 1 to 2147483647", "%s.max: %s is not a valid limit", path, m.text)
		}
		l.Max = v
	}
	l.UpToRemainingQuota = d.flag(n, path, "upToRemainingQuota")
	l.ForbidPartialDelivery = d.flag(n, path, "forbidPartialDelivery")
	if l.ForbidPartialDelivery && !l.UpToRemainingQuota {
		d.errorAt(n.get("forbidPartialDelivery").off, `set "upToRemainingQuota": true too`, "%s.forbidPartialDelivery: requires upToRemainingQuota", path)
	}
	if l.Max == 0 && !l.UpToRemainingQuota {
		return nil
	}
	return l
}

// flag decompiles a boolean of the limit object.
func (d *decompiler) flag(n *jsonNode, path, key string) bool {
	f := n.get(key)
	if f == nil || !d.want(f, 'b', path+"."+key, key+" is true or false") {
		return false
	}
	return f.boolean
}
