package nctarget

import (
	"fmt"
	"strconv"
	"strings"
)

// This file explains syntax errors. The parser stops at the first token
// it cannot use and says what it found there, what it was parsing (the
// token before, the value list it is in) and what to write instead.

// listHints say what goes in each kind of value list.
var listHints = map[string]string{
	"call":  `an argument is an id, a catalog name or a "quoted string": audience(5614991017776), redelivery("5b59509c-…")`,
	"in":    "list values separated by commas: gender in (male, female)",
	"range": "a range is [from,to) with whole numbers, either one may be left out: age[20,25), age[20,)",
}

// operandHints are what may follow each word that needs an operand.
var operandHints = map[string]string{
	"and":   "and needs a condition on each side: audience(1) and audience(2), age >= 20 and gender = female",
	"or":    "or needs a condition on each side: audience(1) or audience(2), area in (tokyo) or area in (osaka)",
	"not":   "not needs a condition after it: not audience(1), not gender in (male)",
	"where": "where needs a demographic filter: where age >= 20 and gender = female",
	"in":    "list the values in parentheses: gender in (female), area in (tokyo, osaka)",
	"(":     "a parenthesis holds a condition: (audience(1) or audience(2))",
	",":     "a value goes after the comma: gender in (male, female)",
}

// unexpected raises a syntax error at the next token, which the parser
// cannot use where it is.
func (p *parser) unexpected() {
	t, prev := p.peek(), p.prev
	switch {
	case t.Type == tokenEOF:
		if hint, ok := operandHints[strings.ToLower(prev.Value)]; ok {
			p.errorf(fmt.Sprintf("the rule ends right after %q", prev.Value), hint)
		}
		p.errorf("unexpected end of rule", "the rule stops in the middle of an expression; complete it")
	case p.list != "" && endsOperand(prev) && isValue(t):
		p.errorf("missing comma before "+describeToken(t), "separate values with commas: gender in (male, female), age[20,25)")
	}
	p.errorf(p.unexpectedToken(t, prev))
}

// unexpectedToken returns the message and hint for token t found after
// prev.
func (p *parser) unexpectedToken(t, prev token) (msg, hint string) {
	word, before := strings.ToLower(t.Value), strings.ToLower(prev.Value)
	found := describeToken(t)
	switch list := p.list; {
	case before == "in":
		return fmt.Sprintf("expected ( after in, found %s", found), operandHints["in"]
	case list != "" && before == "," && t.Value == ")":
		return "trailing comma in the argument list", "remove the comma: " + listHints[list]
	case list == "call" && t.Type == tokenKeyword && p.peekAfter().Value == ")":
		return fmt.Sprintf("expected a value after %q, found the keyword %q", prev.Value, t.Value),
			fmt.Sprintf("a name that is a keyword must be quoted: audience(%q)", t.Value)
	case list != "" && (before == "(" || before == "," || before == "["):
		return fmt.Sprintf("expected a value after %q, found %s", prev.Value, found), listHints[list]
	case endsOperand(prev) && startsOperand(t):
		hint := "join conditions with and or or (a and b); a where or limit clause may follow the recipients"
		if h := suggest(t.Value, []string{"and", "or", "not", "where", "limit"}); h != "" && t.Type == tokenIdent {
			hint = h
		}
		return fmt.Sprintf("missing and/or before %s", found), hint
	case operandHints[before] != "":
		return fmt.Sprintf("expected a condition after %q, found %s", prev.Value, found), operandHints[before]
	case (word == "and" || word == "or") && prev.Value == "":
		return fmt.Sprintf("the rule starts with %q", t.Value), operandHints[word]
	case word == "in":
		return `unexpected "in"`, "in follows an attribute name: gender in (female)"
	case t.Type == tokenString || t.Type == tokenInt:
		return "unexpected " + found, "strings and numbers are arguments: audience(5614991017776), redelivery(\"5b59509c-…\"), limit 100"
	}
	return "unexpected " + found, "a rule is: recipients, then where <filter>, then limit N"
}

// afterName raises the syntax error for an atom name followed by nothing
// that makes it an atom.
func (p *parser) afterName(name token) {
	t := p.peek()
	switch key := strings.ToLower(name.Value); {
	case t.Type == tokenEOF:
		p.errorf(fmt.Sprintf("the rule ends right after %q", name.Value), atomHint(name.Value))
	case key == "audience" || key == "redelivery":
		p.errorf(fmt.Sprintf("expected ( after %q, found %s", name.Value, describeToken(t)), atomHint(name.Value))
	}
	p.errorf(fmt.Sprintf("expected in, =, a range or a comparison after %q, found %s", name.Value, describeToken(t)), atomHint(name.Value))
}

// atomHint shows how an atom named name is written.
func atomHint(name string) string {
	key := strings.ToLower(name)
	switch attr, ok := attrByName[key]; {
	case key == "audience":
		return "write audience(5614991017776) or audience(name)"
	case key == "redelivery":
		return `write redelivery("5b59509c-c57b-11e9-aa8c-2a2ae2dbcce4")`
	case ok && attr.IsRange():
		return fmt.Sprintf("write %[1]s[%[2]d,%[3]d), %[1]s >= %[2]d or %[1]s < %[3]d", attr, attr.Bounds()[1], attr.Bounds()[2])
	case ok:
		return fmt.Sprintf("write %[1]s in (%[2]s) or %[1]s = %[2]s", attr, attr.Codes()[0])
	}
	if h := suggest(name, []string{"audience", "redelivery", "gender", "age", "appType", "area", "subscriptionPeriod", "where", "limit", "and", "or", "not"}); h != "" {
		return h
	}
	return "a condition is audience(…), redelivery(\"…\") or, after where, a test such as gender = female"
}

// describeToken names a token for a message: string "abc", number 12,
// "foo".
func describeToken(t token) string {
	switch t.Type {
	case tokenString:
		return "string " + t.Value
	case tokenInt:
		return "number " + t.Value
	}
	return strconv.Quote(t.Value)
}

// endsOperand reports whether a complete condition can end with t.
func endsOperand(t token) bool {
	return t.Value == ")" || t.Value == "]" || t.Type == tokenInt || t.Type == tokenString || t.Type == tokenIdent
}

// startsOperand reports whether a condition can start with t.
func startsOperand(t token) bool {
	return t.Type == tokenIdent || t.Value == "(" || strings.EqualFold(t.Value, "not")
}
