package nctarget

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
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
