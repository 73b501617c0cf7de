package workbench

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/nctarget/nctarget"
)

func TestComplete(t *testing.T) {
	tests := []struct {
		src    string
		want   []string // the labels, in order; "…" ends a prefix of a longer list
		prefix string   // the text the completions replace
	}{
		{"|", []string{"not", "audience", "redelivery", "where", "limit"}, ""},
		{"aud|", []string{"not", "audience", "redelivery", "where", "limit"}, "aud"},
		{"audience(|", []string{"lapsed", `"spring sale clickers"`, "vip", "会員"}, ""},
		{`audience("spr|`, []string{"lapsed", "spring sale clickers", "vip", "会員"}, "spr"},
		{"audience(1) |", []string{"and", "or", "where", "limit"}, ""},
		{"audience(1) and |", []string{"not", "audience", "redelivery"}, ""},
		{"audience(1) where |", []string{"not", "gender", "age", "appType", "area", "subscriptionPeriod"}, ""},
		{"audience(1) where (gender = male) |", []string{"and", "or", "limit"}, ""},
		{"where gender in (male, |", []string{"female"}, ""},
		{"audience(1) where gender |", []string{"in", "not in", "="}, ""},
		{"audience(1) where (age |", []string{"[", ">=", "<"}, ""},
		{"where gender not in (f|", []string{"male", "female"}, "f"},
		{"where appType = |", []string{"ios", "android"}, ""},
		{"where area in (jp_13, to|", []string{"id_01", "bali", "…"}, "to"},
		{"where age[|", []string{"15", "20", "25", "30", "35", "40", "45", "50", "55", "60", "65", "70"}, ""},
		{"where age[60,|", []string{"65", "70"}, ""},
		{"where subscriptionPeriod < 3|", []string{"7", "30", "90", "180", "365"}, "3"},
		{"limit 10 |", []string{"upToRemainingQuota", "forbidPartialDelivery"}, ""},
		{"limit upToRemainingQuota |", []string{"forbidPartialDelivery"}, ""},
		{"audience(1) # a comment |", nil, ""},
		{`redelivery("5b|`, nil, "5b"},
	}
	for _, tt := range tests {
		src, off := cursor(t, tt.src)
		c := Analyze("r.nct", src, nctarget.Options{Catalog: testCatalog()}).Complete(off)
		var got []string
		for _, it := range c.Items {
			got = append(got, it.Label)
		}
		if n := len(tt.want); n > 0 && tt.want[n-1] == "…" && len(got) >= n {
			got = append(got[:n-1], "…")
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("%q: completions (-want +got):\n%s", tt.src, diff)
		}
		if got := string(src[c.Pos:c.End]); got != tt.prefix {
			t.Errorf("%q: completions replace %q, want %q", tt.src, got, tt.prefix)
		}
	}
}

func TestCompleteAreaNames(t *testing.T) {
	src, off := cursor(t, "where area in (jp_13, tokyo, |")
	c := Analyze("r.nct", src, nctarget.Options{}).Complete(off)
	details := map[string]string{}
	for _, it := range c.Items {
		details[it.Label] = it.Detail
	}
	if details["osaka"] != "jp_27" || details["jp_27"] != "Osaka" || details["taipei_city"] != "tw_01" || details["makassar"] != "id_06" {
		t.Errorf("area completions: osaka %q, jp_27 %q, taipei_city %q, makassar %q", details["osaka"], details["jp_27"], details["taipei_city"], details["makassar"])
	}
	for _, listed := range []string{"tokyo", "jp_13"} {
		if _, ok := details[listed]; ok {
			t.Errorf("%s, already listed, is offered again", listed)
		}
	}
}

// TestCompletedValuesCompile inserts every value completion of every set
// attribute and checks that the rule compiles to the code the completion
// names, so completion writes each area name the way the compiler reads
// it.
func TestCompletedValuesCompile(t *testing.T) {
	for _, attr := range nctarget.Attrs {
		if attr.IsRange() {
			continue
		}
		prefix := "where " + attr.String() + " in ("
		c := Analyze("r.nct", []byte(prefix), nctarget.Options{}).Complete(len(prefix))
		if len(c.Items) == 0 {
			t.Fatalf("no completions for %s", attr)
		}
		for _, it := range c.Items {
			req, err := nctarget.Compile("r.nct", []byte(prefix+it.Label+")"), nctarget.Options{})
			if err != nil {
				t.Errorf("%s completion %q: %v", attr, it.Label, err)
				continue
			}
			code := it.Label
			if attr == nctarget.AttrArea && nctarget.AreaName(it.Label) == "" {
				code = it.Detail // a region name, whose detail is its code
			}
			if want := `"oneOf":["` + code + `"]`; !strings.Contains(string(req.JSON(false)), want) {
				t.Errorf("%s completion %q (%s) compiles to %s, want %s", attr, it.Label, it.Detail, req.JSON(false), want)
			}
		}
	}
}
