package eval

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/nctarget/nctarget"
	"github.com/nctarget/nctarget/internal/gendata"
)

// handUsers is a dataset small enough to check by inspection. User n has
// ID FormatID(n); the comment gives what each is for.
var handUsers = []User{
	{ID: FormatID(0), Gender: "male", Age: new(22), AppType: "ios", Area: "jp_13", SubscriptionPeriod: new(10)},        // young Tokyo man
	{ID: FormatID(1), Gender: "female", Age: new(37), AppType: "android", Area: "jp_27", SubscriptionPeriod: new(400)}, // Osaka woman
	{ID: FormatID(2), Gender: "", Age: nil, AppType: "", Area: "", SubscriptionPeriod: nil},                            // everything unknown
	{ID: FormatID(3), Gender: "female", Age: new(15), AppType: "others", Area: "jp_23", SubscriptionPeriod: new(7)},    // appType others = unknown
	{ID: FormatID(4), Gender: "male", Age: new(70), AppType: "android", Area: "tw_01", SubscriptionPeriod: new(365)},   // edge bounds
	{ID: FormatID(5), Gender: "female", Age: new(14), AppType: "ios", Area: "jp_13", SubscriptionPeriod: new(0)},       // below every bound
	{ID: FormatID(6), Gender: "male", Age: new(40), AppType: "ios", Area: "id_06", SubscriptionPeriod: new(29)},
	{ID: FormatID(7), Gender: "female", Age: new(39), AppType: "", Area: "jp_13", SubscriptionPeriod: new(30)},
}

// handAudiences: 100 holds 0, 1, 2 and two non-friends; 200 holds 1, 3, 5, 7.
var handAudiences = map[int64][]string{
	100: {FormatID(0), FormatID(1), FormatID(2), FormatID(900), FormatID(901)},
	200: {FormatID(1), FormatID(3), FormatID(5), FormatID(7), FormatID(1)},
	300: {FormatID(902)},
}

var handRedeliveries = map[string][]string{
	"5b59509c-c57b-11e9-aa8c-2a2ae2dbcce4": {FormatID(0), FormatID(4), FormatID(903)},
}

func handDataset(t testing.TB) *Dataset {
	t.Helper()
	d, err := NewDataset(handUsers, handAudiences, handRedeliveries)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// evalRule compiles src as written (no simplification, so node and
// warning order follow the source) and evaluates it on d.
func evalRule(t testing.TB, d *Dataset, src string) *Result {
	t.Helper()
	return planRule(t, d, src).Eval()
}

// planRule compiles src as written and plans it on d.
func planRule(t testing.TB, d *Dataset, src string) *Plan {
	t.Helper()
	req, err := nctarget.Compile("t.nct", []byte(src), nctarget.Options{NoSimplify: true})
	if err != nil {
		t.Fatalf("%s: %v", src, err)
	}
	p, err := d.Plan(req.Rule)
	if err != nil {
		t.Fatalf("%s: plan: %v", src, err)
	}
	return p
}

func TestSemantics(t *testing.T) {
	t.Parallel()
	d := handDataset(t)
	tests := []struct {
		rule string
		want []uint32 // recipients before the limit
	}{
		{"where gender in (male)", []uint32{0, 4, 6}},
		{"where gender in (male, female)", []uint32{0, 1, 3, 4, 5, 6, 7}}, // not a tautology: 2 is unknown
		{"where not gender in (male)", []uint32{1, 2, 3, 5, 7}},           // unknown gender included
		{"where gender = female", []uint32{1, 3, 5, 7}},
		{"where appType in (ios)", []uint32{0, 5, 6}},
		{"where appType in (ios, android)", []uint32{0, 1, 4, 5, 6}}, // others and empty are unknown
		{"where not appType in (android)", []uint32{0, 2, 3, 5, 6, 7}},
		{"where area in (tokyo, jp_27)", []uint32{0, 1, 5, 7}},
		{"where area in (makassar, taipei_city)", []uint32{4, 6}},
		{"where age[20,25)", []uint32{0}},
		{"where age[15,20)", []uint32{3}},
		{"where age[,15)", []uint32{5}},
		{"where age >= 70", []uint32{4}},
		{"where age[35,40)", []uint32{1, 7}},
		{"where age[35,45)", []uint32{1, 6, 7}},
		{"where not age[20,)", []uint32{2, 3, 5}},
		{"where subscriptionPeriod[7,30)", []uint32{0, 3, 6}},
		{"where subscriptionPeriod[,7)", []uint32{5}},
		{"where subscriptionPeriod >= 365", []uint32{1, 4}},
		{"where subscriptionPeriod[30,365)", []uint32{7}},
		{"audience(100)", []uint32{0, 1, 2}},           // non-friends never count
		{"audience(200)", []uint32{1, 3, 5, 7}},        // duplicates count once
		{"audience(300)", nil},                         // only non-friends
		{"not audience(100)", []uint32{3, 4, 5, 6, 7}}, // complement within friends
		{"audience(100) or audience(200)", []uint32{0, 1, 2, 3, 5, 7}},
		{"audience(100) and audience(200)", []uint32{1}},
		{`redelivery("5b59509c-c57b-11e9-aa8c-2a2ae2dbcce4")`, []uint32{0, 4}},
		{`not redelivery("5b59509c-c57b-11e9-aa8c-2a2ae2dbcce4")`, []uint32{1, 2, 3, 5, 6, 7}},
		{"audience(200) where not gender in (female)", nil},
		{"audience(100) where not gender in (female)", []uint32{0, 2}},
		{"where (gender in (male) and age[20,25)) or (age[35,40) and not gender in (male))", []uint32{0, 1, 7}},
		{"where not (gender in (male) or area in (jp_13))", []uint32{1, 2, 3}},
		{"audience(100) limit 2", []uint32{0, 1, 2}},
		{"limit 1", []uint32{0, 1, 2, 3, 4, 5, 6, 7}},
	}
	for _, tt := range tests {
		t.Run(tt.rule, func(t *testing.T) {
			r := evalRule(t, d, tt.rule)
			if diff := cmp.Diff(tt.want, r.Recipients().ToArray(), cmpEmpty); diff != "" {
				t.Errorf("recipients (-want +got):\n%s", diff)
			}
			if r.Waterfall.AfterFilter != uint64(len(tt.want)) {
				t.Errorf("AfterFilter = %d, want %d", r.Waterfall.AfterFilter, len(tt.want))
			}
		})
	}
}

// cmpEmptyStrings treats nil and empty slices as equal.
var cmpEmptyStrings = cmp.Comparer(func(a, b []string) bool { return slices.Equal(a, b) })

// cmpEmpty treats nil and empty slices as equal.
var cmpEmpty = cmp.Comparer(func(a, b []uint32) bool { return slices.Equal(a, b) })

func TestLimitWaterfall(t *testing.T) {
	t.Parallel()
	d := handDataset(t)
	r := evalRule(t, d, "audience(200) where gender in (female) and appType in (ios, android) limit 2")
	want := Waterfall{Friends: 8, AfterRecipient: 4, AfterFilter: 2, AfterLimit: 2, AllKnown: 2}
	if diff := cmp.Diff(want, r.Waterfall); diff != "" {
		t.Errorf("waterfall (-want +got):\n%s", diff)
	}
	r = evalRule(t, d, "audience(200) where gender in (female) limit 3")
	want = Waterfall{Friends: 8, AfterRecipient: 4, AfterFilter: 4, AfterLimit: 3, AllKnown: 3}
	if diff := cmp.Diff(want, r.Waterfall); diff != "" {
		t.Errorf("waterfall (-want +got):\n%s", diff)
	}
	// The limit keeps the lowest user numbers: 1, 3, 5.
	if diff := cmp.Diff([]uint32{1, 3, 5}, r.Selected().ToArray()); diff != "" {
		t.Errorf("selected (-want +got):\n%s", diff)
	}
	// every filter attribute known: user 7 has no appType.
	r = evalRule(t, d, "audience(200) where not appType in (android)")
	if r.Count != 3 || r.Waterfall.AllKnown != 1 {
		t.Errorf("count %d, all known %d; want 3, 1", r.Count, r.Waterfall.AllKnown)
	}
}

func TestNodeCounts(t *testing.T) {
	t.Parallel()
	d := handDataset(t)
	r := evalRule(t, d, "audience(100) and not audience(200) where gender in (male) or age[35,40)")
	var got []string
	for _, n := range r.Nodes {
		got = append(got, strings.Repeat(" ", n.Depth)+n.Clause+" "+n.Expr.String()+" = "+strconv.FormatUint(n.Count, 10))
	}
	want := []string{
		"recipient audience(100) and not audience(200) = 2",
		" recipient audience(100) = 3",
		" recipient not audience(200) = 4",
		"  recipient audience(200) = 4",
		"where gender in (male) or age[35,40) = 5",
		" where gender in (male) = 3",
		" where age[35,40) = 2",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("nodes (-want +got):\n%s", diff)
	}
}

func TestWarnings(t *testing.T) {
	t.Parallel()
	d := handDataset(t)
	tests := []struct {
		rule string
		min  uint64
		want []string // Kind: message
	}{
		{"audience(100)", 50, []string{
			"smallAudience: audience(100) has 3 friends, fewer than 50",
			"nonFriends: audience(100) lists 2 of 5 users who are not friends",
			"belowMinimum: 3 recipients, below the minimum of 50",
		}},
		{"audience(100)", 3, []string{
			"smallAudience: audience(100) has 3 friends, fewer than 50",
			"nonFriends: audience(100) lists 2 of 5 users who are not friends",
		}},
		{"where gender in (male)", 2, nil},
		{"where gender in (male)", 4, []string{"belowMinimum: 3 recipients, below the minimum of 4"}},
		{"audience(300)", 0, []string{
			"smallAudience: audience(300) has 0 friends, fewer than 50",
			"nonFriends: audience(300) lists 1 of 1 users who are not friends",
			"empty: no friend matches the rule",
		}},
		{"audience(100) where age[20,25)", 1, []string{
			"smallAudience: audience(100) has 3 friends, fewer than 50",
			"nonFriends: audience(100) lists 2 of 5 users who are not friends",
		}},
		{`redelivery("5b59509c-c57b-11e9-aa8c-2a2ae2dbcce4") where appType in (ios) and age[20,)`, 1, []string{
			"nonFriends: redelivery(\"5b59509c-c57b-11e9-aa8c-2a2ae2dbcce4\") lists 1 of 3 users who are not friends",
		}},
		{"audience(100) and not audience(200) where area in (jp_13) and appType in (ios)", 1, []string{
			"smallAudience: audience(100) has 3 friends, fewer than 50",
			"nonFriends: audience(100) lists 2 of 5 users who are not friends",
			"smallAudience: audience(200) has 4 friends, fewer than 50",
		}},
		{`audience(100) and not redelivery("5b59509c-c57b-11e9-aa8c-2a2ae2dbcce4") and not audience(200) where age[20,25)`, 1, []string{
			"smallAudience: audience(100) has 3 friends, fewer than 50",
			"nonFriends: audience(100) lists 2 of 5 users who are not friends",
			"nonFriends: redelivery(\"5b59509c-c57b-11e9-aa8c-2a2ae2dbcce4\") lists 1 of 3 users who are not friends",
			"smallAudience: audience(200) has 4 friends, fewer than 50",
			"unknownAttributes: age is unknown for 1 of 1 recipient (100%); atoms on age never match them",
			"empty: no friend matches the rule",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.rule, func(t *testing.T) {
			p := planRule(t, d, tt.rule)
			p.Min = tt.min
			var got []string
			for _, w := range p.Eval().Warnings {
				got = append(got, string(w.Kind)+": "+w.Msg)
			}
			if diff := cmp.Diff(tt.want, got, cmpEmptyStrings); diff != "" {
				t.Errorf("warnings (-want +got):\n%s", diff)
			}
		})
	}
}

// TestEmptyDataset checks that a dataset without friends evaluates to
// nothing, with no panic, whatever the rule.
func TestEmptyDataset(t *testing.T) {
	t.Parallel()
	d, err := NewDataset(nil, map[int64][]string{1: {FormatID(5)}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, rule := range []string{"audience(1)", "not audience(1) where not gender in (male) limit 5", "where age[20,)"} {
		r := evalRule(t, d, rule)
		if r.Count != 0 || r.Waterfall != (Waterfall{}) || len(r.Sample(3)) != 0 {
			t.Errorf("%s: count %d, waterfall %+v; want all zero", rule, r.Count, r.Waterfall)
		}
	}
}

// TestConcurrentEval evaluates one plan from several goroutines (run with
// -race): Eval must only read the plan and the dataset.
func TestConcurrentEval(t *testing.T) {
	t.Parallel()
	d := handDataset(t)
	req, err := nctarget.Compile("t.nct", []byte("audience(100) or audience(200) where not gender in (male) limit 3"), nctarget.Options{})
	if err != nil {
		t.Fatal(err)
	}
	p, err := d.Plan(req.Rule)
	if err != nil {
		t.Fatal(err)
	}
	want := p.Eval().Recipients().ToArray()
	errs := make(chan string, 8)
	for range 8 {
		go func() {
			got := p.Eval().Recipients().ToArray()
			if !slices.Equal(got, want) {
				errs <- fmt.Sprintf("got %v, want %v", got, want)
				return
			}
			errs <- ""
		}()
	}
	for range 8 {
		if e := <-errs; e != "" {
			t.Error(e)
		}
	}
}

// TestConcurrentPlan plans rules naming the same and different audience
// and redelivery files from several goroutines at once (run with -race):
// files load in parallel and once each, and every plan counts what it
// counts alone on a fresh dataset. A malformed file fails every plan that
// names it.
func TestConcurrentPlan(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if err := gendata.Generate(dir, gendata.Options{Users: 3000, Seed: 9}); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "audiences", "77.txt"), []byte("U123\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	rules := []string{
		"audience(5614991017776) and not audience(4389303728991)",
		"audience(1000000000010) or audience(1000000000020) or audience(5614991017776)",
		`redelivery("5b59509c-c57b-11e9-aa8c-2a2ae2dbcce4") or audience(1000000000050) where age[20,40)`,
		"audience(77) or audience(1000000000040)",
	}
	count := func(d *Dataset, rule string) string {
		req, err := nctarget.Compile("t.nct", []byte(rule), nctarget.Options{})
		if err != nil {
			t.Fatal(err)
		}
		p, err := d.Plan(req.Rule)
		if err != nil {
			return "error: " + err.Error()
		}
		return strconv.FormatUint(p.Eval().Count, 10)
	}
	want := map[string]string{}
	for _, rule := range rules {
		d, err := Load(dir, LoadOptions{})
		if err != nil {
			t.Fatal(err)
		}
		want[rule] = count(d, rule)
	}
	if !strings.HasPrefix(want[rules[3]], "error: ") || strings.HasPrefix(want[rules[0]], "error: ") {
		t.Fatalf("want an error for the malformed audience only: %v", want)
	}
	d, err := Load(dir, LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for k := range 16 {
		rule := rules[k%len(rules)]
		wg.Go(func() {
			if got := count(d, rule); got != want[rule] {
				t.Errorf("%s: %s, alone %s", rule, got, want[rule])
			}
		})
	}
	wg.Wait()
}

// TestUserZeroValue checks that a User's zero attributes are unknown, as
// an empty cell of users.csv is: no age or period of 0 is made up.
func TestUserZeroValue(t *testing.T) {
	t.Parallel()
	d, err := NewDataset([]User{{ID: FormatID(1)}, {ID: FormatID(2), Age: new(0), SubscriptionPeriod: new(0)}}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	r := evalRule(t, d, "where (age[15,) or not age[15,)) and (subscriptionPeriod[7,) or not subscriptionPeriod[7,))")
	if r.Count != 2 || r.Waterfall.AllKnown != 1 {
		t.Errorf("count %d, with age and period known %d; want 2 and 1 (only the friend given them)", r.Count, r.Waterfall.AllKnown)
	}
}

// TestSelectedIDs checks that SelectedIDs gives the IDs of Selected, in
// users.csv order, after the limit.
func TestSelectedIDs(t *testing.T) {
	t.Parallel()
	d := handDataset(t)
	for _, rule := range []string{"where gender in (female) limit 2", "audience(100)", "where age[70,)", "audience(300)"} {
		r := evalRule(t, d, rule)
		var want []string
		for _, i := range r.Selected().ToArray() {
			want = append(want, d.UserID(i))
		}
		if got := slices.Collect(r.SelectedIDs()); !slices.Equal(got, want) || uint64(len(got)) != r.Count {
			t.Errorf("%s: SelectedIDs %v, want %v (count %d)", rule, got, want, r.Count)
		}
	}
}
