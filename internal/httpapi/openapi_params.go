package httpapi

import (
	"liangxin/internal/dangtong"
	"slices"
	"strings"

	"liangxin/internal/assess"
	"liangxin/internal/coverage"
	"liangxin/internal/develop"
	"liangxin/internal/meeting"
	"liangxin/internal/member"
	"liangxin/internal/org"
	"liangxin/internal/partyorg"
)

// queryParamSpec is the documented type of a query parameter.
type queryParamSpec struct {
	schema      map[string]any
	description string
}

func qInt(min, max int, d string) queryParamSpec {
	return queryParamSpec{map[string]any{"type": "integer", "minimum": min, "maximum": max}, d}
}

func qInteger(d string) queryParamSpec {
	return queryParamSpec{map[string]any{"type": "integer"}, d}
}

func qBool(d string) queryParamSpec {
	return queryParamSpec{map[string]any{"type": "boolean"}, d}
}

func qDate(d string) queryParamSpec {
	return queryParamSpec{map[string]any{"type": "string", "format": "date"}, d}
}

// qEnum is a parameter the server checks against a fixed set of codes:
// pass the set the server validates with, never a second list.
func qEnum(values []string, d string) queryParamSpec {
	return queryParamSpec{map[string]any{"type": "string", "enum": append([]string(nil), values...)}, d}
}

func qStr(d string) queryParamSpec {
	return queryParamSpec{map[string]any{"type": "string", "maxLength": maxQueryValue}, d}
}

// queryParams types every query parameter name the routes use. A route
// naming a parameter missing here fails TestOpenAPIQueryParametersTyped, so
// a new route documents its parameters from the start.
var queryParams = map[string]queryParamSpec{
	"page":              {map[string]any{"type": "integer", "minimum": 1, "maximum": 1_000_000, "default": 1}, "页码，从 1 开始"},
	"page_size":         {map[string]any{"type": "integer", "minimum": 1, "maximum": 200, "default": 20}, "每页条数（1–200）"},
	"q":                 qStr("关键词（名称、代码等模糊匹配）"),
	"region_code":       qStr("行政区划代码（含下级）"),
	"community_code":    qStr("社区（村）或上级区域代码（含下级）"),
	"unit_id":           qInt(1, 1<<53, "共建单位 ID"),
	"agreement_id":      qInt(1, 1<<53, "共建协议 ID"),
	"urgency":           qStr("紧急程度代码"),
	"area_code":         qStr("片区代码"),
	"party_org_id":      qInt(1, 1<<53, "党组织 ID"),
	"parent_id":         qInteger("上级党组织 ID"),
	"member_id":         qInt(1, 1<<53, "党员 ID"),
	"organization_id":   qInt(1, 1<<53, "“两新”组织 ID"),
	"entity_id":         qStr("审计对象 ID"),
	"year":              qInteger("年度"),
	"quarter":           qInt(1, 4, "季度（1–4，与 year 一起用）"),
	"region":            qStr("行政区划代码（含下级）"),
	"months":            qInt(1, 120, "月数"),
	"min_months":        qInteger("最少月数"),
	"within":            qInt(0, 3660, "天数范围"),
	"within_days":       qInt(0, 3660, "天数范围"),
	"depth":             qInteger("展开层数"),
	"min_employees":     qInt(0, 1<<31, "从业人员数下限"),
	"max_employees":     qInt(0, 1<<31, "从业人员数上限"),
	"as_of":             qDate("统计日期（默认今天）"),
	"date":              qDate("统计日期（默认今天）"),
	"from":              qDate("开始日期（含）"),
	"org_id":            qInt(1, 1<<53, "两新组织 ID"),
	"origin_kind":       qStr("来源类型代码（各列表另有说明）"),
	"origin_id":         qInt(1, 1<<53, "来源记录 ID（与 origin_kind 同用）"),
	"scope":             qEnum([]string{"done_by_my_unit"}, "范围：done_by_my_unit 本单位已办结（承办单位经办人）"),
	"to":                qDate("结束日期（含）"),
	"week":              qDate("该周内任一天（YYYY-MM-DD）"),
	"registered_from":   qDate("登记日期起"),
	"registered_to":     qDate("登记日期止"),
	"above_scale":       qBool("是否规模以上"),
	"has_charter":       qBool("章程是否完善"),
	"charter_has_party": qBool("章程是否写入党建内容"),
	"has_members":       qBool("是否有党员"),
	"owner_is_member":   qBool("出资人是否党员"),
	"late":              qBool("是否补录"),
	"flagged":           qBool("是否只看标记项"),
	"ended":             qBool("是否含已结束的"),
	"full_time":         qBool("指导员类别：true 专职，false 兼职，不填为全部"),
	"reveal":            qBool("是否显示完整的个人信息（记入审计日志）"),
	"all":               qBool("是否含全部（不只未处理的）"),
	"base":              qStr("月工资基数（元，最多两位小数）"),
	"kind":              qStr("类别代码"),
	"status":            qStr("状态代码"),
	"standard_status":   qStr("达标状态代码"),
	"active":            qStr("是否在用（true/false）"),
	"category":          qStr("组织类别代码"),
	"sector":            qEnum(org.Sectors(), "领域：economic 非公有制经济组织，social 社会组织"),
	"coverage":          qStr("覆盖情况代码"),
	"industry":          qStr("行业代码"),
	"tag":               qStr("标签"),
	"sort":              qStr("排序字段"),
	"order":             qEnum(sortOrders, "排序方向：asc 升序，desc 降序"),
	"formation":         qStr("组建方式代码"),
	"stage":             qStr("发展阶段代码"),
	"subject":           qStr("对象类别代码"),
	"name":              qStr("姓名（模糊匹配）"),
	"gender":            qStr("性别"),
	"education":         qStr("学历"),
	"age_band":          qStr("年龄段"),
	"id_number":         qStr("身份证号（完整匹配）"),
	"role":              qStr("角色代码"),
	"username":          qStr("用户名"),
	"action":            qStr("操作代码"),
	"entity":            qStr("对象类型"),
	"result":            qStr("结果：success 成功、failure 失败、denied 拒绝"),
	"direction":         qStr("流向"),
	"session":           qStr("预检会话 ID（导入时带上预检返回的 session）"),
	"state":             qStr("状态代码"),
	"category_id":       qInt(1, 1<<53, "类别 ID"),
	"handler_unit_id":   qInt(1, 1<<53, "承办单位 ID"),
	"overdue":           qBool("是否只看超期的"),
	"unread":            qBool("是否只看未读的"),
	"grade":             qStr("等次"),
	"street_code":       qStr("街道（乡镇）区划代码（含下级）"),
	"team_id":           qInt(1, 1<<53, "党员服务队 ID"),
	"account_id":        qInt(1, 1<<53, "时间银行账户 ID"),
	"limit":             qInt(1, 100, "返回条数上限"),
}

// withoutPaging drops page and page_size (exports write every record).
func withoutPaging(q []string) []string {
	var out []string
	for _, n := range q {
		if n != "page" && n != "page_size" {
			out = append(out, n)
		}
	}
	return out
}

// queryParameter is the OpenAPI parameter object of query parameter name of rt.
func queryParameter(rt Route, name string) map[string]any {
	spec, ok := rt.QueryTypes[name]
	if !ok {
		spec, ok = queryParams[name]
	}
	if !ok {
		spec = qStr("")
	}
	p := map[string]any{"name": name, "in": "query", "schema": spec.schema}
	if spec.description != "" {
		p["description"] = spec.description
	}
	if slices.Contains(rt.RequiredQuery, name) {
		p["required"] = true
	}
	return p
}

// sortOrders are the values of order (checked by orgFilter).
var sortOrders = []string{"asc", "desc"}

// orgQueryTypes are the enums of the organization list and its export, from
// the sets org.Service validates with.
var orgQueryTypes = map[string]queryParamSpec{
	"category": qEnum(categoryCodes(), "单位类别代码（见 /organizations/options 的 categories）"),
	"status":   qEnum(org.StatusFilters, "状态：operating 存续，closed 已注销（按今天）"),
	"coverage": qEnum(org.CoverageFilters, "覆盖情况：covered 已覆盖，uncovered 未覆盖，single 单独组建覆盖"),
	"sort":     qEnum(org.SortKeys(), "排序字段"),
}

// partyOrgQueryTypes are the enums of the party organization list and its
// export, from the sets partyorg.Service validates with.
var partyOrgQueryTypes = map[string]queryParamSpec{
	"kind":      qEnum(partyorg.Codes(partyorg.Kinds()), "组织类别：committee 党委，general_branch 党总支，branch 党支部，group 党小组"),
	"formation": qEnum(partyorg.Codes(partyorg.Formations()), "组建方式：single 单独组建，joint 联合组建，regional 区域组建，industry 行业组建"),
	"status":    qEnum(partyorg.StatusFilters, "状态：active 存续，dissolved 已撤销（按今天）"),
}

// pathNouns name the object of an {id} by the path segment before it.
var pathNouns = map[string]string{
	"honours": "表彰记录", "pairs": "结对", "rectifications": "整改事项", "rounds": "考核轮次", "sheets": "评分表",
	"committee-members": "班子成员记录", "people": "发展对象", "dual": "双重组织关系记录", "members": "党员",
	"imports": "导入会话", "instructors": "党建指导员", "meeting-attachments": "会议附件", "meetings": "会议",
	"mobility": "流动记录", "organizations": "两新组织", "party-orgs": "党组织", "tokens": "API 令牌",
	"transfers": "组织关系转接", "users": "用户", "venues": "阵地", "notifications": "通知", "service-contracts": "购买服务合同", "entries": "经费记录", "incubation": "孵化基金申请",
	"cobuild-units": "共建单位", "cobuild-alliances": "党建联盟", "cobuild-reports": "双报到记录", "cobuild-agreements": "共建协议",
	"cobuild-needs": "需求", "cobuild-resources": "资源", "cobuild-projects": "共建项目",
}

// pathParameter is the OpenAPI parameter object of path parameter name in path.
func pathParameter(path, name string) map[string]any {
	schema := map[string]any{"type": "string"}
	d := ""
	switch name {
	case "id":
		segs := strings.Split(path, "/")
		for i, sg := range segs {
			if sg == "{id}" && i > 0 {
				d = pathNouns[segs[i-1]]
			}
		}
		if path == "/api/v1/dues/members/{id}" {
			d = "党员"
		}
		if strings.HasPrefix(path, "/api/v1/imports/") {
			d += " ID（预检或导入返回的 id）"
		} else {
			schema = map[string]any{"type": "integer", "minimum": 1}
			d += " ID"
		}
	case "code":
		d = "区划或片区代码"
	case "kind":
		schema = map[string]any{"type": "string", "enum": append([]string(nil), coverage.WorkListKinds...)}
		d = "清单：should_build 应建未建，few_members 有党员未建，no_members 无党员，ineffective 有形无效"
	case "cover_id":
		d, schema = "覆盖记录 ID", map[string]any{"type": "integer", "minimum": 1}
	case "assignment_id":
		d, schema = "联系记录 ID", map[string]any{"type": "integer", "minimum": 1}
	case "visit_id":
		d, schema = "走访记录 ID", map[string]any{"type": "integer", "minimum": 1}
	case "photo_id":
		d, schema = "走访照片 ID", map[string]any{"type": "integer", "minimum": 1}
		if strings.HasPrefix(path, "/api/v1/venues/") {
			d = "阵地照片 ID"
		}
	case "inspection_id":
		d, schema = "阵地检查记录 ID", map[string]any{"type": "integer", "minimum": 1}
	case "item_id":
		d, schema = "学习内容（清单条目）ID", map[string]any{"type": "integer", "minimum": 1}
		if strings.HasPrefix(path, "/api/v1/venues/") {
			d = "达标标准检查项 ID"
		}
	case "activity_id":
		d, schema = "阵地活动 ID", map[string]any{"type": "integer", "minimum": 1}
	case "month":
		d, schema = "月份（YYYY-MM）", map[string]any{"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}$"}
	case "member_id":
		d, schema = "党员 ID", map[string]any{"type": "integer", "minimum": 1}
	case "party_org_id":
		d, schema = "党组织 ID", map[string]any{"type": "integer", "minimum": 1}
	case "room_id":
		d, schema = "阵地房间 ID", map[string]any{"type": "integer", "minimum": 1}
	case "booking_id":
		d, schema = "预约 ID", map[string]any{"type": "integer", "minimum": 1}
	case "table":
		d, schema = "党统表号：24 换届情况、27 非公有制企业、30 社会组织、43 失联党员", map[string]any{"type": "string", "enum": dangtong.Codes()}
	case "row":
		d, schema = "行次（从 1 起）", map[string]any{"type": "integer", "minimum": 1}
	case "col":
		d, schema = "栏次（从 1 起）", map[string]any{"type": "integer", "minimum": 1}
	case "receipt_id":
		d, schema = "票据 ID", map[string]any{"type": "integer", "minimum": 1}
	case "membership_id":
		d, schema = "联盟成员记录 ID", map[string]any{"type": "integer", "minimum": 1}
	case "decision_id":
		d, schema = "联席会议决定 ID", map[string]any{"type": "integer", "minimum": 1}
	case "file_id":
		d, schema = "佐证材料 ID", map[string]any{"type": "integer", "minimum": 1}
	case "participant_id":
		d, schema = "志愿活动参与人 ID", map[string]any{"type": "integer", "minimum": 1}
	}
	return map[string]any{"name": name, "in": "path", "required": true, "schema": schema, "description": d}
}

// memberQueryTypes are the enums of the roster and its export, from the sets
// member.Service validates with.
var memberQueryTypes = map[string]queryParamSpec{
	"category": qEnum(member.Categories, "党员类别：full 正式党员，probationary 预备党员"),
	"status":   qEnum(member.StatusCodes(), "党籍状态代码"),
	"gender":   qEnum(member.Genders, "性别：male 男，female 女"),
	"age_band": qEnum(member.AgeBandCodes(), "年龄段代码"),
	"sort":     qEnum(member.SortKeys(), "排序字段（前加 - 为降序）"),
}

// transferQueryTypes are the enums of the transfer list and its export.
var transferQueryTypes = map[string]queryParamSpec{
	"kind":   qEnum(transferCodes(member.TransferKinds()), "转接类型：internal 系统内转接，in_from_outside 从系统外转入，out_to_outside 转出到系统外"),
	"status": qEnum(member.TransferStatusFilters(), "转接状态代码（expired 已过有效期未接收，pending 全部待接收）"),
}

func transferCodes(list []member.TransferCode) []string {
	out := make([]string, len(list))
	for i, c := range list {
		out[i] = c.Code
	}
	return out
}

// meetingQueryTypes are the enums of the meeting list and its export, from
// the sets meeting.Service validates with.
var meetingQueryTypes = map[string]queryParamSpec{
	"kind":   qEnum(meetingCodes(meeting.Kinds()), "会议类型代码"),
	"status": qEnum(meetingCodes(meeting.Statuses()), "状态：planned 计划，held 已召开"),
}

// complianceQueryTypes are the page, sort and status of the compliance
// report, from the sets meeting.Service validates with.
var complianceQueryTypes = map[string]queryParamSpec{
	"page_size": {map[string]any{"type": "integer", "minimum": 1, "maximum": 500, "default": 20}, "每页条数（1–500）"},
	"sort":      qEnum(meeting.ComplianceSorts(), "排序字段：region 地区（默认），name 名称，rate 落实率，required 应开，held 已开，attendance 出席率，meetings 会议数"),
	"status":    qEnum(meetingCodes(meeting.ComplianceStatuses()), "状态：complete 全部落实，incomplete 未落实到位，none 无应开要求"),
}

func meetingCodes(list []meeting.Code) []string {
	out := make([]string, len(list))
	for i, c := range list {
		out[i] = c.Code
	}
	return out
}

// developQueryTypes are the enums of the development roster and its export.
var developQueryTypes = map[string]queryParamSpec{
	"stage": qEnum(developStages(), "发展阶段：applicant 入党申请人，activist 入党积极分子，candidate 发展对象，probationary 预备党员，full 正式党员"),
}

func developStages() []string {
	out := make([]string, len(develop.StageNames))
	for i, st := range develop.StageNames {
		out[i] = st.Code
	}
	return out
}

// honourQueryTypes are the enums of the honour list and its export.
var honourQueryTypes = map[string]queryParamSpec{
	"kind":    qEnum(assess.MethodCodes(assess.HonourKinds()), "表彰类别代码"),
	"status":  qEnum(assess.HonourStatuses, "状态：recommended 已推荐，awarded 已授予，rejected 未获评"),
	"subject": qEnum(assess.HonourSubjects, "表彰对象：member 党员，party_org 党组织"),
}

// rectQueryTypes are the enums of the rectification list and its export.
var rectQueryTypes = map[string]queryParamSpec{
	"status": qEnum(assess.RectificationStatusFilters, "状态：open 整改中，overdue 逾期，done 已完成"),
}
