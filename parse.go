package nctarget

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/alecthomas/participle/v2"
	"github.com/alecthomas/participle/v2/lexer"
)

// This file is the front of the pipeline: Parse runs the lexer, the limit
// checks of limits.go, the grammar (fastparse.go's fast path, participle's
// parser for everything else) and the lowering of lower.go, and turns
// participle's errors into diagnostics that say what was expected.

// Parse parses a rule with DefaultLimits. filename is used only in
// positions. The error, if any, is an ErrorList holding every problem found.
func Parse(filename string, src []byte) (*Rule, error) {
	return Limits{}.Parse(filename, src)
}

// Parse parses a rule: it tokenizes src, checks the token stream against
// the limits and for balanced brackets, parses it with the grammar and
// lowers the result into the AST, checking each atom against the values
// the API accepts. It returns every problem it finds, not just the first.
func (l Limits) Parse(filename string, src []byte) (*Rule, error) {
	l = l.withDefaults()
	if len(src) > l.MaxBytes {
		p := Pos{Filename: filename, Line: 1, Column: 1}
		return nil, ErrorList{{Pos: p, End: p, Msg: fmt.Sprintf("rule is %d bytes, over the limit of %d", len(src), l.MaxBytes),
			Hint: "split the rule, or raise Limits.MaxBytes"}}
	}
	toks, err := lex(filename, src)
	if err != nil {
		return nil, ErrorList{err.(*Diagnostic)}
	}
	if d := checkTokens(toks, l); d != nil {
		return nil, ErrorList{d}
	}
	cst, err := parseCST(toks)
	if err != nil {
		return nil, err
	}
	lw := &lowerer{limits: l}
	rule := lw.rule(cst)
	rule.Comments = comments(toks)
	return rule, lw.errs.Err()
}

// parseCST parses the token stream with the hand-written fast path of
// fastparse.go, or, when it gives up, with participle, which defines the
// syntax and explains syntax errors.
func parseCST(toks []lexer.Token) (*cstRule, error) {
	if cst, ok := parseFast(toks); ok {
		return cst, nil
	}
	peek, err := lexer.Upgrade(&tokenSlice{toks: toks}, tokenWhitespace, tokenComment)
	if err != nil {
		return nil, err
	}
	cst, err := grammar.ParseFromLexer(peek)
	if err != nil {
		return nil, ErrorList{syntaxError(err, toks)}
	}
	return cst, nil
}

// syntaxError turns a participle error into a Diagnostic that says where
// the rule stops making sense, what was found there and what to write
// instead. toks is the rule's token stream, for the token before the bad one.
func syntaxError(err error, toks []lexer.Token) *Diagnostic {
	var perr participle.Error
	if !errors.As(err, &perr) {
		return &Diagnostic{Msg: err.Error()}
	}
	var ute *participle.UnexpectedTokenError
	if !errors.As(err, &ute) {
		p := posOf(perr.Position())
		return &Diagnostic{Pos: p, End: p, Msg: perr.Message()}
	}
	t := ute.Unexpected
	prev := previousToken(toks, t.Pos.Offset)
	if t.EOF() {
		return endError(toks, t, prev)
	}
	list := listKind(toks, t.Pos.Offset)
	if list != "" && endsOperand(prev) && isValue(t) {
		return tokenError(t, "missing comma before "+describeToken(t), "separate values with commas: gender in (male, female), age[20,25)")
	}
	msg, hint := unexpectedToken(toks, t, prev, list)
	return tokenError(t, msg, hint)
}

// listHints say what goes in each kind of list.
var listHints = map[string]string{
	"call":  `an argument is an id, a catalog name or a "quoted string": audience(5614991017776), redelivery("5b59509c-…")`,
	"in":    "list values separated by commas: gender in (male, female)",
	"range": "a range is [from,to) with whole numbers, either one may be left out: age[20,25), age[20,)",
}

// listKind says whether offset is inside a list of values: "call" for
// the arguments of audience(…), "in" for the values of in (…), "range" for
// [from,to), or "" elsewhere (including in a grouping parenthesis).
func listKind(toks []lexer.Token, offset int) string {
	var open []int // indexes of the open brackets
	for i, t := range toks {
		if t.Pos.Offset >= offset {
			break
		}
		switch t.Value {
		case "(", "[":
			open = append(open, i)
		case ")", "]":
			if len(open) > 0 {
				open = open[:len(open)-1]
			}
		}
	}
	if len(open) == 0 {
		return ""
	}
	i := open[len(open)-1]
	if toks[i].Value == "[" {
		return "range"
	}
	switch before := previousToken(toks, toks[i].Pos.Offset); {
	case strings.EqualFold(before.Value, "in"):
		return "in"
	case before.Type == tokenIdent:
		return "call"
	}
	return ""
}

// isValue reports whether t can be a value: a name, a number or a string.
func isValue(t lexer.Token) bool {
	return t.Type == tokenIdent || t.Type == tokenInt || t.Type == tokenString
}

// previousToken returns the last token before offset that is not
// whitespace or a comment, or a zero token when there is none.
func previousToken(toks []lexer.Token, offset int) lexer.Token {
	var prev lexer.Token
	for _, t := range toks {
		if t.Pos.Offset >= offset || t.EOF() {
			break
		}
		if t.Type != tokenWhitespace && t.Type != tokenComment {
			prev = t
		}
	}
	return prev
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

// endError explains a rule that ends in the middle of an expression.
func endError(toks []lexer.Token, t lexer.Token, prev lexer.Token) *Diagnostic {
	p := posOf(t.Pos)
	word := strings.ToLower(prev.Value)
	if hint, ok := operandHints[word]; ok {
		return &Diagnostic{Pos: p, End: p, Msg: fmt.Sprintf("the rule ends right after %q", prev.Value), Hint: hint}
	}
	if isAtomName(toks, prev) {
		return &Diagnostic{Pos: p, End: p, Msg: fmt.Sprintf("the rule ends right after %q", prev.Value), Hint: atomHint(prev.Value)}
	}
	return &Diagnostic{Pos: p, End: p, Msg: "unexpected end of rule", Hint: "the rule stops in the middle of an expression; complete it"}
}

// unexpectedToken returns the message and hint for token t found after
// prev; list is the kind of value list t is in, if any.
func unexpectedToken(toks []lexer.Token, t, prev lexer.Token, list string) (msg, hint string) {
	word, before := strings.ToLower(t.Value), strings.ToLower(prev.Value)
	found := describeToken(t)
	switch {
	case before == "in":
		return fmt.Sprintf("expected ( after in, found %s", found), operandHints["in"]
	case list != "" && before == "," && t.Value == ")":
		return "trailing comma in the argument list", "remove the comma: " + listHints[list]
	case list == "call" && t.Type == tokenKeyword && nextToken(toks, t.Pos.Offset).Value == ")":
		return fmt.Sprintf("expected a value after %q, found the keyword %q", prev.Value, t.Value),
			fmt.Sprintf("a name that is a keyword must be quoted: audience(%q)", t.Value)
	case list != "" && (before == "(" || before == "," || before == "["):
		return fmt.Sprintf("expected a value after %q, found %s", prev.Value, found), listHints[list]
	case isAtomName(toks, prev) && (before == "audience" || before == "redelivery"):
		return fmt.Sprintf("expected ( after %q, found %s", prev.Value, found), atomHint(prev.Value)
	case isAtomName(toks, prev):
		return fmt.Sprintf("expected in, =, a range or a comparison after %q, found %s", prev.Value, found), atomHint(prev.Value)
	case endsOperand(prev) && startsOperand(t):
		hint := "join conditions with and or or (a and b); a where or limit clause may follow the recipients"
		if s := didYouMean(t.Value, []string{"and", "or", "not", "where", "limit"}); s != "" && t.Type == tokenIdent {
			hint = "did you mean " + s + "?"
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

// isAtomName reports whether t is the name at the start of an atom (gender
// in "gender = male"), not a value or an argument.
func isAtomName(toks []lexer.Token, t lexer.Token) bool {
	if t.Type != tokenIdent || listKind(toks, t.Pos.Offset) != "" {
		return false
	}
	before := previousToken(toks, t.Pos.Offset)
	return before.Type != tokenPunct || before.Value == "(" || before.Value == ")" || before.Value == "]"
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
	if s := didYouMean(name, []string{"audience", "redelivery", "gender", "age", "appType", "area", "subscriptionPeriod", "where", "limit", "and", "or", "not"}); s != "" {
		return "did you mean " + s + "?"
	}
	return "a condition is audience(…), redelivery(\"…\") or, after where, a test such as gender = female"
}

// nextToken returns the first token after the one at offset that is not
// whitespace or a comment (EOF at the end).
func nextToken(toks []lexer.Token, offset int) lexer.Token {
	for _, t := range toks {
		if t.Pos.Offset > offset && t.Type != tokenWhitespace && t.Type != tokenComment {
			return t
		}
	}
	return toks[len(toks)-1]
}

// describeToken names a token for a message: string "abc", number 12,
// "foo".
func describeToken(t lexer.Token) string {
	switch t.Type {
	case tokenString:
		return "string " + t.Value
	case tokenInt:
		return "number " + t.Value
	}
	return strconv.Quote(t.Value)
}

// endsOperand reports whether a complete condition can end with t.
func endsOperand(t lexer.Token) bool {
	return t.Value == ")" || t.Value == "]" || t.Type == tokenInt || t.Type == tokenString || t.Type == tokenIdent
}

// startsOperand reports whether a condition can start with t.
func startsOperand(t lexer.Token) bool {
	return t.Type == tokenIdent || t.Value == "(" || strings.EqualFold(t.Value, "not")
}

// comments returns the rule's comments in source order.
func comments(toks []lexer.Token) []Comment {
	var cs []Comment
	for _, t := range toks {
		if t.Type == tokenComment {
			d := tokenError(t, "", "")
			cs = append(cs, Comment{Span: Span{Start: d.Pos, Stop: d.End}, Text: strings.TrimRight(t.Value, "\r")})
		}
	}
	return cs
}
