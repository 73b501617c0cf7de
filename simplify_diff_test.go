package nctarget_test

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/nctarget/nctarget"
	"github.com/nctarget/nctarget/eval"
)

// This file is the differential property test of the simplifier: random
// rules are evaluated by the eval package before and after Simplify, on
// random populations with unknown attributes, audience members who are not
// friends, an empty audience and an audience of non-friends only. The
// recipient sets must be identical every time. It lives in the external
// test package because eval imports nctarget.

// randomPopulation returns a dataset of friends whose attributes are often
// unknown, over the audiences and redeliveries RandomRule names.
func randomPopulation(t *testing.T, r *rand.Rand) *eval.Dataset {
	t.Helper()
	pick := func(vals ...string) string { return vals[r.IntN(len(vals))] }
	num := func(vals ...int) *int { // -1: unknown
		if v := vals[r.IntN(len(vals))]; v >= 0 {
			return new(v)
		}
		return nil
	}
	users := make([]eval.User, 50+r.IntN(250))
	for i := range users {
		users[i] = eval.User{
			ID:                 eval.FormatID(uint64(i)),
			Gender:             pick("", "male", "female"),
			Age:                num(-1, 10, 14, 15, 19, 20, 24, 25, 29, 30, 39, 40, 69, 70, 95),
			AppType:            pick("", "ios", "android", "others"),
			Area:               pick("", "jp_13", "jp_27", "jp_01", "tw_01", "th_01"),
			SubscriptionPeriod: num(-1, 0, 6, 7, 29, 30, 89, 90, 364, 365, 1000),
		}
	}
	members := func(friends, strangers int) []string {
		var ids []string
		for range friends {
			ids = append(ids, eval.FormatID(uint64(r.IntN(len(users)))))
		}
		for range strangers {
			ids = append(ids, eval.FormatID(uint64(len(users)+r.IntN(1000))))
		}
		return ids
	}
	auds := map[int64][]string{}
	for _, id := range nctarget.RandomAudienceIDs {
		auds[id] = members(r.IntN(len(users)), r.IntN(20))
	}
	last := nctarget.RandomAudienceIDs[len(nctarget.RandomAudienceIDs)-1]
	auds[last] = nil                       // an empty audience
	auds[last-1] = members(0, 1+r.IntN(9)) // nobody in it is a friend
	reds := map[string][]string{}
	for _, id := range nctarget.RandomRequestIDs {
		reds[id] = members(r.IntN(len(users)), r.IntN(20))
	}
	d, err := eval.NewDataset(users, auds, reds)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// recipients evaluates rule on d, before any limit.
func recipients(t *testing.T, d *eval.Dataset, rule *nctarget.Rule) *roaring.Bitmap {
	t.Helper()
	p, err := d.Plan(rule)
	if err != nil {
		t.Fatalf("Plan(%s): %v", rule, err)
	}
	return p.Eval().Recipients()
}

// TestSimplifyDifferential runs 4,000 seeded random rules over 20 random
// populations. A rule Simplify rejects as matching nobody must match
// nobody on the side the error names; every other rule must have the same
// recipients before and after. Every rewrite must have fired, and most
// rules must simplify without error, so the test keeps its power.
func TestSimplifyDifferential(t *testing.T) {
	r := rand.New(rand.NewPCG(20261124, 4))
	fired := map[string]int{}
	var rules, rejected int
	for range 20 {
		d := randomPopulation(t, r)
		for range 200 {
			rules++
			src := nctarget.RandomRule(r, 4)
			rule, err := nctarget.Parse("random.nct", []byte(src))
			if err != nil {
				t.Fatalf("random rule does not parse: %v\n%s", err, src)
			}
			before := recipients(t, d, rule)
			s, err := nctarget.Simplify(rule)
			if err != nil {
				rejected++
				checkNobody(t, d, rule, src, err)
				continue
			}
			if after := recipients(t, d, s.Rule); !before.Equals(after) {
				t.Errorf("Simplify changes the recipients (%d before, %d after):\n%s\nsimplified:\n%s\nrewrites: %v",
					before.GetCardinality(), after.GetCardinality(), src, s.Rule, s.Rewrites)
			}
			for _, rw := range s.Rewrites {
				fired[rw.Name]++
			}
		}
	}
	for _, name := range []string{"flatten", "duplicate", "duplicate value", "double negation", "absorption", "merge", "factor", "drop nobody", "drop always"} {
		if fired[name] < 5 {
			t.Errorf("rewrite %q fired %d times in %d rules; the generator no longer exercises it", name, fired[name], rules)
		}
	}
	if rejected > rules/3 {
		t.Errorf("%d of %d rules rejected as matching nobody or everyone; too few left to compare", rejected, rules)
	}
	t.Logf("%d rules, %d rejected as matching nobody or everyone, rewrites %v", rules, rejected, fired)
}

// checkNobody checks "matches nobody" and "matches every friend" errors:
// the side each names, alone, must have no recipients or every friend.
func checkNobody(t *testing.T, d *eval.Dataset, rule *nctarget.Rule, src string, err error) {
	t.Helper()
	ds := nctarget.Diagnostics(err)
	if len(ds) == 0 || len(ds) > 2 {
		t.Fatalf("Simplify: %v, want one diagnostic per side\n%s", err, src)
	}
	for _, diag := range ds {
		side := &nctarget.Rule{Filter: rule.Filter}
		if strings.HasPrefix(diag.Msg, "this recipient expression ") {
			side = &nctarget.Rule{Recipient: rule.Recipient}
		}
		got, everyone := recipients(t, d, side), recipients(t, d, &nctarget.Rule{})
		switch {
		case strings.Contains(diag.Msg, " matches nobody: "):
			if !got.IsEmpty() {
				t.Errorf("Simplify says %q, but %d friends match it:\n%s", diag.Msg, got.GetCardinality(), src)
			}
		case strings.Contains(diag.Msg, " matches every friend: "):
			if !got.Equals(everyone) {
				t.Errorf("Simplify says %q, but %d of %d friends match it:\n%s", diag.Msg, got.GetCardinality(), everyone.GetCardinality(), src)
			}
		default:
			t.Fatalf("Simplify: unexpected error %v\n%s", diag, src)
		}
	}
}
