package workbench

import (
	"bytes"

	"github.com/nctarget/nctarget"
)

// Diagnostic is a diagnostic as editors and the JSON API carry it. Its
// span, and a Fix's, is named start and end as in the Language Server
// Protocol's Range, which the browser and editors speak; in Go the span
// of a node or an nctarget.Diagnostic is Pos and End.
type Diagnostic struct {
	Severity string   `json:"severity"` // "error" or "warning"
	Pos      string   `json:"pos"`      // file:line:col, as the CLI prints it
	Start    Position `json:"start"`
	End      Position `json:"end"`
	Message  string   `json:"message"`
	Hint     string   `json:"hint,omitempty"`
	Fixes    []Fix    `json:"fixes,omitempty"`
	Text     string   `json:"text"` // the whole diagnostic as nctarget check prints it
}

// DiagnosticOf converts d, a diagnostic about src, for an editor.
func DiagnosticOf(src []byte, d *nctarget.Diagnostic) Diagnostic {
	end := d.End
	if !end.IsValid() || end.Offset < d.Pos.Offset {
		end = d.Pos
	}
	var text bytes.Buffer
	nctarget.PrintDiagnostic(&text, d, src)
	return Diagnostic{Severity: d.Severity.String(), Pos: d.Pos.String(),
		Start: PositionOf(src, d.Pos), End: PositionOf(src, end),
		Message: d.Msg, Hint: d.Hint, Fixes: Fixes(src, d), Text: text.String()}
}

// EditorDiagnostics returns the analysis's diagnostics for an editor,
// never nil, so they encode as a JSON array. Each keeps only the fixes
// that work on this rule (see WorkingFixes), where DiagnosticOf gives
// every fix the hint proposes; past the first maxCheckedBytes of compiles
// the rest get none.
func (a *Analysis) EditorDiagnostics() []Diagnostic {
	out := make([]Diagnostic, len(a.Diagnostics))
	budget := min(maxCheckedFixes, maxCheckedBytes/max(1, len(a.Source)))
	for i, d := range a.Diagnostics {
		out[i] = DiagnosticOf(a.Source, d)
		out[i].Fixes = a.workingFixes(d, &budget)
	}
	return out
}
