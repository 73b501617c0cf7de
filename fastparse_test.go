package nctarget

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/alecthomas/participle/v2/lexer"
	"github.com/google/go-cmp/cmp"
)

// differentialInputs returns every rule in testdata, examples, the
// bad-input table and the fuzz seed corpus.
func differentialInputs(t *testing.T) map[string]string {
	t.Helper()
	in := map[string]string{}
	for _, pattern := range []string{"testdata/*/*.nct", "examples/*.nct"} {
		files, err := filepath.Glob(pattern)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			in[f] = string(data)
		}
	}
	for _, tc := range badRules {
		in["bad/"+tc.name] = tc.src
	}
	seeds, _ := filepath.Glob("fuzz/testdata/fuzz/*/*")
	for _, f := range seeds {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(string(data), "\n")
		for _, l := range lines[1:] {
			if q, ok := strings.CutPrefix(l, "[]byte("); ok {
				if s, err := strconv.Unquote(strings.TrimSuffix(q, ")")); err == nil {
					in[f] = s
				}
			}
		}
	}
	return in
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

// mutant returns src with one token deleted, doubled or replaced, or a
// soup word inserted: near misses of valid rules.
func mutant(r *rand.Rand, src string) string {
	toks, err := lex("", []byte(src))
	if err != nil || len(toks) < 2 {
		return src
	}
	words := make([]string, len(toks)-1)
	for i, t := range toks[:len(toks)-1] {
		words[i] = t.Value
	}
	i := r.IntN(len(words))
	w := soupWords[r.IntN(len(soupWords))]
	switch r.IntN(4) {
	case 0:
		words = append(words[:i], words[i+1:]...)
	case 1:
		words = append(words[:i+1], words[i:]...)
	case 2:
		words[i] = w
	default:
		words = append(words[:i], append([]string{w + " "}, words[i:]...)...)
	}
	return strings.Join(words, "")
}

// TestFastParserMatchesParticiple runs both parsers on every rule in the
// repository and on random token soups: the fast path must build exactly
// participle's tree (positions included), must never accept a rule
// participle rejects, and must handle every valid rule of the corpus
// itself.
func TestFastParserMatchesParticiple(t *testing.T) {
	inputs := differentialInputs(t)
	if len(inputs) < 150 {
		t.Fatalf("only %d inputs", len(inputs))
	}
	r := rand.New(rand.NewPCG(1, 2))
	for name, src := range inputs {
		for i := 0; i < 20; i++ {
			inputs["soup/"+name+"/"+strconv.Itoa(i)] = mutant(r, src)
		}
	}
	for i := 0; i < 10000; i++ {
		inputs["soup/"+strconv.Itoa(i)] = tokenSoup(r, 12)
	}
	accepted := 0
	for name, src := range inputs {
		toks, err := lex(name, []byte(src))
		if err != nil || checkTokens(toks, DefaultLimits) != nil {
			continue // Parse stops these before either parser runs
		}
		fast, ok := parseFast(toks)
		peek, err := lexer.Upgrade(&tokenSlice{toks: toks}, tokenWhitespace, tokenComment)
		if err != nil {
			t.Fatal(err)
		}
		slow, perr := grammar.ParseFromLexer(peek)
		switch {
		case ok && perr != nil:
			t.Errorf("%s: fast path accepts %q, participle rejects it: %v", name, src, perr)
		case ok:
			accepted++
			if cmp.Equal(slow, fast) {
				continue
			}
			if diff := cmp.Diff(slow, fast); diff != "" {
				t.Errorf("%s: %q: trees differ (-participle +fast):\n%s", name, src, diff)
			}
		case perr == nil && !strings.HasPrefix(name, "soup/"):
			t.Errorf("%s: fast path gives up on %q, which participle parses", name, src)
		}
	}
	if accepted < 100 {
		t.Errorf("fast path accepted only %d rules", accepted)
	}
}
