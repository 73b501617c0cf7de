package nctarget

import (
	"strconv"
	"strings"
)

// This file holds the values the narrowcast API accepts for each
// demographic attribute, and the lookups that turn what a user wrote into
// them. Area codes and names come from areas.go, generated
// from LINE's OpenAPI document.

// Attrs lists the demographic attributes in canonical order.
var Attrs = []Attr{AttrGender, AttrAge, AttrAppType, AttrArea, AttrSubscriptionPeriod}

// attrByName maps a lower-cased attribute name to its Attr.
var attrByName = map[string]Attr{
	"gender": AttrGender, "age": AttrAge, "apptype": AttrAppType,
	"area": AttrArea, "subscriptionperiod": AttrSubscriptionPeriod,
}

// ageBounds and dayBounds are the bounds the API accepts for the two range
// attributes, in increasing order.
var (
	ageBounds = []int{15, 20, 25, 30, 35, 40, 45, 50, 55, 60, 65, 70}
	dayBounds = []int{7, 30, 90, 180, 365}
)

// Bounds returns the range bounds the API accepts for a range attribute, in
// increasing order, or nil for a set attribute.
func (a Attr) Bounds() []int {
	switch a {
	case AttrAge:
		return ageBounds
	case AttrSubscriptionPeriod:
		return dayBounds
	}
	return nil
}

// BoundCode returns the API's value for a range bound: "age_20", "day_30".
func (a Attr) BoundCode(n int) string {
	if a == AttrAge {
		return "age_" + strconv.Itoa(n)
	}
	return "day_" + strconv.Itoa(n)
}

// Codes returns every value the API accepts for a set attribute, in
// canonical order.
func (a Attr) Codes() []string {
	switch a {
	case AttrGender:
		return []string{"male", "female"}
	case AttrAppType:
		return []string{"ios", "android"}
	case AttrArea:
		codes := make([]string, len(areaTable))
		for i, e := range areaTable {
			codes[i] = e.Code
		}
		return codes
	}
	return nil
}

// codeIndexes maps each set attribute's codes to their position in
// Codes(), built once so that lookups do not allocate as Codes does.
var codeIndexes = func() map[Attr]map[string]int {
	m := make(map[Attr]map[string]int)
	for _, a := range []Attr{AttrGender, AttrAppType, AttrArea} {
		m[a] = make(map[string]int)
		for i, c := range a.Codes() {
			m[a][c] = i
		}
	}
	return m
}()

// CodeIndex returns the position of code in a set attribute's Codes(), and
// false when it is not one of them. It is the index the simplifier's
// cells and the evaluator's columns number values by.
func (a Attr) CodeIndex(code string) (int, bool) {
	i, ok := codeIndexes[a][code]
	return i, ok
}

// NumCells returns how many known values an attribute tells apart: its
// codes for a set attribute; for a range attribute, the intervals its
// bounds cut the numbers into (one more than the bounds). Together with
// "unknown" they partition the friends.
func (a Attr) NumCells() int {
	if a.IsRange() {
		return len(a.Bounds()) + 1
	}
	return len(codeIndexes[a])
}

// areaByName maps a lower-cased area code or region name ("jp_13",
// "tokyo", "taipei_city") to its code.
var areaByName = buildAreaNames()

func buildAreaNames() map[string]string {
	m := make(map[string]string, 3*len(areaTable))
	for _, e := range areaTable {
		m[e.Code] = e.Code
		m[areaKey(e.Name)] = e.Code
	}
	// Common spellings beside the official romanizations.
	m["hyogo"] = m["hyougo"]
	m["kochi"] = m["kouchi"]
	return m
}

// areaKey normalizes a region name for lookup: lower case, and spaces or
// hyphens as underscores ("Taipei City" and "taipei-city" are taipei_city).
func areaKey(s string) string {
	return areaSeparators.Replace(strings.ToLower(s))
}

// areaSeparators turns the spaces and hyphens of region names into
// underscores.
var areaSeparators = strings.NewReplacer(" ", "_", "-", "_")

// AreaName returns the official English region name of an area code
// ("jp_13" → "Tokyo"), or "" for an unknown code.
func AreaName(code string) string {
	for _, e := range areaTable {
		if e.Code == code {
			return e.Name
		}
	}
	return ""
}

// lookupCode returns the API value for a set attribute's value as written,
// and whether it is one.
func lookupCode(a Attr, text string) (string, bool) {
	key := strings.ToLower(text)
	if a == AttrArea {
		code, ok := areaByName[areaKey(text)]
		return code, ok
	}
	for _, c := range a.Codes() {
		if c == key {
			return c, true
		}
	}
	return "", false
}

// valueNames returns the spellings a user may write for a set attribute,
// for did-you-mean suggestions.
func valueNames(a Attr) []string {
	if a != AttrArea {
		return a.Codes()
	}
	names := make([]string, 0, len(areaByName))
	for k := range areaByName {
		names = append(names, k)
	}
	return names
}

// nearestBounds returns the accepted bounds just below and above n, for the
// hint on an unaligned bound; either is 0 when there is none.
func nearestBounds(bounds []int, n int64) (below, above int) {
	for _, b := range bounds {
		if int64(b) < n {
			below = b
		} else if int64(b) > n && above == 0 {
			above = b
		}
	}
	return below, above
}

// didYouMean returns the candidate closest to s by edit distance, when it is
// close enough to be a plausible typo, or "". Close enough means at most
// half the length of the shorter word apart (at least one edit), so
// "windows" suggests nothing rather than "ios". Letters of other scripts
// that look Latin count as the Latin letter (confusables.go).
func didYouMean(s string, candidates []string) string {
	s = strings.ToLower(skeleton(s)) // a Cyrillic і in vіp is the i of vip
	best, bestDist := "", -1
	for _, c := range candidates {
		lc := strings.ToLower(c)
		limit := max(1, min(len(s), len(lc))/2)
		if max(len(s)-len(lc), len(lc)-len(s)) > limit { // the distance is at least the difference in length
			continue
		}
		d := editDistance(s, lc)
		if d > limit {
			continue
		}
		if bestDist < 0 || d < bestDist || (d == bestDist && c < best) {
			best, bestDist = c, d
		}
	}
	return best
}

// editDistance is the Levenshtein distance between a and b, in bytes.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
