package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime/debug"

	"github.com/nctarget/nctarget"
	"github.com/spf13/cobra"
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
	root.SetArgs(args)
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return usageError{fmt.Errorf("%w\nRun '%s --help' for usage.", err, c.CommandPath())}
	})
	err := root.Execute()
	var ue usageError
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, errReported):
		return exitInvalid
	case errors.As(err, &ue) || isCobraUsage(err):
		fmt.Fprintln(stderr, "nctarget:", err)
		return exitUsage
	}
	fmt.Fprintln(stderr, "nctarget:", err)
	return exitInvalid
}

// isCobraUsage reports whether err is one of cobra's own usage errors
// (unknown command, wrong number of arguments), which it returns untyped.
func isCobraUsage(err error) bool {
	msg := err.Error()
	for _, prefix := range []string{"unknown command", "accepts ", "requires ", "unknown flag", "unknown shorthand"} {
		if len(msg) >= len(prefix) && msg[:len(prefix)] == prefix {
			return true
		}
	}
	return false
}

// maxOneFile allows the optional FILE argument of the one-rule commands;
// more is a usage error that says what the command takes.
func maxOneFile(cmd *cobra.Command, args []string) error {
	if len(args) > 1 {
		return usageError{fmt.Errorf("%s takes one rule FILE (or - for standard input), got %d arguments\nRun '%s --help' for usage.",
			cmd.Name(), len(args), cmd.CommandPath())}
	}
	return nil
}

// input is one rule (or data) file read from the command line.
type input struct {
	name string // file name, or "<stdin>"
	src  []byte
}

// maxInputBytes is the most readInput reads: the largest input any
// command accepts (a request body for decompile). A larger or endless input
// (/dev/zero, a log piped by mistake) then fails at once instead of
// filling memory before the library's own limit rejects it.
const maxInputBytes = nctarget.MaxDecompileBytes

// readInput reads the file named by arg, or standard input for "-" or "".
// A file that cannot be opened or read is a usage error: the command line
// names it.
func readInput(cmd *cobra.Command, arg string) (input, error) {
	if arg == "" || arg == "-" {
		src, err := readLimited(cmd.InOrStdin(), "standard input")
		return input{name: "<stdin>", src: src}, err
	}
	f, err := os.Open(arg)
	if err != nil {
		return input{}, usageError{err}
	}
	defer f.Close()
	src, err := readLimited(f, arg)
	var pe *fs.PathError
	if errors.As(err, &pe) { // a directory, say: still the command line's fault
		return input{}, usageError{err}
	}
	return input{name: arg, src: src}, err
}

// readLimited reads all of r, up to maxInputBytes; name is for errors.
func readLimited(r io.Reader, name string) ([]byte, error) {
	src, err := io.ReadAll(io.LimitReader(r, maxInputBytes+1))
	switch {
	case err != nil:
		return nil, fmt.Errorf("reading %s: %w", name, err)
	case len(src) > maxInputBytes:
		return nil, fmt.Errorf("%s is over %d bytes, more than any nctarget input; a rule is at most %d bytes (Limits.MaxBytes)",
			name, maxInputBytes, nctarget.DefaultLimits.MaxBytes)
	}
	return src, nil
}

// argOrStdin returns args[0], or "-" when there is none.
func argOrStdin(args []string) string {
	if len(args) == 0 {
		return "-"
	}
	return args[0]
}

// eachArg runs fn on every argument in turn. It goes on after an argument
// whose diagnostics fn has reported (errReported), so one run reports every
// file's problems, and returns errReported at the end when there was one;
// any other error stops it at once.
func eachArg(args []string, fn func(i int, arg string) error) error {
	failed := false
	for i, arg := range args {
		if err := fn(i, arg); errors.Is(err, errReported) {
			failed = true
		} else if err != nil {
			return err
		}
	}
	if failed {
		return errReported
	}
	return nil
}

// report prints the diagnostics of err against the source they refer to
// and returns errReported, or returns err unchanged when it carries none.
func report(w io.Writer, err error, src []byte) error {
	if nctarget.Diagnostics(err) == nil {
		return err
	}
	nctarget.PrintError(w, err, src)
	return errReported
}

// printWarnings prints warning diagnostics.
func printWarnings(w io.Writer, warns []*nctarget.Diagnostic, src []byte) {
	for _, d := range warns {
		nctarget.PrintDiagnostic(w, d, src)
	}
}

// writeFileAtomic writes data to path through a temporary file in the same
// directory and a rename, so readers never see a half-written file and a
// failed write leaves the old file in place.
func writeFileAtomic(path string, data []byte) error {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	f, err := os.CreateTemp(dir, "."+base+".tmp*")
	if err != nil {
		var pe *os.PathError
		if errors.As(err, &pe) {
			err = pe.Err // the temporary file's name means nothing to the user
		}
		return fmt.Errorf("cannot write %s: %w", path, err)
	}
	tmp := f.Name()
	defer os.Remove(tmp) // a no-op once renamed
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if info, err := os.Stat(path); err == nil {
		os.Chmod(tmp, info.Mode().Perm())
	} else {
		os.Chmod(tmp, 0o644)
	}
	return os.Rename(tmp, path)
}
