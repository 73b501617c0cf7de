package workbench

import (
	"bytes"
	"regexp"
	"strconv"
	"strings"
	"unicode"

	"github.com/nctarget/nctarget"
)

// Fix is a quick fix for a diagnostic: replace the text from Start to End
// with NewText (Start = End inserts). Title says what it does, for a menu
// or a button.
type Fix struct {
	Title   string   `json:"title"`
	Start   Position `json:"start"`
	End     Position `json:"end"`
	NewText string   `json:"newText"`
}

// The hints that carry an obvious fix, as the compiler words them. The
// tests pin each one on a real diagnostic, so a rewording in the root
// package fails there instead of silently losing the fix.
var (
	didYouMean    = regexp.MustCompile(`^did you mean (.+)\?$`)
	nearestBounds = regexp.MustCompile(`^the nearest valid bounds are (\d+) and (\d+)$`)
	extremeBound  = regexp.MustCompile(`^the (?:largest|smallest) \w+ bound is (\d+)$`)
	quotedWord    = regexp.MustCompile(`"(?:[^"\\]|\\.)*"`)
)

// edit is a fix in byte offsets, before it is placed with positions.
type edit struct {
	title      string
	start, end int
	text       string
}

// Fixes returns the quick fixes the hint of d makes obvious, against src:
// the suggested word for a did-you-mean (quoted when it must be), each
// nearest accepted bound for a bound the API does not take, the missing
// upToRemainingQuota, comma or quotes, ")" for a range closed with "]".
// A fix replaces only the mistaken word or character, never the rest of
// d's span. The fixes are the hint's proposals; Analysis.EditorDiagnostics
// keeps only those that work.
func Fixes(src []byte, d *nctarget.Diagnostic) []Fix {
	var fixes []Fix
	for _, e := range proposeEdits(src, d) {
		fixes = append(fixes, Fix{Title: e.title, Start: PositionAt(src, e.start), End: PositionAt(src, e.end), NewText: e.text})
	}
	return fixes
}

// proposeEdits returns the edits d's hint suggests.
func proposeEdits(src []byte, d *nctarget.Diagnostic) []edit {
	if !d.Pos.IsValid() || d.Pos.Offset > len(src) {
		return nil
	}
	start := d.Pos.Offset
	end := max(start, min(d.End.Offset, len(src)))
	switch {
	case didYouMean.MatchString(d.Hint):
		return renameEdit(src, d, start, end, didYouMean.FindStringSubmatch(d.Hint)[1])
	case nearestBounds.MatchString(d.Hint):
		m := nearestBounds.FindStringSubmatch(d.Hint)
		return replaceNumber(src, start, end, m[1], m[2])
	case extremeBound.MatchString(d.Hint):
		return replaceNumber(src, start, end, extremeBound.FindStringSubmatch(d.Hint)[1])
	case d.Msg == "range closed with ]" && start < len(src) && src[start] == ']':
		return []edit{{"replace ] with )", start, start + 1, ")"}}
	case d.Msg == "forbidPartialDelivery requires upToRemainingQuota":
		if i := indexFold(src[start:end], "forbidPartialDelivery"); i >= 0 {
			return []edit{{"add upToRemainingQuota", start + i, start + i, "upToRemainingQuota "}}
		}
	case strings.HasPrefix(d.Msg, "missing comma before "):
		at := len(bytes.TrimRightFunc(src[:start], unicode.IsSpace))
		return []edit{{"add a comma", at, at, ","}}
	case d.Msg == "trailing comma in the argument list":
		if at := len(bytes.TrimRightFunc(src[:start], unicode.IsSpace)); at > 0 && src[at-1] == ',' {
			return []edit{{"remove the comma", at - 1, at, ""}}
		}
	case strings.HasPrefix(d.Hint, "a name that is a keyword must be quoted") && end > start:
		word := string(src[start:end])
		return []edit{{"quote " + word, start, end, strconv.Quote(word)}}
	}
	return nil
}

// replaceNumber replaces the number at [start, end) with each of texts.
func replaceNumber(src []byte, start, end int, texts ...string) []edit {
	span := string(src[start:end])
	if _, err := strconv.Atoi(span); err != nil {
		return nil
	}
	var edits []edit
	for _, t := range texts {
		edits = append(edits, edit{"replace " + span + " with " + t, start, end, t})
	}
	return edits
}

// renameEdit replaces the word d's message quotes (the mistake as
// written) with suggestion, where it appears in d's span; it quotes the
// suggestion when it is not a bare name, and escapes it when the mistake
// was inside quotes.
func renameEdit(src []byte, d *nctarget.Diagnostic, start, end int, suggestion string) []edit {
	word, err := strconv.Unquote(quotedWord.FindString(d.Msg))
	if err != nil || word == "" || word == suggestion {
		return nil
	}
	end = max(end, min(len(src), start+len(word))) // a diagnostic at one point: the word from there
	i := bytes.Index(src[start:end], []byte(word))
	if i < 0 {
		return nil
	}
	at := start + i
	text := suggestion
	switch inQuotes := at > 0 && src[at-1] == '"'; {
	case inQuotes:
		text = strings.Trim(strconv.Quote(suggestion), `"`)
	case !isBareName(suggestion):
		text = strconv.Quote(suggestion)
	}
	return []edit{{"replace " + word + " with " + suggestion, at, at + len(word), text}}
}

// isBareName reports whether s can be written without quotes: letters of
// any script, digits, '_', '-' and '.', starting with a letter or '_', and
// not a keyword.
func isBareName(s string) bool {
	for i, r := range s {
		if !(r == '_' || unicode.IsLetter(r) || i > 0 && (unicode.IsDigit(r) || r == '-' || r == '.')) {
			return false
		}
	}
	return s != "" && !isKeyword(s)
}

// isKeyword reports whether word is a keyword of the language, in any
// case; keywords are never names.
func isKeyword(word string) bool {
	switch strings.ToLower(word) {
	case "and", "or", "not", "in", "where", "limit":
		return true
	}
	return false
}

// indexFold returns the index of the first ASCII-case-insensitive match
// of word in s, or -1.
func indexFold(s []byte, word string) int {
	for i := 0; i+len(word) <= len(s); i++ {
		if strings.EqualFold(string(s[i:i+len(word)]), word) {
			return i
		}
	}
	return -1
}

// maxCheckedBytes bounds the source one EditorDiagnostics compiles to
// check fixes: each check compiles the whole fixed rule, so a rule of a
// few hundred bytes has all its fixes checked (up to maxCheckedFixes) and
// a 64 KiB rule with a hundred mistakes only its first few, keeping a
// keystroke's analysis short. WorkingFixes checks one diagnostic's fixes
// whatever the size, for an editor that asks for them one at a time.
const (
	maxCheckedBytes = 256 << 10
	maxCheckedFixes = 40
)

// WorkingFixes returns the fixes of d that work: the rule each gives is
// free of d's message and, for a rule that parses, has fewer errors (a
// syntax error hides the errors after it, so there the count says
// nothing). So age[30,33) is offered 35 but not 30, which would leave an
// empty range.
func (a *Analysis) WorkingFixes(d *nctarget.Diagnostic) []Fix {
	budget := len(proposeEdits(a.Source, d))
	return a.workingFixes(d, &budget)
}

// workingFixes is WorkingFixes checking at most *budget fixes, counting
// them off.
func (a *Analysis) workingFixes(d *nctarget.Diagnostic, budget *int) []Fix {
	var fixes []Fix
	for _, e := range proposeEdits(a.Source, d) {
		if *budget <= 0 {
			break
		}
		*budget--
		if a.fixWorks(d, e) {
			fixes = append(fixes, Fix{Title: e.title, Start: PositionAt(a.Source, e.start), End: PositionAt(a.Source, e.end), NewText: e.text})
		}
	}
	return fixes
}

// fixWorks reports whether applying e removes d and lowers the error count.
func (a *Analysis) fixWorks(d *nctarget.Diagnostic, e edit) bool {
	fixed := make([]byte, 0, len(a.Source)+len(e.text))
	fixed = append(append(append(fixed, a.Source[:e.start]...), e.text...), a.Source[e.end:]...)
	_, err := nctarget.Compile(a.Name, fixed, a.opts)
	after := nctarget.Diagnostics(err)
	if a.Rule != nil && a.Request == nil && len(after) >= len(a.Diagnostics) {
		return false
	}
	for _, x := range after {
		if x.Msg == d.Msg {
			return false
		}
	}
	return true
}
