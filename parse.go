package nctarget

import (
	"fmt"
	"slices"
	"strings"
)

// This file is the front of the pipeline: Parse runs the lexer of
// lexer.go, the limit checks of limits.go, a recursive-descent parser
// that builds the AST of ast.go directly, and validate (validate.go) on
// what it built. The parser reports what the tree cannot hold as it
// builds each atom (parse_atoms.go), collecting every such problem, and
// stops at the first syntax error, which it explains from what it was
// parsing when it failed (parse_errors.go); the API's rules on the tree
// are validate's alone.
//
// The syntax is also written down as a participle grammar in
// internal/grammar, the reference definition: tests check on the corpus
// and in a fuzz target that both accept exactly the same rules and build
// the same trees, and it renders testdata/grammar.ebnf.

// Parse parses a rule with DefaultParseLimits. filename is used only in
// positions. The error, if any, is an ErrorList holding every problem found.
func Parse(filename string, src []byte) (*Rule, error) {
	return ParseLimits{}.Parse(filename, src)
}

// Parse parses a rule: it tokenizes src, checks the token stream against
// the limits and for balanced brackets, parses it into the AST and
// validates the tree. It returns every problem it finds, not just the
// first, in source order, up to maxErrors. After a syntax error the rule is
// nil and the error holds that one diagnostic; after other errors the rule
// is returned beside them, with placeholder atoms where atoms were wrong.
func (l ParseLimits) Parse(filename string, src []byte) (*Rule, error) {
	l = l.withDefaults()
	if len(src) > l.MaxBytes {
		p := Pos{Filename: filename, Line: 1, Column: 1}
		return nil, ErrorList{{Pos: p, End: p, Msg: fmt.Sprintf("rule is %d bytes, over the limit of %d", len(src), l.MaxBytes),
			Hint: "split the rule" + byProgram("MaxBytes")}}
	}
	toks, err := lex(filename, src)
	if err != nil {
		return nil, ErrorList{err.(*Diagnostic)}
	}
	if d := checkTokens(toks, l); d != nil {
		return nil, ErrorList{d}
	}
	p := &parser{toks: toks, limits: l}
	rule, syntaxErr := p.parse()
	if syntaxErr != nil {
		return nil, ErrorList{syntaxErr}
	}
	rule.Comments = comments(toks)
	return rule, p.diagnostics(rule).Err()
}

// diagnostics returns the parser's diagnostics and validate's on rule
// together, sorted, leaving out the violations the parser's own already
// tell (explain): at most maxErrors of them, then one saying it stopped,
// where the parser stopped or at the first diagnostic left out (at its
// atom, for a violation).
func (p *parser) diagnostics(rule *Rule) ErrorList {
	type found struct {
		d    *Diagnostic
		stop Pos // where the diagnostics stop if this is the first left out
	}
	all := make([]found, 0, len(p.errs))
	for _, d := range p.errs {
		all = append(all, found{d, d.Pos})
	}
	for _, v := range (&validator{explained: p.explained, until: p.stop}).rule(rule) {
		all = append(all, found{v.diagnostic(), v.node.Pos()})
	}
	if len(all) == len(p.errs) && len(all) <= maxErrors+1 {
		return p.errs // no violations: the parser's list, which stops where the parser did
	}
	slices.SortStableFunc(all, func(a, b found) int { return compareDiagnostics(a.d, b.d) })
	errs := make(ErrorList, 0, min(len(all), maxErrors+1))
	for i, f := range all {
		switch {
		case i < maxErrors:
			errs = append(errs, f.d)
			continue
		case f.d.Msg == stoppedMsg: // the parser stopped here
			errs = append(errs, f.d)
		default:
			errs.add(f.stop, stoppedHint, "%s", stoppedMsg)
		}
		break
	}
	return errs
}

// explain records that the parser's diagnostics on n already tell its
// violations of the kinds given (a placeholder for an atom in error:
// faultAny), so validate's are not reported beside them.
func (p *parser) explain(n Node, kinds fault) {
	if p.explained == nil {
		p.explained = make(map[Node]fault)
	}
	p.explained[n] |= kinds
}

// parser is a recursive-descent parser over the token stream of lex. It
// reads tokens by index, skipping whitespace and comments; a syntax error
// is raised with panic and recovered by parse, as text/template/parse does,
// so the productions read as the grammar does.
type parser struct {
	toks   []token
	i      int   // index of the next token not yet consumed, whitespace included
	prev   token // the last significant token consumed; zero at the start
	limits ParseLimits

	// list is the kind of value list being parsed ("call", "in", "range"),
	// or "" outside one: it decides what a syntax error inside says.
	list string

	errs  ErrorList // the problems found so far, other than syntax errors
	atoms int       // atoms parsed so far, for ParseLimits.MaxAtoms
	stop  Pos       // where maxErrors was reached and said so; zero before

	// explained holds, for each node built after an error, the kinds of
	// violation of it its diagnostics already tell: what validate finds
	// missing from a set whose unknown values were left out is no news.
	explained map[Node]fault
}

// maxErrors is how many diagnostics the parser collects before it stops
// looking. Past it, a rule of thousands of bad atoms would spend its time
// and memory on did-you-mean suggestions nobody reads.
const maxErrors = 100

// The diagnostic that says the parser stopped at maxErrors.
var (
	stoppedMsg  = fmt.Sprintf("too many errors; stopped after %d", maxErrors)
	stoppedHint = "fix these and run again"
)

// syntaxError is the panic value that carries a syntax error to parse.
type syntaxError struct{ d *Diagnostic }

// parse parses the whole rule, returning the syntax error that stopped it,
// if any.
func (p *parser) parse() (r *Rule, err *Diagnostic) {
	defer func() {
		if e := recover(); e != nil {
			se, ok := e.(syntaxError)
			if !ok {
				panic(e)
			}
			r, err = nil, se.d
		}
	}()
	return p.rule(), nil
}

// peekIndex returns the index of the next significant token.
func (p *parser) peekIndex() int {
	j := p.i
	for j < len(p.toks)-1 && (p.toks[j].Type == tokenWhitespace || p.toks[j].Type == tokenComment) {
		j++
	}
	return j
}

// peek returns the next significant token, without consuming it.
func (p *parser) peek() token { return p.toks[p.peekIndex()] }

// peekAfter returns the significant token after the next one.
func (p *parser) peekAfter() token {
	save := p.i
	p.i = p.peekIndex()
	if p.i < len(p.toks)-1 {
		p.i++
	}
	t := p.peek()
	p.i = save
	return t
}

// next consumes and returns the next significant token.
func (p *parser) next() token {
	j := p.peekIndex()
	if j < len(p.toks)-1 {
		p.i = j + 1
	} else {
		p.i = j
	}
	p.prev = p.toks[j]
	return p.prev
}

// end returns the position just after the last consumed token (the start
// of the token that follows it, whitespace included).
func (p *parser) end() Pos { return p.toks[p.i].Pos }

// is reports whether the next token is the punctuation or keyword s.
func (p *parser) is(s string) bool {
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
func (p *parser) accept(s string) bool {
	if p.is(s) {
		p.next()
		return true
	}
	return false
}

// expect consumes the next token, which must be s.
func (p *parser) expect(s string) token {
	if !p.is(s) {
		p.unexpected()
	}
	return p.next()
}

// errorf raises a syntax error at the next token.
func (p *parser) errorf(msg, hint string) {
	panic(syntaxError{tokenError(p.peek(), msg, hint)})
}

// rule parses a whole rule: an optional recipient expression, then where
// and limit clauses. Clauses are read as a list, not in a fixed order, so a
// duplicate or misplaced clause is reported by name.
func (p *parser) rule() *Rule {
	start := p.peek().Pos
	r := &Rule{}
	if !p.is("where") && !p.is("limit") && p.peek().Type != tokenEOF {
		r.Recipient = p.or(recipientExpr)
	}
	afterLimit := false
	for p.peek().Type != tokenEOF {
		afterLimit = p.clause(r, afterLimit)
	}
	r.Span = Span{pos: start, end: p.end()}
	if r.End().Offset < start.Offset { // no tokens, only blanks and comments: the rule ends where it starts
		r.end = start
	}
	return r
}

// clause parses "where <filter>" or "limit …" into r, and reports whether
// it was a limit clause. A clause that may not come where it is, is
// reported and parsed for its syntax only. afterLimit says the clause
// before was a limit clause, which is all a syntax error here can be
// about.
func (p *parser) clause(r *Rule, afterLimit bool) bool {
	at := p.peek().Pos
	switch {
	case p.is("where"):
		msg, hint := "", ""
		switch {
		case r.Filter != nil:
			msg, hint = "duplicate where clause", "combine the filters with and: where a and b"
		case r.Limit != nil:
			msg, hint = "where clause after the limit clause", "write where before limit"
		}
		p.next()
		if msg == "" {
			r.Filter = p.or(filterExpr)
			return false
		}
		p.errs.add(at, hint, "%s", msg)
		p.skipping(func() { p.or(filterExpr) })
		return false
	case p.is("limit"):
		if r.Limit == nil {
			r.Limit = p.limit()
			return true
		}
		p.errs.add(at, "give one limit clause: limit 100 upToRemainingQuota", "duplicate limit clause")
		p.skipping(func() { p.limit() })
		return true
	case afterLimit:
		p.errorf("unexpected "+describeToken(p.peek())+" after the limit clause",
			"the limit clause comes last: a number, then the options upToRemainingQuota and forbidPartialDelivery")
	}
	p.unexpected()
	return false
}

// skipping runs parse for its syntax errors only, forgetting the atoms it
// counts and the other problems it finds.
func (p *parser) skipping(parse func()) {
	errs, atoms, stop := len(p.errs), p.atoms, p.stop
	parse()
	p.errs, p.atoms, p.stop = p.errs[:errs], atoms, stop
}

// exprKind says which side of where an expression is on; each side takes
// its own kind of atom.
type exprKind int

const (
	recipientExpr exprKind = iota // before where: audience, redelivery
	filterExpr                    // after where: demographic atoms
)

// or parses "a or b or …": or binds loosest, then and, then not. A single
// term is itself; several are one n-ary Operator, as in the API's operator
// object.
func (p *parser) or(kind exprKind) Expr {
	start := p.peek().Pos
	x := p.and(kind)
	if !p.is("or") {
		return x
	}
	o := &Operator{Op: OpOr, Args: []Expr{x}}
	for p.accept("or") {
		o.Args = append(o.Args, p.and(kind))
	}
	o.Span = Span{pos: start, end: p.end()}
	return o
}

// and parses "a and b and …".
func (p *parser) and(kind exprKind) Expr {
	start := p.peek().Pos
	x := p.not(kind)
	if !p.is("and") {
		return x
	}
	o := &Operator{Op: OpAnd, Args: []Expr{x}}
	for p.accept("and") {
		o.Args = append(o.Args, p.not(kind))
	}
	o.Span = Span{pos: start, end: p.end()}
	return o
}

// not parses any number of nots before a parenthesized expression or an
// atom. The nots are counted in a loop, not a recursion, so
// "not not … x" cannot exhaust the stack; each nests one Not covering
// the whole run.
func (p *parser) not(kind exprKind) Expr {
	start := p.peek().Pos
	nots := 0
	for p.accept("not") {
		nots++
	}
	var x Expr
	if p.accept("(") {
		x = p.or(kind)
		p.expect(")")
	} else {
		x = p.atom(kind)
	}
	span := Span{pos: start, end: p.end()}
	for range nots {
		x = &Not{Span: span, X: x}
	}
	return x
}

// comments returns the rule's comments in source order.
func comments(toks []token) []Comment {
	var cs []Comment
	lastLine := 0 // the line of the last token other than blanks and comments
	for _, t := range toks {
		switch t.Type {
		case tokenWhitespace:
		case tokenComment:
			cs = append(cs, Comment{Span: Span{pos: t.Pos, end: t.End()}, Text: strings.TrimRight(t.Value, "\r"), OwnLine: t.Pos.Line > lastLine})
		default:
			lastLine = t.Pos.Line
		}
	}
	return cs
}
