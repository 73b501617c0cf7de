package workbench

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/nctarget/nctarget"
)

// TokenKind says what a token of a rule is, for highlighting.
type TokenKind int

// The kinds of token.
const (
	TokenKeyword   TokenKind = iota + 1 // and, or, not, in, where, limit, upToRemainingQuota, forbidPartialDelivery
	TokenAtom                           // audience, redelivery
	TokenAttribute                      // gender, age, appType, area, subscriptionPeriod
	TokenValue                          // a value or a name: female, tokyo, vip
	TokenNumber                         // 5614991017776, 20, 100
	TokenString                         // "spring sale"
	TokenComment                        // # …
	TokenOperator                       // =, >=, <
)

// Token is one highlighted token: the bytes [Pos, End) of the source.
// Tokens never span lines.
type Token struct {
	Pos, End int
	Kind     TokenKind
}

// Tokens returns the rule's tokens in source order, for highlighting. Like
// Complete it works on any text, a rule that does not parse included;
// brackets, commas and text it cannot read are left out.
func (a *Analysis) Tokens() []Token {
	var toks []Token
	var inValues []bool // for each open bracket, whether it holds values (in (…), audience(…), […))
	prev := ""
	scan(a.Source, func(t token) bool {
		text := string(a.Source[t.start:t.end])
		word := strings.ToLower(text)
		kind := TokenKind(0)
		switch {
		case t.kind == tokComment:
			kind = TokenComment
		case t.kind == tokString:
			kind = TokenString
		case word == "(":
			inValues = append(inValues, prev == "in" || prev == "audience" || prev == "redelivery")
		case word == "[":
			inValues = append(inValues, true)
		case word == ")" || word == "]":
			if n := len(inValues); n > 0 {
				inValues = inValues[:n-1]
			}
		case t.kind == tokPunct:
			if strings.ContainsAny(word, "=<>!") {
				kind = TokenOperator
			}
		case isNumber(word):
			kind = TokenNumber
		case isKeyword(word) || word == "uptoremainingquota" || word == "forbidpartialdelivery":
			kind = TokenKeyword
		case len(inValues) > 0 && inValues[len(inValues)-1]:
			kind = TokenValue
		case word == "audience" || word == "redelivery":
			kind = TokenAtom
		case attrNamed(word) != 0:
			kind = TokenAttribute
		default:
			kind = TokenValue
		}
		if kind != 0 {
			toks = append(toks, Token{Pos: t.start, End: t.end, Kind: kind})
		}
		if t.kind != tokComment {
			prev = word
		}
		return true
	})
	return toks
}

// isNumber reports whether s is all ASCII digits.
func isNumber(s string) bool {
	return s != "" && strings.Trim(s, "0123456789") == ""
}

// tokenKind is what scan found: completion and highlighting tell words
// apart themselves.
type tokenKind int

const (
	tokWord    tokenKind = iota // a name, keyword or number: letters of any script, digits, '_', '-', '.'
	tokString                   // "…", up to its closing quote or the end of its line
	tokComment                  // # to the end of the line
	tokPunct                    // ( ) [ ] , and the comparison operators
)

// token is one token of a rule's text; closed is false for a string that
// runs to the end of its line or of the text without its closing quote.
type token struct {
	start, end int
	kind       tokenKind
	closed     bool
}

// scan calls yield with each token of src in order until yield returns
// false. It knows the language's tokens only as far as completion and
// highlighting need them and never fails: a rule in an editor is mostly
// half-written.
func scan(src []byte, yield func(token) bool) {
	for i := 0; i < len(src); {
		r, size := utf8.DecodeRune(src[i:])
		t := token{start: i, closed: true}
		switch {
		case unicode.IsSpace(r):
			i += size
			continue
		case r == '#':
			t.kind = tokComment
			for i < len(src) && src[i] != '\n' && src[i] != '\r' {
				i++
			}
		case r == '"':
			t.kind, t.closed = tokString, false
			for i++; i < len(src) && src[i] != '\n' && src[i] != '\r'; i++ {
				if src[i] == '"' {
					i, t.closed = i+1, true
					break
				}
				if src[i] == '\\' && i+1 < len(src) && src[i+1] != '\n' {
					i++
				}
			}
		case isWordRune(r):
			t.kind = tokWord
			for i < len(src) {
				r, size := utf8.DecodeRune(src[i:])
				if !isWordRune(r) && r != '-' && r != '.' {
					break
				}
				i += size
			}
		case strings.ContainsRune("<>=!", r) && i+1 < len(src) && src[i+1] == '=':
			t.kind, i = tokPunct, i+2
		default:
			t.kind, i = tokPunct, i+size
		}
		t.end = i
		if !yield(t) {
			return
		}
	}
}

// attrNamed returns the attribute a word names, in any case, or 0.
func attrNamed(word string) nctarget.Attr {
	for _, a := range nctarget.Attrs {
		if strings.EqualFold(a.String(), word) {
			return a
		}
	}
	return 0
}
