package nctarget_test

import (
	"fmt"
	"os"

	"github.com/nctarget/nctarget"
)

// A rule compiles to the recipient, filter and limit parts of a narrowcast
// request body.
func ExampleCompile() {
	src := []byte(`audience(5614991017776) where gender = female and age[20,30) limit 500`)
	req, err := nctarget.Compile("campaign.nct", src, nctarget.Options{})
	if err != nil {
		nctarget.PrintError(os.Stdout, err, src)
		return
	}
	fmt.Printf("%s\n", req.JSON(false))
	// Output:
	// {"recipient":{"type":"audience","audienceGroupId":5614991017776},"filter":{"demographic":{"type":"operator","and":[{"type":"gender","oneOf":["female"]},{"type":"age","gte":"age_20","lt":"age_30"}]}},"limit":{"max":500}}
}

// Every problem in a rule is reported with its position, the source line,
// a caret and a hint.
func ExamplePrintError() {
	src := []byte("audience(5614991017776)\nwhere age[33,40) and area in (tokio)")
	_, err := nctarget.Compile("campaign.nct", src, nctarget.Options{})
	nctarget.PrintError(os.Stdout, err, src)
	// Output:
	// campaign.nct:2:11: age bound 33 is not one the API accepts
	//     where age[33,40) and area in (tokio)
	//               ^^
	//     hint: the nearest valid bounds are 30 and 35
	// campaign.nct:2:31: unknown area "tokio"
	//     where age[33,40) and area in (tokio)
	//                                   ^^^^^
	//     hint: did you mean tokyo?
}

// Audiences can be named through a catalog instead of by id.
func ExampleCatalog() {
	cat, err := nctarget.ParseCatalog("audiences.json", []byte(`{"vip": 5614991017776, "lapsed": {"audienceGroupId": 2934560012787}}`))
	if err != nil {
		fmt.Println(err)
		return
	}
	req, err := nctarget.Compile("r.nct", []byte(`audience(vip) and not audience(lapsed)`), nctarget.Options{Catalog: cat})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%s\n", req.JSON(false))
	// Output:
	// {"recipient":{"type":"operator","and":[{"type":"audience","audienceGroupId":5614991017776},{"type":"operator","not":{"type":"audience","audienceGroupId":2934560012787}}]}}
}
