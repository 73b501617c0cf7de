package nctarget

import (
	"bytes"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nctarget/nctarget/internal/golden"
)

// TestDecompileGolden decompiles every testdata/decompile/NAME.json (with
// NAME.catalog.json beside it, if any) and compares the formatted rule
// with NAME.golden, or, for inputs that must be rejected (err-*), the
// rendered diagnostics with NAME.err. go test -update rewrites them.
func TestDecompileGolden(t *testing.T) {
	files := golden.Cases(t, "testdata/decompile/*.json")
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".json")
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			rule, err := Decompile(f, data, catalogFor(t, strings.TrimSuffix(f, ".json")+".nct"))
			base := strings.TrimSuffix(f, ".json")
			if strings.HasPrefix(name, "err-") {
				if err == nil {
					t.Fatalf("Decompile accepted %s:\n%s", f, Format(rule))
				}
				var b bytes.Buffer
				PrintError(&b, err, data)
				golden.Check(t, base+".err", b.Bytes())
				return
			}
			if err != nil {
				t.Fatalf("Decompile: %v", err)
			}
			golden.Check(t, base+".golden", Format(rule))
		})
	}
	if len(files) < 10 {
		t.Errorf("%d decompile cases, want at least 10", len(files))
	}
}

// TestDecompileShapes checks that every accepted input shape gives the
// rule it says.
func TestDecompileShapes(t *testing.T) {
	tests := []struct{ in, want string }{
		{`{"type":"audience","audienceGroupId":1}`, "audience(1)\n"},
		{`{"type":"redelivery","requestId":"5b59509c-c57b-11e9-aa8c-2a2ae2dbcce4"}`, "redelivery(\"5b59509c-c57b-11e9-aa8c-2a2ae2dbcce4\")\n"},
		{`{"type":"age","gte":"age_20"}`, "where age[20,)\n"},
		{`{"type":"operator","or":[{"type":"gender","oneOf":["female"]},{"type":"area","oneOf":["jp_13"]}]}`, "where gender in (female) or area in (tokyo)\n"},
		{`{"demographic":{"type":"subscriptionPeriod","lt":"day_30"}}`, "where subscriptionPeriod[,30)\n"},
		{`{"filter":{"demographic":{"type":"appType","oneOf":["android"]}}}`, "where appType in (android)\n"},
		{`{"limit":{"max":3}}`, "limit 3\n"},
		{`{"limit":{"upToRemainingQuota":false}}`, ""},
		{`{}`, ""},
		{`{"messages":[{"type":"text","text":"hi"}],"recipient":{"type":"audience","audienceGroupId":1},"notificationDisabled":true}`, "audience(1)\n"},
		{"\n  {\"type\":\"operator\",\"not\":{\"type\":\"operator\",\"not\":{\"type\":\"audience\",\"audienceGroupId\":1}}}", "not not audience(1)\n"},
	}
	for _, tt := range tests {
		rule, err := Decompile("in.json", []byte(tt.in), nil)
		if err != nil {
			t.Errorf("Decompile(%s): %v", tt.in, err)
			continue
		}
		if got := string(Format(rule)); got != tt.want {
			t.Errorf("Decompile(%s)\n got %q\nwant %q", tt.in, got, tt.want)
		}
	}
}

// TestDecompileHostile checks that inputs built to exhaust the decoder
// fail with a positioned error instead.
func TestDecompileHostile(t *testing.T) {
	deep := strings.Repeat(`{"type":"operator","not":`, 10001) + `{"type":"audience","audienceGroupId":1}` + strings.Repeat("}", 10001)
	tests := []struct{ name, in, want string }{
		{"deep", deep, "in.json:1:250009: JSON nested too deep (limit 10000)"},
		{"arrays", strings.Repeat("[", 100000), "in.json:1:10002: JSON nested too deep (limit 10000)"},
		{"empty", "", "in.json:1:1: unexpected end of JSON input"},
		{"huge", strings.Repeat(" ", MaxDecompileBytes+1), "in.json:1:1: $: 16777217 bytes, over the limit of 16777216"},
		{"number", "12", "in.json:1:1: $: want an object, got a number"},
		{"eleven objects", `{"recipient":{"type":"operator","or":[` + strings.Repeat(`{"type":"audience","audienceGroupId":1},`, 10) +
			`{"type":"audience","audienceGroupId":1}]}}`, "in.json:1:14: $.recipient: 11 recipient objects, over the API's limit of 10"},
	}
	for _, tt := range tests {
		_, err := Decompile("in.json", []byte(tt.in), nil)
		if got := firstError(err); got != tt.want {
			t.Errorf("%s: got %q, want %q", tt.name, got, tt.want)
		}
	}
}

func firstError(err error) string {
	if ds := Diagnostics(err); len(ds) > 0 {
		return ds[0].Error()
	}
	return ""
}

// checkDecompileRoundTrip checks compile(decompile(compile(r))) ==
// compile(r), with and without simplification. It reports false when src
// does not compile.
func checkDecompileRoundTrip(t *testing.T, name string, src []byte, cat *Catalog) bool {
	t.Helper()
	ok := false
	for _, noSimplify := range []bool{false, true} {
		opts := Options{Catalog: cat, NoSimplify: noSimplify, Now: goldenNow}
		req, err := Compile(name, src, opts)
		if err != nil {
			continue
		}
		ok = true
		body := req.JSON(false)
		rule, err := Decompile("compiled.json", body, cat)
		if err != nil {
			t.Errorf("%s (NoSimplify=%v): Decompile(%s): %v", name, noSimplify, body, err)
			continue
		}
		text := Format(rule)
		again, err := Compile("decompiled.nct", text, opts)
		if err != nil {
			t.Errorf("%s (NoSimplify=%v): decompiled rule does not compile: %v\n%s", name, noSimplify, err, text)
			continue
		}
		if got := again.JSON(false); !bytes.Equal(got, body) {
			t.Errorf("%s (NoSimplify=%v): round trip changes the JSON\n%s\n=> %s\ndecompiled:\n%s=> %s", name, noSimplify, src, body, text, got)
		}
	}
	return ok
}

// TestDecompileRoundTripCorpus round-trips every corpus rule.
func TestDecompileRoundTripCorpus(t *testing.T) {
	n := 0
	for _, f := range corpus(t) {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if checkDecompileRoundTrip(t, f, src, catalogFor(t, f)) {
			n++
		}
	}
	if n < 40 {
		t.Errorf("only %d corpus rules compile", n)
	}
}

// TestDecompileRoundTripRandom round-trips 1000 seeded random rules.
func TestDecompileRoundTripRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 2026))
	n := 0
	for range 1000 {
		if checkDecompileRoundTrip(t, "random.nct", []byte(RandomRule(r, 4)), nil) {
			n++
		}
	}
	if n < 600 { // a part matching nobody anywhere is an error (Lint)
		t.Errorf("only %d of 1000 random rules compile", n)
	}
}

// TestDecompileSyntaxErrorPosition checks that a JSON syntax error points
// at the byte where the input stops being JSON, not at an offset counted
// from the token the decoder was reading: LINE's guide shows
// "audienceGroupId": AudienceA as a placeholder.
func TestDecompileSyntaxErrorPosition(t *testing.T) {
	for _, tc := range []struct {
		src       string
		line, col int
	}{
		{"{\n  \"recipient\": {\n    \"type\": \"operator\",\n    \"and\": [\n      {\n        \"type\": \"audience\", \"audienceGroupId\": AudienceA\n      }\n    ]\n  }\n}\n", 6, 48},
		{`{"recipient": {"type": "audience", "audienceGroupId": 1,}}`, 1, 57},
		{`{"limit": {"max": 10}} x`, 1, 24},
	} {
		_, err := Decompile("r.json", []byte(tc.src), nil)
		ds := Diagnostics(err)
		if len(ds) != 1 || ds[0].Pos.Line != tc.line || ds[0].Pos.Column != tc.col {
			t.Errorf("%q: got %v, want one diagnostic at %d:%d", tc.src, err, tc.line, tc.col)
		}
	}
}

// TestJSONSyntaxErrorPositionEveryReader checks that every reader of JSON
// (a rule's JSON, a catalog, a messages file) places a syntax error at the
// byte where the input stops being JSON, however deep in the value the
// decoder was: a placeholder left in, a trailing comma, a missing comma
// between members on separate lines.
func TestJSONSyntaxErrorPositionEveryReader(t *testing.T) {
	readers := []struct {
		name string
		read func(data []byte) error
	}{
		{"decompile", func(data []byte) error { _, err := Decompile("f.json", data, nil); return err }},
		{"catalog", func(data []byte) error { _, err := ParseCatalog("f.json", data); return err }},
		{"messages", func(data []byte) error { _, err := ParseMessages("f.json", data); return err }},
	}
	for _, tc := range []struct {
		name, src string
		line, col int
	}{
		{"placeholder", "{\n  \"a\": {\n    \"b\": [\n      {\"c\": 1, \"d\": AudienceA}\n    ]\n  }\n}\n", 4, 21},
		{"trailing comma", "{\n  \"a\": [1, 2,\n  ]\n}", 3, 3},
		{"missing comma", "{\n  \"a\": {\"b\": \"x\"}\n  \"c\": 2\n}", 3, 3},
		{"single quotes", "[\n  {'type': 'text'}\n]", 2, 4},
	} {
		for _, r := range readers {
			ds := Diagnostics(r.read([]byte(tc.src)))
			if len(ds) != 1 || ds[0].Pos.Line != tc.line || ds[0].Pos.Column != tc.col {
				t.Errorf("%s, %s: got %v, want one diagnostic at %d:%d", r.name, tc.name, ds, tc.line, tc.col)
			}
		}
	}
}

// TestDecompileViolations checks that the API's rules reach decompile
// through validate, one statement of them for every way of building a
// tree, each reported at the JSON path and offset of the object, or of its
// key at fault.
func TestDecompileViolations(t *testing.T) {
	aud := func(id string) string { return `{"type":"audience","audienceGroupId":` + id + `}` }
	for _, tc := range []struct{ in, want string }{
		{`{"recipient":` + aud("-5") + `}`, `in.json:1:51: $.recipient.audienceGroupId: audience group id -5 is out of range`},
		{`{"recipient":` + aud("0") + `}`, `in.json:1:51: $.recipient.audienceGroupId: audience without an id or a name`},
		{`{"recipient":{"type":"redelivery","requestId":"x"}}`, `in.json:1:47: $.recipient.requestId: redelivery request id "x" is not a UUID`},
		{`{"recipient":{"type":"operator","and":[]}}`, `in.json:1:39: $.recipient.and: "and" operator without operands`},
		{`{"recipient":{"type":"operator","or":[` + aud("1") + `,{"type":"age","gte":"age_20"}]}}`, `in.json:1:87: $.recipient.or[1].type: age[20,) is a demographic atom, but this is the recipient expression`},
		{`{"demographic":{"type":"operator","not":` + aud("1") + `}}`, `in.json:1:49: $.demographic.not.type: audience(1) is a recipient, but this is the demographic filter`},
		{`{"type":"area","oneOf":["jp_13","jp_99"]}`, `in.json:1:33: $.oneOf[1]: unknown area code "jp_99"`},
		{`{"type":"gender","oneOf":[]}`, `in.json:1:26: $.oneOf: empty value list for gender`},
		{`{"type":"age"}`, `in.json:1:1: $: age range without bounds`},
		{`{"type":"age","gte":"age_40","lt":"age_20"}`, `in.json:1:1: $: empty range age[40,20) matches nobody`},
		{`{"limit":{"max":3000000000}}`, `in.json:1:17: $.limit.max: limit 3000000000 is out of range`},
		{`{"limit":{"max":-1,"upToRemainingQuota":true}}`, `in.json:1:17: $.limit.max: limit -1 is out of range`},
		{`{"limit":{"max":5,"forbidPartialDelivery":true}}`, `in.json:1:43: $.limit.forbidPartialDelivery: forbidPartialDelivery requires upToRemainingQuota`},
	} {
		_, err := Decompile("in.json", []byte(tc.in), nil)
		ds := Diagnostics(err)
		if len(ds) != 1 || ds[0].Error() != tc.want || ds[0].Hint == "" {
			t.Errorf("Decompile(%s):\n got %v\nwant %s, with a hint", tc.in, ds, tc.want)
		}
	}
	// An id of 0 is no id, whatever the catalog: an entry without an id
	// is not its name (FuzzDecompile found it decompiled to one).
	_, err := Decompile("in.json", []byte(`{"recipient":`+aud("0")+`}`), NewCatalog(CatalogEntry{Name: "no id"}))
	if got, want := firstError(err), `in.json:1:51: $.recipient.audienceGroupId: audience without an id or a name`; got != want {
		t.Errorf("audienceGroupId 0 with an entry without an id in the catalog: got %q, want %q", got, want)
	}
}

// TestDecompileMessagesAsCompile checks that decompile holds a body's
// messages to what compile --messages takes, so a body it reads can be
// compiled back whole.
func TestDecompileMessagesAsCompile(t *testing.T) {
	body := `{"messages":[{"type":"text","text":"hi"},{"type":"bogus"}],"recipient":{"type":"audience","audienceGroupId":1}}`
	_, err := Decompile("in.json", []byte(body), nil)
	_, want := ParseDelivery("in.json", []byte(body))
	if got, want := firstError(err), firstError(want); got == "" || got != want {
		t.Errorf("decompile says %q, compile --messages %q", got, want)
	}
	if got := firstError(err); got != `in.json:1:50: $.messages[1].type: "bogus" is not a message type of the Messaging API` {
		t.Errorf("got %q", got)
	}
}
