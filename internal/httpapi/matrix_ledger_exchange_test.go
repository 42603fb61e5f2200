package httpapi_test

// ledgerExchangeMatrixCases are the access-matrix cases of ledgerExchangeRoutes.
func ledgerExchangeMatrixCases() map[string]matrixCase {
	return map[string]matrixCase{}
}
