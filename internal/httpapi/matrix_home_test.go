package httpapi_test

// homeMatrixCases are the access-matrix cases of homeRoutes: the home page
// acts on the caller's own work only (every role may call it; what it shows
// is scoped by the data layer, see home_api_test.go).
func homeMatrixCases() map[string]matrixCase {
	return map[string]matrixCase{
		"GET /api/v1/home": {unscoped: true, call: static("/api/v1/home")},
	}
}
