package main

import (
	"fmt"
	"time"

	"github.com/nctarget/nctarget/internal/indexcache"
	"github.com/nctarget/nctarget/internal/load"
	"github.com/spf13/cobra"
)

func newIndexCmd() *cobra.Command {
	var cacheDir string
	var status bool
	cmd := &cobra.Command{
		Use:   "index DIR",
		Short: "Index a dataset so that eval starts in a fraction of a second",
		Long: `Index loads the dataset in DIR once and writes its loaded form (user IDs,
the ID table, attribute bitmaps, and a bitmap per audience and redelivery
file) to the user cache directory, never into DIR. eval then reads the index
instead of parsing text for as long as the files keep their size and
modification time; a changed file is simply parsed again. The index is kept
under --cache-dir, else $NCTARGET_CACHE_DIR, else the user cache directory
(+ /nctarget); eval looks in the same place.`,
		Example: `  nctarget index ./data && nctarget eval --data ./data rule.nct
  nctarget index --status ./data`,
		Args:              oneDir,
		ValidArgsFunction: completeDirs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkDataDir(args[0]); err != nil {
				return err
			}
			cacheDir, err := cacheLocation(cacheDir)
			if err != nil {
				return err
			}
			if status {
				s, ok, err := indexcache.Status(args[0], cacheDir)
				if err != nil {
					return err
				}
				fmt.Fprintln(cmd.OutOrStdout(), s)
				if !ok {
					return errReported // exit 1: a script can test for an index
				}
				return nil
			}
			start := time.Now()
			paths, err := indexcache.Write(args[0], cacheDir, indexcache.WriteOptions{
				Options:         load.Options{Progress: progressBar(cmd.ErrOrStderr(), "loading users.csv")},
				MembersProgress: progressBar(cmd.ErrOrStderr(), membersLabel),
			})
			if err != nil {
				return report(cmd.ErrOrStderr(), err, nil)
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "indexed %s into %d files under %s in %s\n", args[0], len(paths), cacheDir,
				time.Since(start).Round(time.Millisecond))
			return nil
		},
	}
	cacheDirFlag(cmd, &cacheDir)
	cmd.Flags().BoolVar(&status, "status", false, "only say whether DIR has an up-to-date index; exit 1 when it has none")
	return cmd
}
