// Package report renders an evaluated rule for people and programs: the
// text nctarget eval prints and its --json object. The command line and
// the web workbench both print reports through it, so they agree.
package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/nctarget/nctarget"
	"github.com/nctarget/nctarget/eval"
	"github.com/nctarget/nctarget/internal/termtext"
)

// Report is a preview ready to print: a result with the rule it came from
// and every warning about it (from compiling, the data and the result).
// eval prints one per rule, as text (WriteText) or JSON (JSON).
type Report struct {
	Name     string         // the rule's file name
	Source   []byte         // the rule's source, for warning carets
	Rule     *nctarget.Rule // the rule as evaluated (compiled)
	Result   *eval.Result
	Warnings []eval.Warning // every warning, in the order to print
	Sample   []string       // recipient user IDs to show
}

// New assembles the report of result for rule, whose source is src:
// extra warnings (from compiling, the catalog, the data) come first, then
// the result's own, and sample recipient IDs are drawn from d.
func New(name string, src []byte, rule *nctarget.Rule, d *eval.Dataset, result *eval.Result, extra []eval.Warning, sample int) *Report {
	rep := &Report{Name: name, Source: src, Rule: rule, Result: result}
	rep.Warnings = append(append(rep.Warnings, extra...), result.Warnings...)
	for _, i := range result.Sample(sample) {
		rep.Sample = append(rep.Sample, d.UserID(i))
	}
	return rep
}

// WriteText prints the report for people: the count, the waterfall, the
// rule with each clause's own count beneath it, a sample and the
// warnings.
func (rep *Report) WriteText(w io.Writer) error {
	var b bytes.Buffer
	r := rep.Result
	noun := "recipients"
	if r.Count == 1 {
		noun = "recipient"
	}
	fmt.Fprintf(&b, "%s: %d %s", termtext.Escape(rep.Name), r.Count, noun)
	if r.BelowMinimum() {
		fmt.Fprintf(&b, " (below the minimum of %d)", r.Min)
	}
	b.WriteString("\n\n")
	rep.writeWaterfall(&b)
	b.WriteString("\nrule:\n")
	for _, line := range strings.Split(rep.Rule.String(), "\n") {
		if line != "" {
			b.WriteString("    " + line + "\n")
		}
	}
	if len(r.Nodes) > 0 {
		b.WriteString("\n   count  clause\n")
		for i, n := range r.Nodes {
			label := nodeLabel(n.Expr)
			if n.Depth == 0 && (i == 0 || r.Nodes[i-1].Clause != n.Clause) && n.Clause == "where" {
				label = "where " + label
			}
			fmt.Fprintf(&b, "%8d  %s%s\n", n.Count, strings.Repeat("  ", n.Depth), label)
		}
	}
	if len(rep.Sample) > 0 {
		fmt.Fprintf(&b, "\nsample of %d recipients:\n", len(rep.Sample))
		for _, id := range rep.Sample {
			b.WriteString("    " + id + "\n")
		}
	}
	if len(rep.Warnings) > 0 {
		b.WriteString("\n")
		for _, wr := range rep.Warnings {
			nctarget.PrintDiagnostic(&b, wr.Diagnostic, rep.Source)
		}
	}
	_, err := w.Write(b.Bytes())
	return err
}

// writeWaterfall prints the waterfall, one step a line.
func (rep *Report) writeWaterfall(b *bytes.Buffer) {
	wf := rep.Result.Waterfall
	step := func(name string, n uint64, note string) {
		fmt.Fprintf(b, "    %-34s %8d", name, n)
		if note != "" {
			b.WriteString("  " + note)
		}
		b.WriteByte('\n')
	}
	step("friends", wf.Friends, "")
	step("after the recipient expression", wf.AfterRecipient, "")
	step("after the where clause", wf.AfterFilter, "")
	limit := ""
	if rep.Result.Limit > 0 {
		limit = fmt.Sprintf("limit %d (the first recipients in users.csv order)", rep.Result.Limit)
	}
	step("after the limit", wf.AfterLimit, limit)
	if rep.Rule.Filter != nil {
		step("with every filter attribute known", wf.AllKnown, "information only: LINE may reach only these")
	}
}

// nodeLabel names a node in the clause tree: its operator, or the atom.
func nodeLabel(e nctarget.Expr) string {
	switch e.(type) {
	case *nctarget.Operator, *nctarget.Not:
		return nodeKind(e)
	}
	return e.String()
}

// jsonReport is the --json form of a Report. Field order is output order.
type jsonReport struct {
	File         string        `json:"file"`
	Count        uint64        `json:"count"`
	BelowMinimum bool          `json:"belowMinimum"`
	Minimum      uint64        `json:"minimum"`
	Limit        uint64        `json:"limit,omitempty"`
	Waterfall    jsonWaterfall `json:"waterfall"`
	Rule         string        `json:"rule"`
	Nodes        []jsonNode    `json:"nodes"`
	Warnings     []jsonWarning `json:"warnings"`
	Sample       []string      `json:"sample"`
}

type jsonWaterfall struct {
	Friends        uint64 `json:"friends"`
	AfterRecipient uint64 `json:"afterRecipient"`
	AfterFilter    uint64 `json:"afterFilter"`
	AfterLimit     uint64 `json:"afterLimit"`
	AllKnown       uint64 `json:"allFilterAttributesKnown"`
}

type jsonNode struct {
	Clause string `json:"clause"`
	Depth  int    `json:"depth"`
	Op     string `json:"op"`
	Expr   string `json:"expr"`
	Pos    string `json:"pos"`
	Count  uint64 `json:"count"`
}

type jsonWarning struct {
	Kind    string `json:"kind"`
	Pos     string `json:"pos,omitempty"`
	Message string `json:"message"`
	Hint    string `json:"hint,omitempty"`
}

// JSON returns the report as an indented JSON object with at least
// "count" and "belowMinimum" (the contract of nctarget eval --json), plus the waterfall, the
// clause counts, the warnings and the sample.
func (rep *Report) JSON() []byte { return rep.LaidOut(Layout{}) }

// Layout is how a JSON value is laid out: indented by two spaces, every
// line after the first starting with Prefix (for a value inside an
// array), or with Compact on one line (for JSON lines). Either way the
// value ends with a newline.
type Layout struct {
	Prefix  string
	Compact bool
}

// Marshal returns v, which must hold only strings, numbers, booleans and
// slices and structs of them, laid out as l says.
func (l Layout) Marshal(v any) []byte {
	var data []byte
	var err error
	if l.Compact {
		data, err = json.Marshal(v)
	} else {
		data, err = json.MarshalIndent(v, l.Prefix, "  ")
	}
	if err != nil { // cannot happen: v holds only strings and numbers
		return []byte(`{"error":` + fmt.Sprintf("%q", err.Error()) + "}\n")
	}
	return append(data, '\n')
}

// LaidOut returns the JSON object of JSON laid out as l says, in one
// encoding: eval prints the reports of many rules as an array or as JSON
// lines without laying each out twice.
func (rep *Report) LaidOut(l Layout) []byte {
	r := rep.Result
	wf := r.Waterfall
	out := jsonReport{File: rep.Name, Count: r.Count, BelowMinimum: r.BelowMinimum(), Minimum: r.Min, Limit: r.Limit,
		Waterfall: jsonWaterfall{wf.Friends, wf.AfterRecipient, wf.AfterFilter, wf.AfterLimit, wf.AllKnown},
		Rule:      rep.Rule.String(), Nodes: []jsonNode{}, Warnings: []jsonWarning{}, Sample: rep.Sample}
	if out.Sample == nil {
		out.Sample = []string{}
	}
	for _, n := range r.Nodes {
		out.Nodes = append(out.Nodes, jsonNode{Clause: n.Clause, Depth: n.Depth, Op: nodeKind(n.Expr),
			Expr: n.Expr.String(), Pos: n.Expr.Pos().String(), Count: n.Count})
	}
	for _, w := range rep.Warnings {
		jw := jsonWarning{Kind: string(w.Kind), Message: w.Msg, Hint: w.Hint}
		if w.Pos.IsValid() {
			jw.Pos = w.Pos.String()
		}
		out.Warnings = append(out.Warnings, jw)
	}
	return l.Marshal(out)
}

// nodeKind names a node's type for JSON: and, or, not, audience,
// redelivery, or the attribute of a demographic atom.
func nodeKind(e nctarget.Expr) string {
	switch x := e.(type) {
	case *nctarget.Operator:
		return x.Op.String()
	case *nctarget.Not:
		return "not"
	case *nctarget.Audience:
		return "audience"
	case *nctarget.Redelivery:
		return "redelivery"
	}
	if a, ok := nctarget.AttrOf(e); ok {
		return a.String()
	}
	return fmt.Sprintf("%T", e)
}

// CatalogWarnings warns about the audiences of rule written by id whose
// catalog entry says a send would fail at time now (not READY, expired,
// IFA); nctarget.Compile already warns about audiences written by name.
func CatalogWarnings(rule *nctarget.Rule, cat *nctarget.Catalog, now time.Time) []eval.Warning {
	var ws []eval.Warning
	for _, obj := range nctarget.RecipientObjects(rule.Recipient) {
		a, ok := obj.(*nctarget.Audience)
		if !ok || a.Name != "" {
			continue
		}
		entry, ok := cat.ByID(a.ID)
		if !ok {
			continue
		}
		for _, p := range entry.Problems(now) {
			ws = append(ws, eval.Warning{Kind: eval.WarnCatalog, Diagnostic: &nctarget.Diagnostic{Pos: a.Pos(), End: a.End(),
				Severity: nctarget.SeverityWarning, Msg: p, Hint: "LINE rejects sends to audiences that are not READY, expired or IFA"}})
		}
	}
	return ws
}

// Extra gathers the warnings a report shows before the evaluator's own, in
// the order every front end prints them: the compiler's about req's rule,
// the catalog's about the audiences it names by id (judged at time now),
// then the data directory's (nil where they were shown already). The CLI
// and the workbench both call it, so their reports cannot drift apart.
func Extra(req *nctarget.Request, cat *nctarget.Catalog, data []*nctarget.Diagnostic, now time.Time) []eval.Warning {
	extra := asWarnings(eval.WarnCompile, req.Warnings...)
	extra = append(extra, CatalogWarnings(req.Rule, cat, now)...)
	return append(extra, asWarnings(eval.WarnData, data...)...)
}

// asWarnings wraps diagnostics (compile warnings, data warnings) as
// warnings of the given kind.
func asWarnings(kind eval.WarningKind, ds ...*nctarget.Diagnostic) []eval.Warning {
	ws := make([]eval.Warning, len(ds))
	for i, d := range ds {
		ws[i] = eval.Warning{Kind: kind, Diagnostic: d}
	}
	return ws
}
