package coverage_test

import (
	"testing"

	"liangxin/internal/apperr"
	"liangxin/internal/coverage"
)

// The employee threshold of the scope rule takes 1 and 100000, not 0 or 100001,
// and the rule set is the rule read back.
func TestScopeRuleThresholdEdges(t *testing.T) {
	w := newWorld(t)
	for _, n := range []int{0, 100001} {
		if _, err := w.e.App.Cover.SetRule(w.ctx, coverage.Rule{Kind: coverage.RuleMinEmployees, MinEmployees: n}, ""); !apperr.IsKind(err, apperr.KindInvalid) {
			t.Errorf("min_employees %d: %v", n, err)
		}
	}
	for _, n := range []int{1, 100000} {
		if _, err := w.e.App.Cover.SetRule(w.ctx, coverage.Rule{Kind: coverage.RuleMinEmployees, MinEmployees: n}, ""); err != nil {
			t.Errorf("min_employees %d: %v", n, err)
		}
		if r, err := w.e.App.Cover.GetRule(w.ctx); err != nil || r.MinEmployees != n || r.Kind != coverage.RuleMinEmployees {
			t.Errorf("read back %d: %+v %v", n, r, err)
		}
	}
	// Each change is audited.
	var audited int
	db := w.e.App.DB
	if err := db.QueryRow(w.ctx, db, `SELECT COUNT(*) FROM audit_log WHERE action = 'setting_update' AND entity_id = ?`, coverage.SettingRule).Scan(&audited); err != nil || audited != 2 {
		t.Errorf("audited %d rule changes, want 2 (%v)", audited, err)
	}
}
