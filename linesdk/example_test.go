package linesdk_test

import (
	"fmt"

	"github.com/nctarget/nctarget"
	"github.com/nctarget/nctarget/linesdk"
)

// NarrowcastRequest hands a compiled request to LINE's official Go SDK.
func ExampleNarrowcastRequest() {
	req, err := nctarget.Compile("r.nct", []byte(`audience(5614991017776) limit 100 upToRemainingQuota`), nctarget.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	sdkReq, err := linesdk.NarrowcastRequest(req)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%T max=%d upToRemainingQuota=%v\n", sdkReq.Recipient, sdkReq.Limit.Max, sdkReq.Limit.UpToRemainingQuota)
	// Output:
	// messaging_api.AudienceRecipient max=100 upToRemainingQuota=true
}
