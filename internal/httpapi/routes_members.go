package httpapi

import (
	"net/http"

	"liangxin/internal/actor"
	"liangxin/internal/apperr"
	"liangxin/internal/auth"
	"liangxin/internal/member"
)

// memberRoutes lists the routes of party members: roster, mobile members, transfers (issue 4).
func (s *Server) memberRoutes() []Route {
	const tag = "党员花名册"
	r, w := auth.PermMemberRead, auth.PermMemberWrite
	lq := []string{"name", "id_number", "party_org_id", "organization_id", "region_code", "category", "status", "gender", "education", "age_band", "sort", "page", "page_size"}
	return []Route{
		{Method: "GET", Path: "/api/v1/members", Perm: r, Tag: tag, Summary: "党员花名册（身份证号、手机号脱敏）", Query: lq, QueryTypes: memberQueryTypes, Response: "MemberPage", handler: s.listMembers},
		{Method: "POST", Path: "/api/v1/members", Perm: w, Tag: tag, Summary: "登记党员（校验身份证号，出生日期、性别须与之一致）", Request: "MemberInput", Response: "Member", Status: 201, handler: s.createMember},
		{Method: "GET", Path: "/api/v1/members/stats", Perm: r, Tag: tag, Summary: "党员统计（年龄、性别、学历、党龄、类别，按下级区域和党组织）", Query: []string{"region_code", "party_org_id"}, Response: "MemberStats", handler: s.memberStats},
		{Method: "GET", Path: "/api/v1/members/export", Perm: r, Tag: tag, Summary: "导出党员花名册（Excel，身份证号、手机号脱敏）", Query: lq[:10], QueryTypes: memberQueryTypes, Response: "xlsx", handler: s.exportMembers},
		{Method: "GET", Path: "/api/v1/members/{id}", Perm: r, Tag: tag, Summary: "查看党员（reveal=true 显示完整身份证号和手机号，需权限并记入审计）", Query: []string{"reveal"}, Response: "Member", handler: s.getMember},
		{Method: "PATCH", Path: "/api/v1/members/{id}", Perm: w, Tag: tag, Summary: "修改党员信息（身份证号不可修改）", Request: "MemberPatch", Response: "Member", handler: s.updateMember},
		{Method: "GET", Path: "/api/v1/imports/members/template", Perm: w, Tag: tag, Summary: "下载党员花名册导入模板（Excel）", Response: "xlsx", handler: s.memberTemplate},
		{Method: "POST", Path: "/api/v1/imports/members", Perm: w, Tag: tag, Summary: "导入党员花名册（逐行校验身份证号等，全部正确才写入；已在册的按身份证号更新）", Query: []string{"session"}, Upload: true, MaxBody: uploadLimit + 1<<20, Response: "ImportSession", handler: s.importMembers},
		{Method: "GET", Path: "/api/v1/party-orgs/{id}/group-members", Perm: r, Tag: tag, Summary: "党小组成员（现任在前，含历史；标明流动党员和双重管理）", Response: "GroupMemberList", handler: s.listGroupMembers},
		{Method: "POST", Path: "/api/v1/party-orgs/{id}/group-members", Perm: w, Tag: tag, Summary: "编入党小组（本支部党员或在本支部双重管理的流入党员；同一支部内同时只在一个党小组）", Request: "GroupMemberInput", Response: "GroupMember", Status: 201, handler: s.addGroupMember},
		{Method: "POST", Path: "/api/v1/party-orgs/{id}/group-members/{member_id}/end", Perm: w, Tag: tag, Summary: "移出党小组", Request: "DateOn", Response: "GroupMember", handler: s.endGroupMember},
		{Method: "GET", Path: "/api/v1/organizations/{id}/member-ledger", Perm: r, Tag: tag, Summary: "两新组织在册党员与申报党员数对比", Response: "MemberLedger", handler: s.memberLedger},
	}
}

// memberSchemas are the OpenAPI bodies of memberRoutes.
func memberSchemas() map[string]any {
	gender := map[string]any{"type": "string", "enum": []string{"male", "female"}}
	category := map[string]any{"type": "string", "enum": []string{"full", "probationary"}}
	status := map[string]any{"type": "string", "enum": []string{"active", "transferred_out", "suspended", "expelled", "deceased"}}
	intNul := map[string]any{"type": "integer", "nullable": true}
	count := obj(map[string]any{"code": tStr, "name": tStr, "count": tInt})
	return map[string]any{
		"Member": obj(map[string]any{"id": tInt, "name": tStr, "gender": gender, "ethnicity": tStr, "birth_date": tDate,
			"id_number": tStr, "phone": tStr, "education": tStr, "category": category, "party_org_id": tInt, "organization_id": intNul,
			"joined_on": tDateNul, "confirmed_on": tDateNul, "position": tStr, "status": status,
			"lost_since": tDateNul, "lost_reason": enumOf(append([]string{""}, member.LostReasonCodes()...))}),
		"MemberPage": pageOf("Member"),
		"MemberInput": obj(map[string]any{"name": tStr, "gender": map[string]any{"type": "string", "enum": []string{"male", "female"}, "description": "可省略（由身份证号推出）；填写时须与身份证号一致"}, "ethnicity": tStr, "birth_date": map[string]any{"type": "string", "format": "date", "description": "可省略（由身份证号推出）；填写时须与身份证号一致"}, "id_number": tStr,
			"phone": tStr, "education": tStr, "category": category, "party_org_id": tInt, "organization_id": intNul,
			"joined_on": tDateOrEmpty, "confirmed_on": tDateOrEmpty, "position": tStr},
			"name", "id_number", "category", "party_org_id"),
		"MemberPatch": obj(map[string]any{"name": tStr, "ethnicity": tStr, "phone": tStr, "education": tStr, "category": category,
			"party_org_id": tInt, "organization_id": tInt, "joined_on": tStr, "confirmed_on": tStr, "position": tStr, "status": status,
			"lost_since":  map[string]any{"type": "string", "description": "失联时间（YYYY-MM 或 YYYY-MM-DD）；与失联情形同时清空表示不再失联"},
			"lost_reason": map[string]any{"type": "string", "description": "失联情形：migrant_work 外出务工经商、restructure 单位改制或破产、graduate 毕业后去向不明、job_change 工作单位改变、abroad 出国（境）、moved 居住地改变、other 其他"}}),
		"MemberStats": obj(map[string]any{"total": tInt, "by_age": arr(count), "by_gender": arr(count), "by_education": arr(count),
			"by_party_age": arr(count), "by_category": arr(count), "by_region": arr(count), "by_party_org": arr(count)}),
		"GroupMember": obj(map[string]any{"id": tInt, "group_id": tInt, "group_name": tStr, "member_id": tInt, "member_name": tStr,
			"from": tDate, "to": tDateNul, "mobile": tStr, "dual": tBool}),
		"GroupMemberList":  obj(map[string]any{"items": arr(ref("GroupMember"))}),
		"GroupMemberInput": obj(map[string]any{"member_id": tInt, "from": tDate}, "member_id", "from"),
		"MemberLedger": obj(map[string]any{"organization_id": tInt, "declared_full": tInt, "declared_probationary": tInt,
			"recorded_full": tInt, "recorded_probationary": tInt, "mismatch": tBool}),
	}
}

// memberFilter reads the roster query; a party organization or region
// outside the actor's scope answers 404.
func (s *Server) memberFilter(r *http.Request) (member.Filter, error) {
	q := r.URL.Query()
	bad := apperr.Invalid()
	f := member.Filter{Name: q.Get("name"), IDNumber: q.Get("id_number"), PartyOrgID: optID(q, "party_org_id", bad),
		OrganizationID: optID(q, "organization_id", bad), RegionCode: q.Get("region_code"), Category: q.Get("category"),
		Status: q.Get("status"), Gender: q.Get("gender"), Education: q.Get("education"), AgeBand: q.Get("age_band"), Sort: q.Get("sort")}
	if err := bad.OrNil(); err != nil {
		return f, err
	}
	if f.PartyOrgID != 0 {
		if _, err := s.Party.Get(r.Context(), f.PartyOrgID); err != nil {
			return f, err
		}
	}
	if f.RegionCode != "" {
		if _, err := s.Regions.Get(r.Context(), f.RegionCode); err != nil {
			return f, err
		}
	}
	return f, nil
}

func (s *Server) listMembers(w http.ResponseWriter, r *http.Request) error {
	f, err := s.memberFilter(r)
	if err != nil {
		return err
	}
	if f.Page, f.PageSize, err = pageParams(r); err != nil {
		return err
	}
	items, total, err := s.Members.List(r.Context(), f)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, pageOfTotal(items, total, f.Page, f.PageSize))
	return nil
}

func (s *Server) createMember(w http.ResponseWriter, r *http.Request) error {
	var in member.Input
	if err := decode(r, &in); err != nil {
		return err
	}
	m, err := s.Members.Create(r.Context(), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, m)
	return nil
}

func (s *Server) getMember(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	reveal, err := revealParam(r)
	if err != nil {
		return err
	}
	m, err := s.Members.Get(r.Context(), id, reveal)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, m)
	return nil
}

// revealParam reads ?reveal=true|false; true needs auth.PermMemberReveal
// (the same permission for members' and instructors' personal data).
func revealParam(r *http.Request) (bool, error) {
	switch r.URL.Query().Get("reveal") {
	case "", "false":
		return false, nil
	case "true":
		a, _ := actor.From(r.Context())
		if !auth.Can(a.Role, auth.PermMemberReveal) {
			return false, apperr.Forbidden()
		}
		return true, nil
	}
	return false, apperr.InvalidField("reveal", "reveal 应为 true 或 false")
}

func (s *Server) updateMember(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in member.Patch
	if err := decode(r, &in); err != nil {
		return err
	}
	m, err := s.Members.Update(r.Context(), id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, m)
	return nil
}

func (s *Server) memberStats(w http.ResponseWriter, r *http.Request) error {
	f, err := s.memberFilter(r)
	if err != nil {
		return err
	}
	st, err := s.Members.Stats(r.Context(), f)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, st)
	return nil
}

func (s *Server) memberLedger(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	l, err := s.Members.LedgerOf(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, l)
	return nil
}

// exportMembers streams the roster of the filter, always masked.
func (s *Server) exportMembers(w http.ResponseWriter, r *http.Request) error {
	f, err := s.memberFilter(r)
	if err != nil {
		return err
	}
	return s.Members.ExportRoster(r.Context(), pathTarget(w, "members", "党员花名册"), f)
}

func (s *Server) memberTemplate(w http.ResponseWriter, r *http.Request) error {
	return sendTemplate(w, "member-template", "党员花名册导入模板", member.ImportTemplate)
}

func (s *Server) importMembers(w http.ResponseWriter, r *http.Request) error {
	return s.runImport(w, r, "members", member.ImportColumns(), s.Members.Import)
}
