package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// rulesData writes a dataset with a data warning (a friend of appType
// "others", which every report of a batch must carry as it does alone)
// and n rule files over it into
// a directory of their own, and returns the data directory, the rules'
// directory and their paths, in lexical order.
func rulesData(t *testing.T, n int) (data, rules string, paths []string) {
	t.Helper()
	r := rand.New(rand.NewPCG(7, 14))
	data, rules = t.TempDir(), t.TempDir()
	pick := func(vals ...string) string { return vals[r.IntN(len(vals))] }
	var users strings.Builder
	users.WriteString("userId,gender,age,appType,area,subscriptionPeriod\n")
	var members [3][]string
	for i := range 3000 {
		id := fmt.Sprintf("U%032x", i*7919+1)
		age, days := "", ""
		if r.IntN(5) > 0 {
			age = fmt.Sprint(r.IntN(80))
		}
		if r.IntN(5) > 0 {
			days = fmt.Sprint(r.IntN(700))
		}
		app := pick("", "ios", "android")
		if i == 1234 {
			app = "others"
		}
		fmt.Fprintf(&users, "%s,%s,%s,%s,%s,%s\n", id, pick("", "male", "female"), age, app,
			pick("", "jp_13", "jp_27", "jp_23"), days)
		for k := range members {
			if r.IntN(k+2) == 0 {
				members[k] = append(members[k], id)
			}
		}
	}
	write := func(path, text string) {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(filepath.Join(data, "users.csv"), users.String())
	for k, m := range members {
		write(filepath.Join(data, "audiences", fmt.Sprintf("%d.txt", 101+k)), strings.Join(m, "\n")+"\n")
	}
	atoms := []string{"gender in (male)", "gender in (female)", "appType in (ios)", "area in (jp_13, jp_27)",
		"age[20,30)", "age[30,)", "subscriptionPeriod[7,90)"}
	for i := range n {
		rule := fmt.Sprintf("audience(%d)", 101+r.IntN(3))
		if k := r.IntN(4); k < 3 && rule != fmt.Sprintf("audience(%d)", 101+k) {
			rule += fmt.Sprintf(" and not audience(%d)", 101+k)
		}
		rule += " where " + atoms[r.IntN(len(atoms))]
		if r.IntN(2) == 0 {
			rule += " or " + atoms[r.IntN(len(atoms))] // "and" could contradict
		}
		if r.IntN(3) == 0 {
			rule += fmt.Sprintf(" limit %d", 1+r.IntN(500))
		}
		path := filepath.Join(rules, fmt.Sprintf("r%03d.nct", i))
		write(path, rule+"\n")
		paths = append(paths, path)
	}
	return data, rules, paths
}

// alone runs eval and returns its standard output. Standard error must be
// empty: with no terminal, no progress is drawn.
func alone(t *testing.T, args ...string) string {
	t.Helper()
	code, stdout, stderr := runCLI(t, append([]string{"eval"}, args...)...)
	if code != 0 || stderr != "" {
		t.Fatalf("eval %v: exit %d: %s", args, code, stderr)
	}
	return stdout
}

// TestEvalManyRules checks that several rules, given as files, as a
// directory or as a --jsonl stream, print exactly what each prints alone:
// the same text reports apart by a blank line, a JSON array of the same
// objects, and one compact object a line.
func TestEvalManyRules(t *testing.T) {
	data, dir, paths := rulesData(t, 40)
	var text, objects, lines []string
	var stream strings.Builder
	for _, p := range paths {
		text = append(text, alone(t, "--data", data, p))
		obj := alone(t, "--json", "--data", data, p)
		objects = append(objects, obj)
		var compact bytes.Buffer
		if err := json.Compact(&compact, []byte(obj)); err != nil {
			t.Fatal(err)
		}
		lines = append(lines, compact.String()+"\n")
		src, _ := os.ReadFile(p)
		line, _ := json.Marshal(map[string]string{"file": p, "rule": string(src)})
		stream.Write(append(line, '\n'))
	}
	if got, want := alone(t, append([]string{"--data", data}, paths...)...), strings.Join(text, "\n"); got != want {
		t.Errorf("text of %d rules differs from each alone:\n%s", len(paths), firstDiff(got, want))
	}
	wantArray := "[\n  " + strings.Join(indentAll(t, objects), ",\n  ") + "\n]\n"
	if got := alone(t, "--json", "--data", data, dir); got != wantArray {
		t.Errorf("--json of a directory differs from the array of each alone:\n%s", firstDiff(got, wantArray))
	}
	if got, want := alone(t, append([]string{"--jsonl", "--data", data}, paths...)...), strings.Join(lines, ""); got != want {
		t.Errorf("--jsonl of files differs from each alone:\n%s", firstDiff(got, want))
	}
	var out, errw bytes.Buffer
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	code := run([]string{"eval", "--jsonl", "--data", data}, strings.NewReader(stream.String()), &out, &errw)
	if got, want := out.String(), strings.Join(lines, ""); code != 0 || got != want {
		t.Errorf("--jsonl on standard input: exit %d, %s; differs from each alone:\n%s", code, errw.String(), firstDiff(got, want))
	}
}

// indentAll indents JSON objects one level, as elements of an array.
func indentAll(t *testing.T, objects []string) []string {
	var out []string
	for _, o := range objects {
		var b bytes.Buffer
		if err := json.Indent(&b, []byte(strings.TrimSuffix(o, "\n")), "  ", "  "); err != nil {
			t.Fatal(err)
		}
		out = append(out, b.String())
	}
	return out
}

// firstDiff shows where got and want first differ.
func firstDiff(got, want string) string {
	i := 0
	for i < len(got) && i < len(want) && got[i] == want[i] {
		i++
	}
	from := max(0, i-200)
	return fmt.Sprintf("at byte %d:\n got …%s\nwant …%s", i, got[from:min(len(got), i+200)], want[from:min(len(want), i+200)])
}

// TestEvalJSONLErrors checks that a failing rule of a --jsonl stream has
// an error object on its line, its diagnostics on standard error and exit
// status 1, while the other lines are evaluated; and that a line that is
// not JSON says what each line must be.
func TestEvalJSONLErrors(t *testing.T) {
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	var out, errw bytes.Buffer
	in := `"audience(5614991017776)"` + "\n\n" + `{"file":"bad.nct","rule":"where age[33,40)"}` + "\n" + `"where gender in (female)"` + "\n"
	code := run([]string{"eval", "--jsonl", "--data", "../../examples/data"}, strings.NewReader(in), &out, &errw)
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if code != 1 || len(lines) != 3 {
		t.Fatalf("exit %d, %d lines; want 1 and 3:\n%s\n%s", code, len(lines), out.String(), errw.String())
	}
	var first, bad struct {
		File   string `json:"file"`
		Count  uint64 `json:"count"`
		Errors []struct {
			Pos     string `json:"pos"`
			Message string `json:"message"`
		} `json:"errors"`
	}
	if err := json.Unmarshal([]byte(lines[0]), &first); err != nil || first.File != "<stdin line 1>" || first.Count == 0 {
		t.Errorf("line 1: %v %+v", err, first)
	}
	if err := json.Unmarshal([]byte(lines[1]), &bad); err != nil || bad.File != "bad.nct" || len(bad.Errors) == 0 ||
		!strings.HasPrefix(bad.Errors[0].Pos, "bad.nct:1:") {
		t.Errorf("line 2: %v %+v", err, bad)
	}
	if !strings.Contains(errw.String(), "bad.nct:1:") {
		t.Errorf("stderr lacks the diagnostic:\n%s", errw.String())
	}
	out.Reset()
	errw.Reset()
	code = run([]string{"eval", "--jsonl", "--data", "../../examples/data"}, strings.NewReader("audience(1)\n"), &out, &errw)
	if code != 1 || !strings.Contains(errw.String(), "<stdin>:1:") || !strings.Contains(errw.String(), `{"file": NAME, "rule": SOURCE}`) {
		t.Errorf("a line that is not JSON: exit %d, %s", code, errw.String())
	}
}

// TestEvalJSONLAnswersAsItGoes checks that a program writing one rule at a
// time to eval --jsonl and waiting for each result gets it before it
// writes the next: results are not held back to fill a batch.
func TestEvalJSONLAnswersAsItGoes(t *testing.T) {
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	exit := make(chan int, 1)
	go func() {
		exit <- run([]string{"eval", "--jsonl", "--data", "../../examples/data"}, inR, outW, io.Discard)
		outW.Close()
	}()
	results := bufio.NewScanner(outR)
	for i, rule := range []string{`"audience(5614991017776)"`, `"where gender in (female)"`} {
		if _, err := io.WriteString(inW, rule+"\n"); err != nil {
			t.Fatal(err)
		}
		if !results.Scan() { // with rule i+1 still unwritten, eval must answer rule i
			t.Fatalf("no result for rule %d: %v", i+1, results.Err())
		}
		var res struct {
			File  string `json:"file"`
			Count uint64 `json:"count"`
		}
		if err := json.Unmarshal(results.Bytes(), &res); err != nil || res.File != fmt.Sprintf("<stdin line %d>", i+1) || res.Count == 0 {
			t.Errorf("result %d: %v %+v", i+1, err, res)
		}
	}
	inW.Close()
	if results.Scan() {
		t.Errorf("unexpected output: %s", results.Text())
	}
	if code := <-exit; code != 0 {
		t.Errorf("exit %d", code)
	}
}
