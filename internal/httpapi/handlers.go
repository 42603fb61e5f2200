package httpapi

import (
	"context"
	"net/http"
	"strconv"

	"liangxin/internal/actor"
	"liangxin/internal/apperr"
	"liangxin/internal/audit"
	"liangxin/internal/audit/auditexport"
	"liangxin/internal/auth"
	"liangxin/internal/region"
)

type sessionResponse struct {
	User      auth.User   `json:"user"`
	CSRFToken string      `json:"csrf_token"`
	Perms     []auth.Perm `json:"perms"`
}

func (s *Server) login(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Username string `json:"username"`
		Password string `json:"password"`
	}
	if err := decode(r, &in); err != nil {
		return err
	}
	sess, err := s.Auth.Login(r.Context(), in.Username, in.Password, s.clientIP(r), r.UserAgent())
	if err != nil {
		return err
	}
	s.setSessionCookie(w, r, sess.Token)
	writeJSON(w, http.StatusOK, sessionResponse{User: sess.User, CSRFToken: sess.CSRFToken, Perms: s.effectivePerms(r.Context(), sess.User)})
	return nil
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) error {
	if c, err := r.Cookie(SessionCookie); err == nil {
		if err := s.Auth.Logout(r.Context(), c.Value); err != nil {
			return err
		}
	}
	s.clearSessionCookie(w, r)
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) me(w http.ResponseWriter, r *http.Request) error {
	u, err := s.Auth.Me(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, sessionResponse{User: u, CSRFToken: csrfFrom(r.Context()), Perms: s.effectivePerms(r.Context(), u)})
	return nil
}

func (s *Server) changePassword(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		OldPassword string `json:"old_password"`
		NewPassword string `json:"new_password"`
	}
	if err := decode(r, &in); err != nil {
		return err
	}
	sess, err := s.Auth.ChangePassword(r.Context(), in.OldPassword, in.NewPassword, s.clientIP(r), r.UserAgent())
	if err != nil {
		return err
	}
	if _, err := r.Cookie(SessionCookie); err == nil {
		s.setSessionCookie(w, r, sess.Token)
	}
	writeJSON(w, http.StatusOK, sessionResponse{User: sess.User, CSRFToken: sess.CSRFToken, Perms: s.effectivePerms(r.Context(), sess.User)})
	return nil
}

func (s *Server) system(w http.ResponseWriter, r *http.Request) error {
	// Three small reads that finish even when the page that asked has gone
	// (a navigation cancels the request): the answer is whole or an error,
	// never a jurisdiction without its name.
	sys := actor.System(context.WithoutCancel(r.Context()), "system-info")
	code, err := s.Regions.Jurisdiction(sys)
	if err != nil {
		return err
	}
	j := map[string]string{"code": code}
	if code != "" {
		rg, err := s.Regions.Get(sys, code)
		if err != nil {
			return err
		}
		j["name"] = rg.Name
		if j["full_name"], err = s.Regions.FullName(sys, code); err != nil {
			return err
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"name": "两新党建综合管理平台", "version": s.Version, "jurisdiction": j})
	return nil
}

func (s *Server) roles(w http.ResponseWriter, r *http.Request) error {
	writeJSON(w, http.StatusOK, list[auth.Role]{Items: auth.Roles()})
	return nil
}

func (s *Server) searchRegions(w http.ResponseWriter, r *http.Request) error {
	p, size, err := pageParams(r)
	if err != nil {
		return err
	}
	items, total, err := s.Regions.Search(r.Context(), r.URL.Query().Get("q"), p, size)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, pageOfTotal(items, total, p, size))
	return nil
}

func (s *Server) scopeRegion(w http.ResponseWriter, r *http.Request) error {
	rg, err := s.Regions.ScopeRoot(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, rg)
	return nil
}

func (s *Server) areaKinds(w http.ResponseWriter, r *http.Request) error {
	writeJSON(w, http.StatusOK, list[region.AreaKind]{Items: region.AreaKinds()})
	return nil
}

func (s *Server) getRegion(w http.ResponseWriter, r *http.Request) error {
	rg, err := s.Regions.Get(r.Context(), r.PathValue("code"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, rg)
	return nil
}

func (s *Server) regionChildren(w http.ResponseWriter, r *http.Request) error {
	items, err := s.Regions.Children(r.Context(), r.PathValue("code"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, list[region.Region]{Items: items})
	return nil
}

func (s *Server) regionTree(w http.ResponseWriter, r *http.Request) error {
	depth := 2
	if v := r.URL.Query().Get("depth"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > 3 {
			return apperr.InvalidField("depth", "层数应为 0–3")
		}
		depth = n
	}
	t, err := s.Regions.Tree(r.Context(), r.PathValue("code"), depth)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, t)
	return nil
}

func (s *Server) regionStats(w http.ResponseWriter, r *http.Request) error {
	st, err := s.Regions.Stats(r.Context(), r.PathValue("code"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, st)
	return nil
}

func (s *Server) createArea(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Name string `json:"name"`
		Kind string `json:"kind"`
	}
	if err := decode(r, &in); err != nil {
		return err
	}
	rg, err := s.Regions.CreateArea(r.Context(), r.PathValue("code"), in.Name, in.Kind)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, rg)
	return nil
}

func (s *Server) renameArea(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Name string `json:"name"`
	}
	if err := decode(r, &in); err != nil {
		return err
	}
	rg, err := s.Regions.RenameArea(r.Context(), r.PathValue("code"), in.Name)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, rg)
	return nil
}

func (s *Server) deleteArea(w http.ResponseWriter, r *http.Request) error {
	if err := s.Regions.DeleteArea(r.Context(), r.PathValue("code")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) listUsers(w http.ResponseWriter, r *http.Request) error {
	p, size, err := pageParams(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	items, total, err := s.Auth.ListUsers(r.Context(), auth.UserFilter{Q: q.Get("q"), Role: q.Get("role"), Page: p, PageSize: size})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, pageOfTotal(items, total, p, size))
	return nil
}

func (s *Server) createUser(w http.ResponseWriter, r *http.Request) error {
	var in auth.NewUser
	if err := decode(r, &in); err != nil {
		return err
	}
	u, pw, err := s.Auth.CreateUser(r.Context(), in)
	if err != nil {
		return err
	}
	out := map[string]any{"user": u}
	if pw != "" {
		out["initial_password"] = pw
	}
	writeJSON(w, http.StatusCreated, out)
	return nil
}

func (s *Server) getUser(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	u, err := s.Auth.GetUser(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, u)
	return nil
}

func (s *Server) updateUser(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in auth.UserPatch
	if err := decode(r, &in); err != nil {
		return err
	}
	u, err := s.Auth.UpdateUser(r.Context(), id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, u)
	return nil
}

func (s *Server) grantUser(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in auth.Grant
	if err := decode(r, &in); err != nil {
		return err
	}
	u, err := s.Auth.GrantUser(r.Context(), id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, u)
	return nil
}

func (s *Server) resetPassword(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	pw, err := s.Auth.ResetPassword(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]string{"temporary_password": pw})
	return nil
}

func (s *Server) unlockUser(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := s.Auth.Unlock(r.Context(), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) revokeSessions(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := s.Auth.RevokeSessions(r.Context(), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) listTokens(w http.ResponseWriter, r *http.Request) error {
	items, err := s.Auth.ListTokens(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, list[auth.Token]{Items: items})
	return nil
}

func (s *Server) createToken(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Name string `json:"name"`
	}
	if err := decode(r, &in); err != nil {
		return err
	}
	t, secret, err := s.Auth.CreateToken(r.Context(), in.Name)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, map[string]any{"token": secret, "item": t})
	return nil
}

func (s *Server) revokeToken(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := s.Auth.RevokeToken(r.Context(), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func auditFilter(r *http.Request) audit.Filter {
	q := r.URL.Query()
	return audit.Filter{Action: q.Get("action"), Username: q.Get("username"), Result: q.Get("result"), From: q.Get("from"), To: q.Get("to"),
		Entity: q.Get("entity"), EntityID: q.Get("entity_id")}
}

func (s *Server) listAudit(w http.ResponseWriter, r *http.Request) error {
	p, size, err := pageParams(r)
	if err != nil {
		return err
	}
	f := auditFilter(r)
	f.Page, f.PageSize = p, size
	items, total, err := s.Audit.List(r.Context(), f)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, pageOfTotal(items, total, p, size))
	return nil
}

func (s *Server) auditActions(w http.ResponseWriter, r *http.Request) error {
	writeJSON(w, http.StatusOK, list[audit.Action]{Items: audit.Actions()})
	return nil
}

// exportAudit streams the audit log with the filters of the list.
func (s *Server) exportAudit(w http.ResponseWriter, r *http.Request) error {
	return auditexport.Export(r.Context(), s.Audit, xlsxTarget(w, "audit", "审计日志"), auditFilter(r))
}
