package httpapi

import (
	"regexp"
	"sort"
	"strings"
	"testing"
)

// TestOpenAPIQueryParametersTyped: every query parameter of every route has
// a documented type and description, so a new route cannot add a plain
// untyped parameter; every required one is among the route's parameters.
func TestOpenAPIQueryParametersTyped(t *testing.T) {
	for _, rt := range (&Server{}).Routes() {
		for _, q := range rt.Query {
			spec, ok := queryParams[q]
			if !ok || spec.description == "" {
				t.Errorf("%s %s: query parameter %q has no documented type (add it to queryParams)", rt.Method, rt.Path, q)
			}
		}
		for _, q := range rt.RequiredQuery {
			found := false
			for _, p := range rt.Query {
				found = found || p == q
			}
			if !found {
				t.Errorf("%s %s: required query parameter %q is not in Query", rt.Method, rt.Path, q)
			}
		}
	}
}

// TestOpenAPIParameterSchemas checks a few parameters by hand: page is an
// integer of at least 1 defaulting to 1, page_size at most 200, and base of
// dues/calc is required.
func TestOpenAPIParameterSchemas(t *testing.T) {
	doc := (&Server{}).OpenAPI()
	paths := doc["paths"].(map[string]any)
	param := func(path, method, name string) map[string]any {
		op := paths[path].(map[string]any)[method].(map[string]any)
		for _, p := range op["parameters"].([]any) {
			if pm := p.(map[string]any); pm["name"] == name {
				return pm
			}
		}
		t.Fatalf("%s %s has no parameter %s", method, path, name)
		return nil
	}
	page := param("/api/v1/organizations", "get", "page")["schema"].(map[string]any)
	if page["type"] != "integer" || page["minimum"] != 1 || page["default"] != 1 {
		t.Errorf("page: %v", page)
	}
	size := param("/api/v1/organizations", "get", "page_size")["schema"].(map[string]any)
	if size["maximum"] != 200 {
		t.Errorf("page_size: %v", size)
	}
	for _, c := range []struct{ path, name string }{
		{"/api/v1/dues/calc", "base"}, {"/api/v1/dues/summary", "party_org_id"},
		{"/api/v1/dues/summary/export", "party_org_id"}, {"/api/v1/meetings/candidates", "party_org_id"},
	} {
		if param(c.path, "get", c.name)["required"] != true {
			t.Errorf("%s: %s should be required", c.path, c.name)
		}
	}
	if param("/api/v1/organizations", "get", "q")["required"] != nil {
		t.Error("q of /organizations must stay optional")
	}
	var names []string
	for n := range queryParams {
		names = append(names, n)
	}
	sort.Strings(names)
	if len(names) == 0 {
		t.Fatal("no typed parameters")
	}
}

// TestOpenAPIContractRules: operationIds are unique lowerCamelCase words
// and stable for a few known operations; every tag is declared with a
// description; every authenticated operation lists 401 and 403 with the
// Error body.
func TestOpenAPIContractRules(t *testing.T) {
	doc := (&Server{}).OpenAPI()
	ids := map[string]string{}
	idRE := regexp.MustCompile(`^[a-z][A-Za-z]+$`)
	for _, rt := range (&Server{}).Routes() {
		id := operationID(rt)
		if !idRE.MatchString(id) {
			t.Errorf("%s %s: operationId %q is not lowerCamelCase", rt.Method, rt.Path, id)
		}
		if other, dup := ids[id]; dup {
			t.Errorf("operationId %q of %s %s is also %s", id, rt.Method, rt.Path, other)
		}
		ids[id] = rt.Method + " " + rt.Path
		if tagDescriptions[rt.Tag] == "" {
			t.Errorf("%s %s: tag %q has no description in tagDescriptions", rt.Method, rt.Path, rt.Tag)
		}
	}
	for id, want := range map[string]string{
		"listOrganizations":  "GET /api/v1/organizations",
		"getOrganization":    "GET /api/v1/organizations/{id}",
		"createOrganization": "POST /api/v1/organizations",
		"endPartyOrgCover":   "POST /api/v1/party-orgs/{id}/covers/{cover_id}/end",
		"exportMembers":      "GET /api/v1/members/export",
		"login":              "POST /api/v1/auth/login",
		"listDuesArrears":    "GET /api/v1/dues/arrears",
	} {
		if ids[id] != want {
			t.Errorf("operationId %s is %q, want %q", id, ids[id], want)
		}
	}
	paths := doc["paths"].(map[string]any)
	op := paths["/api/v1/organizations/{id}"].(map[string]any)["patch"].(map[string]any)
	res := op["responses"].(map[string]any)
	for _, code := range []string{"200", "401", "403", "404", "409", "415", "422", "500"} {
		if res[code] == nil {
			t.Errorf("PATCH /organizations/{id} does not list %s", code)
		}
	}
	if res["default"] != nil {
		t.Error("PATCH /organizations/{id} still has a default response")
	}
}

// TestOpenAPIFixedListsMarked: the small fixed lists say so, with their
// bound (9 roles and 50 binding candidates, counted by hand), and a list
// that grows with the data does not claim to be fixed.
func TestOpenAPIFixedListsMarked(t *testing.T) {
	all := (&Server{}).OpenAPI()["components"].(map[string]any)["schemas"].(map[string]any)
	for name, max := range map[string]int{"RoleList": 11, "PartyOrgOptionList": 50, "InstructorOptionList": 50, "CoverageTrend": 120} {
		o := all[name].(map[string]any)
		items := o["properties"].(map[string]any)["items"].(map[string]any)
		if o["description"] != "固定小列表，不分页" || items["maxItems"] != max {
			t.Errorf("%s: description %v, maxItems %v, want 固定小列表 and %d", name, o["description"], items["maxItems"], max)
		}
	}
	if d := all["VisitPage"].(map[string]any)["description"]; d == "固定小列表，不分页" {
		t.Errorf("VisitPage grows with the data but is marked fixed")
	}
}

// TestOpenAPIListsPagedOrBounded: every bare list a route answers is either paged
// ({items,total,page,page_size} with page and page_size accepted), or a
// fixed small list, or says what bounds it; the lists of issue 20 that grow
// with the jurisdiction (named by hand) are paged.
func TestOpenAPIListsPagedOrBounded(t *testing.T) {
	doc := (&Server{}).OpenAPI()
	all := doc["components"].(map[string]any)["schemas"].(map[string]any)
	paged := map[string]bool{}
	for path, item := range doc["paths"].(map[string]any) {
		op, ok := item.(map[string]any)["get"].(map[string]any)
		if !ok {
			continue
		}
		ok200, _ := op["responses"].(map[string]any)["200"].(map[string]any)
		content, _ := ok200["content"].(map[string]any)
		body, _ := content["application/json"].(map[string]any)
		schema, _ := body["schema"].(map[string]any)
		r, _ := schema["$ref"].(string)
		name := strings.TrimPrefix(r, "#/components/schemas/")
		o, _ := all[name].(map[string]any)
		props, _ := o["properties"].(map[string]any)
		if props["items"] == nil {
			continue
		}
		if props["total"] != nil && props["page"] != nil && props["page_size"] != nil {
			var params []string
			for _, p := range op["parameters"].([]any) {
				params = append(params, p.(map[string]any)["name"].(string))
			}
			if q := strings.Join(params, ","); !strings.Contains(q, "page") || !strings.Contains(q, "page_size") {
				t.Errorf("%s answers %s but takes no page/page_size: %s", path, name, q)
			}
			paged[path] = true
			continue
		}
		if len(props) != 1 {
			continue // a report with its list among other fields (assess/signals)
		}
		d, _ := o["description"].(string)
		if d != "固定小列表，不分页" && !strings.HasSuffix(d, "，不分页") || strings.Contains(d, "完整列表") {
			t.Errorf("%s answers %s, neither paged nor bounded: %q", path, name, d)
		}
	}
	for _, p := range []string{"/api/v1/assess/pairs", "/api/v1/assess/rectifications", "/api/v1/committees/renewals", "/api/v1/committees/vacancies",
		"/api/v1/dual", "/api/v1/dues/refunds", "/api/v1/mobility", "/api/v1/mobility/places", "/api/v1/transfers/pocket", "/api/v1/party-orgs/renewals",
		"/api/v1/instructors/{id}/visits", "/api/v1/instructors/{id}/organizations", "/api/v1/instructors/{id}/due-visits"} {
		if !paged[p] {
			t.Errorf("%s is not paged", p)
		}
	}
}

// TestOpenAPIErrorStatusesPerOperation: the error statuses follow what the
// handlers can answer, checked by hand on a few operations.
func TestOpenAPIErrorStatusesPerOperation(t *testing.T) {
	paths := (&Server{}).OpenAPI()["paths"].(map[string]any)
	statuses := func(path, method string) string {
		var out []string
		for st := range paths[path].(map[string]any)[method].(map[string]any)["responses"].(map[string]any) {
			out = append(out, st)
		}
		sort.Strings(out)
		return strings.Join(out, ",")
	}
	for _, c := range []struct{ path, method, want string }{
		// A list filtered by text and codes: an empty page, never 404.
		{"/api/v1/regions", "get", "200,401,403,422,500"},
		{"/api/v1/users", "get", "200,401,403,422,500"},
		// A record by id.
		{"/api/v1/organizations/{id}", "get", "200,401,403,404,422,500"},
		{"/api/v1/organizations/{id}", "delete", "204,401,403,404,409,422,500"},
		// A region filter names a record.
		{"/api/v1/stats/coverage", "get", "200,401,403,404,422,500"},
		// Open to every signed-in user during the password change: no 403.
		{"/api/v1/auth/me", "get", "200,401,422,500"},
		{"/api/v1/system", "get", "200,401,422,500"},
		// A write needs the CSRF header: 403 stays.
		{"/api/v1/auth/logout", "post", "204,401,403,422,500"},
		// Signing in names no record and conflicts with nothing.
		{"/api/v1/auth/login", "post", "200,401,415,422,423,500"},
		{"/api/v1/tokens", "post", "201,401,403,409,415,422,500"},
	} {
		if got := statuses(c.path, c.method); got != c.want {
			t.Errorf("%s %s: statuses %s, want %s", c.method, c.path, got, c.want)
		}
	}
}
