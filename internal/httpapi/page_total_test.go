package httpapi

import (
	"encoding/json"
	"testing"

	"liangxin/internal/store"
)

// A page whose count stopped at the cap says so (total_capped, total the
// cap); an exact page says false; the OpenAPI pages name it.
func TestPageOfTotalJSON(t *testing.T) {
	for _, c := range []struct {
		total store.Total
		want  string
	}{
		{store.Total{N: 10000, Capped: true}, `{"items":["a"],"total":10000,"total_capped":true,"page":501,"page_size":20}`},
		{store.Exact(7), `{"items":["a"],"total":7,"total_capped":false,"page":501,"page_size":20}`},
	} {
		b, err := json.Marshal(pageOfTotal([]string{"a"}, c.total, 501, 20))
		if err != nil || string(b) != c.want {
			t.Errorf("%+v: %s %v, want %s", c.total, b, err, c.want)
		}
	}
	for _, name := range []string{"MemberPage", "OrganizationPage", "PartyOrgPage", "InstructorPage"} {
		s, ok := schemas()[name].(map[string]any)
		if !ok {
			t.Fatalf("no schema %s", name)
		}
		if p, _ := s["properties"].(map[string]any)["total_capped"].(map[string]any); p["type"] != "boolean" {
			t.Errorf("%s: total_capped %v", name, p)
		}
	}
}
