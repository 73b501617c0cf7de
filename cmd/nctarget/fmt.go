package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"

	"github.com/aymanbagabas/go-udiff"
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
		Use:   "fmt [FILE|DIR|-]...",
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
parse is reported, with exit status 1, and left alone; like gofmt, fmt is
about layout, so a rule that parses is formatted even with other errors
(an unknown attribute, an unaligned bound), each such atom kept as written
(nctarget check reports them). A byte order mark and CRLF line endings are
kept. A DIR stands for
every .nct file under it, as with gofmt -l DIR.`,
		Example: `  nctarget fmt rule.nct
  nctarget fmt -l rules/          # in CI: fails when a rule is not formatted
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
	args, err := ruleArgs(args)
	if err != nil {
		return err
	}
	differs := false
	err = eachArg(cmd, args, func(_ int, arg string) error {
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

// unifiedDiff returns the unified diff that turns a into b, with headers
// naming the file, or "" when they are equal. It is go-udiff's, the Go
// tools' own diff (Myers' algorithm, linear space, no size cap), exported.
func unifiedDiff(name string, a, b []byte) string {
	return udiff.Unified(name+" (original)", name+" (formatted)", string(a), string(b))
}
