package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/nctarget/nctarget"
	"github.com/nctarget/nctarget/eval"
	"github.com/spf13/cobra"
)

// evalFlags are the options of the eval command.
type evalFlags struct {
	data, catalog, out string
	min                uint64
	jsonOut, jsonl     bool
	explain, failBelow bool
	sample             int
	noCache            bool
	cacheDir           string
	cat                *nctarget.Catalog
}

func newEvalCmd() *cobra.Command {
	var f evalFlags
	cmd := &cobra.Command{
		Use:   "eval --data DIR [FILE|-]...",
		Short: "Preview who would receive a rule, on local data",
		Long: `Eval compiles each rule and evaluates it against local data laid out as
DIR/users.csv, DIR/audiences/<audienceGroupId>.txt and
DIR/redeliveries/<requestId>.txt (each may be gzipped as .gz). Several rules
(FILEs, or directories standing for the .nct files under them) share one
load of the data and are evaluated together in one pass; each prints the
result it prints alone, in the order given.

--json prints one JSON object for a single FILE and a JSON array of them
for several FILEs or a directory. --jsonl prints one compact JSON object a
line instead, and with no FILE reads a stream of rules from standard input,
one JSON line each: {"file": NAME, "rule": SOURCE}, or just the SOURCE as a
JSON string. A rule that fails prints its diagnostics on standard error
and, in JSON, an object {"file": NAME, "errors": [{"pos", "message",
"hint"}]} in its place; eval then exits 1 after the others.

The result is the recipient count, a waterfall (friends, after the recipient
expression, after the where clause, after the limit, and how many final
recipients have every filter attribute known), the rule with each clause's
own count, a sample of recipient IDs, and warnings: a count below --min, an
audience with fewer than 50 friends (LINE errorCode 4), audience files
listing non-friends, an empty result, a filter on attributes most recipients
lack. limit keeps the first recipients in users.csv order.

An index written by "nctarget index DIR" is used when it is up to date.`,
		Example: `  nctarget eval --data examples/data examples/line-full.nct
  nctarget eval --data ./data --json --min 100 rules/*.nct
  nctarget eval --data ./data --jsonl rules/
  generate-rules | nctarget eval --data ./data --jsonl
  nctarget eval --data ./data --out recipients.txt campaign.nct`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 && !f.jsonl {
				args = []string{"-"}
			}
			return runEval(cmd, args, &f)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.data, "data", "", "data `DIR`: users.csv, audiences/, redeliveries/ (required)")
	fl.StringVar(&f.catalog, "catalog", "", "JSON `FILE` mapping audience names to ids")
	fl.Uint64Var(&f.min, "min", eval.DefaultMinimum, "warn when fewer than `N` recipients remain")
	fl.BoolVar(&f.failBelow, "fail-below", false, "exit 1 when any rule has fewer recipients than --min, for CI gates (the reports are printed as usual)")
	fl.BoolVar(&f.jsonOut, "json", false, "print the result as a JSON object, or an array of them for several rules or a directory")
	fl.BoolVar(&f.jsonl, "jsonl", false, "print one JSON object a line, one per rule; with no FILE, read rules as JSON lines from standard input")
	fl.BoolVar(&f.explain, "explain", false, "also print the simplifier's rewrites and the time taken to load, plan and evaluate, on standard error")
	fl.IntVar(&f.sample, "sample", 5, "show `K` recipient IDs, spread over the recipients")
	fl.StringVar(&f.out, "out", "", "write every recipient ID (after the limit) to `FILE`, one per line, atomically")
	fl.BoolVar(&f.noCache, "no-cache", false, "ignore the index written by nctarget index")
	cacheDirFlag(cmd, &f.cacheDir)
	cmd.MarkFlagDirname("data")
	return cmd
}

// runEval loads the data once and previews every rule.
func runEval(cmd *cobra.Command, args []string, f *evalFlags) error {
	if f.data == "" {
		return usageError{errors.New("eval needs --data DIR")}
	}
	if f.out != "" && (len(args) > 1 || f.jsonl || len(args) == 1 && isDir(args[0])) {
		return usageError{errors.New("--out takes a single rule")}
	}
	if f.sample < 0 {
		return usageError{fmt.Errorf("--sample %d: give a number of IDs ≥ 0", f.sample)}
	}
	if n := countStdin(args); n > 1 {
		return usageError{fmt.Errorf("standard input is named %d times; it can be read only once: give - at most once", n)}
	}
	var err error
	if f.cat, err = loadCatalog(cmd, f.catalog); err != nil {
		return err
	}
	start := time.Now()
	d, err := loadData(cmd, f)
	if err != nil {
		return err
	}
	defer d.Close()
	if f.explain {
		from := f.data
		if d.FromIndex() {
			from = "the index of " + f.data
		}
		fmt.Fprintf(cmd.ErrOrStderr(), "loaded %d friends from %s in %s\n", d.Len(), from, time.Since(start).Round(time.Millisecond))
	}
	return evalRules(cmd, args, d, f)
}

// loadData loads the dataset, with a progress bar on a terminal.
func loadData(cmd *cobra.Command, f *evalFlags) (*eval.Dataset, error) {
	if err := checkDataDir(f.data); err != nil {
		return nil, err
	}
	opts := eval.LoadOptions{
		Progress:        progressBar(cmd.ErrOrStderr(), "loading users.csv"),
		MembersProgress: progressBar(cmd.ErrOrStderr(), membersLabel),
	}
	if !f.noCache {
		dir, err := cacheLocation(f.cacheDir)
		if err != nil {
			return nil, err
		}
		opts.CacheDir = dir
	}
	d, err := eval.Load(f.data, opts)
	if err != nil {
		return nil, report(cmd.ErrOrStderr(), err, nil)
	}
	return d, nil
}

// cacheDirEnv names the environment variable that sets where indexes are
// kept, for eval and index alike, when --cache-dir is not given.
const cacheDirEnv = "NCTARGET_CACHE_DIR"

// cacheDirFlag adds --cache-dir, the one setting of where indexes are
// kept, to a command that writes or reads them.
func cacheDirFlag(cmd *cobra.Command, dir *string) {
	cmd.Flags().StringVar(dir, "cache-dir", "", "where indexes are kept, for index and eval alike (default: $"+cacheDirEnv+", else the user cache directory + /nctarget)")
	cmd.MarkFlagDirname("cache-dir")
}

// cacheLocation is where indexes are kept: the --cache-dir flag, else
// $NCTARGET_CACHE_DIR, else the user cache directory + /nctarget; always
// outside the data directory, which nctarget never writes to.
func cacheLocation(flag string) (string, error) {
	if flag != "" {
		return flag, nil
	}
	if env := os.Getenv(cacheDirEnv); env != "" {
		return env, nil
	}
	dir, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("no user cache directory (%v): give --cache-dir DIR or set %s", err, cacheDirEnv)
	}
	return filepath.Join(dir, "nctarget"), nil
}

// membersLabel is the label of the progress bar of audience and
// redelivery files.
const membersLabel = "loading audience and redelivery files"

// progressBar returns a progress function drawing on w, after label, when
// w is a terminal, or nil (no output) otherwise: a pipeline's standard
// error never receives it.
func progressBar(w io.Writer, label string) func(done, total int64) {
	f, ok := terminalFile(w)
	if !ok {
		return nil
	}
	const width = 30
	return func(done, total int64) {
		if total <= 0 {
			return
		}
		n := int(min(done, total) * width / total)
		fmt.Fprintf(f, "\r%s [%s%s] %3d%%", label, strings.Repeat("#", n), strings.Repeat(" ", width-n), min(done, total)*100/total)
		if done >= total {
			fmt.Fprint(f, "\r\033[K")
		}
	}
}

// writeRecipients writes the recipient IDs after the limit, one per line.
func writeRecipients(stdout io.Writer, path string, d *eval.Dataset, res *eval.Result) error {
	sel := res.Selected()
	buf := make([]byte, 0, sel.GetCardinality()*34)
	it := sel.Iterator()
	for it.HasNext() {
		buf = append(buf, d.UserID(it.Next())...)
		buf = append(buf, '\n')
	}
	return writeOutput(stdout, path, "--out", buf)
}
