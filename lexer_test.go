package nctarget

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// tokenNames names the token types in test output.
var tokenNames = map[tokenType]string{
	tokenEOF: "EOF", tokenIdent: "Ident", tokenKeyword: "Keyword", tokenInt: "Int",
	tokenString: "String", tokenPunct: "Punct", tokenComment: "Comment", tokenWhitespace: "WS",
}

// tokenList formats tokens as "Kind:value@line:col", one per element.
func tokenList(toks []token) []string {
	out := make([]string, len(toks))
	for i, t := range toks {
		out[i] = fmt.Sprintf("%s:%s@%d:%d", tokenNames[t.Type], t.Value, t.Pos.Line, t.Pos.Column)
	}
	return out
}

func TestLexTokens(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want string // space-separated Kind:value@line:col; whitespace tokens are shown as WS
	}{
		{"audience(5614991017776)", "Ident:audience@1:1 Punct:(@1:9 Int:5614991017776@1:10 Punct:)@1:23 EOF:@1:24"},
		{`redelivery("5b59-x")`, `Ident:redelivery@1:1 Punct:(@1:11 String:"5b59-x"@1:12 Punct:)@1:20 EOF:@1:21`},
		{"AND Or nOt IN Where LIMIT", "Keyword:AND@1:1 WS Keyword:Or@1:5 WS Keyword:nOt@1:8 WS Keyword:IN@1:12 WS Keyword:Where@1:15 WS Keyword:LIMIT@1:21 EOF:@1:26"},
		{"android andy notable", "Ident:android@1:1 WS Ident:andy@1:9 WS Ident:notable@1:14 EOF:@1:21"},
		{"age[20,)", "Ident:age@1:1 Punct:[@1:4 Int:20@1:5 Punct:,@1:7 Punct:)@1:8 EOF:@1:9"},
		{"age>=20<25", "Ident:age@1:1 Punct:>=@1:4 Int:20@1:6 Punct:<@1:8 Int:25@1:9 EOF:@1:11"},
		{"= == != > <= ]", "Punct:=@1:1 WS Punct:==@1:3 WS Punct:!=@1:6 WS Punct:>@1:9 WS Punct:<=@1:11 WS Punct:]@1:14 EOF:@1:15"},
		{"taipei_city new-taipei jp_13 a.b", "Ident:taipei_city@1:1 WS Ident:new-taipei@1:13 WS Ident:jp_13@1:24 WS Ident:a.b@1:30 EOF:@1:33"},
		{"#note\naudience(1) #tail", "Comment:#note@1:1 WS Ident:audience@2:1 Punct:(@2:9 Int:1@2:10 Punct:)@2:11 WS Comment:#tail@2:13 EOF:@2:18"},
		{"会員 ゴールド", "Ident:会員@1:1 WS Ident:ゴールド@1:4 EOF:@1:8"},
		{`"a\"b" ""`, `String:"a\"b"@1:1 WS String:""@1:8 EOF:@1:10`},
		{"\t\r\n x", "WS Ident:x@2:2 EOF:@2:3"},
		{"\uFEFFaudience", "Ident:audience@1:1 EOF:@1:9"},
		{"", "EOF:@1:1"},
		{"_x 12ab", "Ident:_x@1:1 WS Int:12@1:4 Ident:ab@1:6 EOF:@1:8"},
	} {
		toks, err := lex("", []byte(tc.in))
		if err != nil {
			t.Errorf("lex(%q): %v", tc.in, err)
			continue
		}
		got := tokenList(toks)
		for i, s := range got {
			if strings.HasPrefix(s, "WS:") {
				got[i] = "WS"
			}
		}
		if diff := cmp.Diff(strings.Fields(tc.want), got); diff != "" {
			t.Errorf("lex(%q) (-want +got):\n%s", tc.in, diff)
		}
	}
}

// TestLexErrors checks that a bad token stops lexing with a diagnostic at
// its position, after the good tokens before it.
func TestLexErrors(t *testing.T) {
	for _, tc := range []struct {
		in        string
		line, col int
		msg       string
		before    int // good tokens lexed before the error
	}{
		{"a @", 1, 3, "unexpected character '@'", 2},
		{"a\n  $", 2, 3, "unexpected character '$'", 2},
		{`x "abc`, 1, 3, "string not terminated", 2},
		{"\"abc\ndef\"", 1, 1, "string not terminated at the end of the line", 0},
		{"a \xc3", 1, 3, "invalid UTF-8 byte 0xc3", 2},
		{"a\n# caf\xe9 \xff", 2, 6, "invalid UTF-8 byte 0xe9 in a comment", 2},
		{"a\u00a0b", 1, 2, "unexpected character '\\u00a0'", 1},
	} {
		toks, err := lex("f.nct", []byte(tc.in))
		d, ok := err.(*Diagnostic)
		if !ok {
			t.Errorf("lex(%q) error = %v, want a *Diagnostic", tc.in, err)
			continue
		}
		if d.Pos.Line != tc.line || d.Pos.Column != tc.col || d.Msg != tc.msg || d.Pos.Filename != "f.nct" {
			t.Errorf("lex(%q) = %s: %s, want f.nct:%d:%d: %s", tc.in, d.Pos, d.Msg, tc.line, tc.col, tc.msg)
		}
		if len(toks) != tc.before {
			t.Errorf("lex(%q) returned %d tokens before the error, want %d: %v", tc.in, len(toks), tc.before, tokenList(toks))
		}
	}
}
