package nctarget

import (
	"fmt"
	"strings"
)

// This file holds the limits Parse enforces before any real work, so that
// no input, however hostile, can take more than a bounded time and memory.

// ParseLimits bound the work Parse will do, so that a hostile or runaway input
// fails fast with an error naming the limit instead of exhausting time or
// memory. A zero field takes its value from DefaultParseLimits.
type ParseLimits struct {
	MaxBytes  int // size of the rule's source text
	MaxDepth  int // nesting of parentheses and brackets
	MaxAtoms  int // audience, redelivery and demographic atoms in the rule
	MaxString int // length in bytes of one name, number or quoted string
	MaxValues int // values in one "in (…)" list
}

// DefaultParseLimits are generous for any rule a person or a pipeline writes
// (the API's 10 recipient objects and some 90 areas keep real rules to a
// few kilobytes) and bound the time and memory of the worst input.
// Parsing allocates in proportion to the source, so MaxBytes is what
// bounds memory; TestWorstCaseMemory and BenchmarkWorstCase in
// limits_test.go hold the defaults to the budget they state.
var DefaultParseLimits = ParseLimits{
	MaxBytes:  64 << 10,
	MaxDepth:  200,
	MaxAtoms:  10_000,
	MaxString: 1024,
	MaxValues: 1000,
}

// withDefaults fills the zero fields of l from DefaultParseLimits.
func (l ParseLimits) withDefaults() ParseLimits {
	d := DefaultParseLimits
	if l.MaxBytes > 0 {
		d.MaxBytes = l.MaxBytes
	}
	if l.MaxDepth > 0 {
		d.MaxDepth = l.MaxDepth
	}
	if l.MaxAtoms > 0 {
		d.MaxAtoms = l.MaxAtoms
	}
	if l.MaxString > 0 {
		d.MaxString = l.MaxString
	}
	if l.MaxValues > 0 {
		d.MaxValues = l.MaxValues
	}
	return d
}

// checkTokens enforces the token-level limits and bracket balance before
// the recursive-descent parser runs, so deep nesting is an error, never a
// stack overflow, and an unclosed bracket is reported where it opens. A
// run of nots counts towards the depth too: each nests one more operator
// object in the JSON, which LINE and JSON decoders bound as well.
func checkTokens(toks []token, l ParseLimits) *Diagnostic {
	var open []token
	nots := 0 // the run of consecutive nots: each nests an operator object
	for _, t := range toks {
		switch {
		case t.Type == tokenWhitespace || t.Type == tokenComment:
			continue
		case t.Type == tokenKeyword && strings.EqualFold(t.Value, "not"):
			if nots++; len(open)+nots > l.MaxDepth {
				return tokenError(t, fmt.Sprintf("nesting too deep (limit %d)", l.MaxDepth),
					"each not nests one operator object, and not not x is x: remove pairs of nots"+byProgram("MaxDepth"))
			}
			continue
		}
		nots = 0
		switch {
		case (t.Type == tokenIdent || t.Type == tokenString || t.Type == tokenInt) && len(t.Value) > l.MaxString:
			return tokenError(t, fmt.Sprintf("%d-byte token, over the limit of %d", len(t.Value), l.MaxString),
				"shorten it"+byProgram("MaxString"))
		case t.Type != tokenPunct:
		case t.Value == "(" || t.Value == "[":
			if len(open) == l.MaxDepth {
				return tokenError(t, fmt.Sprintf("nesting too deep (limit %d)", l.MaxDepth),
					"flatten the expression: a and (b and c) is a and b and c"+byProgram("MaxDepth"))
			}
			open = append(open, t)
		case t.Value == ")" || t.Value == "]":
			if len(open) == 0 {
				return tokenError(t, fmt.Sprintf("unmatched %q", t.Value), "remove it, or add the opening bracket it closes")
			}
			open = open[:len(open)-1]
		}
	}
	if len(open) > 0 {
		t := open[len(open)-1]
		return tokenError(t, fmt.Sprintf("unclosed %q", t.Value), "add the closing bracket")
	}
	return nil
}

// byProgram ends the hint of a limit error: the limits are the same for
// every nctarget command, and only a program that calls the library can
// raise them.
func byProgram(field string) string {
	return " (the limit is the same for every nctarget command; a program using the library can raise ParseLimits." + field + ")"
}

// tokenError returns an error diagnostic covering token t.
func tokenError(t token, msg, hint string) *Diagnostic {
	return &Diagnostic{Pos: t.Pos, End: t.End(), Msg: msg, Hint: hint}
}
