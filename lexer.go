package nctarget

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// tokenType is the kind of a token.
type tokenType int

// The token types of the rule language.
const (
	tokenEOF        tokenType = iota // the end of the source
	tokenIdent                       // vip, gender, tokyo, upToRemainingQuota
	tokenKeyword                     // and, or, not, in, where, limit (any case)
	tokenInt                         // 5614991017776
	tokenString                      // "5b59509c-c57b-11e9-aa8c-2a2ae2dbcce4"
	tokenPunct                       // ( ) [ ] , = >= < and the near misses > <= == !=
	tokenComment                     // # to the end of the line
	tokenWhitespace                  // spaces, tabs and newlines
)

// token is one token of a rule: its type, its text as written and where
// it starts.
type token struct {
	Type  tokenType
	Value string
	Pos   Pos
}

// End returns the position just after the token. Tokens other than
// whitespace never span lines, so the column moves by the token's runes.
func (t token) End() Pos { return t.Pos.advance(t.Value) }

// advance returns p moved past text on the same line.
func (p Pos) advance(text string) Pos {
	p.Offset += len(text)
	p.Column += utf8.RuneCountInString(text)
	return p
}

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

// The lexer is hand-written rather than built from regular expressions so
// that it can say what is wrong with a bad token ("unterminated string")
// and so that it costs one pass over the source with no backtracking.

// scanner walks the source one token at a time, tracking line and column.
type scanner struct {
	src  string
	pos  Pos
	toks []token
}

// lex tokenizes src completely, ending with an EOF token. On a malformed
// token it returns the tokens before it, without EOF, and a *Diagnostic.
func lex(filename string, src []byte) ([]token, error) {
	s := &scanner{src: string(src), pos: Pos{Filename: filename, Line: 1, Column: 1}}
	s.toks = make([]token, 0, len(src)/3+1)
	if strings.HasPrefix(s.src, "\uFEFF") { // a byte order mark from a Windows editor
		s.pos.Offset = 3
	}
	for s.pos.Offset < len(s.src) {
		if err := s.next(); err != nil {
			return s.toks, err
		}
	}
	s.toks = append(s.toks, token{Type: tokenEOF, Pos: s.pos})
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
		if text := s.src[start : start+end]; !utf8.ValidString(text) {
			return s.commentError(text)
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
// could make a formatted string longer than ParseLimits.MaxString.
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
			at := s.pos.advance(s.src[s.pos.Offset:i])
			return &Diagnostic{Pos: at, End: at, Msg: msg, Hint: hint}
		}
		i += size
	}
	return nil
}

// emit appends the token spanning s.pos to end and advances past it.
func (s *scanner) emit(typ tokenType, end int) {
	text := s.src[s.pos.Offset:end]
	s.toks = append(s.toks, token{Type: typ, Value: text, Pos: s.pos})
	s.pos = s.pos.advanceLines(text)
}

// advanceLines returns p moved past text, which may span lines.
func (p Pos) advanceLines(text string) Pos {
	if i := strings.LastIndexByte(text, '\n'); i >= 0 {
		p.Line += strings.Count(text, "\n")
		p.Offset += i + 1
		p.Column = 1
		text = text[i+1:]
	}
	return p.advance(text)
}

// commentError reports the first invalid UTF-8 byte of the comment text
// that starts at s.pos: rules are UTF-8 text throughout, comments too, so a
// file in another encoding is caught wherever its first such byte is.
func (s *scanner) commentError(text string) error {
	i := 0
	for i < len(text) {
		r, size := utf8.DecodeRuneInString(text[i:])
		if r == utf8.RuneError && size == 1 {
			break
		}
		i += size
	}
	at := s.pos.advance(text[:i])
	return &Diagnostic{Pos: at, End: at, Msg: fmt.Sprintf("invalid UTF-8 byte %#x in a comment", text[i]),
		Hint: "rules are UTF-8 text; re-save the file as UTF-8"}
}

func (s *scanner) errorf(format, hint string, args ...any) error {
	return &Diagnostic{Pos: s.pos, End: s.pos, Msg: fmt.Sprintf(format, args...), Hint: hint}
}

func isIdentStart(r rune) bool { return r == '_' || unicode.IsLetter(r) }

func isIdentPart(r rune) bool {
	return r == '_' || r == '-' || r == '.' || unicode.IsLetter(r) || unicode.IsDigit(r)
}
