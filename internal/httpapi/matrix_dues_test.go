package httpapi_test

// duesMatrixCases are the access-matrix cases of duesRoutes.
func duesMatrixCases() map[string]matrixCase {
	return map[string]matrixCase{}
}
