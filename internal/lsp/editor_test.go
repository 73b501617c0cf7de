package lsp

import (
	"encoding/json"
	"os"
	"slices"
	"strings"
	"testing"
)

// TestVSCodeExtension keeps editors/vscode, which README tells users to
// install, in step with the server: it declares the .nct language its
// client is for and starts the lsp command.
func TestVSCodeExtension(t *testing.T) {
	data, err := os.ReadFile("../../editors/vscode/package.json")
	if err != nil {
		t.Fatal(err)
	}
	var pkg struct {
		Main        string
		Contributes struct {
			Languages []struct {
				ID         string
				Extensions []string
			}
		}
		Dependencies map[string]string
	}
	if err := json.Unmarshal(data, &pkg); err != nil {
		t.Fatalf("package.json: %v", err)
	}
	if len(pkg.Contributes.Languages) != 1 || pkg.Contributes.Languages[0].ID != "nctarget" || !slices.Contains(pkg.Contributes.Languages[0].Extensions, ".nct") {
		t.Errorf("package.json declares languages %+v, want nctarget for .nct", pkg.Contributes.Languages)
	}
	if pkg.Dependencies["vscode-languageclient"] == "" {
		t.Errorf("package.json does not depend on vscode-languageclient")
	}
	js, err := os.ReadFile("../../editors/vscode/" + strings.TrimPrefix(pkg.Main, "./"))
	if err != nil {
		t.Fatalf("main %q: %v", pkg.Main, err)
	}
	for _, want := range []string{"['lsp']", "'--catalog'", "language: 'nctarget'"} {
		if !strings.Contains(string(js), want) {
			t.Errorf("%s does not hold %s", pkg.Main, want)
		}
	}
}
