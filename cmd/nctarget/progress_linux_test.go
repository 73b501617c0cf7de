package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// readTerminal returns what was written to the terminal side of ptmx,
// reading until it ends with end or a second passes.
func readTerminal(t *testing.T, ptmx *os.File, end string) string {
	t.Helper()
	var got []byte
	buf := make([]byte, 4096)
	deadline := time.Now().Add(time.Second)
	for !bytes.HasSuffix(got, []byte(end)) && time.Now().Before(deadline) {
		ptmx.SetReadDeadline(deadline)
		n, err := ptmx.Read(buf)
		got = append(got, buf[:n]...)
		if err != nil {
			break
		}
	}
	return string(got)
}

// TestProgressBar checks the bar drawn on a terminal, cleared when done,
// and that a pipe or a buffer gets no progress function at all.
func TestProgressBar(t *testing.T) {
	ptmx, tty := openPTY(t)
	p := progressBar(tty, "loading x")
	if p == nil {
		t.Fatal("no progress on a terminal")
	}
	p(0, 0) // no size: nothing drawn
	p(5, 10)
	p(12, 10) // past the end: drawn full
	want := "\rloading x [###############               ]  50%" +
		"\rloading x [##############################] 100%\r\x1b[K"
	if got := readTerminal(t, ptmx, "\x1b[K"); got != want {
		t.Errorf("terminal got\n%q\nwant\n%q", got, want)
	}
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	for name, out := range map[string]any{"pipe": w, "buffer": &bytes.Buffer{}} {
		if p := progressBar(out.(interface{ Write([]byte) (int, error) }), "loading x"); p != nil {
			t.Errorf("%s: a progress function, want none", name)
		}
	}
}

// TestCommandProgress checks that index and eval show the progress of
// users.csv and of the audience and redelivery files on a terminal, and
// nothing of it on a pipeline's standard error.
func TestCommandProgress(t *testing.T) {
	rule := filepath.Join(t.TempDir(), "r.nct")
	if err := os.WriteFile(rule, []byte("audience(5614991017776) and not redelivery(\"5b59509c-c57b-11e9-aa8c-2a2ae2dbcce4\")\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cache := t.TempDir()
	for _, args := range [][]string{
		{"index", "--cache-dir", cache, "../../examples/data"},
		{"eval", "--no-cache", "--data", "../../examples/data", rule},
	} {
		ptmx, tty := openPTY(t)
		if code := run(args, strings.NewReader(""), &bytes.Buffer{}, tty); code != 0 {
			t.Fatalf("%s: exit %d", args[0], code)
		}
		tty.Close()
		got := readTerminal(t, ptmx, "never")
		for _, label := range []string{"\rloading users.csv [", "\r" + membersLabel + " [##############################] 100%\r\x1b[K"} {
			if !strings.Contains(got, label) {
				t.Errorf("%s on a terminal: no %q in %q", args[0], label, got)
			}
		}
		code, _, stderr := runStdin(t, "", args...)
		if code != 0 || strings.ContainsAny(stderr, "\r\x1b") || strings.Contains(stderr, "loading") {
			t.Errorf("%s on a pipe: exit %d, stderr %q", args[0], code, stderr)
		}
	}
}
