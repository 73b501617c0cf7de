package nctarget

import (
	"fmt"
	"os"
	"runtime"
	"strings"
	"testing"
)

// TestLimitsConfigurable checks each field of ParseLimits on its own: a rule at
// the limit parses, one unit over it fails with one diagnostic whose
// message gives the limit and whose hint names the field to raise.
func TestLimitsConfigurable(t *testing.T) {
	tests := []struct {
		field    string
		limits   ParseLimits
		at, over string
		msg      string
	}{
		{"MaxBytes", ParseLimits{MaxBytes: 20}, "audience(1234567890)", "audience(12345678901)", "21 bytes, over the limit of 20"},
		{"MaxDepth", ParseLimits{MaxDepth: 3}, "((audience(1)))", "(((audience(1))))", "nesting too deep (limit 3)"},
		{"MaxDepth", ParseLimits{MaxDepth: 1}, "where age[20,25)", "where (age[20,25))", "nesting too deep (limit 1)"},
		{"MaxAtoms", ParseLimits{MaxAtoms: 3}, "audience(1) or audience(2) where age >= 20", "audience(1) or audience(2) where age >= 20 and gender = male", "too many atoms (limit 3)"},
		{"MaxString", ParseLimits{MaxString: 10}, `audience("abcdefgh")`, `audience("abcdefghi")`, "11-byte token, over the limit of 10"},
		{"MaxString", ParseLimits{MaxString: 10}, "audience(1234567890)", "audience(12345678901)", "11-byte token, over the limit of 10"},
		{"MaxString", ParseLimits{MaxString: 10}, "audience(abcdefghij)", "audience(abcdefghijk)", "11-byte token, over the limit of 10"},
		{"MaxValues", ParseLimits{MaxValues: 2}, "where gender in (male, female)", "where gender in (male, female, male)", "3 values, over the limit of 2"},
	}
	for _, tt := range tests {
		t.Run(tt.field, func(t *testing.T) {
			if _, err := tt.limits.Parse("l.nct", []byte(tt.at)); err != nil {
				t.Errorf("at the limit, %q: %v", tt.at, err)
			}
			_, err := tt.limits.Parse("l.nct", []byte(tt.over))
			ds := Diagnostics(err)
			if len(ds) != 1 {
				t.Fatalf("over the limit, %q: got %v, want one diagnostic", tt.over, err)
			}
			if d := ds[0]; !strings.Contains(d.Msg, tt.msg) || !strings.Contains(d.Hint, "ParseLimits."+tt.field) {
				t.Errorf("over the limit, %q: got %q (hint %q), want %q with a hint naming ParseLimits.%s", tt.over, d.Msg, d.Hint, tt.msg, tt.field)
			}
		})
	}
}

// TestZeroLimitsAreDefaults checks that setting one field keeps the
// defaults of the others, so ParseLimits{MaxDepth: 50} does not lift every
// other bound.
func TestZeroLimitsAreDefaults(t *testing.T) {
	big := []byte("audience(1)" + strings.Repeat(" ", DefaultParseLimits.MaxBytes))
	for _, l := range []ParseLimits{{}, {MaxDepth: 50}, {MaxAtoms: 5}, {MaxString: 9}, {MaxValues: 3}} {
		_, err := l.Parse("l.nct", big)
		ds := Diagnostics(err)
		if len(ds) != 1 || !strings.Contains(ds[0].Msg, "over the limit of 65536") {
			t.Errorf("%+v on %d bytes: got %v, want the default MaxBytes of 65536", l, len(big), err)
		}
	}
}

// TestTooManyErrors checks that Parse stops collecting diagnostics at
// maxErrors and says so, however many bad atoms the rule has, whether the
// parser or validate finds them.
func TestTooManyErrors(t *testing.T) {
	tests := []struct {
		name string
		src  string
	}{
		{"bad atoms", "where " + strings.Repeat("height = 1 or ", 500) + "height = 1"},
		{"bad values", "where area in (" + strings.Repeat("atlantis, ", 900) + "atlantis)"},
		{"bad atoms, then a bad limit", "where " + strings.Repeat("height = 1 or ", 500) + "height = 1\nlimit 0"},
		{"violations", strings.Repeat(`redelivery("x") or `, 500) + `redelivery("x")`},
		{"bad atoms and violations", strings.Repeat(`redelivery("x") or `, 60) + `redelivery("x")` + "\nwhere " + strings.Repeat("height = 1 or ", 60) + "height = 1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("e.nct", []byte(tt.src))
			ds := Diagnostics(err)
			if len(ds) != maxErrors+1 {
				t.Fatalf("got %d diagnostics, want %d", len(ds), maxErrors+1)
			}
			found := false
			for _, d := range ds {
				found = found || strings.Contains(d.Msg, "too many errors; stopped after 100")
			}
			if !found {
				t.Errorf("no diagnostic says lowering stopped: %v", err)
			}
		})
	}
}

// worstInputs returns, for each class of hostile rule, the largest one
// DefaultParseLimits let through to the parser: each fills MaxBytes. They are
// compiled with worstCatalog.
func worstInputs() map[string][]byte {
	n := DefaultParseLimits.MaxBytes
	fill := func(prefix, unit, suffix string) []byte {
		k := (n - len(prefix) - len(suffix)) / len(unit)
		return []byte(prefix + strings.Repeat(unit, k) + suffix)
	}
	long := strings.Repeat("x", DefaultParseLimits.MaxString-4)
	return map[string][]byte{
		"blank":                 fill("", " ", ""),
		"comment lines":         fill("", "#\n", ""),
		"not chain":             fill("where ", "not ", "gender = male"),
		"or of atoms":           fill("where gender = male", " or age >= 20", ""),
		"and of atoms":          fill("where gender = male", " and age >= 20", ""),
		"or of audiences":       fill("audience(1)", " or audience(2)", ""),
		"groups at max depth":   fill("", strings.Repeat("(", DefaultParseLimits.MaxDepth-1)+"audience(1)"+strings.Repeat(")", DefaultParseLimits.MaxDepth-1)+" or ", "audience(1)"),
		"duplicate values":      fill("where gender in (male", ", male", ")"),
		"bad atoms":             fill("where a=b", " or a=b", ""),
		"bad area lists":        fill("where area in (x)", " or area in (xxxxxxx)", ""),
		"long unknown values":   fill("where area in (x", ", "+long, ")"),
		"unterminated string":   fill(`audience("`, "x", ""),
		"deep unclosed bracket": fill("where age", "[", ""),
		"unknown catalog names": fill("audience(x)", " or audience("+strings.Repeat("q", 16)+")", ""),
	}
}

// worstCatalog is a large audience catalog, so the worst inputs also
// cover looking up thousands of unknown names in it.
var worstCatalog = func() *Catalog {
	es := make([]CatalogEntry, 1000)
	for i := range es {
		es[i] = CatalogEntry{Name: fmt.Sprintf("audience_%05d", i), AudienceGroupID: int64(i + 1)}
	}
	return NewCatalog(es...)
}()

// TestWorstCaseMemory compiles each worst input at DefaultParseLimits and
// bounds the memory it allocates in total, which bounds the peak heap too.
// The bound is generous, twice the 100 MB peak the defaults promise,
// because most of participle's allocation is garbage by the end of the
// parse; the peak itself is measured with the CLI in docs/robustness.md.
// The time is measured by BenchmarkWorstCase, not here.
func TestWorstCaseMemory(t *testing.T) {
	const budget = 200 << 20
	for name, src := range worstInputs() {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		if req, err := Compile("worst.nct", src, Options{Catalog: worstCatalog}); err == nil {
			_ = req.JSON(false)
		}
		runtime.ReadMemStats(&after)
		used := after.TotalAlloc - before.TotalAlloc + after.StackInuse - min(after.StackInuse, before.StackInuse)
		t.Logf("%s (%d bytes): allocated %.1f MB", name, len(src), float64(used)/(1<<20))
		if used > budget {
			t.Errorf("%s (%d bytes): allocated %d MB, over %d MB", name, len(src), used>>20, budget>>20)
		}
	}
}

// BenchmarkWorstCase compiles each worst input at DefaultParseLimits. The
// baseline sub-benchmark compiles LINE's full example in the same run, so
// docs/robustness.md can give each worst case as a ratio to a real rule.
func BenchmarkWorstCase(b *testing.B) {
	base, err := os.ReadFile("examples/line-full.nct")
	if err != nil {
		b.Fatal(err)
	}
	cases := worstInputs()
	cases["baseline line-full.nct"] = base
	for name, src := range cases {
		b.Run(strings.ReplaceAll(name, " ", "_"), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if req, err := Compile("worst.nct", src, Options{Catalog: worstCatalog}); err == nil {
					_ = req.JSON(false)
				}
			}
		})
	}
}

// TestLongLineDiagnostic checks that a diagnostic on a huge one-line rule
// shows a window of the line around the caret, not the whole line, so that
// thousands of warnings cannot print gigabytes.
func TestLongLineDiagnostic(t *testing.T) {
	src := []byte(strings.Repeat("x", 5000) + "é" + strings.Repeat("y", 5000))
	tests := []struct {
		col        int
		line, mark string
	}{
		{1, strings.Repeat("x", maxSnippet) + "…", "^^^"},
		{5001, "…" + strings.Repeat("x", maxSnippet/2) + "é" + strings.Repeat("y", maxSnippet/2-1) + "…", strings.Repeat(" ", maxSnippet/2+1) + "^^^"},
		{10001, "…" + strings.Repeat("y", maxSnippet/2+1), strings.Repeat(" ", maxSnippet/2+1) + "^"},
	}
	for _, tt := range tests {
		off := tt.col - 1
		if tt.col > 5001 {
			off++ // é is two bytes
		}
		d := &Diagnostic{Pos: Pos{Filename: "l.nct", Offset: off, Line: 1, Column: tt.col}, End: Pos{Line: 1, Column: tt.col + 3}, Msg: "m"}
		var b strings.Builder
		PrintDiagnostic(&b, d, src)
		want := "l.nct:1:" + fmt.Sprint(tt.col) + ": m\n    " + tt.line + "\n    " + tt.mark + "\n"
		if b.String() != want {
			t.Errorf("column %d:\ngot  %q\nwant %q", tt.col, b.String(), want)
		}
	}
}

// TestLimitHintsForCommandUsers checks that a limit error does not send a
// command-line user to a setting only the library has: the hint says the
// limit holds for every command, and names the field for programs.
func TestLimitHintsForCommandUsers(t *testing.T) {
	for _, src := range []string{
		strings.Repeat(" ", DefaultParseLimits.MaxBytes+1),
		strings.Repeat("(", DefaultParseLimits.MaxDepth+1) + "audience(1)" + strings.Repeat(")", DefaultParseLimits.MaxDepth+1),
		"audience(" + strings.Repeat("1", DefaultParseLimits.MaxString+1) + ")",
	} {
		_, err := Parse("r.nct", []byte(src))
		ds := Diagnostics(err)
		if len(ds) != 1 {
			t.Fatalf("%.20q…: %d diagnostics, want 1", src, len(ds))
		}
		if h := ds[0].Hint; !strings.Contains(h, "the limit is the same for every nctarget command") || !strings.Contains(h, "a program using the library can raise ParseLimits.") {
			t.Errorf("%s: hint %q does not tell command users the limit is fixed", ds[0].Msg, h)
		}
	}
}
