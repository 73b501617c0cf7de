package report

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nctarget/nctarget"
	"github.com/nctarget/nctarget/eval"
	"github.com/nctarget/nctarget/internal/golden"
)

// goldenDir holds the golden cases, relative to the repository's root,
// where TestGolden runs, so that the reports name files as nctarget eval
// run there does: NAME.nct, its text report NAME.txt and its JSON report
// NAME.json, evaluated on examples/data. A first comment
// line "# eval: min=N sample=K catalog=FILE" sets options.
const goldenDir = "testdata/eval"

// goldenNow is the time catalog expiry is judged against, fixed so the
// goldens do not change with the date.
var goldenNow = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

func TestGolden(t *testing.T) {
	t.Chdir("../..")
	d, err := eval.Load("examples/data", eval.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(d.Close)
	files, _ := filepath.Glob(filepath.Join(goldenDir, "*.nct"))
	if len(files) < 5 {
		t.Fatalf("found %d golden cases in %s", len(files), goldenDir)
	}
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".nct")
		t.Run(name, func(t *testing.T) {
			rep := goldenReport(t, d, file)
			var text strings.Builder
			if err := rep.WriteText(&text); err != nil {
				t.Fatal(err)
			}
			golden.Check(t, strings.TrimSuffix(file, ".nct")+".txt", []byte(text.String()))
			golden.Check(t, strings.TrimSuffix(file, ".nct")+".json", rep.JSON())
		})
	}
}

// goldenReport evaluates one golden rule file the way nctarget eval does.
func goldenReport(t *testing.T, d *eval.Dataset, file string) *Report {
	t.Helper()
	src, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	opts := goldenOptions(t, string(src))
	// Without simplification, so that these goldens pin the report, not
	// the simplifier's choices (simplify has goldens of its own).
	copts := nctarget.Options{Now: goldenNow, NoSimplify: true}
	if c := opts["catalog"]; c != "" {
		if copts.Catalog, err = nctarget.LoadCatalog(filepath.Join(goldenDir, c)); err != nil {
			t.Fatal(err)
		}
	}
	name := filepath.Base(file)
	req, err := nctarget.Compile(name, src, copts)
	if err != nil {
		t.Fatal(err)
	}
	p, err := d.Plan(req.Rule)
	if err != nil {
		t.Fatal(err)
	}
	p.Min = uint64(atoiOr(t, opts["min"], eval.DefaultMinimum))
	res := p.Eval()
	extra := Extra(req, copts.Catalog, d.Warnings, goldenNow)
	return New(name, src, req.Rule, d, res, extra, atoiOr(t, opts["sample"], 5))
}

// goldenOptions parses the "# eval: k=v …" line.
func goldenOptions(t *testing.T, src string) map[string]string {
	opts := map[string]string{}
	first, _, _ := strings.Cut(src, "\n")
	spec, ok := strings.CutPrefix(first, "# eval:")
	if !ok {
		return opts
	}
	for _, kv := range strings.Fields(spec) {
		k, v, ok := strings.Cut(kv, "=")
		if !ok {
			t.Fatalf("bad option %q", kv)
		}
		opts[k] = v
	}
	return opts
}

func atoiOr(t *testing.T, s string, def int) int {
	if s == "" {
		return def
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		t.Fatal(err)
	}
	return n
}
