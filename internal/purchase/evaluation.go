package purchase

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"liangxin/internal/apperr"
	"liangxin/internal/audit"
	"liangxin/internal/civil"
	"liangxin/internal/store"
)

// Settings are the evaluation weights and grade thresholds in force: a
// versioned setting, every change a new version (ID), the evaluations keep
// the version they were computed with.
type Settings struct {
	ID         int64      `json:"id"`
	Weights    Weights    `json:"weights"`
	Thresholds Thresholds `json:"thresholds"`
	Reason     string     `json:"reason"`
	CreatedBy  string     `json:"created_by"`
	CreatedAt  string     `json:"created_at"`
}

// SettingsInput is a new version of the settings.
type SettingsInput struct {
	Weights    Weights    `json:"weights"`
	Thresholds Thresholds `json:"thresholds"`
	Reason     string     `json:"reason"`
}

// SettingsView is the version in force and the earlier ones, newest first.
type SettingsView struct {
	Current Settings   `json:"current"`
	History []Settings `json:"history"` // at most MaxHistory
	Grades  []Option   `json:"grades"`
}

// MaxHistory is how many versions GetSettings lists.
const MaxHistory = 50

const settingsCols = `id, w_department, w_street, w_expert, w_public, excellent_min, good_min, pass_min, reason, created_by, created_at`

func scanSettings(row interface{ Scan(...any) error }) (Settings, error) {
	var st Settings
	err := row.Scan(&st.ID, &st.Weights.Department, &st.Weights.Street, &st.Weights.Expert, &st.Weights.Public,
		&st.Thresholds.ExcellentMin, &st.Thresholds.GoodMin, &st.Thresholds.PassMin, &st.Reason, &st.CreatedBy, &st.CreatedAt)
	return st, err
}

func (s *Service) current(ctx context.Context, q store.Querier) (Settings, error) {
	st, err := scanSettings(s.DB.QueryRow(ctx, q, `SELECT `+settingsCols+` FROM contract_eval_settings ORDER BY id DESC LIMIT 1`))
	if err != nil {
		return st, fmt.Errorf("purchase: settings: %w", err)
	}
	return st, nil
}

// GetSettings returns the settings in force and their history.
func (s *Service) GetSettings(ctx context.Context) (SettingsView, error) {
	ctx = store.WithOp(ctx, "purchase.GetSettings")
	out := SettingsView{History: []Settings{}, Grades: Grades()}
	rows, err := s.DB.Query(ctx, s.DB, `SELECT `+settingsCols+` FROM contract_eval_settings ORDER BY id DESC LIMIT ?`, MaxHistory)
	if err != nil {
		return out, fmt.Errorf("purchase: settings: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		st, err := scanSettings(rows)
		if err != nil {
			return out, err
		}
		out.History = append(out.History, st)
	}
	if err := rows.Err(); err != nil {
		return out, err
	}
	if len(out.History) > 0 {
		out.Current = out.History[0]
	}
	return out, nil
}

// SetSettings records a new version of the weights and thresholds. The
// weights are whole percents that sum to 100; 0 < 合格 < 良好 < 优秀 ≤ 100.
// The caller checks the jurisdiction-wide permission.
func (s *Service) SetSettings(ctx context.Context, in SettingsInput) (SettingsView, error) {
	bad := apperr.Invalid()
	w := in.Weights
	for f, v := range map[string]int{"weights.department": w.Department, "weights.street": w.Street, "weights.expert": w.Expert, "weights.public": w.Public} {
		if v < 0 || v > 100 {
			bad.Field(f, "权重应为 0–100 的整数（百分比）")
		}
	}
	if w.Sum() != 100 {
		bad.Field("weights", fmt.Sprintf("职能部门、街道、专家、群众四方权重之和应为 100（现为 %d）", w.Sum()))
	}
	t := in.Thresholds
	if !(t.PassMin > 0 && t.PassMin < t.GoodMin && t.GoodMin < t.ExcellentMin && t.ExcellentMin <= 100) {
		bad.Field("thresholds", "等次分数线应满足 0 < 合格 < 良好 < 优秀 ≤ 100")
	}
	in.Reason = text(bad, "reason", "修改原因", in.Reason, false, 200)
	if err := bad.OrNil(); err != nil {
		return SettingsView{}, err
	}
	err := s.DB.InTx(ctx, func(tx *sql.Tx) error {
		before, err := s.current(ctx, tx)
		if err != nil {
			return err
		}
		var id int64
		if err := s.DB.QueryRow(ctx, tx, `INSERT INTO contract_eval_settings (w_department, w_street, w_expert, w_public, excellent_min, good_min, pass_min,
			reason, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, w.Department, w.Street, w.Expert, w.Public,
			t.ExcellentMin, t.GoodMin, t.PassMin, in.Reason, s.username(ctx), store.FormatTime(s.now())).Scan(&id); err != nil {
			return err
		}
		after, err := s.current(ctx, tx)
		if err != nil {
			return err
		}
		note := fmt.Sprintf("修改购买服务评估权重（职能部门 %d、街道 %d、专家 %d、群众 %d）及等次分数线（优秀 %d、良好 %d、合格 %d）",
			w.Department, w.Street, w.Expert, w.Public, t.ExcellentMin, t.GoodMin, t.PassMin)
		if in.Reason != "" {
			note += "：" + in.Reason
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "contract_settings", Entity: "contract_settings", EntityID: fmt.Sprint(id),
			Before: before, After: after, Note: note})
	})
	if err != nil {
		return SettingsView{}, fmt.Errorf("purchase: set settings: %w", err)
	}
	return s.GetSettings(ctx)
}

const evalCols = `e.id, e.contract_id, e.evaluated_on, e.score_department, e.score_street, e.score_expert, e.score_public, e.settings_id,
	(SELECT w_department FROM contract_eval_settings x WHERE x.id = e.settings_id), (SELECT w_street FROM contract_eval_settings x WHERE x.id = e.settings_id),
	(SELECT w_expert FROM contract_eval_settings x WHERE x.id = e.settings_id), (SELECT w_public FROM contract_eval_settings x WHERE x.id = e.settings_id),
	e.result_hundredths, e.grade, e.note, e.created_by, e.created_at`

func scanEvaluation(row interface{ Scan(...any) error }) (Evaluation, error) {
	var e Evaluation
	var sc Scores
	err := row.Scan(&e.ID, &e.ContractID, &e.EvaluatedOn, &sc.Department, &sc.Street, &sc.Expert, &sc.Public, &e.SettingsID,
		&e.Weights.Department, &e.Weights.Street, &e.Weights.Expert, &e.Weights.Public, &e.ResultHundredths, &e.Grade, &e.Note, &e.CreatedBy, &e.CreatedAt)
	e.Scores = Parties{FormatTenths(sc.Department), FormatTenths(sc.Street), FormatTenths(sc.Expert), FormatTenths(sc.Public)}
	e.Result, e.GradeName = FormatHundredths(e.ResultHundredths), optionName(Grades(), e.Grade)
	return e, err
}

func (s *Service) evaluations(ctx context.Context, q store.Querier, contractID int64, limit int) ([]Evaluation, error) {
	rows, err := s.DB.Query(ctx, q, `SELECT `+evalCols+` FROM contract_evaluations e WHERE e.contract_id = ? ORDER BY e.evaluated_on DESC, e.id DESC LIMIT ?`, contractID, limit)
	if err != nil {
		return nil, fmt.Errorf("purchase: evaluations: %w", err)
	}
	defer rows.Close()
	out := []Evaluation{}
	for rows.Next() {
		e, err := scanEvaluation(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// MaxEvaluations is how many evaluations of one contract Evaluations lists.
const MaxEvaluations = 100

// Evaluations returns a contract's evaluations, newest first (at most MaxEvaluations).
func (s *Service) Evaluations(ctx context.Context, contractID int64) ([]Evaluation, error) {
	if _, err := s.get(ctx, s.DB, contractID); err != nil {
		return nil, err
	}
	return s.evaluations(ctx, s.DB, contractID, MaxEvaluations)
}

// Evaluate records a four-party evaluation of a contract with the weights
// and thresholds in force, and keeps it for the organization's ledger
// record when it is the organization's latest.
func (s *Service) Evaluate(ctx context.Context, contractID int64, in EvaluationInput) (Evaluation, error) {
	bad := apperr.Invalid()
	var sc Scores
	for _, p := range []struct {
		field, label, v string
		dst             *int
	}{
		{"scores.department", "职能部门评分", in.Scores.Department, &sc.Department},
		{"scores.street", "街道评分", in.Scores.Street, &sc.Street},
		{"scores.expert", "专家评分", in.Scores.Expert, &sc.Expert},
		{"scores.public", "群众评分", in.Scores.Public, &sc.Public},
	} {
		v, err := ParseScore(p.v)
		if err != nil {
			bad.Field(p.field, p.label+"应为 0–100 的分数，最多一位小数")
		}
		*p.dst = v
	}
	day := s.today()
	if strings.TrimSpace(in.EvaluatedOn) != "" {
		d, err := civil.Day("evaluated_on", in.EvaluatedOn)
		switch {
		case err != nil:
			bad.Field("evaluated_on", "评估日期格式应为 YYYY-MM-DD")
		case d > day:
			bad.Field("evaluated_on", "评估日期不能晚于今天")
		default:
			day = d
		}
	}
	in.Note = text(bad, "note", "评估说明", in.Note, false, 500)
	if err := bad.OrNil(); err != nil {
		return Evaluation{}, err
	}
	out, err := store.InTxGet(ctx, s.DB, func(tx *sql.Tx) (Evaluation, error) {
		c, err := s.get(ctx, tx, contractID)
		if err != nil {
			return Evaluation{}, err
		}
		if day < c.StartsOn {
			return Evaluation{}, apperr.InvalidField("evaluated_on", "评估日期不能早于服务期起始日期 "+c.StartsOn)
		}
		st, err := s.current(ctx, tx)
		if err != nil {
			return Evaluation{}, err
		}
		result := Weighted(sc, st.Weights)
		grade := Grade(result, st.Thresholds)
		now := store.FormatTime(s.now())
		var id int64
		if err := s.DB.QueryRow(ctx, tx, `INSERT INTO contract_evaluations (contract_id, evaluated_on, score_department, score_street, score_expert, score_public,
			settings_id, result_hundredths, grade, note, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			contractID, day, sc.Department, sc.Street, sc.Expert, sc.Public, st.ID, result, grade, in.Note, s.username(ctx), now).Scan(&id); err != nil {
			return Evaluation{}, err
		}
		// The organization's rating follows its latest evaluation (by
		// day, then by record): an older evaluation entered late does
		// not replace a newer one.
		if _, err := s.DB.Exec(ctx, tx, `INSERT INTO org_service_ratings (org_id, contract_id, evaluation_id, evaluated_on, result_hundredths, grade, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (org_id) DO UPDATE SET contract_id = excluded.contract_id, evaluation_id = excluded.evaluation_id,
			evaluated_on = excluded.evaluated_on, result_hundredths = excluded.result_hundredths, grade = excluded.grade, updated_at = excluded.updated_at
			WHERE org_service_ratings.evaluated_on <= excluded.evaluated_on`, c.OrgID, contractID, id, day, result, grade, now); err != nil {
			return Evaluation{}, err
		}
		e, err := scanEvaluation(s.DB.QueryRow(ctx, tx, `SELECT `+evalCols+` FROM contract_evaluations e WHERE e.id = ?`, id))
		if err != nil {
			return e, err
		}
		return e, s.Audit.Record(ctx, tx, audit.Entry{Action: "service_contract_evaluate", Entity: "service_contract", EntityID: fmt.Sprint(contractID), After: e,
			Note: fmt.Sprintf("购买服务四方评估：「%s」（合同编号 %d）综合得分 %s，%s", c.OrgName, contractID, e.Result, e.GradeName)})
	})
	if err != nil {
		return Evaluation{}, fmt.Errorf("purchase: evaluate %d: %w", contractID, err)
	}
	return out, nil
}

// Rating is the latest purchased-service evaluation kept for an
// organization's ledger record.
type Rating struct {
	ContractID       int64  `json:"contract_id"`
	Department       string `json:"department"`
	Content          string `json:"content"`
	EvaluationID     int64  `json:"evaluation_id"`
	EvaluatedOn      string `json:"evaluated_on"`
	Result           string `json:"result"`
	ResultHundredths int    `json:"result_hundredths"`
	Grade            string `json:"grade"`
	GradeName        string `json:"grade_name"`
	Contracts        int    `json:"contracts"` // the organization's contracts, all
}

// RatingOf returns the organization's latest evaluation (nil when it has
// none). The caller has checked that the organization is in scope.
func (s *Service) RatingOf(ctx context.Context, q store.Querier, orgID int64) (*Rating, error) {
	var r Rating
	err := s.DB.QueryRow(ctx, q, `SELECT r.contract_id, c.department, c.content, r.evaluation_id, r.evaluated_on, r.result_hundredths, r.grade,
		(SELECT COUNT(*) FROM service_contracts c2 WHERE c2.org_id = r.org_id)
		FROM org_service_ratings r JOIN service_contracts c ON c.id = r.contract_id WHERE r.org_id = ?`, orgID).
		Scan(&r.ContractID, &r.Department, &r.Content, &r.EvaluationID, &r.EvaluatedOn, &r.ResultHundredths, &r.Grade, &r.Contracts)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("purchase: rating of %d: %w", orgID, err)
	}
	r.Result, r.GradeName = FormatHundredths(r.ResultHundredths), optionName(Grades(), r.Grade)
	return &r, nil
}

// Options are the code lists of the contracts page.
type Options struct {
	Statuses []Option `json:"statuses"`
	Grades   []Option `json:"grades"`
}

// GetOptions returns the code lists.
func GetOptions() Options { return Options{Statuses: Statuses(), Grades: Grades()} }
