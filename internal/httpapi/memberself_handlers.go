package httpapi

import (
	"net/http"
	"strconv"

	"liangxin/internal/apperr"
	"liangxin/internal/memberself"
)

func (s *Server) issueActivationCode(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	out, err := s.MemberSelf.IssueCode(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, out)
	return nil
}

func (s *Server) memberAccountStatus(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	out, err := s.MemberSelf.Status(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) disableMemberAccount(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	out, err := s.MemberSelf.CloseAccount(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// activateMember is public: rate-limited per address (as many as the public
// lookups, counted apart), and each code locks after the login threshold of wrong identities.
func (s *Server) activateMember(w http.ResponseWriter, r *http.Request) error {
	if err := s.throttle(w, r, "activate"); err != nil {
		return err
	}
	var in memberself.ActivateInput
	if err := decode(r, &in); err != nil {
		return err
	}
	out, err := s.MemberSelf.Activate(publicCtx(r, s.clientIP(r)), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, out)
	return nil
}

func (s *Server) myMemberProfile(w http.ResponseWriter, r *http.Request) error {
	out, err := s.MemberSelf.Profile(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// selfYear reads the optional year parameter (0: this year).
func selfYear(r *http.Request) (int, error) {
	v := r.URL.Query().Get("year")
	if v == "" {
		return 0, nil
	}
	y, err := strconv.Atoi(v)
	if err != nil || y < 2000 || y > 2100 {
		return 0, apperr.InvalidField("year", "年度应为 2000–2100 的整数")
	}
	return y, nil
}

func (s *Server) myMeetings(w http.ResponseWriter, r *http.Request) error {
	y, err := selfYear(r)
	if err != nil {
		return err
	}
	out, err := s.MemberSelf.Meetings(r.Context(), y)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) myMeeting(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	out, err := s.MemberSelf.Meeting(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) myDues(w http.ResponseWriter, r *http.Request) error {
	y, err := selfYear(r)
	if err != nil {
		return err
	}
	if y != 0 && y < 2008 {
		return apperr.InvalidField("year", "年度应为 2008–2100 的整数")
	}
	out, err := s.MemberSelf.MyDues(r.Context(), y)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) myWishes(w http.ResponseWriter, r *http.Request) error {
	out, err := s.MemberSelf.MyWishes(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) claimMyWish(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in memberself.ClaimInput
	if err := decode(r, &in); err != nil {
		return err
	}
	out, err := s.MemberSelf.ClaimWish(r.Context(), id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) mySignInMeeting(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	out, err := s.MemberSelf.SignInMeeting(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}
