package httpapi_test

import (
	"fmt"
	"testing"

	"liangxin/internal/briefing"
	"liangxin/internal/testenv"
)

// briefingDraft is a draft of 洪桥 (in) or 玉合 (out) for a closed month
// (one month per call, so each is a fresh draft); issued when issue is set.
func (f *fixtures) briefingDraft(t *testing.T, in, issue bool) briefing.Briefing {
	t.Helper()
	month := fmt.Sprintf("2025-%02d", f.next()%12+1)
	b, err := f.e.App.Briefing.Generate(f.sys(), briefing.GenerateInput{Month: month, RegionCode: pick(in, testenv.Hongqiao, testenv.Yuhe)})
	if err != nil {
		t.Fatal(err)
	}
	if issue {
		if b, err = f.e.App.Briefing.Issue(f.sys(), b.ID, briefing.IssueInput{Version: b.Version}); err != nil {
			t.Fatal(err)
		}
	}
	return b
}

// briefingMatrixCases are the access-matrix cases of briefingRoutes: a
// briefing of 洪桥 (in) or 玉合 (out, 404 as if absent).
func briefingMatrixCases() map[string]matrixCase {
	at := func(issue bool, suffix string, body func(briefing.Briefing) any) func(*testing.T, *fixtures, string, bool) (string, any) {
		return func(t *testing.T, f *fixtures, _ string, in bool) (string, any) {
			b := f.briefingDraft(t, in, issue)
			var v any
			if body != nil {
				v = body(b)
			}
			return fmt.Sprintf("/api/v1/briefings/%d%s", b.ID, suffix), v
		}
	}
	return map[string]matrixCase{
		"GET /api/v1/briefings": {unscoped: true, call: static("/api/v1/briefings?state=issued&year=2025&region_code=430426001&q=通报&page=1&page_size=10")},
		"POST /api/v1/briefings": {outStatus: 422, call: func(_ *testing.T, f *fixtures, _ string, in bool) (string, any) {
			return "/api/v1/briefings", map[string]any{"month": fmt.Sprintf("2024-%02d", f.next()%12+1), "region_code": pick(in, testenv.Hongqiao, testenv.Yuhe)}
		}},
		"GET /api/v1/briefings/{id}": {call: at(false, "", nil)},
		"PUT /api/v1/briefings/{id}": {call: at(false, "", func(b briefing.Briefing) any {
			return map[string]any{"title": "{{地区}}通报", "body": "覆盖率{{覆盖率}}", "version": b.Version}
		})},
		"DELETE /api/v1/briefings/{id}":       {call: at(false, "", nil)},
		"POST /api/v1/briefings/{id}/issue":   {call: at(false, "/issue", func(b briefing.Briefing) any { return map[string]any{"version": b.Version} })},
		"GET /api/v1/briefings/{id}/document": {call: at(true, "/document", nil)},
		"GET /api/v1/briefings/{id}/docx":     {call: at(true, "/docx", nil)},
		"GET /api/v1/briefings/{id}/xlsx":     {call: at(true, "/xlsx", nil)},
		"GET /api/v1/briefing-template":       {unscoped: true, call: static("/api/v1/briefing-template")},
		"PUT /api/v1/briefing-template": {unscoped: true, call: func(*testing.T, *fixtures, string, bool) (string, any) {
			return "/api/v1/briefing-template", map[string]any{"title": "{{地区}}{{年}}年{{月}}月通报", "body": "覆盖率{{覆盖率}}"}
		}},
		"GET /api/v1/briefing-template/versions": {unscoped: true, call: static("/api/v1/briefing-template/versions")},
		"GET /api/v1/briefing-placeholders":      {unscoped: true, call: static("/api/v1/briefing-placeholders")},
	}
}
