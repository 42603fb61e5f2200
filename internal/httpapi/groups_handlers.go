package httpapi

import (
	"net/http"

	"liangxin/internal/partyorg"
)

// Handlers of 党小组 members (routes in routes_members.go).

func (s *Server) listGroupMembers(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	items, err := s.Party.GroupMembers(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, list[partyorg.GroupMember]{Items: items})
	return nil
}

func (s *Server) addGroupMember(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in partyorg.GroupMemberInput
	if err := decode(r, &in); err != nil {
		return err
	}
	gm, err := s.Party.AddGroupMember(r.Context(), id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, gm)
	return nil
}

func (s *Server) endGroupMember(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	memberID, err := pathID(r, "member_id")
	if err != nil {
		return err
	}
	var in dateOn
	if err := decode(r, &in); err != nil {
		return err
	}
	gm, err := s.Party.EndGroupMember(r.Context(), id, memberID, in.On)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, gm)
	return nil
}
