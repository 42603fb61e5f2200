package httpapi

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"liangxin/internal/apperr"
	"liangxin/internal/dues"
	"liangxin/internal/xlsx"
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

func (s *Server) duesArrearsList(r *http.Request) ([]dues.Arrear, string, error) {
	q := r.URL.Query()
	bad := apperr.Invalid()
	f := dues.ArrearsFilter{AsOf: q.Get("as_of"), PartyOrgID: optID(q, "party_org_id", bad)}
	if f.AsOf == "" {
		f.AsOf = s.Dues.CurrentMonth().String()
	}
	if b := optBool(q, "flagged", bad); b != nil {
		f.FlaggedOnly = *b
	}
	if err := bad.OrNil(); err != nil {
		return nil, "", err
	}
	items, err := s.Dues.Arrears(r.Context(), f)
	return items, f.AsOf, err
}

func (s *Server) duesArrears(w http.ResponseWriter, r *http.Request) error {
	if _, _, err := pageParams(r); err != nil {
		return err
	}
	items, _, err := s.duesArrearsList(r)
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
	items, asOf, err := s.duesArrearsList(r)
	if err != nil {
		return err
	}
	sw, err := xlsx.NewWriter("党费欠交名单", []string{"党组织", "姓名", "入党日期", "截至月份", "连续未交月数", "连续6个月未交", "本年未交月份"},
		[]float64{36, 12, 12, 10, 12, 14, 60})
	if err != nil {
		return err
	}
	for _, a := range items {
		flag := ""
		if a.Flagged {
			flag = "是"
		}
		if err := sw.Row(a.PartyOrgName, a.Name, a.JoinedOn, asOf, a.Consecutive, flag, strings.Join(a.Unpaid, "、")); err != nil {
			return err
		}
	}
	return s.sendXLSX(w, r, sw, "dues_arrears", "dues-arrears", "党费欠交名单", len(items))
}

func (s *Server) duesSummaryOf(r *http.Request) (dues.Summary, error) {
	q := r.URL.Query()
	bad := apperr.Invalid()
	id := optID(q, "party_org_id", bad)
	if id == 0 && q.Get("party_org_id") == "" {
		bad.Field("party_org_id", "请选择党组织")
	}
	year := s.duesYear(q, bad)
	if err := bad.OrNil(); err != nil {
		return dues.Summary{}, err
	}
	return s.Dues.Summary(r.Context(), id, year)
}

func (s *Server) duesSummary(w http.ResponseWriter, r *http.Request) error {
	sum, err := s.duesSummaryOf(r)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, sum)
	return nil
}

func (s *Server) duesSummaryExport(w http.ResponseWriter, r *http.Request) error {
	sum, err := s.duesSummaryOf(r)
	if err != nil {
		return err
	}
	sw, err := xlsx.NewWriter("党费收缴公示", []string{"姓名", "类别", "月交纳额（元）", "应交月数", "已交月数", "免交月数", "应交金额（元）", "已交金额（元）", "未交金额（元）"},
		[]float64{12, 16, 14, 10, 10, 10, 14, 14, 14})
	if err != nil {
		return err
	}
	for _, l := range sum.Lines {
		monthly := l.Monthly
		if monthly == "" {
			monthly = "未申报"
		}
		if err := sw.Row(l.Name, l.KindName, monthly, l.MonthsDue, l.MonthsPaid, l.MonthsWaived, l.AmountDue, l.AmountPaid, l.Unpaid); err != nil {
			return err
		}
	}
	if err := sw.Row("合计（"+sum.PartyOrgName+"，"+strconv.Itoa(sum.Year)+"年，截至"+sum.Through+"）", "", "", sum.MonthsDue, sum.MonthsPaid, sum.MonthsWaived,
		sum.AmountDue, sum.AmountPaid, sum.Unpaid); err != nil {
		return err
	}
	return s.sendXLSX(w, r, sw, "dues_summary", "dues-summary", "党费收缴公示", len(sum.Lines))
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
