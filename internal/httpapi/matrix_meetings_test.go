package httpapi_test

// meetingMatrixCases are the access-matrix cases of meetingRoutes.
func meetingMatrixCases() map[string]matrixCase {
	return map[string]matrixCase{}
}
