package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
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
	units := writeTemp(t, "units.json", `{"customAggregationUnits":["promo"],"recipient":{"type":"audience","audienceGroupId":1}}`)
	if _, _, stderr := runStdin(t, "", "decompile", units); !strings.Contains(stderr, units+": warning: customAggregationUnits not carried over: it is no field of a narrowcast request") {
		t.Errorf("customAggregationUnits: stderr %q", stderr)
	}
	if _, _, stderr := runStdin(t, `{"notificationDisabled":true}`, "decompile"); !strings.Contains(stderr, "save this input as BODY.json; a narrowcast needs messages: add them to BODY.json; nctarget compile --messages BODY.json RULE") {
		t.Errorf("standard input without messages: stderr %q", stderr)
	}
	if _, _, stderr := runStdin(t, `{"recipient":{"type":"audience","audienceGroupId":1}}`, "decompile"); stderr != "" {
		t.Errorf("a body with nothing left out: stderr %q", stderr)
	}
}

// TestDecompileCompileFullBody checks that a request body survives the
// round trip whole: decompiled to a rule, then compiled with --messages on
// the original body, it gives the original's JSON, messages and
// notificationDisabled included, in the API's key order.
func TestDecompileCompileFullBody(t *testing.T) {
	page := strings.TrimSpace(readFile(t, "../../testdata/line/full.json"))
	for _, disabled := range []string{"true", "false"} {
		t.Run("notificationDisabled "+disabled, func(t *testing.T) {
			body := writeTemp(t, "body.json", strings.TrimSuffix(page, "}")+`, "notificationDisabled": `+disabled+"}\n")
			code, rule, stderr := runStdin(t, "", "decompile", body)
			if code != 0 {
				t.Fatalf("decompile: exit %d\n%s", code, stderr)
			}
			hint := "nctarget compile --messages " + body + " RULE writes the whole body again, with its messages and notificationDisabled"
			if !strings.Contains(stderr, hint) {
				t.Errorf("decompile's note lacks %q:\n%s", hint, stderr)
			}
			code, compiled, stderr := runStdin(t, rule, "compile", "--no-simplify", "--messages", body)
			if code != 0 {
				t.Fatalf("compile: exit %d\n%s", code, stderr)
			}
			var want, got map[string]any
			if err := json.Unmarshal([]byte(readFile(t, body)), &want); err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal([]byte(compiled), &got); err != nil {
				t.Fatalf("compile wrote invalid JSON %v:\n%s", err, compiled)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("round trip (-original +compiled):\n%s", diff)
			}
			if keys := topKeys(t, compiled); !cmp.Equal(keys, []string{"messages", "recipient", "filter", "limit", "notificationDisabled"}) {
				t.Errorf("keys %v, not in NarrowcastRequest's order", keys)
			}
		})
	}
}

// topKeys returns the keys of a JSON object, in the order written.
func topKeys(t *testing.T, doc string) []string {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(doc))
	var keys []string
	if _, err := dec.Token(); err != nil { // {
		t.Fatal(err)
	}
	for dec.More() {
		key, err := dec.Token()
		if err != nil {
			t.Fatal(err)
		}
		keys = append(keys, key.(string))
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			t.Fatal(err)
		}
	}
	return keys
}
