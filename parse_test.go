package nctarget

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

// wantDiag is an expected diagnostic: where it is, its message, and a
// part of its hint ("" to leave the hint unchecked). A message ending in
// "…" need only begin the diagnostic's message.
type wantDiag struct {
	line, col int
	msg       string
	hint      string
}

// badCatalog is the catalog the bad-input table compiles against.
var badCatalog = NewCatalog(
	CatalogEntry{Name: "vip", AudienceGroupID: 5614991017776},
	CatalogEntry{Name: "newsletter", AudienceGroupID: 4389303728991},
	CatalogEntry{Name: "no id"},
)

// badRules are invalid rules, one or more per error class of the lexer,
// parse.go and compile.go, each with every diagnostic it must produce.
var badRules = []struct {
	name string
	src  string
	want []wantDiag
}{
	// The lexer.
	{"bad character", "audience(1) @", []wantDiag{{1, 13, `unexpected character '@'`, "rules use only"}}},
	{"bad character after unicode", "audience(会員) ;", []wantDiag{{1, 14, `unexpected character ';'`, ""}}},
	{"unterminated string", `audience("abc`, []wantDiag{{1, 10, "string not terminated", `add the closing "`}}},
	{"string across lines", "redelivery(\"5b59509c\n\")", []wantDiag{{1, 12, "string not terminated at the end of the line", `add the closing "`}}},
	{"invalid UTF-8", "audience(1) and \xff", []wantDiag{{1, 17, "invalid UTF-8 byte 0xff", "re-save the file as UTF-8"}}},
	{"malformed escape", `audience("a\q")`, []wantDiag{{1, 10, `malformed string "a\q"`, "Go string escapes"}}},

	// Brackets, checked before parsing.
	{"unclosed parenthesis", "audience(1", []wantDiag{{1, 9, `unclosed "("`, "add the closing bracket"}}},
	{"unclosed group", "where (age >= 20\n  and gender = male", []wantDiag{{1, 7, `unclosed "("`, ""}}},
	{"unmatched parenthesis", "audience(1))", []wantDiag{{1, 12, `unmatched ")"`, "remove it"}}},
	{"unclosed range", "where age [20,25", []wantDiag{{1, 11, `unclosed "["`, ""}}},

	// Syntax.
	{"trailing garbage", "audience(1) foo", []wantDiag{{1, 13, `missing and/or before "foo"`, "join conditions with and or or"}}},
	{"two atoms without operator", "audience(1) audience(2)", []wantDiag{{1, 13, `missing and/or before "audience"`, ""}}},
	{"filter atoms without operator", "where age[20,25)\n  gender = male", []wantDiag{{2, 3, `missing and/or before "gender"`, ""}}},
	{"missing comma in list", "where gender in (male female)", []wantDiag{{1, 23, `missing comma before "female"`, "separate values with commas"}}},
	{"missing comma in range", "where age[20 25)", []wantDiag{{1, 14, "missing comma before number 25", ""}}},
	{"in without parentheses", "where gender in male", []wantDiag{{1, 17, `expected ( after in, found "male"`, "gender in (female)"}}},
	{"ends after where", "audience(1) where", []wantDiag{{1, 18, `the rule ends right after "where"`, "where needs a demographic filter"}}},
	{"ends after and", "audience(1) and", []wantDiag{{1, 16, `the rule ends right after "and"`, "and needs a condition on each side"}}},
	{"ends after not", "where not", []wantDiag{{1, 10, `the rule ends right after "not"`, "not needs a condition after it"}}},
	{"or or", "audience(1) or or audience(2)", []wantDiag{{1, 16, `expected a condition after "or", found "or"`, ""}}},
	{"starts with and", "and audience(1)", []wantDiag{{1, 1, `the rule starts with "and"`, ""}}},
	{"where where", "audience(1) where where age >= 20", []wantDiag{{1, 19, `expected a condition after "where", found "where"`, ""}}},
	{"empty group", "where (or)", []wantDiag{{1, 8, `expected a condition after "(", found "or"`, ""}}},
	{"operator as argument", "audience(<=)", []wantDiag{{1, 10, `expected a value after "(", found "<="`, "an argument is an id"}}},
	{"keyword as argument", "audience(AND 1)", []wantDiag{{1, 10, `expected a value after "(", found "AND"`, ""}}},
	{"keyword as a name", "audience(limit)", []wantDiag{{1, 10, `expected a value after "(", found the keyword "limit"`, `must be quoted: audience("limit")`}}},
	{"double comma", "where gender in (male,,female)", []wantDiag{{1, 23, `expected a value after ",", found ","`, "separated by commas"}}},
	{"trailing comma in call", `audience("vip", )`, []wantDiag{{1, 17, "trailing comma in the argument list", "remove the comma"}}},
	{"operator as bound", "where age[,<)", []wantDiag{{1, 12, `expected a value after ",", found "<"`, "a range is [from,to)"}}},
	{"attribute without test", "where gender  male", []wantDiag{{1, 15, `expected in, =, a range or a comparison after "gender", found "male"`, "write gender in (male) or gender = male"}}},
	{"range attribute without test", "where subscriptionPeriod 7", []wantDiag{{1, 26, `expected in, =, a range or a comparison after "subscriptionPeriod", found number 7`, "subscriptionPeriod >= 30"}}},
	{"misspelt attribute without test", "where gendr male", []wantDiag{{1, 13, `expected in, =, a range or a comparison after "gendr", found "male"`, "did you mean gender?"}}},
	{"audience without parentheses", "audience redelivery", []wantDiag{{1, 10, `expected ( after "audience", found "redelivery"`, "write audience(5614991017776)"}}},
	{"misspelt keyword", "audience(1) wher age >= 20", []wantDiag{{1, 13, `missing and/or before "wher"`, "did you mean where?"}}},
	{"ends after a name", "where gender", []wantDiag{{1, 13, `the rule ends right after "gender"`, "write gender in (male)"}}},
	{"bare string", `"abc"`, []wantDiag{{1, 1, `unexpected string "abc"`, "strings and numbers are arguments"}}},
	{"bare number", "123", []wantDiag{{1, 1, "unexpected number 123", ""}}},
	{"bare in", "in (male)", []wantDiag{{1, 1, `unexpected "in"`, "in follows an attribute name"}}},
	{"error where the parser fails", "audience(1)\n  and (audience(2) or 3)", []wantDiag{{2, 23, `expected a condition after "or", found number 3`, "or needs a condition on each side"}}},
	{"garbage after the limit clause", "limit 10 upToRemainingQuota <", []wantDiag{{1, 29, `unexpected "<" after the limit clause`, "the limit clause comes last"}}},

	// Clauses.
	{"duplicate limit", "audience(1) limit 10 limit 20", []wantDiag{{1, 22, "duplicate limit clause", "give one limit clause"}}},
	{"duplicate where", "where age >= 20 where gender = male", []wantDiag{{1, 17, "duplicate where clause", "combine the filters with and"}}},
	{"where after limit", "limit 10 where age >= 20", []wantDiag{{1, 10, "where clause after the limit clause", "write where before limit"}}},
	{"empty limit", "audience(1)\nlimit", []wantDiag{{2, 1, "empty limit clause", ""}}},
	{"limit zero", "limit 0", []wantDiag{{1, 7, "limit 0 sends nothing", "the smallest limit is 1"}}},
	{"limit over int32", "limit 2147483648", []wantDiag{{1, 7, "limit 2147483648 is out of range", "at most 2147483647"}}},
	{"limit over int64", "limit 99999999999999999999", []wantDiag{{1, 7, "limit 99999999999999999999 is out of range", ""}}},
	{"forbidPartialDelivery alone", "audience(1) limit 10 forbidPartialDelivery", []wantDiag{{1, 13, "forbidPartialDelivery requires upToRemainingQuota", "add upToRemainingQuota"}}},
	{"duplicate limit option", "limit 10 upToRemainingQuota upToRemainingQuota", []wantDiag{{1, 29, "duplicate limit option upToRemainingQuota", ""}}},
	{"unknown limit option", "limit 10 upToRemaining", []wantDiag{{1, 10, `unknown limit option "upToRemaining"`, "did you mean upToRemainingQuota?"}}},
	{"number after option", "limit upToRemainingQuota 10", []wantDiag{{1, 26, "unexpected number 10 in the limit clause", "the number comes first"}}},

	// Recipients.
	{"audience id over int64", "audience(9223372036854775808)", []wantDiag{{1, 10, "audience group id 9223372036854775808 is out of range", "positive 64-bit integers"}}},
	{"audience id zero", "audience(0)", []wantDiag{{1, 10, "audience group id 0 is out of range", ""}}},
	{"audience two arguments", "audience(1, 2)", []wantDiag{{1, 1, "audience takes exactly one argument, got 2", "audience(a) or audience(b)"}}},
	{"audience no argument", "audience()", []wantDiag{{1, 1, "audience takes exactly one argument, got 0", ""}}},
	{"empty audience name", `audience("")`, []wantDiag{{1, 10, "empty audience name", ""}}},
	{"unknown recipient", "audiance(1)", []wantDiag{{1, 1, `unknown recipient "audiance"`, "did you mean audience?"}}},
	{"attribute called like a recipient", "gender(male)", []wantDiag{{1, 1, `unknown recipient "gender"`, "after where"}}},
	{"redelivery not a UUID", `redelivery("not-a-uuid")`, []wantDiag{{1, 12, `redelivery request id "not-a-uuid" is not a UUID`, "X-Line-Request-Id"}}},
	{"redelivery number", "redelivery(1)", []wantDiag{{1, 12, `redelivery request id "1" is not a UUID`, ""}}},
	{"demographic before where", "gender in (male)", []wantDiag{{1, 1, "gender is a demographic attribute, but this is the recipient expression", "begin the demographic filter with where"}}},
	{"recipient after where", "where audience(1)", []wantDiag{{1, 7, "audience(…) is a recipient, but this is the demographic filter after where", "move it before where"}}},
	{"eleven recipient objects", "audience(1) or audience(2) or audience(3) or audience(4) or audience(5) or audience(6)\n" +
		"or audience(7) or audience(8) or audience(9) or audience(10) or audience(11)",
		[]wantDiag{{1, 1, "at most 10 recipient objects; this rule has 11…", "audience group"}}},

	// The catalog.
	{"name without catalog", "audience(vip)", nil}, // checked in TestBadRulesWithoutCatalog
	{"unknown catalog name", "audience(vipp)", []wantDiag{{1, 1, `audience "vipp" is not in the catalog`, "did you mean vip?"}}},
	{"unknown quoted catalog name", `audience("news letter")`, []wantDiag{{1, 1, `audience "news letter" is not in the catalog`, "did you mean newsletter?"}}},
	{"catalog entry without id", `audience("no id")`, []wantDiag{{1, 1, `catalog entry "no id" has no audienceGroupId`, "give the entry its audienceGroupId"}}},

	// Demographic atoms.
	{"empty in", "where gender in ()", []wantDiag{{1, 7, "empty value list for gender", "an empty set matches nobody"}}},
	{"empty not in", "where area not in ()", []wantDiag{{1, 7, "empty value list for area", ""}}},
	{"unknown attribute", "where gendr in (male)", []wantDiag{{1, 7, `unknown attribute "gendr"`, "did you mean gender?"}}},
	{"unknown gender", "where gender in (mail)", []wantDiag{{1, 18, `unknown gender "mail"`, "did you mean male?"}}},
	{"unknown area", "where area in (tokio)", []wantDiag{{1, 16, `unknown area "tokio"`, "did you mean tokyo?"}}},
	{"unknown area code", "where area in (jp_48)", []wantDiag{{1, 16, `unknown area "jp_48"`, ""}}},
	{"unknown appType", "where appType in (windows)", []wantDiag{{1, 19, `unknown appType "windows"`, "appType is one of ios, android"}}},
	{"unaligned age", "where age[33,40)", []wantDiag{{1, 11, "age bound 33 is not one the API accepts", "the nearest valid bounds are 30 and 35"}}},
	{"age below range", "where age >= 10", []wantDiag{{1, 14, "age bound 10 is not one the API accepts", "the smallest age bound is 15"}}},
	{"age above range", "where age < 75", []wantDiag{{1, 13, "age bound 75 is not one the API accepts", "the largest age bound is 70"}}},
	{"huge age", "where age >= 1000000000000000000000", []wantDiag{{1, 14, "age bound 1000000000000000000000 is not one the API accepts", "the largest age bound is 70"}}},
	{"unaligned subscriptionPeriod", "where subscriptionPeriod[8,30)", []wantDiag{{1, 26, "subscriptionPeriod bound 8 is not one the API accepts", "7 and 30"}}},
	{"age not a number", "where age >= abc", []wantDiag{{1, 14, "age bound abc is not a number", "bounds are whole numbers"}}},
	{"reversed range", "where age[40,35)", []wantDiag{{1, 7, "empty range age[40,35) matches nobody", "the lower bound must be less"}}},
	{"empty range", "where age[40,40)", []wantDiag{{1, 7, "empty range age[40,40) matches nobody", ""}}},
	{"closed range", "where age[20,25]", []wantDiag{{1, 16, "range closed with ]", "ranges are half-open"}}},
	{"range without bounds", "where age[,)", []wantDiag{{1, 7, "age range without bounds", "give at least one bound"}}},
	{"greater than", "where age > 20", []wantDiag{{1, 11, "age does not take >", "write age >= 20"}}},
	{"less or equal", "where age <= 20", []wantDiag{{1, 11, "age does not take <=", "write age < 20"}}},
	{"double equals", "where age == 20", []wantDiag{{1, 11, "age does not take ==", ""}}},
	{"not equal on set", "where gender != male", []wantDiag{{1, 14, "gender does not take !=", "write not gender = …"}}},
	{"range on a set attribute", "where gender[20,25)", []wantDiag{{1, 7, "gender takes a list of values, not a range", "write gender in (male)"}}},
	{"list on a range attribute", "where age in (20)", []wantDiag{{1, 7, "age takes a range, not a list of values", "age[20,25)"}}},

	// Several errors in one rule are all reported, in source order.
	{"multiple errors", "where age[33,40) and gendr in (male) and area in (tokio)\nlimit 0", []wantDiag{
		{1, 11, "age bound 33 is not one the API accepts", ""},
		{1, 22, `unknown attribute "gendr"`, ""},
		{1, 51, `unknown area "tokio"`, ""},
		{2, 7, "limit 0 sends nothing", ""},
	}},
	{"syntax-free errors with a catalog error", "audience(vipp)\nwhere age[33,40)", []wantDiag{
		{1, 1, `audience "vipp" is not in the catalog`, "did you mean vip?"},
		{2, 11, "age bound 33 is not one the API accepts", ""},
	}},
	{"errors on both sides of where", "audience(0) and redelivery(\"x\")\nwhere gender in ()", []wantDiag{
		{1, 10, "audience group id 0 is out of range", ""},
		{1, 28, `redelivery request id "x" is not a UUID`, ""},
		{2, 7, "empty value list for gender", ""},
	}},
}

// TestBadRules compiles every invalid rule and checks every diagnostic:
// its message, line, column and hint.
func TestBadRules(t *testing.T) {
	n := 0
	for _, tc := range badRules {
		if tc.want == nil {
			continue
		}
		n++
		t.Run(tc.name, func(t *testing.T) {
			_, err := Compile("bad.nct", []byte(tc.src), Options{Catalog: badCatalog})
			checkDiags(t, tc.src, err, tc.want)
		})
	}
	if n < 40 {
		t.Errorf("%d bad rules, want at least 40", n)
	}
}

// TestBadRulesWithoutCatalog checks that a named audience needs a catalog.
func TestBadRulesWithoutCatalog(t *testing.T) {
	_, err := Compile("bad.nct", []byte("audience(vip)"), Options{})
	checkDiags(t, "audience(vip)", err, []wantDiag{{1, 1, "audience(vip) names an audience, but no catalog was given", "--catalog"}})
}

// checkDiags compares the diagnostics of err with want.
func checkDiags(t *testing.T, src string, err error, want []wantDiag) {
	t.Helper()
	if err == nil {
		t.Fatalf("%q compiled without error", src)
	}
	var list ErrorList
	if !errors.As(err, &list) {
		t.Fatalf("%q: error %T %v, want an ErrorList", src, err, err)
	}
	got := make([]string, len(list))
	for i, d := range list {
		got[i] = fmt.Sprintf("%d:%d: %s", d.Pos.Line, d.Pos.Column, d.Msg)
		if d.Pos.Filename != "bad.nct" {
			t.Errorf("%q: diagnostic %d has file %q, want bad.nct", src, i, d.Pos.Filename)
		}
	}
	if len(list) != len(want) {
		t.Fatalf("%q: got %d diagnostics, want %d:\n%s", src, len(list), len(want), strings.Join(got, "\n"))
	}
	for i, w := range want {
		wantS := fmt.Sprintf("%d:%d: %s", w.line, w.col, w.msg)
		if prefix, ok := strings.CutSuffix(wantS, "…"); ok && strings.HasPrefix(got[i], prefix) {
			wantS = got[i]
		}
		if got[i] != wantS {
			t.Errorf("%q: diagnostic %d\n got %s\nwant %s", src, i, got[i], wantS)
		}
		if !strings.Contains(list[i].Hint, w.hint) {
			t.Errorf("%q: hint %q does not contain %q", src, list[i].Hint, w.hint)
		}
	}
}

// TestNestingTooDeep checks that 10,000 parentheses give a clear error at
// the first parenthesis past the limit, not a stack overflow.
func TestNestingTooDeep(t *testing.T) {
	for _, open := range []string{"(", "["} {
		src := "where " + strings.Repeat(open, 10000) + "age >= 20"
		_, err := Parse("deep.nct", []byte(src))
		ds := Diagnostics(err)
		if len(ds) != 1 {
			t.Fatalf("%s×10000: got %v, want one diagnostic", open, err)
		}
		want := fmt.Sprintf("nesting too deep (limit %d)", DefaultParseLimits.MaxDepth)
		if d := ds[0]; d.Msg != want || d.Pos.Line != 1 || d.Pos.Column != 7+DefaultParseLimits.MaxDepth {
			t.Errorf("%s×10000: got %s: %s, want 1:%d: %s", open, d.Pos, d.Msg, 7+DefaultParseLimits.MaxDepth, want)
		}
	}
	ok := "where " + strings.Repeat("(", DefaultParseLimits.MaxDepth) + "age >= 20" + strings.Repeat(")", DefaultParseLimits.MaxDepth)
	if _, err := Parse("deep.nct", []byte(ok)); err != nil {
		t.Errorf("nesting at the limit: %v", err)
	}
}

// TestManyNots checks that a run of nots counts towards the nesting
// limit (each nests an operator object in the JSON): MaxDepth of them parse
// into a chain of Not nodes and cancel in pairs when compiled; one more,
// or 10,000, is a "nesting too deep" error at the first not too many.
func TestManyNots(t *testing.T) {
	n := DefaultParseLimits.MaxDepth
	src := strings.Repeat("not ", n) + "audience(5614991017776)"
	r, err := Parse("nots.nct", []byte(src))
	if err != nil {
		t.Fatalf("%d nots: %v", n, err)
	}
	e, depth := r.Recipient, 0
	for {
		not, ok := e.(*Not)
		if !ok {
			break
		}
		e, depth = not.X, depth+1
	}
	if a, ok := e.(*Audience); depth != n || !ok || a.ID != 5614991017776 {
		t.Errorf("%d nots parsed as %d Not nodes around %T, want %d around audience(5614991017776)", n, depth, e, n)
	}
	for _, k := range []int{n - 1, n} {
		req, err := Compile("nots.nct", []byte(strings.Repeat("not ", k)+"audience(5614991017776)"), Options{})
		if err != nil {
			t.Fatalf("%d nots: %v", k, err)
		}
		want := `{"recipient":{"type":"audience","audienceGroupId":5614991017776}}`
		if k%2 == 1 {
			want = `{"recipient":{"type":"operator","not":{"type":"audience","audienceGroupId":5614991017776}}}`
		}
		if got := string(req.JSON(false)); got != want {
			t.Errorf("%d nots compile to %s, want %s", k, got, want)
		}
	}
	for _, k := range []int{n + 1, 10000} {
		_, err := Parse("nots.nct", []byte(strings.Repeat("not ", k)+"audience(5614991017776)"))
		ds := Diagnostics(err)
		want := fmt.Sprintf("nesting too deep (limit %d)", n)
		if len(ds) != 1 || ds[0].Msg != want || ds[0].Pos.Line != 1 || ds[0].Pos.Column != 4*n+1 {
			t.Errorf("%d nots: got %v, want %q at 1:%d", k, err, want, 4*n+1)
		}
	}
}

// TestPadding parses rules with and without ten blank lines in front and
// checks that every position, of every node and every diagnostic, moves
// by exactly ten lines and ten bytes and keeps its column (cel-go's
// padding check).
func TestPadding(t *testing.T) {
	const pad = "\n\n\n\n\n\n\n\n\n\n"
	valid := []string{
		"audience(5614991017776) and not redelivery(\"5b59509c-c57b-11e9-aa8c-2a2ae2dbcce4\")\n" +
			"where (gender in (male, female) and age[20,25)) or (age >= 35 and not area in (tokyo))\nlimit 100 upToRemainingQuota",
		"# comment\n(audience(1) or audience(2)) and not not audience(3) where subscriptionPeriod < 90",
	}
	for _, src := range valid {
		a, errA := Parse("p.nct", []byte(src))
		b, errB := Parse("p.nct", []byte(pad+src))
		if errA != nil || errB != nil {
			t.Fatalf("%q: %v / %v", src, errA, errB)
		}
		pa, pb := rulePositions(a), rulePositions(b)
		if len(pa) != len(pb) || len(pa) < 10 {
			t.Fatalf("%q: %d positions, then %d", src, len(pa), len(pb))
		}
		for i := range pa {
			checkShift(t, src, pa[i], pb[i])
		}
	}
	for _, tc := range badRules {
		if tc.want == nil || strings.HasPrefix(tc.src, "\xef\xbb\xbf") {
			continue
		}
		_, errA := Compile("p.nct", []byte(tc.src), Options{Catalog: badCatalog})
		_, errB := Compile("p.nct", []byte(pad+tc.src), Options{Catalog: badCatalog})
		da, db := Diagnostics(errA), Diagnostics(errB)
		if len(da) != len(db) {
			t.Errorf("%s: %d diagnostics, then %d after padding", tc.name, len(da), len(db))
			continue
		}
		for i := range da {
			checkShift(t, tc.name, da[i].Pos, db[i].Pos)
			checkShift(t, tc.name, da[i].End, db[i].End)
		}
	}
}

func checkShift(t *testing.T, what string, a, b Pos) {
	t.Helper()
	if b.Line != a.Line+10 || b.Column != a.Column || b.Offset != a.Offset+10 {
		t.Errorf("%s: position %d:%d (offset %d) became %d:%d (offset %d) after 10 blank lines",
			what, a.Line, a.Column, a.Offset, b.Line, b.Column, b.Offset)
	}
}

// rulePositions lists the start and end of every node of r, in a fixed
// order.
func rulePositions(r *Rule) []Pos {
	ps := []Pos{r.Pos(), r.End()}
	var walk func(Expr)
	walk = func(e Expr) {
		if e == nil {
			return
		}
		ps = append(ps, e.Pos(), e.End())
		switch n := e.(type) {
		case *Operator:
			for _, a := range n.Args {
				walk(a)
			}
		case *Not:
			walk(n.X)
		case *Set:
			for _, v := range n.Values {
				ps = append(ps, v.Pos(), v.End())
			}
		}
	}
	walk(r.Recipient)
	walk(r.Filter)
	if r.Limit != nil {
		ps = append(ps, r.Limit.Pos(), r.Limit.End())
	}
	for _, c := range r.Comments {
		ps = append(ps, c.Pos(), c.End())
	}
	return ps
}

// TestHomoglyphs checks that a name written with a letter of another
// script that looks Latin gets its did-you-mean, and that the hint names
// the character, since the suggestion can look just like what was written.
func TestHomoglyphs(t *testing.T) {
	for _, tc := range []struct{ src, hint string }{
		{"audience(1) wh\u0435re age >= 20", "did you mean where? (U+0435 CYRILLIC SMALL LETTER IE looks like e)"},
		{"audience(v\u0456p)", "did you mean vip? (U+0456 CYRILLIC SMALL LETTER BYELORUSSIAN-UKRAINIAN I looks like i)"},
		{"where g\u0435nder in (male)", "did you mean gender? (U+0435 CYRILLIC SMALL LETTER IE looks like e)"},
		{"where area in (t\u03bfkyo)", "did you mean tokyo? (U+03BF GREEK SMALL LETTER OMICRON looks like o)"},
		{"audience(vop)", "did you mean vip?"},
	} {
		_, err := Compile("r.nct", []byte(tc.src), Options{Catalog: badCatalog})
		ds := Diagnostics(err)
		if len(ds) == 0 || ds[0].Hint != tc.hint {
			t.Errorf("%q: diagnostics %v, want the hint %q", tc.src, ds, tc.hint)
		}
	}
}

// TestCompareHintsKeepMeaning checks that the hint for a comparison the
// language lacks offers only rewrites that say what each keeps (age > 20
// is not age >= 20, which includes 20-year-olds), and that the caret
// covers the operator alone, not the space after it.
func TestCompareHintsKeepMeaning(t *testing.T) {
	for _, tc := range []struct {
		src, hint string
		endCol    int
	}{
		{"where age > 20", "age > 20 means ages from 21, which no age bound expresses (the bounds are 15, 20, 25, 30, 35, 40, 45, 50, 55, 60, 65, 70): write age >= 25 (ages from 25) or write age >= 20 (ages from 20)", 12},
		{"where age <= 20", "age <= 20 means ages up to 20, which no age bound expresses (the bounds are 15, 20, 25, 30, 35, 40, 45, 50, 55, 60, 65, 70): write age < 25 (ages up to 24) or write age < 20 (ages up to 19)", 13},
		{"where age > 19", "age > 19 is age >= 20: write age >= 20", 12},
		{"where subscriptionPeriod <= 29", "subscriptionPeriod <= 29 is subscriptionPeriod < 30: write subscriptionPeriod < 30", 28},
	} {
		_, err := Parse("r.nct", []byte(tc.src))
		ds := Diagnostics(err)
		if len(ds) != 1 || ds[0].Hint != tc.hint || ds[0].End.Column != tc.endCol {
			t.Errorf("%q: got %v, want one diagnostic ending at column %d with hint %q", tc.src, ds, tc.endCol, tc.hint)
			for _, d := range ds {
				t.Logf("  %v-%v %s | %s", d.Pos, d.End, d.Msg, d.Hint)
			}
		}
	}
}
