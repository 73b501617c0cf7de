package nctarget

import (
	"fmt"
	"strings"
)

// This file knows the letters of other scripts that look like Latin ones
// (Cyrillic е, Greek ο), so that a name typed or pasted with one gets a
// did-you-mean that says which character is not what it looks like.

// confusable is a non-Latin letter drawn like a Latin one.
type confusable struct {
	latin rune
	name  string // the Unicode character name
}

// confusables maps each letter to the Latin letter it looks like.
var confusables = map[rune]confusable{
	'а': {'a', "CYRILLIC SMALL LETTER A"}, 'е': {'e', "CYRILLIC SMALL LETTER IE"},
	'о': {'o', "CYRILLIC SMALL LETTER O"}, 'р': {'p', "CYRILLIC SMALL LETTER ER"},
	'с': {'c', "CYRILLIC SMALL LETTER ES"}, 'у': {'y', "CYRILLIC SMALL LETTER U"},
	'х': {'x', "CYRILLIC SMALL LETTER HA"}, 'ѕ': {'s', "CYRILLIC SMALL LETTER DZE"},
	'і': {'i', "CYRILLIC SMALL LETTER BYELORUSSIAN-UKRAINIAN I"}, 'ј': {'j', "CYRILLIC SMALL LETTER JE"},
	'ԁ': {'d', "CYRILLIC SMALL LETTER KOMI DE"}, 'һ': {'h', "CYRILLIC SMALL LETTER SHHA"},
	'ӏ': {'l', "CYRILLIC SMALL LETTER PALOCHKA"},
	'А': {'A', "CYRILLIC CAPITAL LETTER A"}, 'В': {'B', "CYRILLIC CAPITAL LETTER VE"},
	'Е': {'E', "CYRILLIC CAPITAL LETTER IE"}, 'К': {'K', "CYRILLIC CAPITAL LETTER KA"},
	'М': {'M', "CYRILLIC CAPITAL LETTER EM"}, 'Н': {'H', "CYRILLIC CAPITAL LETTER EN"},
	'О': {'O', "CYRILLIC CAPITAL LETTER O"}, 'Р': {'P', "CYRILLIC CAPITAL LETTER ER"},
	'С': {'C', "CYRILLIC CAPITAL LETTER ES"}, 'Т': {'T', "CYRILLIC CAPITAL LETTER TE"},
	'Х': {'X', "CYRILLIC CAPITAL LETTER HA"}, 'І': {'I', "CYRILLIC CAPITAL LETTER BYELORUSSIAN-UKRAINIAN I"},
	'Ј': {'J', "CYRILLIC CAPITAL LETTER JE"}, 'Ѕ': {'S', "CYRILLIC CAPITAL LETTER DZE"},
	'α': {'a', "GREEK SMALL LETTER ALPHA"}, 'ι': {'i', "GREEK SMALL LETTER IOTA"},
	'κ': {'k', "GREEK SMALL LETTER KAPPA"}, 'ν': {'v', "GREEK SMALL LETTER NU"},
	'ο': {'o', "GREEK SMALL LETTER OMICRON"}, 'ρ': {'p', "GREEK SMALL LETTER RHO"},
	'Α': {'A', "GREEK CAPITAL LETTER ALPHA"}, 'Β': {'B', "GREEK CAPITAL LETTER BETA"},
	'Ε': {'E', "GREEK CAPITAL LETTER EPSILON"}, 'Ζ': {'Z', "GREEK CAPITAL LETTER ZETA"},
	'Η': {'H', "GREEK CAPITAL LETTER ETA"}, 'Ι': {'I', "GREEK CAPITAL LETTER IOTA"},
	'Κ': {'K', "GREEK CAPITAL LETTER KAPPA"}, 'Μ': {'M', "GREEK CAPITAL LETTER MU"},
	'Ν': {'N', "GREEK CAPITAL LETTER NU"}, 'Ο': {'O', "GREEK CAPITAL LETTER OMICRON"},
	'Ρ': {'P', "GREEK CAPITAL LETTER RHO"}, 'Τ': {'T', "GREEK CAPITAL LETTER TAU"},
	'Υ': {'Y', "GREEK CAPITAL LETTER UPSILON"}, 'Χ': {'X', "GREEK CAPITAL LETTER CHI"},
}

// skeleton returns s with every confusable letter replaced by the Latin
// letter it looks like.
func skeleton(s string) string {
	return strings.Map(func(r rune) rune {
		if c, ok := confusables[r]; ok {
			return c.latin
		}
		return r
	}, s)
}

// suggest returns the hint "did you mean X?" for s among candidates, or ""
// when none is close (didYouMean). When s holds a letter that only looks
// Latin, the hint names it, since the suggestion may look identical to
// what was written: did you mean where? (U+0435 CYRILLIC SMALL LETTER IE
// looks like e).
func suggest(s string, candidates []string) string {
	best := didYouMean(s, candidates)
	if best == "" {
		return ""
	}
	hint := "did you mean " + best + "?"
	for _, r := range s {
		if c, ok := confusables[r]; ok {
			return hint + fmt.Sprintf(" (%U %s looks like %c)", r, c.name, c.latin)
		}
	}
	return hint
}
