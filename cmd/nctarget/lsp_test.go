package main

import (
	"fmt"
	"strings"
	"testing"
)

// lspFrames frames JSON-RPC bodies as an editor writes them to nctarget
// lsp's standard input.
func lspFrames(bodies ...string) string {
	var b strings.Builder
	for _, body := range bodies {
		fmt.Fprintf(&b, "Content-Length: %d\r\n\r\n%s", len(body), body)
	}
	return b.String()
}

func TestLSPCommand(t *testing.T) {
	const (
		initialize = `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"capabilities":{}}}`
		open       = `{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":{"uri":"file:///r.nct","languageId":"nctarget","version":1,"text":"audience(vip) where age[33,40)"}}}`
		shutdown   = `{"jsonrpc":"2.0","id":2,"method":"shutdown"}`
		exit       = `{"jsonrpc":"2.0","method":"exit"}`
	)
	for _, tc := range []struct {
		name   string
		args   []string
		stdin  string
		code   int
		stdout []string
	}{
		{"session", []string{"lsp", "--catalog", "../../examples/catalog.json"}, lspFrames(initialize, open, shutdown, exit), 0,
			[]string{`"positionEncoding":"utf-16"`, `"message":"age bound 33 is not one the API accepts\nhint: the nearest valid bounds are 30 and 35"`,
				`"range":{"start":{"line":0,"character":24},"end":{"line":0,"character":26}}`, `{"jsonrpc":"2.0","id":2,"result":null}`}},
		{"without a catalog", []string{"lsp"}, lspFrames(initialize, open, shutdown, exit), 0,
			[]string{`audience(vip) names an audience, but no catalog was given`}},
		{"exit without shutdown", []string{"lsp"}, lspFrames(initialize, exit), 1, []string{`"id":1,"result":{"capabilities"`}},
		{"end of input", []string{"lsp"}, lspFrames(initialize), 0, []string{`"id":1,"result":{"capabilities"`}},
		{"not LSP", []string{"lsp"}, "hello\n\n", 1, nil},
		{"arguments", []string{"lsp", "rule.nct"}, "", 2, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := runStdin(t, tc.stdin, tc.args...)
			if code != tc.code {
				t.Errorf("exit %d, want %d; stderr:\n%s", code, tc.code, stderr)
			}
			for _, s := range tc.stdout {
				if !strings.Contains(stdout, s) {
					t.Errorf("stdout does not hold %s:\n%s", s, stdout)
				}
			}
		})
	}
}
