package lsp

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"
)

// This file is the base protocol of LSP: JSON-RPC 2.0 messages, each
// framed by a header of "Name: value" lines, of which Content-Length is
// required, and a blank line.

// maxMessage is the largest message the server reads: far above any rule
// (a rule is at most nctarget.DefaultParseLimits.MaxBytes), so a runaway client
// cannot make it allocate without bound.
const maxMessage = 64 << 20

// The JSON-RPC and LSP error codes the server answers with.
const (
	codeParseError           = -32700
	codeInvalidRequest       = -32600
	codeMethodNotFound       = -32601
	codeInvalidParams        = -32602
	codeInternalError        = -32603
	codeServerNotInitialized = -32002
)

// message is any JSON-RPC message: a request (ID and Method), a
// notification (Method alone) or a response (ID with Result or Error).
type message struct {
	JSONRPC string          `json:"jsonrpc"`
	ID      json.RawMessage `json:"id,omitempty"`
	Method  string          `json:"method,omitempty"`
	Params  json.RawMessage `json:"params,omitempty"`
	Result  json.RawMessage `json:"result,omitempty"`
	Error   *responseError  `json:"error,omitempty"`
}

// isRequest reports whether m asks for a response.
func (m *message) isRequest() bool { return m.Method != "" && len(m.ID) > 0 && string(m.ID) != "null" }

// responseError is the error of a response.
type responseError struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
}

func (e *responseError) Error() string { return fmt.Sprintf("%s (code %d)", e.Message, e.Code) }

// errorf returns a responseError with the code and message.
func errorf(code int, format string, args ...any) *responseError {
	return &responseError{Code: code, Message: fmt.Sprintf(format, args...)}
}

// conn reads and writes framed messages. Writes are serialized, so a
// notification and a response never interleave on the stream.
type conn struct {
	r  *bufio.Reader
	mu sync.Mutex
	w  io.Writer
}

func newConn(r io.Reader, w io.Writer) *conn { return &conn{r: bufio.NewReader(r), w: w} }

// errFraming marks a stream that is not LSP's framing; the server cannot
// find the next message in it and stops.
var errFraming = errors.New("lsp: malformed message header")

// read returns the body of the next message: io.EOF when the stream ends
// between messages, errFraming (wrapped) when a header is malformed.
func (c *conn) read() ([]byte, error) {
	length := -1
	for first := true; ; first = false {
		line, err := c.r.ReadString('\n')
		if err == io.EOF && first && line == "" {
			return nil, io.EOF
		}
		if err != nil {
			return nil, fmt.Errorf("lsp: reading a header: %w", err)
		}
		line = strings.TrimRight(line, "\r\n")
		if line == "" {
			break
		}
		name, value, ok := strings.Cut(line, ":")
		if !ok {
			return nil, fmt.Errorf("%w: %q", errFraming, line)
		}
		if strings.EqualFold(strings.TrimSpace(name), "Content-Length") {
			n, err := strconv.Atoi(strings.TrimSpace(value))
			if err != nil || n < 0 || n > maxMessage {
				return nil, fmt.Errorf("%w: Content-Length %q (at most %d)", errFraming, value, maxMessage)
			}
			length = n
		}
	}
	if length < 0 {
		return nil, fmt.Errorf("%w: no Content-Length", errFraming)
	}
	body := make([]byte, length)
	if _, err := io.ReadFull(c.r, body); err != nil {
		return nil, fmt.Errorf("lsp: reading a %d-byte message: %w", length, err)
	}
	return body, nil
}

// write sends one message.
func (c *conn) write(m *message) error {
	m.JSONRPC = "2.0"
	body, err := json.Marshal(m)
	if err != nil {
		return err
	}
	var frame bytes.Buffer
	fmt.Fprintf(&frame, "Content-Length: %d\r\n\r\n", len(body))
	frame.Write(body)
	c.mu.Lock()
	defer c.mu.Unlock()
	_, err = c.w.Write(frame.Bytes())
	return err
}

// notify sends a notification.
func (c *conn) notify(method string, params any) error {
	raw, err := json.Marshal(params)
	if err != nil {
		return err
	}
	return c.write(&message{Method: method, Params: raw})
}

// reply sends the response to the request with id: result, or err when
// it is not nil.
func (c *conn) reply(id json.RawMessage, result any, err *responseError) error {
	m := &message{ID: id, Error: err}
	if err == nil {
		raw, merr := json.Marshal(result)
		if merr != nil {
			return merr
		}
		m.Result = raw // "null" for a nil result: a response carries a result or an error
	}
	if len(m.ID) == 0 {
		m.ID = json.RawMessage("null") // the response to a message whose id could not be read
	}
	return c.write(m)
}
