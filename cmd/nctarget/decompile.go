package main

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/nctarget/nctarget"
	"github.com/spf13/cobra"
)

func newDecompileCmd() *cobra.Command {
	var catalogPath string
	cmd := &cobra.Command{
		Use:   "decompile [FILE|-]",
		Short: "Turn narrowcast JSON back into a rule",
		Long: `Decompile reads the JSON of a narrowcast (a full request body, an object
with its "recipient", "filter" and "limit" parts, a bare recipient object,
a filter object {"demographic": …} or a bare demographic object, as LINE's
SDKs and the LINE page write them) and prints the rule that compiles to
it, in canonical form (see nctarget fmt).

The JSON is checked against every rule the API enforces on those parts; a
problem is reported with its JSON path and position, for example
body.json:3:45: $.recipient.and[0].audienceGroupId: want a number, got a string

With --catalog, audience ids found in the catalog are written as names.`,
		Example: `  nctarget decompile body.json
  nctarget decompile --catalog audiences.json body.json > rule.nct
  echo '{"type":"age","gte":"age_20"}' | nctarget decompile`,
		Args: maxOneFile,
		RunE: func(cmd *cobra.Command, args []string) error {
			in, err := readInput(cmd, argOrStdin(args))
			if err != nil {
				return err
			}
			cat, err := loadCatalog(cmd, catalogPath)
			if err != nil {
				return err
			}
			rule, err := nctarget.Decompile(in.name, in.src, cat)
			if err != nil {
				return report(cmd.ErrOrStderr(), err, in.src)
			}
			if note := notCarried(in); note != "" {
				fmt.Fprintln(cmd.ErrOrStderr(), terminalSafe(note))
			}
			_, err = cmd.OutOrStdout().Write(nctarget.Format(rule))
			return err
		},
	}
	cmd.Flags().StringVar(&catalogPath, "catalog", "", "JSON `FILE` mapping audience names to ids, used to write ids as names")
	return cmd
}

// notCarried says which parts of a request body a rule cannot hold and
// decompile therefore leaves out (messages, notificationDisabled,
// customAggregationUnits), and how to send them again, or "" when there
// are none: a body decompiled and compiled again must not lose them
// silently.
func notCarried(in input) string {
	var body map[string]json.RawMessage
	if json.Unmarshal(in.src, &body) != nil {
		return ""
	}
	var parts []string
	for _, key := range []string{"messages", "notificationDisabled", "customAggregationUnits"} {
		if _, ok := body[key]; ok {
			parts = append(parts, key)
		}
	}
	if len(parts) == 0 {
		return ""
	}
	note := fmt.Sprintf("%s: warning: %s not carried over: a rule holds only the recipient, filter and limit", in.name, strings.Join(parts, ", "))
	if _, ok := body["messages"]; ok {
		note += fmt.Sprintf("\n    hint: nctarget compile --messages %s RULE writes the body again with these messages", in.name)
		if len(parts) > 1 {
			note += "; set the other fields again by hand"
		}
	}
	return note
}
