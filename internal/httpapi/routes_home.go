package httpapi

import (
	"net/http"

	"liangxin/internal/auth"
	"liangxin/internal/home"
)

// homeRoutes lists the home page (issue 16 item 6): the day's work of the
// caller's role. Any logged-in user may ask; what it shows is decided per
// role inside internal/home and scoped by the data layer.
func (s *Server) homeRoutes() []Route {
	return []Route{
		{Method: "GET", Path: "/api/v1/home", Perm: auth.PermSelf, Tag: "首页", Summary: "首页待办：按角色列出今天要做的事（卡片：数量、紧急程度、前几项及办理页面）", Response: "HomePage", handler: s.homePage},
	}
}

// homeSchemas are the OpenAPI bodies of homeRoutes.
func homeSchemas() map[string]any {
	return map[string]any{"HomePage": schemaOf(home.Page{})}
}

func (s *Server) homePage(w http.ResponseWriter, r *http.Request) error {
	p, err := s.Home.Home(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, p)
	return nil
}
