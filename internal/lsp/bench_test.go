package lsp

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"testing"

	"github.com/nctarget/nctarget"
	"github.com/nctarget/nctarget/internal/workbench"
)

// BenchmarkKeystroke measures what one keystroke costs the language
// server, against its baseline, nctarget.Compile of the same rule in the
// same run: "compile" is the baseline; "analyze" the workbench's analysis
// with its fixes checked (each by compiling the fixed rule), as the web
// workbench asks for it; "roundtrip" a didChange through Serve over a pipe
// until its diagnostics are read back (the server checks fixes only when
// asked for code actions). Each runs on the bundled example and on the
// same rule with two mistakes.
//
//	go test ./internal/lsp -run '^$' -bench Keystroke -benchtime 2000x
func BenchmarkKeystroke(b *testing.B) {
	valid, err := os.ReadFile("../../examples/line-full.nct")
	if err != nil {
		b.Fatal(err)
	}
	mistakes := bytes.Replace(bytes.Replace(valid, []byte("age[20,25)"), []byte("age[21,25)"), 1), []byte("female"), []byte("femal"), 1)
	if bytes.Equal(mistakes, valid) {
		b.Fatal("the example no longer holds the words the benchmark changes")
	}
	for _, rule := range []struct {
		name string
		src  []byte
	}{{"valid", valid}, {"mistakes", mistakes}} {
		b.Run(rule.name+"/compile", func(b *testing.B) {
			for b.Loop() {
				nctarget.Compile("r.nct", rule.src, nctarget.Options{})
			}
		})
		b.Run(rule.name+"/analyze", func(b *testing.B) {
			for b.Loop() {
				workbench.Analyze("r.nct", rule.src, nctarget.Options{}).EditorDiagnostics()
			}
		})
		b.Run(rule.name+"/roundtrip", func(b *testing.B) { benchRoundTrip(b, rule.src) })
	}
}

// benchRoundTrip sends didChange with src and reads the diagnostics back,
// b.N times, through a server on a pipe.
func benchRoundTrip(b *testing.B, src []byte) {
	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	go Serve(inR, outW, Options{})
	defer inW.Close()
	conn := newConn(outR, io.Discard)
	send := func(body string) {
		fmt.Fprintf(inW, "Content-Length: %d\r\n\r\n%s", len(body), body)
	}
	send(`{"jsonrpc":"2.0","id":1,"method":"initialize","params":{}}`)
	if _, err := conn.read(); err != nil {
		b.Fatal(err)
	}
	text, _ := json.Marshal(string(src))
	send(`{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":{"uri":"file:///r.nct","version":1,"text":` + string(text) + `}}}`)
	conn.read()
	change := `{"jsonrpc":"2.0","method":"textDocument/didChange","params":{"textDocument":{"uri":"file:///r.nct","version":2},"contentChanges":[{"text":` + string(text) + `}]}}`
	for b.Loop() {
		send(change)
		if _, err := conn.read(); err != nil {
			b.Fatal(err)
		}
	}
}
