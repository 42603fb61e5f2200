package httpapi

import (
	"liangxin/internal/auth"
	"liangxin/internal/workloop"
)

// workRoutes lists the routes of the work loop (issue 16 items 1–3):
// 工作提示/学习清单, 挂牌销号 tasks and supervision.
func (s *Server) workRoutes() []Route {
	const tn, tt, ts = "工作提示与学习清单", "任务督办", "督导调研"
	read, write, respond := auth.PermWorkRead, auth.PermWorkWrite, auth.PermWorkRespond
	noticeTypes := map[string]queryParamSpec{
		"kind":   qEnum(workCodes(workloop.NoticeKinds()), "类型：tip 工作提示、study 学习清单"),
		"state":  qEnum(workCodes(workloop.NoticeStates()), "状态：draft 草稿、published 已发布、withdrawn 已撤回"),
		"year":   qInt(2000, 2100, "年度（按所属月份或季度）"),
		"unread": qBool("为 true 时只看本党组织尚未阅读的已发布通知（党组织账户）"),
		"q":      qStr("关键词（标题、正文模糊匹配）"),
	}
	receiptTypes := map[string]queryParamSpec{
		"status":      qEnum(workCodes(workloop.ReceiptStatuses()), "unread 未阅读、read 已阅读、not_done 未完成全部学习内容、done 已完成全部学习内容"),
		"street_code": qStr("街道（乡镇）区划代码（含下级）"),
		"q":           qStr("党组织名称（模糊匹配）"),
	}
	taskQuery := []string{"state", "overdue", "region_code", "origin_kind", "origin_id", "q"}
	taskTypes := map[string]queryParamSpec{
		"state":       qEnum(workCodes(workloop.TaskStates()), "状态：open 已挂牌、requested 待销号、returned 已退回、closed 已销号"),
		"overdue":     qBool("为 true 时只看超过时限仍未销号的任务"),
		"origin_kind": qEnum(workCodes(workloop.Origins())[1:], "来源：rectification 软弱涣散整改、supervision_finding 督导调研发现问题、joint_meeting 联席会议决定"),
		"origin_id":   qInt(1, 1<<53, "来源记录 ID（与 origin_kind 一起用）"),
		"q":           qStr("关键词（任务名称、要求、承办党组织名称模糊匹配）"),
	}
	planTypes := map[string]queryParamSpec{
		"kind": qEnum(workCodes(workloop.PlanKinds()), "类型：supervision 督导、research 调研"),
		"q":    qStr("计划名称（模糊匹配）"),
	}
	return []Route{
		{Method: "GET", Path: "/api/v1/workloop-options", Perm: read, Tag: tn, Summary: "工作提示、学习清单、任务、督导调研的类型和状态选项", Response: "WorkOptions", handler: s.workOptions},
		{Method: "POST", Path: "/api/v1/workloop-files", Perm: write, AltPerm: respond, Tag: tn, Summary: "上传附件（PDF、Word .docx、Excel .xlsx，按文件内容判断类型，每个不超过 20 MB），再以编号附到通知、完成情况或任务办理记录上",
			Upload: true, MaxBody: workloop.MaxFileBytes + 1<<20, Response: "WorkFile", Status: 201, handler: s.uploadWorkFile},
		{Method: "GET", Path: "/api/v1/workloop-files/{id}", Perm: read, Tag: tn, Summary: "下载附件（只能下载可见的通知、完成情况或任务的附件）", Response: "document", handler: s.workFile},

		{Method: "GET", Path: "/api/v1/notices", Perm: read, Tag: tn, Summary: "工作提示和学习清单列表（党组织账户看到本党组织收到的；区、街道看到本辖区的）",
			Query: []string{"kind", "state", "year", "unread", "q", "page", "page_size"}, QueryTypes: noticeTypes, Response: "NoticePage", handler: s.listNotices},
		{Method: "POST", Path: "/api/v1/notices", Perm: write, Tag: tn, Summary: "起草工作提示（按月）或学习清单（按季度，含学习内容）", Request: "NoticeInput", Response: "Notice", Status: 201, handler: s.createNotice},
		{Method: "GET", Path: "/api/v1/notices/{id}", Perm: read, Tag: tn, Summary: "查看通知（正文、学习内容、附件、阅读和完成统计）", Response: "Notice", handler: s.getNotice},
		{Method: "PUT", Path: "/api/v1/notices/{id}", Perm: write, Tag: tn, Summary: "修改草稿（已发布的通知不能修改，409）", Request: "NoticeInput", Response: "Notice", handler: s.updateNotice},
		{Method: "POST", Path: "/api/v1/notices/{id}/publish", Perm: write, Tag: tn, Summary: "发布：下发到范围内每个党组织（发布后不能修改，只能撤回）", Response: "Notice", handler: s.publishNotice},
		{Method: "POST", Path: "/api/v1/notices/{id}/withdraw", Perm: write, Tag: tn, Summary: "撤回已发布的通知（须填写原因；阅读记录保留）", Request: "NoticeWithdraw", Response: "Notice", handler: s.withdrawNotice},
		{Method: "POST", Path: "/api/v1/notices/{id}/read", Perm: respond, Tag: tn, Summary: "打开通知：党组织账户首次打开时记录阅读回执（谁、何时），之后不变", Response: "Notice", handler: s.readNotice},
		{Method: "POST", Path: "/api/v1/notices/{id}/items/{item_id}/done", Perm: respond, Tag: tn, Summary: "标记学习内容已完成（完成日期、情况说明、可附佐证材料；再次提交则更新）", Request: "NoticeItemDone", Response: "Notice", handler: s.noticeItemDone},
		{Method: "GET", Path: "/api/v1/notices/{id}/receipts", Perm: read, Tag: tn, Summary: "接收党组织的阅读和完成情况（可筛未阅读、未完成，按街道）",
			Query: []string{"status", "street_code", "q", "page", "page_size"}, QueryTypes: receiptTypes, Response: "NoticeReceiptPage", handler: s.noticeReceipts},
		{Method: "GET", Path: "/api/v1/notices/{id}/receipts/by-street", Perm: read, Tag: tn, Summary: "按街道统计阅读和完成情况", Response: "NoticeReceiptSummary", handler: s.noticeReceiptsByStreet},
		{Method: "GET", Path: "/api/v1/notices/{id}/receipts/export", Perm: read, Tag: tn, Summary: "导出阅读和完成情况（Excel，筛选同列表）",
			Query: []string{"status", "street_code", "q"}, QueryTypes: receiptTypes, Response: "xlsx", handler: s.exportNoticeReceipts},

		{Method: "GET", Path: "/api/v1/tasks", Perm: read, Tag: tt, Summary: "挂牌任务列表（未销号、时限近的在前；上级看到下级的超期任务）",
			Query: append(append([]string{}, taskQuery...), "page", "page_size"), QueryTypes: taskTypes, Response: "TaskPage", handler: s.listTasks},
		{Method: "GET", Path: "/api/v1/tasks/counts", Perm: read, Tag: tt, Summary: "各状态任务数及超期数（筛选同列表，不含状态）", Query: taskQuery[1:], QueryTypes: taskTypes, Response: "TaskCounts", handler: s.countTasks},
		{Method: "GET", Path: "/api/v1/tasks/by-street", Perm: read, Tag: tt, Summary: "按街道统计任务：未销号、超期、已销号", Response: "StreetTaskList", handler: s.tasksByStreet},
		{Method: "POST", Path: "/api/v1/tasks", Perm: write, Tag: tt, Summary: "挂牌：向街道（片区）或党组织下达任务（可由软弱涣散整改转来）", Request: "TaskInput", Response: "Task", Status: 201, handler: s.createTask},
		{Method: "GET", Path: "/api/v1/tasks/{id}", Perm: read, Tag: tt, Summary: "查看任务（steps 为当前账户可做的下一步）", Response: "Task", handler: s.getTask},
		{Method: "GET", Path: "/api/v1/tasks/{id}/timeline", Perm: read, Tag: tt, Summary: "任务办理经过（挂牌、进展、申请销号、退回、销号）", Response: "TaskEventList", handler: s.taskTimeline},
		{Method: "POST", Path: "/api/v1/tasks/{id}/actions", Perm: write, AltPerm: respond, Tag: tt, Summary: "办理任务：记录进展、申请销号（承办方）、销号或退回（交办方）；带版本号，并发时后到者 409，跳步 422",
			Request: "TaskAction", Response: "Task", handler: s.actOnTask},

		{Method: "GET", Path: "/api/v1/supervision-plans", Perm: read, Tag: ts, Summary: "督导调研计划列表", Query: []string{"kind", "q", "page", "page_size"}, QueryTypes: planTypes, Response: "SupervisionPlanPage", handler: s.listPlans},
		{Method: "POST", Path: "/api/v1/supervision-plans", Perm: write, Tag: ts, Summary: "新建督导调研计划（期间、范围）", Request: "SupervisionPlanInput", Response: "SupervisionPlan", Status: 201, handler: s.createPlan},
		{Method: "GET", Path: "/api/v1/supervision-plans/{id}", Perm: read, Tag: ts, Summary: "查看计划及其督导记录、发现问题和整改情况", Response: "SupervisionPlan", handler: s.getPlan},
		{Method: "POST", Path: "/api/v1/supervision-plans/{id}/visits", Perm: write, Tag: ts, Summary: "登记对党组织的督导（日期、人员、情况、发现问题及整改时限）", Request: "SupervisionVisitInput", Response: "SupervisionPlan", Status: 201, handler: s.addSupervisionVisit},
		{Method: "POST", Path: "/api/v1/supervision-findings/{id}/done", Perm: write, AltPerm: respond, Tag: ts, Summary: "发现问题整改完成（日期、整改情况）", Request: "SupervisionFindingDone", Response: "SupervisionFinding", handler: s.findingDone},
		{Method: "POST", Path: "/api/v1/supervision-findings/{id}/task", Perm: write, Tag: ts, Summary: "发现问题转为挂牌任务（交给被督导的党组织，一个问题只转一次）", Request: "SupervisionFindingTask", Response: "Task", Status: 201, handler: s.findingToTask},
	}
}

// WorkOptions are the code lists of the work loop.
type WorkOptions struct {
	NoticeKinds     []workloop.Option `json:"notice_kinds"`
	NoticeStates    []workloop.Option `json:"notice_states"`
	ReceiptStatuses []workloop.Option `json:"receipt_statuses"`
	TaskStates      []workloop.Option `json:"task_states"`
	TaskActions     []workloop.Option `json:"task_actions"`
	Origins         []workloop.Option `json:"origins"`
	PlanKinds       []workloop.Option `json:"plan_kinds"`
}

func workCodes(opts []workloop.Option) []string {
	out := make([]string, len(opts))
	for i, o := range opts {
		out[i] = o.Code
	}
	return out
}

// workSchemas are the OpenAPI bodies of workRoutes.
func workSchemas() map[string]any {
	return map[string]any{
		"WorkOptions":            schemaOf(WorkOptions{}),
		"WorkFile":               schemaOf(workloop.File{}),
		"NoticePage":             schemaOf(page[workloop.Notice]{}),
		"NoticeInput":            requiring(schemaOf(workloop.NoticeInput{}), "kind", "title", "body", "period", "region_code"),
		"Notice":                 schemaOf(workloop.Notice{}),
		"NoticeWithdraw":         requiring(schemaOf(workloop.WithdrawInput{}), "reason"),
		"NoticeItemDone":         requiring(schemaOf(workloop.DoneInput{}), "done_on", "note"),
		"NoticeReceiptPage":      schemaOf(page[workloop.Receipt]{}),
		"NoticeReceiptSummary":   schemaOf(workloop.ReceiptSummary{}),
		"TaskPage":               schemaOf(page[workloop.Task]{}),
		"TaskCounts":             schemaOf(workloop.TaskCounts{}),
		"StreetTaskList":         schemaOf(list[workloop.StreetTasks]{}),
		"TaskInput":              requiring(schemaOf(workloop.TaskInput{}), "title", "deadline"),
		"Task":                   schemaOf(workloop.Task{}),
		"TaskEventList":          schemaOf(list[workloop.TaskEvent]{}),
		"TaskAction":             requiring(schemaOf(workloop.TaskAction{}), "action", "version"),
		"SupervisionPlanPage":    schemaOf(page[workloop.Plan]{}),
		"SupervisionPlanInput":   requiring(schemaOf(workloop.PlanInput{}), "kind", "title", "period_from", "period_to", "region_code"),
		"SupervisionPlan":        schemaOf(workloop.Plan{}),
		"SupervisionVisitInput":  requiring(schemaOf(workloop.VisitInput{}), "party_org_id", "visited_on", "visitors"),
		"SupervisionFindingDone": requiring(schemaOf(workloop.FindingDoneInput{}), "done_on", "outcome"),
		"SupervisionFinding":     schemaOf(workloop.Finding{}),
		"SupervisionFindingTask": schemaOf(workloop.FindingTaskInput{}),
	}
}
