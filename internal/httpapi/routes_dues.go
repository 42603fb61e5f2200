package httpapi

// duesRoutes lists the routes of 党费: rates, yearly amounts, payments, arrears, refunds (issue 4).
func (s *Server) duesRoutes() []Route {
	return nil
}

// duesSchemas are the OpenAPI bodies of duesRoutes.
func duesSchemas() map[string]any {
	return map[string]any{}
}
