// Package serve is the local web workbench behind nctarget serve: a page
// where a rule is checked, formatted, compiled and previewed on the user's
// own data as it is typed, and the JSON API the page uses, which other
// tools may use too.
//
// Nothing here is a second engine: diagnostics, formatting and the JSON
// come from internal/workbench (the compiler's own check path), previews
// from the eval package's planner and report. The server is meant for one
// person on their own machine, and it is built to stay so: it answers only
// requests naming a local host (so a web page elsewhere cannot reach it
// through DNS rebinding), refuses cross-origin requests, caps every body,
// takes rule text and never a path, and never writes anything.
package serve

import (
	"context"
	"embed"
	"io/fs"
	"net/http"
	"time"

	"github.com/nctarget/nctarget"
	"github.com/nctarget/nctarget/eval"
)

//go:embed static
var static embed.FS

// RuleName is the file name diagnostics and reports give a rule sent to
// the server: the rule has no file, and no name a client sends is used.
const RuleName = "rule.nct"

// MaxBodyBytes caps a request body. A rule is at most
// nctarget.DefaultParseLimits.MaxBytes; JSON may escape each byte as six
// (\u00e9), and the rest of the request is a few fields.
var MaxBodyBytes int64 = 6*int64(nctarget.DefaultParseLimits.MaxBytes) + 4096

// Config is what a Server serves.
type Config struct {
	Data         *eval.Dataset          // the loaded data every rule is previewed on
	DataName     string                 // what to call the data on the page (the directory as given)
	DataWarnings []*nctarget.Diagnostic // problems found loading the data, shown with every preview
	Catalog      *nctarget.Catalog      // resolves audience(name); may be nil
	Min          uint64                 // the recipient count below which a preview warns
	Sample       int                    // how many recipient IDs a preview shows
	Hosts        []string               // host names requests may carry besides loopback ones and IP literals
}

// Server answers the workbench's page and API. Create one with New.
type Server struct {
	cfg     Config
	mux     *http.ServeMux
	evalSem chan struct{} // one evaluation at a time; see evaluate

	// The batch the evaluations share, and how many it has served; both
	// are used only with evalSem held. See nextBatch.
	batch     *eval.Batch
	batchUses int
}

// New returns a server for cfg.
func New(cfg Config) *Server {
	s := &Server{cfg: cfg, mux: http.NewServeMux(), evalSem: make(chan struct{}, 1)}
	sub, err := fs.Sub(static, "static")
	if err != nil { // cannot happen: static is embedded above
		panic(err)
	}
	s.mux.Handle("GET /", http.FileServerFS(sub))
	s.mux.HandleFunc("GET /api/info", s.info)
	s.mux.Handle("POST /api/check", s.api(s.check))
	s.mux.Handle("POST /api/fmt", s.api(s.fmt))
	s.mux.Handle("POST /api/compile", s.api(s.compile))
	s.mux.Handle("POST /api/eval", s.api(s.eval))
	s.mux.Handle("POST /api/hover", s.api(s.hover))
	s.mux.Handle("POST /api/complete", s.api(s.complete))
	s.mux.HandleFunc("GET /api/", notFoundAPI)
	return s
}

// notFoundAPI answers a request under /api/ that no endpoint takes, in
// JSON like the endpoints.
func notFoundAPI(w http.ResponseWriter, r *http.Request) {
	switch r.URL.Path {
	case "/api/check", "/api/fmt", "/api/compile", "/api/eval", "/api/hover", "/api/complete":
		w.Header().Set("Allow", "POST")
		writeJSON(w, http.StatusMethodNotAllowed, apiError{"use POST with a JSON body such as {\"rule\": \"audience(5614991017776)\"}"})
	default:
		writeJSON(w, http.StatusNotFound, apiError{"no such endpoint; the API is POST /api/check, /api/fmt, /api/compile, /api/eval, /api/hover and /api/complete, and GET /api/info"})
	}
}

// ServeHTTP answers r after the checks every request passes (guard).
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	setSecurityHeaders(w.Header())
	if msg, code := s.guard(r); code != 0 {
		writeJSON(w, code, apiError{msg})
		return
	}
	s.mux.ServeHTTP(w, r)
}

// HTTPServer returns an http.Server for s on addr with timeouts that keep a
// slow or stuck client from holding a connection for ever.
func (s *Server) HTTPServer(addr string) *http.Server {
	return &http.Server{
		Addr:              addr,
		Handler:           s,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      5 * time.Minute, // a preview of a huge data set may take a while
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
	}
}

// Run serves s on the listener of hs until ctx is done, then shuts down,
// letting requests in flight finish for up to grace.
func Run(ctx context.Context, hs *http.Server, serve func() error, grace time.Duration) error {
	errc := make(chan error, 1)
	go func() { errc <- serve() }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil {
		return err
	}
	if err := <-errc; err != http.ErrServerClosed {
		return err
	}
	return nil
}
