package main

import (
	"errors"
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
modification time; a changed file is simply parsed again.`,
		Example: `  nctarget index ./data && nctarget eval --data ./data rule.nct
  nctarget index --status ./data`,
		Args:              oneDir,
		ValidArgsFunction: completeDirs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkDataDir(args[0]); err != nil {
				return err
			}
			if cacheDir == "" {
				if cacheDir = defaultCacheDir(); cacheDir == "" {
					return usageError{errors.New("no user cache directory: give --cache-dir")}
				}
			}
			if status {
				s, err := indexcache.Status(args[0], cacheDir)
				if err != nil {
					return err
				}
				fmt.Fprintln(cmd.OutOrStdout(), s)
				return nil
			}
			start := time.Now()
			paths, err := indexcache.Write(args[0], cacheDir, load.Options{Progress: progressBar(cmd.ErrOrStderr(), "loading users.csv")})
			if err != nil {
				return report(cmd.ErrOrStderr(), err, nil)
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "indexed %s into %d files under %s in %s\n", args[0], len(paths), cacheDir,
				time.Since(start).Round(time.Millisecond))
			return nil
		},
	}
	cmd.Flags().StringVar(&cacheDir, "cache-dir", "", "where to keep indexes (default: the user cache directory + /nctarget)")
	cmd.Flags().BoolVar(&status, "status", false, "only say whether DIR has an up-to-date index")
	return cmd
}
