package fuzz

import (
	"encoding/json"
	"testing"

	"github.com/nctarget/nctarget"
)

// FuzzCompileRule builds a syntax tree by hand from the fuzzed bytes (any
// shape: empty operators, nil operands, atoms on the wrong side, codes and
// ids the API does not know, strings with any bytes) and compiles it.
// Whatever the tree, CompileRule must not panic, and when it accepts the
// tree its JSON must be valid JSON that Decompile, which checks the API's
// rules on the JSON independently, reads back without error.
func FuzzCompileRule(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte{0, 1, 2, 3, 4, 5, 6, 7})
	f.Add([]byte{8, 1, 3, 4, 1, 0, 5, 2, 1, 0, 6, 3, 1, 4, 9, 1})
	f.Add([]byte("\x04\x00\x05a\x7fb\u2028"))
	f.Fuzz(func(t *testing.T, data []byte) {
		g := &treeGen{data: data}
		rule := &nctarget.Rule{Recipient: g.expr(0, true), Filter: g.expr(0, false), Limit: g.limit()}
		req, err := nctarget.CompileRule(rule, nctarget.Options{NoSimplify: g.next()%2 == 0})
		if err != nil {
			return
		}
		for _, indent := range []bool{false, true} {
			out := req.JSON(indent)
			if !json.Valid(out) {
				t.Fatalf("CompileRule wrote invalid JSON for %s:\n%s", rule, out)
			}
			if _, err := nctarget.Decompile("fuzz.json", out, nil); err != nil {
				t.Fatalf("CompileRule wrote JSON the API rules reject for %s:\n%s\n%v", rule, out, err)
			}
		}
	})
}

// treeGen turns bytes into syntax trees; past the end of the bytes it
// reads zeros.
type treeGen struct{ data []byte }

func (g *treeGen) next() byte {
	if len(g.data) == 0 {
		return 0
	}
	b := g.data[0]
	g.data = g.data[1:]
	return b
}

// text returns a short string of the next bytes, any bytes.
func (g *treeGen) text() string {
	n := min(int(g.next()%40), len(g.data))
	s := string(g.data[:n])
	g.data = g.data[n:]
	return s
}

// pick returns one of choices, or, one time in four, g.text().
func (g *treeGen) pick(choices ...string) string {
	b := g.next()
	if b%4 == 3 {
		return g.text()
	}
	return choices[int(b/4)%len(choices)]
}

var treeBounds = []int{0, 15, 20, 7, 30, 70, 365, 21, -5}

func (g *treeGen) expr(depth int, recipient bool) nctarget.Expr {
	kind := g.next() % 9
	if depth > 4 && kind < 3 {
		kind += 3
	}
	switch kind {
	case 0, 1:
		o := &nctarget.Operator{Op: nctarget.Op(g.next() % 3)}
		for range g.next() % 4 {
			o.Args = append(o.Args, g.expr(depth+1, recipient))
		}
		return o
	case 2:
		return &nctarget.Not{X: g.expr(depth+1, recipient)}
	case 3:
		return nil
	case 4:
		return &nctarget.Audience{ID: int64(int8(g.next())) * 1_000_003}
	case 5:
		return &nctarget.Redelivery{RequestID: g.pick("5b59509c-c57b-11e9-aa8c-2a2ae2dbcce4", "5B59509C-C57B-11E9-AA8C-2A2AE2DBCCE4", "x")}
	case 6, 7:
		s := &nctarget.Set{Attr: nctarget.Attr(g.next() % 7)}
		for range g.next() % 4 {
			s.Values = append(s.Values, nctarget.Value{Code: g.pick("male", "female", "ios", "jp_13", "tw_01", "age_20")})
		}
		return s
	}
	return &nctarget.Range{Attr: nctarget.Attr(g.next() % 7), Gte: treeBounds[int(g.next())%len(treeBounds)], Lt: treeBounds[int(g.next())%len(treeBounds)]}
}

func (g *treeGen) limit() *nctarget.Limit {
	b := g.next()
	if b%3 == 0 {
		return nil
	}
	return &nctarget.Limit{Max: []int64{0, 1, 100, 1 << 31, -1}[int(g.next())%5], UpToRemainingQuota: b&4 != 0, ForbidPartialDelivery: b&8 != 0}
}
