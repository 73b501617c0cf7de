package nctarget

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/alecthomas/participle/v2/lexer"
)

// Token types of the rule language. They are participle token types so the
// grammar in grammar.go can name them ("@Ident", "@Int", …).
const (
	tokenEOF        = lexer.EOF
	tokenIdent      = lexer.TokenType(-2 - iota) // vip, gender, tokyo, upToRemainingQuota
	tokenKeyword                                 // and, or, not, in, where, limit (any case)
	tokenInt                                     // 5614991017776
	tokenString                                  // "5b59509c-c57b-11e9-aa8c-2a2ae2dbcce4"
	tokenPunct                                   // ( ) [ ] , = >= < and the near misses > <= == !=
	tokenComment                                 // # to the end of the line
	tokenWhitespace                              // spaces, tabs and newlines
)

// isKeyword reports whether word is a keyword (and, or, not, in, where,
// limit) in any case, without lower-casing every identifier. Keywords are
// never identifiers, so an audience named "limit" must be quoted:
// audience("limit").
func isKeyword(word string) bool {
	switch len(word) {
	case 2:
		return strings.EqualFold(word, "or") || strings.EqualFold(word, "in")
	case 3:
		return strings.EqualFold(word, "and") || strings.EqualFold(word, "not")
	case 5:
		return strings.EqualFold(word, "where") || strings.EqualFold(word, "limit")
	}
	return false
}

// Lexer is the participle lexer definition of the rule language. It is
// hand-written rather than built from regular expressions because rules are
// compiled in bulk by pipelines (it is several times faster) and because it
// can say what is wrong with a bad token ("unterminated string").
var Lexer lexer.Definition = ruleLexer{}

type ruleLexer struct{}

// Symbols returns the token types by name, as participle requires.
func (ruleLexer) Symbols() map[string]lexer.TokenType {
	return map[string]lexer.TokenType{
		"EOF": tokenEOF, "Ident": tokenIdent, "Keyword": tokenKeyword, "Int": tokenInt,
		"String": tokenString, "Punct": tokenPunct, "Comment": tokenComment, "Whitespace": tokenWhitespace,
	}
}

// Lex reads all of r and tokenizes it.
func (d ruleLexer) Lex(filename string, r io.Reader) (lexer.Lexer, error) {
	src, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	return d.LexBytes(filename, src)
}

// LexString tokenizes s.
func (d ruleLexer) LexString(filename, s string) (lexer.Lexer, error) {
	return d.LexBytes(filename, []byte(s))
}

// LexBytes tokenizes src. A malformed token is reported by Next when it is
// reached, after the good tokens before it.
func (ruleLexer) LexBytes(filename string, src []byte) (lexer.Lexer, error) {
	toks, err := lex(filename, src)
	return &tokenSlice{toks: toks, err: err}, nil
}

// tokenSlice replays tokens already lexed, then the lexing error, if any.
type tokenSlice struct {
	toks []lexer.Token
	err  error
}

func (s *tokenSlice) Next() (lexer.Token, error) {
	if len(s.toks) == 0 {
		if s.err != nil {
			return lexer.Token{}, s.err
		}
		return lexer.EOFToken(lexer.Position{}), nil
	}
	t := s.toks[0]
	s.toks = s.toks[1:]
	return t, nil
}

// scanner walks the source one token at a time, tracking line and column.
type scanner struct {
	src  string
	pos  lexer.Position
	toks []lexer.Token
}

// lex tokenizes src completely, ending with an EOF token. On a malformed
// token it returns the tokens before it, without EOF, and a *Diagnostic.
func lex(filename string, src []byte) ([]lexer.Token, error) {
	s := &scanner{src: string(src), pos: lexer.Position{Filename: filename, Line: 1, Column: 1}}
	s.toks = make([]lexer.Token, 0, len(src)/3+1)
	if strings.HasPrefix(s.src, "\uFEFF") { // a byte order mark from a Windows editor
		s.pos.Offset = 3
	}
	for s.pos.Offset < len(s.src) {
		if err := s.next(); err != nil {
			return s.toks, err
		}
	}
	s.toks = append(s.toks, lexer.EOFToken(s.pos))
	return s.toks, nil
}

// next scans one token starting at s.pos.
func (s *scanner) next() error {
	start := s.pos.Offset
	r, size := utf8.DecodeRuneInString(s.src[start:])
	switch {
	case r == utf8.RuneError && size == 1:
		return s.errorf("invalid UTF-8 byte %#x", "rules are UTF-8 text; re-save the file as UTF-8", s.src[start])
	case r == ' ' || r == '\t' || r == '\n' || r == '\r':
		end := start
		for end < len(s.src) && strings.IndexByte(" \t\n\r", s.src[end]) >= 0 {
			end++
		}
		s.emit(tokenWhitespace, end)
	case r == '#':
		end := strings.IndexByte(s.src[start:], '\n')
		if end < 0 {
			end = len(s.src) - start
		}
		s.emit(tokenComment, start+end)
	case r == '"':
		return s.scanString()
	case r >= '0' && r <= '9':
		end := start
		for end < len(s.src) && s.src[end] >= '0' && s.src[end] <= '9' {
			end++
		}
		s.emit(tokenInt, end)
	case isIdentStart(r):
		end := start + size
		for end < len(s.src) {
			r, n := utf8.DecodeRuneInString(s.src[end:])
			if !isIdentPart(r) {
				break
			}
			end += n
		}
		typ := tokenIdent
		if isKeyword(s.src[start:end]) {
			typ = tokenKeyword
		}
		s.emit(typ, end)
	default:
		return s.scanPunct(r)
	}
	return nil
}

// scanPunct scans the punctuation tokens, including the comparison
// operators the language does not have (>, <=, ==, !=) so the parser can
// point at them and say which one to use instead.
func (s *scanner) scanPunct(r rune) error {
	start := s.pos.Offset
	switch r {
	case '(', ')', '[', ']', ',':
		s.emit(tokenPunct, start+1)
		return nil
	case '>', '<', '=', '!':
		if strings.HasPrefix(s.src[start+1:], "=") {
			s.emit(tokenPunct, start+2)
			return nil
		}
		if r != '!' {
			s.emit(tokenPunct, start+1)
			return nil
		}
	}
	return s.errorf("unexpected character %q", "rules use only letters, digits, \"strings\", # comments and ( ) [ ] , = >= <", r)
}

// scanString scans a double-quoted string with Go escapes; it may not span
// lines.
func (s *scanner) scanString() error {
	start := s.pos.Offset
	for i := start + 1; i < len(s.src); i++ {
		switch s.src[i] {
		case '\\':
			if i+1 < len(s.src) && s.src[i+1] != '\n' { // a backslash does not continue a string onto the next line
				i++
			}
		case '\n':
			return s.errorf("string not terminated at the end of the line", `add the closing "`)
		case '"':
			if err := s.checkStringText(start+1, i); err != nil {
				return err
			}
			s.emit(tokenString, i+1)
			return nil
		}
	}
	return s.errorf("string not terminated", `add the closing "`)
}

// checkStringText rejects invalid UTF-8 and unprintable characters between
// byte offsets from and to of a string. Unquoting would turn the first into
// U+FFFD, changing the name, and fmt writes the second as escapes, which
// could make a formatted string longer than Limits.MaxString.
func (s *scanner) checkStringText(from, to int) error {
	for i := from; i < to; {
		r, size := utf8.DecodeRuneInString(s.src[i:to])
		msg, hint := "", `write it as an escape: \t, \x7f, \u200b`
		switch {
		case r == utf8.RuneError && size == 1:
			msg, hint = fmt.Sprintf("invalid UTF-8 byte %#x in string", s.src[i]), "rules are UTF-8 text; re-save the file as UTF-8"
		case !strconv.IsPrint(r):
			msg = fmt.Sprintf("unprintable character %U in string", r)
		}
		if msg != "" {
			at := posOf(s.pos)
			at.Offset, at.Column = i, at.Column+utf8.RuneCountInString(s.src[s.pos.Offset:i])
			return &Diagnostic{Pos: at, End: at, Msg: msg, Hint: hint}
		}
		i += size
	}
	return nil
}

// emit appends the token spanning s.pos to end and advances past it.
func (s *scanner) emit(typ lexer.TokenType, end int) {
	text := s.src[s.pos.Offset:end]
	s.toks = append(s.toks, lexer.Token{Type: typ, Value: text, Pos: s.pos})
	s.pos.Advance(text)
}

func (s *scanner) errorf(format, hint string, args ...any) error {
	return &Diagnostic{Pos: posOf(s.pos), End: posOf(s.pos), Msg: fmt.Sprintf(format, args...), Hint: hint}
}

func isIdentStart(r rune) bool { return r == '_' || unicode.IsLetter(r) }

func isIdentPart(r rune) bool {
	return r == '_' || r == '-' || r == '.' || unicode.IsLetter(r) || unicode.IsDigit(r)
}

// posOf converts a participle position to a Pos.
func posOf(p lexer.Position) Pos {
	return Pos{Filename: p.Filename, Offset: p.Offset, Line: p.Line, Column: p.Column}
}
