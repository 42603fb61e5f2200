package httpapi_test

import (
	"testing"

	"liangxin/internal/testenv"
)

// dangtongMatrixCases are the access-matrix cases of dangtongRoutes: a
// street's table (in) or another street's (out, 404 as if absent).
func dangtongMatrixCases() map[string]matrixCase {
	at := func(path string) func(*testing.T, *fixtures, string, bool) (string, any) {
		return func(_ *testing.T, _ *fixtures, _ string, in bool) (string, any) {
			return path + "date=2026-06-30&region_code=" + pick(in, testenv.Hongqiao, testenv.Yuhe), nil
		}
	}
	return map[string]matrixCase{
		"GET /api/v1/stats/dangtong/check": {call: at("/api/v1/stats/dangtong/check?")},
		"GET /api/v1/stats/dangtong/period": {call: func(_ *testing.T, _ *fixtures, _ string, in bool) (string, any) {
			return "/api/v1/stats/dangtong/period?from=2026-01-01&to=2026-06-30&region_code=" + pick(in, testenv.Hongqiao, testenv.Yuhe), nil
		}},
		"GET /api/v1/stats/dangtong/{table}":                   {call: at("/api/v1/stats/dangtong/27?")},
		"GET /api/v1/stats/dangtong/{table}/export":            {call: at("/api/v1/stats/dangtong/30/export?")},
		"GET /api/v1/stats/dangtong/{table}/cells/{row}/{col}": {call: at("/api/v1/stats/dangtong/24/cells/1/1?page=1&page_size=10&")},
	}
}
