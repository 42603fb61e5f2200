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

// The period's dates: one day (from = to) is a period; to before from is not;
// a malformed date is reported as such, not as an order problem.
func TestRoundPeriodEdges(t *testing.T) {
	v := setup(t)
	sh := v.sheet()
	v.branch(testenv.Hongqiao)
	in := assess.RoundInput{SheetID: sh.ID, Name: "一日考评", RegionCode: testenv.Hongqiao, From: "2025-06-30", To: "2025-06-30"}
	if _, err := v.svc.CreateRound(v.ctx, in); err != nil {
		t.Fatalf("from = to: %v", err)
	}
	in.To = "2025-06-29"
	_, err := v.svc.CreateRound(v.ctx, in)
	if e, ok := apperr.As(err); !ok || !strings.Contains(e.Fields["to"], "不能早于") {
		t.Fatalf("to before from: %v", err)
	}
	in.To = "2025-13-01"
	_, err = v.svc.CreateRound(v.ctx, in)
	if e, ok := apperr.As(err); !ok || !strings.Contains(e.Fields["to"], "格式") || len(e.Fields) != 1 {
		t.Fatalf("malformed to: %v", err)
	}
	in.From, in.To = "2025-00-01", "2025-06-30"
	_, err = v.svc.CreateRound(v.ctx, in)
	if e, ok := apperr.As(err); !ok || !strings.Contains(e.Fields["from"], "格式") || len(e.Fields) != 1 {
		t.Fatalf("malformed from: %v", err)
	}
}
