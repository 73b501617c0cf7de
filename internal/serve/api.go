package serve

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"time"
	"unicode/utf8"

	"github.com/nctarget/nctarget"
	"github.com/nctarget/nctarget/eval"
	evalreport "github.com/nctarget/nctarget/internal/report"
	"github.com/nctarget/nctarget/internal/workbench"
)

// request is the body of every POST /api/… call. Only the rule's text is
// taken: no file name or path, so no request can make the server read or
// write a file.
type request struct {
	Rule   string  `json:"rule"`             // the rule's source text
	Min    *uint64 `json:"min,omitempty"`    // eval: warn below this count (default: --min)
	Sample *int    `json:"sample,omitempty"` // eval: how many recipient IDs to show (default 5, at most 100)
	At     *cursor `json:"at,omitempty"`     // hover, complete: the cursor
}

// cursor is a place in the rule as an editor counts it: line 1-based,
// character in UTF-16 code units from the start of the line, 0-based
// (workbench.Position's Line and Character).
type cursor struct {
	Line      int `json:"line"`
	Character int `json:"character"`
}

// response is the body of every answer of the API. Fields an endpoint does
// not compute are omitted.
type response struct {
	OK          bool                   `json:"ok"`          // the rule compiled (warnings allowed) and, for eval, was evaluated
	Diagnostics []workbench.Diagnostic `json:"diagnostics"` // every error and warning of compiling, in source order
	Formatted   *string                `json:"formatted,omitempty"`
	JSON        json.RawMessage        `json:"json,omitempty"`   // compile: the narrowcast recipient, filter and limit
	Report      json.RawMessage        `json:"report,omitempty"` // eval: what nctarget eval --json prints
	Hover       *hover                 `json:"hover,omitempty"`  // hover: what is at the cursor; absent when nothing is
	Complete    *completions           `json:"complete,omitempty"`
}

// hover is workbench.Hover with its span placed for an editor.
type hover struct {
	Start    workbench.Position `json:"start"`
	End      workbench.Position `json:"end"`
	Markdown string             `json:"markdown"`
}

// completions is workbench.Completions with the span they replace placed
// for an editor.
type completions struct {
	Start workbench.Position `json:"start"`
	End   workbench.Position `json:"end"`
	Items []completion       `json:"items"`
}

type completion struct {
	Label  string `json:"label"`
	Kind   string `json:"kind"` // keyword, atom, attribute, value, audience or bound
	Detail string `json:"detail,omitempty"`
}

// completionKinds names workbench's completion kinds for JSON.
var completionKinds = map[workbench.CompletionKind]string{
	workbench.CompleteKeyword: "keyword", workbench.CompleteAtom: "atom", workbench.CompleteAttribute: "attribute",
	workbench.CompleteValue: "value", workbench.CompleteAudience: "audience", workbench.CompleteBound: "bound",
}

// apiError is the body of a refused request.
type apiError struct {
	Error string `json:"error"`
}

// errBadRequest marks an error in the request itself (status 400).
var errBadRequest = errors.New("bad request")

// api wraps an endpoint: it reads and checks the body, calls h, and
// writes its response or error as JSON.
func (s *Server) api(h func(context.Context, request) (*response, error)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		req, code, err := decodeRequest(w, r)
		if err != nil {
			writeJSON(w, code, apiError{err.Error()})
			return
		}
		resp, err := h(r.Context(), req)
		switch {
		case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
			writeJSON(w, http.StatusServiceUnavailable, apiError{"the request was cancelled before it was evaluated"})
		case errors.Is(err, errBadRequest):
			writeJSON(w, http.StatusBadRequest, apiError{err.Error()})
		case err != nil:
			writeJSON(w, http.StatusInternalServerError, apiError{err.Error()})
		default:
			writeJSON(w, http.StatusOK, resp)
		}
	})
}

// decodeRequest reads r's body as one JSON request object: of type
// application/json (which a page elsewhere cannot send without a CORS
// preflight that the server never answers), at most MaxBodyBytes, valid
// UTF-8, with no unknown field and nothing after the object.
func decodeRequest(w http.ResponseWriter, r *http.Request) (request, int, error) {
	var req request
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "application/json" {
		return req, http.StatusUnsupportedMediaType, errors.New(`send the request as Content-Type: application/json, with a body such as {"rule": "audience(5614991017776)"}`)
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBodyBytes))
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		return req, http.StatusRequestEntityTooLarge, fmt.Errorf("the request body is over %d bytes; a rule is at most %d bytes", MaxBodyBytes, nctarget.DefaultParseLimits.MaxBytes)
	case err != nil:
		return req, http.StatusBadRequest, fmt.Errorf("reading the request body: %v", err)
	case !utf8.Valid(body):
		return req, http.StatusBadRequest, errors.New("the request body is not valid UTF-8")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		return req, http.StatusBadRequest, fmt.Errorf(`the request body is not a JSON object such as {"rule": "audience(5614991017776)"}: %v`, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return req, http.StatusBadRequest, errors.New("the request body holds more than one JSON value")
	}
	return req, 0, nil
}

// writeJSON writes v as the JSON response with status code.
func writeJSON(w http.ResponseWriter, code int, v any) {
	data, err := json.Marshal(v)
	if err != nil { // cannot happen: responses hold strings, numbers and valid JSON
		code, data = http.StatusInternalServerError, []byte(`{"error":"encoding the response failed"}`)
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(code)
	w.Write(append(data, '\n'))
}

// analyze runs the shared analysis of req's rule.
func (s *Server) analyze(req request) (*workbench.Analysis, *response) {
	a := workbench.Analyze(RuleName, []byte(req.Rule), nctarget.Options{Catalog: s.cfg.Catalog})
	return a, &response{OK: a.OK(), Diagnostics: a.EditorDiagnostics()}
}

// check answers POST /api/check: the diagnostics, as nctarget check.
func (s *Server) check(_ context.Context, req request) (*response, error) {
	_, resp := s.analyze(req)
	return resp, nil
}

// fmt answers POST /api/fmt: the canonical text, as nctarget fmt, and the
// diagnostics.
func (s *Server) fmt(_ context.Context, req request) (*response, error) {
	a, resp := s.analyze(req)
	withFormatted(resp, a)
	return resp, nil
}

// compile answers POST /api/compile: the narrowcast JSON, as nctarget
// compile, the canonical text and the diagnostics.
func (s *Server) compile(_ context.Context, req request) (*response, error) {
	a, resp := s.analyze(req)
	withFormatted(resp, a)
	if a.OK() {
		resp.JSON = a.Request.JSON(true)
	}
	return resp, nil
}

// withFormatted adds a's canonical text to resp when the rule parses.
func withFormatted(resp *response, a *workbench.Analysis) {
	if a.Formatted != nil {
		f := string(a.Formatted)
		resp.Formatted = &f
	}
}

// cursorOffset returns the byte offset of req's cursor in a's source.
func cursorOffset(a *workbench.Analysis, req request) (int, error) {
	if req.At == nil {
		return 0, fmt.Errorf(`%w: give the cursor as "at": {"line": 1, "character": 0}`, errBadRequest)
	}
	return workbench.OffsetOf(a.Source, req.At.Line, req.At.Character), nil
}

// hover answers POST /api/hover: what the atom, value or keyword at the
// cursor means, as the language server's hover says.
func (s *Server) hover(_ context.Context, req request) (*response, error) {
	a, resp := s.analyze(req)
	off, err := cursorOffset(a, req)
	if err != nil {
		return nil, err
	}
	if h, ok := a.Hover(off); ok {
		resp.Hover = &hover{Start: workbench.PositionAt(a.Source, h.Pos), End: workbench.PositionAt(a.Source, h.End), Markdown: h.Markdown}
	}
	return resp, nil
}

// complete answers POST /api/complete: what may be written at the cursor,
// as the language server's completion offers.
func (s *Server) complete(_ context.Context, req request) (*response, error) {
	a, resp := s.analyze(req)
	off, err := cursorOffset(a, req)
	if err != nil {
		return nil, err
	}
	c := a.Complete(off)
	resp.Complete = &completions{Start: workbench.PositionAt(a.Source, c.Pos), End: workbench.PositionAt(a.Source, c.End), Items: []completion{}}
	for _, it := range c.Items {
		resp.Complete.Items = append(resp.Complete.Items, completion{Label: it.Label, Kind: completionKinds[it.Kind], Detail: it.Detail})
	}
	return resp, nil
}

// eval answers POST /api/eval: the preview on the loaded data, as
// nctarget eval --json, and the diagnostics.
func (s *Server) eval(ctx context.Context, req request) (*response, error) {
	a, resp := s.analyze(req)
	if !a.OK() {
		return resp, nil
	}
	minimum, sample := s.cfg.Min, s.cfg.Sample
	if req.Min != nil {
		minimum = *req.Min
	}
	if req.Sample != nil {
		if *req.Sample < 0 || *req.Sample > 100 {
			return nil, fmt.Errorf("%w: sample is %d; show 0 to 100 recipient IDs", errBadRequest, *req.Sample)
		}
		sample = *req.Sample
	}
	rep, err := s.evaluate(ctx, a, minimum, sample)
	if ds := nctarget.Diagnostics(err); ds != nil {
		resp.OK = false
		for _, d := range ds {
			resp.Diagnostics = append(resp.Diagnostics, workbench.DiagnosticOf(a.Source, d))
		}
		return resp, nil
	}
	if err != nil {
		return nil, err
	}
	resp.Report = rep.JSON()
	return resp, nil
}

// evaluate plans and evaluates the analysed rule a on the data. One
// evaluation runs at a time, so that a burst of edits cannot start one
// per keystroke on ten million users: a request waits its turn, and one
// whose context ends first (the page aborts a request a newer rule
// supersedes) is never evaluated. The evaluation itself stops as soon as
// its request's context ends (eval.Batch.Eval), so a superseded rule frees
// the processors for the newer one at once.
func (s *Server) evaluate(ctx context.Context, a *workbench.Analysis, minimum uint64, sample int) (*evalreport.Report, error) {
	select {
	case s.evalSem <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	defer func() { <-s.evalSem }()
	if err := ctx.Err(); err != nil { // both were ready: prefer not to evaluate
		return nil, err
	}
	batch := s.nextBatch()
	p, err := batch.Plan(a.Request.Rule)
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil { // planning made the bitsets; keep them for the next rule
		return nil, err
	}
	p.Min = minimum
	res, err := batch.Eval(ctx, []*eval.Plan{p})
	if err != nil {
		return nil, err
	}
	extra := evalreport.Extra(a.Request, s.cfg.Catalog, s.cfg.DataWarnings, time.Now())
	return evalreport.New(RuleName, a.Source, a.Request.Rule, s.cfg.Data, res[0], extra, sample), nil
}

// batchPlans is how many evaluations share one eval.Batch. A batch keeps
// the bitset of every atom it has planned (Dataset.Len()/8 bytes each,
// 1.25 MB at 10M friends), which is what makes the next keystroke's
// preview cheap: an edit changes one atom and the others are reused. A
// fresh batch every batchPlans evaluations bounds that memory to the atoms
// of the last few dozen rules.
const batchPlans = 64

// nextBatch returns the batch for the next evaluation. It is called with
// the evaluation slot held.
func (s *Server) nextBatch() *eval.Batch {
	if s.batch == nil || s.batchUses >= batchPlans {
		s.batch, s.batchUses = s.cfg.Data.NewBatch(), 0
	}
	s.batchUses++
	return s.batch
}

// info answers GET /api/info: what the page shows about the server.
func (s *Server) info(w http.ResponseWriter, _ *http.Request) {
	names := []string{}
	if s.cfg.Catalog != nil {
		names = append(names, s.cfg.Catalog.Names()...)
	}
	writeJSON(w, http.StatusOK, struct {
		Data      string   `json:"data"`
		Friends   int      `json:"friends"`
		Minimum   uint64   `json:"minimum"`
		Audiences []string `json:"audiences"` // the catalog's audience names
		Version   string   `json:"openapi"`
	}{s.cfg.DataName, s.cfg.Data.Len(), s.cfg.Min, names, nctarget.OpenAPIRevision})
}
