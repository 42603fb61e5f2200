package httpapi_test

// ledgerExchangeMatrixCases are the access-matrix cases of ledgerExchangeRoutes.
func ledgerExchangeMatrixCases() map[string]matrixCase {
	return map[string]matrixCase{
		"GET /api/v1/party-orgs/export":             {unscoped: true, call: static("/api/v1/party-orgs/export")},
		"GET /api/v1/instructors/export":            {unscoped: true, call: static("/api/v1/instructors/export")},
		"GET /api/v1/stats/worklists/{kind}/export": {unscoped: true, call: static("/api/v1/stats/worklists/should_build/export")},
		"GET /api/v1/party-orgs/renewals/export":    {unscoped: true, call: static("/api/v1/party-orgs/renewals/export")},
		"GET /api/v1/stats/coverage/export":         {unscoped: true, call: static("/api/v1/stats/coverage/export")},
	}
}
