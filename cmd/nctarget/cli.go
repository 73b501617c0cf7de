package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"runtime/debug"
	"strings"
	"syscall"
	"unicode/utf8"

	"github.com/nctarget/nctarget"
	"github.com/nctarget/nctarget/internal/termtext"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"golang.org/x/term"
)

// Exit statuses, as SPEC section 4 fixes them.
const (
	exitOK      = 0
	exitInvalid = 1 // the rule or the data is invalid
	exitUsage   = 2 // the command line is wrong
)

// usageError marks an error in how nctarget was invoked (exit status 2).
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }

// errReported means the command has already printed its diagnostics and
// only the exit status remains to be set (exit status 1).
var errReported = errors.New("invalid input (diagnostics printed)")

// run executes the command line args and returns the exit status. It is
// main without the process, so tests can run the CLI in-process.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) (code int) {
	defer func() {
		if p := recover(); p != nil {
			// SPEC section 4: no panic or stack trace reaches a user. The
			// stack is printed only when NCTARGET_DEBUG is set, for the
			// report.
			fmt.Fprintf(stderr, "nctarget: internal error: %v\nplease report this with the input that caused it (set NCTARGET_DEBUG=1 for details)\n", p)
			if os.Getenv("NCTARGET_DEBUG") != "" {
				stderr.Write(debug.Stack())
			}
			code = exitInvalid
		}
	}()
	root := newRootCmd()
	st := &runState{}
	root.SetArgs(args)
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return usageError{fmt.Errorf("%w\nRun '%s --help' for usage.", err, c.CommandPath())}
	})
	color := colorFlag("auto")
	root.PersistentFlags().Var(&color, "color", "colour diagnostics: `WHEN` is auto (on a terminal, unless NO_COLOR is set), always or never")
	root.PersistentPreRun = func(*cobra.Command, []string) {
		if color.enabled(stderr) {
			root.SetErr(colourTerminal{stderr})
		}
	}
	markRuns(root, st)
	if len(args) > 0 && strings.HasPrefix(args[0], cobra.ShellCompRequestCmd) {
		plainUsage(root)
	}
	err := root.ExecuteContext(context.WithValue(context.Background(), runStateKey{}, st))
	var ue usageError
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, errReported):
		return exitInvalid
	case errors.As(err, &ue) || !st.ran:
		// An error before any command ran is cobra's: an unknown command,
		// wrong arguments, a bad flag value. Its wording is cobra's own;
		// where it arose is what makes it a usage error.
		fmt.Fprintln(stderr, "nctarget:", terminalSafe(err.Error()))
		return exitUsage
	}
	fmt.Fprintln(stderr, "nctarget:", terminalSafe(err.Error()))
	return exitInvalid
}

// runState is what one run of the command line keeps across its commands'
// helpers: whether a command's own code started and whether standard input
// was read.
type runState struct {
	ran       bool // a command's RunE started: errors from here on are its own
	stdinRead bool // standard input was read once; a second "-" is refused
}

// runStateKey keys the runState in a command's context.
type runStateKey struct{}

// stateOf returns the run's state, or a fresh one for a command run
// outside run (never the case in the CLI, but safe).
func stateOf(cmd *cobra.Command) *runState {
	if st, ok := cmd.Context().Value(runStateKey{}).(*runState); ok {
		return st
	}
	return &runState{}
}

// markRuns wraps the RunE of c and every command under it so the run's
// state records when a command's own code starts.
func markRuns(c *cobra.Command, st *runState) {
	if runE := c.RunE; runE != nil {
		c.RunE = func(cmd *cobra.Command, args []string) error {
			st.ran = true
			return runE(cmd, args)
		}
	}
	if r := c.Run; r != nil {
		c.Run = func(cmd *cobra.Command, args []string) {
			st.ran = true
			r(cmd, args)
		}
	}
	for _, sub := range c.Commands() {
		markRuns(sub, st)
	}
}

// completeDirs completes a DIR argument with directory names only.
func completeDirs(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
	return nil, cobra.ShellCompDirectiveFilterDirs
}

// plainUsage removes pflag's backquotes (which name a flag's value in
// --help: "data `+"`DIR`"+`") from every flag's usage, for shell completion,
// which shows the usage as the flag's description as it is.
func plainUsage(c *cobra.Command) {
	strip := func(f *pflag.Flag) { f.Usage = strings.ReplaceAll(f.Usage, "`", "") }
	c.Flags().VisitAll(strip)
	c.PersistentFlags().VisitAll(strip)
	for _, sub := range c.Commands() {
		plainUsage(sub)
	}
}

// maxOneFile allows the optional FILE argument of the one-rule commands;
// more is a usage error that says what the command takes.
func maxOneFile(cmd *cobra.Command, args []string) error {
	if len(args) > 1 {
		return usageError{fmt.Errorf("%s takes one rule FILE (or - for standard input), got %d arguments; to check several rules, use nctarget check FILE...\nRun '%s --help' for usage.",
			cmd.Name(), len(args), cmd.CommandPath())}
	}
	return nil
}

// oneDir requires the single DIR argument of index and gen-data, with the
// usage line and a pointer to --help instead of cobra's "accepts 1 arg(s)".
func oneDir(cmd *cobra.Command, args []string) error {
	if len(args) != 1 {
		what := "no DIR"
		if len(args) > 1 {
			what = fmt.Sprintf("%d arguments", len(args))
		}
		return usageError{fmt.Errorf("%s takes one DIR, got %s\nUsage: %s\nRun '%s --help' for usage.",
			cmd.Name(), what, cmd.UseLine(), cmd.CommandPath())}
	}
	return nil
}

// stdinName is the name standard input goes by in messages.
const stdinName = "<stdin>"

// input is one rule (or data) file read from the command line.
type input struct {
	name string // file name, or stdinName
	src  []byte
}

// maxInputBytes is the most readInput reads: the largest input any
// command accepts (a request body for decompile). A larger or endless input
// (/dev/zero, a log piped by mistake) then fails at once instead of
// filling memory before the library's own limit rejects it.
const maxInputBytes = nctarget.MaxDecompileBytes

// stdinPrompt is said on standard error when a rule is read from a
// terminal, so a user who forgot the FILE knows why nothing happens.
const stdinPrompt = "reading rule from standard input (Ctrl-D to end)"

// readInput reads the file named by arg, or standard input for "-" or "".
// A file that cannot be opened or read is an error naming the file, the
// real cause and what to do (exit status 1).
func readInput(cmd *cobra.Command, arg string) (input, error) {
	if arg == "" || arg == "-" {
		st := stateOf(cmd)
		if st.stdinRead {
			return input{}, usageError{errors.New("standard input can be read only once: give - at most once")}
		}
		st.stdinRead = true
		if isTerminal(cmd.InOrStdin()) {
			fmt.Fprintln(cmd.ErrOrStderr(), stdinPrompt)
		}
		src, err := readLimited(cmd.InOrStdin(), "standard input")
		return input{name: stdinName, src: src}, err
	}
	f, err := os.Open(arg)
	if err != nil {
		return input{}, fileError(arg, "cannot read", err, readAdvice(err, "give - to read standard input"))
	}
	defer f.Close()
	src, err := readLimited(f, arg)
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return input{}, fileError(arg, "cannot read", err, readAdvice(err, "give - to read standard input"))
	}
	return input{name: arg, src: src}, err
}

// readAdvice says what to do about a file that cannot be read, from the
// real cause of err; alt, when not empty, is another way to give the input
// ("give - to read standard input").
func readAdvice(err error, alt string) string {
	switch {
	case errors.Is(err, fs.ErrNotExist) && alt != "":
		return "check the name, or " + alt
	case errors.Is(err, fs.ErrNotExist):
		return "check the name"
	case errors.Is(err, fs.ErrPermission):
		return "check the file's permissions"
	case errors.Is(err, syscall.EISDIR):
		return "give a file, not a directory"
	case errors.Is(err, syscall.ELOOP):
		return "the symbolic link loops: point it at a file"
	}
	return "check the file"
}

// checkDataDir checks that dir, given to --data or index, is a directory
// that can be read, and says what is wrong with it otherwise.
func checkDataDir(dir string) error {
	info, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fileError(dir, "no data directory", err, "give the directory holding users.csv, audiences/ and redeliveries/ (nctarget gen-data DIR writes one)")
	case err != nil:
		return fileError(dir, "cannot read the data directory", err, readAdvice(err, ""))
	case !info.IsDir():
		return fmt.Errorf("%s: not a directory: give the directory holding users.csv, audiences/ and redeliveries/, not a file", dir)
	}
	return nil
}

// readLimited reads all of r, up to maxInputBytes; name is for errors.
func readLimited(r io.Reader, name string) ([]byte, error) {
	src, err := io.ReadAll(io.LimitReader(r, maxInputBytes+1))
	switch {
	case err != nil:
		return nil, &fs.PathError{Op: "read", Path: name, Err: bareError(err)}
	case len(src) > maxInputBytes:
		line, col := lineColumn(src[:maxInputBytes])
		return nil, fmt.Errorf("%s:%d:%d: the input is over %d bytes, more than any nctarget input (a limit no flag raises); "+
			"a rule is at most %d bytes: give each rule a file of its own", name, line, col, maxInputBytes, nctarget.DefaultParseLimits.MaxBytes)
	}
	return src, nil
}

// lineColumn returns the line and column (in runes, from 1) of the byte
// after src, where an input that is too long is cut.
func lineColumn(src []byte) (line, col int) {
	last := bytes.LastIndexByte(src, '\n')
	return bytes.Count(src, []byte{'\n'}) + 1, utf8.RuneCount(src[last+1:]) + 1
}

// argOrStdin returns args[0], or "-" when there is none.
func argOrStdin(args []string) string {
	if len(args) == 0 {
		return "-"
	}
	return args[0]
}

// eachArg runs fn on every argument in turn. It goes on after an argument
// that failed, printing the error unless fn has reported it already
// (errReported), so one run reports every file's problems, and returns
// errReported at the end when any failed. A usage error (standard input
// named twice) stops it at once.
func eachArg(cmd *cobra.Command, args []string, fn func(i int, arg string) error) error {
	if n := countStdin(args); n > 1 {
		return usageError{fmt.Errorf("standard input is named %d times; it can be read only once: give - at most once", n)}
	}
	failed := false
	for i, arg := range args {
		err := fn(i, arg)
		var ue usageError
		switch {
		case err == nil:
		case errors.As(err, &ue):
			return err
		case errors.Is(err, errReported):
			failed = true
		default:
			fmt.Fprintln(cmd.ErrOrStderr(), "nctarget:", terminalSafe(err.Error()))
			failed = true
		}
	}
	if failed {
		return errReported
	}
	return nil
}

// countStdin counts the arguments that mean standard input.
func countStdin(args []string) int {
	n := 0
	for _, a := range args {
		if a == "-" || a == "" {
			n++
		}
	}
	return n
}

// report prints the diagnostics of err against the source they refer to
// and returns errReported, or returns err unchanged when it carries none.
// Diagnostics are coloured when w is the run's colourTerminal.
func report(w io.Writer, err error, src []byte) error {
	if nctarget.Diagnostics(err) == nil {
		return err
	}
	printerFor(w).PrintError(w, err, src)
	return errReported
}

// printWarnings prints warning diagnostics.
func printWarnings(w io.Writer, warns []*nctarget.Diagnostic, src []byte) {
	p := printerFor(w)
	for _, d := range warns {
		p.PrintDiagnostic(w, d, src)
	}
}

// colourTerminal is the standard error of a run whose diagnostics are
// coloured (--color, NO_COLOR): the stream carries the decision, so every
// command printing to cmd.ErrOrStderr() colours alike, and a buffer that
// collects a job's diagnostics for later stays plain.
type colourTerminal struct{ io.Writer }

// printerFor returns the diagnostic printer for w.
func printerFor(w io.Writer) nctarget.Printer {
	_, colour := w.(colourTerminal)
	return nctarget.Printer{Color: colour}
}

// terminalSafe escapes an error's text for standard error: file names and
// data quoted in it are user data (see termtext).
func terminalSafe(s string) string { return termtext.EscapeLines(s) }

// isTerminal reports whether r or w is a terminal.
func isTerminal(f any) bool {
	_, ok := terminalFile(f)
	return ok
}

// terminalFile returns the terminal f is, seeing through colourTerminal.
func terminalFile(f any) (*os.File, bool) {
	if c, ok := f.(colourTerminal); ok {
		f = c.Writer
	}
	file, ok := f.(*os.File)
	if !ok || !term.IsTerminal(int(file.Fd())) {
		return nil, false
	}
	return file, true
}

// colorFlag is the --color setting: auto, always or never.
type colorFlag string

func (c *colorFlag) String() string { return string(*c) }
func (c *colorFlag) Type() string   { return "WHEN" }

// Set accepts the three settings and refuses anything else (a usage error).
func (c *colorFlag) Set(s string) error {
	switch s {
	case "auto", "always", "never":
		*c = colorFlag(s)
		return nil
	}
	return fmt.Errorf("want auto, always or never, got %q", s)
}

// enabled decides colour: always, never, or (auto) when stderr is a
// terminal and NO_COLOR (no-color.org) is not set.
func (c colorFlag) enabled(stderr io.Writer) bool {
	switch c {
	case "always":
		return true
	case "never":
		return false
	}
	return os.Getenv("NO_COLOR") == "" && isTerminal(stderr)
}
