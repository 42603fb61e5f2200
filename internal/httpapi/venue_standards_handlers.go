package httpapi

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"

	"liangxin/internal/apperr"
	"liangxin/internal/civil"
	"liangxin/internal/venue"
)

func (s *Server) listVenueChecklists(w http.ResponseWriter, r *http.Request) error {
	items, err := s.Venues.Checklists(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, list[venue.Checklist]{Items: items})
	return nil
}

func (s *Server) createVenueChecklist(w http.ResponseWriter, r *http.Request) error {
	var in venue.ChecklistInput
	if err := decode(r, &in); err != nil {
		return err
	}
	out, err := s.Venues.CreateChecklist(r.Context(), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, out)
	return nil
}

// venueFilter reads the filters shared by the venue list and the
// below-standard list.
func venueFilter(r *http.Request) (venue.Filter, error) {
	q := r.URL.Query()
	f := venue.Filter{Kind: q.Get("kind"), RegionCode: q.Get("region_code"), Q: q.Get("q"), Standard: q.Get("standard_status"), Active: q.Get("active"), Sort: q.Get("sort")}
	bad := apperr.Invalid()
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

func (s *Server) listVenuesBelowStandard(w http.ResponseWriter, r *http.Request) error {
	f, err := venueFilter(r)
	if err != nil {
		return err
	}
	items, total, err := s.Venues.BelowStandardList(r.Context(), f)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, pageOfTotal(items, total, f.Page, f.PageSize))
	return nil
}

func (s *Server) deactivateVenue(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in venue.DeactivateInput
	if err := decode(r, &in); err != nil {
		return err
	}
	out, err := s.Venues.Deactivate(r.Context(), id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) reactivateVenue(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	out, err := s.Venues.Reactivate(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) updateVenueRoom(w http.ResponseWriter, r *http.Request) error {
	id, room, err := venueRoomIDs(r)
	if err != nil {
		return err
	}
	var in venue.RoomInput
	if err := decode(r, &in); err != nil {
		return err
	}
	out, err := s.Venues.UpdateRoom(r.Context(), id, room, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// readPhotoPart hands the multipart part "file" to add.
func readPhotoPart(r *http.Request, add func(io.Reader) (venue.Photo, error)) (venue.Photo, error) {
	tooBig := apperr.InvalidField("file", fmt.Sprintf("每张照片不能超过 %d MB", venue.MaxPhotoBytes>>20))
	mr, err := r.MultipartReader()
	if err != nil {
		return venue.Photo{}, &apperr.Error{Kind: apperr.KindUnsupportedMedia, Code: "unsupported_media_type", Message: "请以 multipart/form-data 上传照片（字段名 file）"}
	}
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return venue.Photo{}, apperr.InvalidField("file", "请选择要上传的照片")
		}
		if err != nil {
			var mbe *http.MaxBytesError
			if errors.As(err, &mbe) {
				return venue.Photo{}, tooBig
			}
			return venue.Photo{}, apperr.InvalidField("file", "上传的数据不完整")
		}
		if part.FormName() != "file" {
			continue
		}
		ph, err := add(part)
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return venue.Photo{}, tooBig
		}
		return ph, err
	}
}

func (s *Server) uploadVenuePhoto(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	ph, err := readPhotoPart(r, func(rd io.Reader) (venue.Photo, error) { return s.Venues.AddPhoto(r.Context(), id, 0, rd) })
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, ph)
	return nil
}

func (s *Server) uploadInspectionPhoto(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	inspID, err := pathID(r, "inspection_id")
	if err != nil {
		return err
	}
	ph, err := readPhotoPart(r, func(rd io.Reader) (venue.Photo, error) { return s.Venues.AddPhoto(r.Context(), id, inspID, rd) })
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, ph)
	return nil
}

// venuePhoto serves the image with its sniffed type, never sniffed again by
// the browser, not kept in shared caches.
func (s *Server) venuePhoto(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	photoID, err := pathID(r, "photo_id")
	if err != nil {
		return err
	}
	ph, data, err := s.Venues.OpenPhoto(r.Context(), id, photoID)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", ph.ContentType)
	w.Header().Set("Content-Length", strconv.Itoa(len(data)))
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Cache-Control", "private, no-store")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`inline; filename="venue-%d-photo-%d"`, id, photoID))
	_, err = w.Write(data)
	return err
}

func (s *Server) deleteVenuePhoto(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	photoID, err := pathID(r, "photo_id")
	if err != nil {
		return err
	}
	if err := s.Venues.DeletePhoto(r.Context(), id, photoID); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) listVenueInspections(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	bad := apperr.Invalid()
	pagingErrors(r, bad)
	if err := bad.OrNil(); err != nil {
		return err
	}
	p, size, _ := pageParams(r)
	items, total, err := s.Venues.Inspections(r.Context(), id, p, size)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, pageOfTotal(items, total, p, size))
	return nil
}

func (s *Server) inspectVenue(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in venue.InspectionInput
	if err := decode(r, &in); err != nil {
		return err
	}
	out, err := s.Venues.Inspect(r.Context(), id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, out)
	return nil
}

func (s *Server) openVenueRepair(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	inspID, err := pathID(r, "inspection_id")
	if err != nil {
		return err
	}
	itemID, err := pathID(r, "item_id")
	if err != nil {
		return err
	}
	var in venue.RepairInput
	if err := decode(r, &in); err != nil {
		return err
	}
	out, err := s.Venues.OpenRepair(r.Context(), id, inspID, itemID, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, out)
	return nil
}

// dateRange reads the optional from/to days of a list.
func dateRange(r *http.Request, bad *apperr.Error) (from, to string) {
	q := r.URL.Query()
	for _, name := range []string{"from", "to"} {
		if v := q.Get(name); v != "" {
			d, err := civil.Day(name, v)
			if err != nil {
				bad.Field(name, "日期格式应为 YYYY-MM-DD")
			}
			if name == "from" {
				from = d
			} else {
				to = d
			}
		}
	}
	return from, to
}

func (s *Server) listVenueActivities(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	bad := apperr.Invalid()
	var f venue.ActivityFilter
	f.From, f.To = dateRange(r, bad)
	pagingErrors(r, bad)
	if err := bad.OrNil(); err != nil {
		return err
	}
	f.Page, f.PageSize, _ = pageParams(r)
	items, total, err := s.Venues.Activities(r.Context(), id, f)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, pageOfTotal(items, total, f.Page, f.PageSize))
	return nil
}

func (s *Server) addVenueActivity(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in venue.ActivityInput
	if err := decode(r, &in); err != nil {
		return err
	}
	out, err := s.Venues.AddActivity(r.Context(), id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, out)
	return nil
}

func (s *Server) deleteVenueActivity(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	act, err := pathID(r, "activity_id")
	if err != nil {
		return err
	}
	if err := s.Venues.DeleteActivity(r.Context(), id, act); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// yearParam reads ?year= (default: this year in China time).
func (s *Server) yearParam(r *http.Request) (int, error) {
	v := r.URL.Query().Get("year")
	if v == "" {
		return strconv.Atoi(s.Venues.Today()[:4])
	}
	y, err := strconv.Atoi(v)
	if err != nil || y < 2000 || y > 2100 {
		return 0, apperr.InvalidField("year", "年份应为 2000–2100 的整数")
	}
	return y, nil
}

func (s *Server) venueYear(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	year, err := s.yearParam(r)
	if err != nil {
		return err
	}
	out, err := s.Venues.Year(r.Context(), id, year)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) setVenueVisitors(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in venue.VisitorsInput
	if err := decode(r, &in); err != nil {
		return err
	}
	out, err := s.Venues.SetVisitors(r.Context(), id, r.PathValue("month"), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) venueReport(w http.ResponseWriter, r *http.Request) error {
	year, err := s.yearParam(r)
	if err != nil {
		return err
	}
	rep, _, err := s.Venues.VenueReport(r.Context(), year, r.URL.Query().Get("region_code"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, rep)
	return nil
}

// exportVenueReport streams the venue report: one row per venue, a subtotal
// row after each street, the total last.
func (s *Server) exportVenueReport(w http.ResponseWriter, r *http.Request) error {
	year, err := s.yearParam(r)
	if err != nil {
		return err
	}
	return s.Venues.ExportReport(r.Context(), xlsxTarget(w, fmt.Sprintf("venues-%d", year), fmt.Sprintf("%d年阵地统计", year)), year, r.URL.Query().Get("region_code"))
}

func (s *Server) venueTemplate(w http.ResponseWriter, r *http.Request) error {
	return sendTemplate(w, "venue-template", "阵地导入模板", venue.ImportTemplate)
}

func (s *Server) importVenues(w http.ResponseWriter, r *http.Request) error {
	return s.runImport(w, r, "venues", venue.ImportColumns(), s.Venues.Import)
}
