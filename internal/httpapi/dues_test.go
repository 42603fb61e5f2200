package httpapi_test

import (
	"strings"
	"testing"

	"liangxin/internal/testenv"
)

func TestDuesCalcContract(t *testing.T) {
	e := testenv.New(t)
	e.User("clerk", "street", testenv.Hongqiao)
	c := e.Login("clerk", testenv.Password)
	res := c.Do("GET", "/api/v1/dues/calc?base=3000&kind=employed", nil)
	if res.Status != 200 || strings.TrimSpace(string(res.Body)) != `{"amount":"15.00","rate":"0.005"}` {
		t.Fatalf("calc: %d %s", res.Status, res.Body)
	}
	for q, field := range map[string]string{"base=x&kind=employed": "base", "base=100&kind=boss": "kind"} {
		res := c.Do("GET", "/api/v1/dues/calc?"+q, nil)
		if res.Status != 422 || !strings.Contains(string(res.Body), `"`+field+`"`) {
			t.Errorf("%s: %d %s", q, res.Status, res.Body)
		}
	}
}
