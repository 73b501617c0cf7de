package nctarget

import "testing"

// TestGrammarGolden pins the whole grammar as participle prints it, so any
// change to the language shows up as a diff in review
// (testdata/grammar.ebnf; rewrite with -update).
func TestGrammarGolden(t *testing.T) {
	checkGolden(t, "testdata/grammar.ebnf", []byte(Grammar()+"\n"))
}
