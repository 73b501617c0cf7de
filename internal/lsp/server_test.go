package lsp

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net/textproto"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/nctarget/nctarget"
)

// client drives a server over a pipe with framed JSON-RPC messages, the
// way an editor does. It frames and parses messages itself (with
// net/textproto for the headers), so the server's own framing is tested
// against an independent reader.
type client struct {
	t     *testing.T
	in    *io.PipeWriter // the server's standard input
	msgs  chan *message  // what the server wrote, in order
	done  chan error     // Serve's result
	id    int
	notes []*message // notifications read while waiting for a response
}

const timeout = 10 * time.Second

// start runs a server and returns its client.
func start(t *testing.T, opts Options) *client {
	t.Helper()
	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	c := &client{t: t, in: inW, msgs: make(chan *message, 100), done: make(chan error, 1)}
	go func() {
		err := Serve(inR, outW, opts)
		outW.Close()
		c.done <- err
	}()
	go func() {
		r := textproto.NewReader(bufio.NewReader(outR))
		defer close(c.msgs)
		for {
			h, err := r.ReadMIMEHeader()
			if err != nil {
				return
			}
			n, err := strconv.Atoi(h.Get("Content-Length"))
			if err != nil {
				t.Errorf("a message without Content-Length: %v", h)
				return
			}
			body := make([]byte, n)
			if _, err := io.ReadFull(r.R, body); err != nil {
				t.Errorf("reading a message: %v", err)
				return
			}
			var m message
			if err := json.Unmarshal(body, &m); err != nil {
				t.Errorf("the server wrote %q, not JSON: %v", body, err)
				return
			}
			c.msgs <- &m
		}
	}()
	t.Cleanup(func() { inW.Close() })
	return c
}

// writeRaw writes bytes to the server's input.
func (c *client) writeRaw(s string) {
	c.t.Helper()
	if _, err := io.WriteString(c.in, s); err != nil {
		c.t.Fatalf("writing to the server: %v", err)
	}
}

// frame returns body framed as LSP frames it.
func frame(body string) string { return fmt.Sprintf("Content-Length: %d\r\n\r\n%s", len(body), body) }

// send writes one message; id nil makes it a notification.
func (c *client) send(id any, method string, params any) {
	c.t.Helper()
	m := map[string]any{"jsonrpc": "2.0", "method": method}
	if id != nil {
		m["id"] = id
	}
	if params != nil {
		m["params"] = params
	}
	body, err := json.Marshal(m)
	if err != nil {
		c.t.Fatal(err)
	}
	c.writeRaw(frame(string(body)))
}

// next returns the next message the server writes.
func (c *client) next() *message {
	c.t.Helper()
	select {
	case m, ok := <-c.msgs:
		if !ok {
			c.t.Fatalf("the server closed its output")
		}
		return m
	case <-time.After(timeout):
		c.t.Fatalf("no message from the server in %v", timeout)
	}
	return nil
}

// call sends a request and returns its response, keeping the
// notifications that come before it.
func (c *client) call(method string, params any) *message {
	c.t.Helper()
	c.id++
	c.send(c.id, method, params)
	for {
		m := c.next()
		if m.Method != "" {
			c.notes = append(c.notes, m)
			continue
		}
		if string(m.ID) != strconv.Itoa(c.id) {
			c.t.Fatalf("%s: response to id %s, want %d", method, m.ID, c.id)
		}
		return m
	}
}

// result calls method and decodes its result into out.
func (c *client) result(method string, params, out any) {
	c.t.Helper()
	m := c.call(method, params)
	if m.Error != nil {
		c.t.Fatalf("%s: %v", method, m.Error)
	}
	if err := json.Unmarshal(m.Result, out); err != nil {
		c.t.Fatalf("%s: result %s: %v", method, m.Result, err)
	}
}

// initialize runs the handshake.
func (c *client) initialize() initializeResult {
	c.t.Helper()
	var res initializeResult
	c.result("initialize", map[string]any{"processId": nil, "rootUri": nil, "capabilities": map[string]any{}}, &res)
	c.send(nil, "initialized", map[string]any{})
	return res
}

// diagnostics returns the next publishDiagnostics notification.
func (c *client) diagnostics() publishDiagnosticsParams {
	c.t.Helper()
	var m *message
	if len(c.notes) > 0 {
		m, c.notes = c.notes[0], c.notes[1:]
	} else {
		m = c.next()
	}
	if m.Method != "textDocument/publishDiagnostics" {
		c.t.Fatalf("got %s %s, want textDocument/publishDiagnostics", m.Method, m.Result)
	}
	var p publishDiagnosticsParams
	if err := json.Unmarshal(m.Params, &p); err != nil {
		c.t.Fatal(err)
	}
	return p
}

// open opens a document and returns its diagnostics.
func (c *client) open(uri, text string) publishDiagnosticsParams {
	c.t.Helper()
	c.send(nil, "textDocument/didOpen", map[string]any{"textDocument": map[string]any{"uri": uri, "languageId": "nctarget", "version": 1, "text": text}})
	return c.diagnostics()
}

// shutdown ends the session as an editor does and checks Serve's result.
func (c *client) shutdown() {
	c.t.Helper()
	if m := c.call("shutdown", nil); m.Error != nil || string(m.Result) != "null" {
		c.t.Errorf("shutdown: result %s, error %v; want null", m.Result, m.Error)
	}
	c.send(nil, "exit", nil)
	c.wait(nil)
}

// wait checks that Serve returns want.
func (c *client) wait(want error) {
	c.t.Helper()
	select {
	case err := <-c.done:
		if err != want {
			c.t.Errorf("Serve returned %v, want %v", err, want)
		}
	case <-time.After(timeout):
		c.t.Fatalf("Serve did not return")
	}
}

const uri = "file:///rules/campaign.nct"

func at(line, char int) position { return position{Line: line, Character: char} }

func span(l1, c1, l2, c2 int) lspRange { return lspRange{Start: at(l1, c1), End: at(l2, c2)} }

func docPos(p position) map[string]any {
	return map[string]any{"textDocument": map[string]any{"uri": uri}, "position": p}
}

func TestLifecycle(t *testing.T) {
	c := start(t, Options{Version: "test"})
	res := c.initialize()
	want := initializeResult{
		Capabilities: serverCapabilities{
			PositionEncoding:           "utf-16",
			TextDocumentSync:           textDocumentSyncOptions{OpenClose: true, Change: 1},
			DocumentFormattingProvider: true,
			HoverProvider:              true,
			CompletionProvider:         completionOptions{TriggerCharacters: []string{"(", "[", ",", `"`, " "}},
			CodeActionProvider:         codeActionOptions{CodeActionKinds: []string{"quickfix"}},
			SemanticTokensProvider: semanticTokensOptions{Full: true, Legend: semanticTokensLegend{TokenModifiers: []string{},
				TokenTypes: []string{"keyword", "function", "property", "enumMember", "number", "string", "comment", "operator"}}},
		},
		ServerInfo: serverInfo{Name: "nctarget", Version: "test"},
	}
	if diff := cmp.Diff(want, res); diff != "" {
		t.Errorf("initialize (-want +got):\n%s", diff)
	}
	c.shutdown()
}

func TestExitWithoutShutdown(t *testing.T) {
	c := start(t, Options{})
	c.initialize()
	c.send(nil, "exit", nil)
	c.wait(ErrExitWithoutShutdown)
}

func TestEndOfInput(t *testing.T) {
	c := start(t, Options{})
	c.initialize()
	c.in.Close()
	c.wait(nil)
}

// TestDiagnostics opens a rule whose names are Japanese, Thai and emoji
// and checks every diagnostic nctarget check reports, at the same line
// and column, the column counted in UTF-16 units; then a change that
// fixes the rule clears them.
func TestDiagnostics(t *testing.T) {
	cat := nctarget.NewCatalog(nctarget.CatalogEntry{Name: "会員", AudienceGroupID: 1}, nctarget.CatalogEntry{Name: "สมาชิก😀", AudienceGroupID: 2})
	c := start(t, Options{Catalog: cat})
	c.initialize()
	src := "audience(会員) or audience(\"สมาชิก😀\")\nwhere gender in (femal) and age[33,40)\nlimit 100 forbidPartialDelivery"
	got := c.open(uri, src)
	want := publishDiagnosticsParams{URI: uri, Version: ptr(1), Diagnostics: []diagnostic{
		{Range: span(1, 17, 1, 22), Severity: severityError, Source: "nctarget", Message: "unknown gender \"femal\"\nhint: did you mean female?"},
		{Range: span(1, 32, 1, 34), Severity: severityError, Source: "nctarget", Message: "age bound 33 is not one the API accepts\nhint: the nearest valid bounds are 30 and 35"},
		{Range: span(2, 0, 2, 31), Severity: severityError, Source: "nctarget",
			Message: "forbidPartialDelivery requires upToRemainingQuota\nhint: add upToRemainingQuota: limit 100 upToRemainingQuota forbidPartialDelivery"},
	}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("diagnostics (-want +got):\n%s", diff)
	}
	// Each is where nctarget check prints it: line and rune column, as UTF-16.
	_, err := nctarget.Compile("campaign.nct", []byte(src), nctarget.Options{Catalog: cat})
	lines := strings.Split(src, "\n")
	for i, d := range nctarget.Diagnostics(err) {
		units := len(utf16Of(string([]rune(lines[d.Pos.Line-1])[:d.Pos.Column-1])))
		if i < len(got.Diagnostics) && got.Diagnostics[i].Range.Start != at(d.Pos.Line-1, units) {
			t.Errorf("%s: published at %v", d.Error(), got.Diagnostics[i].Range.Start)
		}
	}

	src2 := "audience(会員) or audience(\"สมาชิก😀\")\nwhere gender in (female) and age[35,40)\nlimit 100 upToRemainingQuota forbidPartialDelivery\n"
	c.send(nil, "textDocument/didChange", map[string]any{"textDocument": map[string]any{"uri": uri, "version": 2},
		"contentChanges": []any{map[string]any{"text": src2}}})
	if got := c.diagnostics(); got.Version == nil || *got.Version != 2 || len(got.Diagnostics) != 0 {
		t.Errorf("after the fix: version %v, diagnostics %+v; want version 2, none", got.Version, got.Diagnostics)
	}
	c.send(nil, "textDocument/didClose", map[string]any{"textDocument": map[string]any{"uri": uri}})
	if got := c.diagnostics(); got.URI != uri || got.Diagnostics == nil || len(got.Diagnostics) != 0 {
		t.Errorf("after close: %+v, want an empty list", got)
	}
	c.shutdown()
}

func utf16Of(s string) []uint16 {
	var u []uint16
	for _, r := range s {
		if r > 0xFFFF {
			u = append(u, 0, 0)
		} else {
			u = append(u, 0)
		}
	}
	return u
}

func ptr(n int) *int { return &n }

func TestWarnings(t *testing.T) {
	cat := nctarget.NewCatalog(nctarget.CatalogEntry{Name: "lapsed", AudienceGroupID: 2, Status: "EXPIRED"})
	c := start(t, Options{Catalog: cat})
	c.initialize()
	got := c.open(uri, "audience(lapsed)")
	want := []diagnostic{{Range: span(0, 0, 0, 16), Severity: severityWarning, Source: "nctarget",
		Message: "audience \"lapsed\" is EXPIRED, not READY\nhint: LINE rejects sends to audiences that are not READY, expired or IFA"}}
	if diff := cmp.Diff(want, got.Diagnostics); diff != "" {
		t.Errorf("diagnostics (-want +got):\n%s", diff)
	}
	// A point diagnostic covers one character, as check's caret does.
	got = c.open("file:///b.nct", "audience(1) and")
	if len(got.Diagnostics) != 1 || got.Diagnostics[0].Range != span(0, 15, 0, 15) {
		t.Errorf("diagnostics of a rule ending early: %+v", got.Diagnostics)
	}
	got = c.open("file:///c.nct", "audience(1) where age[20,25]")
	if len(got.Diagnostics) != 1 || got.Diagnostics[0].Range != span(0, 27, 0, 28) {
		t.Errorf("diagnostics of a range closed with ]: %+v", got.Diagnostics)
	}
	c.shutdown()
}

// TestIncrementalChange applies a change with a range after an emoji: the
// range counts UTF-16 units.
func TestIncrementalChange(t *testing.T) {
	c := start(t, Options{})
	c.initialize()
	c.open(uri, "audience(\"😀\") where age[33,40)")
	c.send(nil, "textDocument/didChange", map[string]any{"textDocument": map[string]any{"uri": uri, "version": 2},
		"contentChanges": []any{map[string]any{"range": span(0, 25, 0, 27), "text": "35"}}})
	got := c.diagnostics()
	if len(got.Diagnostics) != 1 || !strings.HasPrefix(got.Diagnostics[0].Message, "audience(\"😀\") names an audience, but no catalog was given") {
		t.Errorf("after replacing 33 by 35: %+v", got.Diagnostics)
	}
	var edits []textEdit
	c.result("textDocument/formatting", map[string]any{"textDocument": map[string]any{"uri": uri}, "options": map[string]any{"tabSize": 4, "insertSpaces": true}}, &edits)
	if len(edits) != 1 || edits[0].NewText != "audience(\"😀\")\nwhere age[35,40)\n" {
		t.Errorf("formatting after the change: %+v", edits)
	}
	c.shutdown()
}

func TestFormatting(t *testing.T) {
	c := start(t, Options{})
	c.initialize()
	fmtParams := map[string]any{"textDocument": map[string]any{"uri": uri}, "options": map[string]any{"tabSize": 4, "insertSpaces": true}}
	var edits []textEdit
	src := "AUDIENCE(1)   or audience(2) where Area in (Tokyo, \"Taipei City\")\n# 会員\nlimit 5"
	c.open(uri, src)
	c.result("textDocument/formatting", fmtParams, &edits)
	formatted, err := nctarget.FormatSource("campaign.nct", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	wantEdits := []textEdit{{Range: span(0, 0, 2, 7), NewText: string(formatted)}}
	if diff := cmp.Diff(wantEdits, edits); diff != "" {
		t.Errorf("formatting (-want +got):\n%s", diff)
	}

	c.send(nil, "textDocument/didChange", map[string]any{"textDocument": map[string]any{"uri": uri, "version": 3}, "contentChanges": []any{map[string]any{"text": string(formatted)}}})
	c.diagnostics()
	c.result("textDocument/formatting", fmtParams, &edits)
	if edits == nil || len(edits) != 0 {
		t.Errorf("formatting a formatted rule: %#v, want []", edits)
	}

	c.send(nil, "textDocument/didChange", map[string]any{"textDocument": map[string]any{"uri": uri, "version": 4}, "contentChanges": []any{map[string]any{"text": "audience(1) and"}}})
	c.diagnostics()
	if m := c.call("textDocument/formatting", fmtParams); m.Error != nil || string(m.Result) != "null" {
		t.Errorf("formatting a rule that does not parse: %s %v, want null", m.Result, m.Error)
	}
	c.shutdown()
}

func TestHover(t *testing.T) {
	cat := nctarget.NewCatalog(nctarget.CatalogEntry{Name: "会員", AudienceGroupID: 5614991017776, Status: "READY", AudienceCount: 1200})
	c := start(t, Options{Catalog: cat})
	c.initialize()
	c.open(uri, "audience(会員) and not audience(\"😀\")\nwhere area in (台北市, bangkok) and age[20,25)")
	tests := []struct {
		pos      position
		rng      lspRange
		contains []string
	}{
		{at(0, 10), span(0, 0, 0, 12), []string{"catalog entry `会員`", "1200 users", `"audienceGroupId": 5614991017776`}},
		{at(0, 14), span(0, 13, 0, 16), []string{"**and**"}},
		{at(1, 24), span(1, 20, 1, 27), []string{"Bangkok, area code `th_01`", `"type": "area"`}},
		{at(1, 36), span(1, 33, 1, 43), []string{"20 ≤ age < 25", `"gte": "age_20"`}},
	}
	for _, tt := range tests {
		var h hover
		c.result("textDocument/hover", docPos(tt.pos), &h)
		if h.Range != tt.rng || h.Contents.Kind != "markdown" {
			t.Errorf("hover at %v: range %v, kind %q; want %v, markdown", tt.pos, h.Range, h.Contents.Kind, tt.rng)
		}
		for _, s := range tt.contains {
			if !strings.Contains(h.Contents.Value, s) {
				t.Errorf("hover at %v does not say %q:\n%s", tt.pos, s, h.Contents.Value)
			}
		}
	}
	if m := c.call("textDocument/hover", docPos(at(0, 12))); m.Error != nil || string(m.Result) != "null" {
		t.Errorf("hover on a space: %s %v, want null", m.Result, m.Error)
	}
	c.shutdown()
}

func TestCompletion(t *testing.T) {
	cat := nctarget.NewCatalog(nctarget.CatalogEntry{Name: "会員", AudienceGroupID: 1}, nctarget.CatalogEntry{Name: "spring sale", AudienceGroupID: 2})
	c := start(t, Options{Catalog: cat})
	c.initialize()
	c.open(uri, "audience(会員) or audience(sp)\nwhere area in (台北市, ba) and age[20,")
	tests := []struct {
		pos    position
		labels []string // a prefix of the labels
		kind   int
		rng    lspRange // what the first item replaces
	}{
		{at(0, 27), []string{`"spring sale"`, "会員"}, kindReference, span(0, 25, 0, 27)},
		{at(1, 22), []string{"id_01", "bali", "id_02", "bandung"}, kindEnumMember, span(1, 20, 1, 22)},
		{at(1, 35), []string{"25", "30"}, kindValue, span(1, 35, 1, 35)},
	}
	for _, tt := range tests {
		var list completionList
		c.result("textDocument/completion", docPos(tt.pos), &list)
		if len(list.Items) < len(tt.labels) {
			t.Errorf("completion at %v: %+v", tt.pos, list.Items)
			continue
		}
		for i, want := range tt.labels {
			if it := list.Items[i]; it.Label != want || it.Kind != tt.kind || it.TextEdit.NewText != want {
				t.Errorf("completion at %v, item %d: %+v, want %q of kind %d", tt.pos, i, it, want, tt.kind)
			}
		}
		if got := list.Items[0].TextEdit.Range; got != tt.rng {
			t.Errorf("completion at %v replaces %v, want %v", tt.pos, got, tt.rng)
		}
	}
	c.shutdown()
}

// TestCodeAction asks for the quick fixes of a bound after a Japanese
// name and applies the preferred one.
func TestCodeAction(t *testing.T) {
	c := start(t, Options{Catalog: nctarget.NewCatalog(nctarget.CatalogEntry{Name: "会員", AudienceGroupID: 1})})
	c.initialize()
	pub := c.open(uri, "audience(会員) where age[33,40) and gender in (femal)")
	var actions []codeAction
	c.result("textDocument/codeAction", map[string]any{"textDocument": map[string]any{"uri": uri}, "range": span(0, 23, 0, 23),
		"context": map[string]any{"diagnostics": pub.Diagnostics}}, &actions)
	want := []codeAction{
		{Title: "replace 33 with 30", Kind: "quickfix", Diagnostics: pub.Diagnostics[:1], IsPreferred: true,
			Edit: workspaceEdit{Changes: map[string][]textEdit{uri: {{Range: span(0, 23, 0, 25), NewText: "30"}}}}},
		{Title: "replace 33 with 35", Kind: "quickfix", Diagnostics: pub.Diagnostics[:1],
			Edit: workspaceEdit{Changes: map[string][]textEdit{uri: {{Range: span(0, 23, 0, 25), NewText: "35"}}}}},
	}
	if diff := cmp.Diff(want, actions); diff != "" {
		t.Errorf("code actions (-want +got):\n%s", diff)
	}
	c.result("textDocument/codeAction", map[string]any{"textDocument": map[string]any{"uri": uri}, "range": span(0, 0, 0, 50),
		"context": map[string]any{"diagnostics": pub.Diagnostics}}, &actions)
	var titles []string
	for _, a := range actions {
		titles = append(titles, a.Title)
	}
	if diff := cmp.Diff([]string{"replace 33 with 30", "replace 33 with 35", "replace femal with female"}, titles); diff != "" {
		t.Errorf("code actions over the line (-want +got):\n%s", diff)
	}
	c.shutdown()
}

func TestProtocolErrors(t *testing.T) {
	var log strings.Builder
	c := start(t, Options{Log: &log})
	if m := c.call("textDocument/hover", docPos(at(0, 0))); m.Error == nil || m.Error.Code != codeServerNotInitialized {
		t.Errorf("a request before initialize: %+v, want error %d", m, codeServerNotInitialized)
	}
	c.initialize()
	tests := []struct {
		method string
		params any
		code   int
	}{
		{"textDocument/definition", docPos(at(0, 0)), codeMethodNotFound},
		{"textDocument/hover", docPos(at(0, 0)), codeInvalidParams}, // not open
		{"textDocument/hover", []int{1}, codeInvalidParams},
	}
	for _, tt := range tests {
		if m := c.call(tt.method, tt.params); m.Error == nil || m.Error.Code != tt.code {
			t.Errorf("%s %v: %s %+v, want error %d", tt.method, tt.params, m.Result, m.Error, tt.code)
		}
	}
	c.writeRaw(frame(`{"jsonrpc":"2.0","id":99,"method":`))
	if m := c.next(); m.Error == nil || m.Error.Code != codeParseError || string(m.ID) != "null" {
		t.Errorf("a message that is not JSON: %+v, want error %d with id null", m, codeParseError)
	}
	c.send(nil, "$/cancelRequest", map[string]any{"id": 1}) // ignored: no answer
	c.send(nil, "textDocument/didChange", map[string]any{"textDocument": map[string]any{"uri": "file:///closed.nct", "version": 2},
		"contentChanges": []any{map[string]any{"text": "audience(1)"}}}) // no answer, but logged
	if m := c.call("shutdown", nil); m.Error != nil {
		t.Fatalf("shutdown: %v", m.Error)
	}
	if m := c.call("textDocument/hover", docPos(at(0, 0))); m.Error == nil || m.Error.Code != codeInvalidRequest {
		t.Errorf("a request after shutdown: %+v, want error %d", m, codeInvalidRequest)
	}
	c.send(nil, "exit", nil)
	c.wait(nil)
	if want := "nctarget lsp: textDocument/didChange: file:///closed.nct is not open\n"; log.String() != want {
		t.Errorf("log %q, want %q", log.String(), want)
	}
}

// TestFraming sends two messages in one write, then one a byte at a
// time, with a Content-Type header, and then a malformed header, which
// ends the session with an error.
func TestFraming(t *testing.T) {
	c := start(t, Options{})
	init := `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"capabilities":{}}}`
	shut := `{"jsonrpc":"2.0","id":2,"method":"shutdown"}`
	c.writeRaw(frame(init) + frame(shut))
	for _, id := range []string{"1", "2"} {
		if m := c.next(); string(m.ID) != id || m.Error != nil {
			t.Errorf("response %s, error %v; want id %s", m.ID, m.Error, id)
		}
	}
	msg := fmt.Sprintf("Content-Length: %d\r\nContent-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n%s", len(shut), strings.Replace(shut, `"id":2`, `"id":3`, 1))
	for i := range len(msg) {
		c.writeRaw(msg[i : i+1])
	}
	if m := c.next(); string(m.ID) != "3" {
		t.Errorf("response to a message written a byte at a time: %+v", m)
	}
	c.writeRaw("Content-Length 12\r\n\r\n")
	select {
	case err := <-c.done:
		if err == nil || !strings.Contains(err.Error(), "malformed message header") {
			t.Errorf("Serve after a malformed header: %v", err)
		}
	case <-time.After(timeout):
		t.Fatal("Serve did not stop at a malformed header")
	}
}

// TestSemanticTokens checks the encoding of tokens after Japanese names
// and an emoji: lines and starts relative to the token before, lengths in
// UTF-16 units.
func TestSemanticTokens(t *testing.T) {
	c := start(t, Options{})
	c.initialize()
	c.open(uri, "audience(会員) # 😀x\nwhere area in (東京都)")
	var got semanticTokens
	c.result("textDocument/semanticTokens/full", map[string]any{"textDocument": map[string]any{"uri": uri}}, &got)
	want := []int{
		0, 0, 8, 1, 0, // audience: function
		0, 9, 2, 3, 0, // 会員: enumMember
		0, 4, 5, 6, 0, // # 😀x: comment, 5 units
		1, 0, 5, 0, 0, // where: keyword
		0, 6, 4, 2, 0, // area: property
		0, 5, 2, 0, 0, // in: keyword
		0, 4, 3, 3, 0, // 東京都: enumMember
	}
	if diff := cmp.Diff(want, got.Data); diff != "" {
		t.Errorf("semantic tokens (-want +got):\n%s", diff)
	}
	c.shutdown()
}

// TestCatalogReload changes the catalog file under an open document: the
// next analysis reads it again, and every open document is analysed again
// with it; a catalog that no longer parses keeps the one before.
func TestCatalogReload(t *testing.T) {
	path := filepath.Join(t.TempDir(), "catalog.json")
	write := func(content string, age time.Duration) {
		t.Helper()
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		stamp := time.Now().Add(age)
		if err := os.Chtimes(path, stamp, stamp); err != nil {
			t.Fatal(err)
		}
	}
	write(`{"vip": 1}`, -time.Hour)
	cat, err := nctarget.LoadCatalog(path)
	if err != nil {
		t.Fatal(err)
	}
	var log strings.Builder
	c := start(t, Options{Catalog: cat, CatalogFile: path, Log: &log})
	c.initialize()
	other := "file:///other.nct"
	if got := c.open(other, "audience(lapsed)"); len(got.Diagnostics) != 1 {
		t.Fatalf("audience(lapsed) before it is in the catalog: %+v", got.Diagnostics)
	}
	c.open(uri, "audience(vip)")

	write(`{"vip": 1, "lapsed": 2}`, 0)
	change := func(version int) {
		c.send(nil, "textDocument/didChange", map[string]any{"textDocument": map[string]any{"uri": uri, "version": version},
			"contentChanges": []any{map[string]any{"text": "audience(vip) or audience(lapsed)"}}})
	}
	change(2)
	if got := c.diagnostics(); got.URI != other || len(got.Diagnostics) != 0 {
		t.Errorf("the other document after the catalog changed: %+v, want no diagnostics", got)
	}
	if got := c.diagnostics(); got.URI != uri || len(got.Diagnostics) != 0 {
		t.Errorf("the changed document: %+v, want no diagnostics", got)
	}

	write(`{"vip": 1, "lapsed": `, time.Hour)
	change(3)
	if got := c.diagnostics(); got.URI != uri || len(got.Diagnostics) != 0 {
		t.Errorf("after the catalog broke: %+v, want the catalog before kept", got)
	}
	c.shutdown()
	if !strings.Contains(log.String(), "no longer loads, keeping the one read before") {
		t.Errorf("log %q does not say the catalog broke", log.String())
	}
}
