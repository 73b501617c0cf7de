package fuzz

import (
	"bytes"
	"testing"

	"github.com/nctarget/nctarget"
)

// FuzzDecompile feeds arbitrary bytes to nctarget.Decompile. It must not
// panic, and its errors must point inside the input. What decompiles must
// compile, through the formatted rule text as through the tree, to a body
// the independent checker accepts, and decompiling that body again must
// give the same body back.
func FuzzDecompile(f *testing.F) {
	for _, seed := range []string{
		`{"recipient":{"type":"audience","audienceGroupId":5614991017776}}`,
		`{"recipient":{"type":"operator","and":[{"type":"audience","audienceGroupId":1},{"type":"operator","not":{"type":"redelivery","requestId":"5b59509c-c57b-11e9-aa8c-2a2ae2dbcce4"}}]},` +
			`"filter":{"demographic":{"type":"operator","or":[{"type":"age","gte":"age_20","lt":"age_25"},{"type":"area","oneOf":["jp_23","id_06"]}]}},` +
			`"limit":{"max":100,"upToRemainingQuota":true,"forbidPartialDelivery":true}}`,
		`{"messages":[{"type":"text","text":"hi"}],"recipient":{"type":"audience","audienceGroupId":4389303728991},"notificationDisabled":true}`,
		`{"demographic":{"type":"gender","oneOf":["male","female"]}}`,
		`{"type":"subscriptionPeriod","gte":"day_7","lt":"day_365"}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		rule, err := nctarget.Decompile(fuzzFile, data, fuzzCatalog)
		if err != nil {
			if msg := checkDiagnostics(err, data, false); msg != "" {
				t.Fatalf("%s\nerror: %v", msg, err)
			}
			return
		}
		opts := nctarget.Options{Catalog: fuzzCatalog, NoSimplify: true, Now: fuzzNow}
		req, err := nctarget.CompileRule(rule, opts)
		if err != nil {
			t.Fatalf("decompiled rule does not compile: %v\ninput: %q\nrule: %s", err, data, rule)
		}
		body := req.JSON(false)
		if err := checkRequest(req); err != nil {
			t.Fatalf("decompiled rule compiles into a body LINE would reject: %v\ninput: %q\nbody: %s", err, data, body)
		}
		text := nctarget.Format(rule)
		viaText, err := compileJSON(text, opts)
		if err != nil || !bytes.Equal(viaText, body) {
			t.Fatalf("the decompiled rule's text compiles differently\ninput: %q\ntext: %q\ntree: %s\ntext: %s (%v)", data, text, body, viaText, err)
		}
		again, err := nctarget.Decompile(fuzzFile, body, fuzzCatalog)
		if err != nil {
			t.Fatalf("recompiled body does not decompile: %v\nbody: %s", err, body)
		}
		req2, err := nctarget.CompileRule(again, opts)
		if err != nil {
			t.Fatalf("re-decompiled rule does not compile: %v\nbody: %s", err, body)
		}
		if second := req2.JSON(false); !bytes.Equal(second, body) {
			t.Fatalf("decompile and compile is not a fixpoint\nfirst:  %s\nsecond: %s", body, second)
		}
	})
}
