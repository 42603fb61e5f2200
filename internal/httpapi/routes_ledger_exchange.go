package httpapi

// ledgerExchangeRoutes lists the routes of Excel import and export of party organizations, instructors and reports (issue 3).
func (s *Server) ledgerExchangeRoutes() []Route {
	return nil
}

// ledgerExchangeSchemas are the OpenAPI bodies of ledgerExchangeRoutes.
func ledgerExchangeSchemas() map[string]any {
	return map[string]any{}
}
