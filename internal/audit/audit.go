// Package audit writes and reads the append-only audit trail. Rows are only
// ever inserted: the schema refuses UPDATE and DELETE, and no code path here
// issues them.
package audit

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"liangxin/internal/actor"
	"liangxin/internal/apperr"
	"liangxin/internal/civil"
	"liangxin/internal/store"
)

// Results.
const (
	Success = "success"
	Failure = "failure"
	Denied  = "denied"
)

// Action codes with their Chinese names.
var actionNames = [][2]string{
	{"login", "登录"},
	{"login_failed", "登录失败"},
	{"lockout", "账户锁定"},
	{"logout", "退出登录"},
	{"password_change", "修改密码"},
	{"password_reset", "重置密码"},
	{"unlock", "解锁账户"},
	{"session_revoke", "强制下线"},
	{"user_create", "新建用户"},
	{"user_update", "修改用户"},
	{"user_grant", "授权（角色、管辖范围）"},
	{"token_create", "新建 API 令牌"},
	{"token_revoke", "吊销 API 令牌"},
	{"region_init", "初始化区划"},
	{"area_create", "新增片区"},
	{"area_update", "修改片区"},
	{"area_delete", "删除片区"},
	{"audit_export", "导出审计日志"},
	{"access_denied", "越权访问"},
	{"import", "导入数据"},
	{"export", "导出数据"},
	{"setting_update", "修改设置"},
	{"instructor_visit", "登记走访"},
	{"instructor_visit_solve", "标记走访发现的问题已解决"},
	{"instructor_assign", "选派指导员"},
	{"instructor_import", "导入党建指导员"},
	{"instructor_update", "修改党建指导员"},
	{"instructor_reveal", "查看党建指导员完整联系电话"},
	{"import_report_delete", "删除导入错误报告"},
	{"instructor_create", "新增党建指导员"},
	{"instructor_visit_photo_add", "上传走访照片"},
	{"instructor_visit_photo_delete", "删除走访照片"},
	{"party_org_dissolve", "撤销党组织"},
	{"party_org_form_change", "变更党组织类别或组建方式"},
	{"party_group_member_add", "编入党小组"},
	{"party_group_member_end", "移出党小组"},
	{"party_org_import", "导入党组织"},
	{"party_org_update", "修改党组织"},
	{"party_org_create", "新建党组织"},
	{"organization_delete", "删除两新组织"},
	{"organization_update", "修改两新组织"},
	{"organization_create", "登记两新组织"},
	{"member_create", "登记党员"},
	{"member_import", "导入党员花名册"},
	{"member_reveal", "查看党员完整身份证号、手机号"},
	{"backup_create", "备份数据库与附件"},
	{"backup_restore", "从备份恢复"},
	{"key_rotate", "轮换个人信息密钥"},
	{"member_update", "修改党员信息"},
	{"meeting.create", "登记会议"},
	{"meeting.update", "修改会议记录"},
	{"meeting.delete", "删除会议记录"},
	{"meeting.attachment", "上传会议附件"},
	{"meeting.frequency", "设置规定频次"},
	{"meeting.import", "导入会议记录"},
	{"committee.add", "增补委员会成员"},
	{"committee.update", "修改委员会成员"},
	{"committee.election", "登记换届选举"},
	{"dev_person_create", "登记入党申请人"},
	{"dev_step_record", "记录发展党员步骤"},
	{"dev_import", "导入发展党员记录"},
	{"transfer_create", "开具组织关系介绍信"},
	{"transfer_accept", "接收组织关系"},
	{"transfer_complete", "组织关系转出完成（回执已收到）"},
	{"transfer_return", "退回组织关系介绍信"},
	{"transfer_cancel", "撤销组织关系转接"},
	{"mobility_create", "登记流动党员"},
	{"mobility_update", "修改流动党员信息"},
	{"dual_create", "登记双重管理"},
	{"dual_end", "结束双重管理"},
	{"dues.base", "核定党费基数"},
	{"dues.payment", "登记党费交纳"},
	{"dues.payment_void", "撤销党费交纳"},
	{"dues.refund", "登记党费返还"},
	{"assess_sheet_create", "新建考评指标体系"},
	{"assess_sheet_update", "修改考评指标体系"},
	{"assess_sheet_copy", "复制考评指标体系"},
	{"assess_round_create", "发起考评"},
	{"assess_round_prefill", "预填考评指标"},
	{"assess_score", "考评评分"},
	{"assess_round_close", "结束考评"},
	{"assess_round_reopen", "重新开启考评"},
	{"assess_weak_designate", "认定软弱涣散党组织"},
	{"assess_rectification_update", "更新整改进展"},
	{"assess_pair_create", "建立结对帮带"},
	{"assess_pair_activity", "登记帮带活动"},
	{"assess_honour_recommend", "推荐表彰对象"},
	{"assess_honour_decide", "表彰决定"},
	{"service_settings", "修改订单式服务设置"},
	{"service_unit_create", "登记承办单位"},
	{"service_request_create", "诉求接单"},
	{"service_request_handle", "诉求做单"},
	{"service_request_transfer", "诉求转单"},
	{"service_request_send_back", "诉求退回"},
	{"service_request_finish", "诉求办结"},
	{"service_request_reply", "诉求回单"},
	{"service_request_close", "诉求关闭"},
	{"service_request_reopen", "诉求重新办理"},
	{"service_request_pause", "诉求暂停计时"},
	{"service_request_resume", "诉求恢复计时"},
	{"service_request_reveal", "查看诉求人完整电话"},
	{"wish_settings", "修改微心愿设置"},
	{"wish_create", "发布微心愿"},
	{"wish_publish", "审核发布微心愿"},
	{"wish_claim", "认领微心愿"},
	{"wish_fulfil", "完成微心愿"},
	{"wish_confirm", "确认微心愿完成"},
	{"wish_cancel", "撤回微心愿"},
	{"wish_lapse", "微心愿认领超期重新开放"},
	{"wish_photo_add", "上传微心愿完成照片"},
	{"wish_reveal", "查看心愿人完整电话"},
	{"public_request_submit", "公开表单提交诉求"},
	{"public_wish_submit", "公开表单提交微心愿"},
	{"public_honeypot", "公开表单疑似机器提交（已丢弃）"},
	{"public_rate_limited", "公开表单请求过于频繁（已拒绝）"},
	{"service_request_export", "导出诉求"},
	{"service_request_import", "导入历史诉求"},
	{"service_stats_export", "导出诉求办理统计"},
	{"service_dialogue_create", "登记政企对话"},
	{"service_dialogue_update", "修改政企对话"},
	{"venue_create", "登记阵地"},
	{"venue_update", "修改阵地"},
	{"venue_units", "修改阵地服务单位"},
	{"venue_room_add", "阵地新增房间"},
	{"venue_reveal", "查看阵地管理员完整电话"},
	{"venue_booking_create", "预约阵地房间"},
	{"venue_booking_cancel", "取消阵地预约"},
	{"service_contract_create", "登记购买服务合同"},
	{"service_contract_update", "修改购买服务合同"},
	{"service_contract_evaluate", "购买服务四方评估"},
	{"contract_settings", "修改购买服务评估权重及等次"},
	{"workloop_file_upload", "上传工作附件"},
	{"notice_create", "起草工作提示/学习清单"},
	{"notice_update", "修改工作提示/学习清单草稿"},
	{"notice_publish", "发布工作提示/学习清单"},
	{"notice_withdraw", "撤回工作提示/学习清单"},
	{"notice_read", "签收（阅读）工作提示/学习清单"},
	{"notice_item_done", "学习内容标记完成"},
	{"task_create", "挂牌任务"},
	{"task_progress", "记录任务进展"},
	{"task_request_close", "申请销号"},
	{"task_accept", "任务销号"},
	{"task_send_back", "退回任务"},
	{"supervision_plan_create", "新建督导调研计划"},
	{"supervision_visit_add", "登记督导记录"},
	{"supervision_finding_done", "督导发现问题整改完成"},
	{"supervision_finding_task", "督导发现问题转为任务"},
	{"venue_checklist_create", "新增阵地达标标准版本"},
	{"venue_inspect", "阵地达标检查"},
	{"venue_repair_request", "阵地未达标项发起整改诉求"},
	{"venue_photo_add", "上传阵地照片"},
	{"venue_photo_delete", "删除阵地照片"},
	{"venue_deactivate", "停用阵地"},
	{"venue_reactivate", "重新启用阵地"},
	{"venue_room_update", "修改阵地房间"},
	{"venue_activity_add", "登记阵地活动"},
	{"venue_activity_delete", "删除阵地活动"},
	{"venue_visitors_set", "登记阵地来访人次"},
	{"venue_import", "导入阵地"},
	{"funds_standard_set", "修改经费保障标准"},
	{"funds_recompute", "核算经费应拨数"},
	{"funds_allocate", "经费拨付"},
	{"funds_spend", "登记经费支出"},
	{"funds_reverse", "冲销经费记录"},
	{"funds_receipt_add", "上传支出票据"},
	{"funds_incubation_apply", "申请孵化发展基金"},
	{"funds_incubation_review", "审核孵化基金申请"},
	{"funds_incubation_decide", "孵化基金资助决定"},
	{"funds_import", "导入上年度拨付"},
	{"cobuild_unit_create", "登记共建单位"},
	{"cobuild_unit_update", "修改共建单位"},
	{"cobuild_unit_reveal", "查看共建单位联系人完整电话"},
	{"cobuild_unit_import", "导入共建单位"},
	{"cobuild_alliance_create", "成立党建联盟"},
	{"cobuild_alliance_update", "修改党建联盟"},
	{"cobuild_alliance_join", "单位加入党建联盟"},
	{"cobuild_alliance_leave", "单位退出党建联盟"},
	{"cobuild_meeting_create", "登记联席会议"},
	{"cobuild_decision_follow", "联席会议决定转为任务"},
	{"cobuild_report_create", "登记双报到"},
	{"cobuild_report_reveal", "查看报到党员完整电话"},
	{"cobuild_participation_add", "登记双报到参与记录"},
	{"cobuild_rate", "双向考核评价"},
	{"cobuild_agreement_create", "签订共建协议"},
	{"cobuild_agreement_update", "修改共建协议"},
	{"cobuild_need_create", "登记需求"},
	{"cobuild_need_update", "修改需求"},
	{"cobuild_need_import", "导入需求清单"},
	{"cobuild_resource_create", "登记资源"},
	{"cobuild_resource_update", "修改资源"},
	{"cobuild_resource_import", "导入资源清单"},
	{"cobuild_project_create", "共建项目立项"},
	{"cobuild_project_update", "修改共建项目"},
	{"cobuild_file_add", "上传共建项目佐证材料"},
	{"briefing_generate", "生成月度通报"},
	{"briefing_update", "修改通报草稿"},
	{"briefing_delete", "删除通报草稿"},
	{"briefing_issue", "签发通报"},
	{"briefing_template_save", "修改通报模板"},
	{"member_code_issue", "签发党员账号激活码"},
	{"member_activate", "党员激活账号"},
	{"member_activate_failed", "党员账号激活失败"},
	{"member_account_open", "开通党员账号"},
	{"member_account_close", "停用党员账号"},
	{"meeting_self_sign_in", "党员本人会议签到"},
	{"volunteer_team_create", "成立党员服务队"},
	{"volunteer_team_update", "修改党员服务队"},
	{"volunteer_person_create", "登记志愿者"},
	{"volunteer_activity_create", "发布志愿活动"},
	{"volunteer_activity_update", "修改志愿活动"},
	{"volunteer_activity_cancel", "取消志愿活动"},
	{"volunteer_signup", "为志愿者报名活动"},
	{"volunteer_signup_self", "党员本人报名志愿活动"},
	{"volunteer_signin_qr", "扫码签到志愿活动"},
	{"volunteer_signin_manual", "组织者代为签到"},
	{"volunteer_confirm_hours", "确认服务时长"},
	{"volunteer_confirm_all", "批量确认服务时长"},
	{"volunteer_import_hours", "导入历史服务时长"},
	{"timebank_settings", "修改时间银行设置"},
	{"timebank_rate", "修改时间银行积分标准"},
	{"timebank_reward_create", "新增兑换物品"},
	{"timebank_reward_update", "修改兑换物品"},
	{"timebank_redeem", "积分兑换（冻结）"},
	{"timebank_redeem_decide", "兑换领取或取消"},
	{"timebank_transfer", "家庭成员间转赠积分"},
	{"timebank_expire", "积分过期清理"},
	{"timebank_reverse", "冲正时间银行记录"},
	{"timebank_wish_credit", "微心愿完成计入服务时长"},
	{"timebank_family", "设置家庭成员关系"},
}

// Action is an action code with its Chinese name.
type Action struct {
	Code string `json:"code"`
	Name string `json:"name"`
}

// Actions lists every action code.
func Actions() []Action {
	out := make([]Action, len(actionNames))
	for i, a := range actionNames {
		out[i] = Action{a[0], a[1]}
	}
	return out
}

// ActionName returns the Chinese name of an action code.
func ActionName(code string) string {
	for _, a := range actionNames {
		if a[0] == code {
			return a[1]
		}
	}
	return code
}

// Entry is one audit record to write.
type Entry struct {
	Action   string
	Entity   string // e.g. "user", "region", "session"
	EntityID string
	Result   string
	Before   any
	After    any
	Note     string
	// Username overrides the actor's (failed logins have no actor).
	Username string
}

// Logger writes audit entries.
type Logger struct {
	DB  *store.DB
	Now func() time.Time
}

// Record writes e using q (pass the transaction of the change it describes, so
// the change and its record commit together).
func (l *Logger) Record(ctx context.Context, q store.Querier, e Entry) error {
	ctx = store.WithOp(ctx, "audit.Record")
	if _, inTx := q.(*sql.Tx); !inTx {
		// An audit record of its own (a denied request, a read) changes no
		// figure; one written in a change's transaction goes with it.
		ctx = store.Quiet(ctx)
	}
	vals, err := l.values(ctx, e)
	if err != nil {
		return err
	}
	if _, err := l.DB.Exec(ctx, q, `INSERT INTO audit_log (`+auditCols+`) VALUES `+auditRow, vals...); err != nil {
		return fmt.Errorf("audit: write %s: %w", e.Action, err)
	}
	return nil
}

const (
	auditCols = `at, user_id, username, role, ip, action, entity, entity_id, result, detail`
	auditRow  = `(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
)

// values are the column values of an entry written now by the actor of ctx.
func (l *Logger) values(ctx context.Context, e Entry) ([]any, error) {
	a, _ := actor.From(ctx)
	username := a.Username
	if e.Username != "" {
		username = e.Username
	}
	var userID sql.NullInt64
	if a.UserID != 0 && e.Username == "" {
		userID = sql.NullInt64{Int64: a.UserID, Valid: true}
	}
	var detail sql.NullString
	if e.Before != nil || e.After != nil || e.Note != "" {
		d := map[string]any{}
		if e.Before != nil {
			d["before"] = e.Before
		}
		if e.After != nil {
			d["after"] = e.After
		}
		if e.Note != "" {
			d["note"] = e.Note
		}
		b, err := json.Marshal(d)
		if err != nil {
			return nil, fmt.Errorf("audit: %w", err)
		}
		detail = sql.NullString{String: string(b), Valid: true}
	}
	if e.Result == "" {
		e.Result = Success
	}
	return []any{store.FormatTime(l.Now()), userID, username, a.Role, a.IP, e.Action, e.Entity, e.EntityID, e.Result, detail}, nil
}

// Buffer collects the entries of a bulk write and writes them with
// multi-row INSERTs through q (the bulk write's transaction), so that an
// import of 200,000 rows records every one without a round trip each. Call
// Flush before the transaction commits.
type Buffer struct {
	l    *Logger
	q    store.Querier
	vals []any
	n    int
	// into prefixes audit_log with a stage's schema (NewStagedBuffer).
	into string
}

// bufferRows is how many entries one INSERT writes (10 values each).
const bufferRows = 100

// NewBuffer starts a buffer writing through q.
func (l *Logger) NewBuffer(q store.Querier) *Buffer { return &Buffer{l: l, q: q} }

// StageTable creates a stage's audit table (schema: the stage's name; see
// store.Stage): its entries are copied into the trail when the stage is
// published (the roll-forward step RollForwardStep).
func StageTable(ctx context.Context, exec func(ctx context.Context, query string, args ...any) error, schema string) error {
	return exec(ctx, `CREATE TABLE `+schema+`.audit_log AS SELECT `+auditCols+` FROM main.audit_log WHERE 0`)
}

// NewStagedBuffer starts a buffer writing into the stage's audit table
// through q (the staging transaction).
func (l *Logger) NewStagedBuffer(q store.Querier, schema string) *Buffer {
	return &Buffer{l: l, q: q, into: schema + "."}
}

// RollForwardStep is the name of the roll-forward step (store.Stage.
// PublishRollForward) that appends a published stage's entries to the
// trail after the write's commit, in the order they were written, a chunk
// per transaction.
const RollForwardStep = "audit_log"

func init() {
	store.RegisterRollForward(RollForwardStep, "audit_log", func(ctx context.Context, db *store.DB, tx *sql.Tx, schema, _ string, lo, hi int64, _ bool) (bool, error) {
		if _, err := db.Exec(ctx, tx, `INSERT INTO main.audit_log (`+auditCols+`) SELECT `+auditCols+` FROM `+schema+`.audit_log
			WHERE rowid > ? AND rowid <= ? ORDER BY rowid`, lo, hi); err != nil {
			return false, fmt.Errorf("audit: roll forward staged entries: %w", err)
		}
		return true, nil
	}, nil)
}

// Add queues an entry, writing the queue when it is full.
func (b *Buffer) Add(ctx context.Context, e Entry) error {
	v, err := b.l.values(ctx, e)
	if err != nil {
		return err
	}
	b.vals = append(b.vals, v...)
	b.n++
	if b.n == bufferRows {
		return b.Flush(ctx)
	}
	return nil
}

// Flush writes the queued entries.
func (b *Buffer) Flush(ctx context.Context) error {
	if b.n == 0 {
		return nil
	}
	rows := strings.TrimSuffix(strings.Repeat(auditRow+", ", b.n), ", ")
	if _, err := b.l.DB.Exec(ctx, b.q, `INSERT INTO `+b.into+`audit_log (`+auditCols+`) VALUES `+rows, b.vals...); err != nil {
		return fmt.Errorf("audit: write %d entries: %w", b.n, err)
	}
	b.vals, b.n = b.vals[:0], 0
	return nil
}

// Row is a stored audit record.
type Row struct {
	ID         int64           `json:"id"`
	At         time.Time       `json:"at"`
	Username   string          `json:"username"`
	Role       string          `json:"role"`
	IP         string          `json:"ip"`
	Action     string          `json:"action"`
	ActionName string          `json:"action_name"`
	Entity     string          `json:"entity"`
	EntityID   string          `json:"entity_id"`
	Result     string          `json:"result"`
	Detail     json.RawMessage `json:"detail"`
	// EntityLabel is the Chinese name of the kind of object (党员, 会议).
	EntityLabel string `json:"entity_label,omitempty"`
	// EntityName names the object as the ledger does (a member's name, a
	// meeting's party organization, date and topic); empty when it is gone.
	EntityName string `json:"entity_name,omitempty"`
	// Labels are the Chinese labels of the keys in Detail.
	Labels map[string]string `json:"labels,omitempty"`
	// Subject says, for a reveal, whose data was shown (values masked).
	Subject string `json:"subject,omitempty"`
}

// Filter selects audit rows. From and To are inclusive plain dates (local to
// the deployment: China Standard Time).
type Filter struct {
	Entity   string
	EntityID string
	Action   string
	Username string
	Result   string
	From, To string
	Page     int
	PageSize int
}

func (f Filter) where() (string, []any, error) {
	var conds []string
	var args []any
	bad := apperr.Invalid()
	if f.Entity != "" {
		conds = append(conds, "entity = ?")
		args = append(args, f.Entity)
	}
	if f.EntityID != "" {
		conds = append(conds, "entity_id = ?")
		args = append(args, f.EntityID)
	}
	if f.Action != "" {
		conds = append(conds, "action = ?")
		args = append(args, f.Action)
	}
	if f.Username != "" {
		conds = append(conds, "username = ?")
		args = append(args, f.Username)
	}
	if f.Result != "" {
		conds = append(conds, "result = ?")
		args = append(args, f.Result)
	}
	if f.From != "" {
		t, err := civil.ReadIn(f.From)
		if err == nil && !civil.InRange(t) {
			bad.Field("from", civil.RangeMessage)
		} else if err != nil {
			bad.Field("from", "开始日期格式应为 YYYY-MM-DD")
		} else {
			conds = append(conds, "at >= ?")
			args = append(args, store.FormatTime(t))
		}
	}
	if f.To != "" {
		t, err := civil.ReadIn(f.To)
		if err == nil && !civil.InRange(t) {
			bad.Field("to", civil.RangeMessage)
		} else if err != nil {
			bad.Field("to", "结束日期格式应为 YYYY-MM-DD")
		} else {
			conds = append(conds, "at < ?")
			args = append(args, store.FormatTime(t.AddDate(0, 0, 1)))
		}
	}
	if err := bad.OrNil(); err != nil {
		return "", nil, err
	}
	if len(conds) == 0 {
		return "", nil, nil
	}
	return " WHERE " + strings.Join(conds, " AND "), args, nil
}

func requireReader(ctx context.Context) error {
	a, ok := actor.From(ctx)
	if !ok {
		return apperr.Forbidden()
	}
	if a.System || a.Role == "audit_admin" {
		return nil
	}
	return apperr.Forbidden()
}

// List returns one page of rows, newest first, and the total.
func (l *Logger) List(ctx context.Context, f Filter) ([]Row, store.Total, error) {
	ctx = store.WithOp(ctx, "audit.List")
	if err := requireReader(ctx); err != nil {
		return nil, store.Total{}, err
	}
	where, args, err := f.where()
	if err != nil {
		return nil, store.Total{}, err
	}
	out, total, err := store.List(ctx, l.DB, store.ListQuery{Cols: "id, at, username, role, ip, action, entity, entity_id, result, detail",
		From: "FROM audit_log", Cond: strings.TrimPrefix(where, " WHERE "), Args: args, Order: "id DESC"}, store.PageOf(f.Page, f.PageSize, 500), scanRow)
	if err != nil {
		return nil, store.Total{}, err
	}
	if err := l.resolve(ctx, out); err != nil {
		return nil, store.Total{}, err
	}
	return out, total, nil
}

// Each streams every matching row, newest first, to fn (for exports).
func (l *Logger) Each(ctx context.Context, f Filter, fn func(Row) error) error {
	if err := requireReader(ctx); err != nil {
		return err
	}
	where, args, err := f.where()
	if err != nil {
		return err
	}
	rows, err := l.DB.Query(ctx, l.DB, `SELECT id, at, username, role, ip, action, entity, entity_id, result, detail FROM audit_log`+
		where+` ORDER BY id DESC`, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		r, err := scanRow(rows)
		if err != nil {
			return err
		}
		if err := fn(r); err != nil {
			return err
		}
	}
	return rows.Err()
}

func scanRow(rows store.Scanner) (Row, error) {
	var r Row
	var at string
	var detail sql.NullString
	if err := rows.Scan(&r.ID, &at, &r.Username, &r.Role, &r.IP, &r.Action, &r.Entity, &r.EntityID, &r.Result, &detail); err != nil {
		return r, err
	}
	r.At, _ = store.ParseTime(at)
	r.ActionName = ActionName(r.Action)
	if detail.Valid {
		r.Detail = json.RawMessage(detail.String)
	}
	return r, nil
}
