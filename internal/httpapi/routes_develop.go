package httpapi

// developRoutes lists the routes of 发展党员: the 25-step pipeline (issue 4).
func (s *Server) developRoutes() []Route {
	return nil
}

// developSchemas are the OpenAPI bodies of developRoutes.
func developSchemas() map[string]any {
	return map[string]any{}
}
