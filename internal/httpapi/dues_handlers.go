package httpapi

import (
	"net/http"
	"net/url"
	"strconv"

	"liangxin/internal/apperr"
	"liangxin/internal/dues"
)

func (s *Server) duesCalc(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	base, err := dues.ParseCents("base", q.Get("base"))
	if err != nil {
		return err
	}
	res, err := dues.Calc(dues.Kind(q.Get("kind")), base)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]string{"rate": res.RateString(), "amount": dues.FormatCents(res.Cents)})
	return nil
}

type codeName struct {
	Code string `json:"code"`
	Name string `json:"name"`
}

func codes(in [][2]string) []codeName {
	out := make([]codeName, len(in))
	for i, c := range in {
		out[i] = codeName{c[0], c[1]}
	}
	return out
}

func (s *Server) duesOptions(w http.ResponseWriter, r *http.Request) error {
	writeJSON(w, http.StatusOK, map[string]any{"kinds": codes(dues.Kinds()), "methods": codes(dues.Methods()),
		"max_back_months": dues.MaxBackMonths, "max_ahead_months": dues.MaxAheadMonths})
	return nil
}

func (s *Server) duesRateTables(w http.ResponseWriter, r *http.Request) error {
	items, err := s.Dues.RateTables(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, list[dues.RateTableView]{Items: items})
	return nil
}

func (s *Server) duesSetRateTable(w http.ResponseWriter, r *http.Request) error {
	var in dues.RateTableInput
	if err := decode(r, &in); err != nil {
		return err
	}
	t, err := s.Dues.SetRateTable(r.Context(), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, t)
	return nil
}

func (s *Server) duesRefundPolicy(w http.ResponseWriter, r *http.Request) error {
	p, err := s.Dues.GetRefundPolicy(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, p)
	return nil
}

func (s *Server) duesSetRefundPolicy(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		dues.RefundPolicy
		Reason string `json:"reason"`
	}
	if err := decode(r, &in); err != nil {
		return err
	}
	p, err := s.Dues.SetRefundPolicy(r.Context(), in.RefundPolicy, in.Reason)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, p)
	return nil
}

func (s *Server) duesDeclareBase(w http.ResponseWriter, r *http.Request) error {
	var in dues.BaseInput
	if err := decode(r, &in); err != nil {
		return err
	}
	b, err := s.Dues.DeclareBase(r.Context(), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, b)
	return nil
}

func (s *Server) duesRecordPayment(w http.ResponseWriter, r *http.Request) error {
	var in dues.PaymentInput
	if err := decode(r, &in); err != nil {
		return err
	}
	b, err := s.Dues.RecordPayment(r.Context(), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, b)
	return nil
}

func (s *Server) duesVoidPayment(w http.ResponseWriter, r *http.Request) error {
	var in dues.VoidInput
	if err := decode(r, &in); err != nil {
		return err
	}
	b, err := s.Dues.VoidBatch(r.Context(), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, b)
	return nil
}

// duesYear reads ?year= (the current year when absent).
func (s *Server) duesYear(q url.Values, bad *apperr.Error) int {
	v := q.Get("year")
	if v == "" {
		return s.Dues.CurrentMonth().Year()
	}
	y, err := strconv.Atoi(v)
	if err != nil || y < 2008 || y > 2100 {
		bad.Field("year", "年度应为 2008–2100 的整数")
	}
	return y
}

func (s *Server) duesMemberYear(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	bad := apperr.Invalid()
	year := s.duesYear(r.URL.Query(), bad)
	if err := bad.OrNil(); err != nil {
		return err
	}
	y, err := s.Dues.MemberYear(r.Context(), id, year)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, y)
	return nil
}

// duesArrearsFilter reads the filters of the arrears list and its export;
// the as-of month defaults to the current one.
func (s *Server) duesArrearsFilter(r *http.Request) (dues.ArrearsFilter, error) {
	q := r.URL.Query()
	bad := apperr.Invalid()
	f := dues.ArrearsFilter{AsOf: q.Get("as_of"), PartyOrgID: optID(q, "party_org_id", bad)}
	if f.AsOf == "" {
		f.AsOf = s.Dues.CurrentMonth().String()
	}
	if b := optBool(q, "flagged", bad); b != nil {
		f.FlaggedOnly = *b
	}
	return f, bad.OrNil()
}

func (s *Server) duesArrears(w http.ResponseWriter, r *http.Request) error {
	if _, _, err := pageParams(r); err != nil {
		return err
	}
	f, err := s.duesArrearsFilter(r)
	if err != nil {
		return err
	}
	items, err := s.Dues.Arrears(r.Context(), f)
	if err != nil {
		return err
	}
	pg, err := pageSlice(r, items)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, pg)
	return nil
}

func (s *Server) duesArrearsExport(w http.ResponseWriter, r *http.Request) error {
	f, err := s.duesArrearsFilter(r)
	if err != nil {
		return err
	}
	return s.Dues.ExportArrears(r.Context(), pathTarget(w, "dues-arrears", "党费欠交名单"), f)
}

// duesSummaryParams reads the party organization (required) and the year
// of the 党费收缴公示 and its export.
func (s *Server) duesSummaryParams(r *http.Request) (int64, int, error) {
	q := r.URL.Query()
	bad := apperr.Invalid()
	id := optID(q, "party_org_id", bad)
	if id == 0 && q.Get("party_org_id") == "" {
		bad.Field("party_org_id", "请选择党组织")
	}
	year := s.duesYear(q, bad)
	return id, year, bad.OrNil()
}

func (s *Server) duesSummary(w http.ResponseWriter, r *http.Request) error {
	id, year, err := s.duesSummaryParams(r)
	if err != nil {
		return err
	}
	sum, err := s.Dues.Summary(r.Context(), id, year)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, sum)
	return nil
}

func (s *Server) duesSummaryExport(w http.ResponseWriter, r *http.Request) error {
	id, year, err := s.duesSummaryParams(r)
	if err != nil {
		return err
	}
	return s.Dues.ExportSummary(r.Context(), pathTarget(w, "dues-summary", "党费收缴公示"), id, year)
}

func (s *Server) duesRefunds(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	bad := apperr.Invalid()
	id := optID(q, "party_org_id", bad)
	year := s.duesYear(q, bad)
	pagingErrors(r, bad)
	if err := bad.OrNil(); err != nil {
		return err
	}
	items, err := s.Dues.Refunds(r.Context(), year, id)
	if err != nil {
		return err
	}
	return writePaged(w, r, items)
}

func (s *Server) duesRecordRefund(w http.ResponseWriter, r *http.Request) error {
	var in dues.RefundInput
	if err := decode(r, &in); err != nil {
		return err
	}
	ref, err := s.Dues.RecordRefund(r.Context(), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, ref)
	return nil
}
