package grammar

import (
	"github.com/alecthomas/participle/v2"
	"github.com/alecthomas/participle/v2/lexer"
)

// Package grammar is the reference definition of the rule language's
// syntax: a participle grammar, with a lexer written as regular
// expressions. nctarget's parser (parse.go in the root package) is a
// hand-written recursive-descent parser; this grammar is the oracle it is
// checked against. Tests assert on the corpus, and a fuzz target on any
// input, that both accept exactly the same rules and build the same trees
// (see Shape), and the grammar renders testdata/grammar.ebnf, so a change
// to the language shows up in review.
//
// Only tests import this package: it keeps participle out of the programs
// that embed nctarget.
//
// The structs mirror the text, not its meaning. Precedence is layered: or
// binds loosest, then and, then not. Recipient atoms and demographic atoms
// share one atom production, as in the parser, which checks afterwards
// which attribute takes which form and which values exist.

// cstRule is a whole rule: an optional recipient expression, then clauses.
// Clauses are a list, not a fixed order, so a duplicate or misplaced clause
// is reported by name during lowering.
type cstRule struct {
	Pos       lexer.Position
	EndPos    lexer.Position
	Recipient *cstOr       `parser:"@@?"`
	Clauses   []*cstClause `parser:"@@*"`
}

// cstClause is "where <filter>" or "limit …".
type cstClause struct {
	Pos   lexer.Position
	Where *cstWhere `parser:"  @@"`
	Limit *cstLimit `parser:"| @@"`
}

// cstWhere is "where <filter>".
type cstWhere struct {
	Pos    lexer.Position
	Filter *cstOr `parser:"'where' @@"`
}

// cstLimit is "limit 100 upToRemainingQuota forbidPartialDelivery".
type cstLimit struct {
	Pos    lexer.Position
	EndPos lexer.Position
	Max    *cstInt     `parser:"'limit' @@?"`
	Flags  []*cstValue `parser:"@@*"`
}

// cstOr is "a or b or …".
type cstOr struct {
	Pos    lexer.Position
	EndPos lexer.Position
	Terms  []*cstAnd `parser:"@@ ( 'or' @@ )*"`
}

// cstAnd is "a and b and …".
type cstAnd struct {
	Pos    lexer.Position
	EndPos lexer.Position
	Terms  []*cstNot `parser:"@@ ( 'and' @@ )*"`
}

// cstNot is any number of "not" before a primary. The nots are a list,
// not a recursion, so "not not … x" cannot exhaust the stack.
type cstNot struct {
	Pos     lexer.Position
	EndPos  lexer.Position
	Nots    []string    `parser:"@'not'*"`
	Primary *cstPrimary `parser:"@@"`
}

// cstPrimary is a parenthesized expression or an atom.
type cstPrimary struct {
	Pos    lexer.Position
	EndPos lexer.Position
	Group  *cstOr   `parser:"  '(' @@ ')'"`
	Atom   *cstAtom `parser:"| @@"`
}

// cstAtom is a name followed by what makes it an atom: call arguments
// (audience(…)), a value list (gender in (…)), a range (age[20,25)) or a
// comparison (age >= 20).
type cstAtom struct {
	Pos     lexer.Position
	EndPos  lexer.Position
	Name    string      `parser:"@Ident"`
	Call    *cstCall    `parser:"( @@"`
	In      *cstIn      `parser:"| @@"`
	Range   *cstRange   `parser:"| @@"`
	Compare *cstCompare `parser:"| @@ )"`
}

// cstCall is the argument list of audience(…) or redelivery(…).
type cstCall struct {
	Pos    lexer.Position
	EndPos lexer.Position
	Args   []*cstValue `parser:"'(' ( @@ ( ',' @@ )* )? ')'"`
}

// cstIn is "in (v, …)" or "not in (v, …)".
type cstIn struct {
	Pos    lexer.Position
	EndPos lexer.Position
	Not    bool        `parser:"@'not'?"`
	Values []*cstValue `parser:"'in' '(' ( @@ ( ',' @@ )* ','? )? ')'"`
}

// cstRange is "[gte,lt)"; a closing "]" is accepted here so lowering can
// explain that ranges are half-open.
type cstRange struct {
	Pos    lexer.Position
	EndPos lexer.Position
	Gte    *cstValue `parser:"'[' @@?"`
	Lt     *cstValue `parser:"',' @@?"`
	Close  string    `parser:"@( ')' | ']' )"`
}

// cstCompare is "= v", ">= n" or "< n"; the operators the language lacks
// are accepted here so lowering can say which form to use instead.
type cstCompare struct {
	Pos    lexer.Position
	EndPos lexer.Position
	Op     string    `parser:"@( '>=' | '<=' | '==' | '!=' | '=' | '>' | '<' )"`
	Value  *cstValue `parser:"@@"`
}

// cstValue is an identifier, a whole number or a quoted string.
type cstValue struct {
	Pos    lexer.Position
	EndPos lexer.Position
	Ident  *string `parser:"(  @Ident"`
	Int    *string `parser:" | @Int"`
	String *string `parser:" | @String )"`
}

// cstInt is a whole number.
type cstInt struct {
	Pos    lexer.Position
	EndPos lexer.Position
	Text   string `parser:"@Int"`
}

// grammar is the participle parser for rules, built once.
var grammar = participle.MustBuild[cstRule](
	participle.Lexer(ruleLexer),
	participle.Map(keyword, "Ident"),
	participle.Map(printableString, "String"),
	participle.Elide("Whitespace", "Comment"),
	participle.CaseInsensitive("Keyword"),
	participle.UseLookahead(2),
)

// EBNF returns the grammar in EBNF, as participle prints it.
func EBNF() string { return grammar.String() }
