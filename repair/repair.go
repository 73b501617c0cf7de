// Package repair suggests the smallest edits of a rule whose preview
// falls below the minimum audience LINE requires (50 by default): it
// searches the rule's neighbourhood (a range widened by one bucket, an
// adjacent area of the same country, a not term or an and operand
// dropped, an and turned into an or, the limit dropped), evaluates every
// candidate on the data with package eval, never estimating, and returns
// the few that reach the minimum, ranked by how little they change the
// audience: fewest edits, then fewest people added.
//
// The search is deterministic and bounded: candidates are generated in
// the rule's source order, each round of them is evaluated in one pass
// over the data (eval.Batch), and at most MaxEdits edits are combined.
package repair

import (
	"context"
	"slices"

	"github.com/nctarget/nctarget"
	"github.com/nctarget/nctarget/eval"
)

// Options bound the search. The zero value takes the defaults.
type Options struct {
	Min         uint64 // the minimum to reach; 0 means eval.DefaultMinimum
	Suggestions int    // how many suggestions to return; 0 means 3
	MaxEdits    int    // edits combined in one suggestion; 0 means 2
}

// maxRound bounds the candidates of one round of the search (the rules
// one edit further from the original), and so the work of a repair.
const maxRound = 200

// Suggestion is a rewritten rule that reaches the minimum.
type Suggestion struct {
	Edits  []string       // each edit in words: "widen age[20,25) to age[15,25)"
	Rule   *nctarget.Rule // the whole rewritten rule, to paste
	Result *eval.Result   // its preview on the data
	Added  uint64         // recipients beyond the original rule's
}

// Repair is the outcome of a search.
type Repair struct {
	Original    *eval.Result // the rule's own preview
	Min         uint64
	Suggestions []*Suggestion // best first; empty when nothing in reach reaches Min
	Closest     *Suggestion   // when Suggestions is empty: the candidate with the most recipients, if any
}

// Search looks for edits of rule (compiled, audiences resolved, not
// simplified: what the user wrote) that bring its preview on d to the
// minimum. It searches one edit away, then two, and so on up to
// MaxEdits, until it has found Suggestions rules that reach the minimum,
// expanding at each step the closestN rules nearest the minimum. The
// error is a problem of the rule or the data.
func Search(d *eval.Dataset, rule *nctarget.Rule, opts Options) (*Repair, error) {
	opts = opts.withDefaults()
	s := &search{d: d, batch: d.NewBatch(), min: opts.Min, seen: map[string]bool{rule.String(): true}}
	orig, err := s.eval([]*candidate{{rule: rule}})
	if err != nil {
		return nil, err
	}
	rep := &Repair{Original: orig[0].result, Min: opts.Min}
	if rep.Original.Count >= opts.Min {
		return rep, nil
	}
	s.base = rep.Original.Count
	round := []*candidate{{rule: rule}}
	var reached []*candidate
	for depth := 1; depth <= opts.MaxEdits && len(reached) < opts.Suggestions && len(round) > 0; depth++ {
		next := s.neighbours(round)
		if _, err := s.eval(next); err != nil {
			return nil, err
		}
		for _, c := range next {
			if c.result != nil && c.result.Count >= opts.Min {
				reached = append(reached, c)
			}
		}
		round = s.closest(next)
		if len(round) > 0 && (rep.Closest == nil || round[0].result.Count > rep.Closest.Result.Count) {
			rep.Closest = round[0].suggestion(s.base)
		}
	}
	slices.SortStableFunc(reached, func(a, b *candidate) int {
		if len(a.edits) != len(b.edits) {
			return len(a.edits) - len(b.edits)
		}
		return compareCounts(a.result.Count, b.result.Count)
	})
	for _, c := range reached[:min(len(reached), opts.Suggestions)] {
		rep.Suggestions = append(rep.Suggestions, c.suggestion(s.base))
	}
	if len(rep.Suggestions) > 0 {
		rep.Closest = nil
	}
	return rep, nil
}

func compareCounts(a, b uint64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func (o Options) withDefaults() Options {
	if o.Min == 0 {
		o.Min = eval.DefaultMinimum
	}
	if o.Suggestions <= 0 {
		o.Suggestions = 3
	}
	if o.MaxEdits <= 0 {
		o.MaxEdits = 2
	}
	return o
}

// candidate is a rule of the search with the edits that made it.
type candidate struct {
	rule   *nctarget.Rule
	edits  []string
	result *eval.Result // nil when the rule is not valid
}

func (c *candidate) suggestion(base uint64) *Suggestion {
	return &Suggestion{Edits: c.edits, Rule: c.rule, Result: c.result, Added: c.result.Count - min(base, c.result.Count)}
}

type search struct {
	d     *eval.Dataset
	batch *eval.Batch
	min   uint64
	base  uint64          // the original count
	seen  map[string]bool // rules already generated, by text
}

// neighbours returns the valid rules one edit from those of round, each
// once, at most maxRound of them.
func (s *search) neighbours(round []*candidate) []*candidate {
	var out []*candidate
	for _, c := range round {
		for _, e := range edits(c.rule) {
			if len(out) == maxRound {
				return out
			}
			key := e.rule.String()
			if s.seen[key] || !valid(e.rule) {
				continue
			}
			s.seen[key] = true
			out = append(out, &candidate{rule: e.rule, edits: append(slices.Clip(c.edits), e.what)})
		}
	}
	return out
}

// valid reports whether a rewritten rule compiles: an edit can make a
// part match nobody (Lint) or name too many recipient objects.
func valid(r *nctarget.Rule) bool {
	_, err := nctarget.CompileRule(r, nctarget.Options{})
	return err == nil
}

// eval evaluates the candidates in one pass over the data, the limit
// included, and fills in their results.
func (s *search) eval(cs []*candidate) ([]*candidate, error) {
	plans := make([]*eval.Plan, len(cs))
	for i, c := range cs {
		p, err := s.batch.Plan(c.rule)
		if err != nil {
			return nil, err
		}
		p.Min = s.min
		plans[i] = p
	}
	results, err := s.batch.Eval(context.Background(), plans)
	if err != nil {
		return nil, err
	}
	for i, c := range cs {
		c.result = results[i]
	}
	return cs, nil
}

// closestN is how many of a round's candidates the next round edits
// again: those nearest the minimum.
const closestN = 8

// closest returns the candidates of a round below the minimum with the
// most recipients, most first, at most closestN.
func (s *search) closest(cs []*candidate) []*candidate {
	var out []*candidate
	for _, c := range cs {
		if c.result.Count < s.min {
			out = append(out, c)
		}
	}
	slices.SortStableFunc(out, func(a, b *candidate) int { return compareCounts(b.result.Count, a.result.Count) })
	return out[:min(len(out), closestN)]
}
