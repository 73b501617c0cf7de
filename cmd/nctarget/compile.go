package main

import (
	"fmt"
	"io"
	"os"

	"github.com/nctarget/nctarget"
	"github.com/spf13/cobra"
)

func newCompileCmd() *cobra.Command {
	var (
		catalogPath, messagesPath, outPath string
		compact, noSimplify, explain       bool
	)
	cmd := &cobra.Command{
		Use:   "compile [FILE|-]",
		Short: "Compile a rule to narrowcast JSON",
		Long: `Compile a rule to the recipient, filter and limit parts of a narrowcast
request body: {"recipient":…, "filter":{"demographic":…}, "limit":…}.
Absent parts are omitted. With --messages, the output is a complete request
body for POST /v2/bot/message/narrowcast: the file is an array of message
objects, or a whole request body (the one nctarget decompile read, say),
whose messages and notificationDisabled are carried into the output, in the
API's key order (messages, recipient, filter, limit, notificationDisabled).

The rule is simplified first (--no-simplify emits the direct translation);
--explain lists each rewrite on standard error. Output is deterministic: the
same rule always gives the same bytes.`,
		Example: `  nctarget compile examples/line-full.nct
  nctarget compile --catalog examples/catalog.json --messages msgs.json -o body.json rule.nct
  echo 'audience(5614991017776) where age >= 20' | nctarget compile --compact`,
		Args: maxOneFile,
		RunE: func(cmd *cobra.Command, args []string) error {
			in, err := readInput(cmd, argOrStdin(args))
			if err != nil {
				return err
			}
			opts := nctarget.Options{NoSimplify: noSimplify}
			if opts.Catalog, err = loadCatalog(cmd, catalogPath); err != nil {
				return err
			}
			if messagesPath != "" {
				data, err := readFlagFile(messagesPath)
				if err != nil {
					return err
				}
				d, err := nctarget.ParseDelivery(messagesPath, data)
				if err != nil {
					return report(cmd.ErrOrStderr(), err, data)
				}
				opts.Messages, opts.NotificationDisabled = d.Messages, d.NotificationDisabled
			}
			req, err := nctarget.Compile(in.name, in.src, opts)
			if err != nil {
				return report(cmd.ErrOrStderr(), err, in.src)
			}
			printWarnings(cmd.ErrOrStderr(), req.Warnings, in.src)
			if explain {
				printRewrites(cmd, req)
			}
			out := req.JSON(!compact)
			if compact {
				out = append(out, '\n')
			}
			if outPath == "" {
				outPath = "-"
			}
			return writeOutput(cmd.OutOrStdout(), outPath, "-o", out)
		},
	}
	f := cmd.Flags()
	f.StringVar(&catalogPath, "catalog", "", "JSON `FILE` mapping audience names to ids: {\"vip\": 5614991017776}")
	f.StringVar(&messagesPath, "messages", "", "JSON `FILE` with 1–5 message objects, or a request body whose messages and notificationDisabled to keep; the output becomes a full request body")
	f.StringVarP(&outPath, "output", "o", "", "write the JSON to `FILE` instead of standard output: a file is replaced atomically (through a symbolic link, its target), a device or pipe written to; - is standard output")
	f.BoolVar(&compact, "compact", false, "print compact JSON on one line")
	f.BoolVar(&noSimplify, "no-simplify", false, "emit the direct translation of the rule, without simplification")
	cmd.MarkFlagFilename("catalog", "json")
	cmd.MarkFlagFilename("messages", "json")
	f.BoolVar(&explain, "explain", false, "list each simplification applied, with its source position, on standard error")
	return cmd
}

// loadCatalog loads the catalog named by a --catalog flag, if any.
func loadCatalog(cmd *cobra.Command, path string) (*nctarget.Catalog, error) {
	if path == "" {
		return nil, nil
	}
	data, err := readFlagFile(path)
	if err != nil {
		return nil, err
	}
	cat, err := nctarget.ParseCatalog(path, data)
	if err != nil {
		return nil, report(cmd.ErrOrStderr(), err, data)
	}
	return cat, nil
}

// readFlagFile reads a file a flag names (--catalog, --messages), with
// the errors of readInput.
func readFlagFile(path string) ([]byte, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fileError(path, "cannot read", err, readAdvice(err, ""))
	}
	return data, nil
}

// printRewrites lists the simplifier's rewrites, one per line.
func printRewrites(cmd *cobra.Command, req *nctarget.Request) {
	writeRewrites(cmd.ErrOrStderr(), req)
}

// writeRewrites writes the simplifier's rewrites of req to w.
func writeRewrites(w io.Writer, req *nctarget.Request) {
	if len(req.Rewrites) == 0 {
		fmt.Fprintln(w, "no rewrites: the rule is already in simplest form")
	}
	for _, r := range req.Rewrites {
		fmt.Fprintf(w, "%s: %s: %s => %s\n", r.Pos, r.Name, r.Before, r.After)
	}
}
