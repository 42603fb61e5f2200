package servicereq

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"liangxin/internal/apperr"
	"liangxin/internal/ticket"
)

// PublicInput is a request submitted from the public page (no login).
type PublicInput struct {
	CategoryID     int64  `json:"category_id"`
	Content        string `json:"content"`
	RequesterName  string `json:"requester_name"`
	RequesterPhone string `json:"requester_phone"`
	RegionCode     string `json:"region_code"`
}

// Submit takes a request in from the public page (source public_form):
// state received (接单) in the region chosen, the category's deadline
// running from today, a ticket handed back. The caller (the public intake)
// checks the region against the regions the page offers and runs this with
// a system actor.
func (s *Service) Submit(ctx context.Context, in PublicInput) (ticket.Receipt, error) {
	if strings.TrimSpace(in.RequesterPhone) == "" {
		return ticket.Receipt{}, apperr.InvalidField("requester_phone", "请填写联系电话（查询办理进度时需要手机号后四位）")
	}
	year, _ := strconv.Atoi(s.today()[:4])
	tk := ticket.New(ticket.KindRequest, year)
	r, err := s.create(ctx, RequestInput{Source: "public_form", CategoryID: in.CategoryID, Content: in.Content, RequesterName: in.RequesterName,
		RequesterPhone: in.RequesterPhone, RegionCode: in.RegionCode}, &tk)
	if err != nil {
		return ticket.Receipt{}, err
	}
	return ticket.Receipt{Ticket: tk, Kind: "request", Message: fmt.Sprintf("诉求已受理，将在 %s 前办结。请记下受理编号，凭编号和手机号后四位查询进度。", r.DueOn)}, nil
}

// Lookup answers a public status query: ticket and the last four digits of
// the phone must both match, else 404 (one answer for both). It reveals the
// state, the dates, the category and, once finished, the result; nothing
// personal.
func (s *Service) Lookup(ctx context.Context, tk, last4 string) (ticket.Status, error) {
	var st ticket.Status
	var enc, state, category, received, updated, result string
	err := s.DB.QueryRow(ctx, s.DB, `SELECT r.requester_phone_enc, r.state, c.name, r.received_on, r.updated_at, r.result
		FROM service_requests r JOIN service_categories c ON c.id = r.category_id WHERE r.ticket = ?`, tk).
		Scan(&enc, &state, &category, &received, &updated, &result)
	notFound := apperr.NotFound("受理编号与手机号后四位不匹配，或该受理编号")
	if errors.Is(err, sql.ErrNoRows) {
		return st, notFound
	}
	if err != nil {
		return st, fmt.Errorf("servicereq: lookup: %w", err)
	}
	p, err := s.protector()
	if err != nil {
		return st, err
	}
	phone, err := p.Decrypt(enc)
	if err != nil {
		return st, fmt.Errorf("servicereq: lookup: %w", err)
	}
	if !ticket.LastFourMatch(phone, last4) {
		return st, notFound
	}
	st = ticket.Status{Ticket: tk, Kind: "request", KindName: "诉求", State: state, StateName: optionName(States(), state),
		CategoryName: category, SubmittedOn: received, UpdatedOn: ticket.Day(updated)}
	if state == StateDone || state == StateReplied || state == StateClosed {
		st.Reply = result
	}
	return st, nil
}
