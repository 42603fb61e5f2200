package assess_test

import (
	"strings"
	"testing"

	"liangxin/internal/apperr"
	"liangxin/internal/assess"
	"liangxin/internal/testenv"
)

// A round's name may have exactly 100 characters, not 101.
func TestRoundNameLength(t *testing.T) {
	v := setup(t)
	sh := v.sheet()
	v.branch(testenv.Hongqiao) // a party organization for the round to rate
	in := assess.RoundInput{SheetID: sh.ID, Name: strings.Repeat("评", 101), RegionCode: testenv.Hongqiao, From: "2025-01-01", To: "2025-12-31"}
	if _, err := v.svc.CreateRound(v.ctx, in); !apperr.IsKind(err, apperr.KindInvalid) {
		t.Fatalf("101 characters: %v", err)
	}
	in.Name = strings.Repeat("评", 100)
	if _, err := v.svc.CreateRound(v.ctx, in); err != nil {
		t.Fatalf("100 characters: %v", err)
	}
}
