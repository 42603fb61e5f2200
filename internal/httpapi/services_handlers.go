package httpapi

import (
	"net/http"
	"strconv"
	"strings"

	"liangxin/internal/apperr"
	"liangxin/internal/servicereq"
)

func (s *Server) serviceOptions(w http.ResponseWriter, r *http.Request) error {
	o, err := s.Services.GetOptions(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, o)
	return nil
}

func (s *Server) serviceSettings(w http.ResponseWriter, r *http.Request) error {
	st, err := s.Services.GetSettings(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, st)
	return nil
}

func (s *Server) setServiceSettings(w http.ResponseWriter, r *http.Request) error {
	var in servicereq.SettingsInput
	if err := decode(r, &in); err != nil {
		return err
	}
	st, err := s.Services.SetSettings(r.Context(), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, st)
	return nil
}

func (s *Server) listHandlerUnits(w http.ResponseWriter, r *http.Request) error {
	p, size, err := pageParams(r)
	if err != nil {
		return err
	}
	items, total, err := s.Services.ListUnits(r.Context(), servicereq.UnitFilter{Q: r.URL.Query().Get("q"), Page: p, PageSize: size})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, pageOfTotal(items, total, p, size))
	return nil
}

func (s *Server) createHandlerUnit(w http.ResponseWriter, r *http.Request) error {
	var in servicereq.HandlerUnitInput
	if err := decode(r, &in); err != nil {
		return err
	}
	u, err := s.Services.CreateUnit(r.Context(), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, u)
	return nil
}

// serviceFilter reads the list filter; every wrong parameter is named in one answer.
func serviceFilter(r *http.Request) (servicereq.Filter, error) {
	q := r.URL.Query()
	f := servicereq.Filter{State: q.Get("state"), RegionCode: q.Get("region_code"), Q: q.Get("q"), Sort: q.Get("sort"),
		OriginKind: q.Get("origin_kind"), Scope: q.Get("scope")}
	bad := apperr.Invalid()
	id := func(name, label string) int64 {
		v := q.Get(name)
		if v == "" {
			return 0
		}
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 1 {
			bad.Field(name, label+"应为正整数")
		}
		return n
	}
	f.CategoryID = id("category_id", "诉求类别 ID")
	f.HandlerUnitID = id("handler_unit_id", "承办单位 ID")
	f.OrgID = id("org_id", "两新组织 ID")
	f.OriginID = id("origin_id", "诉求出处记录 ID")
	if f.OriginKind == "" && f.OriginID != 0 {
		bad.Field("origin_kind", "按出处记录筛选时请同时指明 origin_kind（dialogue 或 visit）")
	}
	switch q.Get("overdue") {
	case "", "false":
	case "true":
		f.Overdue = true
	default:
		bad.Field("overdue", "overdue 应为 true 或 false")
	}
	if err := f.Validate(); err != nil {
		if e, ok := apperr.As(err); ok {
			for k, m := range e.Fields {
				bad.Field(k, m)
			}
		}
	}
	pagingErrors(r, bad)
	if err := bad.OrNil(); err != nil {
		return f, err
	}
	f.Page, f.PageSize, _ = pageParams(r)
	return f, nil
}

func (s *Server) listServiceRequests(w http.ResponseWriter, r *http.Request) error {
	f, err := serviceFilter(r)
	if err != nil {
		return err
	}
	items, total, err := s.Services.List(r.Context(), f)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, pageOfTotal(items, total, f.Page, f.PageSize))
	return nil
}

func (s *Server) countServiceRequests(w http.ResponseWriter, r *http.Request) error {
	f, err := serviceFilter(r)
	if err != nil {
		return err
	}
	c, err := s.Services.Count(r.Context(), f)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, c)
	return nil
}

func (s *Server) createServiceRequest(w http.ResponseWriter, r *http.Request) error {
	var in servicereq.RequestInput
	if err := decode(r, &in); err != nil {
		return err
	}
	out, err := s.Services.Create(r.Context(), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, out)
	return nil
}

func (s *Server) getServiceRequest(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	out, err := s.Services.Get(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) serviceRequestTimeline(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	out, err := s.Services.Timeline(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, list[servicereq.Event]{Items: out})
	return nil
}

func (s *Server) actOnServiceRequest(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in servicereq.ActionInput
	if err := decode(r, &in); err != nil {
		return err
	}
	out, err := s.Services.Act(r.Context(), id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) revealServiceRequestPhone(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	out, err := s.Services.RevealPhone(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// handlerUnitOptions lists the handler units a 承办单位经办人 account may be
// bound to (for the security administrator's grant form).
func (s *Server) handlerUnitOptions(w http.ResponseWriter, r *http.Request) error {
	items, err := s.Services.BindableUnits(r.Context(), strings.TrimSpace(r.URL.Query().Get("q")), optionsLimit)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, list[servicereq.HandlerUnit]{Items: items})
	return nil
}

func (s *Server) exportServiceRequests(w http.ResponseWriter, r *http.Request) error {
	f, err := serviceFilter(r)
	if err != nil {
		return err
	}
	sw, _, err := s.Services.ExportRequests(r.Context(), f)
	if err != nil {
		return err
	}
	xlsxHeaders(w, "service-requests", "诉求")
	return sw.Finish(w)
}

func statsFilter(r *http.Request) servicereq.StatsFilter {
	q := r.URL.Query()
	return servicereq.StatsFilter{From: q.Get("from"), To: q.Get("to"), RegionCode: q.Get("region_code")}
}

func (s *Server) serviceStats(w http.ResponseWriter, r *http.Request) error {
	st, err := s.Services.Stats(r.Context(), statsFilter(r))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, st)
	return nil
}

func (s *Server) exportServiceStats(w http.ResponseWriter, r *http.Request) error {
	sw, err := s.Services.ExportStats(r.Context(), statsFilter(r))
	if err != nil {
		return err
	}
	xlsxHeaders(w, "service-stats", "诉求办理统计")
	return sw.Finish(w)
}

func (s *Server) listDialogues(w http.ResponseWriter, r *http.Request) error {
	bad := apperr.Invalid()
	pagingErrors(r, bad)
	if err := bad.OrNil(); err != nil {
		return err
	}
	p, size, _ := pageParams(r)
	q := r.URL.Query()
	items, total, err := s.Services.ListDialogues(r.Context(), servicereq.DialogueFilter{Q: q.Get("q"), RegionCode: q.Get("region_code"),
		From: q.Get("from"), To: q.Get("to"), Page: p, PageSize: size})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, pageOfTotal(items, total, p, size))
	return nil
}

func (s *Server) createDialogue(w http.ResponseWriter, r *http.Request) error {
	var in servicereq.DialogueInput
	if err := decode(r, &in); err != nil {
		return err
	}
	out, err := s.Services.CreateDialogue(r.Context(), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, out)
	return nil
}

func (s *Server) getDialogue(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	out, err := s.Services.GetDialogue(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) updateDialogue(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in servicereq.DialogueInput
	if err := decode(r, &in); err != nil {
		return err
	}
	out, err := s.Services.UpdateDialogue(r.Context(), id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) serviceRequestTemplate(w http.ResponseWriter, r *http.Request) error {
	return sendTemplate(w, "service-requests-template", "历史诉求导入模板", servicereq.ImportTemplate)
}

func (s *Server) importServiceRequests(w http.ResponseWriter, r *http.Request) error {
	return s.runImport(w, r, "service-requests", servicereq.ImportColumns(), s.Services.Import)
}
