package httpapi

import (
	"net/http"
	"strconv"

	"liangxin/internal/apperr"
	"liangxin/internal/assess"
)

func (s *Server) assessOptions(w http.ResponseWriter, r *http.Request) error {
	writeJSON(w, http.StatusOK, map[string]any{"methods": assess.Methods(), "signals": assess.SignalKinds(), "honour_kinds": assess.HonourKinds(),
		"honour_levels": assess.HonourLevels(), "default_thresholds": assess.DefaultThresholds()})
	return nil
}

func (s *Server) listSheets(w http.ResponseWriter, r *http.Request) error {
	items, err := s.Assess.ListSheets(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, list[assess.Sheet]{Items: items})
	return nil
}

func (s *Server) createSheet(w http.ResponseWriter, r *http.Request) error {
	var in assess.SheetInput
	if err := decode(r, &in); err != nil {
		return err
	}
	sh, err := s.Assess.CreateSheet(r.Context(), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, sh)
	return nil
}

func (s *Server) getSheet(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	sh, err := s.Assess.GetSheet(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, sh)
	return nil
}

func (s *Server) updateSheet(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in assess.SheetInput
	if err := decode(r, &in); err != nil {
		return err
	}
	sh, err := s.Assess.UpdateSheet(r.Context(), id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, sh)
	return nil
}

func (s *Server) copySheet(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in assess.CopyInput
	if err := decode(r, &in); err != nil {
		return err
	}
	sh, err := s.Assess.CopySheet(r.Context(), id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, sh)
	return nil
}

func (s *Server) listRounds(w http.ResponseWriter, r *http.Request) error {
	items, err := s.Assess.ListRounds(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, list[assess.Round]{Items: items})
	return nil
}

func (s *Server) createRound(w http.ResponseWriter, r *http.Request) error {
	var in assess.RoundInput
	if err := decode(r, &in); err != nil {
		return err
	}
	rd, err := s.Assess.CreateRound(r.Context(), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, rd)
	return nil
}

func (s *Server) roundResults(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	v, err := s.Assess.RoundResults(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

func (s *Server) prefillRound(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	rd, err := s.Assess.Prefill(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, rd)
	return nil
}

func (s *Server) closeRound(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	v, err := s.Assess.CloseRound(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

func (s *Server) reopenRound(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in struct {
		Reason string `json:"reason"`
	}
	if err := decode(r, &in); err != nil {
		return err
	}
	v, err := s.Assess.ReopenRound(r.Context(), id, in.Reason)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

func (s *Server) orgScores(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	po, err := pathID(r, "party_org_id")
	if err != nil {
		return err
	}
	v, err := s.Assess.OrgScores(r.Context(), id, po)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

func (s *Server) saveOrgScores(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	po, err := pathID(r, "party_org_id")
	if err != nil {
		return err
	}
	var in assess.OrgScoresInput
	if err := decode(r, &in); err != nil {
		return err
	}
	v, err := s.Assess.SaveOrgScores(r.Context(), id, po, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

func (s *Server) exportRound(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	return s.Assess.ExportRound(r.Context(), xlsxTarget(w, "star-results", "星级评定结果"), id)
}

func signalFilter(r *http.Request) assess.SignalFilter {
	q := r.URL.Query()
	return assess.SignalFilter{RegionCode: q.Get("region_code"), From: q.Get("from"), To: q.Get("to"), AsOf: q.Get("as_of"), All: q.Get("all") == "true"}
}

func (s *Server) signals(w http.ResponseWriter, r *http.Request) error {
	rep, err := s.Assess.Signals(r.Context(), signalFilter(r))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, rep)
	return nil
}

func (s *Server) exportSignals(w http.ResponseWriter, r *http.Request) error {
	return s.Assess.ExportSignals(r.Context(), xlsxTarget(w, "weak-signals", "软弱涣散预警"), signalFilter(r))
}

func (s *Server) assessSettings(w http.ResponseWriter, r *http.Request) error {
	st, err := s.Assess.GetSettings(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, st)
	return nil
}

func (s *Server) setAssessSettings(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		assess.Settings
		Reason string `json:"reason"`
	}
	if err := decode(r, &in); err != nil {
		return err
	}
	st, err := s.Assess.SetSettings(r.Context(), in.Settings, in.Reason)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, st)
	return nil
}

func rectFilter(r *http.Request) assess.RectificationFilter {
	q := r.URL.Query()
	return assess.RectificationFilter{RegionCode: q.Get("region_code"), Status: q.Get("status")}
}

func (s *Server) listRectifications(w http.ResponseWriter, r *http.Request) error {
	items, err := s.Assess.ListRectifications(r.Context(), rectFilter(r))
	if err != nil {
		return err
	}
	return writePaged(w, r, items)
}

func (s *Server) designate(w http.ResponseWriter, r *http.Request) error {
	var in assess.RectificationInput
	if err := decode(r, &in); err != nil {
		return err
	}
	c, err := s.Assess.Designate(r.Context(), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, c)
	return nil
}

func (s *Server) updateRectification(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in assess.RectificationPatch
	if err := decode(r, &in); err != nil {
		return err
	}
	c, err := s.Assess.UpdateRectification(r.Context(), id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, c)
	return nil
}

func (s *Server) exportRectifications(w http.ResponseWriter, r *http.Request) error {
	return s.Assess.ExportRectifications(r.Context(), xlsxTarget(w, "rectifications", "软弱涣散整改台账"), rectFilter(r))
}

func (s *Server) listPairs(w http.ResponseWriter, r *http.Request) error {
	items, err := s.Assess.ListPairs(r.Context())
	if err != nil {
		return err
	}
	return writePaged(w, r, items)
}

func (s *Server) createPair(w http.ResponseWriter, r *http.Request) error {
	var in assess.PairInput
	if err := decode(r, &in); err != nil {
		return err
	}
	p, err := s.Assess.CreatePair(r.Context(), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, p)
	return nil
}

func (s *Server) getPair(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	p, err := s.Assess.GetPair(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, p)
	return nil
}

func (s *Server) addActivity(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in assess.ActivityInput
	if err := decode(r, &in); err != nil {
		return err
	}
	p, err := s.Assess.AddActivity(r.Context(), id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, p)
	return nil
}

func (s *Server) exportPairs(w http.ResponseWriter, r *http.Request) error {
	return s.Assess.ExportPairs(r.Context(), xlsxTarget(w, "pairs", "结对帮带"))
}

func honourFilter(r *http.Request, paged bool) (assess.HonourFilter, error) {
	q := r.URL.Query()
	f := assess.HonourFilter{Kind: q.Get("kind"), Status: q.Get("status"), Subject: q.Get("subject")}
	if v := q.Get("year"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			return f, apperr.InvalidField("year", "年度应为整数")
		}
		f.Year = n
	}
	if paged {
		p, size, err := pageParams(r)
		if err != nil {
			return f, err
		}
		f.Page, f.PageSize = p, size
	}
	return f, nil
}

func (s *Server) listHonours(w http.ResponseWriter, r *http.Request) error {
	f, err := honourFilter(r, true)
	if err != nil {
		return err
	}
	items, total, err := s.Assess.ListHonours(r.Context(), f)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, pageOfTotal(items, total, f.Page, f.PageSize))
	return nil
}

func (s *Server) recommend(w http.ResponseWriter, r *http.Request) error {
	var in assess.HonourInput
	if err := decode(r, &in); err != nil {
		return err
	}
	h, err := s.Assess.Recommend(r.Context(), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, h)
	return nil
}

func (s *Server) decideHonour(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in assess.HonourDecision
	if err := decode(r, &in); err != nil {
		return err
	}
	h, err := s.Assess.Decide(r.Context(), id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, h)
	return nil
}

func (s *Server) honourStats(w http.ResponseWriter, r *http.Request) error {
	items, err := s.Assess.HonourStats(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, list[assess.HonourYear]{Items: items})
	return nil
}

func (s *Server) exportHonours(w http.ResponseWriter, r *http.Request) error {
	f, err := honourFilter(r, false)
	if err != nil {
		return err
	}
	return s.Assess.ExportHonours(r.Context(), xlsxTarget(w, "honours", "表彰"), f)
}
