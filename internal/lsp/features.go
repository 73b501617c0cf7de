package lsp

import (
	"bytes"
	"unicode/utf8"

	"github.com/nctarget/nctarget/internal/workbench"
)

// This file answers the protocol's document methods from the workbench's
// analysis, converting between its byte offsets and the protocol's
// zero-based lines and UTF-16 columns.

func (s *server) didOpen(p *didOpenParams) (any, *responseError) {
	doc := &document{uri: p.TextDocument.URI, version: p.TextDocument.Version}
	s.docs[doc.uri] = doc
	return nil, s.analyze(doc, []byte(p.TextDocument.Text))
}

// didChange applies the changes in order: a change without a range is
// the whole new text (the sync the server asks for), one with a range
// replaces that range of the text as the changes before it left it.
func (s *server) didChange(p *didChangeParams) (any, *responseError) {
	doc, rerr := s.document(p.TextDocument.URI)
	if rerr != nil {
		return nil, rerr
	}
	text := doc.analysis.Source
	for _, c := range p.ContentChanges {
		if c.Range == nil {
			text = []byte(c.Text)
			continue
		}
		start, end := offset(text, c.Range.Start), offset(text, c.Range.End)
		end = max(start, end)
		text = append(append(append([]byte(nil), text[:start]...), c.Text...), text[end:]...)
	}
	doc.version = p.TextDocument.Version
	return nil, s.analyze(doc, text)
}

// didClose forgets the document and clears its diagnostics, as the
// protocol asks of a server that reports only on open documents.
func (s *server) didClose(p *didCloseParams) (any, *responseError) {
	delete(s.docs, p.TextDocument.URI)
	err := s.conn.notify("textDocument/publishDiagnostics", publishDiagnosticsParams{URI: p.TextDocument.URI, Diagnostics: []diagnostic{}})
	if err != nil {
		return nil, errorf(codeInternalError, "publishing diagnostics: %v", err)
	}
	return nil, nil
}

// formatting answers with one edit replacing the whole text by nctarget
// fmt's, no edit when it is formatted already, and null for a rule that
// does not parse (its diagnostics say why).
func (s *server) formatting(p *documentParams) (any, *responseError) {
	doc, rerr := s.document(p.TextDocument.URI)
	if rerr != nil {
		return nil, rerr
	}
	a := doc.analysis
	switch {
	case a.Formatted == nil:
		return nil, nil
	case bytes.Equal(a.Formatted, a.Source):
		return []textEdit{}, nil
	}
	whole := lspRange{End: toPosition(workbench.PositionAt(a.Source, len(a.Source)))}
	return []textEdit{{Range: whole, NewText: string(a.Formatted)}}, nil
}

func (s *server) hover(p *positionParams) (any, *responseError) {
	doc, rerr := s.document(p.TextDocument.URI)
	if rerr != nil {
		return nil, rerr
	}
	a := doc.analysis
	h, ok := a.Hover(offset(a.Source, p.Position))
	if !ok {
		return nil, nil
	}
	return hover{Contents: markupContent{Kind: "markdown", Value: h.Markdown}, Range: spanRange(a.Source, h.Pos, h.End)}, nil
}

// completionKinds maps the workbench's kinds of completion to the
// protocol's.
var completionKinds = map[workbench.CompletionKind]int{
	workbench.CompleteKeyword:   kindKeyword,
	workbench.CompleteAtom:      kindFunction,
	workbench.CompleteAttribute: kindField,
	workbench.CompleteValue:     kindEnumMember,
	workbench.CompleteAudience:  kindReference,
	workbench.CompleteBound:     kindValue,
}

// completion answers with every candidate, each an edit of the word typed
// so far, so that names with quotes or spaces replace it whole.
func (s *server) completion(p *positionParams) (any, *responseError) {
	doc, rerr := s.document(p.TextDocument.URI)
	if rerr != nil {
		return nil, rerr
	}
	a := doc.analysis
	c := a.Complete(offset(a.Source, p.Position))
	replaced := spanRange(a.Source, c.Pos, c.End)
	list := completionList{Items: []completionItem{}}
	for _, it := range c.Items {
		list.Items = append(list.Items, completionItem{Label: it.Label, Kind: completionKinds[it.Kind], Detail: it.Detail,
			TextEdit: textEdit{Range: replaced, NewText: it.Label}})
	}
	return list, nil
}

// codeAction offers, for each diagnostic touching the range, the fixes
// that work (Analysis.WorkingFixes) as quick fixes, the first preferred.
func (s *server) codeAction(p *codeActionParams) (any, *responseError) {
	doc, rerr := s.document(p.TextDocument.URI)
	if rerr != nil {
		return nil, rerr
	}
	a := doc.analysis
	from, to := offset(a.Source, p.Range.Start), offset(a.Source, p.Range.End)
	actions := []codeAction{}
	for i, d := range doc.diagnostics {
		ld := toDiagnostic(a.Source, d)
		start, end := offset(a.Source, ld.Range.Start), offset(a.Source, ld.Range.End)
		if end < from || start > to {
			continue
		}
		for j, f := range a.WorkingFixes(a.Diagnostics[i]) {
			edit := textEdit{Range: lspRange{Start: toPosition(f.Start), End: toPosition(f.End)}, NewText: f.NewText}
			actions = append(actions, codeAction{Title: f.Title, Kind: "quickfix", Diagnostics: []diagnostic{ld}, IsPreferred: j == 0,
				Edit: workspaceEdit{Changes: map[string][]textEdit{doc.uri: {edit}}}})
		}
	}
	return actions, nil
}

// tokenLegend names the semantic token types, in the order of
// workbench.TokenKind (TokenKeyword is 1, the first here).
var tokenLegend = semanticTokensLegend{
	TokenTypes:     []string{"keyword", "function", "property", "enumMember", "number", "string", "comment", "operator"},
	TokenModifiers: []string{},
}

// semanticTokens answers with the rule's tokens, so that editors without
// a grammar for the language highlight it.
func (s *server) semanticTokens(p *documentParams) (any, *responseError) {
	doc, rerr := s.document(p.TextDocument.URI)
	if rerr != nil {
		return nil, rerr
	}
	src := doc.analysis.Source
	data := []int{}
	var last position
	for _, t := range doc.analysis.Tokens() {
		at := toPosition(workbench.PositionAt(src, t.Pos))
		delta := at.Character
		if at.Line == last.Line {
			delta -= last.Character
		}
		data = append(data, at.Line-last.Line, delta, workbench.UTF16Len(src[t.Pos:t.End]), int(t.Kind)-1, 0)
		last = at
	}
	return semanticTokens{Data: data}, nil
}

// toDiagnostic converts one diagnostic. Its range is the diagnostic's
// span, at least one character wide where the line has one, as nctarget
// check's caret marks at least one; the hint follows the message on a
// line of its own.
func toDiagnostic(src []byte, d workbench.Diagnostic) diagnostic {
	start, end := d.Start.Offset, d.End.Offset
	if end <= start && start < len(src) && src[start] != '\n' && src[start] != '\r' {
		_, size := utf8.DecodeRune(src[start:])
		end = start + size
	}
	msg := d.Message
	if d.Hint != "" {
		msg += "\nhint: " + d.Hint
	}
	severity := severityError
	if d.Severity == "warning" {
		severity = severityWarning
	}
	return diagnostic{Range: spanRange(src, start, max(start, end)), Severity: severity, Source: "nctarget", Message: msg}
}

// spanRange returns the protocol range of the bytes [start, end) of src.
func spanRange(src []byte, start, end int) lspRange {
	return lspRange{Start: toPosition(workbench.PositionAt(src, start)), End: toPosition(workbench.PositionAt(src, end))}
}

// toPosition converts a workbench position (lines from 1) to the
// protocol's (lines from 0); both count columns in UTF-16 units.
func toPosition(p workbench.Position) position {
	return position{Line: p.Line - 1, Character: p.Character}
}

// offset returns the byte offset in src of a protocol position.
func offset(src []byte, p position) int {
	return workbench.OffsetOf(src, p.Line+1, p.Character)
}
