package duckdbtest

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/nctarget/nctarget"
	"github.com/nctarget/nctarget/internal/gendata"
	"github.com/nctarget/nctarget/sqlgen"
	"github.com/nctarget/nctarget/sqlgen/internal/difftest"
)

// BenchmarkDuckDBCount1M measures the count query of the typical rule
// (examples/line-full.nct) on 1,000,000 generated friends loaded into an
// in-memory DuckDB, beside the in-memory evaluator's full load and
// evaluation of the same files in the same run, and reports the ratio.
//
//	cd sqlgen/duckdbtest && go test -run '^$' -bench DuckDBCount1M -benchtime 3x
func BenchmarkDuckDBCount1M(b *testing.B) {
	dir := b.TempDir()
	if err := gendata.Generate(dir, gendata.Options{Users: 1_000_000, Seed: 1}); err != nil {
		b.Fatal(err)
	}
	db := openDB(b)
	schema, err := sqlgen.Schema(sqlgen.DuckDB, sqlgen.Layout{})
	if err != nil {
		b.Fatal(err)
	}
	stmts := []string{schema,
		fmt.Sprintf(`COPY "users" FROM '%s' (FORMAT csv, HEADER true)`, filepath.Join(dir, "users.csv")),
		fmt.Sprintf(`INSERT INTO "audience_members" SELECT CAST(regexp_extract(filename, '([0-9]+)\.txt$', 1) AS BIGINT), column0
			FROM read_csv('%s', header = false, columns = {'column0': 'VARCHAR'}, filename = true)`, filepath.Join(dir, "audiences", "*.txt")),
		fmt.Sprintf(`INSERT INTO "redelivery_members" SELECT regexp_extract(filename, '([^/]+)\.txt$', 1), column0
			FROM read_csv('%s', header = false, columns = {'column0': 'VARCHAR'}, filename = true)`, filepath.Join(dir, "redeliveries", "*.txt")),
	}
	for _, s := range stmts {
		if _, err := db.Exec(s); err != nil {
			b.Fatalf("%s: %v", s, err)
		}
	}
	src, err := os.ReadFile("../../examples/line-full.nct")
	if err != nil {
		b.Fatal(err)
	}
	req, err := nctarget.Compile("line-full.nct", src, nctarget.Options{})
	if err != nil {
		b.Fatal(err)
	}
	q, err := sqlgen.Compile(req.Rule, sqlgen.Options{Dialect: sqlgen.DuckDB, Output: sqlgen.Count})
	if err != nil {
		b.Fatal(err)
	}
	difftest.BenchCount(b, "DuckDB", "duckdb/eval", dir, req.Rule, func() (uint64, error) {
		var n uint64
		err := db.QueryRow(q.Text).Scan(&n)
		return n, err
	})
}
