package main

import (
	"fmt"

	"github.com/nctarget/nctarget"
	"github.com/spf13/cobra"
)

func newCheckCmd() *cobra.Command {
	var catalogPath string
	cmd := &cobra.Command{
		Use:   "check [FILE|-]...",
		Short: "Check rules and print diagnostics, without output",
		Long: `Check parses and compiles each rule and prints every error and warning,
with its position, the source line, a caret and a hint. Nothing is printed
for a valid rule without warnings. The exit status is 0 when every rule is
valid (warnings allowed) and 1 otherwise, so check can gate a pipeline.`,
		Example: `  nctarget check rules/*.nct
  nctarget check --catalog audiences.json campaign.nct`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				args = []string{"-"}
			}
			cat, err := loadCatalog(cmd, catalogPath)
			if err != nil {
				return err
			}
			return eachArg(cmd, args, func(_ int, arg string) error { return checkOne(cmd, arg, cat) })
		},
	}
	cmd.Flags().StringVar(&catalogPath, "catalog", "", "JSON `FILE` mapping audience names to ids")
	return cmd
}

func checkOne(cmd *cobra.Command, arg string, cat *nctarget.Catalog) error {
	in, err := readInput(cmd, arg)
	if err != nil {
		return err
	}
	req, err := nctarget.Compile(in.name, in.src, nctarget.Options{Catalog: cat})
	if err != nil {
		return report(cmd.ErrOrStderr(), err, in.src)
	}
	printWarnings(cmd.ErrOrStderr(), req.Warnings, in.src)
	return nil
}

func newVersionCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print nctarget's version and the LINE OpenAPI revision its enumerations come from",
		Args:  cobra.NoArgs,
		Run: func(cmd *cobra.Command, args []string) {
			fmt.Fprintf(cmd.OutOrStdout(), "nctarget %s\nLINE OpenAPI: %s\n", version(), nctarget.OpenAPIRevision)
		},
	}
}
