package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/nctarget/nctarget"
	"github.com/spf13/cobra"
)

// fmtFlags are the flags of nctarget fmt.
type fmtFlags struct {
	write, diff, list bool
}

func newFmtCmd() *cobra.Command {
	var flags fmtFlags
	cmd := &cobra.Command{
		Use:   "fmt [FILE|-]...",
		Short: "Print rules in canonical form",
		Long: `Fmt prints each rule in canonical form, the way gofmt does for Go: one way
to write every rule (keyword case, spacing, in (…) lists, ranges such as
age[20,25), one clause per line, long clauses broken before each operator),
with comments kept. It never changes what a rule means and never simplifies;
formatting a formatted rule changes nothing.

With -l, fmt lists the files whose formatting differs and exits 1 if there
are any, so a CI step can insist on formatted rules. With -d it prints a
unified diff of the changes; with -w it rewrites the files in place
(atomically: a failed write leaves the old file). A rule that does not
parse is reported, with exit status 1, and left alone.`,
		Example: `  nctarget fmt rule.nct
  nctarget fmt -l rules/*.nct     # in CI: fails when a rule is not formatted
  nctarget fmt -w rules/*.nct
  nctarget fmt -d rule.nct`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				args = []string{"-"}
			}
			return runFmt(cmd, args, flags)
		},
	}
	f := cmd.Flags()
	f.BoolVarP(&flags.write, "write", "w", false, "rewrite each FILE in place instead of printing it")
	f.BoolVarP(&flags.diff, "diff", "d", false, "print a unified diff of the formatting changes instead of the rules")
	f.BoolVarP(&flags.list, "list", "l", false, "list the files whose formatting differs, and exit 1 if there are any")
	return cmd
}

// runFmt formats each argument. It goes on after a rule that does not
// parse, so one run reports every such rule, and returns errReported when
// a rule did not parse or, with -l, when a file was not formatted.
func runFmt(cmd *cobra.Command, args []string, flags fmtFlags) error {
	if flags.write {
		for _, a := range args {
			if a == "-" {
				return usageError{errors.New("fmt -w rewrites files; standard input cannot be rewritten")}
			}
		}
	}
	differs := false
	err := eachArg(cmd, args, func(_ int, arg string) error {
		changed, err := fmtOne(cmd, arg, flags)
		differs = differs || changed
		return err
	})
	if err == nil && flags.list && differs {
		return errReported
	}
	return err
}

// fmtOne formats one file and reports whether its formatting differs.
func fmtOne(cmd *cobra.Command, arg string, flags fmtFlags) (bool, error) {
	in, err := readInput(cmd, arg)
	if err != nil {
		return false, err
	}
	out, err := nctarget.FormatSource(in.name, in.src)
	if err != nil {
		return false, report(cmd.ErrOrStderr(), err, in.src)
	}
	changed := !bytes.Equal(in.src, out)
	w := cmd.OutOrStdout()
	if flags.list && changed {
		fmt.Fprintln(w, in.name)
	}
	if flags.diff && changed {
		io.WriteString(w, unifiedDiff(in.name, in.src, out))
	}
	if flags.write && changed {
		if err := writeOutput(w, arg, "fmt -w", out); err != nil {
			return changed, err
		}
	}
	if !flags.list && !flags.diff && !flags.write {
		_, err = w.Write(out)
	}
	return changed, err
}

// diffContext is the number of unchanged lines shown around a change.
const diffContext = 3

// maxDiffCells bounds the work of the line diff (lines before × lines
// after); beyond it the whole file is shown as replaced.
const maxDiffCells = 1 << 24

// edit is one line of a diff: ' ' kept, '-' removed, '+' added. The line
// keeps its newline, if it had one.
type edit struct {
	op   byte
	line string
}

// unifiedDiff returns the unified diff that turns a into b, with headers
// naming the file, or "" when they are equal.
func unifiedDiff(name string, a, b []byte) string {
	edits := lineDiff(splitLines(a), splitLines(b))
	var out strings.Builder
	for start := 0; start < len(edits); {
		lo, hi, ok := nextHunk(edits, start)
		if !ok {
			break
		}
		if out.Len() == 0 {
			fmt.Fprintf(&out, "--- %s (original)\n+++ %s (formatted)\n", name, name)
		}
		writeHunk(&out, edits, lo, hi)
		start = hi
	}
	return out.String()
}

// splitLines splits s after each newline; a last line without one is
// kept as it is.
func splitLines(s []byte) []string {
	if len(s) == 0 {
		return nil
	}
	lines := strings.SplitAfter(string(s), "\n")
	if lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	return lines
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// lineDiff returns a shortest edit script from a to b, by longest common
// subsequence; inputs too large for that are shown as wholly replaced.
func lineDiff(a, b []string) []edit {
	if len(a)*len(b) > maxDiffCells {
		var es []edit
		for _, l := range a {
			es = append(es, edit{'-', l})
		}
		for _, l := range b {
			es = append(es, edit{'+', l})
		}
		return es
	}
	// lcs[i][j] is the length of the LCS of a[i:] and b[j:].
	lcs := make([][]int32, len(a)+1)
	for i := range lcs {
		lcs[i] = make([]int32, len(b)+1)
	}
	for i := len(a) - 1; i >= 0; i-- {
		for j := len(b) - 1; j >= 0; j-- {
			if a[i] == b[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	var es []edit
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		switch {
		case i < len(a) && j < len(b) && a[i] == b[j]:
			es = append(es, edit{' ', a[i]})
			i, j = i+1, j+1
		case i < len(a) && (j == len(b) || lcs[i+1][j] >= lcs[i][j+1]):
			es = append(es, edit{'-', a[i]})
			i++
		default:
			es = append(es, edit{'+', b[j]})
			j++
		}
	}
	return es
}

// nextHunk finds the next hunk at or after start: the edits [lo, hi),
// changes with up to diffContext kept lines around them, merging changes
// whose contexts touch.
func nextHunk(es []edit, start int) (lo, hi int, ok bool) {
	first := start
	for first < len(es) && es[first].op == ' ' {
		first++
	}
	if first == len(es) {
		return 0, 0, false
	}
	lo = max(start, first-diffContext)
	last := first
	for k := first; k < len(es); k++ {
		if es[k].op != ' ' {
			last = k
		} else if k-last > 2*diffContext {
			break
		}
	}
	return lo, min(len(es), last+1+diffContext), true
}

// writeHunk writes es[lo:hi] as one hunk with its @@ header.
func writeHunk(w *strings.Builder, es []edit, lo, hi int) {
	aStart, bStart := 1, 1
	for _, e := range es[:lo] {
		aStart += boolInt(e.op != '+')
		bStart += boolInt(e.op != '-')
	}
	aLen, bLen := 0, 0
	for _, e := range es[lo:hi] {
		aLen += boolInt(e.op != '+')
		bLen += boolInt(e.op != '-')
	}
	fmt.Fprintf(w, "@@ -%s +%s @@\n", hunkRange(aStart, aLen), hunkRange(bStart, bLen))
	for _, e := range es[lo:hi] {
		w.WriteByte(e.op)
		w.WriteString(e.line)
		if !strings.HasSuffix(e.line, "\n") {
			w.WriteString("\n\\ No newline at end of file\n")
		}
	}
}

// hunkRange formats "start,len" the way diff -u does: an empty range
// starts at the line before it.
func hunkRange(start, n int) string {
	if n == 0 {
		start--
	}
	if n == 1 {
		return fmt.Sprint(start)
	}
	return fmt.Sprintf("%d,%d", start, n)
}
