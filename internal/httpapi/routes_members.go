package httpapi

// memberRoutes lists the routes of party members: roster, mobile members, transfers (issue 4).
func (s *Server) memberRoutes() []Route {
	return nil
}

// memberSchemas are the OpenAPI bodies of memberRoutes.
func memberSchemas() map[string]any {
	return map[string]any{}
}
