package httpapi_test

// memberMatrixCases are the access-matrix cases of memberRoutes.
func memberMatrixCases() map[string]matrixCase {
	return map[string]matrixCase{}
}
