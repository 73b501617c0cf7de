package nctarget

import (
	"testing"

	"github.com/nctarget/nctarget/internal/golden"
	"github.com/nctarget/nctarget/internal/grammar"
)

// TestGrammarGolden pins the whole grammar as participle prints it, so any
// change to the language shows up as a diff in review
// (testdata/grammar.ebnf; rewrite with -update). The grammar is the
// reference definition the parser is checked against (fuzz/grammar_test.go).
func TestGrammarGolden(t *testing.T) {
	golden.Check(t, "testdata/grammar.ebnf", []byte(grammar.EBNF()+"\n"))
}
