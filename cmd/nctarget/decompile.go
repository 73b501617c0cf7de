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

With --catalog, audience ids found in the catalog are written as names.

A request body's messages and notificationDisabled are no part of a rule:
decompile says so on standard error, and
nctarget compile --no-simplify --messages body.json rule.nct
writes the whole body again (--messages takes the body decompile read, and
keeps its messages and notificationDisabled).`,
		Example: `  nctarget decompile body.json
  nctarget decompile --catalog audiences.json body.json > rule.nct
  nctarget compile --catalog audiences.json --messages body.json rule.nct
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
// decompile therefore leaves out, and exactly how to get them back, or ""
// when there are none: a body decompiled and compiled again must not lose
// them silently. compile --messages on the same body carries its messages
// and notificationDisabled into the output; customAggregationUnits is no
// field of a narrowcast request (push and multicast have it) and nothing
// carries it.
func notCarried(in input) string {
	var body map[string]json.RawMessage
	if json.Unmarshal(in.src, &body) != nil {
		return ""
	}
	var kept []string
	for _, key := range []string{"messages", "notificationDisabled"} {
		if _, ok := body[key]; ok {
			kept = append(kept, key)
		}
	}
	_, units := body["customAggregationUnits"]
	if len(kept) == 0 && !units {
		return ""
	}
	var notes []string
	if len(kept) > 0 {
		note := fmt.Sprintf("%s: warning: %s not carried over: a rule holds only the recipient, filter and limit", in.name, strings.Join(kept, ", "))
		save, file := "", in.name // how the body becomes a file compile reads
		if in.name == stdinName {
			save, file = "save this input as BODY.json; ", "BODY.json"
		}
		with := strings.Join(kept, " and ")
		if _, ok := body["messages"]; !ok {
			save += fmt.Sprintf("a narrowcast needs messages: add them to %s; ", file)
		}
		note += fmt.Sprintf("\n    hint: %snctarget compile --messages %s RULE writes the whole body again, with its %s (with --no-simplify, the JSON given here)", save, file, with)
		notes = append(notes, note)
	}
	if units {
		notes = append(notes, fmt.Sprintf("%s: warning: customAggregationUnits not carried over: it is no field of a narrowcast request\n    hint: remove it; push and multicast requests have it, a narrowcast does not", in.name))
	}
	return strings.Join(notes, "\n")
}
