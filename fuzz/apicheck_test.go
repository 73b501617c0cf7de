package fuzz

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// This file is an independent checker of the narrowcast body parts against
// SPEC section 2, written from the API reference rather than from the
// compiler's code, so a compiler bug cannot hide behind its own validator.

// maxRecipientObjects is the API's limit on audience and redelivery objects.
const maxRecipientObjects = 10

var (
	ageBounds  = boundSet("age_", 15, 20, 25, 30, 35, 40, 45, 50, 55, 60, 65, 70)
	dayBounds  = boundSet("day_", 7, 30, 90, 180, 365)
	areaCode   = regexp.MustCompile(`^(jp_(0[1-9]|[1-3][0-9]|4[0-7])|tw_(0[1-9]|1[0-9]|2[0-2])|th_0[1-8]|id_(0[1-9]|1[0-2]))$`)
	uuidForm   = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)
	genderCode = map[string]bool{"male": true, "female": true}
	appCode    = map[string]bool{"ios": true, "android": true}
)

// boundSet maps each bound code ("age_20") to its number.
func boundSet(prefix string, ns ...int) map[string]int {
	m := make(map[string]int, len(ns))
	for _, n := range ns {
		m[prefix+strconv.Itoa(n)] = n
	}
	return m
}

// obj is a decoded JSON object.
type obj = map[string]any

// apiChecker walks a decoded body and counts recipient objects.
type apiChecker struct {
	recipients int
}

// checkBody returns the first way body breaks the API's rules, or nil.
func checkBody(body []byte) error {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var top obj
	if err := dec.Decode(&top); err != nil {
		return fmt.Errorf("body is not a JSON object: %v", err)
	}
	if err := onlyKeys(top, "body", "recipient", "filter", "limit"); err != nil {
		return err
	}
	c := &apiChecker{}
	if r, ok := top["recipient"]; ok {
		if err := c.recipient(r); err != nil {
			return fmt.Errorf("recipient: %w", err)
		}
		if c.recipients > maxRecipientObjects {
			return fmt.Errorf("recipient names %d objects, over %d", c.recipients, maxRecipientObjects)
		}
	}
	if f, ok := top["filter"]; ok {
		if err := c.filter(f); err != nil {
			return fmt.Errorf("filter: %w", err)
		}
	}
	if l, ok := top["limit"]; ok {
		if err := checkLimit(l); err != nil {
			return fmt.Errorf("limit: %w", err)
		}
	}
	return nil
}

// onlyKeys reports a key of o that is not one of keys.
func onlyKeys(o obj, what string, keys ...string) error {
	for k := range o {
		found := false
		for _, want := range keys {
			found = found || k == want
		}
		if !found {
			return fmt.Errorf("%s has unexpected key %q", what, k)
		}
	}
	return nil
}

// typed returns v as an object and its "type".
func typed(v any) (obj, string, error) {
	o, ok := v.(obj)
	if !ok {
		return nil, "", fmt.Errorf("%v is not an object", v)
	}
	typ, ok := o["type"].(string)
	if !ok {
		return nil, "", fmt.Errorf("object without a string type: %v", o)
	}
	return o, typ, nil
}

func (c *apiChecker) recipient(v any) error {
	o, typ, err := typed(v)
	if err != nil {
		return err
	}
	switch typ {
	case "audience":
		c.recipients++
		n, ok := o["audienceGroupId"].(json.Number)
		if !ok {
			return fmt.Errorf("audienceGroupId %v is not a number", o["audienceGroupId"])
		}
		if id, err := strconv.ParseInt(n.String(), 10, 64); err != nil || id < 1 {
			return fmt.Errorf("audienceGroupId %s is not a positive int64", n)
		}
		return onlyKeys(o, typ, "type", "audienceGroupId")
	case "redelivery":
		c.recipients++
		if id, ok := o["requestId"].(string); !ok || !uuidForm.MatchString(id) {
			return fmt.Errorf("requestId %v is not a UUID", o["requestId"])
		}
		return onlyKeys(o, typ, "type", "requestId")
	case "operator":
		return operator(o, c.recipient)
	}
	return fmt.Errorf("unknown recipient type %q", typ)
}

// operator checks an operator object: exactly one of and, or, not, with
// non-empty operand arrays, each operand checked by sub.
func operator(o obj, sub func(any) error) error {
	if err := onlyKeys(o, "operator", "type", "and", "or", "not"); err != nil {
		return err
	}
	if len(o) != 2 {
		return fmt.Errorf("operator carries %d of and/or/not, want exactly one", len(o)-1)
	}
	if x, ok := o["not"]; ok {
		return sub(x)
	}
	for _, key := range []string{"and", "or"} {
		if xs, ok := o[key]; ok {
			arr, ok := xs.([]any)
			if !ok || len(arr) == 0 {
				return fmt.Errorf("operator %s is not a non-empty array: %v", key, xs)
			}
			for _, x := range arr {
				if err := sub(x); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

func (c *apiChecker) filter(v any) error {
	o, ok := v.(obj)
	if !ok {
		return fmt.Errorf("%v is not an object", v)
	}
	if err := onlyKeys(o, "filter", "demographic"); err != nil {
		return err
	}
	d, ok := o["demographic"]
	if !ok {
		return fmt.Errorf("no demographic")
	}
	return demographic(d)
}

func demographic(v any) error {
	o, typ, err := typed(v)
	if err != nil {
		return err
	}
	switch typ {
	case "operator":
		return operator(o, demographic)
	case "gender":
		return oneOf(o, func(s string) bool { return genderCode[s] })
	case "appType":
		return oneOf(o, func(s string) bool { return appCode[s] })
	case "area":
		return oneOf(o, areaCode.MatchString)
	case "age":
		return bounds(o, ageBounds)
	case "subscriptionPeriod":
		return bounds(o, dayBounds)
	}
	return fmt.Errorf("unknown demographic type %q", typ)
}

// oneOf checks a set object: a non-empty oneOf array of valid codes.
func oneOf(o obj, valid func(string) bool) error {
	if err := onlyKeys(o, o["type"].(string), "type", "oneOf"); err != nil {
		return err
	}
	arr, ok := o["oneOf"].([]any)
	if !ok || len(arr) == 0 {
		return fmt.Errorf("%s oneOf is not a non-empty array: %v", o["type"], o["oneOf"])
	}
	for _, x := range arr {
		if s, ok := x.(string); !ok || !valid(s) {
			return fmt.Errorf("%s value %v is not one the API accepts", o["type"], x)
		}
	}
	return nil
}

// bounds checks a range object: gte and lt are valid codes, at least one
// is present, and gte < lt when both are.
func bounds(o obj, valid map[string]int) error {
	typ := o["type"].(string)
	if err := onlyKeys(o, typ, "type", "gte", "lt"); err != nil {
		return err
	}
	if len(o) == 1 {
		return fmt.Errorf("%s has neither gte nor lt", typ)
	}
	n := map[string]int{}
	for _, key := range []string{"gte", "lt"} {
		x, ok := o[key]
		if !ok {
			continue
		}
		s, _ := x.(string)
		if _, ok := valid[s]; !ok {
			return fmt.Errorf("%s %s %v is not one the API accepts", typ, key, x)
		}
		n[key] = valid[s]
	}
	if len(n) == 2 && n["gte"] >= n["lt"] {
		return fmt.Errorf("%s range [%d,%d) is empty", typ, n["gte"], n["lt"])
	}
	return nil
}

func checkLimit(v any) error {
	o, ok := v.(obj)
	if !ok {
		return fmt.Errorf("%v is not an object", v)
	}
	if err := onlyKeys(o, "limit", "max", "upToRemainingQuota", "forbidPartialDelivery"); err != nil {
		return err
	}
	if m, ok := o["max"]; ok {
		n, isNum := m.(json.Number)
		if !isNum || strings.ContainsAny(n.String(), ".eE") {
			return fmt.Errorf("max %v is not an integer", m)
		}
		if x, err := strconv.ParseInt(n.String(), 10, 32); err != nil || x < 1 {
			return fmt.Errorf("max %s is not an int32 >= 1", n)
		}
	}
	flags := map[string]bool{}
	for _, key := range []string{"upToRemainingQuota", "forbidPartialDelivery"} {
		if x, ok := o[key]; ok {
			b, isBool := x.(bool)
			if !isBool {
				return fmt.Errorf("%s %v is not a boolean", key, x)
			}
			flags[key] = b
		}
	}
	if flags["forbidPartialDelivery"] && !flags["upToRemainingQuota"] {
		return fmt.Errorf("forbidPartialDelivery without upToRemainingQuota")
	}
	return nil
}
