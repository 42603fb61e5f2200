package httpapi

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"

	"liangxin/internal/apperr"
	"liangxin/internal/meeting"
	"liangxin/internal/readcache"
	"liangxin/internal/sheetexport"
)

func optID(q url.Values, name string, bad *apperr.Error) int64 {
	v := q.Get(name)
	if v == "" {
		return 0
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 1 {
		bad.Field(name, "应为正整数")
		return 0
	}
	return n
}

func meetingFilter(r *http.Request) (meeting.Filter, error) {
	q := r.URL.Query()
	bad := apperr.Invalid()
	f := meeting.Filter{PartyOrgID: optID(q, "party_org_id", bad), RegionCode: q.Get("region_code"), Kind: q.Get("kind"), Status: q.Get("status"),
		From: q.Get("from"), To: q.Get("to"), Late: optBool(q, "late", bad)}
	return f, bad.OrNil()
}

func (s *Server) listMeetings(w http.ResponseWriter, r *http.Request) error {
	f, err := meetingFilter(r)
	if err != nil {
		return err
	}
	if f.Page, f.PageSize, err = pageParams(r); err != nil {
		return err
	}
	items, total, err := s.Meet.List(r.Context(), f)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, pageOfTotal(items, total, f.Page, f.PageSize))
	return nil
}

func (s *Server) createMeeting(w http.ResponseWriter, r *http.Request) error {
	var in meeting.Input
	if err := decode(r, &in); err != nil {
		return err
	}
	m, err := s.Meet.Create(r.Context(), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, m)
	return nil
}

func (s *Server) getMeeting(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	m, err := s.Meet.Get(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, m)
	return nil
}

func (s *Server) updateMeeting(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in meeting.Input
	if err := decode(r, &in); err != nil {
		return err
	}
	m, err := s.Meet.Update(r.Context(), id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, m)
	return nil
}

func (s *Server) deleteMeeting(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := s.Meet.Delete(r.Context(), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) meetingOptions(w http.ResponseWriter, r *http.Request) error {
	writeJSON(w, http.StatusOK, map[string]any{"kinds": meeting.Kinds(), "statuses": meeting.Statuses(), "attendance": meeting.AttendanceStatuses(),
		"roles": meeting.Roles(), "periods": meeting.Periods(), "party_org_kinds": meeting.FrequencyOrgKinds()})
	return nil
}

func (s *Server) meetingCandidates(w http.ResponseWriter, r *http.Request) error {
	bad := apperr.Invalid()
	id := optID(r.URL.Query(), "party_org_id", bad)
	if id == 0 {
		bad.Field("party_org_id", "请选择党组织")
	}
	pagingErrors(r, bad)
	if err := bad.OrNil(); err != nil {
		return err
	}
	items, err := s.Meet.Candidates(r.Context(), id)
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

func (s *Server) uploadAttachment(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	mr, err := r.MultipartReader()
	if err != nil {
		return &apperr.Error{Kind: apperr.KindUnsupportedMedia, Code: "unsupported_media_type", Message: "请以 multipart/form-data 上传文件（字段名 file）"}
	}
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return apperr.InvalidField("file", "请选择要上传的照片或文档")
		}
		if err != nil {
			var mbe *http.MaxBytesError
			if errors.As(err, &mbe) {
				return apperr.InvalidField("file", "附件不能超过 10 MB")
			}
			return apperr.InvalidField("file", "上传的数据不完整")
		}
		if part.FormName() != "file" {
			continue
		}
		a, err := s.Meet.AddAttachment(r.Context(), id, part.FileName(), part)
		if err != nil {
			var mbe *http.MaxBytesError
			if errors.As(err, &mbe) {
				return apperr.InvalidField("file", "附件不能超过 10 MB")
			}
			return err
		}
		writeJSON(w, http.StatusCreated, a)
		return nil
	}
}

func (s *Server) downloadAttachment(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	a, rc, err := s.Meet.OpenAttachment(r.Context(), id)
	if err != nil {
		return err
	}
	defer rc.Close()
	w.Header().Set("Content-Type", a.ContentType)
	w.Header().Set("Content-Length", strconv.FormatInt(a.Size, 10))
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": a.Name}))
	_, err = io.Copy(w, rc)
	return err
}

func (s *Server) listFrequencies(w http.ResponseWriter, r *http.Request) error {
	items, err := s.Meet.Frequencies(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, list[meeting.Frequency]{Items: items})
	return nil
}

func (s *Server) setFrequency(w http.ResponseWriter, r *http.Request) error {
	var in meeting.FrequencyInput
	if err := decode(r, &in); err != nil {
		return err
	}
	f, err := s.Meet.SetFrequency(r.Context(), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, f)
	return nil
}

func (s *Server) reportFilter(r *http.Request) (meeting.ReportFilter, error) {
	q := r.URL.Query()
	bad := apperr.Invalid()
	f := meeting.ReportFilter{From: q.Get("from"), To: q.Get("to"), RegionCode: q.Get("region_code"), PartyOrgID: optID(q, "party_org_id", bad)}
	if f.From == "" && f.To == "" {
		f.From, f.To = s.Meet.DefaultRange()
	}
	if f.PartyOrgID != 0 {
		if _, _, err := s.Meet.SecretaryVacancy(r.Context(), f.PartyOrgID, "2000-01-01"); err != nil {
			return f, err
		}
	}
	return f, bad.OrNil()
}

func (s *Server) compliance(w http.ResponseWriter, r *http.Request) error {
	bad := apperr.Invalid()
	q := compliancePageQuery(r, bad)
	f, err := s.reportFilter(r)
	if err != nil {
		return err
	}
	if err := bad.OrNil(); err != nil {
		return err
	}
	if err := meeting.CheckPageQuery(q); err != nil {
		return err
	}
	// The summary and the compact rows are cached per scope and period
	// (meeting.Service.Cache); each page's encoding is cached too.
	key := readcache.Key("compliance_page", "from", f.From, "to", f.To, "region_code", f.RegionCode, "party_org_id", f.PartyOrgID,
		"page", q.Page, "page_size", q.PageSize, "sort", q.Sort, "desc", q.Desc, "status", q.Status)
	return s.cachedJSON(w, r, "compliance_page", key, func(ctx context.Context) (any, error) { return s.Meet.CompliancePaged(ctx, f, q) })
}

// compliancePageQuery reads page (1), page_size (20, up to 500), sort,
// order (asc, desc) and status of a compliance page.
func compliancePageQuery(r *http.Request, bad *apperr.Error) meeting.PageQuery {
	v := r.URL.Query()
	q := meeting.PageQuery{Page: 1, PageSize: 20, Sort: v.Get("sort"), Status: v.Get("status")}
	for field, dst := range map[string]*int{"page": &q.Page, "page_size": &q.PageSize} {
		if s := v.Get(field); s != "" {
			n, err := strconv.Atoi(s)
			if err != nil {
				bad.Field(field, map[string]string{"page": "页码应为 1–1000000", "page_size": "每页条数应为 1–500"}[field])
				continue
			}
			*dst = n
		}
	}
	switch v.Get("order") {
	case "", "asc":
	case "desc":
		q.Desc = true
	default:
		bad.Field("order", "排序方向应为 asc 或 desc")
	}
	return q
}

// meetingTarget is the response of a meetings export, its headers set
// once the export is recorded.
func meetingTarget(w http.ResponseWriter, file, zhName string) sheetexport.Target {
	return sheetexport.Target{W: w, Ready: func() {
		w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
		w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s.xlsx"; filename*=UTF-8''%s.xlsx`, file, url.PathEscape(zhName)))
	}}
}

func (s *Server) exportCompliance(w http.ResponseWriter, r *http.Request) error {
	f, err := s.reportFilter(r)
	if err != nil {
		return err
	}
	return s.Meet.ExportCompliance(r.Context(), meetingTarget(w, "compliance", "组织生活落实情况"), f)
}

func (s *Server) reminders(w http.ResponseWriter, r *http.Request) error {
	bad := apperr.Invalid()
	id := optID(r.URL.Query(), "party_org_id", bad)
	pagingErrors(r, bad)
	if err := bad.OrNil(); err != nil {
		return err
	}
	items, err := s.Meet.Reminders(r.Context(), id)
	if err != nil {
		return err
	}
	if id != 0 && len(items) == 0 {
		if _, _, err := s.Meet.SecretaryVacancy(r.Context(), id, "2000-01-01"); err != nil {
			return err
		}
	}
	pg, err := pageSlice(r, items)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, pg)
	return nil
}

func (s *Server) laggards(w http.ResponseWriter, r *http.Request) error {
	f, err := s.reportFilter(r)
	if err != nil {
		return err
	}
	if _, _, err := pageParams(r); err != nil {
		return err
	}
	items, err := s.Meet.Laggards(r.Context(), f)
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

func (s *Server) exportLaggards(w http.ResponseWriter, r *http.Request) error {
	f, err := s.reportFilter(r)
	if err != nil {
		return err
	}
	return s.Meet.ExportLaggards(r.Context(), meetingTarget(w, "laggards", "组织生活未落实到位"), f)
}

func (s *Server) exportMeetings(w http.ResponseWriter, r *http.Request) error {
	f, err := meetingFilter(r)
	if err != nil {
		return err
	}
	return s.Meet.ExportMeetings(r.Context(), meetingTarget(w, "meetings", "会议记录"), f)
}

func (s *Server) getCommittee(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	c, err := s.Meet.Committee(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, c)
	return nil
}

func (s *Server) addCommitteeMember(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in meeting.CommitteeMemberInput
	if err := decode(r, &in); err != nil {
		return err
	}
	c, err := s.Meet.AddCommitteeMember(r.Context(), id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, c)
	return nil
}

func (s *Server) updateCommitteeMember(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in meeting.CommitteeMemberPatch
	if err := decode(r, &in); err != nil {
		return err
	}
	c, err := s.Meet.UpdateCommitteeMember(r.Context(), id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, c)
	return nil
}

func (s *Server) recordElection(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in meeting.ElectionInput
	if err := decode(r, &in); err != nil {
		return err
	}
	c, err := s.Meet.RecordElection(r.Context(), id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, c)
	return nil
}

func (s *Server) committeeRenewals(w http.ResponseWriter, r *http.Request) error {
	items, err := s.Meet.Renewals(r.Context())
	if err != nil {
		return err
	}
	return writePaged(w, r, items)
}

func (s *Server) exportCommitteeRenewals(w http.ResponseWriter, r *http.Request) error {
	return s.Meet.ExportRenewals(r.Context(), meetingTarget(w, "renewals", "换届提醒"))
}

func (s *Server) vacancies(w http.ResponseWriter, r *http.Request) error {
	items, err := s.Meet.Vacancies(r.Context())
	if err != nil {
		return err
	}
	return writePaged(w, r, items)
}

func (s *Server) exportVacancies(w http.ResponseWriter, r *http.Request) error {
	return s.Meet.ExportVacancies(r.Context(), meetingTarget(w, "vacancies", "书记空缺"))
}

func (s *Server) meetingTemplate(w http.ResponseWriter, r *http.Request) error {
	return sendTemplate(w, "meetings-template", "会议记录导入模板", meeting.ImportTemplate)
}

func (s *Server) importMeetings(w http.ResponseWriter, r *http.Request) error {
	return s.runImport(w, r, "meetings", meeting.ImportColumns(), s.Meet.Import)
}
