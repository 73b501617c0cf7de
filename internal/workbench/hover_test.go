package workbench

import (
	"strings"
	"testing"

	"github.com/nctarget/nctarget"
)

// cursor removes the "|" marking the cursor from src and returns the
// source and the cursor's byte offset.
func cursor(t *testing.T, src string) ([]byte, int) {
	t.Helper()
	off := strings.Index(src, "|")
	if off < 0 {
		t.Fatalf("%q has no | cursor", src)
	}
	return []byte(src[:off] + src[off+1:]), off
}

func TestHover(t *testing.T) {
	tests := []struct {
		src      string
		span     string   // the text the hover covers
		contains []string // what it says; nil for no hover
	}{
		{"audience(v|ip)", "audience(vip)", []string{"audience group 5614991017776", "catalog entry `vip`", `"audienceGroupId": 5614991017776`}},
		{"audience(77182073|10442)", "audience(7718207310442)", []string{"catalog entry `spring sale clickers`", "18250 users", "status READY"}},
		{"audience(la|psed)", "audience(lapsed)", []string{"EXPIRED, not READY"}},
		{"audience(nob|ody)", "audience(nobody)", []string{"not in the catalog"}},
		{"audience(1) where area in (jp_27, to|kyo)", "tokyo", []string{"Tokyo, area code `jp_13`", "Osaka (`jp_27`)", `"oneOf": [`}},
		{"audience(1) where area in (台北市, ba|ngkok)", "bangkok", []string{"Bangkok, area code `th_01`"}},
		{"where ge|nder in (male, female)", "gender in (male, female)", []string{"gender is known and is `male` or `female`", "never matches", `"type": "gender"`}},
		{"where a|ge[20,25)", "age[20,25)", []string{"20 ≤ age < 25", `"gte": "age_20"`, `"lt": "age_25"`}},
		{"where subscriptionPeriod >|= 90", "subscriptionPeriod >= 90", []string{"days as a friend ≥ 90", `"gte": "day_90"`}},
		{`redelivery("5b59509c-c57b-11e9-aa8c-2a2ae2dbcce4"|)`, `redelivery("5b59509c-c57b-11e9-aa8c-2a2ae2dbcce4")`, []string{"X-Line-Request-Id", `"requestId": "5b59509c-c57b-11e9-aa8c-2a2ae2dbcce4"`}},
		{"audience(1) and n|ot audience(2)", "not", []string{"keeps friends of unknown gender"}},
		{"audience(1) n|ot audience(2) and", "not", []string{"**not**"}}, // a rule that does not parse: keywords still work
		{"audience(1) w|here age[20,)", "where", []string{"filter.demographic"}},
		{"audience(1) li|mit 100 upToRemainingQuota", "limit 100 upToRemainingQuota", []string{"At most 100", `"upToRemainingQuota": true`}},
		{"audience(1) | where", "", nil},
		{"audience(1) # a co|mment", "", nil},
	}
	for _, tt := range tests {
		src, off := cursor(t, tt.src)
		a := Analyze("r.nct", src, nctarget.Options{Catalog: testCatalog()})
		h, ok := a.Hover(off)
		if ok != (tt.contains != nil) {
			t.Errorf("%q: hover %v, want %v: %q", tt.src, ok, tt.contains != nil, h.Markdown)
			continue
		}
		if !ok {
			continue
		}
		if got := string(src[h.Pos:h.End]); got != tt.span {
			t.Errorf("%q: hover covers %q, want %q", tt.src, got, tt.span)
		}
		for _, want := range tt.contains {
			if !strings.Contains(h.Markdown, want) {
				t.Errorf("%q: hover does not say %q:\n%s", tt.src, want, h.Markdown)
			}
		}
	}
}
