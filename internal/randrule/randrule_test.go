package randrule

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/nctarget/nctarget"
)

// drawRules draws n rules from seed.
func drawRules(seed uint64, n int) []string {
	r := rand.New(rand.NewPCG(seed, 1))
	rules := make([]string, n)
	for i := range rules {
		rules[i] = Rule(r)
	}
	return rules
}

// TestRuleShapes checks that a few hundred rules hold every shape the
// differential tests count on, each a valid rule, and that a seed draws
// the same rules again.
func TestRuleShapes(t *testing.T) {
	rules := drawRules(1, 300)
	for _, src := range rules {
		if _, err := nctarget.Parse("rand.nct", []byte(src)); err != nil {
			t.Errorf("%q: %v", src, err)
		}
	}
	type shape struct {
		name string
		has  func(src string) bool
	}
	shapes := []shape{
		{"no recipient", func(s string) bool { return strings.HasPrefix(s, " where") }},
		{"no filter", func(s string) bool { return !strings.Contains(s, "where") }},
		{"nothing but a limit", func(s string) bool { return strings.HasPrefix(s, " limit") }},
		{"the empty audience", func(s string) bool { return strings.Contains(s, fmt.Sprintf("audience(%d)", EmptyAudience)) }},
		{"a limit", func(s string) bool { return strings.Contains(s, " limit ") }},
		{"not", func(s string) bool { return strings.Contains(s, "not (") }},
		{"and", func(s string) bool { return strings.Contains(s, " and ") }},
		{"or", func(s string) bool { return strings.Contains(s, " or ") }},
		{"gender", func(s string) bool { return strings.Contains(s, "gender in (") }},
		{"appType", func(s string) bool { return strings.Contains(s, "appType in (") }},
		{"an area no friend is in", func(s string) bool { return strings.Contains(s, "th_01") }},
		{"age from a bound", func(s string) bool { return strings.Contains(s, "age[15,") }},
		{"age with no lower bound", func(s string) bool { return strings.Contains(s, "age[,") }},
		{"age with no upper bound", func(s string) bool { return strings.Contains(s, ",)") }},
		{"subscriptionPeriod", func(s string) bool { return strings.Contains(s, "subscriptionPeriod[") }},
		{"three levels deep", func(s string) bool { return strings.Contains(s, "(((") || strings.Contains(s, "not (not (not") }},
	}
	for i := 1; i <= Redeliveries; i++ {
		shapes = append(shapes, shape{"redelivery " + RedeliveryID(i), func(s string) bool { return strings.Contains(s, RedeliveryID(i)) }})
	}
	for _, id := range MemberAudiences {
		shapes = append(shapes, shape{fmt.Sprintf("audience %d", id), func(s string) bool { return strings.Contains(s, fmt.Sprintf("audience(%d)", id)) }})
	}
	for _, sh := range shapes {
		if !slices.ContainsFunc(rules, sh.has) {
			t.Errorf("no rule of %d has %s", len(rules), sh.name)
		}
	}
	if diff := cmp.Diff(rules, drawRules(1, 300)); diff != "" {
		t.Errorf("seed 1 drew other rules the second time (-first +second):\n%s", diff)
	}
}

// TestPopulation checks that populations hold what the differential
// tests count on: unknown attributes, members that are no friend or
// listed twice, the empty audience, users in ID order unless shuffled.
func TestPopulation(t *testing.T) {
	var unknown, strangers, twice, users int
	for seed := range uint64(10) {
		p := NewPopulation(rand.New(rand.NewPCG(seed, 2)), false)
		if ms, ok := p.Audiences[EmptyAudience]; !ok || len(ms) != 0 {
			t.Errorf("seed %d: audience %d is %v (present %v), want empty", seed, EmptyAudience, ms, ok)
		}
		if len(p.Audiences) != len(MemberAudiences)+1 || len(p.Redeliveries) != Redeliveries {
			t.Errorf("seed %d: %d audiences and %d redeliveries", seed, len(p.Audiences), len(p.Redeliveries))
		}
		if !p.Sorted || !slices.IsSortedFunc(p.Users, byID) {
			t.Errorf("seed %d: users not in ID order (Sorted %v)", seed, p.Sorted)
		}
		friends := map[string]bool{}
		for _, u := range p.Users {
			friends[u.ID] = true
			if u.Gender == "" || u.Age == nil || u.AppType == "" || u.Area == "" || u.SubscriptionPeriod == nil {
				unknown++
			}
		}
		users += len(p.Users)
		var lists [][]string
		for _, ms := range p.Audiences {
			lists = append(lists, ms)
		}
		for _, ms := range p.Redeliveries {
			lists = append(lists, ms)
		}
		for _, ms := range lists {
			seen := map[string]bool{}
			for _, m := range ms {
				if !friends[m] {
					strangers++
				}
				if seen[m] {
					twice++
				}
				seen[m] = true
			}
		}
	}
	if users == 0 || unknown == 0 || strangers == 0 || twice == 0 {
		t.Errorf("%d users, %d with an attribute unknown; %d members no friend, %d listed twice: want some of each", users, unknown, strangers, twice)
	}
	p := NewPopulation(rand.New(rand.NewPCG(3, 2)), true)
	if p.Sorted || slices.IsSortedFunc(p.Users, byID) {
		t.Errorf("shuffled: %d users in ID order (Sorted %v)", len(p.Users), p.Sorted)
	}
}

// byID orders users by ID.
func byID(a, b User) int { return strings.Compare(a.ID, b.ID) }
