package nctarget

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// TestCatalogExample loads examples/catalog.json, which uses both entry
// forms: a bare id and an object with LINE's metadata.
func TestCatalogExample(t *testing.T) {
	cat, err := LoadCatalog("examples/catalog.json")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"lapsed", "newsletter", "spring sale clickers", "vip"}, cat.Names()); diff != "" {
		t.Errorf("Names() (-want +got):\n%s", diff)
	}
	for _, want := range []CatalogEntry{
		{Name: "vip", AudienceGroupID: 5614991017776},
		{Name: "spring sale clickers", AudienceGroupID: 7718207310442, Status: "READY", AudienceCount: 18250},
		{Name: "lapsed", AudienceGroupID: 2934560012787, Status: "READY", ExpireTimestamp: 4102444800},
	} {
		got, ok := cat.Lookup(want.Name)
		if !ok || got != want {
			t.Errorf("Lookup(%q) = %+v, %v; want %+v", want.Name, got, ok, want)
		}
		if byID, ok := cat.ByID(want.AudienceGroupID); !ok || byID.Name != want.Name {
			t.Errorf("ByID(%d) = %q, %v; want %q", want.AudienceGroupID, byID.Name, ok, want.Name)
		}
		if ps := got.Problems(goldenNow); len(ps) != 0 {
			t.Errorf("%s: problems %v, want none", want.Name, ps)
		}
	}
	if _, ok := cat.Lookup("VIP"); ok {
		t.Error(`Lookup("VIP") found an entry: names are case-sensitive, as LINE's audience names are not unique by case`)
	}
}

func TestCatalogProblems(t *testing.T) {
	e := CatalogEntry{Name: "old", AudienceGroupID: 1, Status: "EXPIRED", IsIfaAudience: true,
		ExpireTimestamp: time.Date(2025, 6, 30, 12, 0, 0, 0, time.UTC).Unix()}
	want := []string{
		`audience "old" is EXPIRED, not READY`,
		`audience "old" expired on 2025-06-30`,
		`audience "old" is an IFA audience (advertising ids), which cannot be joined with user ids`,
	}
	if diff := cmp.Diff(want, e.Problems(goldenNow)); diff != "" {
		t.Errorf("Problems (-want +got):\n%s", diff)
	}
	if ps := e.Problems(time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)); len(ps) != 2 {
		t.Errorf("before expiry: %v, want the status and IFA problems only", ps)
	}
}

// TestParseCatalogErrors checks that every catalog problem is reported in
// the catalog file, at its line and column, saying what is wrong and what
// to write, with no Go internals in the message.
func TestParseCatalogErrors(t *testing.T) {
	for _, tc := range []struct {
		data string
		want []string // each diagnostic's Error()
	}{
		{`[5614991017776]`, []string{"c.json:1:1: a catalog is a JSON object, not an array"}},
		{`{"vip": 1,}`, []string{"c.json:1:11: invalid character '}' looking for beginning of object key string"}},
		{"{\n  \"vip\": \"5614991017776\"\n}", []string{`c.json:2:10: catalog entry "vip": want an audienceGroupId (a number), got a string`}},
		{`{"vip": {"audienceGroupId": "x"}}`, []string{`c.json:1:29: catalog entry "vip".audienceGroupId: want an audienceGroupId (a number), got a string`}},
		{`{"vip": 1.5}`, []string{`c.json:1:9: catalog entry "vip": audienceGroupId 1.5 is not a positive whole number within int64`}},
		{`{"vip": -5}`, []string{`c.json:1:9: catalog entry "vip": audienceGroupId -5 is not a positive whole number within int64`}},
		{`{"vip": 0}`, []string{`c.json:1:9: catalog entry "vip": audienceGroupId 0 is not a positive whole number within int64`}},
		{`{"vip": 99999999999999999999}`, []string{`c.json:1:9: catalog entry "vip": audienceGroupId 99999999999999999999 is not a positive whole number within int64`}},
		{`{"vip": null}`, []string{`c.json:1:9: catalog entry "vip": want an audienceGroupId (a number), got null`}},
		{`{"vip": true}`, []string{`c.json:1:9: catalog entry "vip": want an audienceGroupId (a number), got a boolean`}},
		{`{"vip": {"status": "READY"}}`, []string{`c.json:1:9: catalog entry "vip" has no audienceGroupId`}},
		{`{"vip": {"audienceGroupId": 1, "isIfaAudience": "no"}}`, []string{`c.json:1:49: catalog entry "vip".isIfaAudience: want true or false, got a string`}},
		{`{"vip": {"audienceGroupId": 1, "expireTimestamp": 1.5}}`, []string{`c.json:1:51: catalog entry "vip".expireTimestamp: want a whole number of seconds since 1970 (Unix time), 0 for none, got 1.5`}},
		{"{\"vip\": 1,\n \"vip\": 2}", []string{`c.json:2:2: duplicate key "vip"`}},
		{`{"a": 0, "b": "1", "c": 3}`, []string{ // every problem at once
			`c.json:1:7: catalog entry "a": audienceGroupId 0 is not a positive whole number within int64`,
			`c.json:1:15: catalog entry "b": want an audienceGroupId (a number), got a string`}},
	} {
		_, err := ParseCatalog("c.json", []byte(tc.data))
		var got []string
		for _, d := range Diagnostics(err) {
			got = append(got, d.Error())
			if d.Hint == "" {
				t.Errorf("ParseCatalog(%s): %s has no hint", tc.data, d.Error())
			}
			if strings.Contains(d.Msg, "Go value") || strings.Contains(d.Msg, "json:") {
				t.Errorf("ParseCatalog(%s): Go internals in %q", tc.data, d.Msg)
			}
		}
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("ParseCatalog(%s) (-want +got):\n%s", tc.data, diff)
		}
	}
	cat, err := ParseCatalog("c.json", []byte(`{"vip": {"audienceGroupId": 7, "type": "UPLOAD", "description": "pasted from the API", "status": "READY"}}`))
	if e, ok := cat.Lookup("vip"); err != nil || !ok || e.AudienceGroupID != 7 || e.Status != "READY" {
		t.Errorf("an audience API object: %+v, %v", e, err)
	}
	if _, err := LoadCatalog("testdata/no-such-catalog.json"); err == nil {
		t.Error("LoadCatalog of a missing file: no error")
	}
}
