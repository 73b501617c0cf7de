package lsp

import (
	"fmt"
	"os"
	"slices"
	"time"

	"github.com/nctarget/nctarget"
)

// catalogFile is the audience catalog as last read, and what its file
// looked like then, so a change to it is seen.
type catalogFile struct {
	path    string
	catalog *nctarget.Catalog
	size    int64
	modTime time.Time
}

// refresh reads the catalog file again when its size or modification
// time changed since it was last looked at, and reports whether the
// catalog changed. A file that cannot be read or no longer parses keeps
// the catalog read before; the server logs why, once for each change.
func (c *catalogFile) refresh(log func(format string, args ...any)) bool {
	if c.path == "" {
		return false
	}
	info, err := os.Stat(c.path)
	if err != nil || info.Size() == c.size && info.ModTime().Equal(c.modTime) {
		return false // a catalog that went away keeps the last one; it may be being rewritten
	}
	c.size, c.modTime = info.Size(), info.ModTime()
	cat, err := nctarget.LoadCatalog(c.path)
	if err != nil {
		log("nctarget lsp: the catalog %s no longer loads, keeping the one read before: %v\n", c.path, err)
		return false
	}
	c.catalog = cat
	return true
}

// stamp records what the catalog file looks like now, when the catalog
// was read from it before the server started.
func (c *catalogFile) stamp() {
	if info, err := os.Stat(c.path); c.path != "" && err == nil {
		c.size, c.modTime = info.Size(), info.ModTime()
	}
}

// refreshCatalog rereads a changed catalog and then analyses again every
// open document but except (which the caller is about to), in URI order,
// so that no diagnostic about a name the catalog now holds stays on the
// screen.
func (s *server) refreshCatalog(except *document) *responseError {
	if !s.catalog.refresh(func(format string, args ...any) { fmt.Fprintf(s.log, format, args...) }) {
		return nil
	}
	var uris []string
	for uri := range s.docs {
		if s.docs[uri] != except {
			uris = append(uris, uri)
		}
	}
	slices.Sort(uris)
	for _, uri := range uris {
		doc := s.docs[uri]
		if rerr := s.publish(doc, doc.analysis.Source); rerr != nil {
			return rerr
		}
	}
	return nil
}
