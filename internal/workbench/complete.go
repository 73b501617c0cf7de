package workbench

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/nctarget/nctarget"
)

// CompletionKind says what a completion is, so an editor can show it with
// the right icon.
type CompletionKind int

// The kinds of completion.
const (
	CompleteKeyword   CompletionKind = iota + 1 // and, where, limit, upToRemainingQuota, …
	CompleteAtom                                // audience, redelivery
	CompleteAttribute                           // gender, age, …
	CompleteValue                               // male, ios, jp_13, tokyo
	CompleteAudience                            // a catalog name
	CompleteBound                               // a range bound the API accepts
)

// Completion is one thing an editor may insert at the cursor.
type Completion struct {
	Label  string         // what is inserted, and shown
	Kind   CompletionKind // what it is
	Detail string         // a short note shown beside it: an area's code or name, an audience's id
}

// Completions are the candidates at a cursor, and the bytes [Pos, End)
// they replace: the part of a word already typed.
type Completions struct {
	Pos, End int
	Items    []Completion
}

// Complete returns what may be written at byte offset off: keywords, the
// atoms and attributes that fit there, the tests an attribute takes after
// its name, an attribute's values inside in (…) (area codes and names),
// catalog audience names inside audience(…), and the bounds the API
// accepts inside a range or after a comparison. It reads only the source
// before off, so it works on a rule that does not parse yet, as a rule
// being typed does not.
func (a *Analysis) Complete(off int) Completions {
	src := a.Source
	off = max(0, min(off, len(src)))
	ctx := scanContext(src[:off])
	c := Completions{Pos: ctx.wordStart, End: off}
	switch {
	case ctx.inString && ctx.call == "audience":
		c.Items = a.audienceNames(true)
	case ctx.inString || ctx.inComment:
	case ctx.call == "audience":
		c.Items = a.audienceNames(false)
	case ctx.call == "redelivery":
	case ctx.inList != 0:
		c.Items = valueItems(ctx.inList, ctx.listed)
	case ctx.inRange != 0:
		c.Items = boundItems(ctx.inRange, ctx.lower)
	case ctx.compared != 0 && ctx.op == "=":
		c.Items = valueItems(ctx.compared, nil)
	case ctx.compared != 0:
		c.Items = boundItems(ctx.compared, 0)
	case ctx.inLimit:
		c.Items = limitItems(ctx)
	default:
		c.Items = clauseItems(ctx)
	}
	return c
}

// audienceNames completes the catalog's names, quoted when they must be
// or when the cursor is inside quotes already (then without the quotes).
func (a *Analysis) audienceNames(inString bool) []Completion {
	var items []Completion
	for _, name := range a.opts.Catalog.Names() {
		e, _ := a.opts.Catalog.Lookup(name)
		label := name
		switch {
		case inString:
			label = strings.Trim(strconv.Quote(name), `"`)
		case !isBareName(name) || isKeyword(name):
			label = strconv.Quote(name)
		}
		items = append(items, Completion{Label: label, Kind: CompleteAudience, Detail: fmt.Sprintf("audience group %d", e.AudienceGroupID)})
	}
	return items
}

// valueItems completes the values of a set attribute, leaving out those
// already listed; areas come as codes (with their names) and names (with
// their codes).
func valueItems(attr nctarget.Attr, listed []string) []Completion {
	var items []Completion
	for _, code := range attr.Codes() {
		if attr != nctarget.AttrArea {
			if !slices.Contains(listed, code) {
				items = append(items, Completion{Label: code, Kind: CompleteValue, Detail: attr.String()})
			}
			continue
		}
		name := nctarget.AreaName(code)
		key := strings.NewReplacer(" ", "_", "-", "_").Replace(strings.ToLower(name))
		if slices.Contains(listed, code) || slices.Contains(listed, key) {
			continue
		}
		items = append(items,
			Completion{Label: code, Kind: CompleteValue, Detail: name},
			Completion{Label: key, Kind: CompleteValue, Detail: code})
	}
	return items
}

// boundItems completes the bounds the API accepts for a range attribute,
// above lower when the range's lower bound is written.
func boundItems(attr nctarget.Attr, lower int) []Completion {
	var items []Completion
	for _, b := range attr.Bounds() {
		if b > lower {
			items = append(items, Completion{Label: strconv.Itoa(b), Kind: CompleteBound, Detail: attr.BoundCode(b)})
		}
	}
	return items
}

// limitItems completes the options of a limit clause not yet given.
func limitItems(ctx context) []Completion {
	var items []Completion
	for _, opt := range []string{"upToRemainingQuota", "forbidPartialDelivery"} {
		if !ctx.seen[strings.ToLower(opt)] {
			items = append(items, Completion{Label: opt, Kind: CompleteKeyword, Detail: "limit option"})
		}
	}
	return items
}

// clauseItems completes the start of a condition (not, the atoms or
// attributes of the side of where the cursor is on) or, after a complete
// condition, the words that may follow one.
func clauseItems(ctx context) []Completion {
	if attr := attrNamed(ctx.last); attr != 0 && ctx.inWhere {
		return testItems(attr)
	}
	if ctx.afterOperand {
		items := []Completion{{Label: "and", Kind: CompleteKeyword}, {Label: "or", Kind: CompleteKeyword}}
		if ctx.depth == 0 && !ctx.inWhere {
			items = append(items, Completion{Label: "where", Kind: CompleteKeyword})
		}
		if ctx.depth == 0 {
			items = append(items, Completion{Label: "limit", Kind: CompleteKeyword})
		}
		return items
	}
	items := []Completion{{Label: "not", Kind: CompleteKeyword}}
	if ctx.inWhere {
		for _, attr := range nctarget.Attrs {
			items = append(items, Completion{Label: attr.String(), Kind: CompleteAttribute, Detail: "demographic attribute"})
		}
		return items
	}
	items = append(items,
		Completion{Label: "audience", Kind: CompleteAtom, Detail: "audience(id) or audience(name)"},
		Completion{Label: "redelivery", Kind: CompleteAtom, Detail: `redelivery("request id")`})
	if ctx.depth == 0 && ctx.last == "" {
		items = append(items, Completion{Label: "where", Kind: CompleteKeyword}, Completion{Label: "limit", Kind: CompleteKeyword})
	}
	return items
}

// testItems completes what follows an attribute's name: the tests it
// takes.
func testItems(attr nctarget.Attr) []Completion {
	if attr.IsRange() {
		return []Completion{
			{Label: "[", Kind: CompleteKeyword, Detail: fmt.Sprintf("a range: %s[%d,%d)", attr, attr.Bounds()[1], attr.Bounds()[2])},
			{Label: ">=", Kind: CompleteKeyword, Detail: "at least a bound"},
			{Label: "<", Kind: CompleteKeyword, Detail: "below a bound"}}
	}
	return []Completion{
		{Label: "in", Kind: CompleteKeyword, Detail: fmt.Sprintf("%s in (%s)", attr, attr.Codes()[0])},
		{Label: "not in", Kind: CompleteKeyword, Detail: fmt.Sprintf("%s not in (%s)", attr, attr.Codes()[0])},
		{Label: "=", Kind: CompleteKeyword, Detail: fmt.Sprintf("%s = %s", attr, attr.Codes()[0])}}
}

// context is what the source before the cursor says about the cursor's
// place in the rule.
type context struct {
	wordStart    int  // where the word under the cursor starts
	inString     bool // inside "…"
	inComment    bool // after # on the cursor's line
	inWhere      bool // after where
	inLimit      bool // after limit
	depth        int  // open parentheses and brackets
	last         string
	afterOperand bool            // the last token ends a condition
	call         string          // "audience" or "redelivery" inside its parentheses
	inList       nctarget.Attr   // inside attr in (…)
	listed       []string        // the values of that list so far, lower case
	inRange      nctarget.Attr   // inside attr[…]
	lower        int             // the lower bound written in that range, after its comma
	compared     nctarget.Attr   // just after attr >=, attr < or attr =
	op           string          // that comparison
	seen         map[string]bool // the lower-case words seen, for limit options
	beforeNot    string          // the token before the last not: the attribute of attr not in (
}

// opening is an open bracket and what it opens.
type opening struct {
	call   string        // audience or redelivery
	list   nctarget.Attr // attr in (
	rng    nctarget.Attr // attr[
	listed []string
	lower  int
}

// scanContext reads the source before the cursor, token by token: the
// word at its end is the one being typed, what the completion replaces,
// and the rest says where the cursor is.
func scanContext(src []byte) context {
	ctx := context{seen: map[string]bool{}, wordStart: len(src)}
	var stack []opening
	var prev, prev2 string // the last two tokens, lower case
	scan(src, func(t token) bool {
		switch {
		case t.kind == tokComment:
			ctx.inComment = t.end == len(src)
			return true
		case t.kind == tokString && !t.closed && t.end == len(src):
			ctx.inString, ctx.wordStart = true, t.start+1
			return false
		case t.kind == tokWord && t.end == len(src):
			ctx.wordStart = t.start
			return false
		}
		tok := strings.ToLower(string(src[t.start:t.end]))
		stack = ctx.token(tok, prev, prev2, stack)
		prev2, prev = prev, tok
		return true
	})
	ctx.applyStack(stack)
	return ctx
}

// token updates the context and the bracket stack for one token; prev
// and prev2 are the two before it.
func (ctx *context) token(tok, prev, prev2 string, stack []opening) []opening {
	ctx.seen[tok] = true
	ctx.last, ctx.compared, ctx.op = tok, 0, ""
	ctx.afterOperand = tok == ")" || tok == "]" || !isKeyword(tok) && (isWordRune(firstRune(tok)) || tok[0] == '"')
	switch tok {
	case "where":
		ctx.inWhere = true
	case "limit":
		ctx.inLimit = true
	case "(":
		o := opening{}
		switch {
		case prev == "in" && attrNamed(prev2) != 0:
			o.list = attrNamed(prev2)
		case prev == "in": // attr not in (
			o.list = attrNamed(ctx.beforeNot)
		case prev == "audience" || prev == "redelivery":
			o.call = prev
		}
		stack = append(stack, o)
	case "[":
		stack = append(stack, opening{rng: attrNamed(prev)})
	case ")", "]":
		if len(stack) > 0 {
			stack = stack[:len(stack)-1]
		}
	case ">=", "<", "=", ">", "<=":
		ctx.compared, ctx.op = attrNamed(prev), tok
	case ",":
	default:
		if n := len(stack); n > 0 {
			top := &stack[n-1]
			if top.list != 0 {
				top.listed = append(top.listed, strings.Trim(tok, `"`))
			}
			if top.rng != 0 && prev == "[" {
				top.lower, _ = strconv.Atoi(tok)
			}
		}
	}
	if tok == "not" {
		ctx.beforeNot = prev
	}
	if tok == "(" || tok == "[" {
		ctx.afterOperand = false
	}
	return stack
}

// applyStack sets what the innermost open bracket says about the cursor.
func (ctx *context) applyStack(stack []opening) {
	ctx.depth = len(stack)
	if len(stack) == 0 {
		return
	}
	top := stack[len(stack)-1]
	ctx.call, ctx.inList, ctx.listed, ctx.inRange = top.call, top.list, top.listed, top.rng
	if top.rng != 0 && ctx.last == "," {
		ctx.lower = top.lower
	}
}

func firstRune(s string) rune {
	r, _ := utf8.DecodeRuneInString(s)
	return r
}
