package httpapi

// meetingRoutes lists the routes of organizational life: meetings, compliance, terms (issue 5).
func (s *Server) meetingRoutes() []Route {
	return nil
}

// meetingSchemas are the OpenAPI bodies of meetingRoutes.
func meetingSchemas() map[string]any {
	return map[string]any{}
}
