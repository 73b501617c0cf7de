package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/nctarget/nctarget"
)

// formatFlag is check's --format: text, json or github.
type formatFlag string

func (f *formatFlag) String() string { return string(*f) }
func (f *formatFlag) Type() string   { return "FORMAT" }

// Set accepts the three formats and refuses anything else (a usage error).
func (f *formatFlag) Set(s string) error {
	switch s {
	case "text", "json", "github":
		*f = formatFlag(s)
		return nil
	}
	return fmt.Errorf("want text, json or github, got %q", s)
}

// finding is one diagnostic as check --format json prints it, for editors
// and CI tools: positions from 1, columns in characters, the end exclusive.
type finding struct {
	File      string `json:"file"`
	Line      int    `json:"line"`
	Column    int    `json:"column"`
	EndLine   int    `json:"endLine"`
	EndColumn int    `json:"endColumn"`
	Severity  string `json:"severity"` // "error" or "warning"
	Message   string `json:"message"`
	Hint      string `json:"hint,omitempty"`
}

// findingOf converts a diagnostic; a point diagnostic ends where it starts.
func findingOf(d *nctarget.Diagnostic) finding {
	end := d.End
	if !end.IsValid() {
		end = d.Pos
	}
	return finding{File: d.Pos.Filename, Line: d.Pos.Line, Column: d.Pos.Column, EndLine: end.Line, EndColumn: end.Column,
		Severity: d.Severity.String(), Message: d.Msg, Hint: d.Hint}
}

// writeFindings prints the diagnostics of check in the json or github
// format; the text format has printed them already.
func writeFindings(w io.Writer, format formatFlag, ds []*nctarget.Diagnostic) error {
	switch format {
	case "json":
		fs := make([]finding, 0, len(ds))
		for _, d := range ds {
			fs = append(fs, findingOf(d))
		}
		data, err := json.MarshalIndent(fs, "", "  ")
		if err != nil {
			return err
		}
		_, err = w.Write(append(data, '\n'))
		return err
	case "github":
		var b strings.Builder
		for _, d := range ds {
			writeAnnotation(&b, findingOf(d))
		}
		_, err := io.WriteString(w, b.String())
		return err
	}
	return nil
}

// writeAnnotation writes one GitHub Actions workflow command:
//
//	::error file=rule.nct,line=1,col=11,endLine=1,endColumn=13,title=nctarget::message%0Ahint: …
//
// with the escapes GitHub's runner decodes (% CR LF in the message; also
// : and , in properties), so user data cannot end the command early.
func writeAnnotation(b *strings.Builder, f finding) {
	msg := f.Message
	if f.Hint != "" {
		msg += "\nhint: " + f.Hint
	}
	fmt.Fprintf(b, "::%s file=%s,line=%d,col=%d,endLine=%d,endColumn=%d,title=nctarget::%s\n", f.Severity,
		escapeProperty(f.File), f.Line, f.Column, f.EndLine, f.EndColumn, escapeData(msg))
}

// escapeData escapes a workflow command's message.
func escapeData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

// escapeProperty escapes a workflow command's property value.
func escapeProperty(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}
