package fuzz

import (
	"hash/fnv"
	"math/rand/v2"
	"testing"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/nctarget/nctarget"
	"github.com/nctarget/nctarget/eval"
)

// populationSize is the number of friends in FuzzSimplify's population:
// small enough to evaluate on every input, large enough that every
// combination of a few attributes occurs.
const populationSize = 200

// FuzzSimplify checks that simplification never changes who receives a
// message. Each parsed rule is evaluated, as written and simplified, on a
// random population drawn from a seed taken from the rule's text, with
// unknown attributes and non-friend audience members mixed in; the
// recipient sets must be equal. When Simplify rejects a rule as matching
// nobody, the rule as written must select nobody.
func FuzzSimplify(f *testing.F) {
	addRuleSeeds(f)
	f.Fuzz(func(t *testing.T, src []byte) {
		rule, err := nctarget.Parse(fuzzFile, src)
		if err != nil {
			return
		}
		data, err := population(src, rule)
		if err != nil {
			t.Fatalf("population: %v", err)
		}
		want, err := recipients(data, rule)
		if err != nil {
			return // a rule eval cannot plan, such as an audience named without a catalog
		}
		s, err := nctarget.Simplify(rule)
		if err != nil {
			if n := want.GetCardinality(); n != 0 {
				t.Fatalf("Simplify says %q matches nobody (%v), but it selects %d of %d friends", src, err, n, populationSize)
			}
			return
		}
		got, err := recipients(data, s.Rule)
		if err != nil {
			t.Fatalf("the simplified rule %s does not plan: %v\nsource: %q", s.Rule, err, src)
		}
		if !got.Equals(want) {
			t.Fatalf("simplification changed the recipients\nsource:     %q\nsimplified: %s\nas written: %v\nsimplified: %v",
				src, s.Rule, want.ToArray(), got.ToArray())
		}
	})
}

// recipients evaluates rule on data and returns Result.Recipients().
func recipients(data *eval.Dataset, rule *nctarget.Rule) (*roaring.Bitmap, error) {
	plan, err := data.Plan(rule)
	if err != nil {
		return nil, err
	}
	return plan.Eval().Recipients(), nil
}

// population returns a random dataset for rule, seeded from src so a
// failure replays. Every audience and redelivery the rule names gets a
// random member list, part of it users who are not friends.
func population(src []byte, rule *nctarget.Rule) (*eval.Dataset, error) {
	h := fnv.New64a()
	h.Write(src)
	r := rand.New(rand.NewPCG(h.Sum64(), 1))
	users := make([]eval.User, populationSize)
	for i := range users {
		users[i] = randomUser(r, uint64(i))
	}
	auds := map[int64][]string{}
	reds := map[string][]string{}
	for _, obj := range nctarget.RecipientObjects(rule.Recipient) {
		members := randomMembers(r)
		switch a := obj.(type) {
		case *nctarget.Audience:
			auds[a.ID] = members
		case *nctarget.Redelivery:
			reds[a.RequestID] = members
		}
	}
	return eval.NewDataset(users, auds, reds)
}

// randomUser returns friend number n with random attributes, each unknown
// one time in four.
func randomUser(r *rand.Rand, n uint64) eval.User {
	pick := func(values ...string) string {
		if r.IntN(4) == 0 {
			return ""
		}
		return values[r.IntN(len(values))]
	}
	number := func(max int) *int {
		if r.IntN(4) == 0 {
			return nil
		}
		return new(r.IntN(max))
	}
	return eval.User{
		ID:                 eval.FormatID(n),
		Gender:             pick("male", "female"),
		Age:                number(90),
		AppType:            pick("ios", "android"),
		Area:               pick("jp_01", "jp_13", "jp_23", "jp_47", "tw_01", "th_08", "id_05", "id_06"),
		SubscriptionPeriod: number(500),
	}
}

// randomMembers returns a random member list: friends, and users numbered
// past the population, who are not friends.
func randomMembers(r *rand.Rand) []string {
	var ids []string
	for n := range uint64(populationSize + 20) {
		if r.IntN(3) == 0 {
			ids = append(ids, eval.FormatID(n))
		}
	}
	return ids
}

// TestPopulationTellsRulesApart shows the FuzzSimplify oracle can fail: on
// its population, rewrites that are wrong only for unknown attributes or
// for non-friend audience members give different recipients.
func TestPopulationTellsRulesApart(t *testing.T) {
	tests := []struct{ a, b string }{
		{"where gender in (male)", "where not gender in (female)"},
		{"where gender in (male, female)", ""},
		{"where age[20,70)", "where not age[,20) and not age[70,)"},
		{"audience(1)", "audience(1) or audience(2)"},
		{"not audience(1)", "audience(2)"},
	}
	for _, tt := range tests {
		t.Run(tt.a, func(t *testing.T) {
			ra, err := nctarget.Parse(fuzzFile, []byte(tt.a))
			if err != nil {
				t.Fatal(err)
			}
			rb, err := nctarget.Parse(fuzzFile, []byte(tt.b))
			if err != nil {
				t.Fatal(err)
			}
			both := &nctarget.Rule{Recipient: &nctarget.Operator{Op: nctarget.OpOr, Args: []nctarget.Expr{&nctarget.Audience{ID: 1}, &nctarget.Audience{ID: 2}}}}
			data, err := population([]byte(tt.a), both)
			if err != nil {
				t.Fatal(err)
			}
			a, errA := recipients(data, ra)
			b, errB := recipients(data, rb)
			if errA != nil || errB != nil {
				t.Fatalf("eval: %v, %v", errA, errB)
			}
			if a.Equals(b) {
				t.Errorf("%q and %q select the same %d friends; the population cannot tell them apart", tt.a, tt.b, a.GetCardinality())
			}
		})
	}
}
