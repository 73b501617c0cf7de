package nctarget

import (
	goparser "go/parser"
	gotoken "go/token"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestAtoms checks that Atoms lists every atom under any operator, in
// source order, and AttrOf names the attribute of the demographic ones.
func TestAtoms(t *testing.T) {
	tests := []struct {
		src  string
		want []string // each atom, then its attribute or "-"
	}{
		{`audience(1)`, []string{"audience(1) -"}},
		{`audience(1) and not (redelivery("5b59509c-c57b-11e9-aa8c-2a2ae2dbcce4") or audience(2)) where not (gender in (male) and age[20,25)) or area in (jp_13)`,
			[]string{`audience(1) -`, `redelivery("5b59509c-c57b-11e9-aa8c-2a2ae2dbcce4") -`, `audience(2) -`, `gender in (male) gender`, `age[20,25) age`, `area in (jp_13) area`}},
		{`where not not subscriptionPeriod[7,30)`, []string{"subscriptionPeriod[7,30) subscriptionPeriod"}},
	}
	for _, tt := range tests {
		rule, err := Parse("atoms.nct", []byte(tt.src))
		if err != nil {
			t.Fatalf("%s: %v", tt.src, err)
		}
		var got []string
		for _, e := range []Expr{rule.Recipient, rule.Filter} {
			for _, atom := range Atoms(e) {
				attr := "-"
				if a, ok := AttrOf(atom); ok {
					attr = a.String()
				}
				got = append(got, atom.String()+" "+attr)
			}
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tt.src, diff)
		}
	}
	if Atoms(nil) != nil {
		t.Error("Atoms(nil) is not empty")
	}
}

// TestCoreDependencies checks that the root package pulls in neither
// LINE's SDK with net/http and crypto/tls (linesdk/ adapts to it) nor
// participle (internal/grammar, the tests' reference grammar), so a
// program that only parses, checks or compiles rules stays small.
func TestCoreDependencies(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", ".").Output()
	if err != nil {
		t.Skipf("go list is not available: %v", err)
	}
	for _, dep := range strings.Fields(string(out)) {
		switch {
		case dep == "net/http", dep == "crypto/tls", strings.Contains(dep, "line-bot-sdk-go"), strings.Contains(dep, "participle"):
			t.Errorf("the root package depends on %s", dep)
		}
	}
}

// TestPackageDoc checks that the root package has its doc comment, with
// the example, and that the root package's comments cite no document the
// repository does not hold (the product specification is not in it).
func TestPackageDoc(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	docs := 0
	for _, f := range files {
		file, err := goparser.ParseFile(gotoken.NewFileSet(), f, nil, goparser.ParseComments|goparser.PackageClauseOnly)
		if err != nil {
			t.Fatal(err)
		}
		if file.Doc != nil {
			docs++
			if text := file.Doc.Text(); !strings.HasPrefix(text, "Package nctarget ") || !strings.Contains(text, "nctarget.Compile(") {
				t.Errorf("%s: package comment %.60q…, want one starting \"Package nctarget\" with an example", f, text)
			}
		}
	}
	if docs != 1 {
		t.Errorf("%d files have a package comment, want exactly one (doc.go)", docs)
	}
	for _, f := range []string{"doc.go", "enums.go", "parse.go", "parse_atoms.go", "validate.go", "lexer.go", "compile.go"} {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(data), "SPEC section") {
			t.Errorf("%s cites the SPEC, which is not in the repository", f)
		}
	}
}
