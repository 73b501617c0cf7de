// Package workbench analyzes one rule the way an editor shows it: every
// diagnostic the CLI prints, with positions an editor can place (lines and
// UTF-16 code units, as LSP and JavaScript count), the quick fixes a hint
// makes obvious, the canonical text and the compiled narrowcast JSON, and
// at a cursor what the atom there means (Hover) and what may be written
// there (Complete).
//
// It is the one place both editors of nctarget, the web workbench
// (nctarget serve) and the language server (nctarget lsp), turn a rule
// into what they show; neither calls the compiler on its own, so both show
// the same diagnostics as nctarget check.
package workbench

import (
	"bytes"

	"github.com/nctarget/nctarget"
)

// Analysis is what an editor shows for one rule.
type Analysis struct {
	Name        string                 // the rule's file name, as given to Analyze
	Source      []byte                 // the rule's text
	Request     *nctarget.Request      // the compiled rule; nil when the rule has errors
	Diagnostics []*nctarget.Diagnostic // errors, or else warnings, in source order
	Formatted   []byte                 // the canonical text; nil when the rule does not parse
	// Rule is the rule as parsed, for hover: nil when it does not parse,
	// and without the atoms that have errors when it has some.
	Rule *nctarget.Rule

	opts nctarget.Options // the options compiled with, to check fixes and for the catalog
}

// Analyze checks, compiles and formats the rule src the way nctarget
// check and nctarget fmt do, with opts (the catalog, the limits).
func Analyze(name string, src []byte, opts nctarget.Options) *Analysis {
	a := &Analysis{Name: name, Source: src, opts: opts}
	a.Rule, _ = nctarget.Parse(name, src)
	req, err := nctarget.Compile(name, src, opts)
	if err != nil {
		a.Diagnostics = nctarget.Diagnostics(err)
		if a.Diagnostics == nil { // an error without a position: place it at the start
			top := nctarget.Pos{Filename: name, Line: 1, Column: 1}
			a.Diagnostics = []*nctarget.Diagnostic{{Pos: top, End: top, Msg: err.Error()}}
		}
	} else {
		a.Request = req
		a.Diagnostics = req.Warnings
	}
	if out, err := nctarget.FormatSource(name, src); err == nil {
		a.Formatted = out
	}
	return a
}

// OK reports whether the rule compiled (it may still have warnings).
func (a *Analysis) OK() bool { return a.Request != nil }

// Text returns the diagnostics as nctarget check prints them, with the
// source line, the caret and the hint.
func (a *Analysis) Text() string {
	var b bytes.Buffer
	for _, d := range a.Diagnostics {
		nctarget.PrintDiagnostic(&b, d, a.Source)
	}
	return b.String()
}
