package httpapi

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"strconv"

	"liangxin/internal/apperr"
	"liangxin/internal/briefing"
	"liangxin/internal/sheetexport"
)

func (s *Server) listBriefings(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	f := briefing.Filter{State: q.Get("state"), RegionCode: q.Get("region_code"), Q: q.Get("q")}
	bad := apperr.Invalid()
	if v := q.Get("year"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 2000 || n > 2100 {
			bad.Field("year", "年度应为 2000–2100")
		}
		f.Year = n
	}
	pagingErrors(r, bad)
	if err := bad.OrNil(); err != nil {
		return err
	}
	f.Page, f.PageSize, _ = pageParams(r)
	items, total, err := s.Briefing.List(r.Context(), f)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, pageOfTotal(items, total, f.Page, f.PageSize))
	return nil
}

func (s *Server) generateBriefing(w http.ResponseWriter, r *http.Request) error {
	var in briefing.GenerateInput
	if err := decode(r, &in); err != nil {
		return err
	}
	b, err := s.Briefing.Generate(r.Context(), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, b)
	return nil
}

func (s *Server) briefingByID(w http.ResponseWriter, r *http.Request, fn func(id int64) (briefing.Briefing, error)) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	b, err := fn(id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, b)
	return nil
}

func (s *Server) getBriefing(w http.ResponseWriter, r *http.Request) error {
	return s.briefingByID(w, r, func(id int64) (briefing.Briefing, error) { return s.Briefing.Get(r.Context(), id) })
}

func (s *Server) updateBriefing(w http.ResponseWriter, r *http.Request) error {
	var in briefing.UpdateInput
	if err := decode(r, &in); err != nil {
		return err
	}
	return s.briefingByID(w, r, func(id int64) (briefing.Briefing, error) { return s.Briefing.Update(r.Context(), id, in) })
}

func (s *Server) issueBriefing(w http.ResponseWriter, r *http.Request) error {
	var in briefing.IssueInput
	if err := decode(r, &in); err != nil {
		return err
	}
	return s.briefingByID(w, r, func(id int64) (briefing.Briefing, error) { return s.Briefing.Issue(r.Context(), id, in) })
}

func (s *Server) deleteBriefing(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := s.Briefing.Delete(r.Context(), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) renderedBriefing(r *http.Request) (briefing.Rendered, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return briefing.Rendered{}, err
	}
	return s.Briefing.Render(r.Context(), id)
}

func (s *Server) briefingDocument(w http.ResponseWriter, r *http.Request) error {
	d, err := s.renderedBriefing(r)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, d)
	return nil
}

func (s *Server) briefingDOCX(w http.ResponseWriter, r *http.Request) error {
	d, err := s.renderedBriefing(r)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := d.Document.WriteDOCX(&buf, d.Stamp()); err != nil {
		return err
	}
	ascii, name := d.FileNames()
	return s.Briefing.Export(r.Context(), sheetexport.Target{W: w, Ready: func() {
		w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
		w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s.docx"; filename*=UTF-8''%s.docx`, ascii, urlEscape(name)))
	}}, d, "Word", func(out io.Writer) error {
		_, err := out.Write(buf.Bytes())
		return err
	})
}

func (s *Server) briefingXLSX(w http.ResponseWriter, r *http.Request) error {
	d, err := s.renderedBriefing(r)
	if err != nil {
		return err
	}
	ascii, name := d.FileNames()
	return s.Briefing.Export(r.Context(), xlsxTarget(w, ascii, name+"数据"), d, "Excel", d.WriteXLSX)
}

func (s *Server) briefingTemplate(w http.ResponseWriter, r *http.Request) error {
	t, err := s.Briefing.Template(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, t)
	return nil
}

func (s *Server) saveBriefingTemplate(w http.ResponseWriter, r *http.Request) error {
	var in briefing.TemplateInput
	if err := decode(r, &in); err != nil {
		return err
	}
	t, err := s.Briefing.SaveTemplate(r.Context(), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, t)
	return nil
}

func (s *Server) briefingTemplates(w http.ResponseWriter, r *http.Request) error {
	items, err := s.Briefing.Templates(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, list[briefing.Template]{Items: items})
	return nil
}

func (s *Server) briefingPlaceholders(w http.ResponseWriter, r *http.Request) error {
	if _, err := s.Briefing.Template(r.Context()); err != nil { // refuses party organizations
		return err
	}
	writeJSON(w, http.StatusOK, list[briefing.Placeholder]{Items: briefing.Placeholders()})
	return nil
}
