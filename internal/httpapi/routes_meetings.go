package httpapi

import "liangxin/internal/auth"

// meetingRoutes lists the routes of organizational life: meetings, compliance, terms (issue 5).
func (s *Server) meetingRoutes() []Route {
	const tag = "组织生活"
	r, w := auth.PermOrgLifeRead, auth.PermOrgLifeWrite
	mq := []string{"party_org_id", "region_code", "kind", "status", "from", "to", "late", "page", "page_size"}
	cq := []string{"from", "to", "region_code", "party_org_id"}
	paged := func(q ...string) []string { return append(q, "page", "page_size") }
	return []Route{
		{Method: "GET", Path: "/api/v1/meetings", Perm: r, Tag: tag, Summary: "会议记录列表（三会一课、主题党日等）", Query: mq, QueryTypes: meetingQueryTypes, Response: "MeetingPage", handler: s.listMeetings},
		{Method: "POST", Path: "/api/v1/meetings", Perm: w, Tag: tag, Summary: "登记会议（已召开或计划）及出席情况", Request: "MeetingInput", Response: "Meeting", Status: 201, handler: s.createMeeting},
		{Method: "GET", Path: "/api/v1/meetings/export", Perm: r, Tag: tag, Summary: "导出会议记录（Excel）", Query: mq[:7], QueryTypes: meetingQueryTypes, Response: "xlsx", handler: s.exportMeetings},
		{Method: "GET", Path: "/api/v1/imports/meetings/template", Perm: w, Tag: tag, Summary: "下载会议记录导入模板（Excel）", Response: "xlsx", handler: s.meetingTemplate},
		{Method: "POST", Path: "/api/v1/imports/meetings", Perm: w, Tag: tag, Summary: "导入历史会议记录（Excel，全部成功才写入；出错时返回标注错误的表格）", Query: []string{"session"}, Upload: true, MaxBody: uploadLimit + 1<<20, Response: "ImportSession", handler: s.importMeetings},
		{Method: "GET", Path: "/api/v1/meetings/options", Perm: r, Tag: tag, Summary: "会议类型、状态、出席情况、委员会职务代码", Response: "MeetingOptions", handler: s.meetingOptions},
		{Method: "GET", Path: "/api/v1/meetings/candidates", Perm: r, Tag: tag, Summary: "可登记出席的党员（党组织及下级的花名册）", Query: paged("party_org_id"), RequiredQuery: []string{"party_org_id"}, Response: "CandidatePage", handler: s.meetingCandidates},
		{Method: "GET", Path: "/api/v1/meetings/{id}", Perm: r, Tag: tag, Summary: "查看会议记录", Response: "Meeting", handler: s.getMeeting},
		{Method: "PUT", Path: "/api/v1/meetings/{id}", Perm: w, Tag: tag, Summary: "修改会议记录（含计划改为已召开）", Request: "MeetingUpdate", Response: "Meeting", handler: s.updateMeeting},
		{Method: "DELETE", Path: "/api/v1/meetings/{id}", Perm: w, Tag: tag, Summary: "删除会议记录", Status: 204, handler: s.deleteMeeting},
		{Method: "POST", Path: "/api/v1/meetings/{id}/attachments", Perm: w, Tag: tag, Summary: "上传会议照片或文档（jpg/png/pdf/docx/xlsx）", Upload: true, MaxBody: 11 << 20, Response: "Attachment", Status: 201, handler: s.uploadAttachment},
		{Method: "GET", Path: "/api/v1/meeting-attachments/{id}", Perm: r, Tag: tag, Summary: "下载会议附件", handler: s.downloadAttachment},

		{Method: "GET", Path: "/api/v1/meeting-frequencies", Perm: r, Tag: tag, Summary: "规定频次（含历次版本）", Response: "FrequencyList", handler: s.listFrequencies},
		{Method: "POST", Path: "/api/v1/meeting-frequencies", Perm: auth.PermOrgLifeSettings, Tag: tag, Summary: "设置规定频次（自某日起生效）", Request: "FrequencyInput", Response: "Frequency", Status: 201, handler: s.setFrequency},

		{Method: "GET", Path: "/api/v1/compliance", Perm: r, Tag: tag, Summary: "组织生活落实情况（全范围汇总：应开、已开、落实率、出席率、按状态计数；党组织分页、排序、按状态筛选）", Query: append(paged(cq...), "sort", "order", "status"), QueryTypes: complianceQueryTypes, Response: "CompliancePage", handler: s.compliance},
		{Method: "GET", Path: "/api/v1/compliance/export", Perm: r, Tag: tag, Summary: "导出组织生活落实情况（Excel）", Query: cq, Response: "xlsx", handler: s.exportCompliance},
		{Method: "GET", Path: "/api/v1/compliance/reminders", Perm: r, Tag: tag, Summary: "本月、本季度、本年度还需召开的会议", Query: paged("party_org_id"), Response: "ReminderPage", handler: s.reminders},
		{Method: "GET", Path: "/api/v1/compliance/laggards", Perm: r, Tag: tag, Summary: "组织生活未落实到位的党组织", Query: paged(cq...), Response: "LaggardPage", handler: s.laggards},
		{Method: "GET", Path: "/api/v1/compliance/laggards/export", Perm: r, Tag: tag, Summary: "导出组织生活未落实到位的党组织（Excel）", Query: cq, Response: "xlsx", handler: s.exportLaggards},

		{Method: "GET", Path: "/api/v1/party-orgs/{id}/committee", Perm: r, Tag: tag, Summary: "党组织委员会（现任、历任、换届记录、检查）", Response: "Committee", handler: s.getCommittee},
		{Method: "POST", Path: "/api/v1/party-orgs/{id}/committee", Perm: w, Tag: tag, Summary: "增补委员会成员", Request: "CommitteeMemberInput", Response: "CommitteeMember", Status: 201, handler: s.addCommitteeMember},
		{Method: "PATCH", Path: "/api/v1/committee-members/{id}", Perm: w, Tag: tag, Summary: "委员会成员离任或修改交叉任职", Request: "CommitteeMemberPatch", Response: "CommitteeMember", handler: s.updateCommitteeMember},
		{Method: "POST", Path: "/api/v1/party-orgs/{id}/elections", Perm: w, Tag: tag, Summary: "登记换届选举（新一届委员会，开始新任期）", Request: "ElectionInput", Response: "Committee", Status: 201, handler: s.recordElection},
		{Method: "GET", Path: "/api/v1/committees/renewals", Perm: r, Tag: tag, Summary: "三个月内到期及逾期未换届的党组织", Query: paged(), Response: "RenewalPage", handler: s.committeeRenewals},
		{Method: "GET", Path: "/api/v1/committees/renewals/export", Perm: r, Tag: tag, Summary: "导出换届提醒（Excel）", Response: "xlsx", handler: s.exportCommitteeRenewals},
		{Method: "GET", Path: "/api/v1/committees/vacancies", Perm: r, Tag: tag, Summary: "书记空缺的党组织（超过三个月标记）", Query: paged(), Response: "VacancyPage", handler: s.vacancies},
		{Method: "GET", Path: "/api/v1/committees/vacancies/export", Perm: r, Tag: tag, Summary: "导出书记空缺（Excel）", Response: "xlsx", handler: s.exportVacancies},
	}
}

// meetingSchemas are the OpenAPI bodies of meetingRoutes.
func meetingSchemas() map[string]any {
	code := obj(map[string]any{"code": tStr, "name": tStr})
	rateT := map[string]any{"type": "number", "nullable": true}
	attendee := obj(map[string]any{"member_id": tInt, "name": tStr, "status": tStr, "status_name": tStr})
	kindC := obj(map[string]any{"kind": tStr, "kind_name": tStr, "required": tInt, "held": tInt, "total": tInt, "late": tInt, "rate": rateT, "missing": arr(tStr)})
	orgC := obj(map[string]any{"party_org_id": tInt, "party_org_name": tStr, "region_code": tStr, "street_code": tStr, "street_name": tStr,
		"required": tInt, "held": tInt, "rate": rateT, "attendance": rateT, "meetings": tInt, "kinds": arr(kindC), "missing": arr(tStr)})
	group := obj(map[string]any{"code": tStr, "name": tStr, "required": tInt, "held": tInt, "rate": rateT, "orgs": tInt})
	cm := map[string]any{"id": tInt, "party_org_id": tInt, "election_id": tIntNul, "role": tStr, "role_name": tStr, "member_id": tIntNul, "name": tStr,
		"from": tDate, "to": tDateNul, "cross_post": tBool}
	return map[string]any{
		"Attachment": obj(map[string]any{"id": tInt, "name": tStr, "content_type": tStr, "size": tInt, "created_at": tTime}),
		"Meeting": obj(map[string]any{"id": tInt, "party_org_id": tInt, "party_org_name": tStr, "kind": tStr, "kind_name": tStr, "status": tStr,
			"status_name": tStr, "date": tDate, "place": tStr, "topic": map[string]any{"type": "string", "description": "会议主题（已召开的会议必填）"}, "presenter": tStr, "host": tStr, "recorder": tStr, "minutes": tStr, "resolutions": tStr,
			"late": tBool, "late_note": tStr, "expected": tInt, "present": tInt, "excused": tInt, "absent": tInt, "attendance": rateT,
			"attendees": arr(attendee), "attachments": arr(ref("Attachment")), "created_at": tTime, "updated_at": tTime}),
		"MeetingPage": pageOf("Meeting"),
		"MeetingInput": obj(map[string]any{"party_org_id": tInt, "kind": tStr, "status": map[string]any{"type": "string", "enum": []string{"planned", "held"}},
			"date": tDate, "place": tStr, "topic": map[string]any{"type": "string", "description": "会议主题（已召开的会议必填）"}, "presenter": tStr, "host": tStr, "recorder": tStr, "minutes": tStr, "resolutions": tStr, "late": tBool, "late_note": tStr,
			"attendees": arr(obj(map[string]any{"member_id": tInt, "status": map[string]any{"type": "string", "enum": []string{"present", "excused", "absent"}}}))},
			"party_org_id", "kind", "date"),
		"MeetingUpdate": obj(map[string]any{"party_org_id": map[string]any{"type": "integer", "description": "不可修改，可省略"}, "kind": tStr, "status": map[string]any{"type": "string", "enum": []string{"planned", "held"}},
			"date": tDate, "place": tStr, "topic": map[string]any{"type": "string", "description": "会议主题（已召开的会议必填）"}, "presenter": tStr, "host": tStr, "recorder": tStr, "minutes": tStr, "resolutions": tStr, "late": tBool, "late_note": tStr,
			"attendees": arr(obj(map[string]any{"member_id": tInt, "status": map[string]any{"type": "string", "enum": []string{"present", "excused", "absent"}}}))},
			"kind", "date"),
		"MeetingOptions": obj(map[string]any{"kinds": arr(code), "statuses": arr(code), "attendance": arr(code), "roles": arr(code), "periods": arr(code),
			"party_org_kinds": arr(obj(map[string]any{"code": tStr, "name": tStr, "kinds": arr(code)}))}),
		"Candidate":     obj(map[string]any{"id": tInt, "name": tStr, "category": tStr, "party_org_name": tStr}),
		"CandidatePage": pageOf("Candidate"),
		"Frequency":     obj(map[string]any{"id": tInt, "party_org_kind": tStr, "party_org_kind_name": tStr, "kind": tStr, "kind_name": tStr, "period": tStr, "period_name": tStr, "times": tInt, "effective_from": tDate}),
		"FrequencyList": obj(map[string]any{"items": arr(ref("Frequency"))}),
		"FrequencyInput": obj(map[string]any{"party_org_kind": map[string]any{"type": "string", "enum": []string{"committee", "general_branch", "branch"}}, "kind": tStr, "period": map[string]any{"type": "string", "enum": []string{"month", "quarter", "year", "none"}},
			"times": tInt, "effective_from": tDate, "reason": reasonSchema}, "kind", "period", "effective_from"),
		"CompliancePage": obj(map[string]any{"from": tDate, "to": tDate, "required": tInt, "held": tInt, "rate": rateT, "attendance": rateT,
			"orgs": map[string]any{"type": "array", "items": orgC, "description": "本页的党组织"}, "by_street": arr(group), "by_kind": arr(group),
			"missing": map[string]any{"type": "array", "items": tStr, "description": "本页党组织的缺项"},
			"counts":  obj(map[string]any{"all": tInt, "complete": tInt, "incomplete": tInt, "none": tInt}),
			"total":   map[string]any{"type": "integer", "description": "符合状态筛选的党组织数"}, "page": tInt, "page_size": tInt}),
		"Reminder": obj(map[string]any{"party_org_id": tInt, "party_org_name": tStr, "items": arr(tStr),
			"due": arr(obj(map[string]any{"kind": tStr, "kind_name": tStr, "period": tStr, "period_name": tStr, "times": tInt, "days_left": tInt}))}),
		"ReminderPage":         pageOf("Reminder"),
		"OrgCompliance":        orgC,
		"LaggardPage":          pageOf("OrgCompliance"),
		"CommitteeMember":      obj(cm),
		"CommitteeMemberInput": obj(map[string]any{"role": tStr, "member_id": tInt, "name": tStr, "from": tDate, "cross_post": tBool}, "role", "from"),
		"CommitteeMemberPatch": obj(map[string]any{"to": tDate, "cross_post": tBool}),
		"ElectionInput": obj(map[string]any{"held_on": tDate, "note": tStr, "approval": tStr,
			"members": arr(obj(map[string]any{"role": tStr, "member_id": tInt, "name": tStr, "cross_post": tBool}))}, "held_on", "members"),
		"Committee": obj(map[string]any{"party_org_id": tInt, "party_org_name": tStr, "full_members": tInt, "term_started_on": tDate, "term_due_on": tDate,
			"current": arr(ref("CommitteeMember")), "history": arr(ref("CommitteeMember")),
			"elections": arr(obj(map[string]any{"id": tInt, "held_on": tDate, "note": tStr, "members": tInt, "timing": tStr, "approval": tStr})),
			"warnings":  arr(tStr), "incomplete": tBool, "vacant_since": tDate, "secretary_vacant": tBool}),
		"VacancyPage": obj(map[string]any{"items": arr(obj(map[string]any{"party_org_id": tInt, "party_org_name": tStr, "vacant_since": tDate, "days": tInt, "flagged": tBool})), "total": tInt, "page": tInt, "page_size": tInt}),
	}
}
