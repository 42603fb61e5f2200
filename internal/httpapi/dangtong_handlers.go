package httpapi

import (
	"net/http"
	"strconv"

	"liangxin/internal/apperr"
	"liangxin/internal/sheetexport"
)

func (s *Server) dangtongTable(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	t, err := s.Dangtong.Get(r.Context(), r.PathValue("table"), q.Get("region_code"), q.Get("date"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, t)
	return nil
}

func (s *Server) dangtongCell(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	row, err1 := strconv.Atoi(r.PathValue("row"))
	col, err2 := strconv.Atoi(r.PathValue("col"))
	if err1 != nil || err2 != nil {
		return apperr.NotFound("表格单元格")
	}
	bad := apperr.Invalid()
	pagingErrors(r, bad)
	if err := bad.OrNil(); err != nil {
		return err
	}
	page, size, _ := pageParams(r)
	c, err := s.Dangtong.Cell(r.Context(), r.PathValue("table"), q.Get("region_code"), q.Get("date"), row, col, page, size)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, c)
	return nil
}

func (s *Server) dangtongExport(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	return s.Dangtong.Export(r.Context(), s.Audit, func(ascii, title string) sheetexport.Target { return xlsxTarget(w, ascii, title) },
		r.PathValue("table"), q.Get("region_code"), q.Get("date"))
}

func (s *Server) dangtongCheck(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	c, err := s.Dangtong.Check(r.Context(), q.Get("region_code"), q.Get("date"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, c)
	return nil
}

func (s *Server) dangtongPeriod(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	p, err := s.Dangtong.Period(r.Context(), q.Get("region_code"), q.Get("from"), q.Get("to"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, p)
	return nil
}
