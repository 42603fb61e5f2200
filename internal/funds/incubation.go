package funds

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"liangxin/internal/apperr"
	"liangxin/internal/audit"
	"liangxin/internal/store"
)

// Application is a 孵化发展基金 application.
type Application struct {
	ID            int64  `json:"id"`
	Year          int    `json:"year"`
	PartyOrgID    int64  `json:"party_org_id"`
	PartyOrgName  string `json:"party_org_name"`
	Title         string `json:"title"`
	Purpose       string `json:"purpose"`
	AmountCents   int64  `json:"amount_cents"`
	Amount        string `json:"amount"`
	Status        string `json:"status"`
	StatusName    string `json:"status_name"`
	ReviewOpinion string `json:"review_opinion"`
	ReviewedBy    string `json:"reviewed_by"`
	ReviewedAt    string `json:"reviewed_at"`
	Decision      string `json:"decision"`
	DecidedBy     string `json:"decided_by"`
	DecidedAt     string `json:"decided_at"`
	EntryID       *int64 `json:"entry_id"`
	AppliedBy     string `json:"applied_by"`
	CreatedAt     string `json:"created_at"`
}

// ApplicationInput files an application.
type ApplicationInput struct {
	Year       int    `json:"year"`
	PartyOrgID int64  `json:"party_org_id"`
	Title      string `json:"title"`
	Purpose    string `json:"purpose"`
	Amount     string `json:"amount"` // 元
}

// ReviewInput records the review opinion.
type ReviewInput struct {
	Opinion string `json:"opinion"`
}

// DecisionInput grants or refuses a reviewed application with a reason.
type DecisionInput struct {
	Grant  bool   `json:"grant"`
	Reason string `json:"reason"`
}

const appCols = `a.id, a.year, a.party_org_id, p.name, a.title, a.purpose, a.amount_cents, a.status, a.review_opinion, a.reviewed_by, a.reviewed_at,
	a.decision, a.decided_by, a.decided_at, a.entry_id, a.applied_by, a.created_at`

func scanApp(row interface{ Scan(...any) error }) (Application, error) {
	var a Application
	var entry sql.NullInt64
	err := row.Scan(&a.ID, &a.Year, &a.PartyOrgID, &a.PartyOrgName, &a.Title, &a.Purpose, &a.AmountCents, &a.Status, &a.ReviewOpinion, &a.ReviewedBy,
		&a.ReviewedAt, &a.Decision, &a.DecidedBy, &a.DecidedAt, &entry, &a.AppliedBy, &a.CreatedAt)
	if entry.Valid {
		v := entry.Int64
		a.EntryID = &v
	}
	a.Amount, a.StatusName = FormatYuan(a.AmountCents), optionName(AppStatuses(), a.Status)
	return a, err
}

func (s *Service) app(ctx context.Context, q store.Querier, id int64) (Application, error) {
	cond, args, err := store.PartyOrgFilter(ctx, "a.party_org_id")
	if err != nil {
		return Application{}, err
	}
	a, err := scanApp(s.DB.QueryRow(ctx, q, `SELECT `+appCols+` FROM funds_incubation a JOIN party_orgs p ON p.id = a.party_org_id WHERE a.id = ? AND `+cond,
		append([]any{id}, args...)...))
	if errors.Is(err, sql.ErrNoRows) {
		return Application{}, apperr.NotFound("孵化基金申请")
	}
	return a, err
}

// Apply files a 孵化发展基金 application for a party organization in scope.
func (s *Service) Apply(ctx context.Context, in ApplicationInput) (Application, error) {
	bad := apperr.Invalid()
	if err := CheckYear("year", in.Year); err != nil {
		mergeErr(bad, err)
	}
	title := textField(bad, "title", "项目名称", in.Title, true, 60)
	purpose := textField(bad, "purpose", "用途说明", in.Purpose, true, 500)
	amount, err := ParseYuan("amount", "申请金额", in.Amount)
	if err != nil {
		mergeErr(bad, err)
	}
	if in.PartyOrgID <= 0 {
		bad.Field("party_org_id", "请选择党组织")
	}
	if err := bad.OrNil(); err != nil {
		return Application{}, err
	}
	return store.InTxGet(ctx, s.DB, func(tx *sql.Tx) (Application, error) {
		p, err := s.visiblePartyOrg(ctx, tx, in.PartyOrgID)
		if err != nil {
			return Application{}, err
		}
		var id int64
		if err := s.DB.QueryRow(ctx, tx, `INSERT INTO funds_incubation (year, party_org_id, title, purpose, amount_cents, status, applied_by, created_at)
			VALUES (?, ?, ?, ?, ?, 'applied', ?, ?) RETURNING id`, in.Year, p.ID, title, purpose, amount, username(ctx), s.stamp()).Scan(&id); err != nil {
			return Application{}, err
		}
		a, err := s.app(ctx, tx, id)
		if err != nil {
			return Application{}, err
		}
		return a, s.Audit.Record(ctx, tx, audit.Entry{Action: "funds_incubation_apply", Entity: "party_org", EntityID: fmt.Sprint(p.ID), After: a})
	})
}

// Review records the review opinion of an application that is applied.
func (s *Service) Review(ctx context.Context, id int64, in ReviewInput) (Application, error) {
	bad := apperr.Invalid()
	opinion := textField(bad, "opinion", "审核意见", in.Opinion, true, 500)
	if err := bad.OrNil(); err != nil {
		return Application{}, err
	}
	return store.InTxGet(ctx, s.DB, func(tx *sql.Tx) (Application, error) {
		before, err := s.app(ctx, tx, id)
		if err != nil {
			return Application{}, err
		}
		if before.Status != AppApplied {
			return Application{}, apperr.Conflict("该申请已" + before.StatusName + "，不能再审核")
		}
		res, err := s.DB.Exec(ctx, tx, `UPDATE funds_incubation SET status = 'reviewed', review_opinion = ?, reviewed_by = ?, reviewed_at = ? WHERE id = ? AND status = 'applied'`,
			opinion, username(ctx), s.stamp(), id)
		if err != nil {
			return Application{}, err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return Application{}, apperr.Conflict("该申请刚被他人处理，请刷新")
		}
		a, err := s.app(ctx, tx, id)
		if err != nil {
			return Application{}, err
		}
		return a, s.Audit.Record(ctx, tx, audit.Entry{Action: "funds_incubation_review", Entity: "party_org", EntityID: fmt.Sprint(a.PartyOrgID), Before: before, After: a})
	})
}

// Decide grants or refuses a reviewed application, with a reason. A grant
// posts Dr balance (the party organization), Cr incubation.
func (s *Service) Decide(ctx context.Context, id int64, in DecisionInput) (Application, error) {
	bad := apperr.Invalid()
	label := "不予资助的理由"
	if in.Grant {
		label = "资助理由"
	}
	reason := textField(bad, "reason", label, in.Reason, true, 500)
	if err := bad.OrNil(); err != nil {
		return Application{}, err
	}
	return store.InTxGet(ctx, s.DB, func(tx *sql.Tx) (Application, error) {
		before, err := s.app(ctx, tx, id)
		if err != nil {
			return Application{}, err
		}
		if err := s.lockPartyOrg(ctx, tx, before.PartyOrgID); err != nil {
			return Application{}, err
		}
		if before.Status != AppReviewed {
			if before.Status == AppApplied {
				return Application{}, apperr.Conflict("请先审核，再作资助决定")
			}
			return Application{}, apperr.Conflict("该申请已" + before.StatusName)
		}
		status := AppRefused
		var entryID any
		if in.Grant {
			status = AppGranted
			eid, err := s.post(ctx, tx, entry{Year: before.Year, Kind: EntryGrant, PartyOrgID: before.PartyOrgID, Amount: before.AmountCents,
				On: s.today(), Memo: "孵化发展基金：" + before.Title},
				[]posting{{Account: AccBalance, PartyOrgID: before.PartyOrgID, Amount: before.AmountCents}, {Account: AccIncubation, Amount: -before.AmountCents}})
			if err != nil {
				return Application{}, err
			}
			entryID = eid
		}
		res, err := s.DB.Exec(ctx, tx, `UPDATE funds_incubation SET status = ?, decision = ?, decided_by = ?, decided_at = ?, entry_id = ? WHERE id = ? AND status = 'reviewed'`,
			status, reason, username(ctx), s.stamp(), entryID, id)
		if err != nil {
			return Application{}, err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return Application{}, apperr.Conflict("该申请刚被他人处理，请刷新")
		}
		a, err := s.app(ctx, tx, id)
		if err != nil {
			return Application{}, err
		}
		return a, s.Audit.Record(ctx, tx, audit.Entry{Action: "funds_incubation_decide", Entity: "party_org", EntityID: fmt.Sprint(a.PartyOrgID), Before: before, After: a, Note: reason})
	})
}

// AppFilter selects applications.
type AppFilter struct {
	Year     int
	Status   string
	Page     int
	PageSize int
}

// ListApplications returns a page of the year's applications in scope, newest first.
func (s *Service) ListApplications(ctx context.Context, f AppFilter) ([]Application, store.Total, error) {
	ctx = store.WithOp(ctx, "funds.ListApplications")
	cond, args, err := store.PartyOrgFilter(ctx, "a.party_org_id")
	if err != nil {
		return nil, store.Total{}, err
	}
	cond = `a.year = ? AND ` + cond
	args = append([]any{f.Year}, args...)
	if f.Status != "" {
		cond += ` AND a.status = ?`
		args = append(args, f.Status)
	}
	if f.PageSize <= 0 {
		f.PageSize = 20
	}
	if f.Page <= 0 {
		f.Page = 1
	}
	return store.List(ctx, s.DB, store.ListQuery{Cols: appCols, From: `FROM funds_incubation a JOIN party_orgs p ON p.id = a.party_org_id`,
		Cond: cond, Args: args, Order: "a.id DESC"}, store.Page{Number: f.Page, Size: f.PageSize}, scanApp)
}
