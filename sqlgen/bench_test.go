package sqlgen_test

import (
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/nctarget/nctarget"
	"github.com/nctarget/nctarget/internal/gendata"
	"github.com/nctarget/nctarget/sqlgen"
	"github.com/nctarget/nctarget/sqlgen/internal/difftest"
)

// BenchmarkPostgresCount1M measures the count query of the typical rule
// (examples/line-full.nct) on 1,000,000 generated friends loaded into
// PostgreSQL with the recommended indexes, beside the in-memory
// evaluator's full load and evaluation of the same files in the same run,
// and reports the ratio. The query runs through psql, so its time includes
// starting psql and connecting (a few milliseconds).
//
//	go test ./sqlgen -run '^$' -bench PostgresCount1M -benchtime 5x
func BenchmarkPostgresCount1M(b *testing.B) {
	dsn := pgDSN(b)
	dir := b.TempDir()
	if err := gendata.Generate(dir, gendata.Options{Users: 1_000_000, Seed: 1}); err != nil {
		b.Fatal(err)
	}
	layout := sqlgen.Layout{Schema: "bench"}
	loadDataDir(b, dsn, dir, layout)
	src, err := os.ReadFile("../examples/line-full.nct")
	if err != nil {
		b.Fatal(err)
	}
	req, err := nctarget.Compile("line-full.nct", src, nctarget.Options{})
	if err != nil {
		b.Fatal(err)
	}
	q, err := sqlgen.Compile(req.Rule, sqlgen.Options{Output: sqlgen.Count, Layout: layout})
	if err != nil {
		b.Fatal(err)
	}
	difftest.BenchCount(b, "PostgreSQL", "pg/eval", dir, req.Rule, func() (uint64, error) {
		out, err := psql(dsn, q.Text+";")
		if err != nil {
			return 0, err
		}
		return strconv.ParseUint(strings.TrimSpace(out), 10, 64)
	})
}
