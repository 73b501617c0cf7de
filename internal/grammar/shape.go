package grammar

import (
	"fmt"
	"strings"
)

// Parse parses a rule with the reference grammar. It reports only whether
// the rule is well formed; the tree is for Shape.
func Parse(filename string, src []byte) (*Rule, error) {
	s, err := source(src)
	if err != nil {
		return nil, err
	}
	cst, err := grammar.ParseString(filename, s)
	if err != nil {
		return nil, err
	}
	return &Rule{cst}, nil
}

// Rule is a rule parsed by the reference grammar.
type Rule struct{ cst *cstRule }

// Shape prints the tree nctarget's parser must build for the rule: the
// nodes of its AST with their byte spans, in the notation the fuzz target
// also prints nctarget's AST in:
//
//	rule@0-30 recipient=or@0-27(atom@0-11 atom@15-27) filter=nil limit=limit@28-30
//
// An and/or of one term is that term; each not of a run of nots is one
// node spanning the run and what follows; "x not in (…)" is a not over the
// atom; a parenthesized expression is the expression inside. Of the where
// clauses, the filter is the first, unless a limit clause comes before it;
// of the limit clauses, the first.
func (r *Rule) Shape() string {
	var filter *cstOr
	var limit *cstLimit
	for _, c := range r.cst.Clauses {
		switch {
		case c.Where != nil && filter == nil && limit == nil:
			filter = c.Where.Filter
		case c.Limit != nil && limit == nil:
			limit = c.Limit
		}
	}
	// participle leaves EndPos zero for a rule of no tokens (only a byte
	// order mark, blanks or comments): such a rule ends where it starts.
	end := max(r.cst.EndPos.Offset, r.cst.Pos.Offset)
	s := fmt.Sprintf("rule@%d-%d recipient=%s filter=%s limit=", r.cst.Pos.Offset, end, orShape(r.cst.Recipient), orShape(filter))
	if limit == nil {
		return s + "nil"
	}
	return s + fmt.Sprintf("limit@%d-%d", limit.Pos.Offset, limit.EndPos.Offset)
}

func orShape(c *cstOr) string {
	if c == nil {
		return "nil"
	}
	terms := make([]string, len(c.Terms))
	for i, t := range c.Terms {
		terms[i] = andShape(t)
	}
	return nary("or", c.Pos.Offset, c.EndPos.Offset, terms)
}

func andShape(c *cstAnd) string {
	terms := make([]string, len(c.Terms))
	for i, t := range c.Terms {
		terms[i] = notShape(t)
	}
	return nary("and", c.Pos.Offset, c.EndPos.Offset, terms)
}

// nary is the shape of an and/or chain.
func nary(op string, start, end int, terms []string) string {
	if len(terms) == 1 {
		return terms[0]
	}
	return fmt.Sprintf("%s@%d-%d(%s)", op, start, end, strings.Join(terms, " "))
}

func notShape(c *cstNot) string {
	var x string
	if c.Primary.Group != nil {
		x = orShape(c.Primary.Group)
	} else {
		a := c.Primary.Atom
		x = fmt.Sprintf("atom@%d-%d", a.Pos.Offset, a.EndPos.Offset)
		if a.In != nil && a.In.Not {
			x = fmt.Sprintf("not@%d-%d(%s)", a.Pos.Offset, a.EndPos.Offset, x)
		}
	}
	for range c.Nots {
		x = fmt.Sprintf("not@%d-%d(%s)", c.Pos.Offset, c.EndPos.Offset, x)
	}
	return x
}
