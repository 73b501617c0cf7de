// Package linesdk hands nctarget's compiled requests to LINE's official Go
// SDK (github.com/line/line-bot-sdk-go/v8), so a program that embeds
// nctarget can send them with messaging_api.MessagingApiAPI's Narrowcast
// method. It is a package of its own so that the core does not pull the
// SDK, and with it net/http and crypto/tls, into every program that only
// parses, checks or compiles rules.
package linesdk

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/line/line-bot-sdk-go/v8/linebot/messaging_api"

	"github.com/nctarget/nctarget"
)

// ErrForbidPartialDelivery is returned by NarrowcastRequest for a rule whose
// limit clause says forbidPartialDelivery: the Limit type of LINE's Go SDK
// (v8.14.0) has no field for it, so the SDK value would silently allow the
// partial delivery the rule forbids. Send Request.JSON with any HTTP client
// instead.
var ErrForbidPartialDelivery = errors.New("LINE's Go SDK cannot express limit.forbidPartialDelivery: " +
	"send the body from Request.JSON(false) with an HTTP client instead")

// NarrowcastRequest returns r as LINE's official Go SDK value, so a program
// that embeds nctarget can send it with messaging_api.MessagingApiAPI's
// Narrowcast method. The caller adds Messages and NotificationDisabled
// unless Options.Messages and Options.NotificationDisabled were given.
//
// The value is built by unmarshalling the request's own JSON (Request.JSON)
// rather than by a second walk over the AST. There is then one code path
// from a rule to what LINE receives: the bytes `nctarget compile` prints,
// which the golden tests pin, are exactly what the SDK value holds, and the
// SDK's own discriminator logic ("type") decides the concrete types, so
// the adapter cannot drift from the emitter when either changes.
//
// NarrowcastRequest fails with ErrForbidPartialDelivery when the limit clause sets
// forbidPartialDelivery, which the SDK cannot represent.
func NarrowcastRequest(r *nctarget.Request) (*messaging_api.NarrowcastRequest, error) {
	if r.Rule.Limit != nil && r.Rule.Limit.ForbidPartialDelivery {
		return nil, ErrForbidPartialDelivery
	}
	var out messaging_api.NarrowcastRequest
	if err := json.Unmarshal(r.JSON(false), &out); err != nil {
		return nil, fmt.Errorf("converting the request to LINE's SDK type: %w", err)
	}
	return &out, nil
}
