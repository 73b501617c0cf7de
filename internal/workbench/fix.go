package workbench

import (
	"regexp"
	"strings"

	"github.com/nctarget/nctarget"
)

// Fix is a quick fix for a diagnostic: replace the text from Start to End
// with NewText. Title says what it does, for a menu or a button.
type Fix struct {
	Title   string   `json:"title"`
	Start   Position `json:"start"`
	End     Position `json:"end"`
	NewText string   `json:"newText"`
}

// The hints that carry an obvious fix, as the compiler words them:
// a did-you-mean and the accepted bounds nearest to a wrong one.
var (
	didYouMean    = regexp.MustCompile(`^did you mean ([A-Za-z_][A-Za-z0-9_]*)\?$`)
	nearestBounds = regexp.MustCompile(`^the nearest valid bounds are (\d+) and (\d+)$`)
	extremeBound  = regexp.MustCompile(`^the (?:largest|smallest) \w+ bound is (\d+)$`)
)

// Fixes returns the quick fixes the hint of d makes obvious, against src:
// the suggested word for a did-you-mean, each nearest accepted bound for a
// bound the API does not take. A fix replaces d's span only when that span
// is one word or number, so it can never swallow more than the mistake.
func Fixes(src []byte, d *nctarget.Diagnostic) []Fix {
	if !d.Pos.IsValid() || d.End.Offset <= d.Pos.Offset || d.End.Offset > len(src) {
		return nil
	}
	span := string(src[d.Pos.Offset:d.End.Offset])
	if !isWord(span) {
		return nil
	}
	var texts []string
	if m := didYouMean.FindStringSubmatch(d.Hint); m != nil {
		texts = m[1:]
	} else if m := nearestBounds.FindStringSubmatch(d.Hint); m != nil {
		texts = m[1:]
	} else if m := extremeBound.FindStringSubmatch(d.Hint); m != nil {
		texts = m[1:]
	}
	start, end := PositionOf(src, d.Pos), PositionOf(src, d.End)
	var fixes []Fix
	for _, t := range texts {
		if t != span {
			fixes = append(fixes, Fix{Title: "replace " + span + " with " + t, Start: start, End: end, NewText: t})
		}
	}
	return fixes
}

// isWord reports whether s is one identifier or number, with no space,
// bracket or quote in it.
func isWord(s string) bool {
	return s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r == '_' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z')
	}) < 0
}
