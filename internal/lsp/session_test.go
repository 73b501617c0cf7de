package lsp

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/textproto"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/nctarget/nctarget"
	"github.com/nctarget/nctarget/internal/golden"
)

// session is an editor's session with the server on examples/catalog.json:
// a rule with mistakes opened, looked at, fixed and formatted.
var session = []string{
	`{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"processId":null,"rootUri":null,"capabilities":{}}}`,
	`{"jsonrpc":"2.0","method":"initialized","params":{}}`,
	`{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":{"uri":"file:///rules/campaign.nct","languageId":"nctarget","version":1,` +
		`"text":"audience(vip) and not audience(\"spring sale clickers\")\nwhere gender in (femal) and area in (東京, tokyo) and age[33,40)\nlimit 100 forbidPartialDelivery\n"}}}`,
	`{"jsonrpc":"2.0","id":2,"method":"textDocument/hover","params":{"textDocument":{"uri":"file:///rules/campaign.nct"},"position":{"line":0,"character":10}}}`,
	`{"jsonrpc":"2.0","id":3,"method":"textDocument/hover","params":{"textDocument":{"uri":"file:///rules/campaign.nct"},"position":{"line":1,"character":43}}}`,
	`{"jsonrpc":"2.0","id":4,"method":"textDocument/completion","params":{"textDocument":{"uri":"file:///rules/campaign.nct"},"position":{"line":0,"character":9}}}`,
	`{"jsonrpc":"2.0","id":5,"method":"textDocument/codeAction","params":{"textDocument":{"uri":"file:///rules/campaign.nct"},` +
		`"range":{"start":{"line":0,"character":0},"end":{"line":3,"character":0}},"context":{"diagnostics":[]}}}`,
	`{"jsonrpc":"2.0","method":"textDocument/didChange","params":{"textDocument":{"uri":"file:///rules/campaign.nct","version":2},"contentChanges":[` +
		`{"text":"AUDIENCE(vip) and not audience(\"spring sale clickers\") where gender in (female) and area in (tokyo) and age[30,40) limit 100 upToRemainingQuota forbidPartialDelivery"}]}}`,
	`{"jsonrpc":"2.0","id":6,"method":"textDocument/formatting","params":{"textDocument":{"uri":"file:///rules/campaign.nct"},"options":{"tabSize":4,"insertSpaces":true}}}`,
	`{"jsonrpc":"2.0","id":7,"method":"textDocument/semanticTokens/full","params":{"textDocument":{"uri":"file:///rules/campaign.nct"}}}`,
	`{"jsonrpc":"2.0","id":8,"method":"shutdown"}`,
	`{"jsonrpc":"2.0","method":"exit"}`,
}

// TestSession runs the session and compares what the server writes with
// testdata/session.golden (go test -update rewrites it).
func TestSession(t *testing.T) {
	cat, err := nctarget.LoadCatalog("../../examples/catalog.json")
	if err != nil {
		t.Fatal(err)
	}
	var in, out bytes.Buffer
	for _, body := range session {
		fmt.Fprintf(&in, "Content-Length: %d\r\n\r\n%s", len(body), body)
	}
	if err := Serve(&in, &out, Options{Catalog: cat}); err != nil {
		t.Fatalf("Serve: %v", err)
	}
	var got strings.Builder
	r := textproto.NewReader(bufio.NewReader(&out))
	for {
		h, err := r.ReadMIMEHeader()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("reading a header: %v", err)
		}
		n, _ := strconv.Atoi(h.Get("Content-Length"))
		body := make([]byte, n)
		if _, err := io.ReadFull(r.R, body); err != nil {
			t.Fatal(err)
		}
		var pretty bytes.Buffer
		if err := json.Indent(&pretty, body, "", "  "); err != nil {
			t.Fatalf("the server wrote %q: %v", body, err)
		}
		got.WriteString(pretty.String() + "\n")
	}
	golden.Check(t, filepath.Join("testdata", "session.golden"), []byte(got.String()))
}
