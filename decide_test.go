package nctarget_test

import (
	"math/rand/v2"
	"testing"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/nctarget/nctarget"
	"github.com/nctarget/nctarget/eval"
)

// This file checks the decision procedure against brute force: the
// answers of Satisfiable, Tautology, Implies and Equivalent on random
// rules and rule pairs, evaluated by package eval on random populations
// (unknown attributes, ages below 15 and above 70, areas outside the
// rules' lists, audience members who are not friends), each population
// joined by the witnesses the procedure gave.

// population is the raw material of a dataset, so witnesses can join it.
type population struct {
	users []eval.User
	auds  map[int64][]string
	reds  map[string][]string
}

func randomUsers(r *rand.Rand) *population {
	pick := func(vals ...string) string { return vals[r.IntN(len(vals))] }
	num := func(vals ...int) *int { return known(vals[r.IntN(len(vals))]) }
	p := &population{auds: map[int64][]string{}, reds: map[string][]string{}}
	for i := range 40 + r.IntN(60) {
		p.users = append(p.users, eval.User{
			ID:                 eval.FormatID(uint64(i)),
			Gender:             pick("", "male", "female"),
			Age:                num(-1, 3, 14, 15, 19, 20, 24, 25, 29, 30, 39, 40, 69, 70, 95),
			AppType:            pick("", "ios", "android", "others"),
			Area:               pick("", "jp_13", "jp_27", "jp_01", "tw_01", "th_01", "jp_47"),
			SubscriptionPeriod: num(-1, 0, 6, 7, 29, 30, 89, 90, 364, 365, 1000),
		})
	}
	members := func() []string {
		var ids []string
		for range r.IntN(len(p.users)) {
			ids = append(ids, eval.FormatID(uint64(r.IntN(len(p.users)))))
		}
		for range r.IntN(10) {
			ids = append(ids, eval.FormatID(uint64(1_000_000+r.IntN(1000)))) // not friends
		}
		return ids
	}
	for _, id := range nctarget.RandomAudienceIDs {
		p.auds[id] = members()
	}
	for _, id := range nctarget.RandomRequestIDs {
		p.reds[id] = members()
	}
	return p
}

// join adds the witness w as a friend and returns its user number; nil
// joins nobody and returns -1.
func (p *population) join(w *nctarget.Friend) int {
	if w == nil {
		return -1
	}
	id := eval.FormatID(uint64(500_000 + len(p.users)))
	p.users = append(p.users, eval.User{ID: id, Gender: w.Gender, Age: known(w.Age), AppType: w.AppType, Area: w.Area, SubscriptionPeriod: known(w.Days)})
	for _, a := range w.Audiences {
		p.auds[a.ID] = append(p.auds[a.ID], id)
	}
	for _, r := range w.Redeliveries {
		p.reds[r.RequestID] = append(p.reds[r.RequestID], id)
	}
	return len(p.users) - 1
}

// known returns a pointer to n, or nil (unknown) for n < 0.
func known(n int) *int {
	if n < 0 {
		return nil
	}
	return &n
}

func (p *population) dataset(t *testing.T) *eval.Dataset {
	t.Helper()
	auds := map[int64][]string{}
	for k, v := range p.auds {
		auds[k] = v
	}
	d, err := eval.NewDataset(p.users, auds, p.reds)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func randomParsed(t *testing.T, r *rand.Rand) *nctarget.Rule {
	t.Helper()
	src := nctarget.RandomRule(r, 3)
	rule, err := nctarget.Parse("random.nct", []byte(src))
	if err != nil {
		t.Fatalf("random rule does not parse: %v\n%s", err, src)
	}
	return rule
}

// has reports whether user number i (-1 for none) is in b.
func has(b *roaring.Bitmap, i int) bool { return i >= 0 && b.Contains(uint32(i)) }

// TestDecideAgainstEval checks 2,000 random rules and as many pairs.
func TestDecideAgainstEval(t *testing.T) {
	r := rand.New(rand.NewPCG(12, 2026))
	var sats, taut, imps, eqs int
	for i := range 2000 {
		p := randomUsers(r)
		a, b := randomParsed(t, r), randomParsed(t, r)
		if i%10 == 0 {
			b = a // equivalent pairs, and implications, happen
		}
		sat, ws, err1 := nctarget.Satisfiable(a)
		tau, wt, err2 := nctarget.Tautology(a)
		imp, wi, err3 := nctarget.Implies(a, b)
		eq, we, aOnly, err4 := nctarget.Equivalent(a, b)
		for _, err := range []error{err1, err2, err3, err4} {
			if err != nil {
				t.Fatalf("%s / %s: %v", a, b, err)
			}
		}
		is, it, ii, ie := p.join(ws), p.join(wt), p.join(wi), p.join(we)
		d := p.dataset(t)
		ra, rb := recipients(t, d, a), recipients(t, d, b)
		switch {
		case !sat && !ra.IsEmpty():
			t.Fatalf("unsatisfiable, but %d match: %s", ra.GetCardinality(), a)
		case sat && !has(ra, is):
			t.Fatalf("witness %v does not match %s", ws, a)
		case tau && ra.GetCardinality() != uint64(d.Len()):
			t.Fatalf("tautology, but %d of %d match: %s", ra.GetCardinality(), d.Len(), a)
		case !tau && has(ra, it):
			t.Fatalf("witness %v matches tautology candidate %s", wt, a)
		case imp && !roaring.AndNot(ra, rb).IsEmpty():
			t.Fatalf("%s implies %s, but not on this population", a, b)
		case !imp && (!has(ra, ii) || has(rb, ii)):
			t.Fatalf("witness %v: want in %s and not in %s", wi, a, b)
		case eq && !ra.Equals(rb):
			t.Fatalf("%s equivalent to %s, but not on this population", a, b)
		case !eq && (has(ra, ie) != aOnly || has(rb, ie) == aOnly):
			t.Fatalf("witness %v (aOnly %v) does not tell %s from %s", we, aOnly, a, b)
		}
		sats, taut, imps, eqs = sats+bool01(sat), taut+bool01(tau), imps+bool01(imp), eqs+bool01(eq)
	}
	// the generator must exercise both answers of every question
	for name, n := range map[string]int{"satisfiable": sats, "tautology": taut, "implies": imps, "equivalent": eqs} {
		if n == 0 || n == 2000 {
			t.Errorf("%s: %d of 2000 yes; the test has lost its power", name, n)
		}
	}
	t.Logf("yes: satisfiable %d, tautology %d, implies %d, equivalent %d of 2000", sats, taut, imps, eqs)
}

func bool01(b bool) int {
	if b {
		return 1
	}
	return 0
}

// TestDecideTraps: the unknown-attribute traps of SPEC section 3.
func TestDecideTraps(t *testing.T) {
	parse := func(src string) *nctarget.Rule {
		r, err := nctarget.Parse("t.nct", []byte(src))
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	if ok, w, _ := nctarget.Tautology(parse("where gender in (male, female)")); ok || w.Gender != "" {
		t.Errorf("gender in (male, female): tautology %v, witness %v; want no, gender unknown", ok, w)
	}
	if eq, w, _, _ := nctarget.Equivalent(parse("where not age[20,)"), parse("where age[,20)")); eq || w.Age != -1 {
		t.Errorf("not age[20,) = age[,20): %v, witness %v; want no, age unknown", eq, w)
	}
	if eq, _, _, _ := nctarget.Equivalent(parse("where age[20,30) or age[30,40)"), parse("where age[20,40)")); !eq {
		t.Errorf("age[20,30) or age[30,40) is age[20,40)")
	}
	if ok, w, _ := nctarget.Implies(parse("where not gender in (male)"), parse("where gender in (female)")); ok || w.Gender != "" {
		t.Errorf("not gender in (male) implies gender in (female): %v, %v; want no, gender unknown", ok, w)
	}
}

// TestDiffAgainstEval: on 1,000 random pairs, the added and removed rules
// of Diff, evaluated on random populations joined by their witnesses,
// select exactly the symmetric difference of the two rules' recipients,
// and each witness is in its own part.
func TestDiffAgainstEval(t *testing.T) {
	r := rand.New(rand.NewPCG(13, 2026))
	differed := 0
	for i := range 1000 {
		p := randomUsers(r)
		a, b := randomParsed(t, r), randomParsed(t, r)
		if i%4 == 0 {
			b = randomVariant(t, r, a)
		}
		d, err := nctarget.Diff(a, b)
		if err != nil {
			t.Fatalf("Diff(%s, %s): %v", a, b, err)
		}
		var added, removed []int
		for _, c := range d.Added {
			added = append(added, p.join(c.Witness))
		}
		for _, c := range d.Removed {
			removed = append(removed, p.join(c.Witness))
		}
		data := p.dataset(t)
		ra, rb := recipients(t, data, a), recipients(t, data, b)
		union := func(cs []*nctarget.Change, wits []int) *roaring.Bitmap {
			u := roaring.New()
			for k, c := range cs {
				got := recipients(t, data, c.Rule)
				if !has(got, wits[k]) {
					t.Fatalf("witness %v is not in its part %s", c.Witness, c.Rule)
				}
				u.Or(got)
			}
			return u
		}
		if got, want := union(d.Added, added), roaring.AndNot(rb, ra); !got.Equals(want) {
			t.Fatalf("%s => %s: added %v select %v, want %v", a, b, d.Added, got.ToArray(), want.ToArray())
		}
		if got, want := union(d.Removed, removed), roaring.AndNot(ra, rb); !got.Equals(want) {
			t.Fatalf("%s => %s: removed select %v, want %v", a, b, got.ToArray(), want.ToArray())
		}
		if d.Equivalent != (len(d.Added) == 0 && len(d.Removed) == 0) {
			t.Fatalf("%s => %s: equivalent %v with %d added, %d removed", a, b, d.Equivalent, len(d.Added), len(d.Removed))
		}
		if !d.Equivalent {
			differed++
		}
	}
	if differed < 100 || differed > 990 {
		t.Errorf("%d of 1000 pairs differ; the test has lost its power", differed)
	}
}

// randomVariant returns a small change of a: its filter or recipient
// expression joined with a random atom-sized rule, so diffs are small.
func randomVariant(t *testing.T, r *rand.Rand, a *nctarget.Rule) *nctarget.Rule {
	other := randomParsed(t, r)
	v := *a
	op := []nctarget.Op{nctarget.OpAnd, nctarget.OpOr}[r.IntN(2)]
	if other.Filter != nil && a.Filter != nil && r.IntN(2) == 0 {
		v.Filter = &nctarget.Operator{Op: op, Args: []nctarget.Expr{a.Filter, nctarget.Atoms(other.Filter)[0]}}
	} else if other.Recipient != nil && a.Recipient != nil {
		v.Recipient = &nctarget.Operator{Op: op, Args: []nctarget.Expr{a.Recipient, nctarget.Atoms(other.Recipient)[0]}}
	}
	return &v
}
