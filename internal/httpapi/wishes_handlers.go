package httpapi

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"

	"liangxin/internal/apperr"
	"liangxin/internal/wish"
)

func (s *Server) wishOptions(w http.ResponseWriter, _ *http.Request) error {
	writeJSON(w, http.StatusOK, wish.GetOptions())
	return nil
}

func (s *Server) wishSettings(w http.ResponseWriter, r *http.Request) error {
	st, err := s.Wishes.GetSettings(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, st)
	return nil
}

func (s *Server) setWishSettings(w http.ResponseWriter, r *http.Request) error {
	var in wish.SettingsInput
	if err := decode(r, &in); err != nil {
		return err
	}
	st, err := s.Wishes.SetSettings(r.Context(), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, st)
	return nil
}

// wishFilter reads the list filter; every wrong parameter is named in one answer.
func wishFilter(r *http.Request, paged bool) (wish.Filter, error) {
	q := r.URL.Query()
	f := wish.Filter{State: q.Get("state"), Category: q.Get("category"), RegionCode: q.Get("region_code"), Q: q.Get("q"), Sort: q.Get("sort")}
	bad := apperr.Invalid()
	if err := f.Validate(); err != nil {
		if e, ok := apperr.As(err); ok {
			for k, m := range e.Fields {
				bad.Field(k, m)
			}
		}
	}
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

func (s *Server) listWishes(w http.ResponseWriter, r *http.Request) error {
	f, err := wishFilter(r, true)
	if err != nil {
		return err
	}
	items, total, err := s.Wishes.List(r.Context(), f)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, pageOfTotal(items, total, f.Page, f.PageSize))
	return nil
}

func (s *Server) countWishes(w http.ResponseWriter, r *http.Request) error {
	f, err := wishFilter(r, false)
	if err != nil {
		return err
	}
	c, err := s.Wishes.Count(r.Context(), f)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, c)
	return nil
}

// exportWishes streams the wishes of the list's filters, phones masked and
// the wisher named as on the board.
func (s *Server) exportWishes(w http.ResponseWriter, r *http.Request) error {
	f, err := wishFilter(r, false)
	if err != nil {
		return err
	}
	return s.Wishes.Export(r.Context(), xlsxTarget(w, "wishes", "微心愿"), f)
}

func (s *Server) createWish(w http.ResponseWriter, r *http.Request) error {
	var in wish.Input
	if err := decode(r, &in); err != nil {
		return err
	}
	out, err := s.Wishes.Create(r.Context(), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, out)
	return nil
}

func (s *Server) getWish(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	out, err := s.Wishes.Get(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) wishTimeline(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	out, err := s.Wishes.Timeline(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, list[wish.Event]{Items: out})
	return nil
}

func (s *Server) actOnWish(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in wish.ActionInput
	if err := decode(r, &in); err != nil {
		return err
	}
	out, err := s.Wishes.Act(r.Context(), id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) revealWishPhone(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	out, err := s.Wishes.RevealPhone(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// uploadWishPhoto is POST /wishes/{id}/photos: one photo in the part "file".
func (s *Server) uploadWishPhoto(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	tooBig := apperr.InvalidField("file", fmt.Sprintf("每张照片不能超过 %d MB", wish.MaxPhotoBytes>>20))
	mr, err := r.MultipartReader()
	if err != nil {
		return &apperr.Error{Kind: apperr.KindUnsupportedMedia, Code: "unsupported_media_type", Message: "请以 multipart/form-data 上传照片（字段名 file）"}
	}
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return apperr.InvalidField("file", "请选择要上传的照片")
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
		ph, err := s.Wishes.AddPhoto(r.Context(), id, part)
		if err != nil {
			var mbe *http.MaxBytesError
			if errors.As(err, &mbe) {
				return tooBig
			}
			return err
		}
		writeJSON(w, http.StatusCreated, ph)
		return nil
	}
}

// wishPhoto is GET /wishes/{id}/photos/{photo_id}: the image, never sniffed
// again by the browser, not kept in shared caches.
func (s *Server) wishPhoto(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	photoID, err := pathID(r, "photo_id")
	if err != nil {
		return err
	}
	ph, data, err := s.Wishes.OpenPhoto(r.Context(), id, photoID)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", ph.ContentType)
	w.Header().Set("Content-Length", strconv.Itoa(len(data)))
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Cache-Control", "private, no-store")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`inline; filename="wish-%d-photo-%d"`, id, photoID))
	_, err = w.Write(data)
	return err
}
