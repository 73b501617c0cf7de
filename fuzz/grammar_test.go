package fuzz

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/nctarget/nctarget"
	"github.com/nctarget/nctarget/internal/grammar"
)

// oracleLimits lift every limit Parse checks before parsing except bracket
// balance, which the grammar checks too, so that the parser and the
// grammar see the same inputs.
var oracleLimits = nctarget.ParseLimits{MaxBytes: 1 << 20, MaxDepth: 1 << 20, MaxString: 1 << 20}

// oracleMaxBytes is the size of the largest input agree checks.
const oracleMaxBytes = 4 << 10

// agree checks src against the reference grammar: nctarget's parser must
// accept the rule's syntax exactly when the grammar does (Parse returns a
// rule, perhaps beside other errors, or no rule after a syntax error), and
// must build the tree the grammar describes, spans included. It returns
// what disagrees, or "". Inputs over oracleMaxBytes are not checked:
// participle takes seconds on the hostile nesting of the corpus, and size
// adds nothing to what the comparison can find.
func agree(src []byte) string {
	if len(src) > oracleMaxBytes {
		return ""
	}
	want, gerr := grammar.Parse("f.nct", src)
	rule, err := oracleLimits.Parse("f.nct", src)
	switch {
	case gerr != nil && rule != nil:
		return fmt.Sprintf("the parser accepts %q, the grammar rejects it: %v", src, gerr)
	case gerr == nil && rule == nil:
		return fmt.Sprintf("the grammar accepts %q, the parser rejects it: %v", src, err)
	case gerr != nil:
		return ""
	}
	if got, want := ruleShape(rule), want.Shape(); got != want {
		return fmt.Sprintf("%q: trees differ:\nparser:  %s\ngrammar: %s", src, got, want)
	}
	return ""
}

// ruleShape prints a rule's AST in the notation of grammar's Shape.
func ruleShape(r *nctarget.Rule) string {
	s := fmt.Sprintf("rule@%d-%d recipient=%s filter=%s limit=", r.Pos().Offset, r.End().Offset, exprShape(r.Recipient), exprShape(r.Filter))
	if r.Limit == nil {
		return s + "nil"
	}
	return s + fmt.Sprintf("limit@%d-%d", r.Limit.Pos().Offset, r.Limit.End().Offset)
}

func exprShape(e nctarget.Expr) string {
	switch x := e.(type) {
	case nil:
		return "nil"
	case *nctarget.Operator:
		args := make([]string, len(x.Args))
		for i, a := range x.Args {
			args[i] = exprShape(a)
		}
		return fmt.Sprintf("%s@%d-%d(%s)", x.Op, x.Pos().Offset, x.End().Offset, strings.Join(args, " "))
	case *nctarget.Not:
		return fmt.Sprintf("not@%d-%d(%s)", x.Pos().Offset, x.End().Offset, exprShape(x.X))
	}
	return fmt.Sprintf("atom@%d-%d", e.Pos().Offset, e.End().Offset)
}

// FuzzGrammar checks on any input that the parser and the reference
// grammar accept the same rules and build the same trees.
func FuzzGrammar(f *testing.F) {
	addRuleSeeds(f)
	for _, src := range corpusSeeds(f, "FuzzParse") {
		f.Add(src)
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		if msg := agree(src); msg != "" {
			t.Fatal(msg)
		}
	})
}

// TestGrammarMatchesParser checks the same on every rule of the repository
// and of the fuzz corpora, on near misses of each (a token deleted,
// doubled, replaced or inserted) and on random token soups, and that both
// accept a fair share of them.
func TestGrammarMatchesParser(t *testing.T) {
	var inputs []string
	for _, pattern := range ruleSeedGlobs {
		paths, _ := filepath.Glob(pattern)
		for _, p := range paths {
			data, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			inputs = append(inputs, string(data))
		}
	}
	for _, target := range []string{"FuzzParse", "FuzzCompile", "FuzzFormat"} {
		for _, src := range corpusSeeds(t, target) {
			inputs = append(inputs, string(src))
		}
	}
	if len(inputs) < 50 {
		t.Fatalf("only %d corpus rules", len(inputs))
	}
	r := rand.New(rand.NewPCG(1, 2))
	for _, src := range inputs[:len(inputs):len(inputs)] {
		for range 10 {
			inputs = append(inputs, mutant(r, src))
		}
	}
	for range 3000 {
		inputs = append(inputs, tokenSoup(r, 12))
	}
	accepted := 0
	for _, src := range inputs {
		if msg := agree([]byte(src)); msg != "" {
			t.Error(msg)
		}
		if _, err := grammar.Parse("f.nct", []byte(src)); err == nil {
			accepted++
		}
	}
	if accepted < len(inputs)/20 {
		t.Errorf("only %d of %d inputs are well formed", accepted, len(inputs))
	}
}

// corpusSeeds returns the []byte inputs of a fuzz target's committed
// corpus files.
func corpusSeeds(tb testing.TB, target string) [][]byte {
	tb.Helper()
	paths, err := filepath.Glob(filepath.Join("testdata", "fuzz", target, "*"))
	if err != nil {
		tb.Fatal(err)
	}
	var seeds [][]byte
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			tb.Fatal(err)
		}
		for _, line := range strings.Split(string(data), "\n")[1:] {
			if q, ok := strings.CutPrefix(line, "[]byte("); ok {
				if s, err := strconv.Unquote(strings.TrimSuffix(q, ")")); err == nil {
					seeds = append(seeds, []byte(s))
				}
			}
		}
	}
	return seeds
}

// soupWords are the tokens random rules are made of.
var soupWords = []string{
	"audience", "redelivery", "gender", "age", "area", "appType", "subscriptionPeriod", "male", "tokyo", "x",
	"and", "or", "not", "in", "where", "limit", "AND", "Not", "upToRemainingQuota",
	"(", ")", "[", "]", ",", "=", ">=", "<", ">", "<=", "==", "!=",
	"1", "20", "5614991017776", `"vip"`, `""`, "# c\n", "\n",
}

// tokenSoup returns a random rule of up to n words.
func tokenSoup(r *rand.Rand, n int) string {
	words := make([]string, r.IntN(n)+1)
	for i := range words {
		words[i] = soupWords[r.IntN(len(soupWords))]
	}
	return strings.Join(words, " ")
}

// mutant returns src with one of its words (split at spaces) deleted,
// doubled or replaced, or a soup word inserted: near misses of valid
// rules.
func mutant(r *rand.Rand, src string) string {
	words := strings.SplitAfter(src, " ")
	i := r.IntN(len(words))
	w := soupWords[r.IntN(len(soupWords))] + " "
	switch r.IntN(4) {
	case 0:
		words = append(words[:i], words[i+1:]...)
	case 1:
		words = append(words[:i+1], words[i:]...)
	case 2:
		words[i] = w
	default:
		words = append(words[:i], append([]string{w}, words[i:]...)...)
	}
	return strings.Join(words, "")
}
