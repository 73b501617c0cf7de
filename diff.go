package nctarget

// This file compares two rules exactly, through package decide: whether
// they target the same friends in every population, and if not, who is
// added and who is removed, each as rules of the language.

// RuleDiff is what changes from an old rule to a new one.
type RuleDiff struct {
	// Equivalent is true when both rules target exactly the same friends
	// in every population (their limits may still differ; see Limit).
	Equivalent bool
	Added      []*Change // friends the new rule targets and the old does not
	Removed    []*Change // friends the old rule targets and the new does not
	// LimitChanged is true when the limit clauses differ; Old and New
	// are then the clauses (nil when absent).
	LimitChanged       bool
	OldLimit, NewLimit *Limit
}

// Change is one part of the friends a diff adds or removes: exactly the
// friends Rule targets. The parts of Added (or Removed) do not overlap.
type Change struct {
	Rule    *Rule   // simplified; nil Recipient and Filter mean every friend
	Witness *Friend // a friend in this part
}

// Diff compares old and new. Both must be valid rules with their
// audiences resolved alike (Compile's Request.Rule). The error is
// decide.ErrTooLarge for rules too large to decide.
func Diff(old, new *Rule) (*RuleDiff, error) {
	d := &RuleDiff{OldLimit: old.Limit, NewLimit: new.Limit}
	d.LimitChanged = limitText(old.Limit) != limitText(new.Limit)
	var err error
	if d.Added, err = minus(new, old); err != nil {
		return nil, err
	}
	if d.Removed, err = minus(old, new); err != nil {
		return nil, err
	}
	// Every part that matches somebody is kept, so no part at all is the
	// proof that neither rule targets anybody the other does not.
	d.Equivalent = len(d.Added) == 0 && len(d.Removed) == 0
	return d, nil
}

func limitText(l *Limit) string {
	if l == nil {
		return ""
	}
	return l.String()
}

// minus returns the friends a targets and b does not, as at most two
// disjoint rules. A rule targets a product, its recipient set times its
// filter set, so a minus b is
//
//	(Ra and not Rb) where Fa    plus    (Ra and Rb) where (Fa and not Fb)
//
// of which the parts that match nobody are left out.
func minus(a, b *Rule) ([]*Change, error) {
	var parts []*Rule
	if b.Recipient != nil {
		parts = append(parts, &Rule{Recipient: conjoin(a.Recipient, &Not{X: b.Recipient}), Filter: a.Filter})
	}
	if b.Filter != nil {
		parts = append(parts, &Rule{Recipient: conjoin(a.Recipient, b.Recipient), Filter: conjoin(a.Filter, &Not{X: b.Filter})})
	}
	var out []*Change
	for _, p := range parts {
		sat, w, err := Satisfiable(p)
		if err != nil {
			return nil, err
		}
		if !sat {
			continue
		}
		s, err := Simplify(reduce(p))
		if err != nil {
			return nil, err
		}
		out = append(out, &Change{Rule: s.Rule, Witness: w})
	}
	return out, nil
}

// reduce drops from each side of p the atoms the rest of it decides
// before Simplify sees it: a part of a diff repeats both rules, and most
// of one is decided by the other (audience(1) and not (audience(1) and
// x) is audience(1) and not x), so Simplify has far less to rewrite.
func reduce(p *Rule) *Rule {
	out := *p
	if e, ok := contextual(p.Recipient, false); ok {
		out.Recipient = e
	}
	if e, ok := contextual(p.Filter, true); ok {
		out.Filter = e
	}
	return &out
}

// conjoin returns x and y, either of which may be nil (every friend).
func conjoin(x, y Expr) Expr {
	switch {
	case x == nil:
		return y
	case y == nil:
		return x
	}
	return &Operator{Span: Span{pos: x.Pos(), end: x.End()}, Op: OpAnd, Args: []Expr{x, y}}
}

// OneLine prints the rule on one line in canonical syntax; "every
// friend" for a rule with neither a recipient expression nor a filter.
func (r *Rule) OneLine() string {
	s := ""
	if r.Recipient != nil {
		s = r.Recipient.String()
	}
	if r.Filter != nil {
		if s != "" {
			s += " "
		}
		s += "where " + r.Filter.String()
	}
	if r.Limit != nil {
		if s != "" {
			s += " "
		}
		s += r.Limit.String()
	}
	if s == "" {
		return "every friend"
	}
	return s
}
