package nctarget

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestCompileRuleRejectsInvalidTrees builds by hand trees the API would
// reject, which Parse can never return: CompileRule must refuse each with
// a diagnostic naming the problem, instead of writing JSON the API (or a
// JSON reader) refuses.
func TestCompileRuleRejectsInvalidTrees(t *testing.T) {
	uuid := "5b59509c-c57b-11e9-aa8c-2a2ae2dbcce4"
	aud := func(id int64) Expr { return &Audience{ID: id} }
	age := func(gte, lt int) Expr { return &Range{Attr: AttrAge, Gte: gte, Lt: lt} }
	for _, tc := range []struct {
		name string
		rule *Rule
		msg  string
	}{
		{"nil rule", nil, "nil rule"},
		{"and without operands", &Rule{Recipient: &Operator{Op: OpAnd}}, `"and" operator without operands`},
		{"or without operands", &Rule{Filter: &Operator{Op: OpOr}}, `"or" operator without operands`},
		{"operator zero", &Rule{Recipient: &Operator{Args: []Expr{aud(1)}}}, "operator 0 is neither and nor or"},
		{"nil operand", &Rule{Recipient: &Operator{Op: OpOr, Args: []Expr{aud(1), nil}}}, `nil operand of "or"`},
		{"not of nothing", &Rule{Recipient: &Not{}}, "not without an operand"},
		{"redelivery not JSON-safe", &Rule{Recipient: &Redelivery{RequestID: "a\x7fb\u2028"}}, "is not a UUID"},
		{"audience id zero", &Rule{Recipient: aud(0)}, "audience without an id or a name"},
		{"audience id negative", &Rule{Recipient: aud(-5)}, "audience group id -5 is out of range"},
		{"audience in the filter", &Rule{Filter: aud(1)}, "is a recipient, but this is the demographic filter"},
		{"set in the recipient", &Rule{Recipient: &Set{Attr: AttrGender, Values: []Value{{Code: "male"}}}}, "is a demographic atom, but this is the recipient expression"},
		{"empty set", &Rule{Filter: &Set{Attr: AttrGender}}, "empty value list for gender"},
		{"unknown code", &Rule{Filter: &Set{Attr: AttrArea, Values: []Value{{Code: "jp_99"}}}}, `unknown area code "jp_99"`},
		{"code with a quote", &Rule{Filter: &Set{Attr: AttrGender, Values: []Value{{Code: `ma"le`}}}}, `unknown gender code "ma\"le"`},
		{"set of a range attribute", &Rule{Filter: &Set{Attr: AttrAge, Values: []Value{{Code: "male"}}}}, "age is not a set attribute"},
		{"range of a set attribute", &Rule{Filter: &Range{Attr: AttrGender, Gte: 20}}, "gender is not a range attribute"},
		{"unknown attribute", &Rule{Filter: &Range{Attr: 9, Gte: 20}}, "Attr(9) is not a range attribute"},
		{"range without bounds", &Rule{Filter: age(0, 0)}, "age range without bounds"},
		{"unaligned bound", &Rule{Filter: age(21, 0)}, "age bound 21 is not one the API accepts"},
		{"empty range", &Rule{Filter: age(40, 30)}, "empty range age[40,30) matches nobody"},
		{"empty limit", &Rule{Recipient: aud(1), Limit: &Limit{}}, "empty limit clause"},
		{"limit over int32", &Rule{Recipient: aud(1), Limit: &Limit{Max: 1 << 31}}, "limit 2147483648 is out of range"},
		{"forbidPartialDelivery alone", &Rule{Recipient: aud(1), Limit: &Limit{Max: 5, ForbidPartialDelivery: true}}, "forbidPartialDelivery requires upToRemainingQuota"},
		{"deep in the tree", &Rule{Recipient: &Operator{Op: OpAnd, Args: []Expr{aud(1), &Not{X: &Redelivery{RequestID: uuid + "x"}}}}}, "is not a UUID"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, noSimplify := range []bool{false, true} {
				req, err := CompileRule(tc.rule, Options{NoSimplify: noSimplify})
				if err == nil {
					t.Fatalf("CompileRule accepted it and wrote %s", req.JSON(false))
				}
				if !strings.Contains(err.Error(), tc.msg) {
					t.Errorf("error %q, want one containing %q", err, tc.msg)
				}
			}
		})
	}
	// A valid hand-built tree, without positions, still compiles.
	rule := &Rule{Recipient: &Operator{Op: OpAnd, Args: []Expr{aud(1), &Not{X: &Redelivery{RequestID: uuid}}}},
		Filter: age(20, 30), Limit: &Limit{Max: 5, UpToRemainingQuota: true, ForbidPartialDelivery: true}}
	if _, err := CompileRule(rule, Options{}); err != nil {
		t.Errorf("valid tree: %v", err)
	}
}

// TestWriteString checks the JSON string writer against encoding/json on
// the strings where Go quoting and JSON differ.
func TestWriteString(t *testing.T) {
	for _, s := range []string{"", "male", "jp_13", "a\x7fb\u2028", "\u2029", `q"uote`, `back\slash`, "<&>", "tab\there", "\x00", "\xff", "é会員", "\U0001F600"} {
		var b bytes.Buffer
		writeString(&b, s)
		want, _ := json.Marshal(s)
		if b.String() != string(want) {
			t.Errorf("writeString(%q) = %s, want %s", s, b.String(), want)
		}
	}
}

// FuzzWriteString holds writeString equal to encoding/json on any string.
// It sits beside writeString, which it must reach unexported; its seeds
// run with every go test.
func FuzzWriteString(f *testing.F) {
	for _, s := range []string{"male", "a\x7fb\u2028", "<&>", "\xff\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var b bytes.Buffer
		writeString(&b, s)
		if want, _ := json.Marshal(s); b.String() != string(want) {
			t.Fatalf("writeString(%q) = %s, want %s", s, b.String(), want)
		}
	})
}

// TestViolationsOfAtoms checks validate's list for trees with more than
// one problem: an atom on the wrong side is checked as any other, and a
// range with a bound the API does not take is not also called empty.
func TestViolationsOfAtoms(t *testing.T) {
	for _, tc := range []struct {
		name string
		rule *Rule
		want []string // each diagnostic's message and hint
	}{
		{"set in the recipient, empty", &Rule{Recipient: &Set{Attr: AttrGender}}, []string{
			"gender in () is a demographic atom, but this is the recipient expression | move it into the filter (where …)",
			"empty value list for gender | an empty set matches nobody; list at least one value, or remove the condition",
		}},
		{"audience in the filter, id negative", &Rule{Filter: &Audience{ID: -5}}, []string{
			"audience(-5) is a recipient, but this is the demographic filter | move it into the recipient expression",
			"audience group id -5 is out of range | audience group ids are positive 64-bit integers; check the id in LINE Official Account Manager",
		}},
		{"unaligned bound above the upper", &Rule{Filter: &Range{Attr: AttrAge, Gte: 33, Lt: 30}}, []string{
			"age bound 33 is not one the API accepts | the nearest valid bounds are 30 and 35",
		}},
		{"bound past the largest", &Rule{Filter: &Range{Attr: AttrSubscriptionPeriod, Lt: 400}}, []string{
			"subscriptionPeriod bound 400 is not one the API accepts | the largest subscriptionPeriod bound is 365",
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			for _, d := range validate(tc.rule) {
				got = append(got, d.Msg+" | "+d.Hint)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("validate (-want +got):\n%s", diff)
			}
		})
	}
}

// TestValidatePointsAtTheParts checks that validate reports a violation of
// a parsed node's id, bound or number at that part of the source, not at
// the whole atom or clause: the parser leaves these checks to validate
// and its diagnostics must keep pointing where they did.
func TestValidatePointsAtTheParts(t *testing.T) {
	src := "audience(1) and redelivery(\"5b59509c-c57b-11e9-aa8c-2a2ae2dbcce4\")\nwhere age[20,30)\nlimit 10 upToRemainingQuota"
	rule, err := Parse("p.nct", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	and := rule.Recipient.(*Operator)
	and.Args[0].(*Audience).ID = -5
	and.Args[1].(*Redelivery).RequestID = "x"
	rule.Filter.(*Range).Gte, rule.Filter.(*Range).Lt = 33, 31
	rule.Limit.Max = 1 << 31
	var got []string
	for _, d := range validate(rule) {
		got = append(got, src[d.Pos.Offset:d.End.Offset]+": "+d.Msg)
	}
	want := []string{
		"1: audience group id -5 is out of range",
		`"5b59509c-c57b-11e9-aa8c-2a2ae2dbcce4": redelivery request id "x" is not a UUID`,
		"20: age bound 33 is not one the API accepts",
		"30: age bound 31 is not one the API accepts",
		"10: limit 2147483648 is out of range",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("validate on a parsed tree, as source: message (-want +got):\n%s", diff)
	}
}
