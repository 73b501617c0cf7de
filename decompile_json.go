package nctarget

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// This file reads JSON into a small tree that remembers the byte offset of
// every value and key, so the decompiler can point at the exact spot of a
// problem. encoding/json's Decoder does the tokenizing; the tree adds the
// offsets, keeps object keys in order and rejects duplicate keys, which
// encoding/json would silently let the last one win.

// jsonNode is one JSON value.
type jsonNode struct {
	off     int          // byte offset of the value's first character
	kind    byte         // '{' object, '[' array, 's' string, 'n' number, 'b' bool, '0' null
	text    string       // a string's value or a number's text
	boolean bool         // a bool's value
	members []jsonMember // an object's members, in order
	elems   []*jsonNode  // an array's elements
}

// jsonMember is one key of an object and its value.
type jsonMember struct {
	key string
	off int // byte offset of the key
	val *jsonNode
}

// get returns the value of key in an object, or nil.
func (n *jsonNode) get(key string) *jsonNode {
	for _, m := range n.members {
		if m.key == key {
			return m.val
		}
	}
	return nil
}

// kindName names a JSON kind for messages.
func kindName(k byte) string {
	return map[byte]string{'{': "an object", '[': "an array", 's': "a string", 'n': "a number", 'b': "a boolean", '0': "null"}[k]
}

// maxJSONDepth bounds nesting, so a hostile input cannot exhaust the
// stack. It is encoding/json's own limit: a rule of thousands of nested
// nots compiles to JSON that deep.
const maxJSONDepth = 10000

// jsonReader builds a jsonNode tree from a Decoder's tokens.
type jsonReader struct {
	dec  *json.Decoder
	data []byte
}

// parseJSON parses data, which must hold exactly one JSON value. Errors
// are a *json.SyntaxError whose Offset counts from the start of data (just
// past the first byte that is not JSON), or a *Diagnostic-ready
// offsetError. Rules' JSON, catalogs and message files all read through
// it, so each reports a syntax error at the same byte.
func parseJSON(data []byte) (*jsonNode, error) {
	r := &jsonReader{dec: json.NewDecoder(bytes.NewReader(data)), data: data}
	r.dec.UseNumber()
	n, err := r.value(0)
	var syn *json.SyntaxError
	if errors.As(err, &syn) {
		// The Decoder counts its offsets from where its current token
		// began; a scan of the whole input names the byte where the input
		// stops being JSON.
		var raw json.RawMessage
		if whole := json.Unmarshal(data, &raw); whole != nil {
			return nil, whole
		}
	}
	if err != nil {
		return nil, err
	}
	end := r.start()
	if _, err := r.dec.Token(); err != io.EOF {
		return nil, &offsetError{end, "extra data after the JSON value", "give one JSON object"}
	}
	return n, nil
}

// offsetError is a problem at a byte offset of the input.
type offsetError struct {
	off       int
	msg, hint string
}

func (e *offsetError) Error() string { return e.msg }

// start returns the offset of the next token: past whitespace and the
// separators the Decoder has not consumed yet.
func (r *jsonReader) start() int {
	off := int(r.dec.InputOffset())
	for off < len(r.data) && bytes.IndexByte([]byte(" \t\r\n:,"), r.data[off]) >= 0 {
		off++
	}
	return off
}

// token returns the next token; the end of the input in the middle of a
// value is an error at the end.
func (r *jsonReader) token() (json.Token, error) {
	tok, err := r.dec.Token()
	if err == io.EOF || errors.Is(err, io.ErrUnexpectedEOF) {
		return nil, &offsetError{len(r.data), "unexpected end of JSON input", "complete the JSON value"}
	}
	return tok, err
}

func (r *jsonReader) value(depth int) (*jsonNode, error) {
	n := &jsonNode{off: r.start()}
	if depth > maxJSONDepth {
		return nil, &offsetError{n.off, fmt.Sprintf("JSON nested too deep (limit %d)", maxJSONDepth), "no narrowcast request nests this deep"}
	}
	tok, err := r.token()
	if err != nil {
		return nil, err
	}
	switch t := tok.(type) {
	case json.Delim:
		n.kind = byte(t)
		if t == '{' {
			return n, r.object(n, depth)
		}
		return n, r.array(n, depth)
	case string:
		n.kind, n.text = 's', t
	case json.Number:
		n.kind, n.text = 'n', string(t)
	case bool:
		n.kind, n.boolean = 'b', t
	default:
		n.kind = '0'
	}
	return n, nil
}

func (r *jsonReader) object(n *jsonNode, depth int) error {
	for r.dec.More() {
		off := r.start()
		tok, err := r.token()
		if err != nil {
			return err
		}
		key := tok.(string) // the Decoder only returns strings in key position
		if n.get(key) != nil {
			return &offsetError{off, fmt.Sprintf("duplicate key %q", key), "give each key once"}
		}
		val, err := r.value(depth + 1)
		if err != nil {
			return err
		}
		n.members = append(n.members, jsonMember{key, off, val})
	}
	_, err := r.token() // '}'
	return err
}

func (r *jsonReader) array(n *jsonNode, depth int) error {
	for r.dec.More() {
		val, err := r.value(depth + 1)
		if err != nil {
			return err
		}
		n.elems = append(n.elems, val)
	}
	_, err := r.token() // ']'
	return err
}
