package httpapi

import (
	"net/http"
	"strings"

	"liangxin/internal/auth"
)

// errorCodes are the stable codes of error.code with what they mean.
var errorCodes = []struct{ code, meaning string }{
	{"invalid", "提交的数据或查询参数有误，fields 逐项说明（422）"},
	{"invalid_json", "请求体不是有效的 JSON 或含有未知字段（422）"},
	{"import_invalid", "导入文件有错误，未导入任何数据（422，附 errors、error_count、report_url、session）"},
	{"unsupported_media_type", "请求体类型不对，须为 application/json（415）"},
	{"unauthenticated", "未登录或会话、令牌已失效（401）"},
	{"invalid_credentials", "用户名或密码错误（401）"},
	{"forbidden", "没有权限执行此操作（403）"},
	{"csrf_failed", "Cookie 会话的写请求缺少或带错 X-CSRF-Token 头（403）"},
	{"password_change_required", "须先修改初始或过期的密码（403）"},
	{"account_disabled", "登录：账号已停用（401）"},
	{"not_found", "记录或接口不存在（404）"},
	{"conflict", "与现有数据冲突（409）"},
	{"too_many_requests", "公开接口：同一地址请求过于频繁，稍后再试（429）"},
	{"account_locked", "登录失败次数过多，账号暂时锁定，见 locked_until（423）"},
	{"activation_locked", "党员账号激活：身份信息连续输错，激活码暂时锁定，见 locked_until（423）"},
	{"member_left", "党员账号：本人已不在党员花名册中（403）"},
	{"internal", "服务器内部错误（500）"},
}

func errorCodeList() []string {
	out := make([]string, len(errorCodes))
	for i, c := range errorCodes {
		out[i] = c.code
	}
	return out
}

func errorCodesDescription() string {
	var b strings.Builder
	b.WriteString("稳定的错误代码：")
	for _, c := range errorCodes {
		b.WriteString("\n- `" + c.code + "`：" + c.meaning)
	}
	return b.String()
}

func successText(status int) string {
	switch status {
	case http.StatusCreated:
		return "已创建"
	case http.StatusNoContent:
		return "成功，无响应体"
	}
	return "成功"
}

// errorResponses adds the error statuses an operation can answer, each with
// the Error body: 401/403 for every authenticated route, 404 where a path,
// query or body names a record, 409 for writes, 415 for JSON bodies, 422
// where there is input to check, 500 always.
func errorResponses(rt Route, out map[string]any) map[string]any {
	e := func(d string) map[string]any {
		return map[string]any{"description": d, "content": map[string]any{"application/json": map[string]any{"schema": ref("Error")}}}
	}
	if rt.Perm != "public" {
		out["401"] = e("未登录或会话、令牌已失效")
		// A read open to every signed-in user during the password change
		// has nothing to refuse: no permission, no CSRF (GET), no
		// pending password change.
		if !(rt.Perm == auth.PermSelf && rt.DuringPasswordChange && rt.Method == http.MethodGet) {
			out["403"] = e("没有权限、缺少 CSRF 头或须先修改密码")
		}
	}
	if namesRecord(rt) {
		out["404"] = e("记录不存在（或不在本人管辖范围内）")
	}
	// Every route checks its query string (length, count, encoding) before
	// the handler runs, so every route can answer 422.
	out["422"] = e("输入有误（fields 逐项说明；查询参数过长、过多或格式错误时任何接口都如此答复）")
	if rt.Method != http.MethodGet && !noConflict[rt.Path] {
		out["409"] = e("与现有数据冲突")
	}
	if rt.Request != "" {
		out["415"] = e("请求体须为 application/json")
	}
	if strings.HasPrefix(rt.Path, "/api/v1/public/") {
		out["429"] = e("同一地址请求过于频繁，请稍后再试")
	}
	if rt.Path == "/api/v1/auth/login" {
		out["401"] = e("用户名或密码错误，或账号已停用")
		out["423"] = e("账号暂时锁定（见 locked_until）")
	}
	if rt.Path == "/api/v1/public/member-activation" {
		out["423"] = e("身份信息连续输错，激活码暂时锁定（见 locked_until）")
	}
	if rt.Path == "/api/v1/auth/password" {
		out["423"] = e("原密码多次输错，账号暂时锁定（见 locked_until）")
	}
	out["500"] = e("服务器内部错误")
	return out
}

// namesRecord reports whether a request to rt names a record the server
// looks up (and answers 404 when it does not exist or is outside the
// caller's scope): a path parameter, a body or upload (which refer to
// records by id), or a query parameter that is an id, a region or an import
// session. A list filtered only by codes, text or dates answers an empty
// page instead.
func namesRecord(rt Route) bool {
	if strings.Contains(rt.Path, "{") || (rt.Request != "" && !noRecordBodies[rt.Request]) || rt.Upload {
		return true
	}
	for _, q := range rt.Query {
		if strings.HasSuffix(q, "_id") || q == "region_code" || q == "area_code" || q == "session" {
			return true
		}
	}
	return false
}

// noRecordBodies are request bodies that name no stored record: signing in,
// changing one's own password, naming a new token or account.
var noRecordBodies = map[string]bool{"LoginRequest": true, "PasswordChange": true, "TokenCreate": true, "UserCreate": true}

// noConflict are writes that change nothing another write could clash with:
// signing in and out, changing one's own password.
var noConflict = map[string]bool{"/api/v1/auth/login": true, "/api/v1/auth/logout": true, "/api/v1/auth/password": true}

// tagDescriptions describe the tags of the document (a route with a tag
// missing here fails TestOpenAPIContractRules).
var tagDescriptions = map[string]string{
	"区域化共建":       "共建单位、党建联盟与联席会议、双报到与双向考核、需求/资源/项目三张清单及资源匹配",
	"党员账号":        "党员本人使用系统：党组织书记签发激活码，党员凭激活码开通账号；本人信息、组织生活、党费和微心愿认领（只能看到本人的数据）",
	"志愿服务与时间银行":   "党员服务队、志愿活动（报名、扫码签到、确认时长）与时间银行/道德银行（复式记账，积分以整数计）",
	"微心愿":         "微心愿的发布、认领、完成、确认与撤回，心愿墙与各状态统计",
	"公开服务":        "无需登录的公开页面：提交诉求或微心愿、凭受理编号查询进度（同一地址限频）",
	"订单式服务":       "诉求（订单）的接单、做单、转单、办结、回单，办理期限按工作日计算",
	"购买服务":        "向社会组织购买服务的合同，职能部门、街道、专家、群众四方评估及等次",
	"通知":          "本人的站内通知（新接诉求、转来诉求、诉求超期、重新办理）：列表、未读数、标为已读",
	"阵地":          "阵地（党群服务中心、红色驿站等）登记、房间与预约（阵地联用）",
	"工作提示与学习清单":   "区两新工委每月下发的工作提示、每季度的学习清单：发布、阅读回执、学习内容完成情况",
	"任务督办":        "挂牌销号：交办任务、进展、申请销号、销号或退回，超期预警",
	"督导调研":        "督导调研计划、对党组织的督导记录、发现问题及整改",
	"党统报表":        "党内统计表 24、27、30、43（任一日期、任一区划，官方行列，逐格可查明细）与期间统计",
	"月度通报":        "月度两新党建工作通报：按月末冻结的数据生成草稿，模板可编辑，签发后不可更改，输出 Word、Excel 和打印页",
	"经费保障":        "经费保障：年度标准、应拨核算、拨付、支出、冲销、孵化发展基金（金额一律以分计，复式记账）",
	"首页":          "首页待办：按角色汇总今天要做的事，每项链接到办理页面",
	"认证":          "登录、退出、当前会话与修改本人密码",
	"系统":          "系统信息与接口文档",
	"区划":          "行政区划与片区",
	"用户":          "用户、角色与授权",
	"API 令牌":      "集成方使用的 Bearer 令牌",
	"审计":          "审计日志",
	"两新组织":        "非公有制经济组织和社会组织台账",
	"党组织":         "党组织设置、覆盖与换届",
	"党建指导员":       "党建指导员、联系组织与走访",
	"两个覆盖":        "组织覆盖与工作覆盖统计",
	"导入":          "Excel 批量导入（预检、确认、错误报告）",
	"党员花名册":       "党员信息与统计",
	"组织关系转接与流动党员": "组织关系转接、流动党员、口袋党员与双重管理",
	"党费":          "党费基数、交纳、欠交与返还",
	"发展党员":        "发展党员全过程",
	"组织生活":        "“三会一课”等组织生活、委员会与换届",
	"考评与星级":       "考评、星级评定、软弱涣散整顿、结对与表彰",
}

// openAPITags declares each tag the routes use, in the order of first use.
func openAPITags(routes []Route) []any {
	var out []any
	seen := map[string]bool{}
	for _, rt := range routes {
		if seen[rt.Tag] {
			continue
		}
		seen[rt.Tag] = true
		out = append(out, map[string]any{"name": rt.Tag, "description": tagDescriptions[rt.Tag]})
	}
	return out
}
