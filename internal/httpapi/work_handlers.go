package httpapi

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"

	"liangxin/internal/actor"
	"liangxin/internal/apperr"
	"liangxin/internal/auth"
	"liangxin/internal/sheetexport"
	"liangxin/internal/workloop"
)

func (s *Server) workOptions(w http.ResponseWriter, r *http.Request) error {
	writeJSON(w, http.StatusOK, WorkOptions{NoticeKinds: workloop.NoticeKinds(), NoticeStates: workloop.NoticeStates(), ReceiptStatuses: workloop.ReceiptStatuses(),
		TaskStates: workloop.TaskStates(), TaskActions: workloop.TaskActions(), Origins: workloop.Origins(), PlanKinds: workloop.PlanKinds()})
	return nil
}

// uploadWorkFile is POST /workloop-files: one document in the part "file".
func (s *Server) uploadWorkFile(w http.ResponseWriter, r *http.Request) error {
	tooBig := apperr.InvalidField("file", fmt.Sprintf("每个附件不能超过 %d MB", workloop.MaxFileBytes>>20))
	mr, err := r.MultipartReader()
	if err != nil {
		return &apperr.Error{Kind: apperr.KindUnsupportedMedia, Code: "unsupported_media_type", Message: "请以 multipart/form-data 上传附件（字段名 file）"}
	}
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return apperr.InvalidField("file", "请选择要上传的附件")
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
		f, err := s.Work.Upload(r.Context(), part.FileName(), part)
		if err != nil {
			var mbe *http.MaxBytesError
			if errors.As(err, &mbe) {
				return tooBig
			}
			return err
		}
		writeJSON(w, http.StatusCreated, f)
		return nil
	}
}

func (s *Server) workFile(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	f, data, err := s.Work.OpenFile(r.Context(), id)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", f.ContentType)
	w.Header().Set("Content-Length", strconv.Itoa(len(data)))
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Cache-Control", "private, no-store")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="file-%d"; filename*=UTF-8''%s`, f.ID, urlEscape(f.Name)))
	_, err = w.Write(data)
	return err
}

// noticeFilter reads the notice list's filter; every wrong parameter is named in one answer.
func noticeFilter(r *http.Request) (workloop.NoticeFilter, error) {
	q := r.URL.Query()
	f := workloop.NoticeFilter{Kind: q.Get("kind"), State: q.Get("state"), Q: q.Get("q")}
	bad := apperr.Invalid()
	if v := q.Get("year"); v != "" {
		if n, err := strconv.Atoi(v); err != nil || n < 2000 || n > 2100 {
			bad.Field("year", "年度应为 2000–2100 的整数")
		} else {
			f.Year = v
		}
	}
	switch q.Get("unread") {
	case "", "false":
	case "true":
		f.Unread = true
	default:
		bad.Field("unread", "unread 应为 true 或 false")
	}
	mergeFields(bad, f.Validate())
	pagingErrors(r, bad)
	if err := bad.OrNil(); err != nil {
		return f, err
	}
	f.Page, f.PageSize, _ = pageParams(r)
	return f, nil
}

func mergeFields(bad *apperr.Error, err error) {
	if e, ok := apperr.As(err); ok {
		for k, m := range e.Fields {
			bad.Field(k, m)
		}
	}
}

func (s *Server) listNotices(w http.ResponseWriter, r *http.Request) error {
	f, err := noticeFilter(r)
	if err != nil {
		return err
	}
	items, total, err := s.Work.ListNotices(r.Context(), f)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, pageOfTotal(items, total, f.Page, f.PageSize))
	return nil
}

func (s *Server) createNotice(w http.ResponseWriter, r *http.Request) error {
	var in workloop.NoticeInput
	if err := decode(r, &in); err != nil {
		return err
	}
	n, err := s.Work.CreateNotice(r.Context(), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, n)
	return nil
}

// noticeByID runs fn with the path's {id} and writes the notice it returns.
func noticeByID(w http.ResponseWriter, r *http.Request, fn func(id int64) (workloop.Notice, error)) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	n, err := fn(id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, n)
	return nil
}

func (s *Server) getNotice(w http.ResponseWriter, r *http.Request) error {
	return noticeByID(w, r, func(id int64) (workloop.Notice, error) { return s.Work.GetNotice(r.Context(), id) })
}

func (s *Server) updateNotice(w http.ResponseWriter, r *http.Request) error {
	var in workloop.NoticeInput
	if err := decode(r, &in); err != nil {
		return err
	}
	return noticeByID(w, r, func(id int64) (workloop.Notice, error) { return s.Work.UpdateNotice(r.Context(), id, in) })
}

func (s *Server) publishNotice(w http.ResponseWriter, r *http.Request) error {
	return noticeByID(w, r, func(id int64) (workloop.Notice, error) { return s.Work.Publish(r.Context(), id) })
}

func (s *Server) withdrawNotice(w http.ResponseWriter, r *http.Request) error {
	var in workloop.WithdrawInput
	if err := decode(r, &in); err != nil {
		return err
	}
	return noticeByID(w, r, func(id int64) (workloop.Notice, error) { return s.Work.Withdraw(r.Context(), id, in) })
}

func (s *Server) readNotice(w http.ResponseWriter, r *http.Request) error {
	return noticeByID(w, r, func(id int64) (workloop.Notice, error) { return s.Work.MarkRead(r.Context(), id) })
}

func (s *Server) noticeItemDone(w http.ResponseWriter, r *http.Request) error {
	item, err := pathID(r, "item_id")
	if err != nil {
		return err
	}
	var in workloop.DoneInput
	if err := decode(r, &in); err != nil {
		return err
	}
	return noticeByID(w, r, func(id int64) (workloop.Notice, error) { return s.Work.MarkDone(r.Context(), id, item, in) })
}

func receiptFilter(r *http.Request, paged bool) (workloop.ReceiptFilter, error) {
	q := r.URL.Query()
	f := workloop.ReceiptFilter{Status: q.Get("status"), StreetCode: q.Get("street_code"), Q: q.Get("q")}
	bad := apperr.Invalid()
	mergeFields(bad, f.Validate())
	if paged {
		pagingErrors(r, bad)
	}
	if err := bad.OrNil(); err != nil {
		return f, err
	}
	if paged {
		f.Page, f.PageSize, _ = pageParams(r)
	}
	return f, nil
}

func (s *Server) noticeReceipts(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	f, err := receiptFilter(r, true)
	if err != nil {
		return err
	}
	items, total, err := s.Work.Receipts(r.Context(), id, f)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, pageOfTotal(items, total, f.Page, f.PageSize))
	return nil
}

func (s *Server) noticeReceiptsByStreet(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	out, err := s.Work.ReceiptsByStreet(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// exportNoticeReceipts writes the receipts (filters as the list) and the
// per-street counts as a workbook.
func (s *Server) exportNoticeReceipts(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	f, err := receiptFilter(r, false)
	if err != nil {
		return err
	}
	return s.Work.ExportReceipts(r.Context(), func(title string) sheetexport.Target { return xlsxTarget(w, "notice-receipts", title) }, id, f)
}

// canSteps reports which side's task steps the caller's role may take.
func canSteps(ctx context.Context) (assigner, assignee bool) {
	a, _ := actor.From(ctx)
	return auth.Can(a.Role, auth.PermWorkWrite), auth.Can(a.Role, auth.PermWorkRespond)
}

// limitTaskSteps keeps the next steps the caller's role may take.
func limitTaskSteps(ctx context.Context, t *workloop.Task) {
	assigner, assignee := canSteps(ctx)
	out := []string{}
	for _, st := range t.Steps {
		switch {
		case st == workloop.ActAccept || st == workloop.ActSendBack:
			if assigner {
				out = append(out, st)
			}
		case st == workloop.ActRequestClose:
			if assignee {
				out = append(out, st)
			}
		case assigner || assignee:
			out = append(out, st)
		}
	}
	t.Steps = out
}

func taskFilter(r *http.Request, paged bool) (workloop.TaskFilter, error) {
	q := r.URL.Query()
	f := workloop.TaskFilter{State: q.Get("state"), RegionCode: q.Get("region_code"), OriginKind: q.Get("origin_kind"), Q: q.Get("q")}
	bad := apperr.Invalid()
	switch q.Get("overdue") {
	case "", "false":
	case "true":
		f.Overdue = true
	default:
		bad.Field("overdue", "overdue 应为 true 或 false")
	}
	if v := q.Get("origin_id"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 1 {
			bad.Field("origin_id", "来源记录 ID 应为正整数")
		}
		f.OriginID = n
	}
	mergeFields(bad, f.Validate())
	if paged {
		pagingErrors(r, bad)
	}
	if err := bad.OrNil(); err != nil {
		return f, err
	}
	if paged {
		f.Page, f.PageSize, _ = pageParams(r)
	}
	return f, nil
}

func (s *Server) listTasks(w http.ResponseWriter, r *http.Request) error {
	f, err := taskFilter(r, true)
	if err != nil {
		return err
	}
	items, total, err := s.Work.ListTasks(r.Context(), f)
	if err != nil {
		return err
	}
	for i := range items {
		limitTaskSteps(r.Context(), &items[i])
	}
	writeJSON(w, http.StatusOK, pageOfTotal(items, total, f.Page, f.PageSize))
	return nil
}

func (s *Server) countTasks(w http.ResponseWriter, r *http.Request) error {
	f, err := taskFilter(r, false)
	if err != nil {
		return err
	}
	c, err := s.Work.CountTasks(r.Context(), f)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, c)
	return nil
}

func (s *Server) tasksByStreet(w http.ResponseWriter, r *http.Request) error {
	items, err := s.Work.TasksByStreet(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, list[workloop.StreetTasks]{Items: items})
	return nil
}

func (s *Server) writeTask(w http.ResponseWriter, r *http.Request, status int, t workloop.Task, err error) error {
	if err != nil {
		return err
	}
	limitTaskSteps(r.Context(), &t)
	writeJSON(w, status, t)
	return nil
}

func (s *Server) createTask(w http.ResponseWriter, r *http.Request) error {
	var in workloop.TaskInput
	if err := decode(r, &in); err != nil {
		return err
	}
	t, err := s.Work.CreateTask(r.Context(), in)
	return s.writeTask(w, r, http.StatusCreated, t, err)
}

func (s *Server) getTask(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	t, err := s.Work.GetTask(r.Context(), id)
	return s.writeTask(w, r, http.StatusOK, t, err)
}

func (s *Server) taskTimeline(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	out, err := s.Work.Timeline(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, list[workloop.TaskEvent]{Items: out})
	return nil
}

func (s *Server) actOnTask(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in workloop.TaskAction
	if err := decode(r, &in); err != nil {
		return err
	}
	assigner, assignee := canSteps(r.Context())
	t, err := s.Work.Act(r.Context(), id, in, assigner, assignee)
	return s.writeTask(w, r, http.StatusOK, t, err)
}

func (s *Server) listPlans(w http.ResponseWriter, r *http.Request) error {
	p, size, err := pageParams(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	items, total, err := s.Work.ListPlans(r.Context(), workloop.PlanFilter{Kind: q.Get("kind"), Q: q.Get("q"), Page: p, PageSize: size})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, pageOfTotal(items, total, p, size))
	return nil
}

func (s *Server) createPlan(w http.ResponseWriter, r *http.Request) error {
	var in workloop.PlanInput
	if err := decode(r, &in); err != nil {
		return err
	}
	p, err := s.Work.CreatePlan(r.Context(), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, p)
	return nil
}

func (s *Server) getPlan(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	p, err := s.Work.GetPlan(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, p)
	return nil
}

func (s *Server) addSupervisionVisit(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in workloop.VisitInput
	if err := decode(r, &in); err != nil {
		return err
	}
	p, err := s.Work.AddVisit(r.Context(), id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, p)
	return nil
}

func (s *Server) findingDone(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in workloop.FindingDoneInput
	if err := decode(r, &in); err != nil {
		return err
	}
	f, err := s.Work.FindingDone(r.Context(), id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, f)
	return nil
}

func (s *Server) findingToTask(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in workloop.FindingTaskInput
	if err := decode(r, &in); err != nil {
		return err
	}
	t, err := s.Work.FindingToTask(r.Context(), id, in)
	return s.writeTask(w, r, http.StatusCreated, t, err)
}
