package httpapi_test

// duesMatrixCases are the access-matrix cases of duesRoutes.
func duesMatrixCases() map[string]matrixCase {
	return map[string]matrixCase{
		"GET /api/v1/dues/calc": {unscoped: true, call: static("/api/v1/dues/calc?base=3000&kind=employed")},
	}
}
