package httpapi

import (
	"net/http"

	"liangxin/internal/apperr"
	"liangxin/internal/civil"
	"liangxin/internal/venue"
)

func (s *Server) venueOptions(w http.ResponseWriter, r *http.Request) error {
	writeJSON(w, http.StatusOK, venue.GetOptions())
	return nil
}

func (s *Server) listVenues(w http.ResponseWriter, r *http.Request) error {
	f, err := venueFilter(r)
	if err != nil {
		return err
	}
	items, total, err := s.Venues.List(r.Context(), f)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, pageOfTotal(items, total, f.Page, f.PageSize))
	return nil
}

func (s *Server) createVenue(w http.ResponseWriter, r *http.Request) error {
	var in venue.Input
	if err := decode(r, &in); err != nil {
		return err
	}
	out, err := s.Venues.Create(r.Context(), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, out)
	return nil
}

func (s *Server) getVenue(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	out, err := s.Venues.Get(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) updateVenue(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in venue.Input
	if err := decode(r, &in); err != nil {
		return err
	}
	out, err := s.Venues.Update(r.Context(), id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) setVenueUnits(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in venue.UnitsInput
	if err := decode(r, &in); err != nil {
		return err
	}
	out, err := s.Venues.SetUnits(r.Context(), id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) addVenueRoom(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in venue.RoomInput
	if err := decode(r, &in); err != nil {
		return err
	}
	out, err := s.Venues.AddRoom(r.Context(), id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, out)
	return nil
}

func (s *Server) revealVenuePhone(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	out, err := s.Venues.RevealPhone(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) venueWeek(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	out, err := s.Venues.WeekOf(r.Context(), id, r.URL.Query().Get("week"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// venueRoomIDs reads the venue and room of a booking path.
func venueRoomIDs(r *http.Request) (int64, int64, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return 0, 0, err
	}
	room, err := pathID(r, "room_id")
	return id, room, err
}

func (s *Server) listVenueBookings(w http.ResponseWriter, r *http.Request) error {
	id, room, err := venueRoomIDs(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	f := venue.BookingFilter{Status: q.Get("status")}
	bad := apperr.Invalid()
	if f.Status != "" && f.Status != venue.StatusConfirmed && f.Status != venue.StatusCancelled {
		bad.Field("status", "预约状态应为 confirmed（已预约）或 cancelled（已取消）")
	}
	for _, name := range []string{"from", "to"} {
		if v := q.Get(name); v != "" {
			d, err := civil.Day(name, v)
			if err != nil {
				bad.Field(name, "日期格式应为 YYYY-MM-DD")
			}
			if name == "from" {
				f.From = d
			} else {
				f.To = d
			}
		}
	}
	pagingErrors(r, bad)
	if err := bad.OrNil(); err != nil {
		return err
	}
	f.Page, f.PageSize, _ = pageParams(r)
	items, total, err := s.Venues.Bookings(r.Context(), id, room, f)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, pageOfTotal(items, total, f.Page, f.PageSize))
	return nil
}

func (s *Server) bookVenueRoom(w http.ResponseWriter, r *http.Request) error {
	id, room, err := venueRoomIDs(r)
	if err != nil {
		return err
	}
	var in venue.BookingInput
	if err := decode(r, &in); err != nil {
		return err
	}
	out, err := s.Venues.Book(r.Context(), id, room, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, out)
	return nil
}

func (s *Server) cancelVenueBooking(w http.ResponseWriter, r *http.Request) error {
	id, room, err := venueRoomIDs(r)
	if err != nil {
		return err
	}
	booking, err := pathID(r, "booking_id")
	if err != nil {
		return err
	}
	var in venue.CancelInput
	if err := decode(r, &in); err != nil {
		return err
	}
	out, err := s.Venues.Cancel(r.Context(), id, room, booking, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}
