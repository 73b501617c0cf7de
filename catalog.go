package nctarget

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"
)

// CatalogEntry is one named audience: its audienceGroupId and, optionally,
// what LINE's audience API reports about it.
type CatalogEntry struct {
	Name            string `json:"-"`
	AudienceGroupID int64  `json:"audienceGroupId"`
	Status          string `json:"status,omitempty"`          // READY, IN_PROGRESS, FAILED, EXPIRED, …
	IsIfaAudience   bool   `json:"isIfaAudience,omitempty"`   // built from advertising ids; cannot be joined with user ids
	ExpireTimestamp int64  `json:"expireTimestamp,omitempty"` // Unix seconds; 0 when it does not expire
	AudienceCount   int64  `json:"audienceCount,omitempty"`   // LINE's own count
}

// Catalog maps audience names to audience groups, so rules can say
// audience(vip) instead of audience(5614991017776). A catalog file is a
// JSON object whose values are either the id or an object with the fields
// of CatalogEntry:
//
//	{"vip": 5614991017776, "lapsed": {"audienceGroupId": 4389303728991, "status": "READY"}}
type Catalog struct {
	entries map[string]CatalogEntry
}

// NewCatalog returns a catalog of the given entries, keyed by their Name.
func NewCatalog(entries ...CatalogEntry) *Catalog {
	c := &Catalog{entries: make(map[string]CatalogEntry, len(entries))}
	for _, e := range entries {
		c.entries[e.Name] = e
	}
	return c
}

// LoadCatalog reads a catalog file.
func LoadCatalog(path string) (*Catalog, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return ParseCatalog(path, data)
}

// ParseCatalog parses a catalog file's contents; filename is used in
// error positions. Every problem is reported at once, each at its line and
// column in the catalog with what to write instead: JSON that is not an
// object, a name given twice (JSON decoders would keep the last silently),
// an id that is not a positive int64, a field of the wrong type, an entry
// with no id. Fields other than CatalogEntry's are ignored, so an
// audienceGroup object of LINE's audience API can be pasted as it is.
func ParseCatalog(filename string, data []byte) (*Catalog, error) {
	root, err := parseJSON(data)
	if err != nil {
		return nil, ErrorList{syntaxDiagnostic(filename, data, err, `a catalog is a JSON object: {"vip": 5614991017776}`)}
	}
	r := catalogReader{filename: filename, data: data}
	if root.kind != '{' {
		r.errorAt(root, `map each audience name to its audienceGroupId: {"vip": 5614991017776}`, "a catalog is a JSON object, not %s", kindName(root.kind))
		return nil, r.errs.Err()
	}
	c := &Catalog{entries: make(map[string]CatalogEntry, len(root.members))}
	for _, m := range root.members {
		if e, ok := r.entry(m.key, m.val); ok {
			c.entries[m.key] = e
		}
	}
	return c, r.errs.Err()
}

// catalogReader collects the problems of one catalog file.
type catalogReader struct {
	filename string
	data     []byte
	errs     ErrorList
}

// errorAt adds an error at the value n.
func (r *catalogReader) errorAt(n *jsonNode, hint, format string, args ...any) {
	p := offsetPos(r.filename, r.data, n.off)
	r.errs.addSpan(p, p, hint, format, args...)
}

// idHint says what an audienceGroupId is.
const idHint = `an audienceGroupId is the positive number LINE's audience API gives the audience: "vip": 5614991017776 or "vip": {"audienceGroupId": 5614991017776}`

// entry checks one catalog value: an id, or an object with CatalogEntry's
// fields.
func (r *catalogReader) entry(name string, n *jsonNode) (CatalogEntry, bool) {
	before := len(r.errs)
	e := CatalogEntry{Name: name}
	if n.kind != '{' {
		e.AudienceGroupID = r.id(name, "", n)
		return e, len(r.errs) == before
	}
	for _, m := range n.members {
		v := m.val
		switch m.key {
		case "audienceGroupId":
			e.AudienceGroupID = r.id(name, ".audienceGroupId", v)
		case "status":
			if r.field(name, m.key, v, 's', `a string such as "READY"`) {
				e.Status = v.text
			}
		case "isIfaAudience":
			if r.field(name, m.key, v, 'b', "true or false") {
				e.IsIfaAudience = v.boolean
			}
		case "expireTimestamp":
			e.ExpireTimestamp = r.wholeNumber(name, m.key, v, "a whole number of seconds since 1970 (Unix time), 0 for none")
		case "audienceCount":
			e.AudienceCount = r.wholeNumber(name, m.key, v, "a whole number")
		}
	}
	if len(r.errs) == before && n.get("audienceGroupId") == nil {
		r.errorAt(n, idHint, "catalog entry %q has no audienceGroupId", name)
	}
	return e, len(r.errs) == before
}

// id checks an audienceGroupId: a JSON number, an integer, positive and
// within int64.
func (r *catalogReader) id(name, path string, n *jsonNode) int64 {
	if n.kind != 'n' {
		hint := idHint
		if n.kind == 's' {
			hint = `write the id as a JSON number, without quotes: "vip": 5614991017776`
		}
		r.errorAt(n, hint, "catalog entry %q%s: want an audienceGroupId (a number), got %s", name, path, kindName(n.kind))
		return 0
	}
	id, err := strconv.ParseInt(n.text, 10, 64)
	if err != nil || id <= 0 {
		r.errorAt(n, idHint, "catalog entry %q%s: audienceGroupId %s is not a positive whole number within int64", name, path, n.text)
		return 0
	}
	return id
}

// field checks that an optional metadata field has the kind it needs,
// reporting it with what it should be otherwise.
func (r *catalogReader) field(name, field string, n *jsonNode, kind byte, want string) bool {
	if n.kind != kind {
		r.errorAt(n, "give "+want+", or leave the field out", "catalog entry %q.%s: want %s, got %s", name, field, want, kindName(n.kind))
		return false
	}
	return true
}

// wholeNumber reads an optional whole-number metadata field.
func (r *catalogReader) wholeNumber(name, field string, n *jsonNode, want string) int64 {
	if !r.field(name, field, n, 'n', want) {
		return 0
	}
	v, err := strconv.ParseInt(n.text, 10, 64)
	if err != nil {
		r.errorAt(n, "give "+want+", or leave the field out", "catalog entry %q.%s: want %s, got %s", name, field, want, n.text)
	}
	return v
}

// Lookup returns the entry named name.
func (c *Catalog) Lookup(name string) (CatalogEntry, bool) {
	if c == nil {
		return CatalogEntry{}, false
	}
	e, ok := c.entries[name]
	return e, ok
}

// ByID returns the entry whose audienceGroupId is id; when several names
// share the id, the first in name order. An entry without an id (its
// AudienceGroupID 0) is found by none: 0 is no id, and decompiling
// audienceGroupId 0 to such a name would turn an id the API rejects into
// a name the catalog cannot resolve.
func (c *Catalog) ByID(id int64) (CatalogEntry, bool) {
	if id == 0 {
		return CatalogEntry{}, false
	}
	for _, name := range c.Names() {
		if e := c.entries[name]; e.AudienceGroupID == id {
			return e, true
		}
	}
	return CatalogEntry{}, false
}

// Names returns the catalog's names in sorted order.
func (c *Catalog) Names() []string {
	if c == nil {
		return nil
	}
	names := make([]string, 0, len(c.entries))
	for n := range c.entries {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Problems returns what makes the entry unsafe to send to at time now:
// a status other than READY, an expiry in the past, or an IFA audience.
func (e CatalogEntry) Problems(now time.Time) []string {
	var ps []string
	if e.Status != "" && e.Status != "READY" {
		ps = append(ps, fmt.Sprintf("audience %q is %s, not READY", e.Name, e.Status))
	}
	if e.ExpireTimestamp > 0 && time.Unix(e.ExpireTimestamp, 0).Before(now) {
		ps = append(ps, fmt.Sprintf("audience %q expired on %s", e.Name, time.Unix(e.ExpireTimestamp, 0).UTC().Format(time.DateOnly)))
	}
	if e.IsIfaAudience {
		ps = append(ps, fmt.Sprintf("audience %q is an IFA audience (advertising ids), which cannot be joined with user ids", e.Name))
	}
	return ps
}

// jsonError converts an encoding/json error into a Diagnostic at the byte
// offset it names.
func jsonError(filename string, data []byte, err error, hint string) *Diagnostic {
	off := 0
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		// Offset is just past the byte at fault, or the end of the input
		// when the input stops short.
		off = int(syn.Offset)
		if off > 0 && off <= len(data) && !strings.HasPrefix(syn.Error(), "unexpected end") {
			off--
		}
	case errors.As(err, &typ):
		off = max(0, int(typ.Offset)-1) // just past the value's first byte
	}
	p := offsetPos(filename, data, off)
	return &Diagnostic{Pos: p, End: p, Msg: err.Error(), Hint: hint}
}

// offsetPos returns the position of byte offset off in data.
func offsetPos(filename string, data []byte, off int) Pos {
	off = max(0, min(off, len(data)))
	p := Pos{Filename: filename, Offset: off, Line: 1, Column: 1}
	head := data[:off]
	if i := bytes.LastIndexByte(head, '\n'); i >= 0 {
		p.Line += bytes.Count(head, []byte("\n"))
		head = head[i+1:]
	}
	p.Column += len([]rune(string(head)))
	return p
}
