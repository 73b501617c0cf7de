package linesdk

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/line/line-bot-sdk-go/v8/linebot/messaging_api"

	"github.com/nctarget/nctarget"
	"github.com/nctarget/nctarget/internal/golden"
)

// sdkDefaults are the fields LINE's SDK writes even when the request does
// not set them, each with the zero value it writes. They are the only
// difference the round trip tolerates, and only with exactly these values.
var sdkDefaults = []struct {
	path  []string // object keys from the top of the body
	value any      // the default the SDK writes
}{
	{[]string{"notificationDisabled"}, false},
	{[]string{"limit", "upToRemainingQuota"}, false},
	{[]string{"messages"}, []any{}},
}

// sdkRoundTrip unmarshals body into LINE's SDK request type and marshals it
// back, returning both decoded, with the SDK's defaults removed from the
// second where the first does not have them.
func sdkRoundTrip(t *testing.T, body []byte) (want, got map[string]any) {
	t.Helper()
	var req messaging_api.NarrowcastRequest
	if err := json.Unmarshal(body, &req); err != nil {
		t.Fatalf("SDK rejects the body: %v\n%s", err, body)
	}
	back, err := json.Marshal(&req)
	if err != nil {
		t.Fatalf("SDK cannot marshal the body back: %v", err)
	}
	mustDecode(t, body, &want)
	mustDecode(t, back, &got)
	for _, d := range sdkDefaults {
		dropDefault(t, want, got, d.path, d.value)
	}
	return want, got
}

// dropDefault deletes path from got when want lacks it and got holds the
// SDK's default value there; any other value is left for cmp.Diff to show.
func dropDefault(t *testing.T, want, got map[string]any, path []string, value any) {
	t.Helper()
	for _, k := range path[:len(path)-1] {
		w, _ := want[k].(map[string]any)
		g, _ := got[k].(map[string]any)
		if w == nil || g == nil {
			return
		}
		want, got = w, g
	}
	k := path[len(path)-1]
	if _, ok := want[k]; ok {
		return
	}
	if v, ok := got[k]; ok && cmp.Equal(v, value) {
		delete(got, k)
	}
}

func mustDecode(t *testing.T, data []byte, v any) {
	t.Helper()
	if err := json.Unmarshal(data, v); err != nil {
		t.Fatalf("invalid JSON: %v\n%s", err, data)
	}
}

func TestSDKFullExample(t *testing.T) {
	src, err := os.ReadFile("../examples/line-full.nct")
	if err != nil {
		t.Fatal(err)
	}
	req, err := nctarget.Compile("line-full.nct", src, nctarget.Options{})
	if err != nil {
		t.Fatal(err)
	}
	sdk, err := NarrowcastRequest(req)
	if err != nil {
		t.Fatal(err)
	}
	op, ok := sdk.Recipient.(messaging_api.OperatorRecipient)
	if !ok || len(op.And) != 2 {
		t.Fatalf("Recipient = %#v, want an OperatorRecipient with two operands", sdk.Recipient)
	}
	if a, ok := op.And[0].(messaging_api.AudienceRecipient); !ok || a.AudienceGroupId != 5614991017776 {
		t.Errorf("And[0] = %#v, want audience 5614991017776", op.And[0])
	}
	if sdk.Limit == nil || sdk.Limit.Max != 100 || !sdk.Limit.UpToRemainingQuota {
		t.Errorf("Limit = %#v, want max 100 upToRemainingQuota", sdk.Limit)
	}
	if _, ok := sdk.Filter.Demographic.(messaging_api.OperatorDemographicFilter); !ok {
		t.Errorf("Filter.Demographic = %#v, want an OperatorDemographicFilter", sdk.Filter.Demographic)
	}
	back, err := json.Marshal(sdk)
	if err != nil {
		t.Fatal(err)
	}
	want, got := sdkRoundTrip(t, back)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("SDK value does not marshal to the compiled JSON (-want +got):\n%s", diff)
	}
	var compiled, fromSDK map[string]any
	mustDecode(t, req.JSON(false), &compiled)
	mustDecode(t, back, &fromSDK)
	dropDefault(t, compiled, fromSDK, []string{"notificationDisabled"}, false)
	dropDefault(t, compiled, fromSDK, []string{"messages"}, []any{})
	if diff := cmp.Diff(compiled, fromSDK); diff != "" {
		t.Errorf("NarrowcastRequest differs from JSON() (-JSON +SDK):\n%s", diff)
	}
}

func TestSDKForbidPartialDelivery(t *testing.T) {
	req, err := nctarget.Compile("r.nct", []byte("audience(1) limit 10 upToRemainingQuota forbidPartialDelivery"), nctarget.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := NarrowcastRequest(req); !errors.Is(err, ErrForbidPartialDelivery) {
		t.Errorf("NarrowcastRequest error = %v, want ErrForbidPartialDelivery", err)
	}
}

func TestSDKMessages(t *testing.T) {
	msgs := []json.RawMessage{json.RawMessage(`{"type":"text","text":"Hello"}`)}
	req, err := nctarget.Compile("r.nct", []byte("audience(1)"), nctarget.Options{Messages: msgs})
	if err != nil {
		t.Fatal(err)
	}
	sdk, err := NarrowcastRequest(req)
	if err != nil {
		t.Fatal(err)
	}
	if len(sdk.Messages) != 1 {
		t.Fatalf("Messages = %#v, want one", sdk.Messages)
	}
	if m, ok := sdk.Messages[0].(messaging_api.TextMessage); !ok || m.Text != "Hello" {
		t.Errorf("Messages[0] = %#v, want the text message Hello", sdk.Messages[0])
	}
}

// TestGoldenSDKRoundTrip unmarshals every golden JSON into LINE's
// messaging_api.NarrowcastRequest and marshals it back: the SDK must accept
// the body and keep its meaning. The only differences tolerated are the
// defaults the SDK writes (sdkDefaults) and, where the body sets it,
// limit.forbidPartialDelivery, which SDK v8.14.0 has no field for; that
// loss is asserted, so a future SDK that keeps it makes this test fail and
// ErrForbidPartialDelivery can go.
func TestGoldenSDKRoundTrip(t *testing.T) {
	files := golden.Cases(t, "../testdata/compile/*.json")
	for _, f := range files {
		t.Run(strings.TrimSuffix(filepath.Base(f), ".json"), func(t *testing.T) {
			body, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			want, got := sdkRoundTrip(t, body)
			if limit, ok := want["limit"].(map[string]any); ok && limit["forbidPartialDelivery"] == true {
				if gotLimit, _ := got["limit"].(map[string]any); gotLimit["forbidPartialDelivery"] != nil {
					t.Errorf("the SDK now keeps forbidPartialDelivery: remove ErrForbidPartialDelivery from linesdk.go")
				}
				delete(limit, "forbidPartialDelivery")
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("SDK round trip changes the body (-golden +SDK):\n%s", diff)
			}
		})
	}
	if len(files) < 40 {
		t.Errorf("%d golden JSON files, want at least 40", len(files))
	}
}
