package nctarget

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

// This file generates random rule source for the property tests of the
// simplifier, the formatter and the decompiler. It is exported (in a test
// file) so the differential test in package nctarget_test, which imports
// eval, can use it too. Values come from small pools so that random rules
// repeat atoms, share attributes and contradict each other often enough
// for every rewrite to fire.

// RandomAudienceIDs are the audience ids random rules use.
var RandomAudienceIDs = []int64{1, 2, 3, 4, 5, 6}

// RandomRequestIDs are the redelivery request ids random rules use.
var RandomRequestIDs = []string{"5b59509c-c57b-11e9-aa8c-2a2ae2dbcce4", "0f1e2d3c-4b5a-6978-8a9b-acbdcedfe0f1"}

// RandomAreas are the area spellings random rules use; tokyo is jp_13.
var RandomAreas = []string{"jp_13", "tokyo", "jp_27", "jp_01", "tw_01", "Osaka"}

// RandomRule returns the source of a random valid rule, written sloppily
// (any case, odd spacing, comparisons, comments) so that it also exercises
// the formatter. Depth bounds the nesting of and, or and not.
func RandomRule(r *rand.Rand, depth int) string {
	g := ruleGen{r: r}
	var parts []string
	if r.IntN(5) != 0 {
		parts = append(parts, g.expr(true, depth))
	}
	if r.IntN(5) != 0 {
		parts = append(parts, g.kw("where")+" "+g.expr(false, depth))
	}
	if r.IntN(4) == 0 {
		parts = append(parts, g.limit())
	}
	var b strings.Builder
	for _, p := range parts {
		b.WriteString(p)
		b.WriteString([]string{" ", "\n", "  # note\n", "\n\n"}[r.IntN(4)])
	}
	return b.String()
}

type ruleGen struct{ r *rand.Rand }

// kw returns a keyword in random case.
func (g ruleGen) kw(k string) string {
	switch g.r.IntN(4) {
	case 0:
		return strings.ToUpper(k)
	case 1:
		return strings.ToUpper(k[:1]) + k[1:]
	}
	return k
}

func (g ruleGen) expr(recipient bool, depth int) string {
	if depth <= 0 || g.r.IntN(3) == 0 {
		return g.atom(recipient)
	}
	switch g.r.IntN(6) {
	case 0:
		return g.kw("not") + " " + g.expr(recipient, depth-1)
	case 1:
		return "(" + g.expr(recipient, depth-1) + ")"
	}
	n := 2 + g.r.IntN(3)
	parts := make([]string, n)
	for i := range parts {
		parts[i] = "(" + g.expr(recipient, depth-1) + ")"
		if g.r.IntN(2) == 0 {
			parts[i] = g.expr(recipient, depth-1)
		}
	}
	op := []string{"and", "or"}[g.r.IntN(2)]
	sep := []string{" ", "\n  ", "  "}[g.r.IntN(3)]
	return strings.Join(parts, sep+g.kw(op)+" ")
}

func (g ruleGen) atom(recipient bool) string {
	r := g.r
	if recipient {
		if r.IntN(4) == 0 {
			return fmt.Sprintf("redelivery(%q)", RandomRequestIDs[r.IntN(len(RandomRequestIDs))])
		}
		return fmt.Sprintf("audience(%d)", RandomAudienceIDs[r.IntN(len(RandomAudienceIDs))])
	}
	switch r.IntN(5) {
	case 0:
		return g.set("gender", []string{"male", "female", "Male"})
	case 1:
		return g.set("appType", []string{"ios", "android"})
	case 2:
		return g.set("area", RandomAreas)
	case 3:
		return g.rng("age", []int{15, 20, 25, 30, 40, 70})
	}
	return g.rng("subscriptionPeriod", []int{7, 30, 90, 365})
}

func (g ruleGen) set(attr string, pool []string) string {
	r := g.r
	n := 1 + r.IntN(min(3, len(pool)))
	vals := make([]string, n)
	for i := range vals {
		vals[i] = pool[r.IntN(len(pool))]
	}
	switch {
	case n == 1 && r.IntN(3) == 0:
		return attr + " = " + vals[0]
	case r.IntN(4) == 0:
		return attr + " " + g.kw("not") + " in (" + strings.Join(vals, ", ") + ")"
	}
	return attr + " in (" + strings.Join(vals, ",") + ")"
}

func (g ruleGen) rng(attr string, bounds []int) string {
	r := g.r
	i := r.IntN(len(bounds))
	j := i + 1 + r.IntN(len(bounds)-i)
	lo, hi := fmt.Sprint(bounds[i]), ""
	if j < len(bounds) {
		hi = fmt.Sprint(bounds[j])
	}
	switch {
	case r.IntN(4) == 0:
		lo = ""
		if hi == "" {
			hi = fmt.Sprint(bounds[len(bounds)-1])
		}
	case hi == "" && r.IntN(2) == 0:
		return attr + " >= " + lo
	}
	if lo == "" && r.IntN(2) == 0 {
		return attr + " < " + hi
	}
	return attr + "[" + lo + "," + hi + ")"
}

func (g ruleGen) limit() string {
	s := g.kw("limit")
	number := g.r.IntN(3) != 0
	if number {
		s += fmt.Sprintf(" %d", 1+g.r.IntN(1000))
	}
	if g.r.IntN(2) == 0 || !number {
		s += " upToRemainingQuota"
		if g.r.IntN(3) == 0 {
			s += " forbidPartialDelivery"
		}
	}
	return s
}
