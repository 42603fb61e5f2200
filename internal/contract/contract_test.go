package contract

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// A hand-written document: GET /api/v1/things/{id}?n=<1..5> answers
// {"id": <integer>, "name": <string>}, both required.
const thingsDoc = `{"openapi": "3.0.3", "info": {"title": "t", "version": "1"},
 "paths": {"/api/v1/things/{id}": {"get": {
  "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}},
                 {"name": "n", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 5}}],
  "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {
    "type": "object", "required": ["id", "name"],
    "properties": {"id": {"type": "integer"}, "name": {"type": "string"}}}}}},
   "404": {"description": "no"}}}}}}`

func TestContractCatchesMismatches(t *testing.T) {
	c, err := New([]byte(thingsDoc))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, path, body string
		status           int
		violation        string // "" for none
	}{
		{"matching", "/api/v1/things/7?n=3", `{"id": 7, "name": "a"}`, 200, ""},
		{"missing required field", "/api/v1/things/7", `{"id": 7}`, 200, "does not match the document"},
		{"null where not nullable", "/api/v1/things/7", `{"id": 7, "name": null}`, 200, "does not match the document"},
		{"undocumented status", "/api/v1/things/7", `{}`, 409, "does not match the document"},
		{"server accepts what the document refuses", "/api/v1/things/7?n=9", `{"id": 7, "name": "a"}`, 200, "accepted (200) a request the document rejects"},
		{"server refuses what the document refuses", "/api/v1/things/7?n=9", ``, 404, ""},
		{"route missing from the document", "/api/v1/other", `{}`, 200, "not in the document"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var v Violations
			h := c.Wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(tc.status)
				_, _ = io.WriteString(w, tc.body)
			}), &v)
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest("GET", tc.path, nil))
			if rec.Code != tc.status || rec.Body.String() != tc.body {
				t.Errorf("the wrapper changed the answer: %d %s", rec.Code, rec.Body)
			}
			got := v.Take()
			if tc.violation == "" && len(got) > 0 {
				t.Errorf("unexpected violations: %v", got)
			}
			if tc.violation != "" && (len(got) != 1 || !strings.Contains(got[0], tc.violation)) {
				t.Errorf("violations %v, want one containing %q", got, tc.violation)
			}
		})
	}
}
