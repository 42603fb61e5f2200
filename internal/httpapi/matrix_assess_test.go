package httpapi_test

// assessMatrixCases are the access-matrix cases of assessRoutes.
func assessMatrixCases() map[string]matrixCase {
	return map[string]matrixCase{}
}
