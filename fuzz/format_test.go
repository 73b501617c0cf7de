package fuzz

import (
	"bytes"
	"testing"

	"github.com/nctarget/nctarget"
)

// FuzzFormat checks fmt on anything that parses: formatting is idempotent,
// the formatted text parses, and it compiles to the same JSON as the
// original, simplified and as written, or fails to compile when the
// original does.
func FuzzFormat(f *testing.F) {
	addRuleSeeds(f)
	f.Fuzz(func(t *testing.T, src []byte) {
		once, err := nctarget.FormatSource(fuzzFile, src)
		if err != nil {
			return
		}
		twice, err := nctarget.FormatSource(fuzzFile, once)
		if err != nil {
			t.Fatalf("formatted text does not parse: %v\nsource: %q\nformatted: %q", err, src, once)
		}
		if !bytes.Equal(once, twice) {
			t.Fatalf("fmt is not idempotent\nsource: %q\nonce:  %q\ntwice: %q", src, once, twice)
		}
		for _, noSimplify := range []bool{false, true} {
			opts := nctarget.Options{Catalog: fuzzCatalog, NoSimplify: noSimplify, Now: fuzzNow}
			want, wantErr := compileJSON(src, opts)
			got, gotErr := compileJSON(once, opts)
			if (wantErr == nil) != (gotErr == nil) || !bytes.Equal(want, got) {
				t.Fatalf("NoSimplify=%v: fmt changed the meaning\nsource: %q\nformatted: %q\nJSON before: %s (%v)\nJSON after:  %s (%v)",
					noSimplify, src, once, want, wantErr, got, gotErr)
			}
		}
	})
}

// compileJSON compiles src and returns its compact JSON.
func compileJSON(src []byte, opts nctarget.Options) ([]byte, error) {
	req, err := nctarget.Compile(fuzzFile, src, opts)
	if err != nil {
		return nil, err
	}
	return req.JSON(false), nil
}
