package httpapi

import (
	"net/http"

	"liangxin/internal/dues"
)

func (s *Server) duesCalc(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	base, err := dues.ParseCents("base", q.Get("base"))
	if err != nil {
		return err
	}
	res, err := dues.Calc(dues.Kind(q.Get("kind")), base)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]string{"rate": res.RateString(), "amount": dues.FormatCents(res.Cents)})
	return nil
}
