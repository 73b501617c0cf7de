package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// runStdin runs nctarget in-process with stdin as standard input and
// returns the exit status, standard output and standard error.
func runStdin(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errw bytes.Buffer
	code := run(args, strings.NewReader(stdin), &out, &errw)
	return code, out.String(), errw.String()
}

// readFile returns a file's contents, failing the test if it cannot.
func readFile(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// writeTemp writes a file into a fresh temporary directory and returns
// its path.
func writeTemp(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

const (
	fullExample = "../../examples/line-full.nct"
	fullGolden  = "../../testdata/compile/line-full.json" // the library's golden output for it
	oneMessage  = `[{"type":"text","text":"Hello"}]`
)

func TestCompileCommand(t *testing.T) {
	golden := readFile(t, fullGolden)
	var compact bytes.Buffer
	if err := json.Compact(&compact, []byte(golden)); err != nil {
		t.Fatal(err)
	}
	src := readFile(t, fullExample)
	for _, tc := range []struct {
		name  string
		stdin string
		args  []string
		want  string
	}{
		{"file", "", []string{"compile", fullExample}, golden},
		{"stdin without argument", src, []string{"compile"}, golden},
		{"stdin as -", src, []string{"compile", "-"}, golden},
		{"compact", "", []string{"compile", "--compact", fullExample}, compact.String() + "\n"},
		{"catalog", "", []string{"compile", "--catalog", "../../examples/catalog.json", "../../examples/catalog-rule.nct"},
			readFile(t, "../../testdata/compile/catalog-rule.json")},
		{"no simplify", "where age >= 20 and age < 30", []string{"compile", "--no-simplify", "--compact"},
			`{"filter":{"demographic":{"type":"operator","and":[{"type":"age","gte":"age_20"},{"type":"age","lt":"age_30"}]}}}` + "\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := runStdin(t, tc.stdin, tc.args...)
			if code != 0 {
				t.Fatalf("exit %d, want 0; stderr:\n%s", code, stderr)
			}
			if diff := cmp.Diff(tc.want, stdout); diff != "" {
				t.Errorf("stdout (-want +got):\n%s", diff)
			}
			if stderr != "" {
				t.Errorf("unexpected stderr:\n%s", stderr)
			}
		})
	}
}

func TestCompileMessages(t *testing.T) {
	msgs := writeTemp(t, "msgs.json", oneMessage)
	code, stdout, stderr := runStdin(t, "", "compile", "--compact", "--messages", msgs, fullExample)
	if code != 0 {
		t.Fatalf("exit %d; stderr:\n%s", code, stderr)
	}
	golden := readFile(t, fullGolden)
	var body, parts map[string]any
	if err := json.Unmarshal([]byte(stdout), &body); err != nil {
		t.Fatalf("invalid JSON %v:\n%s", err, stdout)
	}
	if err := json.Unmarshal([]byte(golden), &parts); err != nil {
		t.Fatal(err)
	}
	parts["messages"] = []any{map[string]any{"type": "text", "text": "Hello"}}
	if diff := cmp.Diff(parts, body); diff != "" {
		t.Errorf("full body (-want +got):\n%s", diff)
	}
	if !strings.HasPrefix(stdout, `{"messages":[{"type":"text","text":"Hello"}],"recipient":`) {
		t.Errorf("messages do not come first:\n%s", stdout)
	}
	wrapped := writeTemp(t, "body.json", `{"messages":`+oneMessage+`,"notificationDisabled":true}`)
	withNotification := strings.TrimSuffix(stdout, "}\n") + `,"notificationDisabled":true}` + "\n"
	if code, stdout2, stderr := runStdin(t, "", "compile", "--compact", "--messages", wrapped, fullExample); code != 0 || stdout2 != withNotification {
		t.Errorf("a request body as --messages: exit %d, stdout\n%s\nwant\n%s\nstderr: %s", code, stdout2, withNotification, stderr)
	}
}

func TestCompileMessagesRejected(t *testing.T) {
	six := "[" + strings.TrimSuffix(strings.Repeat(`{"type":"text","text":"a"},`, 6), ",") + "]"
	for _, tc := range []struct {
		name, content, want string
	}{
		{"zero", "[]", "m.json:1:1: 0 messages given"},
		{"six", six, "m.json:1:1: 6 messages given"},
		{"not JSON", "[{]", "m.json:1:3: invalid character ']'"},
		{"not a message", `[{"text":"no type"}]`, `m.json:1:2: $[0]: the message has no "type"`},
		{"bogus type", `[{"type":"bogus"}]`, `m.json:1:10: $[0].type: "bogus" is not a message type`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := writeTemp(t, "m.json", tc.content)
			code, stdout, stderr := runStdin(t, "", "compile", "--messages", path, fullExample)
			if code != 1 || stdout != "" {
				t.Errorf("exit %d with stdout %q, want 1 and nothing", code, stdout)
			}
			if !strings.Contains(stderr, filepath.Dir(path)+string(filepath.Separator)+tc.want) {
				t.Errorf("stderr lacks %q:\n%s", tc.want, stderr)
			}
			if !strings.Contains(stderr, "hint: ") {
				t.Errorf("stderr has no hint:\n%s", stderr)
			}
		})
	}
}

func TestCompileOutput(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "body.json")
	if err := os.WriteFile(out, []byte("old contents"), 0o600); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := runStdin(t, "", "compile", "-o", out, fullExample)
	if code != 0 || stdout != "" {
		t.Fatalf("exit %d, stdout %q, stderr %s; want 0 and nothing on stdout", code, stdout, stderr)
	}
	if diff := cmp.Diff(readFile(t, fullGolden), readFile(t, out)); diff != "" {
		t.Errorf("-o file (-want +got):\n%s", diff)
	}
	if info, err := os.Stat(out); err != nil || info.Mode().Perm() != 0o600 {
		t.Errorf("-o file mode = %v (%v), want the old file's 0600 kept", info.Mode().Perm(), err)
	}
	// An invalid rule leaves the old file alone.
	if code, _, _ := runStdin(t, "where age[33,40)", "compile", "-o", out); code != 1 {
		t.Errorf("invalid rule: exit %d, want 1", code)
	}
	if diff := cmp.Diff(readFile(t, fullGolden), readFile(t, out)); diff != "" {
		t.Errorf("an invalid rule changed the -o file (-want +got):\n%s", diff)
	}
	entries, err := os.ReadDir(dir)
	if err != nil || len(entries) != 1 {
		t.Errorf("directory holds %d entries (%v), want only body.json: no temporary files left", len(entries), err)
	}
	code, _, stderr = runStdin(t, "audience(1)", "compile", "-o", filepath.Join(dir, "no", "such", "dir.json"))
	if code != 1 || !strings.Contains(stderr, filepath.Join(dir, "no", "such", "dir.json")+": cannot write: no such file or directory") || strings.Contains(stderr, ".tmp") {
		t.Errorf("unwritable -o: exit %d, stderr %q; want 1 and the path named, not the temporary file", code, stderr)
	}
}

func TestCompileInvalid(t *testing.T) {
	code, stdout, stderr := runStdin(t, "audience(5614991017776)\nwhere age[33,40) and gendr in (male)", "compile")
	if code != 1 || stdout != "" {
		t.Errorf("exit %d, stdout %q; want 1 and nothing", code, stdout)
	}
	want := "<stdin>:2:11: age bound 33 is not one the API accepts\n" +
		"    where age[33,40) and gendr in (male)\n" +
		"              ^^\n" +
		"    hint: the nearest valid bounds are 30 and 35\n" +
		"<stdin>:2:22: unknown attribute \"gendr\"\n" +
		"    where age[33,40) and gendr in (male)\n" +
		"                         ^^^^^\n" +
		"    hint: did you mean gender?\n"
	if diff := cmp.Diff(want, stderr); diff != "" {
		t.Errorf("stderr (-want +got):\n%s", diff)
	}
}

func TestCompileCatalogErrors(t *testing.T) {
	for _, tc := range []struct {
		name    string
		catalog string // contents; "" for a path that does not exist
		code    int
		want    string
	}{
		{"missing file", "", 1, "cat.json: cannot read: no such file or directory: check the name\n"},
		{"not JSON", "{", 1, "cat.json:1:2: unexpected end of JSON input"},
		{"bad entry", `{"vip": "x"}`, 1, `cat.json:1:9: catalog entry "vip"`},
		{"unknown name", `{"vpi": 1}`, 1, `<stdin>:1:1: audience "vip" is not in the catalog`},
		{"entry without id", `{"vip": {"status": "READY"}}`, 1, `catalog entry "vip" has no audienceGroupId`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "cat.json")
			if tc.catalog != "" {
				path = writeTemp(t, "cat.json", tc.catalog)
			}
			code, stdout, stderr := runStdin(t, "audience(vip)", "compile", "--catalog", path)
			if code != tc.code || stdout != "" || !strings.Contains(stderr, tc.want) {
				t.Errorf("exit %d, stdout %q, stderr:\n%s\nwant exit %d and %q", code, stdout, stderr, tc.code, tc.want)
			}
		})
	}
}
