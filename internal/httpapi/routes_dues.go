package httpapi

import "liangxin/internal/auth"

// duesRoutes lists the routes of 党费: rates, yearly amounts, payments, arrears, refunds (issue 4).
func (s *Server) duesRoutes() []Route {
	return []Route{
		{Method: "GET", Path: "/api/v1/dues/calc", Perm: auth.PermMemberRead, Tag: "党费", Summary: "按基数和类别计算每月党费", Query: []string{"base", "kind"}, Response: "DuesCalc", handler: s.duesCalc},
	}
}

// duesSchemas are the OpenAPI bodies of duesRoutes.
func duesSchemas() map[string]any {
	return map[string]any{
		"DuesCalc": map[string]any{"type": "object", "properties": map[string]any{
			"rate":   map[string]any{"type": "string", "description": "比例（如 0.005）；定额类别为空"},
			"amount": map[string]any{"type": "string", "description": "每月应交金额（元，两位小数）"},
		}},
	}
}
