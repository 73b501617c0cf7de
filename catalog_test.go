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

func TestParseCatalogErrors(t *testing.T) {
	for _, tc := range []struct {
		data, want string
	}{
		{`[5614991017776]`, "c.json:1:1: json: cannot unmarshal array"},
		{`{"vip": 1,}`, "c.json:1:11: invalid character '}'"},
		{"{\n  \"vip\": \"5614991017776\"\n}", `c.json:2:10: catalog entry "vip": json: cannot unmarshal string`},
		{`{"vip": {"audienceGroupId": "x"}}`, `c.json:1:9: catalog entry "vip"`},
		{`{"vip": 1.5}`, `c.json:1:9: catalog entry "vip"`},
	} {
		_, err := ParseCatalog("c.json", []byte(tc.data))
		if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
			t.Errorf("ParseCatalog(%s) error = %v, want prefix %q", tc.data, err, tc.want)
		}
	}
	cat, err := ParseCatalog("c.json", []byte(`{"empty": null, "noid": {"status": "READY"}}`))
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"empty", "noid"} {
		if e, ok := cat.Lookup(name); !ok || e.AudienceGroupID != 0 {
			t.Errorf("Lookup(%q) = %+v, %v; want an entry without id (rejected when a rule uses it)", name, e, ok)
		}
	}
	if _, err := LoadCatalog("testdata/no-such-catalog.json"); err == nil {
		t.Error("LoadCatalog of a missing file: no error")
	}
}
