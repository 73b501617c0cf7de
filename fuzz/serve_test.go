package fuzz

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/nctarget/nctarget/eval"
	"github.com/nctarget/nctarget/internal/serve"
)

// serveEndpoints are the workbench's POST endpoints, in the order
// FuzzServeAPI picks them.
var serveEndpoints = []string{"/api/check", "/api/fmt", "/api/compile", "/api/eval", "/api/hover", "/api/complete"}

// newFuzzServer serves 64 made-up friends, an audience of 20 of them and
// the fuzzing catalog.
func newFuzzServer(t testing.TB) *serve.Server {
	users := make([]eval.User, 64)
	var members []string
	for i := range users {
		age, genders := 15+i%60, []string{"male", "female", ""}
		users[i] = eval.User{ID: fmt.Sprintf("U%032x", i), Gender: genders[i%3], Age: &age, AppType: []string{"ios", "android", ""}[i%3]}
		if i%3 == 0 {
			members = append(members, users[i].ID)
		}
	}
	d, err := eval.NewDataset(users, map[int64][]string{5614991017776: members}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return serve.New(serve.Config{Data: d, DataName: "fuzz", Catalog: fuzzCatalog, Min: eval.DefaultMinimum, Sample: 5})
}

// FuzzServeAPI sends any body to any endpoint of nctarget serve: the answer
// is always JSON with a status the API documents (200, or 400, 413 and 415
// for a request it refuses), never a server error, and a 200 always has
// the ok and diagnostics fields.
func FuzzServeAPI(f *testing.F) {
	for i, body := range []string{
		`{"rule":"audience(5614991017776) where age[33,40)"}`,
		`{"rule":"audience(5614991017776) and not redelivery(\"x\") where gender in (female) limit 10","min":5,"sample":3}`,
		`{"rule":"audience(会員) where area in (台北市, to","at":{"line":1,"character":30}}`,
		`{"rule":"where ag","at":{"line":1,"character":8}}`,
		`{"rule":"` + strings.Repeat("(", 300) + `"}`,
		`{"rule":1}`, `[]`, `{"rule":"a"} x`, "{\"rule\":\"\xff\"}", `{"at":{"line":-5,"character":99999}}`, ``,
	} {
		f.Add(uint8(i), body)
	}
	s := newFuzzServer(f)
	f.Fuzz(func(t *testing.T, endpoint uint8, body string) {
		path := serveEndpoints[int(endpoint)%len(serveEndpoints)]
		req := httptest.NewRequest("POST", path, strings.NewReader(body))
		req.Host = "127.0.0.1:8080"
		req.Header.Set("Content-Type", "application/json")
		w := httptest.NewRecorder()
		s.ServeHTTP(w, req)
		switch w.Code {
		case http.StatusOK, http.StatusBadRequest, http.StatusRequestEntityTooLarge:
		default:
			t.Fatalf("POST %s %q: status %d, body %s", path, body, w.Code, w.Body.String())
		}
		var answer map[string]json.RawMessage
		if err := json.Unmarshal(w.Body.Bytes(), &answer); err != nil {
			t.Fatalf("POST %s %q: the answer is not a JSON object (%v): %s", path, body, err, w.Body.String())
		}
		if w.Code == http.StatusOK && (answer["ok"] == nil || answer["diagnostics"] == nil) {
			t.Fatalf("POST %s %q: 200 without ok and diagnostics: %s", path, body, w.Body.String())
		}
		if w.Code != http.StatusOK && answer["error"] == nil {
			t.Fatalf("POST %s %q: status %d without an error: %s", path, body, w.Code, w.Body.String())
		}
	})
}
