package eval

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/nctarget/nctarget"
	"github.com/nctarget/nctarget/internal/randrule"
)

// This file checks the roaring evaluator against a deliberately naive one:
// a loop over users that applies the narrowcast semantics (docs/eval.md,
// "What is computed") word for word.

// naive is the reference evaluator: the users, and each audience and
// redelivery as a set of IDs (friends or not).
type naive struct {
	users []User
	aud   map[int64]map[string]bool
	red   map[string]map[string]bool
}

// match reports whether user u is in expression e.
func (n *naive) match(u User, e nctarget.Expr) bool {
	switch x := e.(type) {
	case *nctarget.Operator:
		for _, a := range x.Args {
			if n.match(u, a) == (x.Op == nctarget.OpOr) {
				return x.Op == nctarget.OpOr
			}
		}
		return x.Op == nctarget.OpAnd
	case *nctarget.Not:
		return !n.match(u, x.X) // friends not in x: u is a friend
	case *nctarget.Audience:
		return n.aud[x.ID][u.ID]
	case *nctarget.Redelivery:
		return n.red[x.RequestID][u.ID]
	case *nctarget.Set:
		v := map[nctarget.Attr]string{nctarget.AttrGender: u.Gender, nctarget.AttrAppType: u.AppType, nctarget.AttrArea: u.Area}[x.Attr]
		for _, want := range x.Values {
			if v != "" && v == want.Code { // "others" is no code, so never matches
				return true
			}
		}
		return false
	case *nctarget.Range:
		v := u.Age
		if x.Attr == nctarget.AttrSubscriptionPeriod {
			v = u.SubscriptionPeriod
		}
		return v != nil && (x.Gte == 0 || *v >= x.Gte) && (x.Lt == 0 || *v < x.Lt)
	}
	panic(fmt.Sprintf("naive: %T", e))
}

// count returns how many friends are in e.
func (n *naive) count(e nctarget.Expr) uint64 {
	var c uint64
	for _, u := range n.users {
		if n.match(u, e) {
			c++
		}
	}
	return c
}

// eval returns the recipients (user numbers) of rule before the limit.
func (n *naive) eval(rule *nctarget.Rule) []uint32 {
	var out []uint32
	for i, u := range n.users {
		if (rule.Recipient == nil || n.match(u, rule.Recipient)) && (rule.Filter == nil || n.match(u, rule.Filter)) {
			out = append(out, uint32(i))
		}
	}
	return out
}

// allKnown counts the users of final whose every attribute named in the
// rule's filter is known.
func (n *naive) allKnown(rule *nctarget.Rule, final []uint32) uint64 {
	attrs := map[nctarget.Attr]bool{}
	for _, atom := range nctarget.Atoms(rule.Filter) {
		if a, ok := nctarget.AttrOf(atom); ok {
			attrs[a] = true
		}
	}
	var c uint64
	for _, i := range final {
		u := n.users[i]
		known := map[nctarget.Attr]bool{nctarget.AttrGender: u.Gender != "", nctarget.AttrAge: u.Age != nil,
			nctarget.AttrAppType: u.AppType == "ios" || u.AppType == "android", nctarget.AttrArea: u.Area != "",
			nctarget.AttrSubscriptionPeriod: u.SubscriptionPeriod != nil}
		ok := true
		for a := range attrs {
			ok = ok && known[a]
		}
		if ok {
			c++
		}
	}
	return c
}

// newNaive returns the reference evaluator of a random population.
func newNaive(p *randrule.Population) *naive {
	n := &naive{users: randomUsers(p), aud: map[int64]map[string]bool{}, red: map[string]map[string]bool{}}
	for id, ms := range p.Audiences {
		n.aud[id] = setOf(ms)
	}
	for id, ms := range p.Redeliveries {
		n.red[id] = setOf(ms)
	}
	return n
}

// setOf returns the IDs as a set.
func setOf(ids []string) map[string]bool {
	set := map[string]bool{}
	for _, id := range ids {
		set[id] = true
	}
	return set
}

// randomUsers returns the population's users as the evaluator takes them.
func randomUsers(p *randrule.Population) []User {
	users := make([]User, len(p.Users))
	for i, u := range p.Users {
		users[i] = User(u)
	}
	return users
}

// TestDifferential checks hundreds of random rules on random datasets,
// with the pass's usual blocks and with one word per block shared among
// every processor, so that the small datasets span many blocks and the
// per-block counts are merged (the path 10M friends take).
func TestDifferential(t *testing.T) {
	t.Parallel()
	for name, opts := range map[string]passOptions{"blocks=default": defaultPassOptions, "blocks=tiny": tinyBlocks} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			testDifferential(t, opts)
		})
	}
}

// tinyBlocks are pass options that make every dataset of a test span
// many blocks, each word a block, shared among every processor.
var tinyBlocks = passOptions{blockWords: 1, minParallelBlocks: 1}

func testDifferential(t *testing.T, opts passOptions) {
	r := rand.New(rand.NewPCG(3, 2026))
	rules := 0
	for ds := 0; ds < 25; ds++ {
		p := randrule.NewPopulation(r, false)
		ref := newNaive(p)
		d, err := NewDataset(ref.users, p.Audiences, p.Redeliveries)
		if err != nil {
			t.Fatal(err)
		}
		b := d.NewBatch()
		b.opts = opts
		for k := 0; k < 30; k++ {
			src := randrule.Rule(r)
			rule, err := nctarget.Parse("rand.nct", []byte(src)) // as written: Compile rejects parts that match nobody
			if err != nil {
				t.Fatalf("%s: %v", src, err)
			}
			checkAgainstNaive(t, b, ref, rule, src)
			rules++
		}
	}
	if rules < 500 {
		t.Fatalf("only %d rules checked", rules)
	}
}

// checkAgainstNaive compares the evaluator with the reference on one rule.
func checkAgainstNaive(t *testing.T, b *Batch, ref *naive, rule *nctarget.Rule, src string) {
	t.Helper()
	p, err := b.Plan(rule)
	if err != nil {
		t.Fatalf("%s: plan: %v", src, err)
	}
	got := p.Eval()
	want := ref.eval(rule)
	if diff := cmp.Diff(want, got.Recipients().ToArray(), cmpEmpty); diff != "" {
		t.Fatalf("%s: recipients (-naive +roaring):\n%s", src, diff)
	}
	wantCount := uint64(len(want))
	if rule.Limit != nil && rule.Limit.Max > 0 {
		wantCount = min(wantCount, uint64(rule.Limit.Max))
	}
	if got.Count != wantCount {
		t.Fatalf("%s: count %d, naive %d", src, got.Count, wantCount)
	}
	if rule.Recipient != nil && got.Waterfall.AfterRecipient != ref.count(rule.Recipient) {
		t.Fatalf("%s: after recipient %d, naive %d", src, got.Waterfall.AfterRecipient, ref.count(rule.Recipient))
	}
	if k := ref.allKnown(rule, want[:wantCount]); got.Waterfall.AllKnown != k {
		t.Fatalf("%s: every filter attribute known %d, naive %d", src, got.Waterfall.AllKnown, k)
	}
	for _, n := range got.Nodes {
		if c := ref.count(n.Expr); c != n.Count {
			t.Fatalf("%s: node %s count %d, naive %d", src, n.Expr, n.Count, c)
		}
	}
}
