package nctarget

import (
	"strings"

	"github.com/nctarget/nctarget/decide"
)

// This file holds the exact lints of a rule, decided by package decide
// rather than spotted by rewrite rules: a part of the recipient
// expression or of the filter that matches nobody is an error, always,
// since LINE accepts the JSON and fails the delivery; a part that matches
// every friend, and an operand its and/or means the same without, are
// warnings. Compile runs them on every rule, simplified or not, so check,
// compile, eval and the editors say the same.

// maxLintAtoms is the most atoms a side of a rule may have for Lint (and
// the simplifier's oracle) to decide it. Real rules have a few dozen; a
// side beyond it (a generated rule of thousands of atoms) is checked by
// the simplifier's rewrite rules alone.
const maxLintAtoms = 2000

// Lint returns the diagnostics of r's exact lints, errors and warnings
// together, in source order. Audiences must be resolved (Compile resolves
// them first) or named alike for equal audiences.
func Lint(r *Rule) []*Diagnostic {
	var ds []*Diagnostic
	ds = append(ds, lintSide(r.Recipient, false)...)
	ds = append(ds, lintSide(r.Filter, true)...)
	ErrorList(ds).Sort()
	return ds
}

// lintSide lints one side of a rule: the filter or the recipient
// expression.
func lintSide(e Expr, filter bool) []*Diagnostic {
	t, findings := lintFindings(e, filter)
	side := "recipient expression"
	if filter {
		side = "filter"
	}
	l := linter{t: t, top: e, side: side}
	var ds []*Diagnostic
	for _, x := range findings {
		ds = append(ds, l.diagnostic(x))
	}
	return ds
}

// lintFindings returns decide's findings on one side of a rule, with the
// translator that leads back from them to the side's expressions; none
// for a side decide cannot decide.
func lintFindings(e Expr, filter bool) (*translator, []decide.Finding) {
	t, f := decidable(e, filter)
	if f == nil {
		return nil, nil
	}
	findings, err := decide.Lint(space, f)
	if err != nil {
		return nil, nil
	}
	return t, findings
}

// decidable translates one side of a rule for package decide, or
// returns a nil formula when the side is absent, larger than
// maxLintAtoms, or holds an atom that is not valid (which parsing has
// reported).
func decidable(e Expr, filter bool) (*translator, *decide.Formula) {
	if e == nil || len(Atoms(e)) > maxLintAtoms {
		return nil, nil
	}
	t := newTranslator()
	f, err := t.side(e, filter)
	if err != nil {
		return nil, nil
	}
	return t, f
}

// linter words the findings of one side.
type linter struct {
	t    *translator
	top  Expr   // the whole side
	side string // "recipient expression" or "filter"
}

// diagnostic words one finding at the position of its clause.
func (l linter) diagnostic(x decide.Finding) *Diagnostic {
	n := l.t.exprs[x.Node]
	d := &Diagnostic{Pos: n.Pos(), End: n.End(), Severity: SeverityWarning}
	what := "this clause"
	if n == l.top {
		what = "this " + l.side
	}
	switch x.Problem {
	case decide.Unsatisfiable:
		d.Severity = SeverityError
		d.Msg = what + " matches nobody: " + brief(n) + l.because(x, n, false)
		d.Hint = "LINE accepts it and fails the delivery; join the parts with or, or remove one"
	case decide.Tautological:
		d.Msg = what + " matches every friend: " + brief(n) + " always holds" + l.because(x, n, true)
		d.Hint = "remove it if every friend is meant"
		if n != l.top {
			d.Hint = "remove it: it changes nothing"
		}
	case decide.Redundant:
		d.Msg = "redundant " + brief(n) + ": " + l.decidedBy(x, n)
		d.Hint = "remove it: the " + l.t.exprs[x.Parent].(*Operator).Op.String() + " means the same without it"
	}
	return d
}

// because explains a constant and/or by the operands that make it so,
// when they are fewer than all of them.
func (l linter) because(x decide.Finding, n Expr, all bool) string {
	o, ok := n.(*Operator)
	if !ok || len(x.By) == 0 || len(x.By) == len(o.Args) {
		return ""
	}
	parts := l.exprs(x.By)
	if len(parts) == 1 {
		if all {
			return " (" + parts[0] + " always holds)"
		}
		return " (" + parts[0] + " matches nobody)"
	}
	if all {
		return " (" + strings.Join(parts, " or ") + " covers every friend)"
	}
	return " (" + strings.Join(parts, " and ") + " have no friend in common)"
}

// decidedBy says which siblings make a redundant operand n redundant.
func (l linter) decidedBy(x decide.Finding, n Expr) string {
	if len(x.By) == 1 {
		if by := l.t.exprs[x.By[0]]; by.String() == n.String() {
			return "it repeats " + brief(by) + " at " + shortPos(by.Pos())
		}
	}
	op := l.t.exprs[x.Parent].(*Operator).Op
	who := strings.Join(l.exprs(x.By), " "+op.String()+" ")
	if op == OpAnd {
		return who + " already implies it"
	}
	return who + " already covers it"
}

// exprs returns the formulas fs as rule text.
func (l linter) exprs(fs []*decide.Formula) []string {
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = brief(l.t.exprs[f])
	}
	return out
}

// shortPos prints a position within the same file as "line:col".
func shortPos(p Pos) string {
	p.Filename = ""
	return p.String()
}
