// Package randrule draws random rules and the random populations they
// target (friends, audiences, redeliveries), for the differential tests
// that check every backend against a reference on the same inputs: the
// evaluator's pass against a naive loop over users (package eval), and the
// SQL of package sqlgen, run on PostgreSQL and DuckDB, against the
// evaluator (sqlgen/internal/difftest). One generator serves them all, so
// that every backend is checked on the same shapes of rule and data.
//
// Everything is drawn from a caller's *rand.Rand: a seed gives the same
// rules and populations on every run, so a failure repeats.
//
// The package does not import eval, whose own tests use it: a population's
// users are of type User, which converts to eval.User.
package randrule

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"

	"github.com/nctarget/nctarget"
	"github.com/nctarget/nctarget/internal/userid"
)

// User is a friend of a random population. Its fields are eval.User's, in
// order, so that eval.User(u) converts it.
type User struct {
	ID                 string
	Gender             string
	Age                *int
	AppType            string
	Area               string
	SubscriptionPeriod *int
}

// Population is a random account: friends with about a fifth of each
// attribute unknown, audiences and redeliveries listing non-friends and
// duplicates, and an empty audience.
type Population struct {
	Users        []User
	Audiences    map[int64][]string  // audienceGroupId: the user IDs its file lists, friends or not
	Redeliveries map[string][]string // requestId: the user IDs its file lists, friends or not
	Sorted       bool                // users are in user ID order (false when shuffled)
}

// The audiences of every population: three random ones and an empty one.
var (
	MemberAudiences = []int64{1, 2, 3}
	EmptyAudience   = int64(4)
)

// Redeliveries is how many redeliveries a population has: RedeliveryID(1)
// to RedeliveryID(Redeliveries).
const Redeliveries = 2

// RedeliveryID returns the request ID of the n-th redelivery, from 1.
func RedeliveryID(n int) string { return fmt.Sprintf("00000000-0000-4000-8000-%012d", n) }

// NewPopulation draws a population of up to 300 friends from r. Users
// come in user ID order unless shuffled.
func NewPopulation(r *rand.Rand, shuffled bool) *Population {
	users := make([]User, r.IntN(300))
	pick := func(vals ...string) string { return vals[r.IntN(len(vals))] }
	num := func(hi int) *int {
		if r.IntN(5) == 0 {
			return nil
		}
		return new(r.IntN(hi))
	}
	for i := range users {
		users[i] = User{ID: userid.Format(uint64(i)*7 + 3), Gender: pick("", "male", "female", "female"), Age: num(90),
			AppType: pick("", "ios", "android", "others", "ios"), Area: pick("", "jp_13", "jp_27", "jp_23", "tw_01", "id_06"),
			SubscriptionPeriod: num(800)}
	}
	if shuffled {
		r.Shuffle(len(users), func(i, j int) { users[i], users[j] = users[j], users[i] })
	}
	members := func() []string {
		var ids []string
		for k := r.IntN(len(users) + 10); k > 0; k-- {
			ids = append(ids, userid.Format(uint64(r.IntN(7*len(users)+20)))) // some are not friends, some twice
		}
		return ids
	}
	p := &Population{Users: users, Audiences: map[int64][]string{EmptyAudience: nil}, Redeliveries: map[string][]string{}, Sorted: !shuffled}
	for _, id := range MemberAudiences {
		p.Audiences[id] = members()
	}
	for n := 1; n <= Redeliveries; n++ {
		p.Redeliveries[RedeliveryID(n)] = members()
	}
	return p
}

// Rule writes a random rule over a population's audiences and
// redeliveries: a recipient expression, a filter and a limit, each
// present or not, the expressions up to three levels of and, or and not.
// Some rules have parts that match nobody, which Compile refuses.
func Rule(r *rand.Rand) string {
	var b strings.Builder
	recipient := func() string {
		switch r.IntN(5) {
		case 0:
			return fmt.Sprintf("redelivery(%q)", RedeliveryID(1+r.IntN(Redeliveries)))
		case 1:
			return fmt.Sprintf("audience(%d)", EmptyAudience)
		}
		return fmt.Sprintf("audience(%d)", MemberAudiences[r.IntN(len(MemberAudiences))])
	}
	if r.IntN(4) > 0 {
		b.WriteString(Expr(r, 3, recipient))
	}
	if r.IntN(4) > 0 {
		b.WriteString(" where " + Expr(r, 3, func() string { return atom(r) }))
	}
	if r.IntN(3) == 0 {
		fmt.Fprintf(&b, " limit %d", 1+r.IntN(100))
	}
	return b.String()
}

// Expr writes a random expression of and, or and not of at most the
// given depth; atom writes a random atom, so that a caller draws
// expressions over atoms of its own.
func Expr(r *rand.Rand, depth int, atom func() string) string {
	if depth == 0 || r.IntN(3) == 0 {
		return atom()
	}
	switch r.IntN(3) {
	case 0:
		return "not (" + Expr(r, depth-1, atom) + ")"
	case 1:
		return "(" + Expr(r, depth-1, atom) + " and " + Expr(r, depth-1, atom) + ")"
	}
	return "(" + Expr(r, depth-1, atom) + " or " + Expr(r, depth-1, atom) + ")"
}

// atom writes a random demographic atom. Areas include two that no friend
// of a population is in (jp_01, th_01).
func atom(r *rand.Rand) string {
	subset := func(vals ...string) string {
		r.Shuffle(len(vals), func(i, j int) { vals[i], vals[j] = vals[j], vals[i] })
		return strings.Join(vals[:1+r.IntN(len(vals))], ", ")
	}
	rng := func(name string, bounds []int) string {
		i := r.IntN(len(bounds))
		j := i + 1 + r.IntN(len(bounds)-i)
		lo, hi := strconv.Itoa(bounds[i]), ""
		if j < len(bounds) {
			hi = strconv.Itoa(bounds[j])
		}
		if r.IntN(4) == 0 {
			lo = ""
		}
		if lo == "" && hi == "" {
			hi = strconv.Itoa(bounds[len(bounds)-1])
		}
		return name + "[" + lo + "," + hi + ")"
	}
	switch r.IntN(5) {
	case 0:
		return "gender in (" + subset("male", "female") + ")"
	case 1:
		return "appType in (" + subset("ios", "android") + ")"
	case 2:
		return "area in (" + subset("jp_13", "jp_27", "jp_23", "tw_01", "id_06", "jp_01", "th_01") + ")"
	case 3:
		return rng("age", nctarget.AttrAge.Bounds())
	}
	return rng("subscriptionPeriod", nctarget.AttrSubscriptionPeriod.Bounds())
}
