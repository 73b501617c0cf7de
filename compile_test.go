package nctarget

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/nctarget/nctarget/internal/golden"
)

// goldenNow is the time catalog expiry is judged against in golden tests,
// so their output does not depend on when they run.
var goldenNow = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// goldenCases returns the rule files of testdata/compile, by name.
func goldenCases(t *testing.T) map[string]string {
	t.Helper()
	files, err := filepath.Glob("testdata/compile/*.nct")
	if err != nil {
		t.Fatal(err)
	}
	cases := make(map[string]string, len(files))
	for _, f := range files {
		cases[strings.TrimSuffix(filepath.Base(f), ".nct")] = f
	}
	return cases
}

// compileFile compiles a rule file the way the golden tests do: with the
// catalog NAME.catalog.json beside it, if any, and expiry judged at
// goldenNow.
func compileFile(t *testing.T, path string, opts Options) *Request {
	t.Helper()
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	catPath := strings.TrimSuffix(path, ".nct") + ".catalog.json"
	if data, err := os.ReadFile(catPath); err == nil {
		if opts.Catalog, err = ParseCatalog(catPath, data); err != nil {
			t.Fatalf("%s: %v", catPath, err)
		}
	}
	opts.Now = goldenNow
	req, err := Compile(filepath.Base(path), src, opts)
	if err != nil {
		var b strings.Builder
		PrintError(&b, err, src)
		t.Fatalf("compile %s:\n%s", path, b.String())
	}
	return req
}

// TestCompileGolden compiles every testdata/compile/NAME.nct with the
// default options and compares the pretty-printed JSON with NAME.json.
func TestCompileGolden(t *testing.T) {
	cases := goldenCases(t)
	if len(cases) < 40 {
		t.Fatalf("%d golden cases, want at least 40", len(cases))
	}
	for name, path := range cases {
		t.Run(name, func(t *testing.T) {
			req := compileFile(t, path, Options{})
			got := req.JSON(true)
			golden.Check(t, strings.TrimSuffix(path, ".nct")+".json", got)
			if again := compileFile(t, path, Options{}).JSON(true); !bytes.Equal(got, again) {
				t.Errorf("output is not deterministic:\n%s\nthen\n%s", got, again)
			}
			var compact bytes.Buffer
			if err := json.Compact(&compact, got); err != nil {
				t.Fatalf("invalid JSON: %v\n%s", err, got)
			}
			if c := req.JSON(false); !bytes.Equal(c, compact.Bytes()) {
				t.Errorf("compact output\n%s\nis not the pretty output compacted\n%s", c, compact.Bytes())
			}
		})
	}
}

// TestLINEPageExamples compiles the two examples of LINE's "Send messages"
// page with the page's messages. Without simplification the body must be
// the page's request body (testdata/line/*.json); with it, the body must be
// no larger than the page's.
func TestLINEPageExamples(t *testing.T) {
	for _, tc := range []struct{ rule, page string }{
		{"examples/line-full.nct", "testdata/line/full.json"},
		{"examples/line-nested.nct", "testdata/line/nested.json"},
	} {
		t.Run(filepath.Base(tc.rule), func(t *testing.T) {
			page, err := os.ReadFile(tc.page)
			if err != nil {
				t.Fatal(err)
			}
			msgs, err := ParseMessages(tc.page, page)
			if err != nil {
				t.Fatal(err)
			}
			req := compileFile(t, tc.rule, Options{NoSimplify: true, Messages: msgs})
			var want, got any
			mustDecode(t, page, &want)
			mustDecode(t, req.JSON(true), &got)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("%s does not compile to LINE's request body (-page +compiled):\n%s", tc.rule, diff)
			}
			simplified := compileFile(t, tc.rule, Options{Messages: msgs})
			var compact bytes.Buffer
			if err := json.Compact(&compact, page); err != nil {
				t.Fatal(err)
			}
			if got, want := len(simplified.JSON(false)), compact.Len(); got > want {
				t.Errorf("simplified, %s compiles to %d bytes, more than the page's %d:\n%s", tc.rule, got, want, simplified.JSON(false))
			}
		})
	}
}

// TestCompileWarnings checks the warnings Compile returns beside a result.
func TestCompileWarnings(t *testing.T) {
	cat := NewCatalog(
		CatalogEntry{Name: "old", AudienceGroupID: 11, ExpireTimestamp: goldenNow.Add(-24 * time.Hour).Unix()},
		CatalogEntry{Name: "building", AudienceGroupID: 12, Status: "IN_PROGRESS"},
		CatalogEntry{Name: "ads", AudienceGroupID: 13, IsIfaAudience: true},
	)
	for _, tc := range []struct {
		src       string
		want      string // the first warning's message
		line, col int
	}{
		{"", "the rule has no recipient expression and no where clause: it targets every friend", 1, 1},
		{"# only a comment\n", "the rule has no recipient expression and no where clause: it targets every friend", 1, 1},
		{"audience(5) or\n  audience(old)", `audience "old" expired on 2025-12-31`, 2, 3},
		{"audience(building)", `audience "building" is IN_PROGRESS, not READY`, 1, 1},
		{"audience(ads)", `audience "ads" is an IFA audience (advertising ids), which cannot be joined with user ids`, 1, 1},
	} {
		req, err := Compile("w.nct", []byte(tc.src), Options{Catalog: cat, Now: goldenNow})
		if err != nil {
			t.Errorf("%q: %v", tc.src, err)
			continue
		}
		if len(req.Warnings) == 0 {
			t.Errorf("%q: no warnings, want %q", tc.src, tc.want)
			continue
		}
		w := req.Warnings[0]
		if w.Msg != tc.want || w.Pos.Line != tc.line || w.Pos.Column != tc.col || w.Severity != SeverityWarning {
			t.Errorf("%q: warning %s %q (%v), want %d:%d %q", tc.src, w.Pos, w.Msg, w.Severity, tc.line, tc.col, tc.want)
		}
	}
}

func mustDecode(t *testing.T, data []byte, v any) {
	t.Helper()
	if err := json.Unmarshal(data, v); err != nil {
		t.Fatalf("invalid JSON: %v\n%s", err, data)
	}
}
