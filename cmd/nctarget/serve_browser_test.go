//go:build unix

package main

import (
	"context"
	"encoding/json"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

var screenshotFlag = flag.String("screenshot", "", "TestServeBrowser also writes its screenshot of the preview to `FILE` (make the README's docs/workbench.png with -screenshot ../../docs/workbench.png)")

// findBrowser returns the Chromium to drive: $NCTARGET_CHROME, or the
// first of Debian's and others' names on PATH.
func findBrowser() string {
	if p := os.Getenv("NCTARGET_CHROME"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "headless-shell"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// artifactDir is where browser tests leave screenshots for people to look
// at: $NCTARGET_ARTIFACTS, or nctarget-artifacts in the temporary
// directory.
func artifactDir(t *testing.T) string {
	dir := os.Getenv("NCTARGET_ARTIFACTS")
	if dir == "" {
		dir = filepath.Join(os.TempDir(), "nctarget-artifacts")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// browser starts a headless Chromium for the test.
func browser(t *testing.T) context.Context {
	t.Helper()
	path := findBrowser()
	if path == "" {
		if os.Getenv("CI") != "" {
			t.Fatal("no Chromium found (chromium, chromium-browser, google-chrome or $NCTARGET_CHROME) and CI is set: .ci/run installs chromium")
		}
		t.Skip("SKIP: no Chromium found (install Debian's chromium, or set NCTARGET_CHROME); the browser test runs in CI")
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.Flag("headless", true),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("hide-scrollbars", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1400, 1000),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	bctx, cancelBrowser := chromedp.NewContext(actx)
	// The first action starts the browser, which lives as long as that
	// action's context: start it without the timeout, then bound the test.
	if err := chromedp.Do(bctx); err != nil {
		cancelBrowser()
		cancelAlloc()
		t.Fatalf("starting %s: %v", path, err)
	}
	ctx, cancelTimeout := context.WithTimeout(bctx, 90*time.Second)
	t.Cleanup(func() {
		cancelTimeout()
		cancelBrowser()
		cancelAlloc()
	})
	return ctx
}

// TestServeBrowser is the workbench as a user meets it: nctarget serve on
// the example data, a real (headless) Chromium typing a rule with an
// unaligned age bound, the error shown inline, the quick fix applied, and
// the live preview, checked against nctarget check and nctarget eval
// --json on the same data.
func TestServeBrowser(t *testing.T) {
	ctx := browser(t)
	data := filepath.Join("..", "..", "examples", "data")
	sc := startServe(t, "--data", data)

	const bad = "audience(5614991017776) where age[33,40)"
	const fixed = "audience(5614991017776) where age[35,40)"
	typed := time.Now()
	err := chromedp.Do(ctx,
		chromedp.Navigate(sc.URL),
		chromedp.WaitVisible(chromedp.CSS(`body[data-state="empty"]`)),
		chromedp.SendKeys(chromedp.CSS("#src"), bad),
		chromedp.Func(func(context.Context, *chromedp.Target) error { typed = time.Now(); return nil }),
		chromedp.WaitVisible(chromedp.CSS(`body[data-state="invalid"] #diagnostics[data-rule="`+bad+`"] li.diag`)),
	)
	if err != nil {
		t.Fatalf("typing %q: %v\nserver stderr:\n%s", bad, err, sc.stderr.String())
	}
	t.Logf("the error showed %s after the last keystroke", time.Since(typed).Round(time.Millisecond))
	diagPos := text(t, ctx, "#diagnostics li.diag .pos")
	diagMsg := text(t, ctx, "#diagnostics li.diag .msg")
	squiggled := text(t, ctx, "#highlight .sq-error")
	shoot(t, ctx, "workbench-error.png", "")

	// What nctarget check says about the same rule.
	var stdout, stderr strings.Builder
	if code := run([]string{"check", "-"}, strings.NewReader(bad), &stdout, &stderr); code != exitInvalid {
		t.Fatalf("nctarget check: exit %d, want %d", code, exitInvalid)
	}
	first, _, _ := strings.Cut(stderr.String(), "\n") // <stdin>:1:35: age bound 33 is not one the API accepts
	wantPos, wantMsg, _ := strings.Cut(strings.TrimPrefix(first, "<stdin>"), ": ")
	if !strings.HasSuffix(diagPos, wantPos) || diagMsg != "error: "+wantMsg {
		t.Errorf("the page shows %q %q, nctarget check %q", diagPos, diagMsg, first)
	}
	if squiggled != "33" {
		t.Errorf("the squiggle is under %q, want 33", squiggled)
	}

	err = chromedp.Do(ctx,
		chromedp.Click(`//button[text()="replace 33 with 35"]`),
		chromedp.WaitVisible(chromedp.CSS(`body[data-state="ready"] #count[data-rule="`+fixed+`"]`)),
	)
	if err != nil {
		t.Fatalf("applying the quick fix: %v\nserver stderr:\n%s", err, sc.stderr.String())
	}
	count, allKnown := text(t, ctx, "#count"), text(t, ctx, "#allknown")
	waterfall, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll("#waterfall .n")].map(e => e.textContent)`))
	if err != nil {
		t.Fatal(err)
	}
	lenses, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll("#highlight .lens-count")].map(e => e.textContent)`))
	if err != nil {
		t.Fatal(err)
	}
	shoot(t, ctx, "workbench-preview.png", *screenshotFlag)

	// The URL carries the rule: opening it again shows the same preview.
	link, err := chromedp.Run(ctx, chromedp.Evaluate[string](`location.href`))
	if err != nil {
		t.Fatal(err)
	}
	err = chromedp.Do(ctx,
		chromedp.Navigate("about:blank"),
		chromedp.Navigate(link),
		chromedp.WaitVisible(chromedp.CSS(`body[data-state="ready"] #count[data-rule="`+fixed+`"]`)),
	)
	if err != nil {
		t.Fatalf("opening the shared link %s: %v", link, err)
	}
	if again := text(t, ctx, "#count"); again != count {
		t.Errorf("the shared link shows %s recipients, the page showed %s", again, count)
	}

	// What nctarget eval --json computes on the same data.
	stdout.Reset()
	stderr.Reset()
	if code := run([]string{"eval", "--json", "--data", data, "-"}, strings.NewReader(fixed), &stdout, &stderr); code != exitOK {
		t.Fatalf("nctarget eval: exit %d: %s", code, stderr.String())
	}
	var want struct {
		Nodes []struct {
			Clause string
			Depth  int
			Count  uint64
		}
		Count     uint64
		Waterfall struct {
			Friends, AfterRecipient, AfterFilter uint64
			AllKnown                             uint64 `json:"allFilterAttributesKnown"`
		}
	}
	if err := json.Unmarshal([]byte(stdout.String()), &want); err != nil {
		t.Fatal(err)
	}
	if got := number(t, count); got != want.Count {
		t.Errorf("the page shows %d recipients, nctarget eval --json %d", got, want.Count)
	}
	wf := want.Waterfall
	wantSteps := []uint64{wf.Friends, wf.AfterRecipient, wf.AfterFilter}
	if len(waterfall) != len(wantSteps) {
		t.Fatalf("the page's waterfall is %q, want %d steps", waterfall, len(wantSteps))
	}
	for i, s := range waterfall {
		if number(t, s) != wantSteps[i] {
			t.Errorf("waterfall step %d: the page shows %s, nctarget eval --json %d", i, s, wantSteps[i])
		}
	}
	var wantLenses []string // each clause's count, beside it in the editor
	for _, n := range want.Nodes {
		if n.Depth == 0 {
			prefix := ""
			if n.Clause == "where" {
				prefix = "where: "
			}
			wantLenses = append(wantLenses, prefix+formatThousands(n.Count)+" friends")
		}
	}
	if strings.Join(lenses, "|") != strings.Join(wantLenses, "|") {
		t.Errorf("the editor shows the clause counts %q, nctarget eval --json %q", lenses, wantLenses)
	}
	if !strings.HasPrefix(allKnown, formatThousands(wf.AllKnown)+" of ") {
		t.Errorf("the page says %q, nctarget eval --json %d with every filter attribute known", allKnown, wf.AllKnown)
	}
}

// shoot saves a screenshot of the whole page as the artifact name, and
// also to also when it is not empty.
func shoot(t *testing.T, ctx context.Context, name, also string) {
	t.Helper()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	for _, path := range []string{filepath.Join(artifactDir(t), name), also} {
		if path == "" {
			continue
		}
		if err := os.WriteFile(path, png, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("screenshot: %s", path)
	}
}

// text returns the text of the first element matching the CSS selector.
func text(t *testing.T, ctx context.Context, selector string) string {
	t.Helper()
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(selector)))
	if err != nil {
		t.Fatalf("reading %s: %v", selector, err)
	}
	return s
}

// number reads a count as the page prints it (3,000).
func number(t *testing.T, s string) uint64 {
	t.Helper()
	n, err := strconv.ParseUint(strings.ReplaceAll(strings.TrimSpace(s), ",", ""), 10, 64)
	if err != nil {
		t.Fatalf("the page shows %q where a count belongs", s)
	}
	return n
}

// formatThousands prints n as the page does, with commas.
func formatThousands(n uint64) string {
	s := strconv.FormatUint(n, 10)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// TestServeBrowserCompletion: typing offers completions from the
// language server's engine, Enter takes one, and hovering an atom shows
// what it means.
func TestServeBrowserCompletion(t *testing.T) {
	ctx := browser(t)
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	sc := startServe(t, "--data", filepath.Join("..", "..", "examples", "data"))
	err := chromedp.Do(ctx,
		chromedp.Navigate(sc.URL),
		chromedp.WaitVisible(chromedp.CSS(`body[data-state="empty"]`)),
		chromedp.SendKeys(chromedp.CSS("#src"), "audience(5614991017776) where ag"),
		chromedp.WaitVisible(`//ul[@id="complete"]/li[1][span="age"]`),
		// A key press without the character event SendKeys adds (which
		// would insert a newline whatever the page does with the key).
		chromedp.Evaluate[chromedp.Void](`document.getElementById("src").dispatchEvent(new KeyboardEvent("keydown", {key: "Enter", bubbles: true, cancelable: true}))`),
	)
	if err != nil {
		t.Fatalf("completing: %v\nserver stderr:\n%s", err, sc.stderr.String())
	}
	got, err := chromedp.Run(ctx, chromedp.Value(chromedp.CSS("#src")))
	if err != nil {
		t.Fatal(err)
	}
	if got != "audience(5614991017776) where age" {
		t.Errorf("after Enter the rule is %q, want the completion age taken", got)
	}
	// Hover the 5 of the audience id (the rule's 10th character) of a rule
	// that parses.
	err = chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.CSS("#src"), "[35,40)"),
		chromedp.WaitVisible(chromedp.CSS(`body[data-state="ready"]`)),
		chromedp.Evaluate[chromedp.Void](`(() => {
			const src = document.getElementById("src"), r = src.getBoundingClientRect(), cs = getComputedStyle(src);
			const m = document.createElement("canvas").getContext("2d");
			m.font = cs.fontSize + " " + cs.fontFamily;
			const x = r.left + parseFloat(cs.paddingLeft) + m.measureText("audience(5").width - 2;
			const y = r.top + parseFloat(cs.paddingTop) + parseFloat(cs.lineHeight) / 2;
			src.dispatchEvent(new MouseEvent("mousemove", {clientX: x, clientY: y, bubbles: true}));
		})()`),
		chromedp.WaitVisible(chromedp.CSS("#hover:not([hidden])")),
	)
	if err != nil {
		t.Fatalf("hovering: %v", err)
	}
	if h := text(t, ctx, "#hover"); !strings.Contains(h, "5614991017776") || !strings.Contains(h, `"audienceGroupId"`) {
		t.Errorf("the hover says %q, want the audience and its JSON", h)
	}
	shoot(t, ctx, "workbench-hover.png", "")
}
