package wish

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"liangxin/internal/apperr"
	"liangxin/internal/audit"
	"liangxin/internal/ticket"
)

// PublicInput is a wish submitted from the public page (no login). The
// caller (the public intake) checks the region against the regions the page
// offers and runs this with a system actor.
type PublicInput struct {
	Category       string `json:"category"`
	Content        string `json:"content"`
	WisherName     string `json:"wisher_name"`
	WisherPhone    string `json:"wisher_phone"`
	PublishConsent bool   `json:"publish_consent"`
	RegionCode     string `json:"region_code"`
}

// Submit takes a wish in from the public page: state submitted (待审核,
// not on the board until staff publish it), a ticket handed back. The phone
// is required: with its last four digits the ticket is looked up.
func (s *Service) Submit(ctx context.Context, in PublicInput) (ticket.Receipt, error) {
	bad := apperr.Invalid()
	wi := Input{Category: in.Category, Content: in.Content, WisherName: in.WisherName, WisherPhone: in.WisherPhone,
		PublishConsent: in.PublishConsent, RegionCode: in.RegionCode}
	if strings.TrimSpace(in.WisherPhone) == "" {
		bad.Field("wisher_phone", "请填写联系电话（查询办理进度时需要手机号后四位）")
	}
	phone := validate(bad, &wi)
	if err := bad.OrNil(); err != nil {
		return ticket.Receipt{}, err
	}
	year, _ := strconv.Atoi(s.today()[:4])
	tk := ticket.New(ticket.KindWish, year)
	err := s.DB.InTx(ctx, func(tx *sql.Tx) error {
		id, err := s.insert(ctx, tx, wi, phone, "public_form", StateSubmitted, &tk)
		if err != nil {
			return err
		}
		if err := s.event(ctx, tx, id, ActSubmit, "", StateSubmitted, "公开表单提交，受理编号 "+tk); err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "public_wish_submit", Entity: "wish", EntityID: fmt.Sprint(id),
			After: map[string]any{"id": id, "ticket": tk, "category": wi.Category, "region_code": wi.RegionCode, "publish_consent": wi.PublishConsent},
			Note:  fmt.Sprintf("公开表单提交微心愿（编号 %d，受理编号 %s）", id, tk)})
	})
	if err != nil {
		return ticket.Receipt{}, fmt.Errorf("wish: submit: %w", err)
	}
	return ticket.Receipt{Ticket: tk, Kind: "wish", Message: "心愿已提交，工作人员审核后将在心愿墙发布。请记下受理编号，凭编号和手机号后四位查询进度。"}, nil
}

// Lookup answers a public status query: the ticket and the last four
// digits of the phone must both match, else 404 (the same answer for a
// wrong ticket and a wrong phone). Nothing personal is revealed.
func (s *Service) Lookup(ctx context.Context, tk, last4 string) (ticket.Status, error) {
	var st ticket.Status
	var enc, state, category, created, updated string
	var claimDue sql.NullString
	err := s.DB.QueryRow(ctx, s.DB, `SELECT wisher_phone_enc, state, category, created_at, updated_at, claim_due_on FROM wishes WHERE ticket = ?`, tk).
		Scan(&enc, &state, &category, &created, &updated, &claimDue)
	if errors.Is(err, sql.ErrNoRows) {
		return st, notFound()
	}
	if err != nil {
		return st, fmt.Errorf("wish: lookup: %w", err)
	}
	p, err := s.protector()
	if err != nil {
		return st, err
	}
	phone, err := p.Decrypt(enc)
	if err != nil {
		return st, fmt.Errorf("wish: lookup: %w", err)
	}
	if !ticket.LastFourMatch(phone, last4) {
		return st, notFound()
	}
	w := Wish{State: state, ClaimDueOn: nullStr(claimDue)}
	w.decorate(s.today())
	st = ticket.Status{Ticket: tk, Kind: "wish", KindName: "微心愿", State: w.State, StateName: w.StateName,
		CategoryName: optionName(Categories(), category), SubmittedOn: ticket.Day(created), UpdatedOn: ticket.Day(updated)}
	switch w.State {
	case StateClaimed:
		st.Reply = "您的心愿已有人认领，正在帮您完成。"
	case StateFulfilled, StateConfirmed:
		st.Reply = "您的心愿已完成。"
	case StateCancelled:
		st.Reply = "您的心愿未能发布或已撤回，如有疑问请联系所在街道（社区）。"
	}
	return st, nil
}

func notFound() error {
	return apperr.NotFound("受理编号与手机号后四位不匹配，或该受理编号")
}
