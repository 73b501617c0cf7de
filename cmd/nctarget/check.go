package main

import (
	"fmt"

	"github.com/nctarget/nctarget"
	"github.com/spf13/cobra"
)

func newCheckCmd() *cobra.Command {
	var catalogPath string
	format := formatFlag("text")
	cmd := &cobra.Command{
		Use:   "check [FILE|DIR|-]...",
		Short: "Check rules and print diagnostics, without output",
		Long: `Check parses and compiles each rule and prints every error and warning,
with its position, the source line, a caret and a hint. Nothing is printed
for a valid rule without warnings. The exit status is 0 when every rule is
valid (warnings allowed) and 1 otherwise, so check can gate a pipeline.
A DIR stands for every .nct file under it. Every file is checked, even
after one that cannot be read.

--format json prints one JSON array on standard output, of objects
{"file", "line", "column", "endLine", "endColumn", "severity", "message",
"hint"} (line and column from 1, columns in characters); --format github
prints GitHub Actions annotations (::error file=…,line=…,col=…::message).`,
		Example: `  nctarget check rules/*.nct
  nctarget check rules/
  nctarget check --catalog audiences.json campaign.nct
  nctarget check --format github rules/    # in a GitHub Actions step`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				args = []string{"-"}
			}
			cat, err := loadCatalog(cmd, catalogPath)
			if err != nil {
				return err
			}
			files, err := ruleArgs(args)
			if err != nil {
				return err
			}
			var found []*nctarget.Diagnostic
			err = eachArg(cmd, files, func(_ int, arg string) error {
				ds, err := checkOne(cmd, arg, cat, format)
				found = append(found, ds...)
				return err
			})
			if werr := writeFindings(cmd.OutOrStdout(), format, found); werr != nil {
				return werr
			}
			return err
		},
	}
	cmd.Flags().StringVar(&catalogPath, "catalog", "", "JSON `FILE` mapping audience names to ids")
	cmd.Flags().Var(&format, "format", "how to print diagnostics: `FORMAT` is text (on standard error), json or github (on standard output)")
	return cmd
}

// checkOne checks one rule. With the text format it prints the
// diagnostics; otherwise it returns them for writeFindings.
func checkOne(cmd *cobra.Command, arg string, cat *nctarget.Catalog, format formatFlag) ([]*nctarget.Diagnostic, error) {
	in, err := readInput(cmd, arg)
	if err != nil {
		return nil, err
	}
	req, err := nctarget.Compile(in.name, in.src, nctarget.Options{Catalog: cat})
	if format != "text" {
		ds := nctarget.Diagnostics(err)
		if err != nil && ds == nil {
			return nil, err
		}
		if err == nil {
			ds = req.Warnings
		}
		if err != nil {
			err = errReported
		}
		return ds, err
	}
	if err != nil {
		return nil, report(cmd.ErrOrStderr(), err, in.src)
	}
	printWarnings(cmd.ErrOrStderr(), req.Warnings, in.src)
	return nil, nil
}

func newVersionCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print nctarget's version and the LINE OpenAPI revision its enumerations come from",
		Args:  cobra.NoArgs,
		Run: func(cmd *cobra.Command, args []string) {
			fmt.Fprint(cmd.OutOrStdout(), versionText())
		},
	}
}

// versionText is what nctarget version and nctarget --version print.
func versionText() string {
	return fmt.Sprintf("nctarget %s\nLINE OpenAPI: %s\n", version(), nctarget.OpenAPIRevision)
}
