package lsp

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nctarget/nctarget"
)

// serveEnv, set in a child process of the test binary, makes it the
// language server instead of running tests, so the interoperability test
// needs no build of the nctarget command.
const serveEnv = "NCTARGET_LSP_TEST_SERVE"

func TestMain(m *testing.M) {
	if os.Getenv(serveEnv) != "" {
		cat, err := nctarget.LoadCatalog(os.Getenv(serveEnv))
		if err == nil {
			err = Serve(os.Stdin, os.Stdout, Options{Catalog: cat})
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// TestVSCodeJSONRPC runs a session against the server with vscode-jsonrpc,
// VS Code's own JSON-RPC library, from Node.js: testdata/vscode-client.js.
// It needs node and the library (NCTARGET_NODE_PATH names the
// node_modules directory that holds it; .ci/run installs both), and skips
// without them outside CI.
func TestVSCodeJSONRPC(t *testing.T) {
	node, err := exec.LookPath("node")
	modules := os.Getenv("NCTARGET_NODE_PATH")
	if _, serr := os.Stat(filepath.Join(modules, "vscode-jsonrpc")); err != nil || modules == "" || serr != nil {
		msg := "needs node and vscode-jsonrpc: npm install --prefix DIR vscode-jsonrpc@8.2.1 and set NCTARGET_NODE_PATH=DIR/node_modules"
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	catalog, err := filepath.Abs("../../examples/catalog.json")
	if err != nil {
		t.Fatal(err)
	}
	session, _ := json.Marshal(map[string]any{
		"uri":      "file:///rules/会員.nct",
		"text":     "audience(vip) and not audience(\"spring sale clickers\")\nwhere area in (東京, osaka) and age[33,40)",
		"hover":    at(1, 22),
		"complete": at(1, 34),
		"fix":      at(1, 35),
		"fixed":    "audience(vip) and not audience(\"spring sale clickers\") where area in (osaka) and age[35,40)",
	})
	cmd := exec.Command(node, "testdata/vscode-client.js", os.Args[0])
	cmd.Env = append(os.Environ(), "NODE_PATH="+modules, "SESSION="+string(session), serveEnv+"="+catalog)
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("vscode-client.js: %v\n%s", err, out)
	}
	var got struct {
		Initialize  initializeResult
		Opened      publishDiagnosticsParams
		Hover       hover
		Completion  completionList
		CodeActions []codeAction
		Changed     publishDiagnosticsParams
		Formatting  []textEdit
		Shutdown    any
		ExitCode    int
	}
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("vscode-client.js printed %s: %v", out, err)
	}
	if got.Initialize.Capabilities.PositionEncoding != "utf-16" || got.ExitCode != 0 || got.Shutdown != nil {
		t.Errorf("session: encoding %q, shutdown %v, exit %d", got.Initialize.Capabilities.PositionEncoding, got.Shutdown, got.ExitCode)
	}
	var ranges []lspRange
	for _, d := range got.Opened.Diagnostics {
		ranges = append(ranges, d.Range)
	}
	if want := []lspRange{span(1, 15, 1, 17), span(1, 34, 1, 36)}; fmt.Sprint(ranges) != fmt.Sprint(want) {
		t.Errorf("diagnostics at %v, want %v: %+v", ranges, want, got.Opened.Diagnostics)
	}
	if got.Hover.Range != span(1, 19, 1, 24) || !strings.Contains(got.Hover.Contents.Value, "Osaka, area code `jp_27`") {
		t.Errorf("hover: %+v", got.Hover)
	}
	if len(got.Completion.Items) == 0 || got.Completion.Items[0].Label != "15" {
		t.Errorf("completion: %+v", got.Completion.Items)
	}
	if len(got.CodeActions) != 2 || got.CodeActions[1].Title != "replace 33 with 35" {
		t.Errorf("code actions: %+v", got.CodeActions)
	}
	if got.Changed.Version == nil || *got.Changed.Version != 2 || len(got.Changed.Diagnostics) != 0 {
		t.Errorf("after the change: %+v", got.Changed)
	}
	if len(got.Formatting) != 1 || got.Formatting[0].NewText != "audience(vip) and not audience(\"spring sale clickers\")\nwhere area in (osaka) and age[35,40)\n" {
		t.Errorf("formatting: %+v", got.Formatting)
	}
}
