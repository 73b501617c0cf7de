package eval

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestNoOutsideReferences checks that the evaluator's packages cite no
// document users do not get with the repository (the product
// specification it was written from): their
// comments say what they mean, or point into docs/.
func TestNoOutsideReferences(t *testing.T) {
	const outsideDoc = "SP" + "EC" // spelled so that this file does not cite it
	t.Parallel()
	dirs := []string{".", "../internal/load", "../internal/userid", "../internal/roaringfmt", "../internal/mem",
		"../internal/indexcache", "../internal/report", "../internal/gendata"}
	for _, dir := range dirs {
		files, err := filepath.Glob(filepath.Join(dir, "*.go"))
		if err != nil || len(files) == 0 {
			t.Fatalf("%s: no Go files (%v)", dir, err)
		}
		for _, f := range files {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			for i, line := range strings.Split(string(data), "\n") {
				if strings.Contains(line, outsideDoc) {
					t.Errorf("%s:%d cites a document outside the repository: %s", f, i+1, strings.TrimSpace(line))
				}
			}
		}
	}
}

// TestExportedAPI pins the package's exported identifiers: the
// evaluator's (datasets, plans, results and what they hold), and no
// loader, cache, report or generator internals, which live under
// internal/. A new export is added here deliberately.
func TestExportedAPI(t *testing.T) {
	t.Parallel()
	fset := token.NewFileSet()
	names, _ := filepath.Glob("*.go")
	var got []string
	for _, name := range names {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, decl := range f.Decls {
			switch d := decl.(type) {
			case *ast.FuncDecl:
				if d.Name.IsExported() && (d.Recv == nil || exportedRecv(d.Recv)) {
					got = append(got, funcName(d))
				}
			case *ast.GenDecl:
				for _, spec := range d.Specs {
					switch s := spec.(type) {
					case *ast.TypeSpec:
						if s.Name.IsExported() {
							got = append(got, s.Name.Name)
						}
					case *ast.ValueSpec:
						for _, n := range s.Names {
							if n.IsExported() {
								got = append(got, n.Name)
							}
						}
					}
				}
			}
		}
	}
	slices.Sort(got)
	want := []string{
		"Batch", "Batch.Eval", "Batch.Plan",
		"Dataset", "Dataset.Close", "Dataset.Friends", "Dataset.FromIndex", "Dataset.Index", "Dataset.Len", "Dataset.NewBatch", "Dataset.Plan", "Dataset.UserID",
		"DefaultMinimum", "FormatID", "Load", "LoadOptions", "NewDataset", "NodeCount",
		"Plan", "Plan.Eval", "Result", "Result.BelowMinimum", "Result.Recipients", "Result.Sample", "Result.Selected",
		"Result.SelectedIDs", "User",
		"WarnBelowMinimum", "WarnCatalog", "WarnCompile", "WarnData", "WarnEmpty", "WarnNonFriends", "WarnSmallAudience", "WarnUnknownAttributes",
		"Warning", "WarningKind", "Waterfall",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("exported API (-want +got):\n%s", diff)
	}
}

// exportedRecv reports whether a method's receiver type is exported.
func exportedRecv(recv *ast.FieldList) bool {
	typ := recv.List[0].Type
	if star, ok := typ.(*ast.StarExpr); ok {
		typ = star.X
	}
	id, ok := typ.(*ast.Ident)
	return ok && id.IsExported()
}

// funcName returns a function's name, or a method's as Type.Name.
func funcName(d *ast.FuncDecl) string {
	if d.Recv == nil {
		return d.Name.Name
	}
	typ := d.Recv.List[0].Type
	if star, ok := typ.(*ast.StarExpr); ok {
		typ = star.X
	}
	return typ.(*ast.Ident).Name + "." + d.Name.Name
}
