package decide

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// testSpace is small enough to enumerate every friend: 4 recipient sets
// and three attributes of 3, 5 and 4 cells give 16 × 60 friends.
var testSpace = Space{3, 5, 4}

const testSets = 4

// holds evaluates f on one friend directly, the meaning the package must
// agree with.
func holds(f *Formula, fr *Friend) bool {
	if f == nil {
		return true
	}
	switch f.Kind {
	case True:
		return true
	case False:
		return false
	case Member:
		return slices.Contains(fr.Sets, f.Set)
	case Cells:
		return fr.Cells[f.Attr] >= 0 && f.In[fr.Cells[f.Attr]]
	case Not:
		return !holds(f.Args[0], fr)
	case And:
		for _, a := range f.Args {
			if !holds(a, fr) {
				return false
			}
		}
		return true
	case Or:
		for _, a := range f.Args {
			if holds(a, fr) {
				return true
			}
		}
		return false
	}
	panic("kind")
}

func ruleHolds(r Rule, fr *Friend) bool { return holds(r.Recipient, fr) && holds(r.Filter, fr) }

// everyFriend lists every friend of testSpace.
func everyFriend(sets int, sp Space) []*Friend {
	var out []*Friend
	var cells func(a int, cur []int)
	cells = func(a int, cur []int) {
		if a == len(sp) {
			for m := 0; m < 1<<sets; m++ {
				fr := &Friend{Sets: []int{}, Cells: slices.Clone(cur)}
				for s := range sets {
					if m>>s&1 == 1 {
						fr.Sets = append(fr.Sets, s+100)
					}
				}
				out = append(out, fr)
			}
			return
		}
		for c := range sp[a] {
			cells(a+1, append(cur, c))
		}
	}
	cells(0, nil)
	return out
}

// randomFormula returns a random formula of depth at most depth over
// recipient sets 100… (member) or the cells of sp.
func randomFormula(r *rand.Rand, member bool, sets int, sp Space, depth int) *Formula {
	if depth == 0 || r.IntN(3) == 0 {
		if member {
			return &Formula{Kind: Member, Set: 100 + r.IntN(sets)}
		}
		a := r.IntN(len(sp))
		in := make([]bool, sp[a])
		for c := range in {
			in[c] = r.IntN(2) == 0
		}
		return &Formula{Kind: Cells, Attr: a, In: in}
	}
	switch r.IntN(4) {
	case 0:
		return &Formula{Kind: Not, Args: []*Formula{randomFormula(r, member, sets, sp, depth-1)}}
	case 1:
		if r.IntN(8) == 0 {
			return &Formula{Kind: Kind(True + Kind(r.IntN(2)))}
		}
	}
	f := &Formula{Kind: And}
	if r.IntN(2) == 0 {
		f.Kind = Or
	}
	for range 1 + r.IntN(3) {
		f.Args = append(f.Args, randomFormula(r, member, sets, sp, depth-1))
	}
	return f
}

func randomRule(r *rand.Rand) Rule {
	var rule Rule
	if r.IntN(5) > 0 {
		rule.Recipient = randomFormula(r, true, testSets, testSpace, 4)
	}
	if r.IntN(5) > 0 {
		rule.Filter = randomFormula(r, false, testSets, testSpace, 4)
	}
	return rule
}

// TestAgainstEnumeration checks every answer and witness on 3,000
// random rules and rule pairs against every friend of a small space.
func TestAgainstEnumeration(t *testing.T) {
	for _, vars := range []int{20, 0} { // truth tables, then BDDs
		maxTableVars = vars
		r := rand.New(rand.NewPCG(1, uint64(vars)))
		all := everyFriend(testSets, testSpace)
		for range 1500 {
			a, b := randomRule(r), randomRule(r)
			checkRule(t, a, all)
			checkPair(t, a, b, all)
		}
	}
	maxTableVars = 20
}

func checkRule(t *testing.T, a Rule, all []*Friend) {
	t.Helper()
	some, every := false, true
	for _, fr := range all {
		m := ruleHolds(a, fr)
		some, every = some || m, every && m
	}
	sat, w, err := Satisfiable(testSpace, a)
	if err != nil || sat != some || (sat && !ruleHolds(a, full(w))) {
		t.Fatalf("Satisfiable(%v) = %v, %v, %v; enumeration says %v", a, sat, w, err, some)
	}
	taut, w, err := Tautology(testSpace, a)
	if err != nil || taut != every || (!taut && ruleHolds(a, full(w))) {
		t.Fatalf("Tautology(%v) = %v, %v, %v; enumeration says %v", a, taut, w, err, every)
	}
}

func checkPair(t *testing.T, a, b Rule, all []*Friend) {
	t.Helper()
	sub := true
	for _, fr := range all {
		if ruleHolds(a, fr) && !ruleHolds(b, fr) {
			sub = false
		}
	}
	imp, w, err := Implies(testSpace, a, b)
	if err != nil || imp != sub || (!imp && (!ruleHolds(a, full(w)) || ruleHolds(b, full(w)))) {
		t.Fatalf("Implies = %v, %v, %v; enumeration says %v", imp, w, err, sub)
	}
	eq, w, aOnly, err := Equivalent(testSpace, a, b)
	same := true
	for _, fr := range all {
		same = same && ruleHolds(a, fr) == ruleHolds(b, fr)
	}
	if err != nil || eq != same || (!eq && (ruleHolds(a, full(w)) != aOnly || ruleHolds(b, full(w)) == aOnly)) {
		t.Fatalf("Equivalent = %v, %v, %v, %v; enumeration says %v", eq, w, aOnly, err, same)
	}
}

// full fills the cells a witness leaves open (-1) with cell 0: any value
// must do, since no formula asked names the attribute.
func full(w *Friend) *Friend {
	c := *w
	c.Cells = slices.Clone(w.Cells)
	for a := range c.Cells {
		if c.Cells[a] < 0 {
			c.Cells[a] = 0
		}
	}
	return &c
}

// TestManySets decides recipient expressions over 40 sets, by BDD, and
// checks the witnesses and the answers on random friends.
func TestManySets(t *testing.T) {
	r := rand.New(rand.NewPCG(2, 2))
	for range 300 {
		f := randomFormula(r, true, 40, testSpace, 6)
		sat, w, err := Satisfiable(testSpace, Rule{Recipient: f})
		if err != nil {
			t.Fatal(err)
		}
		if sat && !holds(f, full(w)) {
			t.Fatalf("witness %v does not match", w)
		}
		for range 200 {
			fr := &Friend{Sets: []int{}, Cells: []int{0, 0, 0}}
			for s := range 40 {
				if r.IntN(2) == 0 {
					fr.Sets = append(fr.Sets, 100+s)
				}
			}
			if !sat && holds(f, fr) {
				t.Fatalf("unsatisfiable, but %v matches", fr)
			}
		}
	}
}

// TestTooLarge: a question past MaxWork is refused, never guessed.
func TestTooLarge(t *testing.T) {
	f := &Formula{Kind: And}
	for i := range 60 {
		// (x_i or y_i) for 60 pairs, variables interleaved badly
		f.Args = append(f.Args, &Formula{Kind: Or, Args: []*Formula{{Kind: Member, Set: i}, {Kind: Member, Set: 1000 + (i*37)%60}}})
	}
	g := &Formula{Kind: Or, Args: []*Formula{f}}
	for i := range 4000 {
		g.Args = append(g.Args, &Formula{Kind: And, Args: []*Formula{{Kind: Member, Set: i % 60}, {Kind: Not, Args: []*Formula{{Kind: Member, Set: 1000 + (i*7)%60}}}}})
	}
	defer func(n int) { maxBDDNodes = n }(maxBDDNodes)
	maxBDDNodes = 1000
	if _, _, err := Tautology(testSpace, Rule{Recipient: g}); err != ErrTooLarge {
		t.Fatalf("err = %v, want ErrTooLarge", err)
	}
}
