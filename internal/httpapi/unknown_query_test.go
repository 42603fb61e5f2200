package httpapi_test

import (
	"strings"
	"testing"

	"liangxin/internal/auth"
	"liangxin/internal/testenv"
)

// TestUnknownQueryParameterRefused: a parameter a route does not document is
// a 422 naming it (a misspelt pagesize used to be ignored with 200), on a
// paged list, on a route with no parameters at all, and on a write; the
// documented spelling still works.
func TestUnknownQueryParameterRefused(t *testing.T) {
	e := testenv.New(t)
	e.User("boss", auth.RoleDistrict, testenv.Jurisdiction)
	c := e.Login("boss", testenv.Password)
	type errBody struct {
		Error struct {
			Code   string            `json:"code"`
			Fields map[string]string `json:"fields"`
		} `json:"error"`
	}
	for _, tc := range []struct {
		method, url, field, want string
	}{
		{"GET", "/api/v1/organizations?pagesize=2", "pagesize", "不支持的查询参数 pagesize（本接口接受：q、"},
		{"GET", "/api/v1/organizations?page_size=2&_=123", "_", "不支持的查询参数 _"},
		{"GET", "/api/v1/system?debug=1", "debug", "本接口不接受查询参数（收到 debug）"},
		{"GET", "/api/v1/openapi.json?format=yaml", "format", "本接口不接受查询参数（收到 format）"},
		{"POST", "/api/v1/tokens?name=x", "name", "本接口不接受查询参数（收到 name）"},
	} {
		var body any
		if tc.method == "POST" {
			body = map[string]any{"name": "脚本"}
		}
		r := c.Do(tc.method, tc.url, body)
		var b errBody
		r.JSON(t, &b)
		if r.Status != 422 || b.Error.Code != "invalid" || !strings.HasPrefix(b.Error.Fields[tc.field], tc.want) {
			t.Errorf("%s %s: %d %.300s, want 422 with fields.%s starting %q", tc.method, tc.url, r.Status, r.Body, tc.field, tc.want)
		}
	}
	r := c.Do("GET", "/api/v1/organizations?page_size=2&page=1", nil)
	var page struct {
		PageSize int `json:"page_size"`
	}
	r.JSON(t, &page)
	if r.Status != 200 || page.PageSize != 2 {
		t.Errorf("documented page_size: %d %.200s", r.Status, r.Body)
	}
	// Nothing was written by the refused POST.
	var tokens struct {
		Items []any `json:"items"`
	}
	c.Do("GET", "/api/v1/tokens", nil).JSON(t, &tokens)
	if len(tokens.Items) != 0 {
		t.Errorf("refused POST created %d tokens", len(tokens.Items))
	}
}
