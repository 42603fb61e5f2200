// Package contract checks HTTP requests and responses against the server's
// OpenAPI document with kin-openapi. The tests wrap every test server with it
// (internal/testenv); the binary does the same when started with
// LIANGXIN_CONTRACT_CHECK_FILE, a test aid for the browser tests.
package contract

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
)

// Contract validates every request and response that passes through it
// against the OpenAPI document the server generates (kin-openapi). A
// response that does not match its operation fails the test; so does a
// request the document calls invalid but the server accepted (2xx): the
// document would be stricter than the server. Requests the server refuses
// are expected to be refused (bad-input tests send them on purpose).
type Contract struct {
	doc    *openapi3.T
	mux    *http.ServeMux
	routes map[string]*routers.Route // "METHOD /path/{x}" → route
	params map[string][]string       // pattern → path parameter names
}

var paramRE = regexp.MustCompile(`\{([a-z_]+)\}`)

// New loads the document (the served JSON) and indexes its operations.
func New(docJSON []byte) (*Contract, error) {
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(docJSON)
	if err != nil {
		return nil, fmt.Errorf("load openapi: %w", err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		return nil, fmt.Errorf("openapi document is invalid: %w", err)
	}
	c := &Contract{doc: doc, mux: http.NewServeMux(), routes: map[string]*routers.Route{}, params: map[string][]string{}}
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			pattern := method + " " + path
			c.routes[pattern] = &routers.Route{Spec: doc, Path: path, PathItem: item, Method: method, Operation: op}
			var names []string
			for _, m := range paramRE.FindAllStringSubmatch(path, -1) {
				names = append(names, m[1])
			}
			c.params[pattern] = names
			c.mux.HandleFunc(pattern, func(http.ResponseWriter, *http.Request) {})
		}
	}
	return c, nil
}

// match finds the operation of a request the way the server's mux does.
func (c *Contract) match(r *http.Request) (*routers.Route, map[string]string) {
	_, pattern := c.mux.Handler(r)
	rt := c.routes[pattern]
	if rt == nil {
		return nil, nil
	}
	vals := map[string]string{}
	names := c.params[pattern]
	if len(names) > 0 {
		// ServeMux sets path values only while serving: route the request
		// through a throwaway handler to read them.
		m := http.NewServeMux()
		m.HandleFunc(pattern, func(_ http.ResponseWriter, r *http.Request) {
			for _, n := range names {
				vals[n] = r.PathValue(n)
			}
		})
		m.ServeHTTP(httptest.NewRecorder(), r)
	}
	return rt, vals
}

// Violations collects contract failures (safe for concurrent handlers).
type Violations struct {
	mu   sync.Mutex
	list []string
	// OnAdd, when set, is also called with each violation (the server
	// writes them to a file).
	OnAdd func(string)
}

func (v *Violations) add(s string) {
	v.mu.Lock()
	v.list = append(v.list, s)
	f := v.OnAdd
	v.mu.Unlock()
	if f != nil {
		f(s)
	}
}

// Take returns and clears the collected violations.
func (v *Violations) Take() []string {
	v.mu.Lock()
	defer v.mu.Unlock()
	out := v.list
	v.list = nil
	return out
}

// Wrap returns next with contract checks around it; failures go to v.
func (c *Contract) Wrap(next http.Handler, v *Violations) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasPrefix(r.URL.Path, "/api/") {
			next.ServeHTTP(w, r)
			return
		}
		rt, pathParams := c.match(r)
		if rt == nil {
			rec := httptest.NewRecorder()
			next.ServeHTTP(rec, r)
			if rec.Code != http.StatusNotFound && rec.Code != http.StatusMethodNotAllowed {
				v.add(fmt.Sprintf("%s %s: not in the document but answered %d", r.Method, r.URL.Path, rec.Code))
			}
			copyResponse(w, rec)
			return
		}
		body, _ := io.ReadAll(r.Body)
		r.Body.Close()
		r.Body = io.NopCloser(bytes.NewReader(body))
		vr := r.Clone(r.Context())
		vr.Body = io.NopCloser(bytes.NewReader(body))
		in := &openapi3filter.RequestValidationInput{
			Request: vr, PathParams: pathParams, Route: rt,
			Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc, MultiError: true, SkipSettingDefaults: true},
		}
		reqErr := openapi3filter.ValidateRequest(r.Context(), in)

		rec := httptest.NewRecorder()
		next.ServeHTTP(rec, r)
		op := r.Method + " " + rt.Path
		if reqErr != nil && rec.Code < 300 {
			v.add(fmt.Sprintf("%s (%s): the server accepted (%d) a request the document rejects: %v", op, r.URL.RequestURI(), rec.Code, short(reqErr)))
		}
		resIn := &openapi3filter.ResponseValidationInput{
			RequestValidationInput: in,
			Status:                 rec.Code,
			Header:                 rec.Header(),
			Options:                &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true},
		}
		resIn.SetBodyBytes(rec.Body.Bytes())
		if err := openapi3filter.ValidateResponse(r.Context(), resIn); err != nil {
			v.add(fmt.Sprintf("%s (%s): response %d does not match the document: %v", op, r.URL.RequestURI(), rec.Code, short(err)))
		}
		copyResponse(w, rec)
	})
}

func short(err error) string {
	s := err.Error()
	if len(s) > 1500 {
		s = s[:1500] + "…"
	}
	return s
}

func copyResponse(w http.ResponseWriter, rec *httptest.ResponseRecorder) {
	for k, vs := range rec.Header() {
		w.Header()[k] = vs
	}
	w.WriteHeader(rec.Code)
	_, _ = w.Write(rec.Body.Bytes())
}
