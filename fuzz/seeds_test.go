package fuzz

import (
	"os"
	"path/filepath"
	"testing"
)

// ruleSeedGlobs name the rule files of the repository that seed the rule
// fuzzers: the examples users copy and the compiler's golden inputs. They
// are read at test time so a new example joins the corpus without an edit
// here; the hand-written hostile inputs are corpus files in testdata/fuzz.
var ruleSeedGlobs = []string{
	"../examples/*.nct",
	"../testdata/*.nct",
	"../testdata/*/*.nct",
}

// addRuleSeeds adds every rule file matched by ruleSeedGlobs to f's corpus.
func addRuleSeeds(f *testing.F) {
	f.Helper()
	for _, pattern := range ruleSeedGlobs {
		paths, err := filepath.Glob(pattern)
		if err != nil {
			f.Fatalf("seed pattern %q: %v", pattern, err)
		}
		for _, p := range paths {
			data, err := os.ReadFile(p)
			if err != nil {
				f.Fatalf("seed %s: %v", p, err)
			}
			f.Add(data)
		}
	}
}
