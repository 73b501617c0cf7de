//go:build unix

package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// syncBuffer is a bytes.Buffer safe for the server's goroutines to write
// while the test reads it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// servedCommand is nctarget serve running in-process.
type servedCommand struct {
	URL    string
	stderr *syncBuffer
	done   chan int // the exit status, once run returns
}

var servingURL = regexp.MustCompile(`on (http://\S+/) `)

// startServe runs nctarget serve with args (and --addr 127.0.0.1:0) the
// way a user does, and returns once it prints where it listens.
func startServe(t *testing.T, args ...string) *servedCommand {
	t.Helper()
	pr, pw := io.Pipe()
	sc := &servedCommand{stderr: &syncBuffer{}, done: make(chan int, 1)}
	go func() {
		code := run(append([]string{"serve", "--addr", "127.0.0.1:0"}, args...), strings.NewReader(""), pw, sc.stderr)
		pw.Close()
		sc.done <- code
	}()
	line, err := bufio.NewReader(pr).ReadString('\n')
	go io.Copy(io.Discard, pr)
	m := servingURL.FindStringSubmatch(line)
	if m == nil {
		t.Fatalf("serve printed %q (%v), stderr:\n%s", line, err, sc.stderr.String())
	}
	sc.URL = m[1]
	t.Cleanup(func() { sc.stop(t) })
	return sc
}

// stop interrupts the server as Ctrl-C does and returns its exit status;
// a second call returns -1 at once.
func (sc *servedCommand) stop(t *testing.T) int {
	t.Helper()
	if sc.done == nil {
		return -1
	}
	if err := syscall.Kill(os.Getpid(), syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	defer func() { sc.done = nil }()
	select {
	case code := <-sc.done:
		return code
	case <-time.After(10 * time.Second):
		t.Fatal("serve did not stop within 10 s of SIGINT")
	}
	return -1
}

// dirState lists every file under dir with its size, mode and modification
// time, to tell whether anything wrote there.
func dirState(t *testing.T, dir string) string {
	t.Helper()
	var b strings.Builder
	err := filepath.Walk(dir, func(path string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		b.WriteString(path + " " + info.Mode().String() + " " + info.ModTime().String())
		if !info.IsDir() {
			b.WriteString(" " + strconv.FormatInt(info.Size(), 10))
		}
		b.WriteString("\n")
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// TestServeCommand runs nctarget serve: it answers the API, refuses a
// foreign Host, leaves the data directory as it was, and stops cleanly on
// SIGINT with exit status 0.
func TestServeCommand(t *testing.T) {
	data := filepath.Join("..", "..", "examples", "data")
	before := dirState(t, data)
	sc := startServe(t, "--data", data)

	resp, err := http.Post(sc.URL+"api/check", "application/json", strings.NewReader(`{"rule":"audience(5614991017776) where age[33,40)"}`))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), "age bound 33 is not one the API accepts") {
		t.Errorf("POST /api/check: %s %s", resp.Status, body)
	}

	req, _ := http.NewRequest("GET", sc.URL, nil)
	req.Host = "rebound.example:80"
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMisdirectedRequest {
		t.Errorf("GET with Host rebound.example: %s, want 421", resp.Status)
	}

	if code := sc.stop(t); code != exitOK {
		t.Errorf("serve exited with %d after SIGINT, want 0; stderr:\n%s", code, sc.stderr.String())
	}
	if !strings.Contains(sc.stderr.String(), "stopped") {
		t.Errorf("stderr after SIGINT = %q, want it to say the server stopped", sc.stderr.String())
	}
	if after := dirState(t, data); after != before {
		t.Errorf("the data directory changed while serving:\nbefore:\n%s\nafter:\n%s", before, after)
	}
}

func TestServeUsage(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"serve"}, "serve needs --data DIR"},
		{[]string{"serve", "--data", "../../examples/data", "--addr", "nonsense"}, "--addr nonsense"},
	}
	for _, tt := range tests {
		var stdout, stderr bytes.Buffer
		code := run(tt.args, strings.NewReader(""), &stdout, &stderr)
		if code != exitUsage || !strings.Contains(stderr.String(), tt.want) {
			t.Errorf("%v: exit %d, stderr %q; want exit %d and %q", tt.args, code, stderr.String(), exitUsage, tt.want)
		}
	}
}

// TestServeWarnsOffLoopback: listening beyond loopback prints a warning.
func TestServeWarnsOffLoopback(t *testing.T) {
	pr, pw := io.Pipe()
	stderr := &syncBuffer{}
	done := make(chan int, 1)
	go func() {
		done <- run([]string{"serve", "--data", "../../examples/data", "--addr", "0.0.0.0:0"}, strings.NewReader(""), pw, stderr)
		pw.Close()
	}()
	line, _ := bufio.NewReader(pr).ReadString('\n')
	go io.Copy(io.Discard, pr)
	if !servingURL.MatchString(line) { // not serving: no handler would catch a SIGINT
		t.Fatalf("serve printed %q, stderr:\n%s", line, stderr.String())
	}
	sc := &servedCommand{stderr: stderr, done: done}
	if code := sc.stop(t); code != exitOK {
		t.Errorf("exit %d, stdout %q, stderr %q", code, line, stderr.String())
	}
	if !strings.Contains(stderr.String(), "warning: --addr 0.0.0.0:0 is not a loopback address") {
		t.Errorf("stderr = %q, want the off-loopback warning", stderr.String())
	}
	if !strings.Contains(line, "http://localhost:") {
		t.Errorf("stdout = %q, want the address to open as localhost", line)
	}
}

// TestServeCatalog: with --catalog, rules name audiences, previews resolve
// them as nctarget eval --catalog does, and the page is told the names.
func TestServeCatalog(t *testing.T) {
	data, catalog := filepath.Join("..", "..", "examples", "data"), filepath.Join("..", "..", "examples", "catalog.json")
	sc := startServe(t, "--data", data, "--catalog", catalog)
	rule := "audience(vip) where age[35,40)"
	resp, err := http.Post(sc.URL+"api/eval", "application/json", strings.NewReader(`{"rule":"`+rule+`"}`))
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		OK     bool
		Report struct{ Count uint64 }
	}
	err = json.NewDecoder(resp.Body).Decode(&got)
	resp.Body.Close()
	if err != nil || !got.OK {
		t.Fatalf("POST /api/eval %q: ok %v, %v", rule, got.OK, err)
	}
	var stdout, stderr strings.Builder
	if code := run([]string{"eval", "--json", "--data", data, "--catalog", catalog, "-"}, strings.NewReader(rule), &stdout, &stderr); code != exitOK {
		t.Fatalf("nctarget eval: exit %d: %s", code, stderr.String())
	}
	var want struct{ Count uint64 }
	if err := json.Unmarshal([]byte(stdout.String()), &want); err != nil {
		t.Fatal(err)
	}
	if got.Report.Count != want.Count {
		t.Errorf("serve counts %d for %q, nctarget eval --catalog %d", got.Report.Count, rule, want.Count)
	}
	resp, err = http.Get(sc.URL + "api/info")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(body), `"vip"`) || !strings.Contains(string(body), `"spring sale clickers"`) {
		t.Errorf("GET /api/info = %s, want the catalog's names", body)
	}
}
