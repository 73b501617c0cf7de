package sqlgen_test

import (
	"bytes"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nctarget/nctarget"
	"github.com/nctarget/nctarget/eval"
	"github.com/nctarget/nctarget/internal/gendata"
	"github.com/nctarget/nctarget/sqlgen"
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
	dsn := os.Getenv("NCTARGET_PG_DSN")
	if dsn == "" {
		b.Skip("set NCTARGET_PG_DSN (see TestPostgresDifferential)")
	}
	dir := b.TempDir()
	if err := gendata.Generate(dir, gendata.Options{Users: 1_000_000, Seed: 1}); err != nil {
		b.Fatal(err)
	}
	layout := sqlgen.Layout{Schema: "bench"}
	var script bytes.Buffer
	script.WriteString("DROP SCHEMA IF EXISTS bench CASCADE;\nCREATE SCHEMA bench;\n")
	if err := sqlgen.WriteLoadScript(&script, dir, layout); err != nil {
		b.Fatal(err)
	}
	if _, err := psql(dsn, script.String()); err != nil {
		b.Fatal(err)
	}
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
	var sqlCount string
	var evalCount uint64
	var pgTime, evalTime time.Duration
	for b.Loop() {
		start := time.Now()
		out, err := psql(dsn, q.Text+";")
		if err != nil {
			b.Fatal(err)
		}
		sqlCount = strings.TrimSpace(out)
		pgTime += time.Since(start)
		start = time.Now()
		d, err := eval.Load(dir, eval.LoadOptions{})
		if err != nil {
			b.Fatal(err)
		}
		p, err := d.Plan(req.Rule)
		if err != nil {
			b.Fatal(err)
		}
		evalCount = p.Eval().Count
		evalTime += time.Since(start)
		d.Close()
	}
	if sqlCount != strconv.FormatUint(evalCount, 10) {
		b.Fatalf("PostgreSQL counts %s, eval %d", sqlCount, evalCount)
	}
	ratio := float64(pgTime) / float64(evalTime)
	b.ReportMetric(ratio, "pg/eval")
	b.Logf("count %s: PostgreSQL's count query took %v in all, eval's load and evaluation %v: %.2fx", sqlCount, pgTime, evalTime, ratio)
}
