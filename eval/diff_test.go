package eval

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/nctarget/nctarget"
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

// randDataset makes a random dataset: users with about 20% of each
// attribute unknown, audiences and redeliveries with non-friends and
// duplicates.
func randDataset(r *rand.Rand) (*naive, []User, map[int64][]string, map[string][]string) {
	users := make([]User, r.IntN(300))
	pick := func(vals ...string) string { return vals[r.IntN(len(vals))] }
	num := func(hi int) *int {
		if r.IntN(5) == 0 {
			return nil
		}
		return new(r.IntN(hi))
	}
	for i := range users {
		users[i] = User{ID: FormatID(uint64(i)*7 + 3), Gender: pick("", "male", "female", "female"), Age: num(90),
			AppType: pick("", "ios", "android", "others", "ios"), Area: pick("", "jp_13", "jp_27", "jp_23", "tw_01", "id_06"),
			SubscriptionPeriod: num(800)}
	}
	n := &naive{users: users, aud: map[int64]map[string]bool{}, red: map[string]map[string]bool{}}
	members := func() ([]string, map[string]bool) {
		var ids []string
		set := map[string]bool{}
		for k := r.IntN(len(users) + 10); k > 0; k-- {
			id := FormatID(uint64(r.IntN(7*len(users) + 20))) // some are not friends
			ids = append(ids, id)
			set[id] = true
		}
		return ids, set
	}
	auds, reds := map[int64][]string{}, map[string][]string{}
	for _, id := range []int64{1, 2, 3} {
		auds[id], n.aud[id] = members()
	}
	for _, id := range []string{redeliveryID(1), redeliveryID(2)} {
		reds[id], n.red[id] = members()
	}
	return n, users, auds, reds
}

// redeliveryID returns a request ID for the random datasets.
func redeliveryID(n int) string { return fmt.Sprintf("00000000-0000-4000-8000-%012d", n) }

// randExpr writes a random expression of the given depth; atom writes a
// random atom.
func randExpr(r *rand.Rand, depth int, atom func() string) string {
	if depth == 0 || r.IntN(3) == 0 {
		return atom()
	}
	switch r.IntN(3) {
	case 0:
		return "not (" + randExpr(r, depth-1, atom) + ")"
	case 1:
		return "(" + randExpr(r, depth-1, atom) + " and " + randExpr(r, depth-1, atom) + ")"
	}
	return "(" + randExpr(r, depth-1, atom) + " or " + randExpr(r, depth-1, atom) + ")"
}

// randRule writes a random rule over randDataset's audiences.
func randRule(r *rand.Rand) string {
	var b strings.Builder
	recipient := func() string {
		if r.IntN(3) == 0 {
			return fmt.Sprintf("redelivery(%q)", redeliveryID(1+r.IntN(2)))
		}
		return fmt.Sprintf("audience(%d)", 1+r.IntN(3))
	}
	if r.IntN(4) > 0 {
		b.WriteString(randExpr(r, 3, recipient))
	}
	if r.IntN(4) > 0 {
		b.WriteString(" where " + randExpr(r, 3, func() string { return randAtom(r) }))
	}
	if r.IntN(3) == 0 {
		fmt.Fprintf(&b, " limit %d", 1+r.IntN(100))
	}
	return b.String()
}

// randAtom writes a random demographic atom.
func randAtom(r *rand.Rand) string {
	subset := func(vals ...string) string {
		r.Shuffle(len(vals), func(i, j int) { vals[i], vals[j] = vals[j], vals[i] })
		return strings.Join(vals[:1+r.IntN(len(vals))], ", ")
	}
	rng := func(name string, bounds []int) string {
		i := r.IntN(len(bounds))
		j := i + 1 + r.IntN(len(bounds)-i)
		lo, hi := fmt.Sprint(bounds[i]), ""
		if j < len(bounds) {
			hi = fmt.Sprint(bounds[j])
		}
		if r.IntN(4) == 0 {
			lo = ""
		}
		if lo == "" && hi == "" {
			hi = fmt.Sprint(bounds[len(bounds)-1])
		}
		return name + "[" + lo + "," + hi + ")"
	}
	switch r.IntN(5) {
	case 0:
		return "gender in (" + subset("male", "female") + ")"
	case 1:
		return "appType in (" + subset("ios", "android") + ")"
	case 2:
		return "area in (" + subset("jp_13", "jp_27", "jp_23", "tw_01", "id_06", "th_01") + ")"
	case 3:
		return rng("age", nctarget.AttrAge.Bounds())
	}
	return rng("subscriptionPeriod", nctarget.AttrSubscriptionPeriod.Bounds())
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
		ref, users, auds, reds := randDataset(r)
		d, err := NewDataset(users, auds, reds)
		if err != nil {
			t.Fatal(err)
		}
		b := d.NewBatch()
		b.opts = opts
		for k := 0; k < 30; k++ {
			src := randRule(r)
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
