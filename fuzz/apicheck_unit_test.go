package fuzz

import (
	"strconv"
	"testing"
)

// TestCheckBody shows the FuzzCompile oracle can fail: it accepts the
// bodies LINE documents and rejects each kind of body LINE would refuse.
func TestCheckBody(t *testing.T) {
	tests := []struct {
		name string
		body string
		ok   bool
	}{
		{"empty body", `{}`, true},
		{"full example", `{"recipient":{"type":"operator","and":[{"type":"audience","audienceGroupId":5614991017776},` +
			`{"type":"operator","not":{"type":"redelivery","requestId":"5b59509c-c57b-11e9-aa8c-2a2ae2dbcce4"}}]},` +
			`"filter":{"demographic":{"type":"operator","or":[{"type":"age","gte":"age_20","lt":"age_25"},` +
			`{"type":"area","oneOf":["jp_23","tw_22","th_08","id_12"]},{"type":"subscriptionPeriod","gte":"day_7"}]}},` +
			`"limit":{"max":100,"upToRemainingQuota":true,"forbidPartialDelivery":true}}`, true},
		{"max int32", `{"limit":{"max":2147483647}}`, true},
		{"unknown top key", `{"recipients":{}}`, false},
		{"unknown recipient type", `{"recipient":{"type":"user"}}`, false},
		{"id as string", `{"recipient":{"type":"audience","audienceGroupId":"1"}}`, false},
		{"id zero", `{"recipient":{"type":"audience","audienceGroupId":0}}`, false},
		{"id over int64", `{"recipient":{"type":"audience","audienceGroupId":9223372036854775808}}`, false},
		{"request id not uuid", `{"recipient":{"type":"redelivery","requestId":"x"}}`, false},
		{"operator with two keys", `{"recipient":{"type":"operator","and":[{"type":"audience","audienceGroupId":1}],"not":{"type":"audience","audienceGroupId":2}}}`, false},
		{"operator with none", `{"recipient":{"type":"operator"}}`, false},
		{"empty and", `{"filter":{"demographic":{"type":"operator","and":[]}}}`, false},
		{"eleven recipients", `{"recipient":{"type":"operator","or":[` + audiences(11) + `]}}`, false},
		{"ten recipients", `{"recipient":{"type":"operator","or":[` + audiences(10) + `]}}`, true},
		{"bad gender", `{"filter":{"demographic":{"type":"gender","oneOf":["other"]}}}`, false},
		{"empty oneOf", `{"filter":{"demographic":{"type":"appType","oneOf":[]}}}`, false},
		{"bad area", `{"filter":{"demographic":{"type":"area","oneOf":["jp_48"]}}}`, false},
		{"bad area tw", `{"filter":{"demographic":{"type":"area","oneOf":["tw_23"]}}}`, false},
		{"unaligned age", `{"filter":{"demographic":{"type":"age","gte":"age_33"}}}`, false},
		{"age 75", `{"filter":{"demographic":{"type":"age","lt":"age_75"}}}`, false},
		{"empty range", `{"filter":{"demographic":{"type":"age","gte":"age_40","lt":"age_40"}}}`, false},
		{"range without bounds", `{"filter":{"demographic":{"type":"subscriptionPeriod"}}}`, false},
		{"bad day", `{"filter":{"demographic":{"type":"subscriptionPeriod","gte":"day_8"}}}`, false},
		{"filter without demographic", `{"filter":{}}`, false},
		{"max zero", `{"limit":{"max":0}}`, false},
		{"max over int32", `{"limit":{"max":2147483648}}`, false},
		{"max fraction", `{"limit":{"max":1.5}}`, false},
		{"forbid alone", `{"limit":{"max":1,"forbidPartialDelivery":true}}`, false},
		{"flag not bool", `{"limit":{"upToRemainingQuota":"true"}}`, false},
		{"not json", `{`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := checkBody([]byte(tt.body))
			if (err == nil) != tt.ok {
				t.Errorf("checkBody(%s) = %v, want ok=%v", tt.body, err, tt.ok)
			}
		})
	}
}

// audiences returns n audience objects separated by commas.
func audiences(n int) string {
	s := ""
	for i := 1; i <= n; i++ {
		if i > 1 {
			s += ","
		}
		s += `{"type":"audience","audienceGroupId":` + strconv.Itoa(i) + `}`
	}
	return s
}

// TestCheckSDK shows the SDK half of the FuzzCompile oracle can fail: LINE's
// SDK decodes an unknown type into a fallback value, which checkSDK rejects.
func TestCheckSDK(t *testing.T) {
	tests := []struct {
		name string
		body string
		ok   bool
	}{
		{"audience", `{"recipient":{"type":"audience","audienceGroupId":1}}`, true},
		{"nested filter", `{"filter":{"demographic":{"type":"operator","not":{"type":"gender","oneOf":["male"]}}}}`, true},
		{"unknown recipient", `{"recipient":{"type":"user"}}`, false},
		{"unknown nested recipient", `{"recipient":{"type":"operator","and":[{"type":"user"}]}}`, false},
		{"unknown demographic", `{"filter":{"demographic":{"type":"operator","or":[{"type":"height"}]}}}`, false},
		{"wrong JSON type", `{"limit":{"max":"many"}}`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := checkSDK([]byte(tt.body))
			if (err == nil) != tt.ok {
				t.Errorf("checkSDK(%s) = %v, want ok=%v", tt.body, err, tt.ok)
			}
		})
	}
}
