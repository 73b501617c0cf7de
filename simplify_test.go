package nctarget

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"testing"
)

// simplifyString parses src, simplifies it and prints the result in
// canonical syntax on one line.
func simplifyString(t *testing.T, src string) (string, *Simplification, error) {
	t.Helper()
	rule, err := Parse("test.nct", []byte(src))
	if err != nil {
		t.Fatalf("Parse(%q): %v", src, err)
	}
	before := rule.String()
	s, err := Simplify(rule)
	if after := rule.String(); after != before {
		t.Errorf("Simplify(%q) modified its input: %s", src, after)
	}
	if err != nil {
		return "", nil, err
	}
	return strings.ReplaceAll(s.Rule.String(), "\n", " "), s, nil
}

// TestSimplify is the folding table: rule in, simplified rule out, and the
// name of a rewrite that must be among those recorded.
func TestSimplify(t *testing.T) {
	tests := []struct {
		name, in, want, rewrite string
	}{
		{"flatten", "audience(1) and (audience(2) and audience(3))", "audience(1) and audience(2) and audience(3)", "flatten"},
		{"context", "audience(1) and not (audience(1) and not audience(2))", "audience(1) and audience(2)", "context"},
		{"context, implied atom", "where age[20,40) and (age[,30) or age[35,)) and not age[30,35)", "where age[20,40) and (age[,30) or age[35,))", "context"},
		{"context, clause that always holds", "where gender in (male) and (age[20,25) or not age[20,25))", "where gender in (male)", "context"},
		{"flatten or", "where (gender in (male) or age[20,25)) or appType in (ios)", "where gender in (male) or age[20,25) or appType in (ios)", "flatten"},
		{"duplicate audience", "audience(1) or audience(2) or audience(1)", "audience(1) or audience(2)", "duplicate"},
		{"duplicate group", "(audience(1) and audience(2)) or (audience(2) and audience(1))", "audience(1) and audience(2)", "duplicate"},
		{"duplicate value", "where area in (tokyo, jp_13, osaka)", "where area in (tokyo, osaka)", "duplicate value"},
		{"double negation", "not not audience(1)", "audience(1)", "double negation"},
		{"triple negation", "not not not audience(1)", "not audience(1)", "double negation"},
		{"double negation filter", "where not (not gender in (male))", "where gender in (male)", "double negation"},
		{"absorption and", "audience(1) and (audience(1) or audience(2))", "audience(1)", "absorption"},
		{"absorption or", "audience(1) or (audience(1) and audience(2))", "audience(1)", "absorption"},
		{"absorption filter", "where age[20,25) and (age[20,25) or gender in (male))", "where age[20,25)", "absorption"},
		{"set union", "where gender in (male) or gender in (female)", "where gender in (male, female)", "merge"},
		{"set intersection", "where area in (tokyo, osaka) and area in (osaka, kyoto)", "where area in (osaka)", "merge"},
		{"set minus not", "where gender in (male, female) and not gender in (male)", "where gender in (female)", "merge"},
		{"not union under and", "where not gender in (male) and not appType in (ios) and not gender in (female)", "where not gender in (male, female) and not appType in (ios)", "merge"},
		{"not intersection under or", "where not area in (tokyo, osaka) or not area in (osaka, kyoto)", "where not area in (osaka)", "merge"},
		{"positive or not", "where area in (tokyo) or not area in (tokyo, osaka)", "where not area in (osaka)", "merge"},
		{"ranges overlap or", "where age[20,30) or age[25,40)", "where age[20,40)", "merge"},
		{"ranges adjacent or", "where age[20,25) or age[25,30) or age[30,)", "where age[20,)", "merge"},
		{"ranges intersect and", "where age[20,40) and age[30,)", "where age[30,40)", "merge"},
		{"range comparisons", "where age >= 20 and age < 30", "where age[20,30)", "merge"},
		{"subscription ranges", "where subscriptionPeriod[7,30) or subscriptionPeriod[30,90)", "where subscriptionPeriod[7,90)", "merge"},
		{"range minus not", "where age[20,40) and not age[30,)", "where age[20,30)", "merge"},
		{"not ranges under and", "where not age[20,30) and not age[25,40)", "where not age[20,40)", "merge"},
		{"factor recipients", "(audience(1) and audience(2)) or (audience(1) and audience(3))", "audience(1) and (audience(2) or audience(3))", "factor"},
		{"factor dual", "(audience(1) or audience(2)) and (audience(1) or audience(3))", "audience(1) or (audience(2) and audience(3))", "factor"},
		{"factor three", "(audience(9) and audience(1)) or (audience(9) and audience(2)) or (audience(9) and audience(3)) or audience(4)",
			"audience(4) or (audience(9) and (audience(1) or audience(2) or audience(3)))", "factor"},
		{"factor filter", "where (gender in (male) and age[20,25)) or (gender in (male) and appType in (ios))",
			"where gender in (male) and (age[20,25) or appType in (ios))", "factor"},
		{"factor then merge", "where (gender in (male) and age[20,25)) or (gender in (male) and age[25,30))", "where gender in (male) and age[20,30)", "merge"},
		{"canonical order", "where area in (osaka) and age[20,) and gender in (female)", "where gender in (female) and age[20,) and area in (osaka)", ""},
		{"canonical values", "where area in (osaka, tokyo, jp_01) and appType in (android, ios)", "where appType in (ios, android) and area in (jp_01, tokyo, osaka)", ""},
		{"negated after positive", "not audience(2) and audience(3)", "audience(3) and not audience(2)", ""},
		{"nobody dropped from or", "audience(2) or (audience(1) and\n not audience(1))", "audience(2)", "drop nobody"},
		{"factor then nobody", "where (age[20,25) or gender in (male)) and (age[20,25) or gender in (female))", "where age[20,25)", "drop nobody"},
		{"always-true dropped from and", "where gender in (male) and not (age[20,25) and age[30,35))", "where gender in (male)", "drop always"},
		{"limit kept", "audience(1) or audience(1) limit 5 upToRemainingQuota", "audience(1) limit 5 upToRemainingQuota", "duplicate"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, s, err := simplifyString(t, tt.in)
			if err != nil {
				t.Fatalf("Simplify(%q): %v", tt.in, err)
			}
			if got != tt.want {
				t.Errorf("Simplify(%q)\n got %s\nwant %s", tt.in, got, tt.want)
			}
			if tt.rewrite != "" && !hasRewrite(s, tt.rewrite) {
				t.Errorf("Simplify(%q): no %q among rewrites %v", tt.in, tt.rewrite, s.Rewrites)
			}
		})
	}
}

func hasRewrite(s *Simplification, name string) bool {
	for _, r := range s.Rewrites {
		if r.Name == name {
			return true
		}
	}
	return false
}

// TestSimplifyMustNotRewrite pins the unknown-attribute traps of SPEC
// section 3 in both directions: neither form may be rewritten into the
// other, nor into "everyone".
func TestSimplifyMustNotRewrite(t *testing.T) {
	tests := []string{
		"where gender in (male, female)",
		"where not gender in (male)",
		"where gender in (female)",
		"where age[15,)",
		"where not age[20,)",
		"where age[,20)",
		"where gender in (male) or not gender in (male)",
		"where age[,20) or age[20,)",
		"where age[,25) or age[20,)",
		"where not age[20,25) or not age[30,35)",
		"where not gender in (male) or not gender in (female)",
		"where appType in (ios) or appType in (android) or not appType in (ios, android)",
		"where age[20,25) or age[30,35)",
		"where age[20,40) and not age[25,30)",
		"audience(1) or not audience(1)",
		// factoring gender out would add two operator objects to save one atom
		"where age[20,25) or (gender in (male) and appType in (ios) and area in (tokyo)) or (gender in (male) and appType in (android) and area in (osaka))",
	}
	for _, in := range tests {
		t.Run(in, func(t *testing.T) {
			got, s, err := simplifyString(t, in)
			if err != nil {
				t.Fatalf("Simplify(%q): %v", in, err)
			}
			if want := mustParse(t, in); !sameExpr(s.Rule.Recipient, want.Recipient) || !sameExpr(s.Rule.Filter, want.Filter) {
				t.Errorf("Simplify(%q) = %s, must stay %s", in, got, want)
			}
			for _, r := range s.Rewrites {
				t.Errorf("Simplify(%q) applied %s: %s => %s", in, r.Name, r.Before, r.After)
			}
		})
	}
}

// sameExpr reports whether a and b are the same expression up to the
// order of operands.
func sameExpr(a, b Expr) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	s := &simplifier{keys: make(map[Expr]string)}
	return s.key(a) == s.key(b)
}

func mustParse(t *testing.T, src string) *Rule {
	t.Helper()
	r, err := Parse("test.nct", []byte(src))
	if err != nil {
		t.Fatalf("Parse(%q): %v", src, err)
	}
	return r
}

// TestSimplifyNobody checks that a side matching nobody is an error that
// points at the first part where it starts (a part of a side that still
// matches somebody is Lint's error, in TestLint).
func TestSimplifyNobody(t *testing.T) {
	tests := []struct{ in, want string }{
		{"where age[20,25) and age[30,35)", "test.nct:1:7: this filter matches nobody: age[20,25) and age[30,35)"},
		{"where gender in (male) and gender in (female)", "test.nct:1:7: this filter matches nobody: gender in (male) and gender in (female)"},
		{"where area in (tokyo, osaka) and area in (kyoto)", "test.nct:1:7: this filter matches nobody: area in (tokyo, osaka) and area in (kyoto)"},
		{"audience(1) and not audience(1)", "test.nct:1:1: this recipient expression matches nobody: audience(1) and not audience(1)"},
		{"where age[20,) and not age[15,)", "test.nct:1:7: this filter matches nobody: age[20,) and not age[15,)"},
		{"(audience(1) and not audience(1)) or\n (audience(2) and not audience(2))", "test.nct:1:2: this recipient expression matches nobody: audience(1) and not audience(1)"},
		{"where (gender in (male) or gender in (female)) and (age[20,25) and age[30,35))", "test.nct:1:53: this filter matches nobody: age[20,25) and age[30,35)"},
		{"where gender in (female) and (age[20,25) and not gender in (female))", "test.nct:1:7: this filter matches nobody: gender in (female) and (age[20,25) and not gender in (female))"},
		{"where not (not gender in (female, male) or gender in (female, male) or gender in (female))", "test.nct:1:7: this filter matches nobody: not (not gender in (female, male) or gender in (female, male) or gender in (female))"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			_, _, err := simplifyString(t, tt.in)
			ds := Diagnostics(err)
			if len(ds) == 0 {
				t.Fatalf("Simplify(%q) = %v, want error %q", tt.in, err, tt.want)
			}
			if got := ds[0].Error(); got != tt.want {
				t.Errorf("Simplify(%q)\n got %s\nwant %s", tt.in, got, tt.want)
			}
		})
	}
}

// TestSimplifyRefusesInvalid checks that Simplify refuses a tree the API
// would reject, with validate's diagnostics, instead of simplifying it:
// two sets of codes the attribute does not have had the same canonical
// key, so "bogus or other" lost one side, and "bogus and not other" was
// reported as matching nobody.
func TestSimplifyRefusesInvalid(t *testing.T) {
	set := func(codes ...string) *Set {
		s := &Set{Attr: AttrGender}
		for _, c := range codes {
			s.Values = append(s.Values, Value{Code: c, Text: c})
		}
		return s
	}
	tests := []struct {
		name   string
		filter Expr
		want   []string // the messages, in order
	}{
		{"unknown codes or", &Operator{Op: OpOr, Args: []Expr{set("bogus"), set("other")}},
			[]string{`unknown gender code "bogus"`, `unknown gender code "other"`}},
		{"unknown codes and not", &Operator{Op: OpAnd, Args: []Expr{set("bogus"), &Not{X: set("other")}}},
			[]string{`unknown gender code "bogus"`, `unknown gender code "other"`}},
		{"one unknown code", set("male", "bogus"), []string{`unknown gender code "bogus"`}},
		{"no operands", &Operator{Op: OpOr}, []string{`"or" operator without operands`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := Simplify(&Rule{Filter: tt.filter})
			if err == nil {
				t.Fatalf("Simplify(where %v) = %v, want errors %q", tt.filter, s.Rule.Filter, tt.want)
			}
			var got []string
			for _, d := range Diagnostics(err) {
				got = append(got, d.Msg)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("Simplify(where %v) errors %q, want %q", tt.filter, got, tt.want)
			}
		})
	}
}

// TestSimplifyWarnings checks the simplifier's own warnings at their
// position; redundant clauses are Lint's (TestLint), and the rewrite
// rules warn about them only on sides too large for it to decide
// (TestSimplifyWarningsUndecided).
func TestSimplifyWarnings(t *testing.T) {
	tests := []struct{ in, want string }{
		{"where gender in (male, male)", "test.nct:1:7: warning: gender in (male, male) lists a value more than once"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			_, s, err := simplifyString(t, tt.in)
			if err != nil {
				t.Fatalf("Simplify(%q): %v", tt.in, err)
			}
			var got []string
			for _, w := range s.Warnings {
				got = append(got, w.Error())
			}
			if len(got) != 1 || got[0] != tt.want {
				t.Errorf("Simplify(%q) warnings\n got %q\nwant [%q]", tt.in, got, tt.want)
			}
		})
	}
}

// TestSimplifyWarningsUndecided: on a side too large for the oracle, the
// rewrite rules still warn about what they notice, and say nothing on a
// side Lint decides.
func TestSimplifyWarningsUndecided(t *testing.T) {
	for _, n := range []int{maxLintAtoms + 1, 10} {
		o := &Operator{Op: OpOr}
		for i := range n {
			o.Args = append(o.Args, &Audience{ID: int64(i%(n-1) + 1)})
		}
		s, err := Simplify(&Rule{Recipient: o})
		if err != nil {
			t.Fatal(err)
		}
		if got := len(s.Warnings); (n > maxLintAtoms) != (got == 1) {
			t.Errorf("%d atoms: %d warnings, want 1 beyond maxLintAtoms and 0 within: %v", n, got, s.Warnings)
		}
	}
}

// TestRecipientCountAfterSimplify compiles examples/redundant.nct, 14
// recipient objects as written and 8 after simplification, and checks that
// a rule still over the limit gets an error naming how many and which.
func TestRecipientCountAfterSimplify(t *testing.T) {
	src, err := os.ReadFile("examples/redundant.nct")
	if err != nil {
		t.Fatal(err)
	}
	req, err := Compile("redundant.nct", src, Options{})
	if err != nil {
		t.Fatalf("Compile: %v", err)
	}
	if n := len(RecipientObjects(req.Rule.Recipient)); n != 8 {
		t.Errorf("simplified rule has %d recipient objects, want 8: %s", n, req.Rule.Recipient)
	}
	_, err = Compile("redundant.nct", src, Options{NoSimplify: true})
	if got, want := fmt.Sprint(err), "redundant.nct:5:1: at most 10 recipient objects; this rule has 14 as written: audience(1001) at 5:2, "; !strings.HasPrefix(got, want) {
		t.Errorf("NoSimplify error\n got %s\nwant prefix %s", got, want)
	}

	var b strings.Builder
	for i := 1; i <= 12; i++ {
		fmt.Fprintf(&b, "audience(%d) or audience(%d) or ", i, i) // duplicates go, twelve stay
	}
	b.WriteString("audience(1)")
	_, err = Compile("many.nct", []byte(b.String()), Options{})
	want := "many.nct:1:1: at most 10 recipient objects; this rule has 12 even after simplification: audience(1) at 1:1, audience(2) at 1:31,"
	if got := fmt.Sprint(err); !strings.HasPrefix(got, want) || !strings.Contains(got, "audience(12) at 1:335") {
		t.Errorf("error\n got %s\nwant prefix %s and audience(12) at 1:335", got, want)
	}
}

// TestSimplifyCanonicalOrder checks that rules equal up to the order of
// operands and values compile to byte-identical JSON.
func TestSimplifyCanonicalOrder(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 2026))
	compared := 0
	for range 500 {
		rule := mustParse(t, RandomRule(r, 4))
		shuffled := *rule
		shuffled.Recipient, shuffled.Filter = shuffle(r, rule.Recipient), shuffle(r, rule.Filter)
		a, errA := CompileRule(rule, Options{})
		b, errB := CompileRule(&shuffled, Options{})
		switch {
		case (errA == nil) != (errB == nil):
			t.Errorf("%s: compiles %v, shuffled %v", rule, errA, errB)
		case errA == nil && !bytes.Equal(a.JSON(false), b.JSON(false)):
			t.Errorf("order changes the JSON:\n%s\n=> %s\nshuffled:\n%s\n=> %s", rule, a.JSON(false), &shuffled, b.JSON(false))
		case errA == nil:
			compared++
		}
	}
	if compared < 300 { // a part matching nobody anywhere is an error (Lint)
		t.Errorf("only %d of 500 random rules compiled", compared)
	}
}

// shuffle returns a copy of e with the operands of every and/or and the
// values of every set in random order.
func shuffle(r *rand.Rand, e Expr) Expr {
	switch n := e.(type) {
	case *Operator:
		c := *n
		c.Args = make([]Expr, len(n.Args))
		for i, a := range n.Args {
			c.Args[i] = shuffle(r, a)
		}
		r.Shuffle(len(c.Args), func(i, j int) { c.Args[i], c.Args[j] = c.Args[j], c.Args[i] })
		return &c
	case *Not:
		return &Not{Span: n.Span, X: shuffle(r, n.X)}
	case *Set:
		c := *n
		c.Values = slices.Clone(n.Values)
		r.Shuffle(len(c.Values), func(i, j int) { c.Values[i], c.Values[j] = c.Values[j], c.Values[i] })
		return &c
	}
	return e
}

// TestSimplifyResolvedAudiences checks that an audience named through the
// catalog and the same audience written by id are one recipient object.
func TestSimplifyResolvedAudiences(t *testing.T) {
	cat := NewCatalog(CatalogEntry{Name: "vip", AudienceGroupID: 5614991017776}, CatalogEntry{Name: "gold", AudienceGroupID: 5614991017776})
	req, err := Compile("t.nct", []byte("audience(vip) or audience(5614991017776) or audience(gold)"), Options{Catalog: cat})
	if err != nil {
		t.Fatal(err)
	}
	if got := string(req.JSON(false)); got != `{"recipient":{"type":"audience","audienceGroupId":5614991017776}}` {
		t.Errorf("got %s", got)
	}
	if len(req.Warnings) != 2 {
		t.Errorf("want a redundancy warning for each repeat, got %v", req.Warnings)
	}
}
