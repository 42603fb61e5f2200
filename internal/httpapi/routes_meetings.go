package httpapi

// meetingRoutes lists the routes of organizational life: meetings, compliance, terms (issue 5).
func (s *Server) meetingRoutes() []Route {
	return nil
}
