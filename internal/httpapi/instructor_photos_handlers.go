package httpapi

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"

	"liangxin/internal/apperr"
	"liangxin/internal/instructor"
)

// photoIDs reads {id} and {visit_id} of a visit-photo route.
func photoIDs(r *http.Request) (id, visitID int64, err error) {
	if id, err = pathID(r, "id"); err != nil {
		return 0, 0, err
	}
	visitID, err = pathID(r, "visit_id")
	return id, visitID, err
}

// uploadVisitPhoto is POST /instructors/{id}/visits/{visit_id}/photos: one
// photo in the multipart part "file".
func (s *Server) uploadVisitPhoto(w http.ResponseWriter, r *http.Request) error {
	id, visitID, err := photoIDs(r)
	if err != nil {
		return err
	}
	tooBig := apperr.InvalidField("file", fmt.Sprintf("每张照片不能超过 %d MB", instructor.MaxPhotoBytes>>20))
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
		ph, err := s.Instr.AddPhoto(r.Context(), id, visitID, part)
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

// visitPhoto is GET /instructors/{id}/visits/{visit_id}/photos/{photo_id}:
// the image with its sniffed type, never sniffed again by the browser, not
// kept in shared caches.
func (s *Server) visitPhoto(w http.ResponseWriter, r *http.Request) error {
	id, visitID, err := photoIDs(r)
	if err != nil {
		return err
	}
	photoID, err := pathID(r, "photo_id")
	if err != nil {
		return err
	}
	ph, data, err := s.Instr.OpenPhoto(r.Context(), id, visitID, photoID)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", ph.ContentType)
	w.Header().Set("Content-Length", strconv.Itoa(len(data)))
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Cache-Control", "private, no-store")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`inline; filename="visit-%d-photo-%d"`, visitID, photoID))
	_, err = w.Write(data)
	return err
}

// deleteVisitPhoto is DELETE /instructors/{id}/visits/{visit_id}/photos/{photo_id}.
func (s *Server) deleteVisitPhoto(w http.ResponseWriter, r *http.Request) error {
	id, visitID, err := photoIDs(r)
	if err != nil {
		return err
	}
	photoID, err := pathID(r, "photo_id")
	if err != nil {
		return err
	}
	if err := s.Instr.DeletePhoto(r.Context(), id, visitID, photoID); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
