package workbench

import (
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/nctarget/nctarget"
)

func TestTokens(t *testing.T) {
	kinds := map[TokenKind]string{TokenKeyword: "keyword", TokenAtom: "atom", TokenAttribute: "attribute", TokenValue: "value",
		TokenNumber: "number", TokenString: "string", TokenComment: "comment", TokenOperator: "operator"}
	tests := []struct {
		src  string
		want []string
	}{
		{"audience(5614991017776) and not redelivery(\"5b59\") # 会員\nwhere gender in (male, female) and age >= 20\nlimit 100 upToRemainingQuota",
			[]string{"atom audience", "number 5614991017776", "keyword and", "keyword not", "atom redelivery", `string "5b59"`, "comment # 会員",
				"keyword where", "attribute gender", "keyword in", "value male", "value female", "keyword and", "attribute age", "operator >=", "number 20",
				"keyword limit", "number 100", "keyword upToRemainingQuota"}},
		{"audience(vip) where area in (東京, \"New Taipei City\") and not subscriptionPeriod[7,30)",
			[]string{"atom audience", "value vip", "keyword where", "attribute area", "keyword in", "value 東京", `string "New Taipei City"`,
				"keyword and", "keyword not", "attribute subscriptionPeriod", "number 7", "number 30"}},
		{"audience(age) where \"unclosed\nage[20,", []string{"atom audience", "value age", "keyword where", `string "unclosed`, "attribute age", "number 20"}},
		{"WHERE Gender = Female", []string{"keyword WHERE", "attribute Gender", "operator =", "value Female"}},
	}
	for _, tt := range tests {
		src := []byte(tt.src)
		var got []string
		for _, tok := range Analyze("r.nct", src, nctarget.Options{}).Tokens() {
			got = append(got, fmt.Sprintf("%s %s", kinds[tok.Kind], src[tok.Pos:tok.End]))
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("%q: tokens (-want +got):\n%s", tt.src, diff)
		}
	}
}
