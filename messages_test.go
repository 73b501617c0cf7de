package nctarget

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestParseMessages checks the accepted forms of a messages file and each
// message against the Messaging API's types and required fields, with the
// JSON path and position of every problem.
func TestParseMessages(t *testing.T) {
	for _, tc := range []struct {
		name, data string
		n          int      // messages returned when valid
		want       []string // each diagnostic's Error()
	}{
		{"array", `[{"type":"text","text":"Hi"},{"type":"sticker","packageId":"446","stickerId":"1988"}]`, 2, nil},
		{"request body", `{"messages":[{"type":"text","text":"Hi"}],"notificationDisabled":true}`, 1, nil},
		{"one object", `{"type":"text","text":"Hi"}`, 1, nil},
		{"every type", `[{"type":"location","title":"t","address":"a","latitude":35.6,"longitude":139.7},
			{"type":"audio","originalContentUrl":"https://x/a.m4a","duration":60000},
			{"type":"flex","altText":"a","contents":{"type":"bubble"}},
			{"type":"imagemap","baseUrl":"https://x","altText":"a","baseSize":{"width":1040,"height":1040},"actions":[]},
			{"type":"coupon","couponId":"c"}]`, 5, nil},
		{"empty", `[]`, 0, []string{"m.json:1:1: 0 messages given"}},
		{"bogus type", `[{"type":"bogus"}]`, 0, []string{`m.json:1:10: $[0].type: "bogus" is not a message type of the Messaging API`}},
		{"no type", `[{"text":"no type"}]`, 0, []string{`m.json:1:2: $[0]: the message has no "type"`}},
		{"missing field", "[\n  {\"type\":\"text\",\"text\":\"a\"},\n  {\"type\":\"image\",\"previewImageUrl\":\"https://x\"}\n]",
			0, []string{`m.json:3:3: $[1]: a image message needs "originalContentUrl"`}},
		{"wrong kind", `{"messages":[{"type":"audio","originalContentUrl":"u","duration":"60s"}]}`, 0,
			[]string{`m.json:1:66: $.messages[0].duration: want a whole number, got a string`}},
		{"fraction", `[{"type":"audio","originalContentUrl":"u","duration":1.5}]`, 0,
			[]string{`m.json:1:54: $[0].duration: want a whole number, got a number`}},
		{"not an object", `["hello"]`, 0, []string{`m.json:1:2: $[0]: want a message object, got a string`}},
		{"not an array", `"hello"`, 0, []string{`m.json:1:1: $: want an array of message objects, got a string`}},
		{"messages not an array", `{"messages":{"type":"text"}}`, 0, []string{`m.json:1:13: $.messages: want an array of message objects, got an object`}},
		{"duplicate key", `[{"type":"text","type":"image"}]`, 0, []string{`m.json:1:17: duplicate key "type"`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			msgs, err := ParseMessages("m.json", []byte(tc.data))
			var got []string
			for _, d := range Diagnostics(err) {
				got = append(got, d.Error())
				if d.Hint == "" {
					t.Errorf("%s has no hint", d.Error())
				}
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("errors (-want +got):\n%s", diff)
			}
			if err == nil && len(msgs) != tc.n {
				t.Errorf("%d messages, want %d", len(msgs), tc.n)
			}
			for _, m := range msgs {
				if !strings.HasPrefix(string(m), "{") {
					t.Errorf("message %s is not the object's JSON", m)
				}
			}
		})
	}
}

// TestParseDelivery checks that a whole request body given for its
// messages keeps its notificationDisabled too, and that its other keys are
// those of a request body, so a misspelt field is not silently lost.
func TestParseDelivery(t *testing.T) {
	yes, no := true, false
	for _, tc := range []struct {
		name, data string
		want       *bool    // NotificationDisabled when valid
		errs       []string // each diagnostic's Error()
	}{
		{"array", `[{"type":"text","text":"Hi"}]`, nil, nil},
		{"body", `{"messages":[{"type":"text","text":"Hi"}],"recipient":{},"filter":{},"limit":{},"notificationDisabled":true}`, &yes, nil},
		{"body, false", `{"notificationDisabled":false,"messages":[{"type":"text","text":"Hi"}]}`, &no, nil},
		{"body without it", `{"messages":[{"type":"text","text":"Hi"}],"customAggregationUnits":["promo"]}`, nil, nil},
		{"not a boolean", `{"messages":[{"type":"text","text":"Hi"}],"notificationDisabled":"yes"}`, nil,
			[]string{`m.json:1:66: $.notificationDisabled: want a boolean, got a string`}},
		{"misspelt", `{"messages":[{"type":"text","text":"Hi"}],"notificationDisable":true}`, nil,
			[]string{`m.json:1:43: $: unknown key "notificationDisable"`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d, err := ParseDelivery("m.json", []byte(tc.data))
			var got []string
			for _, d := range Diagnostics(err) {
				got = append(got, d.Error())
			}
			if diff := cmp.Diff(tc.errs, got); diff != "" {
				t.Fatalf("errors (-want +got):\n%s", diff)
			}
			if err != nil {
				return
			}
			if diff := cmp.Diff(tc.want, d.NotificationDisabled); diff != "" || len(d.Messages) != 1 {
				t.Errorf("NotificationDisabled (-want +got):\n%s%d messages", diff, len(d.Messages))
			}
		})
	}
}

// TestRequestJSONNotificationDisabled checks that a request's
// notificationDisabled is written last, as NarrowcastRequest orders a body,
// and only when given.
func TestRequestJSONNotificationDisabled(t *testing.T) {
	msgs := []json.RawMessage{json.RawMessage(`{"type":"text","text":"Hi"}`)}
	off := false
	for _, tc := range []struct {
		disabled *bool
		want     string
	}{
		{nil, `{"messages":[{"type":"text","text":"Hi"}],"recipient":{"type":"audience","audienceGroupId":1},"limit":{"max":5}}`},
		{&off, `{"messages":[{"type":"text","text":"Hi"}],"recipient":{"type":"audience","audienceGroupId":1},"limit":{"max":5},"notificationDisabled":false}`},
	} {
		req, err := Compile("r.nct", []byte("audience(1) limit 5"), Options{Messages: msgs, NotificationDisabled: tc.disabled})
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(tc.want, string(req.JSON(false))); diff != "" {
			t.Errorf("JSON (-want +got):\n%s", diff)
		}
	}
}

// TestCompileMessagesNotJSON checks that CompileRule refuses Options.Messages
// holding something other than one JSON value each, which Request.JSON
// could only drop, writing an empty element into the messages array.
func TestCompileMessagesNotJSON(t *testing.T) {
	for _, msgs := range [][]json.RawMessage{
		{json.RawMessage(`{"type":"text","text":"Hi"`)},
		{json.RawMessage(`{"type":"text","text":"Hi"}`), json.RawMessage(``)},
		{json.RawMessage(`{"type":"text","text":"a"} {"type":"text","text":"b"}`)},
	} {
		req, err := Compile("r.nct", []byte("audience(5614991017776)"), Options{Messages: msgs})
		if err == nil {
			t.Errorf("%q: compiled to %s; want an error", msgs, req.JSON(false))
			continue
		}
		if !strings.Contains(err.Error(), "is not one JSON value") {
			t.Errorf("%q: error %q does not say that a message is not JSON", msgs, err)
		}
	}
}
