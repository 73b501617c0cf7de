package workbench

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/nctarget/nctarget"
)

// Hover is what an editor shows for the place under the pointer: what
// the atom there means, its narrowcast JSON, an area's official name and
// code, an audience's catalog entry, or what a keyword does.
type Hover struct {
	Pos, End int    // the byte span described, [Pos, End)
	Markdown string // the description, in Markdown
}

// Hover describes the atom, value or keyword at byte offset off, and
// reports whether there is one.
func (a *Analysis) Hover(off int) (Hover, bool) {
	if a.Rule != nil {
		if l := a.Rule.Limit; l != nil && contains(l, off) {
			return a.hoverLimit(l), true
		}
		for _, e := range []nctarget.Expr{a.Rule.Recipient, a.Rule.Filter} {
			if atom := atomAt(e, off); atom != nil {
				return a.hoverAtom(atom, off), true
			}
		}
	}
	start, end := wordAt(a.Source, off)
	if doc, ok := keywordDocs[strings.ToLower(string(a.Source[start:end]))]; ok {
		return Hover{Pos: start, End: end, Markdown: doc}, true
	}
	return Hover{}, false
}

// contains reports whether byte offset off is inside n.
func contains(n nctarget.Node, off int) bool {
	return n.Pos().Offset <= off && off < n.End().Offset
}

// atomAt returns the atom of e whose source holds byte offset off, or nil.
func atomAt(e nctarget.Expr, off int) nctarget.Expr {
	for _, atom := range nctarget.Atoms(e) {
		if contains(atom, off) {
			return atom
		}
	}
	return nil
}

// hoverAtom describes one atom; off picks the value of a set.
func (a *Analysis) hoverAtom(atom nctarget.Expr, off int) Hover {
	h := Hover{Pos: atom.Pos().Offset, End: atom.End().Offset}
	var b strings.Builder
	fmt.Fprintf(&b, "**%s**\n\n", atom)
	switch x := atom.(type) {
	case *nctarget.Audience:
		a.describeAudience(&b, x)
		if x.Name != "" { // the JSON carries the id the catalog gives the name
			resolved := *x
			resolved.ID = a.catalogID(x.Name)
			atom = &resolved
		}
		if atom.(*nctarget.Audience).ID <= 0 { // nothing to compile
			h.Markdown = b.String()
			return h
		}
	case *nctarget.Redelivery:
		fmt.Fprintf(&b, "The friends who received the narrowcast whose `X-Line-Request-Id` was `%s`. LINE accepts only a narrowcast of the last 7 days whose delivery succeeded.\n\n", x.RequestID)
	case *nctarget.Set:
		for _, v := range x.Values {
			if contains(v, off) {
				h.Pos, h.End = v.Pos().Offset, v.End().Offset
				describeValue(&b, x.Attr, v)
			}
		}
		describeSet(&b, x)
	case *nctarget.Range:
		describeRange(&b, x)
	}
	fmt.Fprintf(&b, "```json\n%s\n```\n", atomJSON(atom))
	h.Markdown = b.String()
	return h
}

// catalogID returns the audienceGroupId of a catalog name, or 0.
func (a *Analysis) catalogID(name string) int64 {
	e, _ := a.opts.Catalog.Lookup(name)
	return e.AudienceGroupID
}

// describeAudience writes what audience(…) selects and its catalog entry.
func (a *Analysis) describeAudience(b *strings.Builder, x *nctarget.Audience) {
	entry, ok := a.opts.Catalog.Lookup(x.Name)
	if x.Name == "" {
		entry, ok = a.opts.Catalog.ByID(x.ID)
	}
	switch {
	case x.Name != "" && a.opts.Catalog == nil:
		fmt.Fprintf(b, "The audience named `%s` in the audience catalog, but no catalog was given: pass one (`--catalog FILE`) or write the id.\n\n", x.Name)
		return
	case x.Name != "" && !ok:
		fmt.Fprintf(b, "The audience named `%s`, which is not in the catalog.\n\n", x.Name)
		return
	case ok:
		fmt.Fprintf(b, "The friends in audience group %d, catalog entry `%s`.\n\n", entry.AudienceGroupID, entry.Name)
		writeEntry(b, entry)
	default:
		fmt.Fprintf(b, "The friends in audience group %d; members who are not friends never receive anything.\n\n", x.ID)
	}
}

// writeEntry writes what the catalog knows of an audience.
func writeEntry(b *strings.Builder, e nctarget.CatalogEntry) {
	var facts []string
	if e.Status != "" {
		facts = append(facts, "status "+e.Status)
	}
	if e.AudienceCount > 0 {
		facts = append(facts, fmt.Sprintf("%d users (LINE's count)", e.AudienceCount))
	}
	if e.ExpireTimestamp > 0 {
		facts = append(facts, "expires "+time.Unix(e.ExpireTimestamp, 0).UTC().Format(time.DateOnly))
	}
	if e.IsIfaAudience {
		facts = append(facts, "IFA audience (advertising ids)")
	}
	if len(facts) > 0 {
		fmt.Fprintf(b, "%s\n\n", strings.Join(facts, " · "))
	}
	for _, p := range e.Problems(time.Now()) {
		fmt.Fprintf(b, "⚠ %s\n\n", p)
	}
}

// describeValue writes what one value of a set is: an area's official
// name and code.
func describeValue(b *strings.Builder, attr nctarget.Attr, v nctarget.Value) {
	if attr == nctarget.AttrArea {
		fmt.Fprintf(b, "`%s`: %s, area code `%s`\n\n", v.Text, nctarget.AreaName(v.Code), v.Code)
		return
	}
	fmt.Fprintf(b, "`%s`: the %s value `%s`\n\n", v.Text, attr, v.Code)
}

// describeSet writes which friends a set atom matches.
func describeSet(b *strings.Builder, x *nctarget.Set) {
	var vals []string
	for _, v := range x.Values {
		if x.Attr == nctarget.AttrArea {
			vals = append(vals, fmt.Sprintf("%s (`%s`)", nctarget.AreaName(v.Code), v.Code))
		} else {
			vals = append(vals, "`"+v.Code+"`")
		}
	}
	fmt.Fprintf(b, "Friends whose %s is known and is %s. A friend whose %s LINE does not know never matches.\n\n",
		x.Attr, strings.Join(vals, " or "), x.Attr)
}

// describeRange writes which friends a range atom matches.
func describeRange(b *strings.Builder, x *nctarget.Range) {
	what := "age"
	if x.Attr == nctarget.AttrSubscriptionPeriod {
		what = "days as a friend"
	}
	var cond string
	switch {
	case x.Gte > 0 && x.Lt > 0:
		cond = fmt.Sprintf("%d ≤ %s < %d", x.Gte, what, x.Lt)
	case x.Gte > 0:
		cond = fmt.Sprintf("%s ≥ %d", what, x.Gte)
	case x.Lt > 0:
		cond = fmt.Sprintf("%s < %d", what, x.Lt)
	default:
		return
	}
	fmt.Fprintf(b, "Friends whose %s is known and %s (the range is half-open: it includes its lower bound, not its upper one). A friend whose %s LINE does not know never matches.\n\n",
		x.Attr, cond, x.Attr)
}

// hoverLimit describes the limit clause and its JSON.
func (a *Analysis) hoverLimit(l *nctarget.Limit) Hover {
	var b strings.Builder
	fmt.Fprintf(&b, "**%s**\n\n", l)
	if l.Max > 0 {
		fmt.Fprintf(&b, "At most %d recipients (`limit.max`).\n\n", l.Max)
	}
	if l.UpToRemainingQuota {
		b.WriteString(keywordDocs["uptoremainingquota"] + "\n\n")
	}
	if l.ForbidPartialDelivery {
		b.WriteString(keywordDocs["forbidpartialdelivery"] + "\n\n")
	}
	body := (&nctarget.Request{Rule: &nctarget.Rule{Limit: l}}).JSON(false)
	var parts struct{ Limit json.RawMessage }
	json.Unmarshal(body, &parts)
	fmt.Fprintf(&b, "```json\n%s\n```\n", indentJSON(parts.Limit))
	return Hover{Pos: l.Pos().Offset, End: l.End().Offset, Markdown: b.String()}
}

// atomJSON returns the narrowcast JSON object of one atom, indented, as
// the compiler writes it.
func atomJSON(atom nctarget.Expr) string {
	rule := &nctarget.Rule{Recipient: atom}
	if _, ok := nctarget.AttrOf(atom); ok {
		rule = &nctarget.Rule{Filter: atom}
	}
	body := (&nctarget.Request{Rule: rule}).JSON(false)
	var parts struct {
		Recipient json.RawMessage
		Filter    struct{ Demographic json.RawMessage }
	}
	json.Unmarshal(body, &parts)
	if parts.Recipient != nil {
		return indentJSON(parts.Recipient)
	}
	return indentJSON(parts.Filter.Demographic)
}

func indentJSON(raw json.RawMessage) string {
	var out bytes.Buffer
	if json.Indent(&out, raw, "", "  ") != nil {
		return string(raw)
	}
	return out.String()
}

// wordAt returns the span of the word (letters, digits, '_') at byte
// offset off, or an empty span at off.
func wordAt(src []byte, off int) (start, end int) {
	off = max(0, min(off, len(src)))
	start, end = off, off
	for start > 0 {
		r, size := utf8.DecodeLastRune(src[:start])
		if !isWordRune(r) {
			break
		}
		start -= size
	}
	for end < len(src) {
		r, size := utf8.DecodeRune(src[end:])
		if !isWordRune(r) {
			break
		}
		end += size
	}
	return start, end
}

func isWordRune(r rune) bool { return r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r) }

// keywordDocs say what each keyword and limit option does, by lower-case
// spelling.
var keywordDocs = map[string]string{
	"and":                   "**and**: both sides hold; the recipients or friends in both. JSON: `{\"type\":\"operator\",\"and\":[…]}`. `not` binds tighter than `and`, `and` tighter than `or`.",
	"or":                    "**or**: either side holds; the recipients or friends in either. JSON: `{\"type\":\"operator\",\"or\":[…]}`. `or` binds loosest.",
	"not":                   "**not**: the friends the condition does not select. In a where clause that includes friends whose attribute LINE does not know: `not gender in (male)` keeps friends of unknown gender. JSON: `{\"type\":\"operator\",\"not\":{…}}`.",
	"in":                    "**in**: the attribute is one of the listed values: `gender in (male, female)`, `area in (tokyo, jp_27)`.",
	"where":                 "**where**: the demographic filter (`filter.demographic`): which of the recipients receive the message, by gender, age, appType, area and subscriptionPeriod.",
	"limit":                 "**limit**: caps the recipients (`limit.max`, at least 1) and sets `upToRemainingQuota` and `forbidPartialDelivery`.",
	"uptoremainingquota":    "**upToRemainingQuota**: send to as many recipients as the remaining message quota allows (`limit.upToRemainingQuota`).",
	"forbidpartialdelivery": "**forbidPartialDelivery**: send nothing rather than part of the recipients when the quota does not cover them all (`limit.forbidPartialDelivery`); it requires upToRemainingQuota.",
}
