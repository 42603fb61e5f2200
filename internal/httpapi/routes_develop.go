package httpapi

import (
	"net/http"
	"strconv"

	"liangxin/internal/apperr"
	"liangxin/internal/auth"
	"liangxin/internal/develop"
)

// developRoutes lists the routes of 发展党员: the 25-step pipeline (issue 4).
// Development is member work: it reads with member.read and records with member.write.
func (s *Server) developRoutes() []Route {
	const tag = "发展党员"
	r, w := auth.PermMemberRead, auth.PermMemberWrite
	return []Route{
		{Method: "GET", Path: "/api/v1/develop/steps", Perm: r, Tag: tag, Summary: "发展党员的五个阶段和25个步骤", Response: "DevelopCatalogue", handler: s.developSteps},
		{Method: "GET", Path: "/api/v1/develop/people", Perm: r, Tag: tag, Summary: "发展党员名册（入党申请人至正式党员）", Query: []string{"party_org_id", "stage", "name", "page", "page_size"}, QueryTypes: developQueryTypes, Response: "DevPersonPage", handler: s.listDevPeople},
		{Method: "GET", Path: "/api/v1/develop/export", Perm: r, Tag: tag, Summary: "导出发展党员名册（Excel，每人一行，身份证号脱敏）", Query: []string{"party_org_id", "stage", "name"}, QueryTypes: developQueryTypes, Response: "xlsx", handler: s.exportDevPeople},
		{Method: "POST", Path: "/api/v1/develop/people", Perm: w, Tag: tag, Summary: "登记入党申请人（第一步：递交入党申请书，须年满18周岁）", Request: "DevPersonInput", Response: "DevPerson", Status: 201, handler: s.applyDevPerson},
		{Method: "GET", Path: "/api/v1/develop/people/{id}", Perm: r, Tag: tag, Summary: "发展党员全过程记录（时间轴）", Response: "DevPerson", handler: s.getDevPerson},
		{Method: "POST", Path: "/api/v1/develop/people/{id}/steps", Perm: w, Tag: tag, Summary: "记录一个步骤（校验时间规则：违反硬性规定拒绝，软性规定记录并提示）", Request: "DevStepInput", Response: "DevStepRecorded", Status: 201, handler: s.recordDevStep},
		{Method: "GET", Path: "/api/v1/develop/schedule", Perm: r, Tag: tag, Summary: "近期到期（下周、下月）和已逾期的步骤", Query: []string{"party_org_id", "within"}, Response: "DevSchedule", handler: s.devSchedule},
		{Method: "GET", Path: "/api/v1/imports/develop/template", Perm: w, Tag: tag, Summary: "下载发展党员记录导入模板（Excel）", Response: "xlsx", handler: s.developTemplate},
		{Method: "POST", Path: "/api/v1/imports/develop", Perm: w, Tag: tag, Summary: "导入发展党员记录（每行一个步骤，按规定逐条校验，全部成功才写入）", Query: []string{"session"}, Upload: true, MaxBody: uploadLimit + 1<<20, Response: "ImportSession", handler: s.importDevelop},
		{Method: "GET", Path: "/api/v1/develop/stats", Perm: r, Tag: tag, Summary: "各党组织各阶段人数", Query: []string{"party_org_id"}, Response: "DevStats", handler: s.devStats},
		{Method: "GET", Path: "/api/v1/develop/publicity", Perm: r, Tag: tag, Summary: "公示期设置（第⑯步、第㉔步前的公示天数及节假日安排）", Response: "DevPublicity", handler: s.devPublicity},
		{Method: "PUT", Path: "/api/v1/develop/publicity", Perm: auth.PermMemberSettings, Tag: tag, Summary: "修改公示期设置（全辖区规则，仅区两新工委）", Request: "DevPublicityInput", Response: "DevPublicity", handler: s.devSetPublicity},
	}
}

// developSchemas are the OpenAPI bodies of developRoutes.
func developSchemas() map[string]any {
	due := obj(map[string]any{"step": tInt, "name": tStr, "on": tDate, "kind": map[string]any{"type": "string", "enum": []string{"deadline", "eligible"}}, "label": tStr})
	step := obj(map[string]any{"id": tInt, "n": tInt, "name": tStr, "done_on": tDate, "people": tStr, "details": map[string]any{"type": "object"},
		"documents": tStr, "note": tStr, "warning": tStr, "recorded_by": tStr})
	item := obj(map[string]any{"person_id": tInt, "name": tStr, "party_org_id": tInt, "party_org_name": tStr, "stage": tStr, "stage_name": tStr,
		"step": tInt, "on": tDate, "kind": tStr, "label": tStr, "overdue": tBool})
	return map[string]any{
		"DevelopCatalogue": obj(map[string]any{"stages": arr(obj(map[string]any{"code": tStr, "name": tStr})),
			"steps": arr(obj(map[string]any{"n": tInt, "phase": tInt, "phase_name": tStr, "name": tStr, "repeatable": tBool, "enters": tStr, "fields": tStr}))}),
		"DevPerson": obj(map[string]any{"id": tInt, "party_org_id": tInt, "party_org_name": tStr, "name": tStr, "gender": tStr, "birth_date": tDate,
			"id_number": map[string]any{"type": "string", "description": "脱敏显示"}, "organization_id": tIntNul, "stage": tStr, "stage_name": tStr,
			"applied_on": tDate, "probation_ends_on": tDateNul, "extension_months": tInt, "member_id": tIntNul, "last_step": tInt, "last_step_name": tStr,
			"last_step_on": tDate, "steps": arr(step), "next": arr(due)}),
		"DevPersonPage": pageOf("DevPerson"),
		"DevPersonInput": obj(map[string]any{"party_org_id": tInt, "name": tStr, "gender": tStr, "birth_date": tDate, "id_number": tStr,
			"organization_id": tInt, "applied_on": tDate, "note": tStr}, "party_org_id", "name", "id_number", "applied_on"),
		"DevStepInput": obj(map[string]any{"step": map[string]any{"type": "integer", "description": "2–25，或 100（延长预备期）"}, "done_on": tDate,
			"people": tStr, "documents": tStr, "note": tStr, "introducers": arr(tInt), "group_id": tInt, "training_days": tInt, "training_hours": tInt,
			"voters_due": tInt, "present": tInt, "yes": tInt, "months": tInt,
			"publicity_from": map[string]any{"type": "string", "format": "date", "description": "第⑯、㉔步必填：公示开始日期"},
			"publicity_to":   map[string]any{"type": "string", "format": "date", "description": "第⑯、㉔步必填：公示结束日期（不晚于本步骤日期）"}}, "step", "done_on"),
		"DevPublicity": obj(map[string]any{"days": tInt, "unit": map[string]any{"type": "string", "enum": []string{develop.UnitWorkingDays, develop.UnitCalendarDays}},
			"holidays": arr(tDate), "workdays": arr(tDate)}),
		"DevPublicityInput": obj(map[string]any{"days": tInt, "unit": map[string]any{"type": "string", "enum": []string{develop.UnitWorkingDays, develop.UnitCalendarDays}},
			"holidays": arr(tDate), "workdays": arr(tDate), "reason": reasonSchema}, "days", "unit"),
		"DevStepRecorded": obj(map[string]any{"person": ref("DevPerson"), "step": step, "warnings": arr(tStr)}),
		"DevSchedule":     obj(map[string]any{"from": tDate, "to": tDate, "due": arr(item), "overdue": arr(item)}),
		"DevStats": obj(map[string]any{"totals": map[string]any{"type": "object", "additionalProperties": tInt},
			"items": arr(obj(map[string]any{"party_org_id": tInt, "party_org_name": tStr, "total": tInt, "counts": map[string]any{"type": "object", "additionalProperties": tInt}}))}),
	}
}

func (s *Server) developSteps(w http.ResponseWriter, r *http.Request) error {
	stages := []map[string]string{}
	for _, st := range develop.StageNames {
		stages = append(stages, map[string]string{"code": st.Code, "name": st.Name})
	}
	writeJSON(w, http.StatusOK, map[string]any{"stages": stages, "steps": develop.Steps})
	return nil
}

func (s *Server) listDevPeople(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	bad := apperr.Invalid()
	f := develop.Filter{PartyOrgID: optID(q, "party_org_id", bad), Stage: q.Get("stage"), Name: q.Get("name")}
	if err := bad.OrNil(); err != nil {
		return err
	}
	var err error
	if f.Page, f.PageSize, err = pageParams(r); err != nil {
		return err
	}
	items, total, err := s.Develop.List(r.Context(), f)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, pageOfTotal(items, total, f.Page, f.PageSize))
	return nil
}

func (s *Server) applyDevPerson(w http.ResponseWriter, r *http.Request) error {
	var in develop.PersonInput
	if err := decode(r, &in); err != nil {
		return err
	}
	p, err := s.Develop.Apply(r.Context(), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, p)
	return nil
}

func (s *Server) getDevPerson(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	p, err := s.Develop.Get(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, p)
	return nil
}

func (s *Server) recordDevStep(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in develop.StepInput
	if err := decode(r, &in); err != nil {
		return err
	}
	out, err := s.Develop.RecordStep(r.Context(), id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, out)
	return nil
}

func (s *Server) devSchedule(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	bad := apperr.Invalid()
	po := optID(q, "party_org_id", bad)
	within := 30
	if v := q.Get("within"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			bad.Field("within", "应为 1–366 的整数（天）")
		}
		within = n
	}
	if err := bad.OrNil(); err != nil {
		return err
	}
	out, err := s.Develop.Schedule(r.Context(), po, within)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) devStats(w http.ResponseWriter, r *http.Request) error {
	bad := apperr.Invalid()
	po := optID(r.URL.Query(), "party_org_id", bad)
	if err := bad.OrNil(); err != nil {
		return err
	}
	items, totals, err := s.Develop.Stats(r.Context(), po)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": items, "totals": totals})
	return nil
}

func (s *Server) developTemplate(w http.ResponseWriter, r *http.Request) error {
	return sendTemplate(w, "develop-template", "发展党员记录导入模板", develop.ImportTemplate)
}

func (s *Server) importDevelop(w http.ResponseWriter, r *http.Request) error {
	return s.runImport(w, r, "develop", develop.ImportColumns(), s.Develop.Import)
}

func (s *Server) devPublicity(w http.ResponseWriter, r *http.Request) error {
	p, err := s.Develop.Publicity(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, p)
	return nil
}

func (s *Server) devSetPublicity(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		develop.PublicitySettings
		Reason string `json:"reason"`
	}
	if err := decode(r, &in); err != nil {
		return err
	}
	p, err := s.Develop.SetPublicity(r.Context(), in.PublicitySettings, in.Reason)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, p)
	return nil
}

// exportDevPeople streams the people of the pipeline in the caller's scope, with
// the filters of the list; the 身份证号 is masked as the list shows it.
func (s *Server) exportDevPeople(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	bad := apperr.Invalid()
	f := develop.Filter{PartyOrgID: optID(q, "party_org_id", bad), Stage: q.Get("stage"), Name: q.Get("name")}
	if err := bad.OrNil(); err != nil {
		return err
	}
	return s.Develop.Export(r.Context(), xlsxTarget(w, "develop", "发展党员"), f)
}
