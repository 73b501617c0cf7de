// Package difftest checks queries of package sqlgen, run on a real engine,
// against package eval on the same seeded random rules and populations
// (package randrule draws them): the recipients, the count and the
// waterfall must be equal, exactly. The
// PostgreSQL test (package sqlgen) and the DuckDB one (the nested module
// sqlgen/duckdbtest, which needs cgo) share it.
package difftest

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/nctarget/nctarget"
	"github.com/nctarget/nctarget/eval"
	"github.com/nctarget/nctarget/internal/randrule"
	"github.com/nctarget/nctarget/sqlgen"
)

// NewPopulation draws the population of seed: the same on every run.
// Users come in ID order unless shuffled.
func NewPopulation(seed uint64, shuffled bool) *randrule.Population {
	return randrule.NewPopulation(rand.New(rand.NewPCG(seed, 0x73716c)), shuffled)
}

// users returns the population's users as eval takes them.
func users(p *randrule.Population) []eval.User {
	us := make([]eval.User, len(p.Users))
	for i, u := range p.Users {
		us[i] = eval.User(u)
	}
	return us
}

// Engine runs queries on a real database.
type Engine interface {
	// Dialect is the dialect the engine's queries are written in.
	Dialect() sqlgen.Dialect
	// Layout is the layout the engine loads into and the queries read.
	Layout() sqlgen.Layout
	// Load replaces the tables of the layout with the population.
	Load(p *randrule.Population) error
	// Query runs each query and returns its rows, each a row of cells as
	// text.
	Query(qs []*sqlgen.Query) ([][][]string, error)
}

// Layout is the layout the differential tests load into: the schema
// difftest.
var Layout = sqlgen.Layout{Schema: "difftest"}

// expected is what eval says of one rule.
type expected struct {
	waterfall  eval.Waterfall
	recipients []string // after the limit, sorted
}

// evalRule evaluates rule on d the way SQL's limit reads it: the
// recipients after the limit are the lowest user IDs of eval's recipients.
func evalRule(d *eval.Dataset, rule *nctarget.Rule) (expected, error) {
	plan, err := d.Plan(rule)
	if err != nil {
		return expected{}, err
	}
	res := plan.Eval()
	var ids []string
	for _, i := range res.Recipients().ToArray() {
		ids = append(ids, d.UserID(i))
	}
	slices.Sort(ids)
	return expected{waterfall: res.Waterfall, recipients: ids[:res.Count]}, nil
}

// Run checks rules random rules on each of populations seeded populations
// (one in three with users in random order) on e, every rule as its
// recipients, count and waterfall query, every other rule with bound
// parameters.
func Run(t *testing.T, e Engine, populations, rules int) {
	t.Helper()
	checked := 0
	for seed := range uint64(populations) {
		p := NewPopulation(seed, seed%3 == 2)
		r := rand.New(rand.NewPCG(seed, 0x72756c65))
		var cases []ruleCase
		for range rules {
			src, req := compileRand(r)
			cases = append(cases, ruleCase{src, req.Rule})
		}
		checked += check(t, e, fmt.Sprintf("population %d", seed), p, cases)
	}
	t.Logf("%d rules on %d populations: recipients, count and waterfall equal eval's", checked, populations)
}

// RunRequestIDs checks rules over redeliveries whose request IDs are ids,
// on e: each request ID is written as a string literal, and bound as a
// parameter. The compiler takes only UUIDs, so the rules are built
// directly, as a caller of sqlgen.Compile may.
func RunRequestIDs(t *testing.T, e Engine, ids []string) {
	t.Helper()
	p := NewPopulation(0, false)
	p.Redeliveries = map[string][]string{}
	var cases []ruleCase
	for i, id := range ids {
		var members []string
		for k := i % 3; k < len(p.Users); k += 2 + i%5 {
			members = append(members, p.Users[k].ID)
		}
		p.Redeliveries[id] = append(members, eval.FormatID(1<<40)) // and one that is no friend
		in := &nctarget.Redelivery{RequestID: id}
		cases = append(cases,
			ruleCase{fmt.Sprintf("redelivery(%q)", id), &nctarget.Rule{Recipient: in}},
			ruleCase{fmt.Sprintf("not redelivery(%q)", id), &nctarget.Rule{Recipient: &nctarget.Not{X: in}}})
	}
	checked := check(t, e, "request IDs", p, cases)
	t.Logf("%d rules over %d request IDs: recipients, count and waterfall equal eval's", checked, len(ids))
}

// ruleCase is a rule to check and its source, or a description of it.
type ruleCase struct {
	src  string
	rule *nctarget.Rule
}

// check loads p into e and checks every case's recipients, count and
// waterfall query against eval, every other case with bound parameters;
// it returns how many cases it checked.
func check(t *testing.T, e Engine, what string, p *randrule.Population, cases []ruleCase) int {
	t.Helper()
	d, err := eval.NewDataset(users(p), p.Audiences, p.Redeliveries)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Load(p); err != nil {
		t.Fatalf("%s: loading: %v", what, err)
	}
	var wants []expected
	var qs []*sqlgen.Query
	for i, c := range cases {
		want, err := evalRule(d, c.rule)
		if err != nil {
			t.Fatalf("%s: eval: %v", c.src, err)
		}
		for _, out := range []sqlgen.Output{sqlgen.Recipients, sqlgen.Count, sqlgen.Waterfall} {
			q, err := sqlgen.Compile(c.rule, sqlgen.Options{Dialect: e.Dialect(), Output: out, Params: i%2 == 1, Layout: e.Layout()})
			if err != nil {
				t.Fatalf("%s: %v", c.src, err)
			}
			qs = append(qs, q)
		}
		wants = append(wants, want)
	}
	rows, err := e.Query(qs)
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	for i, c := range cases {
		compare(t, fmt.Sprintf("%s (%d users, sorted %v), rule %q", what, len(p.Users), p.Sorted, c.src), wants[i], rows[3*i:3*i+3], p.Sorted)
	}
	return len(cases)
}

// compileRand draws random rules until one compiles: the compiler refuses
// some (a clause that matches nobody, more than ten recipient objects).
func compileRand(r *rand.Rand) (string, *nctarget.Request) {
	for {
		src := randrule.Rule(r)
		if req, err := nctarget.Compile("rule.nct", []byte(src), nctarget.Options{}); err == nil {
			return src, req
		}
	}
}

// compare checks one rule's three results against eval's. The count
// after all_known is compared only where SQL keeps the same friends as
// eval (users in ID order), since under a limit it depends on which.
func compare(t *testing.T, what string, want expected, rows [][][]string, sorted bool) {
	t.Helper()
	var got []string
	for _, row := range rows[0] {
		got = append(got, row[0])
	}
	slices.Sort(got)
	if !slices.Equal(got, want.recipients) {
		t.Errorf("%s: recipients: got %d %v, want %d %v", what, len(got), got, len(want.recipients), want.recipients)
	}
	w := want.waterfall
	if c := cell(rows[1]); c != strconv.FormatUint(w.AfterLimit, 10) {
		t.Errorf("%s: count: got %s, want %d", what, c, w.AfterLimit)
	}
	wantRow := []uint64{w.Friends, w.AfterRecipient, w.AfterFilter, w.AfterLimit, w.AllKnown}
	if len(rows[2]) != 1 || len(rows[2][0]) != len(wantRow) {
		t.Errorf("%s: waterfall: got rows %v, want one row of %d", what, rows[2], len(wantRow))
		return
	}
	for j, v := range wantRow {
		if j == 4 && !sorted {
			continue
		}
		if rows[2][0][j] != strconv.FormatUint(v, 10) {
			t.Errorf("%s: waterfall %s: got %s, want %d (got row %v, want %v)", what, []string{"friends", "after_recipient", "after_filter", "after_limit", "all_known"}[j], rows[2][0][j], v, rows[2][0], wantRow)
		}
	}
}

// cell returns the only cell of rows, or a description of what is there.
func cell(rows [][]string) string {
	if len(rows) != 1 || len(rows[0]) != 1 {
		return fmt.Sprint(rows)
	}
	return rows[0][0]
}

// UserRow returns a user's cells in the column order of sqlgen.Schema,
// with "" for unknown.
func UserRow(u randrule.User) []string {
	n := func(p *int) string {
		if p == nil {
			return ""
		}
		return strconv.Itoa(*p)
	}
	return []string{u.ID, u.Gender, n(u.Age), u.AppType, u.Area, n(u.SubscriptionPeriod)}
}

// BenchCount measures count, an engine's count query of rule over the
// data directory dir loaded into it, beside eval's full load and
// evaluation of dir, each iteration of b running both, and reports how
// many times eval's time the query's is, in unit (such as "pg/eval").
// Both must count the same.
func BenchCount(b *testing.B, engine, unit, dir string, rule *nctarget.Rule, count func() (uint64, error)) {
	b.Helper()
	var sqlCount, evalCount uint64
	var sqlTime, evalTime time.Duration
	for b.Loop() {
		start := time.Now()
		n, err := count()
		if err != nil {
			b.Fatal(err)
		}
		sqlCount = n
		sqlTime += time.Since(start)
		start = time.Now()
		d, err := eval.Load(dir, eval.LoadOptions{})
		if err != nil {
			b.Fatal(err)
		}
		p, err := d.Plan(rule)
		if err != nil {
			b.Fatal(err)
		}
		evalCount = p.Eval().Count
		evalTime += time.Since(start)
		d.Close()
	}
	if sqlCount != evalCount {
		b.Fatalf("%s counts %d, eval %d", engine, sqlCount, evalCount)
	}
	ratio := float64(sqlTime) / float64(evalTime)
	b.ReportMetric(ratio, unit)
	b.Logf("count %d: %s's count query took %v in all, eval's load and evaluation %v: %.2fx", sqlCount, engine, sqlTime, evalTime, ratio)
}
