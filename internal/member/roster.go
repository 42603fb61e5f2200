package member

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"liangxin/internal/apperr"
	"liangxin/internal/audit"
	"liangxin/internal/civil"
	"liangxin/internal/coverspan"
	"liangxin/internal/pdata"
	"liangxin/internal/store"
)

// Input is the writable part of a member.
type Input struct {
	Name           string `json:"name"`
	Gender         string `json:"gender"`
	BirthDate      string `json:"birth_date"`
	IDNumber       string `json:"id_number"`
	Phone          string `json:"phone"`
	Category       string `json:"category"`
	PartyOrgID     int64  `json:"party_org_id"`
	OrganizationID *int64 `json:"organization_id"`
	JoinedOn       string `json:"joined_on"`
	ConfirmedOn    string `json:"confirmed_on"`
	Ethnicity      string `json:"ethnicity"`
	Education      string `json:"education"`
	Position       string `json:"position"`
}

// Member is one roster entry; IDNumber and Phone are masked unless revealed.
type Member struct {
	ID             int64   `json:"id"`
	Name           string  `json:"name"`
	Gender         string  `json:"gender"`
	BirthDate      string  `json:"birth_date"`
	IDNumber       string  `json:"id_number"`
	Phone          string  `json:"phone"`
	Category       string  `json:"category"`
	PartyOrgID     int64   `json:"party_org_id"`
	OrganizationID *int64  `json:"organization_id"`
	JoinedOn       *string `json:"joined_on"`
	ConfirmedOn    *string `json:"confirmed_on"`
	Ethnicity      string  `json:"ethnicity"`
	Education      string  `json:"education"`
	Position       string  `json:"position"`
	Status         string  `json:"status"`
	// LostSince is the day a 失联党员 was lost (nil: not lost); LostReason
	// its 情形 (LostReasons).
	LostSince  *string `json:"lost_since"`
	LostReason string  `json:"lost_reason"`
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// validate trims in and checks the rules every roster entry obeys (those of
// Create and of the import): 姓名 given, 身份证号 valid (GB 11643) with 出生日期
// and 性别 agreeing with it, 联系电话 a mobile or landline number (stored in
// the form of pdata.NormalizePhone), 党员类别, a party organization chosen, dates in
// YYYY-MM-DD form with 转正日期 not before 入党日期. It returns the parsed ID
// number or the field errors. Scope and uniqueness need the database and are
// checked by the callers.
func (s *Service) validate(in *Input) (pdata.IDInfo, *apperr.Error) {
	in.Name = strings.TrimSpace(in.Name)
	in.Phone = strings.TrimSpace(in.Phone)
	in.Ethnicity = strings.TrimSpace(in.Ethnicity)
	in.Education = strings.TrimSpace(in.Education)
	in.Position = strings.TrimSpace(in.Position)
	verr := apperr.Invalid()
	if in.Name == "" {
		verr.Field("name", "请填写姓名")
	}
	info, idErr := pdata.ParseID(in.IDNumber, s.Now())
	if idErr != nil {
		verr.Field("id_number", idErr.Error())
	} else {
		if in.BirthDate != info.BirthDate.Format(civil.Layout) {
			verr.Field("birth_date", "出生日期与身份证号不一致")
		}
		if in.Gender != info.Gender {
			verr.Field("gender", "性别与身份证号不一致")
		}
	}
	if in.Phone != "" {
		if ph, ok := pdata.NormalizePhone(in.Phone); ok {
			in.Phone = ph
		} else {
			verr.Field("phone", phoneHint)
		}
	}
	if in.Category != "full" && in.Category != "probationary" {
		verr.Field("category", "党员类别必须是正式党员（full）或预备党员（probationary）")
	}
	if in.PartyOrgID == 0 {
		verr.Field("party_org_id", "请选择组织关系所在党组织")
	}
	if in.JoinedOn != "" && !validDate(in.JoinedOn) {
		verr.Field("joined_on", civil.Hint)
	}
	if in.ConfirmedOn != "" && !validDate(in.ConfirmedOn) {
		verr.Field("confirmed_on", civil.Hint)
	} else if in.ConfirmedOn != "" && in.JoinedOn != "" && in.ConfirmedOn < in.JoinedOn {
		verr.Field("confirmed_on", "转正日期不能早于入党日期")
	}
	if len(verr.Fields) > 0 {
		return info, verr
	}
	return info, nil
}

// phoneHint says which phone numbers are accepted.
const phoneHint = "联系电话应为11位手机号或带区号的固定电话（如 13812345678、0734-8234567，分机可写作 0734-8234567-801）"

// Create validates and stores a member with 身份证号 and phone encrypted,
// and opens the member's membership history (from 入党日期, else today).
func (s *Service) Create(ctx context.Context, in Input) (Member, error) {
	ctx = store.WithOp(ctx, "member.Create")
	return store.InTxGet(ctx, s.DB, func(tx *sql.Tx) (Member, error) { return s.createTx(ctx, tx, in, "", nil, "") })
}

// createTx is Create inside a transaction: the roster entry of a new
// member, of an incoming transfer (transferID, from its day) or of a person
// admitted through the development pipeline. The open membership row starts
// on startedOn (default 入党日期, else today); note goes to the audit entry.
func (s *Service) createTx(ctx context.Context, tx *sql.Tx, in Input, startedOn string, transferID *int64, note string) (Member, error) {
	p, err := s.Protector()
	if err != nil {
		return Member{}, err
	}
	info, verr := s.validate(&in)
	if verr != nil {
		return Member{}, verr
	}
	cond, args, err := store.PartyOrgFilter(ctx, "id")
	if err != nil {
		return Member{}, err
	}
	var n int
	if err := s.DB.QueryRow(ctx, tx, "SELECT COUNT(*) FROM party_orgs WHERE id = ? AND "+cond, append([]any{in.PartyOrgID}, args...)...).Scan(&n); err != nil {
		return Member{}, err
	}
	if n == 0 {
		return Member{}, apperr.InvalidField("party_org_id", "党组织不存在或不在您的管辖范围内")
	}
	hash := p.Hash(info.Number)
	if err := s.DB.QueryRow(ctx, tx, "SELECT COUNT(*) FROM members WHERE id_number_hash = ?", hash).Scan(&n); err != nil {
		return Member{}, err
	}
	if n > 0 {
		return Member{}, apperr.Conflict("该身份证号的党员已在花名册中")
	}
	idEnc, err := p.Encrypt(info.Number)
	if err != nil {
		return Member{}, err
	}
	phEnc, err := p.Encrypt(in.Phone)
	if err != nil {
		return Member{}, err
	}
	phMask := ""
	if in.Phone != "" {
		phMask = pdata.MaskPhone(in.Phone)
	}
	now := store.FormatTime(s.Now())
	var id int64
	if err := s.DB.QueryRow(ctx, tx, `INSERT INTO members (name, gender, birth_date, id_number_enc, id_number_hash, id_number_mask,
		phone_enc, phone_hash, phone_mask, joined_on, confirmed_on, category, party_org_id, organization_id, status, created_at, updated_at,
		ethnicity, education, position)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'active', ?, ?, ?, ?, ?) RETURNING id`,
		in.Name, in.Gender, in.BirthDate, idEnc, hash, pdata.MaskID(info.Number), phEnc, p.Hash(in.Phone), phMask,
		nullable(in.JoinedOn), nullable(in.ConfirmedOn), in.Category, in.PartyOrgID, in.OrganizationID, now, now,
		in.Ethnicity, in.Education, in.Position).Scan(&id); err != nil {
		if store.IsUniqueViolation(err) {
			return Member{}, apperr.Conflict("该身份证号的党员已在花名册中")
		}
		return Member{}, err
	}
	if startedOn == "" {
		startedOn = in.JoinedOn
	}
	if startedOn == "" {
		startedOn = civil.Today(s.Now())
	}
	if _, err := s.DB.Exec(ctx, tx, "INSERT INTO member_memberships (member_id, party_org_id, started_on, transfer_id, created_at) VALUES (?, ?, ?, ?, ?)",
		id, in.PartyOrgID, startedOn, transferID, now); err != nil {
		return Member{}, err
	}
	out, err := s.get(ctx, tx, id, false)
	if err != nil {
		return out, err
	}
	if err := coverspan.RefreshRoster(ctx, s.DB, tx, out.PartyOrgID); err != nil {
		return out, err
	}
	return out, s.Audit.Record(ctx, tx, audit.Entry{Action: "member_create", Entity: "member", EntityID: fmt.Sprint(id), After: out, Note: note})
}

// Get returns one member in the actor's scope (404 otherwise). With reveal,
// 身份证号 and phone are decrypted and the full view is audited; the caller
// checks auth.PermMemberReveal.
func (s *Service) Get(ctx context.Context, id int64, reveal bool) (Member, error) {
	ctx = store.WithOp(ctx, "member.Get")
	var out Member
	err := s.DB.InTx(ctx, func(tx *sql.Tx) error {
		var err error
		if out, err = s.get(ctx, tx, id, reveal); err != nil {
			return err
		}
		if reveal {
			// Whose data was shown, with the values masked.
			return s.Audit.Record(ctx, tx, audit.Entry{Action: "member_reveal", Entity: "member", EntityID: fmt.Sprint(id),
				After: map[string]any{"id": id, "name": out.Name, "id_number": pdata.MaskID(out.IDNumber), "phone": maskedPhone(out.Phone)},
				Note:  fmt.Sprintf("查看党员「%s」（编号 %d）的完整身份证号和手机号", out.Name, id)})
		}
		return nil
	})
	return out, err
}

// maskedPhone masks a phone number for the audit trail ("" stays "").
func maskedPhone(p string) string {
	if p == "" {
		return ""
	}
	return pdata.MaskPhone(p)
}

func (s *Service) get(ctx context.Context, tx *sql.Tx, id int64, reveal bool) (Member, error) {
	cond, args, err := store.PartyOrgFilter(ctx, "m.party_org_id")
	if err != nil {
		return Member{}, err
	}
	m, idEnc, phEnc, err := scanMember(s.DB.QueryRow(ctx, tx, `SELECT `+memberCols+` FROM members m WHERE m.id = ? AND `+cond,
		append([]any{id}, args...)...))
	if errors.Is(err, sql.ErrNoRows) {
		return Member{}, apperr.NotFound("党员")
	}
	if err != nil {
		return Member{}, err
	}
	if reveal {
		p, err := s.Protector()
		if err != nil {
			return Member{}, err
		}
		if m.IDNumber, err = p.Decrypt(idEnc); err != nil {
			return Member{}, err
		}
		if m.Phone, err = p.Decrypt(phEnc); err != nil {
			return Member{}, err
		}
	}
	return m, nil
}

const memberCols = `m.id, m.name, m.gender, m.ethnicity, m.birth_date, m.id_number_enc, m.id_number_mask, m.phone_enc, m.phone_mask,
	m.education, m.category, m.party_org_id, m.organization_id, m.joined_on, m.confirmed_on, m.position, m.status,
	m.lost_since, m.lost_reason`

func scanMember(row interface{ Scan(...any) error }) (Member, string, string, error) {
	var m Member
	var idEnc, phEnc string
	var org sql.NullInt64
	var joined, confirmed, lost sql.NullString
	if err := row.Scan(&m.ID, &m.Name, &m.Gender, &m.Ethnicity, &m.BirthDate, &idEnc, &m.IDNumber, &phEnc, &m.Phone,
		&m.Education, &m.Category, &m.PartyOrgID, &org, &joined, &confirmed, &m.Position, &m.Status, &lost, &m.LostReason); err != nil {
		return Member{}, "", "", err
	}
	if org.Valid {
		m.OrganizationID = &org.Int64
	}
	if joined.Valid {
		m.JoinedOn = &joined.String
	}
	if confirmed.Valid {
		m.ConfirmedOn = &confirmed.String
	}
	if lost.Valid && lost.String != "" {
		m.LostSince = &lost.String
	}
	return m, idEnc, phEnc, nil
}
