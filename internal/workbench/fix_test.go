package workbench

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/nctarget/nctarget"
)

// testCatalog is examples/catalog.json's kind of catalog, with a Japanese
// name.
func testCatalog() *nctarget.Catalog {
	return nctarget.NewCatalog(
		nctarget.CatalogEntry{Name: "vip", AudienceGroupID: 5614991017776},
		nctarget.CatalogEntry{Name: "spring sale clickers", AudienceGroupID: 7718207310442, Status: "READY", AudienceCount: 18250},
		nctarget.CatalogEntry{Name: "lapsed", AudienceGroupID: 2934560012787, Status: "EXPIRED"},
		nctarget.CatalogEntry{Name: "会員", AudienceGroupID: 1001},
	)
}

// apply returns src with fix made.
func apply(src []byte, f Fix) string {
	return string(src[:f.Start.Offset]) + f.NewText + string(src[f.End.Offset:])
}

// TestEditorFixes applies every fix of every diagnostic and checks the
// rules they give, so each hint pattern is pinned to the root package's
// words, and a fix that would not work is not offered.
func TestEditorFixes(t *testing.T) {
	tests := []struct {
		src  string
		want []string // the fixed rules, in diagnostic order
	}{
		{"where gender in (femal)", []string{"where gender in (female)"}},
		{"where age[33,40)", []string{"where age[30,40)", "where age[35,40)"}},
		{"where age[30,33)", []string{"where age[30,35)"}},                         // 30 would leave an empty range
		{"where age >= 90", []string{"where age >= 70"}},                           // the largest bound
		{"where subscriptionPeriod < 3", []string{"where subscriptionPeriod < 7"}}, // the smallest
		{"audience(1) where gander in (male)", []string{"audience(1) where gender in (male)"}},
		{"audiense(1)", []string{"audience(1)"}},
		{"audience(vop)", []string{"audience(vip)"}},
		{`audience("sprng sale clickers")`, []string{`audience("spring sale clickers")`}},
		{"audience(sprng_sale_clickers)", []string{`audience("spring sale clickers")`}},
		{"audience(会頁)", []string{"audience(会員)"}},
		{"where area in (tokio, 大阪)", []string{"where area in (tokyo, 大阪)"}},
		{"limit 10 upToRemainingQuta", []string{"limit 10 upToRemainingQuota"}},
		{"limit 10 forbidPartialDelivery", []string{"limit 10 upToRemainingQuota forbidPartialDelivery"}},
		{"where gender in (male female)", []string{"where gender in (male, female)"}},
		{"audience(1, )", []string{"audience(1 )"}},
		{"where age[20,25]", []string{"where age[20,25)"}},
		{"audience(limit)", []string{`audience("limit")`}},
		{"audience(1) where area in (atlantis)", nil}, // no suggestion, no fix
		{"audience(1) and", nil},
	}
	for _, tt := range tests {
		src := []byte(tt.src)
		var got []string
		for _, d := range Analyze("r.nct", src, nctarget.Options{Catalog: testCatalog()}).EditorDiagnostics() {
			for _, f := range d.Fixes {
				got = append(got, apply(src, f))
			}
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("%q: fixed rules (-want +got):\n%s", tt.src, diff)
		}
	}
}

// TestFixPositions checks a fix's positions after a Japanese name and an
// emoji: characters in UTF-16 units, columns in runes.
func TestFixPositions(t *testing.T) {
	src := []byte("audience(\"会員😀\") where age[33,40)")
	ds := Analyze("r.nct", src, nctarget.Options{Catalog: nctarget.NewCatalog(nctarget.CatalogEntry{Name: "会員😀", AudienceGroupID: 1})}).EditorDiagnostics()
	if len(ds) != 1 || len(ds[0].Fixes) != 2 {
		t.Fatalf("diagnostics %+v, want one with two fixes", ds)
	}
	f := ds[0].Fixes[0]
	want := Position{Line: 1, Column: 27, Offset: 33, Character: 27} // 26 runes before, the emoji two units
	if f.Start != want || f.Title != "replace 33 with 30" {
		t.Errorf("fix %q starts at %+v, want %+v", f.Title, f.Start, want)
	}
}
