package main

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestFileErrors checks SPEC section 4's exit statuses for files named on
// the command line: a file or directory that is missing or unreadable is
// not a usage error (2) but exit 1, worded "FILE: what: why: what to do",
// the same way in every command.
func TestFileErrors(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "missing.nct")
	loop := filepath.Join(dir, "loop.nct")
	if err := os.Symlink(loop, loop); err != nil {
		t.Fatal(err)
	}
	noUsers := t.TempDir()
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"compile", []string{"compile", missing}, missing + ": cannot read: no such file or directory: check the name, or give - to read standard input"},
		{"check", []string{"check", missing}, missing + ": cannot read: no such file or directory"},
		{"fmt", []string{"fmt", missing}, missing + ": cannot read: no such file or directory"},
		{"decompile", []string{"decompile", missing}, missing + ": cannot read: no such file or directory"},
		{"eval rule", []string{"eval", "--data", "../../examples/data", missing}, missing + ": cannot read: no such file or directory"},
		{"link loop", []string{"check", loop}, loop + ": cannot read: too many levels of symbolic links: the symbolic link loops"},
		{"catalog", []string{"compile", "--catalog", missing, fullExample}, missing + ": cannot read: no such file or directory: check the name\n"},
		{"messages", []string{"compile", "--messages", missing, fullExample}, missing + ": cannot read: no such file or directory"},
		{"eval --data", []string{"eval", "--data", filepath.Join(dir, "nodata"), fullExample}, filepath.Join(dir, "nodata") + ": no data directory: no such file or directory: give the directory holding users.csv"},
		{"index", []string{"index", filepath.Join(dir, "nodata")}, filepath.Join(dir, "nodata") + ": no data directory: no such file or directory"},
		{"eval without users.csv", []string{"eval", "--data", noUsers, fullExample}, filepath.Join(noUsers, "users.csv") + ": does not exist: a data directory holds users.csv (header userId,gender,age,appType,area,subscriptionPeriod)"},
		{"index without users.csv", []string{"index", noUsers}, filepath.Join(noUsers, "users.csv") + ": does not exist"},
		{"unwritable -o", []string{"compile", "-o", filepath.Join(dir, "no", "out.json"), fullExample}, filepath.Join(dir, "no", "out.json") + ": cannot write: no such file or directory"},
		{"-o a directory", []string{"compile", "-o", dir, fullExample}, dir + ": cannot write: is a directory"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, tc.args...)
			if code != exitInvalid || stdout != "" {
				t.Errorf("exit %d, stdout %q; want 1 and nothing", code, stdout)
			}
			if !strings.Contains(stderr, tc.want) {
				t.Errorf("stderr lacks %q:\n%s", tc.want, stderr)
			}
		})
	}
}

// TestCheckGoesOn checks that check reports every file's problems even
// when one of them cannot be read, then exits 1.
func TestCheckGoesOn(t *testing.T) {
	bad := writeTemp(t, "bad.nct", "where age[33,40)\n")
	missing := filepath.Join(t.TempDir(), "missing.nct")
	code, _, stderr := runCLI(t, "check", missing, bad, fullExample)
	if code != 1 || !strings.Contains(stderr, missing+": cannot read") || !strings.Contains(stderr, bad+":1:11: age bound 33") {
		t.Errorf("exit %d, stderr:\n%s\nwant 1, the missing file and bad.nct's diagnostic", code, stderr)
	}
}

// TestDataPermissionDenied checks that an unreadable audiences/ is
// reported as unreadable, not as a missing file.
func TestDataPermissionDenied(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("running as root: permissions do not stop root from reading")
	}
	data := t.TempDir()
	if err := os.WriteFile(filepath.Join(data, "users.csv"), []byte("userId,gender,age,appType,area,subscriptionPeriod\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	aud := filepath.Join(data, "audiences")
	if err := os.Mkdir(aud, 0o000); err != nil {
		t.Fatal(err)
	}
	defer os.Chmod(aud, 0o755)
	rule := writeTemp(t, "r.nct", "audience(42)\n")
	code, _, stderr := runCLI(t, "eval", "--data", data, rule)
	if code != 1 || !strings.Contains(stderr, "cannot read "+filepath.Join(aud, "42.txt")+": permission denied") {
		t.Errorf("exit %d, stderr:\n%s\nwant permission denied, not 'does not exist'", code, stderr)
	}
}

// TestDataSymlinkLoop checks that an audience file that is a symbolic link
// loop is reported as one, not as a missing file.
func TestDataSymlinkLoop(t *testing.T) {
	data := t.TempDir()
	if err := os.WriteFile(filepath.Join(data, "users.csv"), []byte("userId,gender,age,appType,area,subscriptionPeriod\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	aud := filepath.Join(data, "audiences")
	os.Mkdir(aud, 0o755)
	link := filepath.Join(aud, "42.txt")
	if err := os.Symlink(link, link); err != nil {
		t.Fatal(err)
	}
	rule := writeTemp(t, "r.nct", "audience(42)\n")
	code, _, stderr := runCLI(t, "eval", "--data", data, rule)
	if code != 1 || !strings.Contains(stderr, "cannot read "+link+": "+syscall.ELOOP.Error()) {
		t.Errorf("exit %d, stderr:\n%s\nwant the link loop named, not 'does not exist'", code, stderr)
	}
}

// TestWriteOutput checks that -o, --out and fmt -w follow symbolic links
// and write to special files instead of replacing them.
func TestWriteOutput(t *testing.T) {
	golden := readFile(t, fullGolden)
	t.Run("dash is stdout", func(t *testing.T) {
		dir, example := t.TempDir(), filepath.Join(cwd(t), fullExample)
		t.Chdir(dir)
		code, stdout, stderr := runCLI(t, "compile", "-o", "-", example)
		if code != 0 || stdout != golden {
			t.Errorf("exit %d, stdout %q, stderr %s; want the JSON on stdout", code, stdout, stderr)
		}
		if _, err := os.Lstat(filepath.Join(dir, "-")); err == nil {
			t.Errorf("-o - created a file named -")
		}
	})
	t.Run("symlink kept, target replaced", func(t *testing.T) {
		dir := t.TempDir()
		real := filepath.Join(dir, "sub", "real.json")
		os.Mkdir(filepath.Dir(real), 0o755)
		if err := os.WriteFile(real, []byte("old"), 0o640); err != nil {
			t.Fatal(err)
		}
		link := filepath.Join(dir, "link.json")
		if err := os.Symlink(filepath.Join("sub", "real.json"), link); err != nil {
			t.Fatal(err)
		}
		if code, _, stderr := runCLI(t, "compile", "-o", link, fullExample); code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		assertLink(t, link)
		if diff := cmp.Diff(golden, readFile(t, real)); diff != "" {
			t.Errorf("the link's target (-want +got):\n%s", diff)
		}
		if info, _ := os.Stat(real); info.Mode().Perm() != 0o640 {
			t.Errorf("target mode %v, want 0640 kept", info.Mode().Perm())
		}
		if entries, _ := os.ReadDir(filepath.Dir(real)); len(entries) != 1 {
			t.Errorf("%d files beside the target, want 1 (no temporary file left)", len(entries))
		}
	})
	t.Run("dangling symlink", func(t *testing.T) {
		dir := t.TempDir()
		link := filepath.Join(dir, "link.json")
		os.Symlink("new.json", link)
		if code, _, stderr := runCLI(t, "compile", "-o", link, fullExample); code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		assertLink(t, link)
		if readFile(t, filepath.Join(dir, "new.json")) != golden {
			t.Errorf("the link's new target does not hold the JSON")
		}
	})
	t.Run("fmt -w through a link", func(t *testing.T) {
		dir := t.TempDir()
		real := filepath.Join(dir, "real.nct")
		os.WriteFile(real, []byte(messy), 0o644)
		link := filepath.Join(dir, "lnk.nct")
		os.Symlink("real.nct", link)
		if code, _, stderr := runCLI(t, "fmt", "-w", link); code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		assertLink(t, link)
		if got := readFile(t, real); got != messyFmt {
			t.Errorf("real.nct not formatted:\n%s", got)
		}
	})
	t.Run("eval --out through a link", func(t *testing.T) {
		dir := t.TempDir()
		real := filepath.Join(dir, "ids.txt")
		os.WriteFile(real, nil, 0o644)
		link := filepath.Join(dir, "out.txt")
		os.Symlink("ids.txt", link)
		if code, _, stderr := runCLI(t, "eval", "--data", "../../examples/data", "--out", link, fullExample); code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		assertLink(t, link)
		if !strings.HasPrefix(readFile(t, real), "U") {
			t.Errorf("ids.txt holds no IDs")
		}
	})
	t.Run("FIFO written, not replaced", func(t *testing.T) {
		fifo := filepath.Join(t.TempDir(), "fifo")
		if err := syscall.Mkfifo(fifo, 0o644); err != nil {
			t.Skip("no FIFOs here:", err)
		}
		got := make(chan string)
		go func() {
			data, _ := os.ReadFile(fifo)
			got <- string(data)
		}()
		if code, _, stderr := runCLI(t, "compile", "-o", fifo, fullExample); code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		if s := <-got; s != golden {
			t.Errorf("read %q from the FIFO", s)
		}
		if info, err := os.Lstat(fifo); err != nil || info.Mode()&os.ModeNamedPipe == 0 {
			t.Errorf("the FIFO was replaced: %v %v", info.Mode(), err)
		}
	})
	t.Run("/dev/null", func(t *testing.T) {
		before, err := os.Lstat("/dev/null")
		if err != nil {
			t.Skip("no /dev/null")
		}
		if code, _, stderr := runCLI(t, "compile", "-o", "/dev/null", fullExample); code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		after, err := os.Lstat("/dev/null")
		if err != nil || after.Mode() != before.Mode() {
			t.Fatalf("/dev/null changed from %v to %v", before.Mode(), after.Mode())
		}
	})
}

// assertLink fails the test when path is no longer a symbolic link.
func assertLink(t *testing.T, path string) {
	t.Helper()
	if info, err := os.Lstat(path); err != nil || info.Mode()&os.ModeSymlink == 0 {
		t.Errorf("%s is no longer a symbolic link (%v)", path, err)
	}
}

// cwd returns the test's working directory.
func cwd(t *testing.T) string {
	t.Helper()
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	return wd
}

// TestNoRawControlBytes checks that user data reaching the terminal (a
// file name, a quoted line, a string, a comment) never carries raw control
// characters, in check's diagnostics and in eval's report alike.
func TestNoRawControlBytes(t *testing.T) {
	dir := t.TempDir()
	name := filepath.Join(dir, "r\x1b[2J.nct")
	src := "audience(5614991017776) # \x1b[31mRED\x1b]0;title\x07\nwhere gender = \"\x1b[2J\" and age >= 20 \x00\n"
	if err := os.WriteFile(name, []byte(src), 0o644); err != nil {
		t.Skip("this file system refuses control characters in names:", err)
	}
	ok := filepath.Join(dir, "ok\x1b[2J.nct")
	os.WriteFile(ok, []byte("audience(5614991017776) # \x1b[31mRED\n"), 0o644)
	for _, args := range [][]string{
		{"check", name},
		{"compile", name},
		{"fmt", name},
		{"eval", "--data", "../../examples/data", name},
		{"eval", "--data", "../../examples/data", ok},
		{"check", filepath.Join(dir, "missing\x1b[2J.nct")},
	} {
		code, stdout, stderr := runCLI(t, args...)
		for _, out := range []string{stdout, stderr} {
			if i := strings.IndexFunc(out, func(r rune) bool { return r < ' ' && r != '\n' || r == 0x7f }); i >= 0 {
				t.Errorf("%q (exit %d) printed a raw control character at %d:\n%q", args, code, i, out)
			}
		}
	}
}
