package httpapi

import (
	"testing"

	"liangxin/internal/assess"
)

func TestSchemaOfFollowsTheJSONForm(t *testing.T) {
	s := schemaOf(assess.RoundView{})
	props := s["properties"].(map[string]any)
	// Round is embedded: its fields are the view's own.
	for _, name := range []string{"id", "name", "status", "results", "distribution", "thresholds"} {
		if props[name] == nil {
			t.Errorf("RoundView lacks %q", name)
		}
	}
	if f := props["from"].(map[string]any); f["type"] != "string" || f["format"] != "date" {
		t.Errorf("from: %v", f)
	}
	if c := props["closed_at"].(map[string]any); c["nullable"] != true {
		t.Errorf("closed_at (a pointer) should be nullable: %v", c)
	}
	results := props["results"].(map[string]any)
	item := results["items"].(map[string]any)["properties"].(map[string]any)
	if tot := item["total"].(map[string]any); tot["type"] != "number" {
		t.Errorf("Points are written as numbers: %v", tot)
	}
	if r := item["rank"].(map[string]any); r["type"] != "integer" {
		t.Errorf("rank: %v", r)
	}
	if v := item["vetoes"].(map[string]any); v["type"] != "array" {
		t.Errorf("vetoes: %v", v)
	}
}
