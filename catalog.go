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
	if err := json.Unmarshal(data, new(map[string]json.RawMessage)); err != nil {
		var typ *json.UnmarshalTypeError
		if errors.As(err, &typ) {
			p := offsetPos(filename, data, firstByte(data, 0))
			return nil, ErrorList{{Pos: p, End: p, Msg: "a catalog is a JSON object, not " + jsonKind(data[p.Offset]),
				Hint: `map each audience name to its audienceGroupId: {"vip": 5614991017776}`}}
		}
		return nil, ErrorList{jsonError(filename, data, err, `a catalog is a JSON object: {"vip": 5614991017776}`)}
	}
	r := catalogReader{filename: filename, data: data, dec: json.NewDecoder(bytes.NewReader(data))}
	r.dec.UseNumber()
	c := &Catalog{entries: make(map[string]CatalogEntry)}
	first := make(map[string]Pos)
	r.dec.Token() // {
	for r.dec.More() {
		keyAt := r.next()
		tok, _ := r.dec.Token()
		name := tok.(string)
		at := r.next()
		var raw json.RawMessage
		r.dec.Decode(&raw)
		if p, dup := first[name]; dup {
			r.errs.AddSpan(keyAt, r.pos(keyAt.Offset+len(r.rawKey(keyAt.Offset))), "give each audience name once",
				"audience name %q is given twice in the catalog (first at %d:%d); the catalog would silently keep one", name, p.Line, p.Column)
			continue
		}
		first[name] = keyAt
		if e, ok := r.entry(name, at, raw); ok {
			c.entries[name] = e
		}
	}
	return c, r.errs.Err()
}

// catalogReader walks a catalog that is valid JSON, keeping positions.
type catalogReader struct {
	filename string
	data     []byte
	dec      *json.Decoder
	errs     ErrorList
}

// next returns the position of the next value or key: the first byte at
// or after the decoder's offset that is not space, ':' or ','.
func (r *catalogReader) next() Pos { return r.pos(firstByte(r.data, int(r.dec.InputOffset()))) }

// pos returns the position of a byte offset.
func (r *catalogReader) pos(off int) Pos { return offsetPos(r.filename, r.data, off) }

// rawKey returns the JSON string starting at off, quotes included.
func (r *catalogReader) rawKey(off int) []byte {
	var raw json.RawMessage
	json.NewDecoder(bytes.NewReader(r.data[off:])).Decode(&raw)
	return raw
}

// idHint says what an audienceGroupId is.
const idHint = `an audienceGroupId is the positive number LINE's audience API gives the audience: "vip": 5614991017776 or "vip": {"audienceGroupId": 5614991017776}`

// entry checks one catalog value at position at: an id, or an object with
// CatalogEntry's fields.
func (r *catalogReader) entry(name string, at Pos, raw json.RawMessage) (CatalogEntry, bool) {
	e := CatalogEntry{Name: name}
	n := len(r.errs)
	switch raw[0] {
	case '{':
		e = r.object(name, at)
		if len(r.errs) == n && e.AudienceGroupID == 0 {
			r.errs.AddSpan(at, r.pos(at.Offset+len(raw)), idHint, "catalog entry %q has no audienceGroupId", name)
		}
	default:
		e.AudienceGroupID = r.id(name, "", at, raw)
	}
	return e, len(r.errs) == n
}

// object reads the fields of an entry object starting at at.
func (r *catalogReader) object(name string, at Pos) CatalogEntry {
	e := CatalogEntry{Name: name}
	dec := json.NewDecoder(bytes.NewReader(r.data[at.Offset:]))
	dec.Token() // {
	for dec.More() {
		tok, _ := dec.Token()
		field := tok.(string)
		p := r.pos(firstByte(r.data, at.Offset+int(dec.InputOffset())))
		var raw json.RawMessage
		dec.Decode(&raw)
		switch field {
		case "audienceGroupId":
			e.AudienceGroupID = r.id(name, ".audienceGroupId", p, raw)
		case "status":
			r.field(name, field, p, raw, &e.Status, "a string such as \"READY\"")
		case "isIfaAudience":
			r.field(name, field, p, raw, &e.IsIfaAudience, "true or false")
		case "expireTimestamp":
			r.field(name, field, p, raw, &e.ExpireTimestamp, "a whole number of seconds since 1970 (Unix time), 0 for none")
		case "audienceCount":
			r.field(name, field, p, raw, &e.AudienceCount, "a whole number")
		}
	}
	return e
}

// id checks an audienceGroupId: a JSON number, an integer, positive and
// within int64.
func (r *catalogReader) id(name, path string, at Pos, raw json.RawMessage) int64 {
	end := r.pos(at.Offset + len(raw))
	if raw[0] != '-' && (raw[0] < '0' || raw[0] > '9') {
		hint := idHint
		if raw[0] == '"' {
			hint = "write the id as a JSON number, without quotes: " + idHint[strings.Index(idHint, `"vip"`):]
		}
		r.errs.AddSpan(at, end, hint, "catalog entry %q%s: want an audienceGroupId (a number), got %s", name, path, jsonKind(raw[0]))
		return 0
	}
	id, err := strconv.ParseInt(string(raw), 10, 64)
	if err != nil || id <= 0 {
		r.errs.AddSpan(at, end, idHint, "catalog entry %q%s: audienceGroupId %s is not a positive whole number within int64", name, path, raw)
		return 0
	}
	return id
}

// field decodes an optional metadata field into dst, reporting a value of
// the wrong type with what it should be.
func (r *catalogReader) field(name, field string, at Pos, raw json.RawMessage, dst any, want string) {
	if err := json.Unmarshal(raw, dst); err != nil {
		r.errs.AddSpan(at, r.pos(at.Offset+len(raw)), "give "+want+", or leave the field out",
			"catalog entry %q.%s: want %s, got %s", name, field, want, jsonKind(raw[0]))
	}
}

// firstByte returns the offset of the first byte at or after off that is
// not JSON white space or a separator (':' or ',').
func firstByte(data []byte, off int) int {
	for off < len(data) {
		switch data[off] {
		case ' ', '\t', '\n', '\r', ':', ',':
			off++
			continue
		}
		break
	}
	return off
}

// jsonKind names the kind of JSON value starting with byte c, for
// messages: "a string", "an array".
func jsonKind(c byte) string {
	switch c {
	case '"':
		return "a string"
	case '[':
		return "an array"
	case '{':
		return "an object"
	case 't', 'f':
		return "a boolean"
	case 'n':
		return "null"
	}
	return "a number"
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
// share the id, the first in name order.
func (c *Catalog) ByID(id int64) (CatalogEntry, bool) {
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
