package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/nctarget/nctarget"
	"github.com/nctarget/nctarget/eval"
	"github.com/nctarget/nctarget/repair"
	"github.com/spf13/cobra"
)

// repairFlags are the options of the repair command.
type repairFlags struct {
	data, catalog string
	min           uint64
	suggestions   int
	maxEdits      int
	jsonOut       bool
}

func newRepairCmd() *cobra.Command {
	var f repairFlags
	cmd := &cobra.Command{
		Use:   "repair --data DIR [FILE|-]",
		Short: "Suggest the smallest edits that bring a rule's preview to the minimum audience",
		Long: `Repair previews a rule on local data, as eval does, and when fewer than
--min recipients remain (LINE fails such a delivery), searches the rule's
neighbourhood: a range widened by one bucket, an adjacent area of the same
country added, a not term or an and operand dropped, an and turned into an
or, the limit dropped, and up to --max-edits of these together. It prints
the few smallest edits that reach the minimum, ranked by how little they
change the audience (fewest edits, then fewest people added), each as the
whole rewritten rule, with its count and waterfall. Every suggestion is
evaluated on the data, never estimated.

Exit status: 0 when the rule reaches the minimum or an edit does, 1 when
no edit within reach does (or the rule is invalid), 2 usage.`,
		Example: `  nctarget repair --data examples/data rule.nct
  nctarget repair --data ./data --min 100 --json campaign.nct`,
		Args: maxOneFile,
		RunE: func(cmd *cobra.Command, args []string) error { return runRepair(cmd, argOrStdin(args), &f) },
	}
	fl := cmd.Flags()
	fl.StringVar(&f.data, "data", "", "data `DIR`: users.csv, audiences/, redeliveries/ (required)")
	fl.StringVar(&f.catalog, "catalog", "", "JSON `FILE` mapping audience names to ids")
	fl.Uint64Var(&f.min, "min", eval.DefaultMinimum, "the fewest recipients to reach, `N`")
	fl.IntVar(&f.suggestions, "suggestions", 3, "print at most `K` suggestions")
	fl.IntVar(&f.maxEdits, "max-edits", 2, "combine at most `E` edits in one suggestion")
	fl.BoolVar(&f.jsonOut, "json", false, "print one JSON object")
	return cmd
}

func runRepair(cmd *cobra.Command, arg string, f *repairFlags) error {
	if f.data == "" {
		return usageError{errors.New("repair needs --data DIR")}
	}
	if f.min == 0 {
		return usageError{errors.New("--min must be at least 1")}
	}
	cat, err := loadCatalog(cmd, f.catalog)
	if err != nil {
		return err
	}
	in, err := readInput(cmd, arg)
	if err != nil {
		return err
	}
	req, err := nctarget.Compile(in.name, in.src, nctarget.Options{Catalog: cat, NoSimplify: true})
	if err != nil {
		return report(cmd.ErrOrStderr(), err, in.src)
	}
	d, err := loadData(cmd, &evalFlags{data: f.data})
	if err != nil {
		return err
	}
	defer d.Close()
	rep, err := repair.Search(d, req.Rule, repair.Options{Min: f.min, Suggestions: f.suggestions, MaxEdits: f.maxEdits})
	if err != nil {
		return report(cmd.ErrOrStderr(), err, in.src)
	}
	if f.jsonOut {
		b, _ := json.MarshalIndent(repairJSON(in.name, rep), "", "  ")
		fmt.Fprintf(cmd.OutOrStdout(), "%s\n", b)
	} else {
		writeRepair(cmd.OutOrStdout(), in.name, rep, f.maxEdits)
	}
	if rep.Original.Count < rep.Min && len(rep.Suggestions) == 0 {
		return errReported
	}
	return nil
}

// writeRepair prints the human form of a repair.
func writeRepair(w io.Writer, name string, rep *repair.Repair, maxEdits int) {
	n := rep.Original.Count
	if n >= rep.Min {
		fmt.Fprintf(w, "%s: %d %s, at least the minimum of %d: nothing to repair\n", name, n, plural(n, "recipient"), rep.Min)
		return
	}
	fmt.Fprintf(w, "%s: %d %s, below the minimum of %d\n    %s\n", name, n, plural(n, "recipient"), rep.Min, waterfall(rep.Original))
	if len(rep.Suggestions) == 0 {
		fmt.Fprintf(w, "\nno rule within %d %s of this one reaches %d", maxEdits, plural(uint64(maxEdits), "edit"), rep.Min)
		if c := rep.Closest; c != nil {
			fmt.Fprintf(w, "; the closest, %s, has %d", strings.Join(c.Edits, ", then "), c.Result.Count)
		}
		fmt.Fprintln(w, "\n    widen the rule by hand, or lower --min if a smaller send is acceptable")
		return
	}
	for i, s := range rep.Suggestions {
		fmt.Fprintf(w, "\n%d. %s: %d %s (+%d)\n    %s\n", i+1, strings.Join(s.Edits, ", then "), s.Result.Count, plural(s.Result.Count, "recipient"), s.Added, waterfall(s.Result))
		for _, line := range strings.Split(strings.TrimRight(string(nctarget.Format(s.Rule)), "\n"), "\n") {
			fmt.Fprintf(w, "    | %s\n", line)
		}
	}
}

// waterfall prints a result's waterfall on one line.
func waterfall(r *eval.Result) string {
	wf := r.Waterfall
	return fmt.Sprintf("friends %d => recipient expression %d => where %d => limit %d", wf.Friends, wf.AfterRecipient, wf.AfterFilter, wf.AfterLimit)
}

type repairOut struct {
	File        string          `json:"file"`
	Min         uint64          `json:"min"`
	Count       uint64          `json:"count"`
	Reached     bool            `json:"reached"` // the rule, or a suggestion, reaches min
	Suggestions []suggestionOut `json:"suggestions"`
}

type suggestionOut struct {
	Edits     []string `json:"edits"`
	Rule      string   `json:"rule"`
	Count     uint64   `json:"count"`
	Added     uint64   `json:"added"`
	Waterfall []uint64 `json:"waterfall"` // friends, after recipient, after where, after limit
}

func repairJSON(name string, rep *repair.Repair) repairOut {
	out := repairOut{File: name, Min: rep.Min, Count: rep.Original.Count, Suggestions: []suggestionOut{},
		Reached: rep.Original.Count >= rep.Min || len(rep.Suggestions) > 0}
	for _, s := range rep.Suggestions {
		wf := s.Result.Waterfall
		out.Suggestions = append(out.Suggestions, suggestionOut{Edits: s.Edits, Rule: s.Rule.OneLine(), Count: s.Result.Count, Added: s.Added,
			Waterfall: []uint64{wf.Friends, wf.AfterRecipient, wf.AfterFilter, wf.AfterLimit}})
	}
	return out
}
