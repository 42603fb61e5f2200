package workloop

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"liangxin/internal/actor"
	"liangxin/internal/apperr"
	"liangxin/internal/audit"
	"liangxin/internal/store"
)

// Notice kinds.
const (
	KindTip   = "tip"   // 工作提示, for a month
	KindStudy = "study" // 学习清单, for a quarter, with items
)

// Notice states: a draft is edited; a published notice is immutable except
// withdrawal.
const (
	NoticeDraft     = "draft"
	NoticePublished = "published"
	NoticeWithdrawn = "withdrawn"
)

// NoticeKinds lists the kinds of notice.
func NoticeKinds() []Option {
	return []Option{{KindTip, "工作提示"}, {KindStudy, "学习清单"}}
}

// NoticeStates lists the states of a notice.
func NoticeStates() []Option {
	return []Option{{NoticeDraft, "草稿"}, {NoticePublished, "已发布"}, {NoticeWithdrawn, "已撤回"}}
}

// NoticeItem is one item of a 学习清单.
type NoticeItem struct {
	ID      int64  `json:"id"`
	Seq     int    `json:"seq"`
	Content string `json:"content"`
	// DoneCount is how many recipients in the caller's sight marked it done.
	DoneCount int `json:"done_count"`
	// MyDoneOn is when the caller's own party organization marked it done
	// (party-organization accounts only).
	MyDoneOn *string `json:"my_done_on"`
}

// Notice is a 工作提示 or 学习清单. Body is Markdown source, shown as text.
type Notice struct {
	ID             int64        `json:"id"`
	Kind           string       `json:"kind"`
	KindName       string       `json:"kind_name"`
	Title          string       `json:"title"`
	Body           string       `json:"body"`
	Period         string       `json:"period"`
	RegionCode     string       `json:"region_code"`
	RegionName     string       `json:"region_name"`
	State          string       `json:"state"`
	StateName      string       `json:"state_name"`
	PublishedOn    *string      `json:"published_on"`
	WithdrawnAt    *string      `json:"withdrawn_at"`
	WithdrawReason string       `json:"withdraw_reason"`
	Items          []NoticeItem `json:"items"`
	Files          []File       `json:"files"`
	// Recipients and ReadCount count the recipients in the caller's sight.
	Recipients int `json:"recipients"`
	ReadCount  int `json:"read_count"`
	// MyReadAt is when the caller's own party organization first opened it
	// (party-organization accounts only).
	MyReadAt  *string `json:"my_read_at"`
	CreatedAt string  `json:"created_at"`
	UpdatedAt string  `json:"updated_at"`
}

// NoticeInput writes a draft. Items are the 学习清单's items (none for a
// 工作提示); FileIDs attach documents uploaded before.
type NoticeInput struct {
	Kind       string   `json:"kind"`
	Title      string   `json:"title"`
	Body       string   `json:"body"`
	Period     string   `json:"period"`
	RegionCode string   `json:"region_code"`
	Items      []string `json:"items"`
	FileIDs    []int64  `json:"file_ids"`
}

// WithdrawInput withdraws a published notice.
type WithdrawInput struct {
	Reason string `json:"reason"`
}

// DoneInput marks a 学习清单 item done for a party organization.
type DoneInput struct {
	PartyOrgID int64  `json:"party_org_id"`
	DoneOn     string `json:"done_on"`
	Note       string `json:"note"`
	FileID     *int64 `json:"file_id"`
}

var (
	monthRe   = regexp.MustCompile(`^20[0-9]{2}-(0[1-9]|1[0-2])$`)
	quarterRe = regexp.MustCompile(`^20[0-9]{2}-Q[1-4]$`)
)

const noticeCols = `n.id, n.kind, n.title, n.body, n.period, n.region_code, COALESCE(g.name, ''), n.state, n.published_on, n.withdrawn_at, n.withdraw_reason, n.created_at, n.updated_at`
const noticeFrom = ` FROM notices n LEFT JOIN regions g ON g.code = n.region_code`

func scanNotice(row interface{ Scan(...any) error }) (Notice, error) {
	var n Notice
	var pub, wd sql.NullString
	err := row.Scan(&n.ID, &n.Kind, &n.Title, &n.Body, &n.Period, &n.RegionCode, &n.RegionName, &n.State, &pub, &wd, &n.WithdrawReason, &n.CreatedAt, &n.UpdatedAt)
	if pub.Valid {
		n.PublishedOn = &pub.String
	}
	if wd.Valid {
		n.WithdrawnAt = &wd.String
	}
	n.KindName, n.StateName = optionName(NoticeKinds(), n.Kind), optionName(NoticeStates(), n.State)
	n.Items, n.Files = []NoticeItem{}, []File{}
	return n, err
}

// noticeScope limits notices (alias n) to what the caller sees: a
// party-organization account the published notices its party organization
// (or one under it) received; others drafts inside their scope and
// published notices inside their scope or sent to a subtree containing it.
func noticeScope(ctx context.Context) (string, []any, error) {
	a, ok := actor.From(ctx)
	if !ok {
		return "", nil, apperr.Unauthenticated("")
	}
	if a.System {
		return "1=1", nil, nil
	}
	if a.PartyOrgID != 0 {
		c, args := store.PartyOrgSubtreeFilter(ctx, "rr.party_org_id")
		return "n.state <> 'draft' AND EXISTS (SELECT 1 FROM notice_recipients rr WHERE rr.notice_id = n.id AND " + c + ")", args, nil
	}
	if a.Scope == "" {
		return "1=0", nil, nil
	}
	in, inArgs := store.PrefixRange("n.region_code", a.Scope)
	up, upArgs := store.AncestorsOf("n.region_code", a.Scope)
	return "(" + in + " OR (n.state <> 'draft' AND " + up + "))", append(inArgs, upArgs...), nil
}

// recipientScope limits recipients (alias r) to those in the caller's sight.
func recipientScope(ctx context.Context) (string, []any, error) {
	c, args, err := store.ScopeFilter(ctx, "r.region_code")
	if err != nil {
		return "", nil, err
	}
	c2, a2 := store.PartyOrgSubtreeFilter(ctx, "r.party_org_id")
	return c + " AND " + c2, append(args, a2...), nil
}

func (s *Service) getNotice(ctx context.Context, q store.Querier, id int64) (Notice, error) {
	cond, args, err := noticeScope(ctx)
	if err != nil {
		return Notice{}, err
	}
	n, err := scanNotice(s.DB.QueryRow(ctx, q, `SELECT `+noticeCols+noticeFrom+` WHERE n.id = ? AND `+cond, append([]any{id}, args...)...))
	if errors.Is(err, sql.ErrNoRows) {
		return n, apperr.NotFound("通知")
	}
	if err != nil {
		return n, fmt.Errorf("workloop: notice %d: %w", id, err)
	}
	return n, nil
}

// decorate fills in the counts, the items and the files of a notice.
func (s *Service) decorate(ctx context.Context, q store.Querier, n *Notice, full bool) error {
	rc, rargs, err := recipientScope(ctx)
	if err != nil {
		return err
	}
	if err := s.DB.QueryRow(ctx, q, `SELECT COUNT(*), COUNT(r.read_at) FROM notice_recipients r WHERE r.notice_id = ? AND `+rc,
		append([]any{n.ID}, rargs...)...).Scan(&n.Recipients, &n.ReadCount); err != nil {
		return err
	}
	a := who(ctx)
	if a.PartyOrgID != 0 {
		var at sql.NullString
		err := s.DB.QueryRow(ctx, q, `SELECT read_at FROM notice_recipients WHERE notice_id = ? AND party_org_id = ?`, n.ID, a.PartyOrgID).Scan(&at)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		if at.Valid {
			n.MyReadAt = &at.String
		}
	}
	if !full {
		return nil
	}
	rows, err := s.DB.Query(ctx, q, `SELECT i.id, i.seq, i.content,
		(SELECT COUNT(*) FROM notice_item_done d JOIN notice_recipients r ON r.notice_id = i.notice_id AND r.party_org_id = d.party_org_id WHERE d.item_id = i.id AND `+rc+`),
		(SELECT d.done_on FROM notice_item_done d WHERE d.item_id = i.id AND d.party_org_id = ?)
		FROM notice_items i WHERE i.notice_id = ? ORDER BY i.seq`, append(append(rargs, a.PartyOrgID), n.ID)...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var it NoticeItem
		var mine sql.NullString
		if err := rows.Scan(&it.ID, &it.Seq, &it.Content, &it.DoneCount, &mine); err != nil {
			return err
		}
		if mine.Valid {
			it.MyDoneOn = &mine.String
		}
		n.Items = append(n.Items, it)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	n.Files, err = s.files(ctx, q, "notice", n.ID)
	return err
}

// GetNotice returns a notice with its items, files and receipt counts.
func (s *Service) GetNotice(ctx context.Context, id int64) (Notice, error) {
	ctx = store.WithOp(ctx, "workloop.GetNotice")
	n, err := s.getNotice(ctx, s.DB, id)
	if err != nil {
		return n, err
	}
	if err := s.decorate(ctx, s.DB, &n, true); err != nil {
		return n, fmt.Errorf("workloop: notice %d: %w", id, err)
	}
	return n, nil
}

// NoticeFilter selects notices; empty fields do not filter.
type NoticeFilter struct {
	Kind     string
	State    string
	Year     string
	Unread   bool // party-organization accounts: not yet opened
	Q        string
	Page     int
	PageSize int
}

// Validate names a wrong filter field.
func (f NoticeFilter) Validate() error {
	bad := apperr.Invalid()
	if f.Kind != "" && optionName(NoticeKinds(), f.Kind) == "" {
		bad.Field("kind", "类型应为 tip（工作提示）或 study（学习清单）")
	}
	if f.State != "" && optionName(NoticeStates(), f.State) == "" {
		bad.Field("state", "状态应为 draft、published 或 withdrawn")
	}
	if f.Year != "" && !regexp.MustCompile(`^20[0-9]{2}$`).MatchString(f.Year) {
		bad.Field("year", "年度应为四位年份")
	}
	return bad.OrNil()
}

// ListNotices returns one page of the notices the caller sees, newest
// period first, with the total.
func (s *Service) ListNotices(ctx context.Context, f NoticeFilter) ([]Notice, store.Total, error) {
	ctx = store.WithOp(ctx, "workloop.ListNotices")
	if err := f.Validate(); err != nil {
		return nil, store.Total{}, err
	}
	cond, args, err := noticeScope(ctx)
	if err != nil {
		return nil, store.Total{}, err
	}
	add := func(c string, a ...any) { cond += " AND " + c; args = append(args, a...) }
	if f.Kind != "" {
		add("n.kind = ?", f.Kind)
	}
	if f.State != "" {
		add("n.state = ?", f.State)
	}
	if f.Year != "" {
		add("n.period LIKE ?", f.Year+"-%")
	}
	if a := who(ctx); f.Unread && a.PartyOrgID != 0 {
		add("n.state = 'published' AND EXISTS (SELECT 1 FROM notice_recipients ur WHERE ur.notice_id = n.id AND ur.party_org_id = ? AND ur.read_at IS NULL)", a.PartyOrgID)
	}
	if q := strings.TrimSpace(f.Q); q != "" {
		like := "%" + store.LikeEscape(q) + "%"
		add(`(n.title LIKE ? ESCAPE '\' OR n.body LIKE ? ESCAPE '\')`, like, like)
	}
	var out []Notice
	var total store.Total
	err = s.DB.Report(ctx, func(q store.Querier) error {
		var err error
		out, total, err = store.ListIn(ctx, s.DB, q, store.ListQuery{Cols: noticeCols, From: noticeFrom[1:], Cond: cond, Args: args,
			Order: "n.period DESC, n.id DESC"}, store.Page{Number: f.Page, Size: f.PageSize}, scanNotice)
		if err != nil {
			return err
		}
		for i := range out {
			if err := s.decorate(ctx, q, &out[i], false); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, store.Total{}, fmt.Errorf("workloop: list notices: %w", err)
	}
	return out, total, nil
}

func (s *Service) validateNotice(ctx context.Context, in *NoticeInput) error {
	bad := apperr.Invalid()
	in.Title = textField(bad, "title", "标题", in.Title, true, 100)
	in.Body = textField(bad, "body", "正文", in.Body, true, 20000)
	in.Period = strings.TrimSpace(in.Period)
	switch in.Kind {
	case KindTip:
		if !monthRe.MatchString(in.Period) {
			bad.Field("period", "工作提示的月份应为 YYYY-MM")
		}
		if len(in.Items) > 0 {
			bad.Field("items", "工作提示没有清单条目（条目属于学习清单）")
		}
	case KindStudy:
		if !quarterRe.MatchString(in.Period) {
			bad.Field("period", "学习清单的季度应为 YYYY-Q1 至 YYYY-Q4")
		}
		if len(in.Items) == 0 {
			bad.Field("items", "学习清单至少要有一条学习内容")
		}
	default:
		bad.Field("kind", "请选择类型：工作提示（tip）或学习清单（study）")
	}
	if len(in.Items) > 50 {
		bad.Field("items", "学习清单最多 50 条")
	}
	for i := range in.Items {
		in.Items[i] = textField(bad, fmt.Sprintf("items[%d]", i), "学习内容", in.Items[i], true, 500)
	}
	if len(in.FileIDs) > 10 {
		bad.Field("file_ids", "每份通知最多 10 个附件")
	}
	in.RegionCode = strings.TrimSpace(in.RegionCode)
	if in.RegionCode == "" {
		bad.Field("region_code", "请选择下发范围（区划）")
	} else if !who(ctx).InScope(in.RegionCode) {
		bad.Field("region_code", "下发范围不存在或不在您的管辖范围内")
	} else {
		var n int
		if err := s.DB.QueryRow(ctx, s.DB, `SELECT COUNT(*) FROM regions WHERE code = ?`, in.RegionCode).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			bad.Field("region_code", "下发范围不存在或不在您的管辖范围内")
		}
	}
	return bad.OrNil()
}

// CreateNotice writes a draft.
func (s *Service) CreateNotice(ctx context.Context, in NoticeInput) (Notice, error) {
	ctx = store.WithOp(ctx, "workloop.CreateNotice")
	if err := s.validateNotice(ctx, &in); err != nil {
		return Notice{}, err
	}
	out, err := store.InTxGet(ctx, s.DB, func(tx *sql.Tx) (Notice, error) {
		now := s.stamp()
		var id int64
		if err := s.DB.QueryRow(ctx, tx, `INSERT INTO notices (kind, title, body, period, region_code, state, created_by, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, 'draft', ?, ?, ?) RETURNING id`, in.Kind, in.Title, in.Body, in.Period, in.RegionCode, who(ctx).UserID, now, now).Scan(&id); err != nil {
			if store.IsUniqueViolation(err) {
				return Notice{}, apperr.Conflict("同一范围、同一期已有同名通知")
			}
			return Notice{}, err
		}
		if err := s.writeItems(ctx, tx, id, in.Items); err != nil {
			return Notice{}, err
		}
		if err := s.attach(ctx, tx, "file_ids", in.FileIDs, "notice", id); err != nil {
			return Notice{}, err
		}
		n, err := s.reread(ctx, tx, id)
		if err != nil {
			return n, err
		}
		return n, s.Audit.Record(ctx, tx, audit.Entry{Action: "notice_create", Entity: "notice", EntityID: fmt.Sprint(id), After: n,
			Note: fmt.Sprintf("起草%s「%s」", n.KindName, n.Title)})
	})
	if err != nil {
		return Notice{}, fmt.Errorf("workloop: create notice: %w", err)
	}
	return out, nil
}

func (s *Service) writeItems(ctx context.Context, tx *sql.Tx, id int64, items []string) error {
	if _, err := s.DB.Exec(ctx, tx, `DELETE FROM notice_items WHERE notice_id = ?`, id); err != nil {
		return err
	}
	for i, c := range items {
		if _, err := s.DB.Exec(ctx, tx, `INSERT INTO notice_items (notice_id, seq, content) VALUES (?, ?, ?)`, id, i+1, c); err != nil {
			return err
		}
	}
	return nil
}

func (s *Service) reread(ctx context.Context, q store.Querier, id int64) (Notice, error) {
	n, err := s.getNotice(ctx, q, id)
	if err != nil {
		return n, err
	}
	return n, s.decorate(ctx, q, &n, true)
}

// noticeForWrite reads a notice the caller may change: inside its scope
// (a notice sent from above is not its to change).
func (s *Service) noticeForWrite(ctx context.Context, tx store.Querier, id int64) (Notice, error) {
	n, err := s.reread(ctx, tx, id)
	if err != nil {
		return n, err
	}
	if !who(ctx).InScope(n.RegionCode) {
		return n, apperr.NotFound("通知")
	}
	return n, nil
}

// UpdateNotice changes a draft (items and files replaced by the input's;
// files already attached stay). A published notice is immutable: 409.
func (s *Service) UpdateNotice(ctx context.Context, id int64, in NoticeInput) (Notice, error) {
	ctx = store.WithOp(ctx, "workloop.UpdateNotice")
	// What the caller may not see answers 404 before its input is judged.
	if _, err := s.noticeForWrite(ctx, s.DB, id); err != nil {
		return Notice{}, err
	}
	if err := s.validateNotice(ctx, &in); err != nil {
		return Notice{}, err
	}
	out, err := store.InTxGet(ctx, s.DB, func(tx *sql.Tx) (Notice, error) {
		before, err := s.noticeForWrite(ctx, tx, id)
		if err != nil {
			return before, err
		}
		if before.State != NoticeDraft {
			return before, apperr.Conflict("通知已发布，不能修改（只能撤回）")
		}
		if _, err := s.DB.Exec(ctx, tx, `UPDATE notices SET kind = ?, title = ?, body = ?, period = ?, region_code = ?, updated_at = ? WHERE id = ? AND state = 'draft'`,
			in.Kind, in.Title, in.Body, in.Period, in.RegionCode, s.stamp(), id); err != nil {
			if store.IsUniqueViolation(err) {
				return Notice{}, apperr.Conflict("同一范围、同一期已有同名通知")
			}
			return Notice{}, err
		}
		if err := s.writeItems(ctx, tx, id, in.Items); err != nil {
			return Notice{}, err
		}
		if err := s.attach(ctx, tx, "file_ids", in.FileIDs, "notice", id); err != nil {
			return Notice{}, err
		}
		n, err := s.reread(ctx, tx, id)
		if err != nil {
			return n, err
		}
		return n, s.Audit.Record(ctx, tx, audit.Entry{Action: "notice_update", Entity: "notice", EntityID: fmt.Sprint(id), Before: before, After: n})
	})
	if err != nil {
		return Notice{}, fmt.Errorf("workloop: update notice %d: %w", id, err)
	}
	return out, nil
}

// Publish sends a draft to every party organization of its subtree (not
// dissolved) as of today; they are its recipients from then on.
func (s *Service) Publish(ctx context.Context, id int64) (Notice, error) {
	out, err := store.InTxGet(ctx, s.DB, func(tx *sql.Tx) (Notice, error) {
		before, err := s.noticeForWrite(ctx, tx, id)
		if err != nil {
			return before, err
		}
		if before.State != NoticeDraft {
			return before, apperr.Conflict("通知已" + before.StateName + "，不能再次发布")
		}
		today := s.today()
		res, err := s.DB.Exec(ctx, tx, `UPDATE notices SET state = 'published', published_on = ?, updated_at = ? WHERE id = ? AND state = 'draft'`, today, s.stamp(), id)
		if err != nil {
			return Notice{}, err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return Notice{}, apperr.Conflict("通知已被他人发布，请刷新")
		}
		rc, ra := store.PrefixRange("p.region_code", before.RegionCode)
		if _, err := s.DB.Exec(ctx, tx, `INSERT INTO notice_recipients (notice_id, party_org_id, region_code)
			SELECT ?, p.id, p.region_code FROM party_orgs p WHERE `+rc+` AND (p.dissolved_on IS NULL OR p.dissolved_on > ?)`,
			append(append([]any{id}, ra...), today)...); err != nil {
			return Notice{}, err
		}
		n, err := s.reread(ctx, tx, id)
		if err != nil {
			return n, err
		}
		return n, s.Audit.Record(ctx, tx, audit.Entry{Action: "notice_publish", Entity: "notice", EntityID: fmt.Sprint(id), Before: before, After: n,
			Note: fmt.Sprintf("发布%s「%s」至%s，%d 个党组织", n.KindName, n.Title, n.RegionName, n.Recipients)})
	})
	if err != nil {
		return Notice{}, fmt.Errorf("workloop: publish notice %d: %w", id, err)
	}
	return out, nil
}

// Withdraw takes a published notice back (it stays listed as 已撤回 with its
// receipts). A reason is required.
func (s *Service) Withdraw(ctx context.Context, id int64, in WithdrawInput) (Notice, error) {
	bad := apperr.Invalid()
	reason := textField(bad, "reason", "撤回原因", in.Reason, true, 200)
	if err := bad.OrNil(); err != nil {
		return Notice{}, err
	}
	out, err := store.InTxGet(ctx, s.DB, func(tx *sql.Tx) (Notice, error) {
		before, err := s.noticeForWrite(ctx, tx, id)
		if err != nil {
			return before, err
		}
		if before.State != NoticePublished {
			return before, apperr.InvalidField("state", "只有已发布的通知可以撤回（当前："+before.StateName+"）")
		}
		res, err := s.DB.Exec(ctx, tx, `UPDATE notices SET state = 'withdrawn', withdrawn_at = ?, withdraw_reason = ?, updated_at = ? WHERE id = ? AND state = 'published'`,
			s.stamp(), reason, s.stamp(), id)
		if err != nil {
			return Notice{}, err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return Notice{}, apperr.Conflict("通知已被他人撤回，请刷新")
		}
		n, err := s.reread(ctx, tx, id)
		if err != nil {
			return n, err
		}
		return n, s.Audit.Record(ctx, tx, audit.Entry{Action: "notice_withdraw", Entity: "notice", EntityID: fmt.Sprint(id), Before: before, After: n,
			Note: "撤回：" + reason})
	})
	if err != nil {
		return Notice{}, fmt.Errorf("workloop: withdraw notice %d: %w", id, err)
	}
	return out, nil
}

// MarkRead records the first opening of a published notice by a
// party-organization account for its party organization (later openings
// change nothing). For other callers it only returns the notice.
func (s *Service) MarkRead(ctx context.Context, id int64) (Notice, error) {
	out, err := store.InTxGet(ctx, s.DB, func(tx *sql.Tx) (Notice, error) {
		n, err := s.getNotice(ctx, tx, id)
		if err != nil {
			return n, err
		}
		a := who(ctx)
		if a.PartyOrgID != 0 && n.State == NoticePublished {
			res, err := s.DB.Exec(ctx, tx, `UPDATE notice_recipients SET read_at = ?, read_by = ? WHERE notice_id = ? AND party_org_id = ? AND read_at IS NULL`,
				s.stamp(), a.UserID, id, a.PartyOrgID)
			if err != nil {
				return n, err
			}
			if k, _ := res.RowsAffected(); k == 1 {
				if err := s.Audit.Record(ctx, tx, audit.Entry{Action: "notice_read", Entity: "notice", EntityID: fmt.Sprint(id),
					Note: fmt.Sprintf("党组织 %d 签收「%s」", a.PartyOrgID, n.Title)}); err != nil {
					return n, err
				}
			}
		}
		return n, s.decorate(ctx, tx, &n, true)
	})
	if err != nil {
		return Notice{}, fmt.Errorf("workloop: read notice %d: %w", id, err)
	}
	return out, nil
}

// MarkDone records that a recipient party organization (one the caller may
// act for) did an item of a published 学习清单, with a date and evidence (a
// note, optionally a document). Marking again replaces the evidence.
func (s *Service) MarkDone(ctx context.Context, id, itemID int64, in DoneInput) (Notice, error) {
	bad := apperr.Invalid()
	in.DoneOn = dateField(bad, "done_on", "完成日期", in.DoneOn, true)
	in.Note = textField(bad, "note", "完成情况说明", in.Note, true, 1000)
	if in.DoneOn > s.today() {
		bad.Field("done_on", "完成日期不能晚于今天")
	}
	a := who(ctx)
	if in.PartyOrgID == 0 {
		in.PartyOrgID = a.PartyOrgID
	}
	if in.PartyOrgID == 0 {
		bad.Field("party_org_id", "请选择党组织")
	}
	if err := bad.OrNil(); err != nil {
		return Notice{}, err
	}
	out, err := store.InTxGet(ctx, s.DB, func(tx *sql.Tx) (Notice, error) {
		n, err := s.getNotice(ctx, tx, id)
		if err != nil {
			return n, err
		}
		var seq int
		if err := s.DB.QueryRow(ctx, tx, `SELECT seq FROM notice_items WHERE id = ? AND notice_id = ?`, itemID, id).Scan(&seq); errors.Is(err, sql.ErrNoRows) {
			return n, apperr.NotFound("学习内容")
		} else if err != nil {
			return n, err
		}
		if n.State != NoticePublished {
			return n, apperr.InvalidField("state", "通知"+n.StateName+"，不能标记完成")
		}
		rc, rargs, err := recipientScope(ctx)
		if err != nil {
			return n, err
		}
		var k int
		if err := s.DB.QueryRow(ctx, tx, `SELECT COUNT(*) FROM notice_recipients r WHERE r.notice_id = ? AND r.party_org_id = ? AND `+rc,
			append([]any{id, in.PartyOrgID}, rargs...)...).Scan(&k); err != nil {
			return n, err
		}
		if k == 0 {
			return n, apperr.InvalidField("party_org_id", "该党组织不是本通知的接收对象，或不在您的管辖范围内")
		}
		var done int64
		err = s.DB.QueryRow(ctx, tx, `INSERT INTO notice_item_done (item_id, party_org_id, done_on, note, recorded_by, recorded_at) VALUES (?, ?, ?, ?, ?, ?)
			ON CONFLICT (item_id, party_org_id) DO UPDATE SET done_on = excluded.done_on, note = excluded.note, recorded_by = excluded.recorded_by, recorded_at = excluded.recorded_at
			RETURNING id`, itemID, in.PartyOrgID, in.DoneOn, in.Note, a.UserID, s.stamp()).Scan(&done)
		if err != nil {
			return n, err
		}
		if in.FileID != nil {
			if err := s.attach(ctx, tx, "file_id", []int64{*in.FileID}, "completion", done); err != nil {
				return n, err
			}
			if _, err := s.DB.Exec(ctx, tx, `UPDATE notice_item_done SET file_id = ? WHERE id = ?`, *in.FileID, done); err != nil {
				return n, err
			}
		}
		if err := s.Audit.Record(ctx, tx, audit.Entry{Action: "notice_item_done", Entity: "notice", EntityID: fmt.Sprint(id), After: in,
			Note: fmt.Sprintf("「%s」第 %d 条学习内容完成（党组织 %d，%s）", n.Title, seq, in.PartyOrgID, in.DoneOn)}); err != nil {
			return n, err
		}
		return n, s.decorate(ctx, tx, &n, true)
	})
	if err != nil {
		return Notice{}, fmt.Errorf("workloop: mark done %d/%d: %w", id, itemID, err)
	}
	return out, nil
}

func (s *Service) completionVisible(ctx context.Context, id int64) error {
	var notice, org int64
	err := s.DB.QueryRow(ctx, s.DB, `SELECT i.notice_id, d.party_org_id FROM notice_item_done d JOIN notice_items i ON i.id = d.item_id WHERE d.id = ?`, id).Scan(&notice, &org)
	if errors.Is(err, sql.ErrNoRows) {
		return apperr.NotFound("附件")
	}
	if err != nil {
		return err
	}
	if _, err := s.getNotice(ctx, s.DB, notice); err != nil {
		return err
	}
	rc, rargs, err := recipientScope(ctx)
	if err != nil {
		return err
	}
	var k int
	if err := s.DB.QueryRow(ctx, s.DB, `SELECT COUNT(*) FROM notice_recipients r WHERE r.notice_id = ? AND r.party_org_id = ? AND `+rc,
		append([]any{notice, org}, rargs...)...).Scan(&k); err != nil {
		return err
	}
	if k == 0 {
		return apperr.NotFound("附件")
	}
	return nil
}
