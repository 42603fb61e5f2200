package httpapi_test

import (
	"encoding/json"
	"regexp"
	"sort"
	"strings"
	"testing"

	"liangxin/internal/httpapi"
	"liangxin/internal/testenv"
)

// TestOpenAPIMatchesRoutes checks the served document against the route
// table: the same operations, each path parameter declared, each referenced
// schema defined.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	e := testenv.New(t)
	res := e.Client().Do("GET", "/api/v1/openapi.json", nil)
	if res.Status != 200 {
		t.Fatalf("openapi: %d", res.Status)
	}
	var doc struct {
		OpenAPI    string                               `json:"openapi"`
		Paths      map[string]map[string]map[string]any `json:"paths"`
		Components struct {
			Schemas map[string]any `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal(res.Body, &doc); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(doc.OpenAPI, "3.") {
		t.Fatalf("openapi version %q", doc.OpenAPI)
	}
	var inDoc, inRoutes []string
	for p, ops := range doc.Paths {
		for m, op := range ops {
			inDoc = append(inDoc, strings.ToUpper(m)+" "+p)
			params := map[string]bool{}
			if ps, ok := op["parameters"].([]any); ok {
				for _, x := range ps {
					pm := x.(map[string]any)
					if pm["in"] == "path" {
						params[pm["name"].(string)] = true
					}
				}
			}
			for _, name := range regexp.MustCompile(`\{([a-z_]+)\}`).FindAllStringSubmatch(p, -1) {
				if !params[name[1]] {
					t.Errorf("%s %s does not declare path parameter %s", m, p, name[1])
				}
			}
			if op["summary"] == "" || op["summary"] == nil {
				t.Errorf("%s %s has no summary", m, p)
			}
		}
	}
	for _, rt := range (&httpapi.Server{}).Routes() {
		inRoutes = append(inRoutes, rt.Method+" "+rt.Path)
	}
	sort.Strings(inDoc)
	sort.Strings(inRoutes)
	if strings.Join(inDoc, "\n") != strings.Join(inRoutes, "\n") {
		t.Errorf("document and routes differ:\ndoc:\n%s\nroutes:\n%s", strings.Join(inDoc, "\n"), strings.Join(inRoutes, "\n"))
	}
	refs := regexp.MustCompile(`"#/components/schemas/([A-Za-z]+)"`).FindAllStringSubmatch(string(res.Body), -1)
	if len(refs) == 0 {
		t.Fatal("no schema references")
	}
	for _, r := range refs {
		if _, ok := doc.Components.Schemas[r[1]]; !ok {
			t.Errorf("schema %s is referenced but not defined", r[1])
		}
	}
}
