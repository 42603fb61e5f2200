package httpapi

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"

	"liangxin/internal/apperr"
	"liangxin/internal/funds"
)

func (s *Server) fundsOptions(w http.ResponseWriter, r *http.Request) error {
	writeJSON(w, http.StatusOK, funds.GetOptions())
	return nil
}

// fundsYear reads the year query parameter (this year by default).
func (s *Server) fundsYear(q url.Values, bad *apperr.Error) int {
	v := q.Get("year")
	if v == "" {
		return s.Funds.ThisYear()
	}
	y, err := strconv.Atoi(v)
	if err != nil || y < funds.MinYear || y > funds.MaxYear {
		bad.Field("year", fmt.Sprintf("年度应为 %d–%d 的整数", funds.MinYear, funds.MaxYear))
	}
	return y
}

func (s *Server) listFundsStandards(w http.ResponseWriter, r *http.Request) error {
	out, err := s.Funds.ListStandards(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, list[funds.Standard]{Items: out})
	return nil
}

func (s *Server) getFundsStandard(w http.ResponseWriter, r *http.Request) error {
	bad := apperr.Invalid()
	y := s.fundsYear(r.URL.Query(), bad)
	if err := bad.OrNil(); err != nil {
		return err
	}
	out, err := s.Funds.GetStandard(r.Context(), y)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) setFundsStandard(w http.ResponseWriter, r *http.Request) error {
	var in funds.StandardInput
	if err := decode(r, &in); err != nil {
		return err
	}
	out, err := s.Funds.SetStandard(r.Context(), in.Year, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) recomputeFunds(w http.ResponseWriter, r *http.Request) error {
	var in FundsYearInput
	if err := decode(r, &in); err != nil {
		return err
	}
	out, err := s.Funds.Recompute(r.Context(), in.Year)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// fundsReportParams reads the year and region of the yearly report and its export.
func (s *Server) fundsReportParams(r *http.Request) (int, string, error) {
	q := r.URL.Query()
	bad := apperr.Invalid()
	y := s.fundsYear(q, bad)
	return y, q.Get("region_code"), bad.OrNil()
}

func (s *Server) fundsReport(w http.ResponseWriter, r *http.Request) error {
	y, region, err := s.fundsReportParams(r)
	if err != nil {
		return err
	}
	rep, err := s.Funds.GetReport(r.Context(), y, region)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, rep)
	return nil
}

// exportFundsReport streams the finance office's sheet of the year.
func (s *Server) exportFundsReport(w http.ResponseWriter, r *http.Request) error {
	y, region, err := s.fundsReportParams(r)
	if err != nil {
		return err
	}
	return s.Funds.ExportReport(r.Context(), pathTarget(w, fmt.Sprintf("funds-%d", y), funds.ReportTitle(y)), y, region)
}

func (s *Server) listFundsEntries(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	bad := apperr.Invalid()
	f := funds.EntryFilter{Year: s.fundsYear(q, bad), PartyOrgID: optID(q, "party_org_id", bad), Kind: q.Get("kind"), Q: q.Get("q")}
	if f.Kind != "" && f.Kind != funds.EntryEntitlement && f.Kind != funds.EntryAllocation && f.Kind != funds.EntrySpending && f.Kind != funds.EntryGrant {
		bad.Field("kind", "记录类别应为 entitlement、allocation、spending 或 grant")
	}
	pagingErrors(r, bad)
	if err := bad.OrNil(); err != nil {
		return err
	}
	f.Page, f.PageSize, _ = pageParams(r)
	items, total, err := s.Funds.ListEntries(r.Context(), f)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, pageOfTotal(items, total, f.Page, f.PageSize))
	return nil
}

func (s *Server) getFundsEntry(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	out, err := s.Funds.GetEntry(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) allocateFunds(w http.ResponseWriter, r *http.Request) error {
	var in funds.AllocationInput
	if err := decode(r, &in); err != nil {
		return err
	}
	out, err := s.Funds.Allocate(r.Context(), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, out)
	return nil
}

func (s *Server) spendFunds(w http.ResponseWriter, r *http.Request) error {
	var in funds.SpendingInput
	if err := decode(r, &in); err != nil {
		return err
	}
	out, err := s.Funds.Spend(r.Context(), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, out)
	return nil
}

func (s *Server) reverseFundsEntry(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in funds.ReverseInput
	if err := decode(r, &in); err != nil {
		return err
	}
	out, err := s.Funds.Reverse(r.Context(), id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, out)
	return nil
}

// uploadFundsReceipt is POST /funds/entries/{id}/receipts: one file in the
// multipart part "file".
func (s *Server) uploadFundsReceipt(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	tooBig := apperr.InvalidField("file", fmt.Sprintf("每张票据不能超过 %d MB", funds.MaxReceiptBytes>>20))
	mr, err := r.MultipartReader()
	if err != nil {
		return &apperr.Error{Kind: apperr.KindUnsupportedMedia, Code: "unsupported_media_type", Message: "请以 multipart/form-data 上传票据（字段名 file）"}
	}
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return apperr.InvalidField("file", "请选择要上传的票据")
		}
		if err != nil {
			var mbe *http.MaxBytesError
			if errors.As(err, &mbe) {
				return tooBig
			}
			return apperr.InvalidField("file", "上传的数据不完整")
		}
		if part.FormName() != "file" {
			continue
		}
		rc, err := s.Funds.AddReceipt(r.Context(), id, part)
		if err != nil {
			var mbe *http.MaxBytesError
			if errors.As(err, &mbe) {
				return tooBig
			}
			return err
		}
		writeJSON(w, http.StatusCreated, rc)
		return nil
	}
}

// fundsReceipt is GET /funds/entries/{id}/receipts/{receipt_id}: the file
// with its sniffed type, never sniffed again, not kept in shared caches.
func (s *Server) fundsReceipt(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	rid, err := pathID(r, "receipt_id")
	if err != nil {
		return err
	}
	rc, data, err := s.Funds.OpenReceipt(r.Context(), id, rid)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", rc.ContentType)
	w.Header().Set("Content-Length", strconv.Itoa(len(data)))
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Cache-Control", "private, no-store")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`inline; filename="funds-%d-receipt-%d"`, id, rid))
	_, err = w.Write(data)
	return err
}

func (s *Server) listFundsApplications(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	bad := apperr.Invalid()
	f := funds.AppFilter{Year: s.fundsYear(q, bad), Status: q.Get("status")}
	if f.Status != "" && f.Status != funds.AppApplied && f.Status != funds.AppReviewed && f.Status != funds.AppGranted && f.Status != funds.AppRefused {
		bad.Field("status", "状态应为 applied、reviewed、granted 或 refused")
	}
	pagingErrors(r, bad)
	if err := bad.OrNil(); err != nil {
		return err
	}
	f.Page, f.PageSize, _ = pageParams(r)
	items, total, err := s.Funds.ListApplications(r.Context(), f)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, pageOfTotal(items, total, f.Page, f.PageSize))
	return nil
}

func (s *Server) applyFunds(w http.ResponseWriter, r *http.Request) error {
	var in funds.ApplicationInput
	if err := decode(r, &in); err != nil {
		return err
	}
	out, err := s.Funds.Apply(r.Context(), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, out)
	return nil
}

func (s *Server) reviewFundsApplication(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in funds.ReviewInput
	if err := decode(r, &in); err != nil {
		return err
	}
	out, err := s.Funds.Review(r.Context(), id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) decideFundsApplication(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in funds.DecisionInput
	if err := decode(r, &in); err != nil {
		return err
	}
	out, err := s.Funds.Decide(r.Context(), id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) fundsAllocationTemplate(w http.ResponseWriter, r *http.Request) error {
	return sendTemplate(w, "funds-allocations-template", "经费拨付导入模板", funds.ImportTemplate)
}

func (s *Server) importFundsAllocations(w http.ResponseWriter, r *http.Request) error {
	return s.runImport(w, r, "funds_allocations", funds.ImportColumns(), s.Funds.ImportAllocations)
}
