package nctarget

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestLint compiles rules and checks every diagnostic of the exact lints:
// errors for parts that match nobody, wherever they are, and warnings for
// parts that match every friend and for redundant operands, each at its
// clause, with its reason.
func TestLint(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		// the example: both sides match nobody
		{"audience(5384918328180) and not (redelivery(\"ea959c21-2e9c-12b1-b78c-281d687c966c\") or audience(5384918328180))\n" +
			"where not (not gender in (female, male) or gender in (female, male) or gender in (female))", []string{
			`t.nct:1:1: this recipient expression matches nobody: audience(5384918328180) and not (redelivery("ea959c21-2e9c-12b1-b78c-281d687c966c") or audience(5384918328180))`,
			"t.nct:2:7: this filter matches nobody: not (not gender in (female, male) or gender in (female, male) or gender in (female))",
		}},
		// an unsatisfiable part is an error wherever it is
		{"where age[20,25) or (gender in (male) and gender in (female))", []string{
			"t.nct:1:22: this clause matches nobody: gender in (male) and gender in (female)",
		}},
		{"where not (age[20,25) and age[30,35))", []string{
			"t.nct:1:12: this clause matches nobody: age[20,25) and age[30,35)",
		}},
		{"audience(2) or (audience(1) and not audience(1))", []string{
			"t.nct:1:17: this clause matches nobody: audience(1) and not audience(1)",
		}},
		{"where gender in (female) and (age[20,25) and not gender in (female)) and appType in (ios)", []string{
			"t.nct:1:7: this filter matches nobody: gender in (female) and (age[20,25) and not gender in (female)) and appType in (ios) (gender in (female) and age[20,25) and not gender in (female) have no friend in common)",
		}},
		// a tautology is a warning, whole or part
		{"where gender in (male) or not gender in (male)", []string{
			"t.nct:1:7: warning: this filter matches every friend: gender in (male) or not gender in (male) always holds",
		}},
		{"where age[20,) or not age[30,)", []string{
			"t.nct:1:7: warning: this filter matches every friend: age[20,) or not age[30,) always holds",
		}},
		{"audience(1) and (redelivery(\"5b59509c-c57b-11e9-aa8c-2a2ae2dbcce4\") or not redelivery(\"5b59509c-c57b-11e9-aa8c-2a2ae2dbcce4\"))", []string{
			`t.nct:1:18: warning: this clause matches every friend: redelivery("5b59509c-c57b-11e9-aa8c-2a2ae2dbcce4") or not redelivery("5b59509c-c57b-11e9-aa8c-2a2ae2dbcce4") always holds`,
		}},
		// redundant operands
		{"audience(1) or audience(2) or audience(1)", []string{
			"t.nct:1:31: warning: redundant audience(1): it repeats audience(1) at 1:1",
		}},
		{"where age[20,) and age[30,40)", []string{
			"t.nct:1:7: warning: redundant age[20,): age[30,40) already implies it",
		}},
		{"audience(1) and (audience(1) or audience(2))", []string{
			"t.nct:1:18: warning: redundant audience(1) or audience(2): audience(1) already implies it",
		}},
		{"where area in (tokyo) or (area in (tokyo) and age[20,))", []string{
			"t.nct:1:27: warning: redundant area in (tokyo) and age[20,): area in (tokyo) already covers it",
		}},
		{"where area in (tokyo) or (area in (tokyo, osaka) and age[20,))", nil},
		{"where (age[20,30) or age[40,50)) and (age[20,30) or age[40,50) or gender in (male))", []string{
			"t.nct:1:39: warning: redundant age[20,30) or age[40,50) or gender in (male): age[20,30) or age[40,50) already implies it",
		}},
		// the unknown-attribute traps: nothing to say
		{"where gender in (male, female)", nil},
		{"where gender in (male) or gender in (female)", nil},
		{"where not age[20,) or age[,20)", []string{ // unknown ages are in not age[20,) only
			"t.nct:1:23: warning: redundant age[,20): not age[20,) already covers it",
		}},
		{"where not age[20,) and age[,20)", []string{
			"t.nct:1:7: warning: redundant not age[20,): age[,20) already implies it",
		}},
		{"where not gender in (male) and not gender in (female)", nil},
		{"where age[20,30) and (age[25,40) or gender in (male))", nil},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			var got []string
			req, err := Compile("t.nct", []byte(tt.in), Options{})
			for _, d := range Diagnostics(err) {
				got = append(got, d.Error())
			}
			if req != nil {
				for _, d := range req.Warnings {
					got = append(got, d.Error())
				}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Compile(%q) diagnostics (-want +got):\n%s", tt.in, diff)
			}
			noSimplify, err := Compile("t.nct", []byte(tt.in), Options{NoSimplify: true})
			if (err == nil) != (req != nil) || (noSimplify != nil && req != nil && len(noSimplify.Warnings) != len(req.Warnings)) {
				t.Errorf("Compile with NoSimplify disagrees: %v", err)
			}
		})
	}
}

// TestLintHints: every lint diagnostic says what to do.
func TestLintHints(t *testing.T) {
	for _, src := range []string{"where age[20,25) and age[30,35)", "where age[20,) or not age[20,)", "audience(1) or audience(1)"} {
		for _, d := range Lint(mustParse(t, src)) {
			if !strings.HasPrefix(d.Hint, "remove it") && !strings.Contains(d.Hint, "fails the delivery") {
				t.Errorf("%s: %s: hint %q", src, d.Msg, d.Hint)
			}
		}
	}
}

// TestPrune: the oracle drops the operand it proves redundant, here one no
// rewrite rule removes on its own (absorption needs a shared operand).
func TestPrune(t *testing.T) {
	s := &simplifier{}
	e := mustParse(t, "(audience(1) and audience(2)) or (audience(1) and audience(2) and audience(3))").Recipient
	out, ok := s.prune(e, false)
	if !ok || out.String() != "audience(1) and audience(2)" || len(s.rewrites) != 1 || s.rewrites[0].Name != "redundant" {
		t.Errorf("prune = %s, %v, rewrites %v; want audience(1) and audience(2), one redundant rewrite", out, ok, s.rewrites)
	}
}
