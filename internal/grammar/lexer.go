package grammar

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/alecthomas/participle/v2/lexer"
)

// ruleLexer is the lexical grammar: the same tokens as nctarget's
// hand-written lexer, as regular expressions. Keywords are identifiers
// spelt and, or, not, in, where or limit in any case (see keyword); the
// Keyword pattern itself matches nothing.
var ruleLexer = lexer.MustSimple([]lexer.SimpleRule{
	{Name: "Whitespace", Pattern: `[ \t\n\r]+`},
	{Name: "Comment", Pattern: `#[^\n]*`},
	{Name: "String", Pattern: `"(\\[^\n]|[^"\\\n])*"`},
	{Name: "Int", Pattern: `[0-9]+`},
	{Name: "Keyword", Pattern: `[^\x00-\x{10FFFF}]`},
	{Name: "Ident", Pattern: `[\p{L}_][\p{L}\p{Nd}_.\-]*`},
	{Name: "Punct", Pattern: `>=|<=|==|!=|[()\[\],=<>]`},
})

// keyword turns an identifier that is a keyword into a Keyword token.
func keyword(t lexer.Token) (lexer.Token, error) {
	switch strings.ToLower(t.Value) {
	case "and", "or", "not", "in", "where", "limit":
		t.Type = ruleLexer.Symbols()["Keyword"]
	}
	return t, nil
}

// printableString rejects a string holding a character strconv.IsPrint
// refuses, as the lexer does: fmt would write it as an escape.
func printableString(t lexer.Token) (lexer.Token, error) {
	for _, r := range t.Value {
		if !strconv.IsPrint(r) {
			return t, fmt.Errorf("%s: unprintable character %U in string", t.Pos, r)
		}
	}
	return t, nil
}

// source prepares src for the lexer as nctarget's lexer reads it: UTF-8
// only, and a byte order mark at the start skipped (here blanked, keeping
// offsets).
func source(src []byte) (string, error) {
	if !utf8.Valid(src) {
		return "", fmt.Errorf("invalid UTF-8")
	}
	s := string(src)
	if rest, ok := strings.CutPrefix(s, "\uFEFF"); ok {
		s = "   " + rest
	}
	return s, nil
}
