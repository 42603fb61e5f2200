package volunteer

import (
	"context"
	"fmt"

	"liangxin/internal/sheetexport"
)

// filters is the audit detail of an export's filters: the pairs of kv
// (name, value) whose value is not the zero value.
func filters(kv ...any) map[string]any {
	out := map[string]any{}
	for i := 0; i+1 < len(kv); i += 2 {
		switch v := kv[i+1].(type) {
		case string:
			if v == "" {
				continue
			}
		case int:
			if v == 0 {
				continue
			}
		case int64:
			if v == 0 {
				continue
			}
		}
		out[kv[i].(string)] = kv[i+1]
	}
	return out
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// ExportTeams streams the 党员服务队 of f (page and size ignored) to t: one
// sheet of teams, then one of their members (队员), and records the export
// with the teams' count.
func (s *Service) ExportTeams(ctx context.Context, t sheetexport.Target, f TeamFilter) error {
	teams := sheetexport.Paged(func(ctx context.Context, page, size int) ([]Team, int, error) {
		f.Page, f.PageSize = page, size
		items, total, err := s.ListTeams(ctx, f)
		return items, total.Ceiling(), err
	})
	list := sheetexport.One("党员服务队", []string{"服务队", "所在社区", "所属党组织", "队长", "队员人数", "备注"}, sheetexport.Widths(30, 20, 30, 10, 10, 30), teams,
		func(t Team) []any {
			return []any{t.Name, t.RegionName, t.PartyOrgName, t.LeaderName, t.MemberCount, t.Note}
		})
	members := sheetexport.Rows("队员", []string{"服务队", "队员", "所在党组织", "入队日期"}, sheetexport.Widths(30, 12, 30, 12), teams,
		func(t Team, emit sheetexport.Emit) error {
			full, err := s.GetTeam(ctx, t.ID)
			if err != nil {
				return err
			}
			for _, m := range full.Members {
				if err := emit(t.Name, m.Name, m.PartyOrgName, m.JoinedOn); err != nil {
					return err
				}
			}
			return nil
		}, nil)
	_, err := sheetexport.Write(ctx, t, sheetexport.Audit{Logger: s.Audit, DB: s.DB, Entity: "vol_team", Filters: filters("q", f.Q, "region_code", f.RegionCode),
		Note: func(n int) string { return fmt.Sprintf("导出党员服务队 %d 条", n) }}, list, members)
	return err
}

// ExportActivities streams the 志愿活动 of f (page and size ignored) to t and
// records the export.
func (s *Service) ExportActivities(ctx context.Context, t sheetexport.Target, f ActivityFilter) error {
	src := sheetexport.Paged(func(ctx context.Context, page, size int) ([]Activity, int, error) {
		f.Page, f.PageSize = page, size
		items, total, err := s.ListActivities(ctx, f)
		return items, total.Ceiling(), err
	})
	sheet := sheetexport.One("志愿活动", []string{"编号", "活动名称", "类别", "开始时间", "结束时间", "地点", "计划时长（小时）", "招募人数", "已报名", "已签到", "已确认",
		"服务队", "所在社区", "状态"}, sheetexport.Widths(8, 30, 10, 18, 18, 24, 14, 10, 10, 10, 10, 24, 20, 10), src, func(a Activity) []any {
		return []any{a.ID, a.Title, a.KindName, a.StartsAt, a.EndsAt, a.Place, a.PlannedHours, a.Capacity, a.SignedUp, a.SignedIn, a.Confirmed,
			a.TeamName, a.RegionName, a.StatusName}
	})
	_, err := sheetexport.Write(ctx, t, sheetexport.Audit{Logger: s.Audit, DB: s.DB, Entity: "vol_activity",
		Filters: filters("q", f.Q, "kind", f.Kind, "team_id", f.TeamID, "from", f.From, "to", f.To, "status", f.Status),
		Note:    func(n int) string { return fmt.Sprintf("导出志愿活动 %d 条", n) }}, sheet)
	return err
}

// ExportParticipants writes the participants (参与人) of one activity in the
// caller's scope to t and records the export.
func (s *Service) ExportParticipants(ctx context.Context, t sheetexport.Target, activityID int64) error {
	a, err := s.GetActivity(ctx, activityID)
	if err != nil {
		return err
	}
	items, err := s.ListParticipants(ctx, activityID)
	if err != nil {
		return err
	}
	methods := map[string]string{"qr": "扫码", "manual": "手工"}
	sheet := sheetexport.One("参与人", []string{"活动", "姓名", "所在党组织", "报名时间", "签到时间", "签到方式", "确认时长（小时）", "确认人"},
		sheetexport.Widths(30, 12, 30, 22, 22, 10, 14, 12), sheetexport.Slice(items), func(p Participant) []any {
			return []any{a.Title, p.Name, p.Affiliation, p.SignedUpAt, deref(p.SignedInAt), methods[p.SignInMethod], p.ConfirmedHours, p.ConfirmedBy}
		})
	_, err = sheetexport.Write(ctx, t, sheetexport.Audit{Logger: s.Audit, DB: s.DB, Entity: "vol_activity", Filters: filters("activity_id", activityID),
		Note: func(n int) string { return fmt.Sprintf("导出志愿活动参与人 %d 条", n) }}, sheet)
	return err
}

// ExportAccounts streams the personal time-bank accounts of f (page and
// size ignored) to t and records the export.
func (s *Service) ExportAccounts(ctx context.Context, t sheetexport.Target, f AccountFilter) error {
	src := sheetexport.Paged(func(ctx context.Context, page, size int) ([]Account, int, error) {
		f.Page, f.PageSize = page, size
		items, total, err := s.ListAccounts(ctx, f)
		return items, total.Ceiling(), err
	})
	kinds := map[string]string{AccMember: "党员", AccPerson: "登记志愿者"}
	sheet := sheetexport.One("时间银行账户", []string{"账户", "姓名", "类别", "所在社区", "家庭编号", "可用积分", "冻结积分", "今年服务时长（小时）"},
		sheetexport.Widths(8, 12, 12, 20, 12, 10, 10, 16), src, func(a Account) []any {
			return []any{a.ID, a.Name, kinds[a.Kind], a.RegionName, a.FamilyCode, a.Balance, a.Reserved, a.YearHours}
		})
	_, err := sheetexport.Write(ctx, t, sheetexport.Audit{Logger: s.Audit, DB: s.DB, Entity: "tb_account",
		Filters: filters("q", f.Q, "region_code", f.RegionCode, "kind", f.Kind, "sort", f.Sort),
		Note:    func(n int) string { return fmt.Sprintf("导出时间银行账户 %d 条", n) }}, sheet)
	return err
}

// StatementTitle is the Chinese title (and file name) of an account's
// yearly statement.
func StatementTitle(st Statement) string {
	return fmt.Sprintf("%s %d年度时间银行对账单", st.Account.Name, st.Year)
}

// ExportStatement writes an account's yearly statement (GetStatement) to
// the target that target gives for its title: the entries with their effect
// and running balance between the opening and closing rows, then the hours
// (服务时长) and their total; the export is recorded with the entries' count.
func (s *Service) ExportStatement(ctx context.Context, target func(title string) sheetexport.Target, accountID int64, year int) error {
	st, err := s.GetStatement(ctx, accountID, year)
	if err != nil {
		return err
	}
	title := StatementTitle(st)
	entries := sheetexport.Func("对账单", []string{"日期", "类别", "摘要", "收入（分）", "支出（分）", "余额（分）", "经办人"}, sheetexport.Widths(12, 12, 50, 12, 12, 12, 12),
		func(emit sheetexport.Emit) (int, error) {
			if err := emit("", "期初余额", title, "", "", st.Opening, ""); err != nil {
				return 0, err
			}
			bal := st.Opening
			for _, e := range st.Entries {
				bal += e.Delta
				var in, out any = "", ""
				if e.Delta > 0 {
					in = e.Delta
				} else {
					out = -e.Delta
				}
				if err := emit(e.OccurredOn, e.KindName, e.Memo, in, out, bal, e.ConfirmedBy); err != nil {
					return 0, err
				}
			}
			return len(st.Entries), emit("", "期末余额", fmt.Sprintf("本年收入 %d 分，支出 %d 分", st.Earned, st.Spent), "", "", st.Closing, "")
		})
	work := sheetexport.Rows("服务时长", []string{"日期", "活动", "类别", "来源", "时长（小时）", "备注"}, sheetexport.Widths(12, 40, 10, 10, 12, 12), sheetexport.Slice(st.Work),
		func(h HoursRow, emit sheetexport.Emit) error {
			note := ""
			if h.Reversed {
				note = "已冲销"
			}
			return emit(h.WorkedOn, h.Title, h.KindName, h.SourceName, h.Hours, note)
		},
		func(emit sheetexport.Emit) error { return emit("合计", "", "", "", st.Hours, "") })
	_, err = sheetexport.Write(ctx, target(title), sheetexport.Audit{Logger: s.Audit, DB: s.DB, Entity: "tb_account",
		Filters: filters("account_id", accountID, "year", year),
		Note:    func(n int) string { return fmt.Sprintf("导出%s %d 条", title, n) }}, entries, work)
	return err
}

// ExportEntries streams the time-bank journal entries of f (page and size
// ignored), newest first, with their postings, to t and records the export.
func (s *Service) ExportEntries(ctx context.Context, t sheetexport.Target, f EntryFilter) error {
	src := sheetexport.Paged(func(ctx context.Context, page, size int) ([]Entry, int, error) {
		f.Page, f.PageSize = page, size
		items, total, err := s.ListEntries(ctx, f)
		return items, total.Ceiling(), err
	})
	sheet := sheetexport.One("时间银行记录", []string{"编号", "日期", "类别", "积分", "摘要", "分录（账户：积分）", "冲销", "经办人", "记账时间"},
		sheetexport.Widths(8, 12, 12, 8, 40, 50, 14, 12, 22), src, func(e Entry) []any {
			lines := ""
			for i, p := range e.Postings {
				if i > 0 {
					lines += "；"
				}
				lines += fmt.Sprintf("%s：%+d", p.AccountName, p.Amount)
			}
			rev := ""
			if e.ReversesID != nil {
				rev = fmt.Sprintf("冲销第 %d 号", *e.ReversesID)
			} else if e.ReversedByID != nil {
				rev = fmt.Sprintf("已被第 %d 号冲销", *e.ReversedByID)
			}
			return []any{e.ID, e.OccurredOn, e.KindName, e.Amount, e.Memo, lines, rev, e.ConfirmedBy, e.CreatedAt}
		})
	_, err := sheetexport.Write(ctx, t, sheetexport.Audit{Logger: s.Audit, DB: s.DB, Entity: "tb_entry",
		Filters: filters("account_id", f.AccountID, "kind", f.Kind, "year", f.Year),
		Note:    func(n int) string { return fmt.Sprintf("导出时间银行记录 %d 条", n) }}, sheet)
	return err
}
