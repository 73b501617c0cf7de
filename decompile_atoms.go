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
	if typ == "operator" {
		return d.operator(n, path, d.recipient)
	}
	return d.atom(n, path, typ, recipientTypes)
}

// demographic decompiles a demographic filter object.
func (d *decompiler) demographic(n *jsonNode, path string) Expr {
	typ, ok := d.typeOf(n, path, demographicHint)
	if !ok {
		return nil
	}
	if typ == "operator" {
		return d.operator(n, path, d.demographic)
	}
	return d.atom(n, path, typ, demographicTypes)
}

// atom decompiles an object of any type but operator, on either side of
// the request: one on the wrong side (a gender in the recipient) is read
// as any other, and validate says where it belongs. A type of neither
// side is reported with the types that belong here.
func (d *decompiler) atom(n *jsonNode, path, typ string, here []string) Expr {
	attr, isAttr := attrByName[strings.ToLower(typ)]
	switch {
	case typ == "audience":
		return d.audience(n, path)
	case typ == "redelivery":
		return d.redelivery(n, path)
	case isAttr && typ == attr.String() && attr.IsRange():
		return d.rangeAtom(n, path, attr)
	case isAttr && typ == attr.String():
		return d.setAtom(n, path, attr)
	}
	hint := "the types here are " + strings.Join(here, ", ")
	if s := didYouMean(typ, here); s != "" {
		hint = "did you mean " + strconv.Quote(s) + "?"
	}
	d.errorAt(n.get("type").off, hint, "%s.type: unknown type %q", path, typ)
	return nil
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
	if err != nil { // a fraction, or beyond 64 bits: no tree holds it
		d.errorAt(idNode.off, "audience group ids are positive 64-bit integers", "%s: %s is not an audience group id", p, idNode.text)
		return nil
	}
	a := &Audience{ID: id}
	if e, ok := d.cat.ByID(id); ok {
		a.Name = e.Name
	}
	d.read(a, n, path)
	return a
}

// redelivery decompiles {"type":"redelivery","requestId":…}.
func (d *decompiler) redelivery(n *jsonNode, path string) Expr {
	d.onlyKeys(n, path, "requestId")
	req := n.get("requestId")
	switch {
	case req == nil:
		d.errorAt(n.off, `give "requestId": "5b59509c-c57b-11e9-aa8c-2a2ae2dbcce4"`, "%s: no requestId", path)
	case d.want(req, 's', path+".requestId", "requestId is the X-Line-Request-Id of a narrowcast, a string"):
		r := &Redelivery{RequestID: req.text}
		d.read(r, n, path)
		return r
	}
	return nil
}

// setAtom decompiles {"type":"gender","oneOf":[…]} and its kin. An empty
// oneOf is an empty set, and a value the API does not know a value of
// the set, for validate to report.
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
	}
	set := &Set{Attr: attr}
	var spots []jsonSpot // where each of set.Values was read
	for i, v := range one.elems {
		vp := p + "[" + strconv.Itoa(i) + "]"
		if !d.want(v, 's', vp, hint) {
			continue
		}
		set.Values = append(set.Values, Value{Code: v.text, Text: valueText(attr, v.text)})
		spots = append(spots, jsonSpot{v, vp})
	}
	if len(one.elems) > 0 && len(set.Values) == 0 { // every value is in error
		return nil
	}
	for i, s := range spots {
		d.read(&set.Values[i], s.val, s.path)
	}
	d.read(set, n, path)
	return set
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
	if r.Gte < 0 || r.Lt < 0 {
		return nil
	}
	d.read(r, n, path)
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
		// A fraction, a number beyond 64 bits and 0 are no Max a tree can
		// hold (its Max 0 is a clause without a number), so they are
		// reported here; validate checks the range of the others.
		v, err := strconv.ParseInt(m.text, 10, 64)
		if err != nil || v == 0 {
			d.errorAt(m.off, "limit.max is a 32-bit integer from 1 to 2147483647", "%s.max: %s is not a valid limit", path, m.text)
		} else {
			l.Max = v
		}
	}
	l.UpToRemainingQuota = d.flag(n, path, "upToRemainingQuota")
	l.ForbidPartialDelivery = d.flag(n, path, "forbidPartialDelivery")
	if l.Max == 0 && !l.UpToRemainingQuota && !l.ForbidPartialDelivery {
		return nil
	}
	d.read(l, n, path)
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
