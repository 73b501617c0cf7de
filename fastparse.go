package nctarget

import (
	"strings"

	"github.com/alecthomas/participle/v2/lexer"
)

// This file is a hand-written recursive-descent parser for the grammar of
// grammar.go. It builds the same concrete syntax tree participle builds,
// positions included, in a fraction of the time and allocations:
// participle is reflection-based and pays for backtracking machinery this
// LL(1) grammar never needs, which made it most of the cost of compiling a
// rule (see docs/compiler.md).
//
// It is a fast path for valid rules only. Whenever it meets something it
// does not expect it gives up, and Parse runs participle, which stays the
// definition of the syntax and the source of every syntax error. So the
// fast path can never change what is accepted or how an error reads, only
// how fast a valid rule parses; TestFastParserMatchesParticiple checks that
// both parsers build identical trees for every rule in testdata and the
// fuzz corpus.

// fastParser walks the token stream of lex. Tokens are read by index;
// whitespace and comments are skipped the way participle.Elide does.
type fastParser struct {
	toks []lexer.Token
	i    int // index of the next token not yet consumed (raw)
}

// parseFast parses toks into a CST, or reports false when the rule is not
// one it accepts without doubt; the caller then asks participle.
func parseFast(toks []lexer.Token) (*cstRule, bool) {
	p := &fastParser{toks: toks}
	return p.rule()
}

// peekIndex returns the index of the next significant token.
func (p *fastParser) peekIndex() int {
	j := p.i
	for j < len(p.toks)-1 && (p.toks[j].Type == tokenWhitespace || p.toks[j].Type == tokenComment) {
		j++
	}
	return j
}

// peek returns the next significant token, without consuming it.
func (p *fastParser) peek() *lexer.Token { return &p.toks[p.peekIndex()] }

// next consumes and returns the next significant token.
func (p *fastParser) next() *lexer.Token {
	j := p.peekIndex()
	if j < len(p.toks)-1 {
		p.i = j + 1
	} else {
		p.i = j
	}
	return &p.toks[j]
}

// end returns the position just after the last consumed token: the raw
// token that follows it, whitespace included, as participle's EndPos.
func (p *fastParser) end() lexer.Position { return p.toks[p.i].Pos }

// is reports whether the next token is the punctuation or keyword s.
func (p *fastParser) is(s string) bool {
	t := p.peek()
	switch t.Type {
	case tokenPunct:
		return t.Value == s
	case tokenKeyword:
		return strings.EqualFold(t.Value, s)
	}
	return false
}

// accept consumes the next token when it is s.
func (p *fastParser) accept(s string) bool {
	if p.is(s) {
		p.next()
		return true
	}
	return false
}

func (p *fastParser) rule() (*cstRule, bool) {
	r := &cstRule{Pos: p.peek().Pos}
	if !p.is("where") && !p.is("limit") && !p.peek().EOF() {
		or, ok := p.or()
		if !ok {
			return nil, false
		}
		r.Recipient = or
	}
	for !p.peek().EOF() {
		c, ok := p.clause()
		if !ok {
			return nil, false
		}
		r.Clauses = append(r.Clauses, c)
	}
	r.EndPos = p.end()
	return r, true
}

func (p *fastParser) clause() (*cstClause, bool) {
	c := &cstClause{Pos: p.peek().Pos}
	switch {
	case p.is("where"):
		w := &cstWhere{Pos: p.next().Pos}
		or, ok := p.or()
		if !ok {
			return nil, false
		}
		w.Filter, c.Where = or, w
	case p.is("limit"):
		l, ok := p.limit()
		if !ok {
			return nil, false
		}
		c.Limit = l
	default:
		return nil, false
	}
	return c, true
}

func (p *fastParser) limit() (*cstLimit, bool) {
	l := &cstLimit{Pos: p.next().Pos}
	if t := p.peek(); t.Type == tokenInt {
		p.next()
		l.Max = &cstInt{Pos: t.Pos, EndPos: p.end(), Text: t.Value}
	}
	for {
		v, ok := p.value()
		if !ok {
			break
		}
		l.Flags = append(l.Flags, v)
	}
	l.EndPos = p.end()
	return l, true
}

func (p *fastParser) or() (*cstOr, bool) {
	o := &cstOr{Pos: p.peek().Pos}
	for {
		a, ok := p.and()
		if !ok {
			return nil, false
		}
		o.Terms = append(o.Terms, a)
		if !p.accept("or") {
			break
		}
	}
	o.EndPos = p.end()
	return o, true
}

func (p *fastParser) and() (*cstAnd, bool) {
	a := &cstAnd{Pos: p.peek().Pos}
	for {
		n, ok := p.not()
		if !ok {
			return nil, false
		}
		a.Terms = append(a.Terms, n)
		if !p.accept("and") {
			break
		}
	}
	a.EndPos = p.end()
	return a, true
}

func (p *fastParser) not() (*cstNot, bool) {
	n := &cstNot{Pos: p.peek().Pos}
	for p.is("not") {
		n.Nots = append(n.Nots, p.next().Value)
	}
	prim, ok := p.primary()
	if !ok {
		return nil, false
	}
	n.Primary, n.EndPos = prim, p.end()
	return n, true
}

func (p *fastParser) primary() (*cstPrimary, bool) {
	c := &cstPrimary{Pos: p.peek().Pos}
	if p.accept("(") {
		or, ok := p.or()
		if !ok || !p.accept(")") {
			return nil, false
		}
		c.Group = or
	} else {
		a, ok := p.atom()
		if !ok {
			return nil, false
		}
		c.Atom = a
	}
	c.EndPos = p.end()
	return c, true
}

func (p *fastParser) atom() (*cstAtom, bool) {
	t := p.peek()
	if t.Type != tokenIdent {
		return nil, false
	}
	a := &cstAtom{Pos: t.Pos, Name: p.next().Value}
	ok := false
	switch start := p.peek().Pos; {
	case p.is("("):
		a.Call, ok = p.call(start)
	case p.is("not") || p.is("in"):
		a.In, ok = p.in(start)
	case p.is("["):
		a.Range, ok = p.rangeAtom(start)
	default:
		a.Compare, ok = p.compare(start)
	}
	a.EndPos = p.end()
	return a, ok
}

func (p *fastParser) call(start lexer.Position) (*cstCall, bool) {
	c := &cstCall{Pos: start}
	p.next() // (
	if !p.is(")") {
		vals, ok := p.values(false)
		if !ok {
			return nil, false
		}
		c.Args = vals
	}
	if !p.accept(")") {
		return nil, false
	}
	c.EndPos = p.end()
	return c, true
}

func (p *fastParser) in(start lexer.Position) (*cstIn, bool) {
	c := &cstIn{Pos: start, Not: p.accept("not")}
	if !p.accept("in") || !p.accept("(") {
		return nil, false
	}
	if !p.is(")") {
		vals, ok := p.values(true)
		if !ok {
			return nil, false
		}
		c.Values = vals
	}
	if !p.accept(")") {
		return nil, false
	}
	c.EndPos = p.end()
	return c, true
}

// values parses "v, v, …", with a trailing comma when trailing is set.
func (p *fastParser) values(trailing bool) ([]*cstValue, bool) {
	var vals []*cstValue
	for {
		v, ok := p.value()
		if !ok {
			return nil, false
		}
		vals = append(vals, v)
		if !p.accept(",") {
			return vals, true
		}
		if trailing && p.is(")") {
			return vals, true
		}
	}
}

func (p *fastParser) rangeAtom(start lexer.Position) (*cstRange, bool) {
	c := &cstRange{Pos: start}
	p.next() // [
	c.Gte, _ = p.value()
	if !p.accept(",") {
		return nil, false
	}
	c.Lt, _ = p.value()
	if !p.is(")") && !p.is("]") {
		return nil, false
	}
	c.Close = p.next().Value
	c.EndPos = p.end()
	return c, true
}

// compareOps are the operators cstCompare captures.
var compareOps = map[string]bool{">=": true, "<=": true, "==": true, "!=": true, "=": true, ">": true, "<": true}

func (p *fastParser) compare(start lexer.Position) (*cstCompare, bool) {
	t := p.peek()
	if t.Type != tokenPunct || !compareOps[t.Value] {
		return nil, false
	}
	c := &cstCompare{Pos: start, Op: p.next().Value}
	v, ok := p.value()
	if !ok {
		return nil, false
	}
	c.Value, c.EndPos = v, p.end()
	return c, true
}

// value parses an identifier, a whole number or a string, or reports
// false, consuming nothing, when the next token is none of them.
func (p *fastParser) value() (*cstValue, bool) {
	t := p.peek()
	v := &cstValue{Pos: t.Pos}
	text := t.Value
	switch t.Type {
	case tokenIdent:
		v.Ident = &text
	case tokenInt:
		v.Int = &text
	case tokenString:
		v.String = &text
	default:
		return nil, false
	}
	p.next()
	v.EndPos = p.end()
	return v, true
}
