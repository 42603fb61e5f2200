package httpapi

import (
	"net/http"
	"strconv"

	"liangxin/internal/apperr"
	"liangxin/internal/member"
)

func (s *Server) listTransfers(w http.ResponseWriter, r *http.Request) error {
	f, err := transferFilter(r)
	if err != nil {
		return err
	}
	if f.Page, f.PageSize, err = pageParams(r); err != nil {
		return err
	}
	items, total, err := s.Members.ListTransfers(r.Context(), f)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, pageOfTotal(items, total, f.Page, f.PageSize))
	return nil
}

// transferFilter reads the list filters of /transfers and /transfers/export.
func transferFilter(r *http.Request) (member.TransferFilter, error) {
	q := r.URL.Query()
	bad := apperr.Invalid()
	f := member.TransferFilter{Status: q.Get("status"), Kind: q.Get("kind"), PartyOrgID: optID(q, "party_org_id", bad), MemberID: optID(q, "member_id", bad)}
	return f, bad.OrNil()
}

// exportTransfers streams the transfers of the filter that the caller sees
// (the sending or receiving side in scope).
func (s *Server) exportTransfers(w http.ResponseWriter, r *http.Request) error {
	f, err := transferFilter(r)
	if err != nil {
		return err
	}
	return s.Members.ExportTransfers(r.Context(), pathTarget(w, "transfers", "组织关系转接"), f)
}

func (s *Server) startTransfer(w http.ResponseWriter, r *http.Request) error {
	var in member.TransferInput
	if err := decode(r, &in); err != nil {
		return err
	}
	t, err := s.Members.StartTransfer(r.Context(), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, t)
	return nil
}

func (s *Server) transferOptions(w http.ResponseWriter, r *http.Request) error {
	writeJSON(w, http.StatusOK, map[string]any{"kinds": member.TransferKinds(), "statuses": member.TransferStatuses(), "directions": member.MobilityDirections()})
	return nil
}

func (s *Server) pocketMembers(w http.ResponseWriter, r *http.Request) error {
	items, err := s.Members.PocketMembers(r.Context(), r.URL.Query().Get("as_of"))
	if err != nil {
		return err
	}
	return writePaged(w, r, items)
}

func (s *Server) getTransfer(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	t, err := s.Members.GetTransfer(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, t)
	return nil
}

func (s *Server) acceptTransfer(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in member.AcceptInput
	if err := decode(r, &in); err != nil {
		return err
	}
	t, err := s.Members.AcceptTransfer(r.Context(), id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, t)
	return nil
}

// closeTransferWith decodes a TransferClose body and applies fn to the transfer {id}.
func (s *Server) closeTransferWith(w http.ResponseWriter, r *http.Request, fn func(*http.Request, int64, member.CloseInput) (member.Transfer, error)) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in member.CloseInput
	if err := decode(r, &in); err != nil {
		return err
	}
	t, err := fn(r, id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, t)
	return nil
}

func (s *Server) transferReturnSlip(w http.ResponseWriter, r *http.Request) error {
	return s.closeTransferWith(w, r, func(r *http.Request, id int64, in member.CloseInput) (member.Transfer, error) {
		return s.Members.ReceiveReturnSlip(r.Context(), id, in)
	})
}

func (s *Server) returnTransfer(w http.ResponseWriter, r *http.Request) error {
	return s.closeTransferWith(w, r, func(r *http.Request, id int64, in member.CloseInput) (member.Transfer, error) {
		return s.Members.ReturnTransfer(r.Context(), id, in)
	})
}

func (s *Server) cancelTransfer(w http.ResponseWriter, r *http.Request) error {
	return s.closeTransferWith(w, r, func(r *http.Request, id int64, in member.CloseInput) (member.Transfer, error) {
		return s.Members.CancelTransfer(r.Context(), id, in)
	})
}

func (s *Server) memberMemberships(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	items, err := s.Members.Memberships(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, list[member.Membership]{Items: items})
	return nil
}

func (s *Server) startMobility(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in member.MobilityInput
	if err := decode(r, &in); err != nil {
		return err
	}
	m, err := s.Members.StartMobility(r.Context(), id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, m)
	return nil
}

func (s *Server) updateMobility(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in member.MobilityPatch
	if err := decode(r, &in); err != nil {
		return err
	}
	m, err := s.Members.UpdateMobility(r.Context(), id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, m)
	return nil
}

func (s *Server) listMobility(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	bad := apperr.Invalid()
	f := member.MobileFilter{AsOf: q.Get("as_of"), Direction: q.Get("direction"), PartyOrgID: optID(q, "party_org_id", bad)}
	if v := q.Get("min_months"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			bad.Field("min_months", "应为非负整数")
		}
		f.MinMonths = &n
	}
	pagingErrors(r, bad)
	if err := bad.OrNil(); err != nil {
		return err
	}
	items, err := s.Members.MobileMembers(r.Context(), f)
	if err != nil {
		return err
	}
	return writePaged(w, r, items)
}

func (s *Server) mobilityPlaces(w http.ResponseWriter, r *http.Request) error {
	items, err := s.Members.Places(r.Context(), r.URL.Query().Get("as_of"))
	if err != nil {
		return err
	}
	return writePaged(w, r, items)
}

func (s *Server) startDual(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in member.DualInput
	if err := decode(r, &in); err != nil {
		return err
	}
	d, err := s.Members.StartDual(r.Context(), id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, d)
	return nil
}

func (s *Server) endDual(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in member.CloseInput
	if err := decode(r, &in); err != nil {
		return err
	}
	d, err := s.Members.EndDual(r.Context(), id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, d)
	return nil
}

func (s *Server) listDual(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	bad := apperr.Invalid()
	po := optID(q, "party_org_id", bad)
	ended := optBool(q, "ended", bad)
	pagingErrors(r, bad)
	if err := bad.OrNil(); err != nil {
		return err
	}
	items, err := s.Members.DualList(r.Context(), po, ended != nil && *ended)
	if err != nil {
		return err
	}
	return writePaged(w, r, items)
}
