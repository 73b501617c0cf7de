package fuzz

import (
	"bytes"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/line/line-bot-sdk-go/v8/linebot/messaging_api"
	"github.com/nctarget/nctarget"
)

// fuzzCatalog is a small audience catalog, so rules naming audiences can
// compile: two ready audiences, an expired one (a warning) and one without
// an id (an error).
var fuzzCatalog = nctarget.NewCatalog(
	nctarget.CatalogEntry{Name: "vip", AudienceGroupID: 5614991017776, Status: "READY"},
	nctarget.CatalogEntry{Name: "lapsed", AudienceGroupID: 4389303728991},
	nctarget.CatalogEntry{Name: "old", AudienceGroupID: 1, Status: "EXPIRED"},
	nctarget.CatalogEntry{Name: "noid"},
)

// fuzzNow fixes the time catalog expiry is judged against, so a fuzz
// failure replays the same way on any day.
var fuzzNow = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// FuzzCompile compiles arbitrary bytes, simplified and as written.
// Whatever compiles must be accepted by LINE's Go SDK types and must obey
// every rule of SPEC section 2, as judged by checkBody, a checker that
// shares no code with the compiler. A rejected rule must carry
// well-formed diagnostics.
func FuzzCompile(f *testing.F) {
	addRuleSeeds(f)
	f.Fuzz(func(t *testing.T, src []byte) {
		for _, noSimplify := range []bool{false, true} {
			opts := nctarget.Options{Catalog: fuzzCatalog, NoSimplify: noSimplify, Now: fuzzNow}
			req, err := nctarget.Compile(fuzzFile, src, opts)
			if err != nil {
				if msg := checkDiagnostics(err, src, true); msg != "" {
					t.Fatalf("NoSimplify=%v: %s\nerror: %v", noSimplify, msg, err)
				}
				continue
			}
			if err := checkRequest(req); err != nil {
				t.Fatalf("NoSimplify=%v: compiled %q into a body LINE would reject: %v\nbody: %s", noSimplify, src, err, req.JSON(false))
			}
		}
	})
}

// checkRequest checks a compiled request's JSON with checkBody and LINE's
// SDK, and that the indented and compact forms say the same thing.
func checkRequest(req *nctarget.Request) error {
	body := req.JSON(false)
	if err := checkBody(body); err != nil {
		return err
	}
	var indented bytes.Buffer
	if err := json.Compact(&indented, req.JSON(true)); err != nil {
		return fmt.Errorf("indented JSON: %v", err)
	}
	if !bytes.Equal(indented.Bytes(), body) {
		return fmt.Errorf("indented JSON differs from compact: %s", indented.Bytes())
	}
	return checkSDK(body)
}

// checkSDK decodes body with LINE's SDK and rejects a decode error or any
// object the SDK does not recognise (its Unknown* fallbacks).
func checkSDK(body []byte) error {
	var sdk messaging_api.NarrowcastRequest
	if err := json.Unmarshal(body, &sdk); err != nil {
		return fmt.Errorf("LINE SDK rejects the body: %v", err)
	}
	if err := sdkRecipient(sdk.Recipient); err != nil {
		return err
	}
	if sdk.Filter != nil {
		return sdkDemographic(sdk.Filter.Demographic)
	}
	return nil
}

func sdkRecipient(r messaging_api.RecipientInterface) error {
	switch r := r.(type) {
	case nil, messaging_api.AudienceRecipient, messaging_api.RedeliveryRecipient:
		return nil
	case messaging_api.OperatorRecipient:
		for _, x := range append(append([]messaging_api.RecipientInterface{r.Not}, r.And...), r.Or...) {
			if err := sdkRecipient(x); err != nil {
				return err
			}
		}
		return nil
	}
	return fmt.Errorf("LINE SDK does not know recipient %T %+v", r, r)
}

func sdkDemographic(d messaging_api.DemographicFilterInterface) error {
	switch d := d.(type) {
	case nil, messaging_api.GenderDemographicFilter, messaging_api.AgeDemographicFilter, messaging_api.AppTypeDemographicFilter,
		messaging_api.AreaDemographicFilter, messaging_api.SubscriptionPeriodDemographicFilter:
		return nil
	case messaging_api.OperatorDemographicFilter:
		for _, x := range append(append([]messaging_api.DemographicFilterInterface{d.Not}, d.And...), d.Or...) {
			if err := sdkDemographic(x); err != nil {
				return err
			}
		}
		return nil
	}
	return fmt.Errorf("LINE SDK does not know demographic filter %T %+v", d, d)
}
