package wish

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"liangxin/internal/apperr"
	"liangxin/internal/audit"
	"liangxin/internal/pdata"
	"liangxin/internal/store"
)

// Wish is a 微心愿.
type Wish struct {
	ID         int64  `json:"id"`
	Ticket     string `json:"ticket"` // public submissions only
	Source     string `json:"source"`
	SourceName string `json:"source_name"`
	Category   string `json:"category"`
	// CategoryName is the category's Chinese name.
	CategoryName string `json:"category_name"`
	Content      string `json:"content"`
	// WisherName is shown in the detail only; lists (the board) carry
	// DisplayName: the masked name when the wisher consented, else 匿名.
	WisherName         string   `json:"wisher_name"`
	DisplayName        string   `json:"display_name"`
	WisherPhone        string   `json:"wisher_phone"` // masked (138****5678)
	PublishConsent     bool     `json:"publish_consent"`
	ValueCents         *int64   `json:"value_cents"`
	RegionCode         string   `json:"region_code"`
	RegionName         string   `json:"region_name"`
	PosterPartyOrgID   *int64   `json:"poster_party_org_id"`
	PosterPartyOrgName string   `json:"poster_party_org_name"`
	State              string   `json:"state"`
	StateName          string   `json:"state_name"`
	ClaimantMemberID   *int64   `json:"claimant_member_id"`
	ClaimantPartyOrgID *int64   `json:"claimant_party_org_id"`
	ClaimantName       string   `json:"claimant_name"`
	ClaimedOn          *string  `json:"claimed_on"`
	ClaimDueOn         *string  `json:"claim_due_on"`
	FulfilNote         string   `json:"fulfil_note"`
	FulfilledOn        *string  `json:"fulfilled_on"`
	ConfirmedOn        *string  `json:"confirmed_on"`
	CancelReason       string   `json:"cancel_reason"`
	Photos             []Photo  `json:"photos"`
	AllowedActions     []string `json:"allowed_actions"`
	Version            int      `json:"version"`
	CreatedBy          string   `json:"created_by"`
	CreatedAt          string   `json:"created_at"`
	UpdatedAt          string   `json:"updated_at"`
}

// Input posts a wish (staff).
type Input struct {
	Category         string `json:"category"`
	Content          string `json:"content"`
	WisherName       string `json:"wisher_name"`
	WisherPhone      string `json:"wisher_phone"`
	PublishConsent   bool   `json:"publish_consent"`
	ValueCents       *int64 `json:"value_cents"`
	RegionCode       string `json:"region_code"`
	PosterPartyOrgID *int64 `json:"poster_party_org_id"`
}

// ActionInput is one step. Version is the version the caller saw: a wish
// changed since answers 409.
type ActionInput struct {
	Action             string `json:"action"`
	Version            int    `json:"version"`
	ClaimantMemberID   *int64 `json:"claimant_member_id"`    // claim: a party member (roster entry) …
	ClaimantPartyOrgID *int64 `json:"claimant_party_org_id"` // … or a party organization
	Note               string `json:"note"`                  // fulfil (required)
	Reason             string `json:"reason"`                // cancel (required)
}

// Event is one entry of a wish's timeline.
type Event struct {
	ID          int64  `json:"id"`
	Action      string `json:"action"`
	ActionName  string `json:"action_name"`
	FromState   string `json:"from_state"`
	ToState     string `json:"to_state"`
	ToStateName string `json:"to_state_name"`
	Note        string `json:"note"`
	Username    string `json:"username"`
	At          string `json:"at"`
}

const wishCols = `w.id, COALESCE(w.ticket, ''), w.source, w.category, w.content, w.wisher_name, w.wisher_phone_mask, w.publish_consent,
	w.value_cents, w.region_code, COALESCE(g.name, ''), w.poster_party_org_id, COALESCE(pp.name, ''), w.state,
	w.claimant_member_id, w.claimant_party_org_id, COALESCE(m.name, cp.name, ''), w.claimed_on, w.claim_due_on,
	w.fulfil_note, w.fulfilled_on, w.confirmed_on, w.cancel_reason, w.version, w.created_by, w.created_at, w.updated_at`

const wishFrom = ` FROM wishes w LEFT JOIN regions g ON g.code = w.region_code LEFT JOIN party_orgs pp ON pp.id = w.poster_party_org_id
	LEFT JOIN members m ON m.id = w.claimant_member_id LEFT JOIN party_orgs cp ON cp.id = w.claimant_party_org_id`

func scanWish(row interface{ Scan(...any) error }) (Wish, error) {
	var w Wish
	var value, poster, member, porg sql.NullInt64
	var claimed, due, fulfilled, confirmed sql.NullString
	err := row.Scan(&w.ID, &w.Ticket, &w.Source, &w.Category, &w.Content, &w.WisherName, &w.WisherPhone, &w.PublishConsent,
		&value, &w.RegionCode, &w.RegionName, &poster, &w.PosterPartyOrgName, &w.State,
		&member, &porg, &w.ClaimantName, &claimed, &due, &w.FulfilNote, &fulfilled, &confirmed, &w.CancelReason,
		&w.Version, &w.CreatedBy, &w.CreatedAt, &w.UpdatedAt)
	w.ValueCents = nullInt(value)
	w.PosterPartyOrgID = nullInt(poster)
	w.ClaimantMemberID = nullInt(member)
	w.ClaimantPartyOrgID = nullInt(porg)
	w.ClaimedOn, w.ClaimDueOn = nullStr(claimed), nullStr(due)
	w.FulfilledOn, w.ConfirmedOn = nullStr(fulfilled), nullStr(confirmed)
	return w, err
}

func nullInt(v sql.NullInt64) *int64 {
	if !v.Valid {
		return nil
	}
	return &v.Int64
}

func nullStr(v sql.NullString) *string {
	if !v.Valid {
		return nil
	}
	return &v.String
}

// lapsed reports whether a claim ran out before today.
func (w Wish) lapsed(today string) bool {
	return w.State == StateClaimed && w.ClaimDueOn != nil && *w.ClaimDueOn < today
}

// decorate shows a lapsed claim as open, sets the names and the allowed actions.
func (w *Wish) decorate(today string) {
	if w.lapsed(today) {
		w.State = StateOpen
		w.ClaimantMemberID, w.ClaimantPartyOrgID, w.ClaimantName, w.ClaimedOn, w.ClaimDueOn = nil, nil, "", nil, nil
	}
	w.SourceName = optionName(Sources(), w.Source)
	w.CategoryName = optionName(Categories(), w.Category)
	w.StateName = optionName(States(), w.State)
	w.DisplayName = "匿名"
	if w.PublishConsent {
		w.DisplayName = MaskName(w.WisherName)
	}
	w.AllowedActions = append([]string{}, stepsFrom[w.State]...)
	if w.Photos == nil {
		w.Photos = []Photo{}
	}
}

// effState is the state with a lapsed claim read as open; its one argument is today.
const effState = `CASE WHEN w.state = 'claimed' AND w.claim_due_on < ? THEN 'open' ELSE w.state END`

func (s *Service) get(ctx context.Context, q store.Querier, id int64) (Wish, error) {
	cond, args, err := store.ScopeFilter(ctx, "w.region_code")
	if err != nil {
		return Wish{}, err
	}
	w, err := scanWish(s.DB.QueryRow(ctx, q, `SELECT `+wishCols+wishFrom+` WHERE w.id = ? AND `+cond, append([]any{id}, args...)...))
	if errors.Is(err, sql.ErrNoRows) {
		return w, apperr.NotFound("微心愿")
	}
	if err != nil {
		return w, fmt.Errorf("wish: get %d: %w", id, err)
	}
	if w.Photos, err = s.photos(ctx, q, id); err != nil {
		return w, err
	}
	w.decorate(s.today())
	return w, nil
}

// Get returns one wish inside the caller's scope, phone masked.
func (s *Service) Get(ctx context.Context, id int64) (Wish, error) { return s.get(ctx, s.DB, id) }

// validate checks a wish's own fields (staff and public alike).
func validate(bad *apperr.Error, in *Input) string {
	if optionName(Categories(), in.Category) == "" {
		bad.Field("category", "请选择心愿类别")
	}
	in.Content = textField(bad, "content", "心愿内容", in.Content, true, 500)
	in.WisherName = textField(bad, "wisher_name", "心愿人姓名", in.WisherName, true, 50)
	phone := ""
	if strings.TrimSpace(in.WisherPhone) != "" {
		p, ok := pdata.NormalizePhone(in.WisherPhone)
		if !ok {
			bad.Field("wisher_phone", "联系电话应为11位手机号或带区号的固定电话（如 0734-1234567）")
		}
		phone = p
	}
	if in.ValueCents != nil && (*in.ValueCents < 0 || *in.ValueCents > 100_000_00) {
		bad.Field("value_cents", "估计价值应为 0–100000 元（以分计）")
	}
	if strings.TrimSpace(in.RegionCode) == "" {
		bad.Field("region_code", "请选择心愿所在区域")
	}
	return phone
}

// Create posts a wish (staff): open at once on the board.
func (s *Service) Create(ctx context.Context, in Input) (Wish, error) {
	ctx = store.WithOp(ctx, "wish.Create")
	bad := apperr.Invalid()
	phone := validate(bad, &in)
	if err := bad.OrNil(); err != nil {
		return Wish{}, err
	}
	var out Wish
	err := s.DB.InTx(ctx, func(tx *sql.Tx) error {
		if err := s.regionInScope(ctx, tx, in.RegionCode); err != nil {
			return err
		}
		if in.PosterPartyOrgID != nil {
			if err := s.partyOrgInScope(ctx, tx, "poster_party_org_id", *in.PosterPartyOrgID); err != nil {
				return err
			}
		}
		id, err := s.insert(ctx, tx, in, phone, "staff", StateOpen, nil)
		if err != nil {
			return err
		}
		if err := s.event(ctx, tx, id, ActPost, "", StateOpen, ""); err != nil {
			return err
		}
		if out, err = s.get(ctx, tx, id); err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "wish_create", Entity: "wish", EntityID: fmt.Sprint(id), After: out,
			Note: fmt.Sprintf("发布微心愿（编号 %d）：%s", id, out.CategoryName)})
	})
	if err != nil {
		return Wish{}, fmt.Errorf("wish: create: %w", err)
	}
	return out, nil
}

func (s *Service) insert(ctx context.Context, tx *sql.Tx, in Input, phone, source, state string, ticket *string) (int64, error) {
	enc, hash, mask := "", "", ""
	if phone != "" {
		p, err := s.protector()
		if err != nil {
			return 0, err
		}
		if enc, err = p.Encrypt(phone); err != nil {
			return 0, err
		}
		hash, mask = p.Hash(phone), pdata.MaskPhone(phone)
	}
	now := s.stamp()
	var id int64
	err := s.DB.QueryRow(ctx, tx, `INSERT INTO wishes (ticket, source, category, content, wisher_name, wisher_phone_enc, wisher_phone_hash,
		wisher_phone_mask, publish_consent, value_cents, region_code, poster_party_org_id, state, created_by, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		ticket, source, in.Category, in.Content, in.WisherName, enc, hash, mask, in.PublishConsent, in.ValueCents, in.RegionCode,
		in.PosterPartyOrgID, state, username(ctx), now, now).Scan(&id)
	return id, err
}

func (s *Service) event(ctx context.Context, tx *sql.Tx, id int64, action, from, to, note string) error {
	_, err := s.DB.Exec(ctx, tx, `INSERT INTO wish_events (wish_id, action, from_state, to_state, note, username, at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		id, action, from, to, note, username(ctx), s.stamp())
	return err
}

func (s *Service) regionInScope(ctx context.Context, q store.Querier, code string) error {
	cond, args, err := store.ScopeFilter(ctx, "code")
	if err != nil {
		return err
	}
	var n int
	if err := s.DB.QueryRow(ctx, q, `SELECT COUNT(*) FROM regions WHERE code = ? AND `+cond, append([]any{code}, args...)...).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		return apperr.NotFound("区域")
	}
	return nil
}

func (s *Service) partyOrgInScope(ctx context.Context, q store.Querier, field string, id int64) error {
	cond, args, err := store.PartyOrgFilter(ctx, "id")
	if err != nil {
		return err
	}
	var n int
	if err := s.DB.QueryRow(ctx, q, `SELECT COUNT(*) FROM party_orgs WHERE id = ? AND dissolved_on IS NULL AND `+cond, append([]any{id}, args...)...).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		return apperr.InvalidField(field, "所选党组织不存在、已撤销或不在管辖范围内")
	}
	return nil
}

func (s *Service) memberInScope(ctx context.Context, q store.Querier, id int64) error {
	cond, args, err := store.PartyOrgFilter(ctx, "party_org_id")
	if err != nil {
		return err
	}
	var n int
	if err := s.DB.QueryRow(ctx, q, `SELECT COUNT(*) FROM members WHERE id = ? AND status = 'active' AND `+cond, append([]any{id}, args...)...).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		return apperr.InvalidField("claimant_member_id", "所选党员不在花名册中、已不在册或不在管辖范围内")
	}
	return nil
}

// RevealPhone returns one wish with the wisher's phone in full and audits
// the view. The caller checks the permission.
func (s *Service) RevealPhone(ctx context.Context, id int64) (Wish, error) {
	var out Wish
	err := s.DB.InTx(ctx, func(tx *sql.Tx) error {
		w, err := s.get(ctx, tx, id)
		if err != nil {
			return err
		}
		out = w
		var enc string
		if err := s.DB.QueryRow(ctx, tx, `SELECT wisher_phone_enc FROM wishes WHERE id = ?`, id).Scan(&enc); err != nil {
			return err
		}
		if enc != "" {
			p, err := s.protector()
			if err != nil {
				return err
			}
			if out.WisherPhone, err = p.Decrypt(enc); err != nil {
				return err
			}
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "wish_reveal", Entity: "wish", EntityID: fmt.Sprint(id),
			After: map[string]any{"id": id, "wisher_name": w.WisherName, "phone": w.WisherPhone},
			Note:  fmt.Sprintf("查看微心愿（编号 %d）心愿人「%s」的完整联系电话 %s", id, w.WisherName, w.WisherPhone)})
	})
	if err != nil {
		return Wish{}, fmt.Errorf("wish: reveal %d: %w", id, err)
	}
	return out, nil
}
