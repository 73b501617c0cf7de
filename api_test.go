package nctarget

import (
	"go/ast"
	"go/doc"
	goparser "go/parser"
	gotoken "go/token"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestInternalsUnexported checks that the package's exported API holds no
// internals: the parser's machinery (a participle Lexer, Grammar()), the
// ErrorList's builders (add, addSpan) and sort.Interface plumbing (Less,
// Swap) stay unexported, so an embedder sees the rule's AST, the stages and
// their diagnostics only; and that ErrorList keeps its Unwrap, through which
// errors.As finds a *Diagnostic. Other packages report on a rule by appending
// a &Diagnostic{…} to an ErrorList. A source range has one vocabulary, go/ast's:
// Pos and End, never Start or Stop.
func TestInternalsUnexported(t *testing.T) {
	t.Parallel()
	got := exportedNames(t, ".")
	for _, name := range []string{"Lexer", "Grammar", "ErrorList.Add", "ErrorList.AddSpan"} {
		if got[name] {
			t.Errorf("%s is exported; it is an internal of the front end", name)
		}
	}
	for name := range got {
		member := name[strings.LastIndexByte(name, '.')+1:]
		switch {
		case name != member && (member == "Less" || member == "Swap"):
			t.Errorf("%s is exported: sorting is the package's business (ErrorList.Sort), not the API's", name)
		case member == "Start" || member == "Stop":
			t.Errorf("%s is exported: a source range is Pos and End, as on every node and Diagnostic", name)
		}
	}
	if !got["ErrorList.Unwrap"] {
		t.Error("ErrorList.Unwrap is missing: errors.As(err, &d) with d a *Diagnostic would find nothing")
	}
}

// exportedNames returns the exported identifiers of the package in dir, as
// go doc shows them: constants, variables, functions and types by name,
// methods and struct fields as Type.Name.
func exportedNames(t *testing.T, dir string) map[string]bool {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		t.Fatal(err)
	}
	fset := gotoken.NewFileSet()
	var files []*ast.File
	for _, path := range paths {
		if strings.HasSuffix(path, "_test.go") {
			continue
		}
		f, err := goparser.ParseFile(fset, path, nil, goparser.ParseComments)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	pkg, err := doc.NewFromFiles(fset, files, "github.com/nctarget/nctarget")
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{}
	values := func(vs []*doc.Value) {
		for _, v := range vs {
			for _, n := range v.Names {
				names[n] = true
			}
		}
	}
	values(pkg.Consts)
	values(pkg.Vars)
	for _, f := range pkg.Funcs {
		names[f.Name] = true
	}
	for _, typ := range pkg.Types {
		names[typ.Name] = true
		if st, ok := typ.Decl.Specs[0].(*ast.TypeSpec).Type.(*ast.StructType); ok {
			for _, field := range st.Fields.List {
				for _, n := range field.Names {
					if n.IsExported() {
						names[typ.Name+"."+n.Name] = true
					}
				}
			}
		}
		values(typ.Consts)
		values(typ.Vars)
		for _, f := range slices.Concat(typ.Funcs, typ.Methods) {
			if f.Recv != "" {
				names[typ.Name+"."+f.Name] = true
			} else {
				names[f.Name] = true
			}
		}
	}
	return names
}
