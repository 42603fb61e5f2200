package httpapi

import (
	"net/http"

	"liangxin/internal/orgprofile"
	"liangxin/internal/purchase"
)

// organizationProfile answers whether and how an organization is covered,
// its instructors and visits, and its members on the roster vs declared.
func (s *Server) organizationProfile(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	svc := orgprofile.Service{DB: s.DB, Orgs: s.Orgs, Members: s.Members, Now: s.Orgs.Now}
	if s.Contracts != nil {
		svc.Ratings = s.Contracts
	}
	p, err := svc.Get(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, p)
	return nil
}

// profileSchemas are the OpenAPI bodies of the organization profile.
func profileSchemas() map[string]any {
	return map[string]any{
		"OrganizationProfile": obj(map[string]any{"organization_id": tInt, "region_name": tStr, "industry_name": tStr,
			"areas":         arr(obj(map[string]any{"code": tStr, "name": tStr})),
			"coverage":      map[string]any{"type": "string", "enum": []string{orgprofile.CoveredSingle, orgprofile.CoveredShared, orgprofile.GuidedOnly, orgprofile.NotCovered}},
			"coverage_name": tStr,
			"covers": arr(obj(map[string]any{"party_org_id": tInt, "party_org_name": tStr, "kind": tStr, "kind_name": tStr, "formation": tStr,
				"formation_name": tStr, "from": tDate, "to": tDateNul, "current": tBool, "units": tInt})),
			"instructors": arr(obj(map[string]any{"instructor_id": tInt, "name": tStr, "unit": tStr, "full_time": tBool, "from": tDate, "to": tDateNul, "current": tBool})),
			"visits":      arr(obj(map[string]any{"id": tInt, "instructor_name": tStr, "visited_on": tDate, "content": tStr, "problems": tStr, "solved": tStr})),
			"visit_count": tInt, "members": ref("MemberLedger"),
			"service_rating": nullable(schemaOf(purchase.Rating{}), "最近一次购买服务四方评估（综合得分、等次）；未评估时为 null"),
			"requests": arr(obj(map[string]any{"id": tInt, "category_name": tStr, "content": tStr, "state": tStr, "state_name": tStr,
				"received_on": tDate, "done_on": tDateNul, "satisfaction": tStr, "satisfaction_name": tStr})),
			"request_count": tInt, "requests_done": tInt}),
	}
}
