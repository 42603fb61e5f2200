package httpapi

import (
	"net/http"
	"strconv"

	"liangxin/internal/apperr"
	"liangxin/internal/purchase"
)

func (s *Server) contractOptions(w http.ResponseWriter, r *http.Request) error {
	writeJSON(w, http.StatusOK, purchase.GetOptions())
	return nil
}

func (s *Server) contractSettings(w http.ResponseWriter, r *http.Request) error {
	out, err := s.Contracts.GetSettings(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) setContractSettings(w http.ResponseWriter, r *http.Request) error {
	var in purchase.SettingsInput
	if err := decode(r, &in); err != nil {
		return err
	}
	out, err := s.Contracts.SetSettings(r.Context(), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// contractFilter reads the list's filters, naming every wrong one.
func contractFilter(r *http.Request, bad *apperr.Error) purchase.Filter {
	q := r.URL.Query()
	f := purchase.Filter{Status: q.Get("status"), RegionCode: q.Get("region_code"), Grade: q.Get("grade"), Q: q.Get("q"), Sort: q.Get("sort")}
	if v := q.Get("org_id"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 1 {
			bad.Field("org_id", "组织 ID 应为正整数")
		}
		f.OrgID = n
	}
	if v := q.Get("year"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 2000 || n > 2100 {
			bad.Field("year", "年度应为 2000–2100")
		}
		f.Year = n
	}
	if err := f.Validate(); err != nil {
		if e, ok := apperr.As(err); ok {
			for k, m := range e.Fields {
				bad.Field(k, m)
			}
		}
	}
	return f
}

func (s *Server) listContracts(w http.ResponseWriter, r *http.Request) error {
	bad := apperr.Invalid()
	f := contractFilter(r, bad)
	pagingErrors(r, bad)
	if err := bad.OrNil(); err != nil {
		return err
	}
	f.Page, f.PageSize, _ = pageParams(r)
	items, total, err := s.Contracts.List(r.Context(), f)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, pageOfTotal(items, total, f.Page, f.PageSize))
	return nil
}

func (s *Server) exportContracts(w http.ResponseWriter, r *http.Request) error {
	bad := apperr.Invalid()
	f := contractFilter(r, bad)
	if err := bad.OrNil(); err != nil {
		return err
	}
	sw, _, err := s.Contracts.Export(r.Context(), f)
	if err != nil {
		return err
	}
	xlsxHeaders(w, "service-contracts", "购买服务合同")
	return sw.Finish(w)
}

func (s *Server) createContract(w http.ResponseWriter, r *http.Request) error {
	var in purchase.Input
	if err := decode(r, &in); err != nil {
		return err
	}
	out, err := s.Contracts.Create(r.Context(), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, out)
	return nil
}

func (s *Server) getContract(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	out, err := s.Contracts.Get(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) updateContract(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in purchase.Input
	if err := decode(r, &in); err != nil {
		return err
	}
	out, err := s.Contracts.Update(r.Context(), id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) listContractEvaluations(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	out, err := s.Contracts.Evaluations(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, list[purchase.Evaluation]{Items: out})
	return nil
}

func (s *Server) evaluateContract(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in purchase.EvaluationInput
	if err := decode(r, &in); err != nil {
		return err
	}
	out, err := s.Contracts.Evaluate(r.Context(), id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, out)
	return nil
}
