package audit

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// entityKind says how the trail names one kind of object: its Chinese label
// and a query of (id, name) for a list of ids. Names are the ones the ledger
// shows; identity numbers and phones are never selected here.
type entityKind struct {
	label string
	// names selects "id, name" with one %s for the placeholders of the ids.
	names string
	// text is true when the ids are text (region codes), not integers.
	text bool
}

var entityKinds = map[string]entityKind{
	"user":         {label: "用户", names: `SELECT id, display_name || '（' || username || '）' FROM users WHERE id IN (%s)`},
	"api_token":    {label: "API 令牌", names: `SELECT t.id, t.name || '（' || u.username || '）' FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.id IN (%s)`},
	"member":       {label: "党员", names: `SELECT id, name FROM members WHERE id IN (%s)`},
	"instructor":   {label: "党建指导员", names: `SELECT id, name FROM instructors WHERE id IN (%s)`},
	"organization": {label: "两新组织", names: `SELECT id, name FROM organizations WHERE id IN (%s)`},
	"party_org":    {label: "党组织", names: `SELECT id, name FROM party_orgs WHERE id IN (%s)`},
	"meeting": {label: "会议", names: `SELECT m.id, p.name || ' ' || m.held_on || CASE WHEN m.topic <> '' THEN '「' || m.topic || '」' ELSE '' END
		FROM meetings m JOIN party_orgs p ON p.id = m.party_org_id WHERE m.id IN (%s)`},
	"transfer":         {label: "组织关系转接", names: `SELECT id, member_name || '（介绍信 ' || letter_no || '）' FROM transfers WHERE id IN (%s)`},
	"dev_person":       {label: "发展对象", names: `SELECT id, name FROM dev_people WHERE id IN (%s)`},
	"mobility":         {label: "流动党员登记", names: `SELECT x.id, m.name || '（' || x.place || '）' FROM member_mobility x JOIN members m ON m.id = x.member_id WHERE x.id IN (%s)`},
	"dual":             {label: "双重管理", names: `SELECT x.id, m.name FROM member_dual x JOIN members m ON m.id = x.member_id WHERE x.id IN (%s)`},
	"committee_member": {label: "委员会成员", names: `SELECT c.id, c.name || '（' || p.name || '）' FROM committee_members c JOIN party_orgs p ON p.id = c.party_org_id WHERE c.id IN (%s)`},
	"assess_sheet":     {label: "考评指标体系", names: `SELECT id, name FROM assess_sheets WHERE id IN (%s)`},
	"assess_round":     {label: "考评轮次", names: `SELECT id, name FROM assess_rounds WHERE id IN (%s)`},
	"assess_honour": {label: "表彰", names: `SELECT h.id, COALESCE(m.name, p.name) || '（' || h.year || ' 年）' FROM assess_honours h
		JOIN party_orgs p ON p.id = h.party_org_id LEFT JOIN members m ON m.id = h.member_id WHERE h.id IN (%s)`},
	"assess_pair": {label: "结对帮带", names: `SELECT x.id, a.name || ' 帮带 ' || b.name FROM assess_pairs x JOIN party_orgs a ON a.id = x.model_party_org_id
		JOIN party_orgs b ON b.id = x.helped_party_org_id WHERE x.id IN (%s)`},
	"region":                 {label: "区划", names: `SELECT code, name FROM regions WHERE code IN (%s)`, text: true},
	"area":                   {label: "片区", names: `SELECT code, name FROM regions WHERE code IN (%s)`, text: true},
	"assess_rectification":   {label: "整改"},
	"session":                {label: "会话"},
	"route":                  {label: "接口"},
	"setting":                {label: "设置"},
	"audit_log":              {label: "审计日志"},
	"backup":                 {label: "备份"},
	"data_key":               {label: "个人信息密钥"},
	"import":                 {label: "导入"},
	"worklist":               {label: "工作清单"},
	"instructor_achievement": {label: "党建指导员工作成效"},
	"coverage":               {label: "覆盖统计"},
	"renewal":                {label: "换届"},
	"meeting_frequency":      {label: "规定频次"},
	"dues_rate_table":        {label: "党费标准"},
	"compliance":             {label: "组织生活落实情况"},
	"dues_arrears":           {label: "党费欠交名单"},
	"dues_summary":           {label: "党费汇总"},
	"members":                {label: "党员花名册"},
	"funds":                  {label: "经费保障"},
}

// EntityKinds lists the entity codes the trail names.
func EntityKinds() []string {
	out := make([]string, 0, len(entityKinds))
	for k := range entityKinds {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// EntityLabel is the Chinese name of an entity kind ("member" → 党员).
func EntityLabel(entity string) string {
	if k, ok := entityKinds[entity]; ok {
		return k.label
	}
	return entity
}

// fieldLabels are the Chinese labels of the keys that appear in the before
// and after values of the trail (the JSON names of the domain's records).
var fieldLabels = map[string]string{
	"id": "编号", "name": "名称", "note": "说明", "kind": "类型", "kind_name": "类型", "status": "状态", "status_name": "状态",
	"code": "代码", "title": "标题", "summary": "摘要", "reason": "原因", "reasons": "原因", "content": "内容", "tags": "标签",
	"username": "用户名", "display_name": "姓名", "role": "角色", "role_name": "角色", "scope": "管辖范围", "scope_name": "管辖范围",
	"disabled": "已停用", "must_change_password": "须修改密码", "party_org_binding": "绑定党组织",
	"region_code": "区划代码", "region_name": "区划", "parent_code": "上级区划", "level": "级别", "level_name": "级别",
	"party_org_id": "党组织编号", "party_org_name": "党组织", "organization_id": "两新组织编号", "organization_name": "两新组织",
	"organization_uscc": "统一社会信用代码", "uscc": "统一社会信用代码", "category": "类别", "sector": "门类", "industry": "行业",
	"member_id": "党员编号", "member_name": "党员", "instructor_id": "指导员编号", "handler_unit_id": "承办单位编号", "gender": "性别", "birth_date": "出生日期",
	"id_number": "身份证号", "phone": "手机号", "ethnicity": "民族", "education": "学历", "position": "职务", "unit": "工作单位",
	"joined_on": "入党日期", "confirmed_on": "转正日期", "full_time": "专职",
	"formation": "组建方式", "parent_id": "上级党组织", "term_started_on": "本届任期开始", "term_due_on": "换届时间", "full_members": "正式党员数",
	"probationary_members": "预备党员数", "vacant_since": "空缺起始日期",
	"held_on": "召开日期", "place": "地点", "topic": "主题", "presenter": "主持人", "minutes": "会议记录", "resolutions": "决议", "late": "补录",
	"late_note": "补录说明", "attendance": "出席情况", "present": "实到人数", "due": "应到人数", "people": "相关人员",
	"step": "步骤", "stage": "阶段", "stage_name": "阶段", "on": "日期", "from": "起始日期", "to": "截止日期", "since": "起始日期",
	"letter_no": "介绍信编号", "issued_on": "开具日期", "valid_until": "有效期至", "to_party_org_id": "接收党组织编号",
	"to_outside": "转往系统外单位", "from_outside": "来自系统外单位", "accepted_on": "接收日期", "closed_on": "办结日期",
	"direction": "流动方向", "card_no": "活动证编号", "reviewed_on": "审核日期", "ended_on": "结束日期", "months": "月数",
	"second_party_org_id": "参加活动的党组织编号", "year": "年度", "month": "月份", "amount": "金额（元）", "base": "基数（元）",
	"rate": "比例", "ratio": "比例", "paid_on": "交纳日期", "refunded_on": "返还日期", "monthly_amount": "月交纳额（元）",
	"months_paid": "已交月数", "payer": "交纳人", "method": "方式", "method_name": "方式", "effective_from": "生效日期",
	"sheet_id": "指标体系编号", "indicator_id": "指标编号", "points": "分值", "max_points": "满分", "stars": "星级", "star_name": "星级",
	"score": "得分", "scores": "评分", "subject": "对象", "outcome": "结果", "measures": "整改措施", "responsible": "责任人",
	"deadline": "期限", "done_on": "完成日期", "evidence": "佐证材料", "rows": "行数", "created": "新增", "updated": "修改",
	"unchanged": "未变", "total": "合计", "batch_id": "批次", "created_at": "创建时间", "updated_at": "修改时间", "expires_at": "过期时间",
	"covers": "覆盖的两新组织", "dissolved_on": "撤销日期", "established_on": "成立日期", "term_years": "任期（年）", "members": "党员数",
	"parent_name": "上级党组织", "formation_name": "组建方式", "above_scale": "规模以上", "area_codes": "所属片区", "category_name": "类别",
	"charter_has_party": "党建入章", "has_charter": "有章程", "employees": "从业人员数", "no_org_reason": "未建党组织原因",
	"owner_is_member": "出资人是党员", "planned_on": "计划组建日期", "registered_on": "登记日期", "party_org_binding_name": "绑定党组织",
	"ip": "IP 地址", "file": "文件", "count": "条数", "value": "值", "key": "设置项", "rule": "规则",
	"visit_id": "走访记录", "solved_on": "问题解决日期", "solved_note": "解决情况",
	"ownership": "控股情况", "staff_on_post": "在岗职工数", "staff_members": "在岗职工中党员数", "legal_rep_member": "法定代表人是党员",
	"legal_rep_secretary": "法定代表人兼任党组织书记", "intermediary_kind": "中介机构类别", "lost_since": "失联时间", "lost_reason": "失联情形",
}

// FieldLabel is the Chinese label of a detail key, or the key itself.
func FieldLabel(key string) string {
	if l, ok := fieldLabels[key]; ok {
		return l
	}
	return key
}

// resolve fills the Chinese label and name of each row's object, the labels
// of its detail keys and, for a reveal, whose data was shown (masked).
func (l *Logger) resolve(ctx context.Context, rows []Row) error {
	ids := map[string][]any{}
	seen := map[string]bool{}
	for _, r := range rows {
		k, ok := entityKinds[r.Entity]
		if !ok || k.names == "" || r.EntityID == "" || seen[r.Entity+"\x00"+r.EntityID] {
			continue
		}
		seen[r.Entity+"\x00"+r.EntityID] = true
		if k.text {
			ids[r.Entity] = append(ids[r.Entity], r.EntityID)
		} else if n, err := strconv.ParseInt(r.EntityID, 10, 64); err == nil {
			ids[r.Entity] = append(ids[r.Entity], n)
		}
	}
	names := map[string]string{}
	for entity, list := range ids {
		q := fmt.Sprintf(entityKinds[entity].names, strings.TrimSuffix(strings.Repeat("?, ", len(list)), ", "))
		res, err := l.DB.Query(ctx, l.DB, q, list...)
		if err != nil {
			return fmt.Errorf("audit: names of %s: %w", entity, err)
		}
		for res.Next() {
			var id, name string
			if err := res.Scan(&id, &name); err != nil {
				res.Close()
				return fmt.Errorf("audit: names of %s: %w", entity, err)
			}
			names[entity+"\x00"+id] = name
		}
		res.Close()
		if err := res.Err(); err != nil {
			return fmt.Errorf("audit: names of %s: %w", entity, err)
		}
	}
	for i := range rows {
		r := &rows[i]
		if r.Entity != "" {
			r.EntityLabel = EntityLabel(r.Entity)
		}
		r.EntityName = names[r.Entity+"\x00"+r.EntityID]
		r.Labels = detailLabels(r.Detail)
		if strings.HasSuffix(r.Action, "_reveal") {
			r.Subject = revealSubject(*r)
		}
	}
	return nil
}

// detailLabels are the Chinese labels of the keys found in a detail's
// before, after and other values.
func detailLabels(detail json.RawMessage) map[string]string {
	if len(detail) == 0 {
		return nil
	}
	var d map[string]json.RawMessage
	if json.Unmarshal(detail, &d) != nil {
		return nil
	}
	out := map[string]string{}
	add := func(m map[string]json.RawMessage) {
		for k := range m {
			if l, ok := fieldLabels[k]; ok {
				out[k] = l
			}
		}
	}
	add(d)
	for _, part := range []string{"before", "after"} {
		var m map[string]json.RawMessage
		if json.Unmarshal(d[part], &m) == nil {
			add(m)
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// revealSubject says whose data a reveal showed: the person's name and the
// masked values recorded with it. A value without a mask (written by an older
// version) is left out rather than shown.
func revealSubject(r Row) string {
	var d struct {
		After map[string]any `json:"after"`
	}
	_ = json.Unmarshal(r.Detail, &d)
	name := r.EntityName
	if n, ok := d.After["name"].(string); ok && n != "" {
		name = n
	}
	if name == "" {
		name = "编号 " + r.EntityID
	}
	var parts []string
	keys := make([]string, 0, len(d.After))
	for k := range d.After {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if k != "id_number" && k != "phone" {
			continue
		}
		if v, ok := d.After[k].(string); ok && strings.Contains(v, "*") {
			parts = append(parts, FieldLabel(k)+" "+v)
		}
	}
	s := EntityLabel(r.Entity) + "「" + name + "」"
	if len(parts) > 0 {
		s += "（" + strings.Join(parts, "，") + "）"
	}
	return s
}
