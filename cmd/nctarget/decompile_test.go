package main

import (
	"strings"
	"testing"
)

func TestDecompileCommand(t *testing.T) {
	body := "../../testdata/line/full.json"
	bad := writeTemp(t, "bad.json", `{"recipient": {"type": "audience", "audienceGroupId": "1"}}`)
	catalog := writeTemp(t, "catalog.json", `{"vip": 5614991017776}`)
	for _, tc := range []struct {
		name, stdin string
		args        []string
		code        int
		stdout      string // exact
		stderr      string // a substring; "" means stderr must be empty
	}{
		{"page body", "", []string{"decompile", body}, 0, readFile(t, "../../testdata/decompile/line-full.golden"), body + ": warning: messages not carried over"},
		{"stdin", `{"type":"age","gte":"age_20"}`, []string{"decompile"}, 0, "where age[20,)\n", ""},
		{"catalog", `{"type":"audience","audienceGroupId":5614991017776}`, []string{"decompile", "--catalog", catalog, "-"}, 0, "audience(vip)\n", ""},
		{"invalid", "", []string{"decompile", bad}, 1, "", bad + `:1:55: $.recipient.audienceGroupId: want a number, got a string`},
		{"not JSON", "audience(1)", []string{"decompile"}, 1, "", "<stdin>:1:1: invalid character 'a' looking for beginning of value"},
		{"two files", "", []string{"decompile", body, body}, 2, "", "decompile takes one rule FILE"},
		{"missing file", "", []string{"decompile", "no-such.json"}, 1, "", "no-such.json: cannot read: no such file or directory"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := runStdin(t, tc.stdin, tc.args...)
			if code != tc.code {
				t.Errorf("exit %d, want %d; stderr:\n%s", code, tc.code, stderr)
			}
			if stdout != tc.stdout {
				t.Errorf("stdout\n%s\nwant\n%s", stdout, tc.stdout)
			}
			if (tc.stderr == "") != (stderr == "") || !strings.Contains(stderr, tc.stderr) {
				t.Errorf("stderr %q, want %q", stderr, tc.stderr)
			}
		})
	}
}

// TestDecompileCompileRoundTrip pipes compile into decompile and back.
func TestDecompileCompileRoundTrip(t *testing.T) {
	code, compiled, stderr := runStdin(t, "", "compile", "../../examples/redundant.nct")
	if code != 0 {
		t.Fatalf("compile: exit %d\n%s", code, stderr)
	}
	code, rule, stderr := runStdin(t, compiled, "decompile")
	if code != 0 {
		t.Fatalf("decompile: exit %d\n%s", code, stderr)
	}
	code, again, stderr := runStdin(t, rule, "compile")
	if code != 0 {
		t.Fatalf("compile of the decompiled rule: exit %d\n%s", code, stderr)
	}
	if again != compiled {
		t.Errorf("round trip changes the JSON:\n%s\nthen\n%s", compiled, again)
	}
}

// TestDecompileNotCarried checks that decompile says on stderr which parts
// of a request body a rule cannot hold, instead of dropping them silently.
func TestDecompileNotCarried(t *testing.T) {
	body := writeTemp(t, "body.json", `{"messages":[{"type":"text","text":"hi"}],"notificationDisabled":true,"recipient":{"type":"audience","audienceGroupId":1}}`)
	code, stdout, stderr := runStdin(t, "", "decompile", body)
	if code != 0 || stdout != "audience(1)\n" {
		t.Fatalf("exit %d, stdout %q", code, stdout)
	}
	for _, want := range []string{body + ": warning: messages, notificationDisabled not carried over", "nctarget compile --messages " + body + " RULE"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
	if _, _, stderr := runStdin(t, `{"recipient":{"type":"audience","audienceGroupId":1}}`, "decompile"); stderr != "" {
		t.Errorf("a body with nothing left out: stderr %q", stderr)
	}
}
