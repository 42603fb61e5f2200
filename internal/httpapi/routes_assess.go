package httpapi

// assessRoutes lists the routes of assessment, star rating, weak branches, pairing, honours (issue 5).
func (s *Server) assessRoutes() []Route {
	return nil
}

// assessSchemas are the OpenAPI bodies of assessRoutes.
func assessSchemas() map[string]any {
	return map[string]any{}
}
