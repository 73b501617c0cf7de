package nctarget

import (
	"bytes"
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// This file is the canonical formatter behind nctarget fmt: like gofmt, it
// gives every rule one way to be written, so rules can be diffed and
// reviewed, and a CI step can insist on it. It prints the AST as parsed and
// never simplifies: parsing the output gives the same tree again, so the
// meaning cannot change, and formatting twice gives the same text.
//
// The canonical form:
//   - keywords and attribute names in canonical case (and, not, where,
//     appType, upToRemainingQuota); one space around operators and after
//     commas; no space inside brackets;
//   - value lists as "in (…)", single values too (gender = female is
//     gender in (female)); ranges as age[20,25), comparisons too
//     (age >= 20 is age[20,)); value names in lower case;
//   - every parenthesized group the tree has, and no others: a group is
//     printed in parentheses whenever it is an operand of and, or or not;
//   - the recipient expression, the where clause and the limit clause each
//     start a line, in that order;
//   - a clause longer than MaxWidth columns breaks before each operator of
//     its outermost and/or, continuation lines indented four spaces per
//     level of parentheses; a group that still does not fit breaks the same
//     way one level deeper, down to an indentation of 40 columns, below
//     which groups stay on one line; a long value list fills lines;
//   - comments are kept: a comment at the end of a clause's last line stays
//     there; a comment inside a clause ends the line of the atom it follows,
//     or, written on a line of its own, takes a line of its own after it;
//     any other comment is printed on its own line before the clause it is
//     in or precedes, and comments after the last clause stay at the end.
//     At most one blank line is kept between such lines.

// MaxWidth is the column at which Format breaks a long clause.
const MaxWidth = 80

// FormatSource parses a rule and returns its canonical text. Like gofmt,
// it is about layout: a rule that parses is formatted even when it has
// other errors (an unknown attribute, an unaligned bound, limit 0), each
// atom or limit clause in error kept as written; the error is then nil, and nctarget check is where
// those errors are reported. A rule with a syntax error cannot be
// formatted, and the error is Parse's. A byte order mark and CRLF line
// endings are kept as found.
func FormatSource(filename string, src []byte) ([]byte, error) {
	rule, err := Parse(filename, src)
	if rule == nil {
		return nil, err
	}
	var verbatim map[Node]string
	if err != nil {
		var ok bool
		if verbatim, ok = atomsInError(rule, Diagnostics(err), src); !ok {
			return nil, err
		}
	}
	out := format(rule, verbatim)
	if err != nil && !(sameErrors(filename, out, err) && stable(filename, out)) {
		return nil, err // an error outside the atoms kept: formatting could change what it says
	}
	out = keepEncoding(src, out)
	if len(out) > DefaultParseLimits.MaxBytes {
		p := Pos{Filename: filename, Line: 1, Column: 1}
		return nil, ErrorList{{Pos: p, End: p, Msg: fmt.Sprintf("the formatted rule would be %d bytes, over the limit of %d", len(out), DefaultParseLimits.MaxBytes),
			Hint: "split the rule"}}
	}
	return out, nil
}

// Format returns the canonical source text of rule, with its comments.
// It does not simplify: Parse(Format(r)) has the same tree as r.
func Format(rule *Rule) []byte { return format(rule, nil) }

// format is Format printing each atom of verbatim as the text given there:
// the source of an atom in error, which has no canonical form.
func format(rule *Rule, verbatim map[Node]string) []byte {
	if rule == nil {
		return nil
	}
	var out lineWriter
	items := clauses(rule, verbatim)
	cs := rule.Comments
	for i, it := range items {
		for len(cs) > 0 && cs[0].Pos().Offset <= it.start.Offset {
			out.line(cs[0].Pos().Line, cs[0].Pos().Line, cs[0].Text)
			cs = cs[1:]
		}
		var inner []Comment
		for len(cs) > 0 && cs[0].Pos().Offset < it.end.Offset {
			inner, cs = append(inner, cs[0]), cs[1:]
		}
		text, before := it.format(inner)
		for _, c := range before {
			out.line(c.Pos().Line, c.Pos().Line, c.Text)
		}
		if len(cs) > 0 && cs[0].Pos().Line == it.end.Line && (i+1 == len(items) || cs[0].Pos().Offset < items[i+1].start.Offset) {
			text += " " + cs[0].Text
			cs = cs[1:]
		}
		out.line(it.start.Line, it.end.Line, text)
	}
	for _, c := range cs {
		out.line(c.Pos().Line, c.Pos().Line, c.Text)
	}
	return []byte(out.b.String())
}

// lineWriter writes the lines of the output, keeping one blank line where
// the source had at least one between two lines it printed.
type lineWriter struct {
	b       strings.Builder
	endLine int // source line the last printed text ended on; 0 before any
}

func (w *lineWriter) line(start, end int, text string) {
	if w.endLine > 0 && start > w.endLine+1 {
		w.b.WriteByte('\n')
	}
	w.b.WriteString(text)
	w.b.WriteByte('\n')
	w.endLine = max(end, w.endLine)
}

// clause is one clause of a rule: the recipient expression, the where
// clause or the limit clause, with its source extent. format prints it
// with the comments written inside it, and returns those it could not
// place in it, to be printed on their own lines before it.
type clause struct {
	start, end Pos
	format     func(inner []Comment) (text string, before []Comment)
}

// clauses returns the clauses of rule in canonical order.
func clauses(rule *Rule, verbatim map[Node]string) []clause {
	var cs []clause
	if rule.Recipient != nil {
		cs = append(cs, clause{rule.Recipient.Pos(), rule.Recipient.End(), func(inner []Comment) (string, []Comment) {
			return formatClause("", rule.Recipient, verbatim, inner)
		}})
	}
	if rule.Filter != nil {
		cs = append(cs, clause{rule.Filter.Pos(), rule.Filter.End(), func(inner []Comment) (string, []Comment) {
			return formatClause("where ", rule.Filter, verbatim, inner)
		}})
	}
	if rule.Limit != nil {
		cs = append(cs, clause{rule.Limit.Pos(), rule.Limit.End(), func(inner []Comment) (string, []Comment) {
			if text, ok := verbatim[rule.Limit]; ok {
				return text, inner
			}
			return rule.Limit.String(), inner
		}})
	}
	return cs
}

// formatClause prints prefix and e, broken over lines when too long, with
// the comments written inside e: every group holding a comment breaks
// before each of its operators, and each comment ends the line of the atom
// it follows in the source, or, written on a line of its own, takes a line
// of its own after that atom's. Comments before e's first atom are
// returned, for their own lines before the clause.
func formatClause(prefix string, e Expr, verbatim map[Node]string, inner []Comment) (string, []Comment) {
	p := &printer{verbatim: verbatim}
	if len(inner) > 0 {
		p.comments, p.atomLine = inner, make(map[Expr]int)
	}
	p.WriteString(prefix)
	p.block(e, len(prefix), 0)
	if len(inner) == 0 {
		return p.String(), nil
	}
	lines := strings.Split(p.String(), "\n")
	var before []Comment
	after := make([][]Comment, len(lines)) // the comments after each line's atoms
	for _, c := range inner {
		line, end := -1, -1
		for atom, l := range p.atomLine {
			if off := atom.End().Offset; off <= c.Pos().Offset && off > end {
				line, end = l, off
			}
		}
		if line < 0 {
			before = append(before, c)
			continue
		}
		after[line] = append(after[line], c)
	}
	var b strings.Builder
	for i, l := range lines {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(l)
		for j, c := range after[i] {
			if j == 0 && !c.OwnLine {
				b.WriteString(" " + c.Text)
				continue
			}
			// A comment written on its own line, or a second one after the
			// same atom, gets a line of its own, indented as the clause's
			// next line is. After the clause's last line it is no longer
			// inside the clause when parsed again, and is printed as every
			// comment between clauses is: unindented.
			indent := ""
			if i+1 < len(lines) {
				next := lines[i+1]
				indent = next[:len(next)-len(strings.TrimLeft(next, " "))]
			}
			b.WriteString("\n" + indent + c.Text)
		}
	}
	return b.String(), before
}

// hasComment reports whether a comment of the clause being printed lies
// between two atoms of e, which must then break so the comment keeps its
// place after the first. A comment before e's first atom or after its last
// keeps its place whatever e's layout, so it breaks nothing: the layout of
// the output, parsed again, is then the same (fmt is idempotent).
func (p *printer) hasComment(e Expr) bool {
	if len(p.comments) == 0 {
		return false
	}
	atoms := Atoms(e)
	if len(atoms) < 2 {
		return false
	}
	from, to := atoms[0].End().Offset, atoms[len(atoms)-1].Pos().Offset
	i := sort.Search(len(p.comments), func(i int) bool { return p.comments[i].Pos().Offset >= from })
	return i < len(p.comments) && p.comments[i].Pos().Offset < to
}

// markAtom records the output line atom e is printed on.
func (p *printer) markAtom(e Expr) {
	if p.atomLine == nil {
		return
	}
	s := p.String()
	p.lines += strings.Count(s[p.counted:], "\n")
	p.counted = len(s)
	p.atomLine[e] = p.lines
}

// printer writes rule syntax. With max > 0 it stops writing once more
// than max bytes are written, so measuring or abbreviating a huge
// expression costs only max bytes.
type printer struct {
	strings.Builder
	max      int
	verbatim map[Node]string // atoms printed as given (see format)

	// With comments inside the clause (see formatClause): the comments,
	// in source order, the output line of each atom printed, and the
	// lines counted up to byte counted of the output.
	comments       []Comment
	atomLine       map[Expr]int
	lines, counted int
}

func (p *printer) full() bool { return p.max > 0 && p.Len() > p.max }

// fits reports whether e printed on one line takes at most room columns.
func (p *printer) fits(e Expr, room int) bool {
	if room <= 0 {
		return false
	}
	q := &printer{max: room, verbatim: p.verbatim}
	q.inline(e)
	return !q.full()
}

// inline writes e on one line.
func (p *printer) inline(e Expr) {
	if p.full() {
		return
	}
	switch e.(type) {
	case *Operator, *Not:
	default:
		p.markAtom(e)
	}
	if text, ok := p.verbatim[e]; ok {
		p.WriteString(text)
		return
	}
	switch n := e.(type) {
	case *Operator:
		for i, a := range n.Args {
			if i > 0 {
				p.WriteString(" " + n.Op.String() + " ")
			}
			p.operand(a)
			if p.full() {
				return
			}
		}
	case *Not:
		p.WriteString("not ")
		p.operand(n.X)
	case *Set:
		p.WriteString(n.Attr.String() + " in (")
		for i, v := range n.Values {
			if i > 0 {
				p.WriteString(", ")
			}
			p.WriteString(formatValue(n.Attr, v))
		}
		p.WriteString(")")
	case *Range:
		p.WriteString(n.Attr.String() + "[" + bound(n.Gte) + "," + bound(n.Lt) + ")")
	case *Audience:
		if n.Name != "" {
			p.WriteString("audience(" + quoteName(n.Name) + ")")
		} else {
			p.WriteString("audience(" + strconv.FormatInt(n.ID, 10) + ")")
		}
	case *Redelivery:
		p.WriteString("redelivery(" + strconv.Quote(n.RequestID) + ")")
	}
}

// operand writes an operand of and, or or not: a group in parentheses.
func (p *printer) operand(e Expr) {
	if _, ok := e.(*Operator); ok {
		p.WriteString("(")
		p.inline(e)
		p.WriteString(")")
		return
	}
	p.inline(e)
}

// maxIndent is the deepest indentation Format breaks at: groups nested
// deeper are printed on one line, so deep nesting cannot multiply the size
// of the text.
const maxIndent = MaxWidth / 2

// block writes e starting at column col, breaking it when it does not fit
// in MaxWidth; indent is the indentation of the line e starts on.
func (p *printer) block(e Expr, col, indent int) {
	if indent >= maxIndent || !p.hasComment(e) && p.fits(e, MaxWidth-col) {
		p.inline(e)
		return
	}
	switch n := e.(type) {
	case *Operator:
		next := indent + 4
		for i, a := range n.Args {
			if i > 0 {
				kw := n.Op.String() + " "
				p.WriteString("\n" + strings.Repeat(" ", next) + kw)
				col = next + len(kw)
			}
			p.blockOperand(a, col, next)
		}
	case *Not:
		p.WriteString("not ")
		p.blockOperand(n.X, col+4, indent)
	case *Set:
		p.fill(n, col, indent+4)
	default:
		p.inline(e)
	}
}

// blockOperand writes an operand at column col, in parentheses when it is
// a group; a group that does not fit breaks with its continuation lines
// at indent+4.
func (p *printer) blockOperand(e Expr, col, indent int) {
	if _, ok := e.(*Operator); !ok {
		p.block(e, col, indent)
		return
	}
	if !p.hasComment(e) && p.fits(e, MaxWidth-col-2) {
		p.operand(e)
		return
	}
	p.WriteString("(")
	p.block(e, col+1, indent)
	p.WriteString(")")
}

// fill writes a long value list, filling lines up to MaxWidth and
// continuing at indent.
func (p *printer) fill(n *Set, col, indent int) {
	head := n.Attr.String() + " in ("
	p.WriteString(head)
	col += len(head)
	for i, v := range n.Values {
		s := formatValue(n.Attr, v)
		if i > 0 {
			p.WriteString(",")
			col++
			if col+1+len(s)+1 > MaxWidth {
				p.WriteString("\n" + strings.Repeat(" ", indent))
				col = indent
			} else {
				p.WriteString(" ")
				col++
			}
		}
		p.WriteString(s)
		col += len(s)
	}
	p.WriteString(")")
}

// formatValue prints a set value as written, in its canonical lower-case
// spelling ("Tokyo" is tokyo, "Taipei City" is taipei_city), or as its
// code when no bare name says the same.
func formatValue(attr Attr, v Value) string {
	if v.Text == "" {
		return v.Code
	}
	for _, s := range []string{strings.ToLower(v.Text), areaKey(v.Text)} {
		if code, ok := lookupCode(attr, s); ok && code == v.Code && isBareWord(s) {
			return s
		}
	}
	return v.Code
}

// isBareWord reports whether s lexes as a single identifier, so it can be
// written without quotes.
func isBareWord(s string) bool {
	toks, err := lex("", []byte(s))
	return err == nil && len(toks) == 2 && toks[0].Type == tokenIdent
}

// syntax prints e on one line the way Format does, cut after about max
// bytes, for messages that quote an expression.
func syntax(e Expr, max int) string {
	p := &printer{max: max}
	p.inline(e)
	return cut(p.String(), max)
}

// cut shortens str to about max bytes, marking the cut with an ellipsis.
func cut(str string, max int) string {
	if max <= 0 || len(str) <= max {
		return str
	}
	n := max
	for n > 0 && str[n]&0xC0 == 0x80 { // do not split a UTF-8 sequence
		n--
	}
	return str[:n] + "…"
}

// atomsInError returns the source text of each atom of rule that an error
// of ds points into, its white space runs made single spaces, for format
// to print as written: an atom in error has no canonical form. A limit
// clause in error is printed from its words (see limitInError). It reports
// false when such an atom or clause cannot be kept on one line (a comment
// inside it).
func atomsInError(rule *Rule, ds []*Diagnostic, src []byte) (map[Node]string, bool) {
	verbatim := make(map[Node]string)
	for _, e := range append(Atoms(rule.Recipient), Atoms(rule.Filter)...) {
		if text, in := sourceInError(e, ds, src); in {
			if strings.Contains(text, "#") {
				return nil, false
			}
			verbatim[e] = strings.Join(strings.Fields(text), " ")
		}
	}
	if rule.Limit != nil {
		if text, in := sourceInError(rule.Limit, ds, src); in {
			words, ok := limitInError(text)
			if !ok {
				return nil, false
			}
			verbatim[rule.Limit] = words
		}
	}
	return verbatim, true
}

// sourceInError returns the source text of n when an error of ds points
// into it.
func sourceInError(n Node, ds []*Diagnostic, src []byte) (string, bool) {
	start, stop := n.Pos().Offset, n.End().Offset
	if start < 0 || stop > len(src) || start >= stop {
		return "", false
	}
	for _, d := range ds {
		if d.Severity == SeverityError && d.Pos.Offset >= start && d.Pos.Offset < stop {
			return string(src[start:stop]), true
		}
	}
	return "", false
}

// limitInError prints the source of a limit clause in error one word
// after another: the keyword and the options it knows in canonical case,
// every other word (the number, an unknown option) as written, for the
// clause as parsed may not say what was written (limit 0 parses to no
// number). It reports false when the clause holds a comment.
func limitInError(text string) (string, bool) {
	toks, err := lex("", []byte(text))
	if err != nil {
		return "", false
	}
	var words []string
	for _, t := range toks {
		switch {
		case t.Type == tokenComment:
			return "", false
		case t.Type == tokenWhitespace || t.Type == tokenEOF:
		case t.Type == tokenKeyword:
			words = append(words, strings.ToLower(t.Value))
		case t.Type == tokenIdent && strings.EqualFold(t.Value, "upToRemainingQuota"):
			words = append(words, "upToRemainingQuota")
		case t.Type == tokenIdent && strings.EqualFold(t.Value, "forbidPartialDelivery"):
			words = append(words, "forbidPartialDelivery")
		default:
			words = append(words, t.Value)
		}
	}
	return strings.Join(words, " "), true
}

// sameErrors reports whether the formatted text out has the errors err
// holds, the same messages in the same order: formatting then kept every
// problem as the user wrote it. Positions may differ; messages do not.
func sameErrors(filename string, out []byte, err error) bool {
	_, again := Parse(filename, out)
	want, got := Diagnostics(err), Diagnostics(again)
	if len(want) != len(got) {
		return false
	}
	for i := range want {
		if want[i].Msg != got[i].Msg {
			return false
		}
	}
	return true
}

// stable reports whether out, the formatting of a rule with errors, is
// formatted: formatting it again, atoms in error kept as written, gives it
// back. An atom kept as written that takes in text of the tree around it
// (a not written inside the atom's own span) fails this, and is not
// formatted.
func stable(filename string, out []byte) bool {
	rule, err := Parse(filename, out)
	if rule == nil {
		return false
	}
	verbatim, ok := atomsInError(rule, Diagnostics(err), out)
	return ok && bytes.Equal(format(rule, verbatim), out)
}

// keepEncoding gives out the byte order mark and line endings src has:
// a BOM when src starts with one, CRLF when src's first line ends so.
func keepEncoding(src, out []byte) []byte {
	const bom = "\uFEFF"
	if i := bytes.IndexByte(src, '\n'); i > 0 && src[i-1] == '\r' {
		out = bytes.ReplaceAll(out, []byte("\n"), []byte("\r\n"))
	}
	if bytes.HasPrefix(src, []byte(bom)) && !bytes.HasPrefix(out, []byte(bom)) {
		out = append([]byte(bom), out...)
	}
	return out
}
