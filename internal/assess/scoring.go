package assess

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"liangxin/internal/actor"
	"liangxin/internal/apperr"
	"liangxin/internal/audit"
	"liangxin/internal/store"
)

// ScoreLine is one indicator of a party organization's scoring sheet.
type ScoreLine struct {
	IndicatorID int64   `json:"indicator_id"`
	Area        string  `json:"area"`
	Name        string  `json:"name"`
	MaxPoints   Points  `json:"max_points"`
	Method      string  `json:"method"`
	MethodName  string  `json:"method_name"`
	Computable  bool    `json:"computable"`
	Value       *string `json:"value"` // computed 0–1 value as a percentage
	Points      *Points `json:"points"`
	Evidence    string  `json:"evidence"`
	Note        string  `json:"note"`
	ScoredBy    string  `json:"scored_by"`
	ScoredAt    *string `json:"scored_at"`
	// Editable: manual indicators, and computed ones the system could not compute.
	Editable bool `json:"editable"`
}

// VetoLine is one veto item with whether it was found.
type VetoLine struct {
	VetoID   int64  `json:"veto_id"`
	Name     string `json:"name"`
	CapStars int    `json:"cap_stars"`
	Hit      bool   `json:"hit"`
	Note     string `json:"note"`
}

// OrgScores is one party organization's scoring sheet in a round.
type OrgScores struct {
	Round  Round       `json:"round"`
	Result Result      `json:"result"`
	Scores []ScoreLine `json:"scores"`
	Vetoes []VetoLine  `json:"vetoes"`
}

// ScoreInput is one score an assessor sets (points nil clears it).
type ScoreInput struct {
	IndicatorID int64   `json:"indicator_id"`
	Points      *Points `json:"points"`
	Note        string  `json:"note"`
	Evidence    string  `json:"evidence"`
}

// VetoHitInput marks a veto item as found or not.
type VetoHitInput struct {
	VetoID int64  `json:"veto_id"`
	Hit    bool   `json:"hit"`
	Note   string `json:"note"`
}

// OrgScoresInput is what an assessor saves for one party organization.
type OrgScoresInput struct {
	Scores       []ScoreInput   `json:"scores"`
	Vetoes       []VetoHitInput `json:"vetoes"`
	Satisfaction *Points        `json:"satisfaction"` // 群众满意度 0–100 (%)
	// ClearSatisfaction removes a satisfaction entered before.
	ClearSatisfaction bool `json:"clear_satisfaction"`
}

// roundForOrg loads a visible round and checks the party organization is in
// it and in the caller's scope.
func (s *Service) roundForOrg(ctx context.Context, q store.Querier, roundID, partyOrgID int64) (Round, error) {
	r, err := s.getRound(ctx, q, roundID)
	if err != nil {
		return r, err
	}
	cond, args, err := store.PartyOrgFilter(ctx, "x.party_org_id")
	if err != nil {
		return r, err
	}
	var one int
	err = s.DB.QueryRow(ctx, q, `SELECT 1 FROM assess_results x WHERE x.round_id = ? AND x.party_org_id = ? AND `+cond,
		append([]any{roundID, partyOrgID}, args...)...).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return r, apperr.NotFound("参评党组织")
	}
	return r, err
}

// OrgScores returns a party organization's scoring sheet in a round.
func (s *Service) OrgScores(ctx context.Context, roundID, partyOrgID int64) (OrgScores, error) {
	return s.orgScores(ctx, s.DB, roundID, partyOrgID)
}

func (s *Service) orgScores(ctx context.Context, q store.Querier, roundID, partyOrgID int64) (OrgScores, error) {
	r, err := s.roundForOrg(ctx, q, roundID, partyOrgID)
	if err != nil {
		return OrgScores{}, err
	}
	out := OrgScores{Round: r, Scores: []ScoreLine{}, Vetoes: []VetoLine{}}
	rows, err := s.DB.Query(ctx, q, `SELECT i.id, i.area, i.name, i.max_points, i.method, COALESCE(sc.computable, ?), sc.value, sc.points,
		COALESCE(sc.evidence, ''), COALESCE(sc.note, ''), COALESCE(sc.scored_by, ''), sc.scored_at
		FROM assess_indicators i LEFT JOIN assess_scores sc ON sc.indicator_id = i.id AND sc.round_id = ? AND sc.party_org_id = ?
		WHERE i.sheet_id = ? ORDER BY i.position`, false, roundID, partyOrgID, r.SheetID)
	if err != nil {
		return out, err
	}
	for rows.Next() {
		var l ScoreLine
		var value, pts sql.NullInt64
		var at sql.NullString
		if err := rows.Scan(&l.IndicatorID, &l.Area, &l.Name, &l.MaxPoints, &l.Method, &l.Computable, &value, &pts, &l.Evidence, &l.Note, &l.ScoredBy, &at); err != nil {
			rows.Close()
			return out, err
		}
		l.MethodName = methodName(l.Method)
		if value.Valid {
			v := pct(value.Int64)
			l.Value = &v
		}
		if pts.Valid {
			p := Points(pts.Int64)
			l.Points = &p
		}
		if at.Valid {
			v := at.String
			l.ScoredAt = &v
		}
		l.Editable = r.Status == StatusOpen && (l.Method == MethodManual || !l.Computable)
		out.Scores = append(out.Scores, l)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return out, err
	}
	rows, err = s.DB.Query(ctx, q, `SELECT v.id, v.name, v.cap_stars, h.id, COALESCE(h.note, '') FROM assess_vetoes v
		LEFT JOIN assess_veto_hits h ON h.veto_id = v.id AND h.round_id = ? AND h.party_org_id = ? WHERE v.sheet_id = ? ORDER BY v.position`, roundID, partyOrgID, r.SheetID)
	if err != nil {
		return out, err
	}
	for rows.Next() {
		var l VetoLine
		var hit sql.NullInt64
		if err := rows.Scan(&l.VetoID, &l.Name, &l.CapStars, &hit, &l.Note); err != nil {
			rows.Close()
			return out, err
		}
		l.Hit = hit.Valid
		out.Vetoes = append(out.Vetoes, l)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return out, err
	}
	all, err := s.results(ctx, q, r)
	if err != nil {
		return out, err
	}
	for _, res := range all {
		if res.PartyOrgID == partyOrgID {
			out.Result = res
		}
	}
	return out, nil
}

// SaveOrgScores records an assessor's scores, veto findings and satisfaction
// for one party organization of an open round.
func (s *Service) SaveOrgScores(ctx context.Context, roundID, partyOrgID int64, in OrgScoresInput) (OrgScores, error) {
	var out OrgScores
	err := s.DB.InTx(ctx, func(tx *sql.Tx) error {
		before, err := s.orgScores(ctx, tx, roundID, partyOrgID)
		if err != nil {
			return err
		}
		if before.Round.Status != StatusOpen {
			return apperr.Conflict(frozenMsg)
		}
		lines := map[int64]ScoreLine{}
		for _, l := range before.Scores {
			lines[l.IndicatorID] = l
		}
		vetoes := map[int64]bool{}
		for _, v := range before.Vetoes {
			vetoes[v.VetoID] = true
		}
		bad := apperr.Invalid()
		for i, sc := range in.Scores {
			f := fmt.Sprintf("scores[%d]", i)
			l, ok := lines[sc.IndicatorID]
			switch {
			case !ok:
				bad.Field(f+".indicator_id", "该指标不属于本轮考评的指标体系")
				continue
			case !l.Editable:
				bad.Field(f+".points", "该指标由系统根据台账数据计算，不能人工修改；数据有误请更正数据后重新预填")
				continue
			}
			if sc.Points != nil && (*sc.Points < 0 || *sc.Points > l.MaxPoints) {
				bad.Field(f+".points", fmt.Sprintf("得分应在 0–%s 分之间", l.MaxPoints))
			}
			if utf8.RuneCountInString(sc.Note) > 500 {
				bad.Field(f+".note", "评分说明不能超过 500 个字")
			}
			if utf8.RuneCountInString(sc.Evidence) > 1000 {
				bad.Field(f+".evidence", "佐证材料说明不能超过 1000 个字")
			}
		}
		for i, v := range in.Vetoes {
			if !vetoes[v.VetoID] {
				bad.Field(fmt.Sprintf("vetoes[%d].veto_id", i), "该否决事项不属于本轮考评的指标体系")
			}
			if utf8.RuneCountInString(v.Note) > 500 {
				bad.Field(fmt.Sprintf("vetoes[%d].note", i), "说明不能超过 500 个字")
			}
		}
		if in.Satisfaction != nil && (*in.Satisfaction < 0 || *in.Satisfaction > 10000) {
			bad.Field("satisfaction", "满意度应为 0–100（%）")
		}
		if err := bad.OrNil(); err != nil {
			return err
		}
		a, _ := actor.From(ctx)
		now := s.stamp()
		for _, sc := range in.Scores {
			l := lines[sc.IndicatorID]
			evidence := strings.TrimSpace(sc.Evidence)
			if l.Method != MethodManual {
				// Keep the system's explanation of why it could not compute.
				evidence = strings.TrimSpace(l.Evidence + "；" + evidence)
				evidence = strings.TrimSuffix(evidence, "；")
				if strings.TrimSpace(sc.Evidence) == "" {
					evidence = l.Evidence
				}
			}
			var pts any
			if sc.Points != nil {
				pts = int64(*sc.Points)
			}
			if _, err := s.DB.Exec(ctx, tx, `INSERT INTO assess_scores (round_id, party_org_id, indicator_id, computable, points, evidence, note, scored_by, scored_at)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (round_id, party_org_id, indicator_id) DO UPDATE SET points = excluded.points,
				evidence = excluded.evidence, note = excluded.note, scored_by = excluded.scored_by, scored_at = excluded.scored_at`,
				roundID, partyOrgID, sc.IndicatorID, false, pts, evidence, strings.TrimSpace(sc.Note), a.Username, now); err != nil {
				return err
			}
		}
		for _, v := range in.Vetoes {
			if v.Hit {
				if _, err := s.DB.Exec(ctx, tx, `INSERT INTO assess_veto_hits (round_id, party_org_id, veto_id, note) VALUES (?, ?, ?, ?)
					ON CONFLICT (round_id, party_org_id, veto_id) DO UPDATE SET note = excluded.note`, roundID, partyOrgID, v.VetoID, strings.TrimSpace(v.Note)); err != nil {
					return err
				}
			} else if _, err := s.DB.Exec(ctx, tx, `DELETE FROM assess_veto_hits WHERE round_id = ? AND party_org_id = ? AND veto_id = ?`, roundID, partyOrgID, v.VetoID); err != nil {
				return err
			}
		}
		if in.Satisfaction != nil || in.ClearSatisfaction {
			var sat any
			if in.Satisfaction != nil && !in.ClearSatisfaction {
				sat = int64(*in.Satisfaction)
			}
			if _, err := s.DB.Exec(ctx, tx, `UPDATE assess_results SET satisfaction = ?, updated_at = ? WHERE round_id = ? AND party_org_id = ?`, sat, now, roundID, partyOrgID); err != nil {
				return err
			}
		}
		if out, err = s.orgScores(ctx, tx, roundID, partyOrgID); err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "assess_score", Entity: "assess_round", EntityID: fmt.Sprint(roundID),
			Before: map[string]any{"party_org_id": partyOrgID, "scores": before.Scores, "vetoes": before.Vetoes, "satisfaction": before.Result.Satisfaction},
			After:  map[string]any{"party_org_id": partyOrgID, "scores": out.Scores, "vetoes": out.Vetoes, "satisfaction": out.Result.Satisfaction}})
	})
	return out, err
}
