package nctarget

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"sort"
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
// error positions.
func ParseCatalog(filename string, data []byte) (*Catalog, error) {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, jsonError(filename, data, err, `a catalog is a JSON object: {"vip": 5614991017776}`)
	}
	c := &Catalog{entries: make(map[string]CatalogEntry, len(raw))}
	for name, v := range raw {
		e := CatalogEntry{Name: name}
		v = bytes.TrimSpace(v)
		var err error
		switch {
		case bytes.Equal(v, []byte("null")):
		case len(v) > 0 && v[0] == '{':
			err = json.Unmarshal(v, &e)
		default:
			err = json.Unmarshal(v, &e.AudienceGroupID)
		}
		if err != nil {
			p := offsetPos(filename, data, bytes.Index(data, v))
			return nil, &Diagnostic{Pos: p, End: p, Msg: fmt.Sprintf("catalog entry %q: %v", name, err),
				Hint: `give an audienceGroupId: "vip": 5614991017776 or "vip": {"audienceGroupId": 5614991017776}`}
		}
		e.Name = name
		c.entries[name] = e
	}
	return c, nil
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
