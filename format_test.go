package nctarget

import (
	"bytes"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nctarget/nctarget/internal/golden"
)

// TestFormatGolden formats every testdata/fmt/NAME.nct and compares the
// result with NAME.golden (go test -update rewrites them).
func TestFormatGolden(t *testing.T) {
	files, err := filepath.Glob("testdata/fmt/*.nct")
	if err != nil || len(files) < 5 {
		t.Fatalf("want at least 5 fmt cases, got %d (%v)", len(files), err)
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			src, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			got, err := FormatSource(f, src)
			if err != nil {
				t.Fatalf("FormatSource: %v", err)
			}
			golden.Check(t, strings.TrimSuffix(f, ".nct")+".golden", got)
		})
	}
}

// TestFormatExamples pins small cases of the canonical form.
func TestFormatExamples(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"audience(1)", "audience(1)\n"},
		{"AUDIENCE(1)   OR audience( 2 )", "audience(1) or audience(2)\n"},
		{"where GENDER = FEMALE", "where gender in (female)\n"},
		{"where age >= 20", "where age[20,)\n"},
		{"where age < 20", "where age[,20)\n"},
		{"where area in (Tokyo, \"Taipei City\")", "where area in (tokyo, taipei_city)\n"},
		{"where gender not in (male)", "where not gender in (male)\n"},
		{"audience(1) and audience(2) or audience(3)", "(audience(1) and audience(2)) or audience(3)\n"},
		{"audience(1) and (audience(2) and audience(3))", "audience(1) and (audience(2) and audience(3))\n"},
		{"((audience(1)))", "audience(1)\n"},
		{"not not audience(1)", "not not audience(1)\n"},
		{"audience(\"my list\")", "audience(\"my list\")\n"},
		{"limit 5 UPTOREMAININGQUOTA forbidpartialdelivery", "limit 5 upToRemainingQuota forbidPartialDelivery\n"},
		{"audience(1) # c\n\n\n# d\nwhere age[20,)", "audience(1) # c\n\n# d\nwhere age[20,)\n"},
		{"audience(1) where age[20,) # c", "audience(1)\nwhere age[20,) # c\n"},
	}
	for _, tt := range tests {
		got, err := FormatSource("t.nct", []byte(tt.in))
		if err != nil {
			t.Errorf("FormatSource(%q): %v", tt.in, err)
			continue
		}
		if string(got) != tt.want {
			t.Errorf("FormatSource(%q)\n got %q\nwant %q", tt.in, got, tt.want)
		}
	}
}

// TestNilRule checks that the library's entry points accept a nil rule.
func TestNilRule(t *testing.T) {
	if got := Format(nil); got != nil {
		t.Errorf("Format(nil) = %q", got)
	}
	if s, err := Simplify(nil); err != nil || s.Rule != nil {
		t.Errorf("Simplify(nil) = %v, %v", s, err)
	}
}

// TestFormatErrors checks that a rule with a syntax error is not
// formatted, and the error is Parse's.
func TestFormatErrors(t *testing.T) {
	for _, in := range []string{"audience(", "where age[33,40", "audience(1) audience(2)", "where age[33, # c\n 40)", "where gender not in()"} {
		out, err := FormatSource("t.nct", []byte(in))
		if err == nil || out != nil {
			t.Errorf("FormatSource(%q) = %q, %v; want an error", in, out, err)
			continue
		}
		if _, perr := Parse("t.nct", []byte(in)); perr.Error() != err.Error() {
			t.Errorf("FormatSource(%q) error %q, Parse says %q", in, err, perr)
		}
	}
}

// TestFormatSemanticErrors checks that, like gofmt, fmt formats a rule
// that parses even when it has other errors, keeping each atom in error as
// written, so the errors stay exactly the ones the user wrote.
func TestFormatSemanticErrors(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"where  age[33,40)", "where age[33,40)\n"},
		{"where GENDER in (robot)   AND age>=20", "where GENDER in (robot) and age[20,)\n"},
		{"AUDIENCE(1) and   gendr in ( male )\nlimit 5", "audience(1) and gendr in ( male )\nlimit 5\n"},
		{"where age[40,  35) or appType in (ios)  # why\n", "where age[40, 35) or appType in (ios) # why\n"},
		{"audience(1)\nLIMIT  0", "audience(1)\nlimit 0\n"},
		{"audience(1)  limit 5  BOGUS # hm", "audience(1)\nlimit 5 BOGUS # hm\n"},
		{"audience(1) limit 5 5", "audience(1)\nlimit 5 5\n"},
		{"audience(1) limit 3000000000  uptoremainingquota", "audience(1)\nlimit 3000000000 upToRemainingQuota\n"},
		{"audience(1) limit  forbidPartialDelivery", "audience(1)\nlimit forbidPartialDelivery\n"},
		{"audience(1) limit 5 upToRemainingQuota  upToRemainingQuota", "audience(1)\nlimit 5 upToRemainingQuota upToRemainingQuota\n"},
		{"audience(1) limit", "audience(1)\nlimit\n"},
	} {
		got, err := FormatSource("t.nct", []byte(tt.in))
		if err != nil || string(got) != tt.want {
			t.Errorf("FormatSource(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
			continue
		}
		_, before := Parse("t.nct", []byte(tt.in))
		if !sameErrors("t.nct", got, before) || before == nil {
			t.Errorf("FormatSource(%q): the errors changed", tt.in)
		}
	}
}

// formatCase is a rule and its canonical form.
type formatCase struct{ in, want string }

// checkFormatsTo checks that each case's rule formats to its canonical
// form, and that the form formats to itself.
func checkFormatsTo(t *testing.T, cases []formatCase) {
	t.Helper()
	for _, c := range cases {
		got, err := FormatSource("t.nct", []byte(c.in))
		if err != nil || string(got) != c.want {
			t.Errorf("FormatSource(%q) = %q, %v; want %q", c.in, got, err, c.want)
			continue
		}
		if again, err := FormatSource("t.nct", got); err != nil || string(again) != string(got) {
			t.Errorf("FormatSource(%q) = %q, %v; it is not idempotent", got, again, err)
		}
	}
}

// TestFormatKeepsEncoding checks that a byte order mark and CRLF line
// endings are kept as found, and that formatting stays idempotent.
func TestFormatKeepsEncoding(t *testing.T) {
	checkFormatsTo(t, []formatCase{
		{"audience(1)\r\nwhere  age >= 20\r\n", "audience(1)\r\nwhere age[20,)\r\n"},
		{"\uFEFFaudience(1)  # c\n", "\uFEFFaudience(1) # c\n"},
		{"\uFEFF# head\r\naudience(1)\r\n", "\uFEFF# head\r\naudience(1)\r\n"},
		{"\uFEFFaudience(1) # one\r\n  # own\r\n  or audience(2)\r\nLIMIT 0\r\n", "\uFEFFaudience(1) # one\r\n    # own\r\n    or audience(2)\r\nlimit 0\r\n"},
	})
}

// corpus returns every rule file of the repository's test data and
// examples, for the round-trip properties.
func corpus(t *testing.T) []string {
	t.Helper()
	var files []string
	for _, pat := range []string{"testdata/compile/*.nct", "testdata/fmt/*.nct", "examples/*.nct"} {
		m, err := filepath.Glob(pat)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, m...)
	}
	if len(files) < 40 {
		t.Fatalf("corpus has %d rules, want at least 40", len(files))
	}
	return files
}

// catalogFor returns the catalog a corpus rule compiles with:
// NAME.catalog.json beside it, else examples/catalog.json for examples,
// else none.
func catalogFor(t *testing.T, path string) *Catalog {
	t.Helper()
	for _, c := range []string{strings.TrimSuffix(path, ".nct") + ".catalog.json", filepath.Join(filepath.Dir(path), "catalog.json")} {
		if _, err := os.Stat(c); err == nil {
			cat, err := LoadCatalog(c)
			if err != nil {
				t.Fatal(err)
			}
			return cat
		}
	}
	return nil
}

// checkFormatProperties checks that formatting src is idempotent and keeps
// the meaning: compiled with and without simplification, the formatted
// rule gives the same JSON as src. It reports false when src does not
// compile (nothing to compare).
func checkFormatProperties(t *testing.T, name string, src []byte, cat *Catalog) bool {
	t.Helper()
	once, err := FormatSource(name, src)
	if err != nil {
		return false
	}
	twice, err := FormatSource(name, once)
	if err != nil {
		t.Fatalf("%s: formatted rule does not parse: %v\n%s", name, err, once)
	}
	if !bytes.Equal(once, twice) {
		t.Errorf("%s: fmt is not idempotent:\n%s\nthen\n%s", name, once, twice)
	}
	for _, noSimplify := range []bool{true, false} {
		opts := Options{Catalog: cat, NoSimplify: noSimplify, Now: goldenNow}
		want, err1 := Compile(name, src, opts)
		got, err2 := Compile(name, once, opts)
		switch {
		case (err1 == nil) != (err2 == nil):
			t.Errorf("%s (NoSimplify=%v): compiles %v, formatted %v\n%s", name, noSimplify, err1, err2, once)
		case err1 == nil && !bytes.Equal(want.JSON(false), got.JSON(false)):
			t.Errorf("%s (NoSimplify=%v): fmt changes the JSON\n%s\n=> %s\nformatted:\n%s\n=> %s", name, noSimplify, src, want.JSON(false), once, got.JSON(false))
		}
	}
	return true
}

// TestFormatCorpus checks the fmt properties on every corpus rule.
func TestFormatCorpus(t *testing.T) {
	for _, f := range corpus(t) {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		checkFormatProperties(t, f, src, catalogFor(t, f))
	}
}

// TestFormatRandom checks the fmt properties on thousands of random
// rules, reproducibly (fixed seed).
func TestFormatRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(4, 2026))
	for i := range 1000 {
		src := RandomRule(r, 4)
		if !checkFormatProperties(t, "random.nct", []byte(src), nil) {
			t.Fatalf("rule %d does not parse: %q", i, src)
		}
	}
}

// TestFormatInnerComments checks that comments inside a clause keep their
// place after the atom they follow, and that formatting is idempotent.
func TestFormatInnerComments(t *testing.T) {
	checkFormatsTo(t, []formatCase{
		{"audience(1) # one\n  or audience(2)", "audience(1) # one\n    or audience(2)\n"},
		{"(audience(1) and audience(2) # c\n)", "audience(1) and audience(2) # c\n"}, // after the last atom: no break
		{"where gender in (female) # women\n  and # inside\n  age[20,30)", "where gender in (female) # women\n    # inside\n    and age[20,30)\n"},
		{"( # lead\n audience(1) or audience(2))", "# lead\naudience(1) or audience(2)\n"},
		{"where gender in (female)\n  # own line\n  and age[20,30)", "where gender in (female)\n    # own line\n    and age[20,30)\n"},
		{"audience(1) # one\n# two\nor audience(2)", "audience(1) # one\n    # two\n    or audience(2)\n"},
		{"audience(1) or (audience(2)\n  # own\n  and audience(3))", "audience(1)\n    or (audience(2)\n        # own\n        and audience(3))\n"},
		{"(audience(1) or audience(2) and audience(3)\n  # after the last atom\n)", "audience(1) or (audience(2) and audience(3))\n# after the last atom\n"},
		{"audience(1) or\n  audience(2) or (audience(3) and audience(4)\n # own\n ) or audience(5)", "audience(1)\n    or audience(2)\n    or (audience(3) and audience(4))\n    # own\n    or audience(5)\n"},
	})
}
