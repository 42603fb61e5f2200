package httpapi_test

import (
	"net/url"
	"sort"
	"strings"
	"testing"

	"liangxin/internal/auth"
	"liangxin/internal/racetest"
	"liangxin/internal/testenv"
)

type docParam struct {
	Ref         string `json:"$ref"`
	Name        string `json:"name"`
	In          string `json:"in"`
	Description string `json:"description"`
	Required    bool   `json:"required"`
	Schema      struct {
		Type    string   `json:"type"`
		Format  string   `json:"format"`
		Pattern string   `json:"pattern"`
		Enum    []string `json:"enum"`
	} `json:"schema"`
}

type docOp struct {
	Parameters []docParam `json:"parameters"`
}

// TestOpenAPIParametersDescribedAndEnumsMatchServer walks the served
// document. Every path and query parameter has a description. For every
// GET operation that needs no other input, each enum value the document
// lists for a parameter is accepted (not 422) and a value outside the enum
// is refused with a 422 naming the parameter; the same for booleans with
// true/false and "maybe". A document enum wider or narrower than what the
// server validates with fails here.
func TestOpenAPIParametersDescribedAndEnumsMatchServer(t *testing.T) {
	racetest.Skip(t, "a walk of the OpenAPI document, one goroutine")
	e := testenv.New(t)
	e.User("boss", auth.RoleDistrict, testenv.Jurisdiction)
	c := e.Login("boss", testenv.Password)
	var doc struct {
		Paths map[string]map[string]docOp `json:"paths"`
	}
	c.Do("GET", "/api/v1/openapi.json", nil).JSON(t, &doc)
	var paths []string
	for p := range doc.Paths {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	checked := map[string]int{}
	pendingSeen := map[string]bool{}
	for _, path := range paths {
		for method, op := range doc.Paths[path] {
			for _, p := range op.Parameters {
				if p.Ref == "" && strings.TrimSpace(p.Description) == "" {
					t.Errorf("%s %s: parameter %s (%s) has no description", strings.ToUpper(method), path, p.Name, p.In)
				}
			}
			if method != "get" {
				continue
			}
			// Fill path enums with their first value; skip operations that
			// need an id or a required query value to answer at all.
			callable := true
			base := path
			for _, p := range op.Parameters {
				switch {
				case p.In == "path" && len(p.Enum()) > 0:
					base = strings.Replace(base, "{"+p.Name+"}", p.Enum()[0], 1)
				case p.In == "path", p.In == "query" && p.Required:
					callable = false
				}
			}
			if !callable {
				continue
			}
			try := func(url string) testenv.Response { return c.Do("GET", url, nil) }
			for _, p := range op.Parameters {
				var good []string
				bad := "zz_not_a_code"
				switch {
				case len(p.Enum()) > 0:
					good = p.Enum()
				case p.Schema.Type == "boolean":
					good, bad = []string{"true", "false"}, "maybe"
				case p.Schema.Type == "string" && p.Schema.Format == "" && p.Schema.Pattern == "":
					// A free string: the server must not check it against a
					// set the document does not list.
					u := withParam(path, base, p, bad)
					key := strings.ToUpper(method) + " " + path + " " + p.Name
					r := try(u)
					refused := r.Status == 422 && strings.Contains(string(r.Body), `"`+p.Name+`":`)
					if enumPending[key] {
						pendingSeen[key] = refused
					} else if refused {
						t.Errorf("GET %s: refused with 422 but the document lists no enum for %s: %.200s", u, p.Name, r.Body)
					}
					continue
				default:
					continue
				}
				for _, v := range good {
					u := withParam(path, base, p, v)
					if r := try(u); r.Status == 422 {
						t.Errorf("GET %s: documented value refused: %d %.300s", u, r.Status, r.Body)
					}
				}
				u := withParam(path, base, p, bad)
				r := try(u)
				if r.Status != 422 || !strings.Contains(string(r.Body), `"`+p.Name+`":`) {
					t.Errorf("GET %s: value outside the document: %d %.300s, want 422 naming %s", u, r.Status, r.Body, p.Name)
				}
				checked[p.Name]++
			}
		}
	}
	for key := range enumPending {
		if !pendingSeen[key] {
			t.Errorf("%s: listed in enumPending but no longer a free string the server checks: remove it", key)
		}
	}
	// The parameters of the organization and party organization lists and
	// the work lists are among those walked (by hand: the org list and its
	// export have category/status/coverage/sort/order/sector, the party-org
	// list and export kind/formation/status).
	for name, min := range map[string]int{"category": 2, "coverage": 2, "sort": 2, "order": 2, "sector": 2, "formation": 2, "kind": 3, "above_scale": 2} {
		if checked[name] < min {
			t.Errorf("parameter %s checked on %d operations, want at least %d", name, checked[name], min)
		}
	}
}

// Enum is the enum of the parameter's schema.
func (p docParam) Enum() []string { return p.Schema.Enum }

// withParam sets parameter p to v on the operation at path (base has the
// path enums filled in).
func withParam(path, base string, p docParam, v string) string {
	if p.In == "path" {
		return strings.Replace(path, "{"+p.Name+"}", url.PathEscape(v), 1)
	}
	return base + "?" + url.Values{p.Name: {v}}.Encode()
}

// enumPending are validated parameters still documented as free strings
// ("GET /api/v1/path name"). Empty: every parameter the server checks
// against a set documents it. An entry is a known gap of the document.
var enumPending = map[string]bool{}
