package httpapi_test

// developMatrixCases are the access-matrix cases of developRoutes.
func developMatrixCases() map[string]matrixCase {
	return map[string]matrixCase{}
}
