package httpapi

import (
	"net/http"

	"liangxin/internal/apperr"
	"liangxin/internal/notify"
)

func (s *Server) listNotifications(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	bad := apperr.Invalid()
	f := notify.Filter{Kind: q.Get("kind")}
	switch q.Get("unread") {
	case "", "false":
	case "true":
		f.Unread = true
	default:
		bad.Field("unread", "unread 应为 true 或 false")
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
		return err
	}
	f.Page, f.PageSize, _ = pageParams(r)
	items, total, err := s.Inbox.List(r.Context(), f)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, pageOfTotal(items, total, f.Page, f.PageSize))
	return nil
}

func (s *Server) unreadNotifications(w http.ResponseWriter, r *http.Request) error {
	out, err := s.Inbox.Unread(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) readNotification(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	out, err := s.Inbox.MarkRead(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) readAllNotifications(w http.ResponseWriter, r *http.Request) error {
	out, err := s.Inbox.MarkAllRead(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}
