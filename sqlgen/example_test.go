package sqlgen_test

import (
	"fmt"

	"github.com/nctarget/nctarget"
	"github.com/nctarget/nctarget/sqlgen"
)

// A compiled rule becomes one query for the warehouse: here the count on
// BigQuery, with the rule's values as bound parameters.
func ExampleCompile() {
	req, err := nctarget.Compile("campaign.nct", []byte(`audience(5614991017776) where not gender in (male) limit 500`), nctarget.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	var layout sqlgen.Layout
	if err := layout.MapFlag("users=my-project.crm.line_friends"); err != nil {
		fmt.Println(err)
		return
	}
	layout.Schema = "my-project.crm"
	q, err := sqlgen.Compile(req.Rule, sqlgen.Options{Dialect: sqlgen.BigQuery, Output: sqlgen.Count, Params: true, Layout: layout})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(q.Text)
	fmt.Println(q.Params)
	// Output:
	// SELECT LEAST(COUNT(*), 500) AS recipients
	// FROM `my-project`.`crm`.`line_friends` AS u
	// WHERE EXISTS (SELECT 1 FROM `my-project`.`crm`.`audience_members` AS m WHERE m.`audience_group_id` = @p1 AND m.`user_id` = u.`user_id`)
	//   AND NOT (u.`gender` IS NOT NULL AND u.`gender` = @p2)
	// [{p1 5614991017776} {p2 male}]
}
