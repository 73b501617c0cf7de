package main

import (
	"bytes"
	"os"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

// openPTY opens a pseudo-terminal and returns its controlling side and its
// terminal side.
func openPTY(t *testing.T) (ptmx, tty *os.File) {
	t.Helper()
	ptmx, err := os.OpenFile("/dev/ptmx", os.O_RDWR, 0)
	if err != nil {
		t.Skip("no pseudo-terminals here:", err)
	}
	t.Cleanup(func() { ptmx.Close() })
	if err := unix.IoctlSetPointerInt(int(ptmx.Fd()), unix.TIOCSPTLCK, 0); err != nil {
		t.Skip("cannot unlock a pseudo-terminal:", err)
	}
	n, err := unix.IoctlGetInt(int(ptmx.Fd()), unix.TIOCGPTN)
	if err != nil {
		t.Skip("cannot name a pseudo-terminal:", err)
	}
	tty, err = os.OpenFile("/dev/pts/"+strconv.Itoa(n), os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		t.Skip("cannot open a pseudo-terminal:", err)
	}
	t.Cleanup(func() { tty.Close() })
	return ptmx, tty
}

// TestStdinPrompt checks that a rule read from a terminal is announced on
// standard error, and that a pipe is read silently.
func TestStdinPrompt(t *testing.T) {
	ptmx, tty := openPTY(t)
	// A line, then Ctrl-D on an empty line: end of input in canonical mode.
	if _, err := ptmx.Write([]byte("audience(1) where age >= 20\n\x04")); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	code := run([]string{"check"}, tty, &stdout, &stderr)
	if code != 0 || stderr.String() != stdinPrompt+"\n" {
		t.Errorf("from a terminal: exit %d, stderr %q; want 0 and %q", code, stderr.String(), stdinPrompt)
	}
	code, _, errText := runStdin(t, "audience(1)\n", "check")
	if code != 0 || strings.Contains(errText, stdinPrompt) {
		t.Errorf("from a pipe: exit %d, stderr %q; want 0 and no prompt", code, errText)
	}
}

// TestColorAuto checks --color=auto: colour on a terminal, none when
// NO_COLOR is set, none on a pipe; always and never override it.
func TestColorAuto(t *testing.T) {
	for _, tc := range []struct {
		name    string
		args    []string
		noColor string
		want    bool
	}{
		{"terminal", nil, "", true},
		{"NO_COLOR", nil, "1", false},
		{"never", []string{"--color=never"}, "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("NO_COLOR", tc.noColor)
			ptmx, tty := openPTY(t)
			args := append([]string{"check"}, tc.args...)
			code := run(args, strings.NewReader("where age[33,40)\n"), &bytes.Buffer{}, tty)
			buf := make([]byte, 4096)
			n, _ := ptmx.Read(buf)
			got := string(buf[:n])
			if code != 1 || strings.Contains(got, "\x1b[") != tc.want || !strings.Contains(got, "age bound 33") {
				t.Errorf("exit %d, terminal got %q; want colour %v", code, got, tc.want)
			}
		})
	}
	code, _, stderr := runStdin(t, "where age[33,40)\n", "check", "--color=always")
	if code != 1 || !strings.Contains(stderr, "\x1b[1;31mage bound 33") {
		t.Errorf("--color=always on a pipe: exit %d, %q", code, stderr)
	}
	if _, _, stderr := runStdin(t, "where age[33,40)\n", "check"); strings.Contains(stderr, "\x1b") {
		t.Errorf("auto on a pipe coloured: %q", stderr)
	}
}
