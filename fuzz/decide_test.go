package fuzz

import (
	"errors"
	"testing"

	"github.com/nctarget/nctarget"
	"github.com/nctarget/nctarget/decide"
)

// FuzzSimplifyProved checks with the decision procedure, for every
// population at once, that simplification never changes who receives a
// message: each parsed rule and its simplified form must be Equivalent.
// A rule Simplify rejects as matching nobody must be unsatisfiable, and
// Lint must then report an error in it. Where FuzzSimplify samples one
// population, this one proves the equivalence.
func FuzzSimplifyProved(f *testing.F) {
	addRuleSeeds(f)
	f.Fuzz(func(t *testing.T, src []byte) {
		rule, err := nctarget.Parse(fuzzFile, src)
		if err != nil {
			return
		}
		s, err := nctarget.Simplify(rule)
		if err != nil {
			sat, w, derr := nctarget.Satisfiable(rule)
			if derr == nil && sat {
				t.Fatalf("Simplify says %q matches nobody (%v), but %v receives it", src, err, w)
			}
			if !hasError(nctarget.Lint(rule)) && derr == nil {
				t.Fatalf("Simplify rejects %q (%v), but Lint finds no error", src, err)
			}
			return
		}
		eq, w, aOnly, err := nctarget.Equivalent(rule, s.Rule)
		if errors.Is(err, decide.ErrTooLarge) {
			return
		}
		if err != nil {
			t.Fatalf("Equivalent(%q, %s): %v", src, s.Rule, err)
		}
		if !eq {
			t.Fatalf("simplification changed the recipients of %q\nsimplified: %s\nwitness %v (received only as written: %v)\nrewrites: %v",
				src, s.Rule, w, aOnly, s.Rewrites)
		}
	})
}

func hasError(ds []*nctarget.Diagnostic) bool {
	for _, d := range ds {
		if d.Severity == nctarget.SeverityError {
			return true
		}
	}
	return false
}
