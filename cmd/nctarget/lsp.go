package main

import (
	"errors"

	"github.com/nctarget/nctarget/internal/lsp"
	"github.com/spf13/cobra"
)

func newLSPCmd() *cobra.Command {
	var catalogPath string
	cmd := &cobra.Command{
		Use:   "lsp [--catalog FILE]",
		Short: "Run the language server for editors (LSP over standard input and output)",
		Long: `Lsp runs nctarget's language server: an editor starts it and speaks the
Language Server Protocol with it over standard input and output. For every
open rule it reports the diagnostics nctarget check prints, as the rule is
typed; it formats with nctarget fmt's canonical form, describes the atom
under the pointer (its meaning, its narrowcast JSON, an area's official
name and code, an audience's catalog entry), completes keywords,
attributes, values, area and catalog names and range bounds, and offers
the quick fixes the hints spell out, and gives the tokens for
highlighting. The catalog is read again when its file changes. README.md
shows how to set it up in VS Code and Neovim.

The exit status is 0 after the editor's shutdown and exit, and 1 when the
editor exits without shutting down or the stream is not LSP.`,
		Example: `  nctarget lsp
  nctarget lsp --catalog audiences.json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			cat, err := loadCatalog(cmd, catalogPath)
			if err != nil {
				return err
			}
			err = lsp.Serve(cmd.InOrStdin(), cmd.OutOrStdout(), lsp.Options{Catalog: cat, CatalogFile: catalogPath, Version: version(), Log: cmd.ErrOrStderr()})
			if errors.Is(err, lsp.ErrExitWithoutShutdown) {
				return errReported // the protocol's exit status 1, with nothing to print
			}
			return err
		},
	}
	cmd.Flags().StringVar(&catalogPath, "catalog", "", "JSON `FILE` mapping audience names to ids")
	return cmd
}
