package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/nctarget/nctarget"
	"github.com/nctarget/nctarget/eval"
	"github.com/spf13/cobra"
)

// diffFlags are the options of the diff command.
type diffFlags struct {
	data, catalog string
	jsonOut       bool
}

func newDiffCmd() *cobra.Command {
	var f diffFlags
	cmd := &cobra.Command{
		Use:   "diff OLD NEW",
		Short: "Prove two rules target the same friends, or show who is added and removed",
		Long: `Diff compares two rules exactly, for every population at once: it prints
"equivalent" when they target the same friends whatever the data, and
otherwise who is added and who is removed, each as a short rule of the
language with an example friend. A changed limit clause is shown too.

With --data, it also counts the friends of that dataset who are added and
removed, and each rule's recipients.

Exit status, as diff(1): 0 equivalent, 1 different, 2 trouble (an invalid
rule, a missing file, bad data). Either file may be - for standard input.`,
		Example: `  nctarget diff examples/line-full.nct <(nctarget fmt examples/line-full.nct)
  nctarget diff --data examples/data old.nct new.nct
  git show HEAD~1:rule.nct | nctarget diff --json - rule.nct`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 2 {
				return usageError{fmt.Errorf("diff takes two rule files, OLD and NEW, got %d\nRun '%s --help' for usage.", len(args), cmd.CommandPath())}
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error { return runDiff(cmd, args, &f) },
	}
	fl := cmd.Flags()
	fl.StringVar(&f.data, "data", "", "also count the friends of data `DIR` who are added and removed")
	fl.StringVar(&f.catalog, "catalog", "", "JSON `FILE` mapping audience names to ids")
	fl.BoolVar(&f.jsonOut, "json", false, "print one JSON object")
	return cmd
}

// errTrouble means diff could not compare the rules: exit status 2, as
// diff(1) says.
var errTrouble = errors.New("cannot compare the rules")

// runDiff compares two rules and prints the difference.
func runDiff(cmd *cobra.Command, args []string, f *diffFlags) error {
	if args[0] == "-" && args[1] == "-" {
		return usageError{errors.New("diff reads at most one rule from standard input")}
	}
	cat, err := loadCatalog(cmd, f.catalog)
	if err != nil {
		return usageError{err}
	}
	var rules [2]*nctarget.Rule
	for i, arg := range args {
		if rules[i], err = compileForDiff(cmd, arg, cat); err != nil {
			return err
		}
	}
	d, err := nctarget.Diff(rules[0], rules[1])
	if err != nil {
		return usageError{fmt.Errorf("%w: %v", errTrouble, err)}
	}
	out := newDiffOutput(d)
	if f.data != "" {
		if err := out.count(cmd, f.data, rules); err != nil {
			return err
		}
	}
	if f.jsonOut {
		b, _ := json.MarshalIndent(out, "", "  ")
		fmt.Fprintf(cmd.OutOrStdout(), "%s\n", b)
	} else {
		out.writeText(cmd.OutOrStdout())
	}
	if d.Equivalent && !d.LimitChanged {
		return nil
	}
	return errReported // exit status 1: the rules differ
}

// compileForDiff compiles one rule; its problems are trouble (exit 2).
func compileForDiff(cmd *cobra.Command, arg string, cat *nctarget.Catalog) (*nctarget.Rule, error) {
	in, err := readInput(cmd, arg)
	if err != nil {
		return nil, usageError{err}
	}
	req, err := nctarget.Compile(in.name, in.src, nctarget.Options{Catalog: cat, NoSimplify: true})
	if err != nil {
		report(cmd.ErrOrStderr(), err, in.src)
		return nil, usageError{fmt.Errorf("%w: %s is not a valid rule", errTrouble, in.name)}
	}
	return req.Rule, nil
}

// diffOutput is what diff prints, and its --json form.
type diffOutput struct {
	Equivalent bool         `json:"equivalent"`
	Added      []diffChange `json:"added"`
	Removed    []diffChange `json:"removed"`
	Limit      *limitChange `json:"limit,omitempty"`
	Data       *diffOnData  `json:"data,omitempty"`
	diff       *nctarget.RuleDiff
}

type diffChange struct {
	Rule    string         `json:"rule"`
	Witness map[string]any `json:"witness"`
	Friends *uint64        `json:"friends,omitempty"` // with --data: how many friends of the data
	example string
	rule    *nctarget.Rule
}

type limitChange struct {
	Old string `json:"old"`
	New string `json:"new"`
}

// diffOnData is the diff counted on a dataset.
type diffOnData struct {
	Dir     string `json:"dir"`
	Added   uint64 `json:"added"`
	Removed uint64 `json:"removed"`
	Old     uint64 `json:"old"` // recipients of the old rule, after its limit
	New     uint64 `json:"new"`
}

func newDiffOutput(d *nctarget.RuleDiff) *diffOutput {
	out := &diffOutput{Equivalent: d.Equivalent, Added: changes(d.Added), Removed: changes(d.Removed), diff: d}
	if d.LimitChanged {
		out.Limit = &limitChange{Old: limitString(d.OldLimit), New: limitString(d.NewLimit)}
	}
	return out
}

func limitString(l *nctarget.Limit) string {
	if l == nil {
		return "(none)"
	}
	return l.String()
}

func changes(cs []*nctarget.Change) []diffChange {
	out := []diffChange{}
	for _, c := range cs {
		out = append(out, diffChange{Rule: c.Rule.OneLine(), Witness: witnessJSON(c.Witness), example: c.Witness.String(), rule: c.Rule})
	}
	return out
}

// witnessJSON is a witness friend for --json: the audiences and
// redeliveries it is in and not in, and each attribute the rules name
// (null when unknown).
func witnessJSON(w *nctarget.Friend) map[string]any {
	m := map[string]any{}
	var in, notIn []string
	for _, a := range w.Audiences {
		in = append(in, a.String())
	}
	for _, r := range w.Redeliveries {
		in = append(in, r.String())
	}
	for _, x := range w.NotIn {
		notIn = append(notIn, x.String())
	}
	m["in"], m["notIn"] = orEmpty(in), orEmpty(notIn)
	for _, a := range w.Attrs {
		var v any
		switch a {
		case nctarget.AttrGender:
			v = w.Gender
		case nctarget.AttrAppType:
			v = w.AppType
		case nctarget.AttrArea:
			v = w.Area
		case nctarget.AttrAge:
			v = w.Age
		default:
			v = w.Days
		}
		if v == "" || v == -1 {
			v = nil
		}
		m[a.String()] = v
	}
	return m
}

func orEmpty(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// count evaluates the changes and both rules on the data in dir.
func (out *diffOutput) count(cmd *cobra.Command, dir string, rules [2]*nctarget.Rule) error {
	d, err := loadData(cmd, &evalFlags{data: dir})
	if err != nil {
		return troubleFrom(err)
	}
	defer d.Close()
	on := &diffOnData{Dir: dir}
	for _, cs := range []*[]diffChange{&out.Added, &out.Removed} {
		for i := range *cs {
			c := &(*cs)[i]
			res, err := evalRule(d, c.rule)
			if err != nil {
				return troubleFrom(report(cmd.ErrOrStderr(), err, nil))
			}
			n := res.Waterfall.AfterFilter
			c.Friends = &n
			if cs == &out.Added {
				on.Added += n
			} else {
				on.Removed += n
			}
		}
	}
	for i, r := range rules {
		res, err := evalRule(d, r)
		if err != nil {
			return troubleFrom(report(cmd.ErrOrStderr(), err, nil))
		}
		if i == 0 {
			on.Old = res.Count
		} else {
			on.New = res.Count
		}
	}
	out.Data = on
	return nil
}

// troubleFrom makes any error of loading or evaluating exit status 2.
func troubleFrom(err error) error {
	var ue usageError
	if errors.As(err, &ue) {
		return err
	}
	return usageError{fmt.Errorf("%w: %v", errTrouble, err)}
}

func evalRule(d *eval.Dataset, r *nctarget.Rule) (*eval.Result, error) {
	p, err := d.Plan(r)
	if err != nil {
		return nil, err
	}
	return p.Eval(), nil
}

// writeText prints the human form.
func (out *diffOutput) writeText(w io.Writer) {
	if out.Equivalent {
		fmt.Fprintln(w, "equivalent: both rules target the same friends in every population")
	}
	for _, side := range []struct {
		name string
		cs   []diffChange
	}{{"added", out.Added}, {"removed", out.Removed}} {
		for _, c := range side.cs {
			count := ""
			if c.Friends != nil {
				count = fmt.Sprintf(" (%d %s)", *c.Friends, plural(*c.Friends, "friend"))
			}
			fmt.Fprintf(w, "%s: %s%s\n    for example: %s\n", side.name, c.Rule, count, c.example)
		}
	}
	if out.Limit != nil {
		fmt.Fprintf(w, "limit: %s => %s\n", out.Limit.Old, out.Limit.New)
	}
	if d := out.Data; d != nil {
		fmt.Fprintf(w, "on %s: %d added, %d removed; recipients %d => %d\n", d.Dir, d.Added, d.Removed, d.Old, d.New)
	}
}

func plural(n uint64, word string) string {
	if n == 1 {
		return word
	}
	return word + "s"
}
