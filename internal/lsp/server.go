// Package lsp is nctarget's language server: the Language Server
// Protocol over a pair of streams (standard input and output for
// nctarget lsp), for any editor with an LSP client. It publishes every
// diagnostic nctarget check prints as the user types, formats with the
// canonical formatter, describes the atom under the pointer, completes
// keywords, attributes, values, area and catalog names and range bounds,
// offers the quick fixes the diagnostics' hints spell out, and gives the
// tokens for highlighting (semantic tokens). What it
// says about a rule comes from the workbench package, which the web
// workbench (nctarget serve) shares, so the editors and the command line
// agree; this package only speaks the protocol.
//
// Positions are in UTF-16 code units, the protocol's default encoding,
// which the server announces; rules may hold Japanese, Thai and Chinese
// names, where bytes, runes and UTF-16 units all differ.
package lsp

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"runtime/debug"

	"github.com/nctarget/nctarget"
	"github.com/nctarget/nctarget/internal/workbench"
)

// Options configure the server.
type Options struct {
	// Catalog resolves audience(name) in every document, and supplies the
	// names completion offers; nil when rules use ids only.
	Catalog *nctarget.Catalog
	// CatalogFile, when set, is the file Catalog was read from. The
	// server reads it again when it changes, before analysing a document,
	// so an audience added to it is known without restarting the server.
	CatalogFile string
	// Version is reported to the client as the server's version.
	Version string
	// Log receives what the server cannot tell the client: a panic's
	// stack, a notification it could not act on (a change to a document
	// that is not open). Nil discards it.
	Log io.Writer
}

// ErrExitWithoutShutdown is Serve's error when the client sent exit
// without shutdown first; the protocol asks the server to exit with
// status 1 then.
var ErrExitWithoutShutdown = errors.New("lsp: exit before shutdown")

// Serve runs the server on the messages read from in, writing its
// responses and notifications to out, until the client sends exit or in
// ends. It returns nil after shutdown and exit, ErrExitWithoutShutdown
// after an exit alone, and an error when in is not LSP's framing or a
// write fails.
func Serve(in io.Reader, out io.Writer, opts Options) error {
	s := &server{conn: newConn(in, out), opts: opts, docs: map[string]*document{}, log: opts.Log,
		catalog: &catalogFile{path: opts.CatalogFile, catalog: opts.Catalog}}
	if s.log == nil {
		s.log = io.Discard
	}
	s.catalog.stamp()
	for {
		body, err := s.conn.read()
		if errors.Is(err, io.EOF) {
			return nil // the client went away: nothing more to do
		}
		if err != nil {
			return err
		}
		if done, err := s.handle(body); done || err != nil {
			return err
		}
	}
}

// server is one session with a client.
type server struct {
	conn        *conn
	opts        Options
	log         io.Writer
	initialized bool // initialize has been answered
	shutdown    bool // shutdown has been answered
	docs        map[string]*document
	catalog     *catalogFile
}

// document is an open document: its text and what the workbench says
// about it.
type document struct {
	uri         string
	version     int
	analysis    *workbench.Analysis
	diagnostics []workbench.Diagnostic // the analysis's, as published
}

// handle handles one message and reports whether the session is over.
// A message that is not JSON, or whose handler panics, is answered with
// an error; only a failed write stops the server.
func (s *server) handle(body []byte) (done bool, err error) {
	var m message
	if err := json.Unmarshal(body, &m); err != nil {
		return false, s.conn.reply(nil, nil, errorf(codeParseError, "the message is not JSON-RPC: %v", err))
	}
	if m.Method == "" {
		return false, nil // a response: the server sends no requests, so it expects none
	}
	if m.Method == "exit" {
		if !s.shutdown {
			return true, ErrExitWithoutShutdown
		}
		return true, nil
	}
	result, rerr := s.call(&m)
	if !m.isRequest() {
		if rerr != nil { // a notification has no answer: the editor's log shows standard error
			fmt.Fprintf(s.log, "nctarget lsp: %s: %s\n", m.Method, rerr.Message)
		}
		return false, nil
	}
	return false, s.conn.reply(m.ID, result, rerr)
}

// call runs the handler of m's method, turning a panic into an internal
// error so that one bad document cannot take the editor's server down.
func (s *server) call(m *message) (result any, rerr *responseError) {
	defer func() {
		if p := recover(); p != nil {
			fmt.Fprintf(s.log, "nctarget lsp: internal error in %s: %v\n%s", m.Method, p, debug.Stack())
			result, rerr = nil, errorf(codeInternalError, "internal error in %s: %v; please report it with the rule", m.Method, p)
		}
	}()
	switch {
	case m.Method == "initialize":
		s.initialized = true
		return s.capabilities(), nil
	case !s.initialized:
		return nil, errorf(codeServerNotInitialized, "%s before initialize", m.Method)
	case s.shutdown && m.isRequest():
		return nil, errorf(codeInvalidRequest, "%s after shutdown", m.Method)
	}
	h, ok := handlers[m.Method]
	if !ok {
		if m.isRequest() {
			return nil, errorf(codeMethodNotFound, "nctarget lsp does not handle %s", m.Method)
		}
		return nil, nil // notifications the server has no use for: $/cancelRequest, didSave, …
	}
	return h(s, m.Params)
}

// handler handles one method: it decodes its params and returns its
// result (nil for notifications).
type handler func(s *server, params json.RawMessage) (any, *responseError)

// handlers are the methods the server handles, beside initialize and exit.
var handlers = map[string]handler{
	"initialized": func(*server, json.RawMessage) (any, *responseError) { return nil, nil },
	"shutdown": func(s *server, _ json.RawMessage) (any, *responseError) {
		s.shutdown = true
		return nil, nil
	},
	"textDocument/didOpen":    withParams((*server).didOpen),
	"textDocument/didChange":  withParams((*server).didChange),
	"textDocument/didClose":   withParams((*server).didClose),
	"textDocument/formatting": withParams((*server).formatting),
	"textDocument/hover":      withParams((*server).hover),
	"textDocument/completion": withParams((*server).completion),
	"textDocument/codeAction": withParams((*server).codeAction),

	"textDocument/semanticTokens/full": withParams((*server).semanticTokens),
}

// withParams makes a handler of a method taking params of type P.
func withParams[P any](f func(*server, *P) (any, *responseError)) handler {
	return func(s *server, raw json.RawMessage) (any, *responseError) {
		var p P
		if err := json.Unmarshal(raw, &p); err != nil {
			return nil, errorf(codeInvalidParams, "invalid params: %v", err)
		}
		return f(s, &p)
	}
}

// capabilities returns the answer to initialize.
func (s *server) capabilities() initializeResult {
	return initializeResult{
		Capabilities: serverCapabilities{
			PositionEncoding:           "utf-16",
			TextDocumentSync:           textDocumentSyncOptions{OpenClose: true, Change: 1},
			DocumentFormattingProvider: true,
			HoverProvider:              true,
			CompletionProvider:         completionOptions{TriggerCharacters: []string{"(", "[", ",", `"`, " "}},
			CodeActionProvider:         codeActionOptions{CodeActionKinds: []string{"quickfix"}},
			SemanticTokensProvider:     semanticTokensOptions{Legend: tokenLegend, Full: true},
		},
		ServerInfo: serverInfo{Name: "nctarget", Version: s.opts.Version},
	}
}

// document returns the open document uri, or an error for the client.
func (s *server) document(uri string) (*document, *responseError) {
	d, ok := s.docs[uri]
	if !ok {
		return nil, errorf(codeInvalidParams, "%s is not open", uri)
	}
	return d, nil
}

// analyze analyzes doc's text and publishes its diagnostics, after the
// other open documents' when the catalog changed.
func (s *server) analyze(doc *document, text []byte) *responseError {
	if rerr := s.refreshCatalog(doc); rerr != nil {
		return rerr
	}
	return s.publish(doc, text)
}

// publish analyzes doc's text and publishes its diagnostics.
func (s *server) publish(doc *document, text []byte) *responseError {
	doc.analysis = workbench.Analyze(fileName(doc.uri), text, nctarget.Options{Catalog: s.catalog.catalog})
	// The fixes are checked when the editor asks for them (codeAction),
	// and only for the diagnostics it asks about, not on every keystroke.
	doc.diagnostics = make([]workbench.Diagnostic, len(doc.analysis.Diagnostics))
	published := []diagnostic{}
	for i, d := range doc.analysis.Diagnostics {
		doc.diagnostics[i] = workbench.DiagnosticOf(text, d)
		published = append(published, toDiagnostic(text, doc.diagnostics[i]))
	}
	version := doc.version
	err := s.conn.notify("textDocument/publishDiagnostics", publishDiagnosticsParams{URI: doc.uri, Version: &version, Diagnostics: published})
	if err != nil {
		return errorf(codeInternalError, "publishing diagnostics: %v", err)
	}
	return nil
}

// fileName returns the path of a file: URI, for the positions of
// diagnostics, or the URI itself for any other scheme.
func fileName(uri string) string {
	if u, err := url.Parse(uri); err == nil && u.Scheme == "file" && u.Path != "" {
		return u.Path
	}
	return uri
}
