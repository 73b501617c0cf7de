package fuzz

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"unicode/utf8"

	"github.com/nctarget/nctarget"
	"github.com/nctarget/nctarget/internal/workbench"
)

// FuzzWorkbench checks what the editors (nctarget serve and nctarget lsp)
// show for any text at any cursor: hover and completion spans lie inside
// the text and completions replace only text before the cursor; tokens
// come in order, each inside one line; positions
// convert to UTF-16 and back to the same byte; every quick fix, applied,
// removes its diagnostic.
func FuzzWorkbench(f *testing.F) {
	for _, pattern := range ruleSeedGlobs {
		paths, _ := filepath.Glob(pattern)
		for _, p := range paths {
			if data, err := os.ReadFile(p); err == nil {
				f.Add(data, uint(len(data)/2))
			}
		}
	}
	f.Add([]byte("audience(会員) where area in (台北市, to"), uint(40))
	f.Add([]byte("where age[33,40) and gender in (femal)\nlimit 1 forbidPartialDelivery"), uint(12))
	f.Fuzz(func(t *testing.T, src []byte, cursor uint) {
		opts := nctarget.Options{Catalog: fuzzCatalog, Now: fuzzNow}
		a := workbench.Analyze(fuzzFile, src, opts)
		off := int(cursor % uint(len(src)+1))
		if h, ok := a.Hover(off); ok && !(0 <= h.Pos && h.Pos <= h.End && h.End <= len(src) && h.Markdown != "") {
			t.Fatalf("hover at %d of %q: span [%d,%d), %q", off, src, h.Pos, h.End, h.Markdown)
		}
		if c := a.Complete(off); !(0 <= c.Pos && c.Pos <= c.End && c.End == off) {
			t.Fatalf("completion at %d of %q replaces [%d,%d)", off, src, c.Pos, c.End)
		}
		last := 0
		for _, tok := range a.Tokens() {
			if tok.Pos < last || tok.End <= tok.Pos || tok.End > len(src) || bytes.ContainsAny(src[tok.Pos:tok.End], "\r\n") {
				t.Fatalf("token [%d,%d) of %q after %d: out of order, empty or across lines", tok.Pos, tok.End, src, last)
			}
			last = tok.End
		}
		if utf8.Valid(src) && (off == len(src) || utf8.RuneStart(src[off])) {
			p := workbench.PositionAt(src, off)
			if back := workbench.OffsetOf(src, p.Line, p.Character); back != off {
				t.Fatalf("offset %d of %q is %+v, which is offset %d", off, src, p, back)
			}
		}
		for _, d := range a.EditorDiagnostics() {
			for _, fix := range d.Fixes {
				if !(0 <= fix.Start.Offset && fix.Start.Offset <= fix.End.Offset && fix.End.Offset <= len(src)) {
					t.Fatalf("fix %q of %q: [%d,%d)", fix.Title, src, fix.Start.Offset, fix.End.Offset)
				}
				fixed := append(append(append([]byte(nil), src[:fix.Start.Offset]...), fix.NewText...), src[fix.End.Offset:]...)
				_, err := nctarget.Compile(fuzzFile, fixed, opts)
				for _, after := range nctarget.Diagnostics(err) {
					if after.Msg == d.Message {
						t.Fatalf("fix %q of %q leaves %q in %q", fix.Title, src, d.Message, fixed)
					}
				}
			}
		}
	})
}
