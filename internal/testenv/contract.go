package testenv

import (
	"encoding/json"
	"sync"
	"testing"

	"liangxin/internal/contract"
)

// checkContract fails t with the violations collected so far.
func checkContract(t testing.TB, v *contract.Violations) {
	for _, s := range v.Take() {
		t.Errorf("API contract: %s", s)
	}
}

var (
	contractOnce sync.Once
	contractDoc  *contract.Contract
	contractErr  error
)

// contractFor builds the contract of the server's document once per test
// binary (the document depends only on the route table).
func contractFor(t testing.TB, s interface{ OpenAPI() map[string]any }) *contract.Contract {
	t.Helper()
	contractOnce.Do(func() {
		b, err := json.Marshal(s.OpenAPI())
		if err != nil {
			contractErr = err
			return
		}
		contractDoc, contractErr = contract.New(b)
	})
	if contractErr != nil {
		t.Fatalf("API contract: %v", contractErr)
	}
	return contractDoc
}
