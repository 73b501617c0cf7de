// Command nctarget compiles targeting rules for LINE narrowcast messages
// into the JSON the Messaging API accepts, and previews their audiences on
// local data.
//
// Run "nctarget --help" for the commands, and see README.md for the
// language.
package main

import (
	"os"

	"github.com/spf13/cobra"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// newRootCmd builds the command tree. Every command is added here, so the
// list below is the whole CLI.
func newRootCmd() *cobra.Command {
	root := &cobra.Command{
		Use:   "nctarget",
		Short: "Compile and preview targeting rules for LINE narrowcast messages",
		Long: `nctarget compiles a readable targeting rule such as

    audience(5614991017776) and not redelivery("5b59509c-c57b-11e9-aa8c-2a2ae2dbcce4")
    where gender in (female) and age[35,40)
    limit 1000 upToRemainingQuota

into the recipient, filter and limit JSON of LINE's narrowcast API, checking
every rule the API enforces before anything is sent.

Rules are read from a file, or from standard input when the file is - or
absent. Exit status: 0 success, 1 invalid rule or data, 2 usage error.`,
		SilenceUsage:  true,
		SilenceErrors: true,
		Version:       version(),
	}
	root.Flags().BoolP("version", "v", false, "print nctarget's version (as nctarget version does)")
	root.SetVersionTemplate(versionText())
	root.AddCommand(
		newCompileCmd(),
		newCheckCmd(),
		newFmtCmd(),
		newDecompileCmd(),
		newVersionCmd(),
		newEvalCmd(),
		newGenDataCmd(),
		newIndexCmd(),
		newServeCmd(),
		newLSPCmd(),
		newDiffCmd(),
		newRepairCmd(),
		newSQLCmd(),
	)
	return root
}
