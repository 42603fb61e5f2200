package httpapi_test

import (
	"fmt"
	"testing"

	"liangxin/internal/meeting/meetingtest"
	"liangxin/internal/testenv"
)

// BenchmarkComplianceHTTP measures GET /api/v1/compliance through the whole
// stack (session, scope, the report, JSON) for a county user over 300 and
// 3,000 party organizations of the meeting scale fixture.
func BenchmarkComplianceHTTP(b *testing.B) {
	for _, n := range []int{300, 3000} {
		b.Run(fmt.Sprintf("orgs=%d", n), func(b *testing.B) {
			e := testenv.New(b)
			meetingtest.Build(b, e.App.DB, n)
			e.User("bench", "district", testenv.Jurisdiction)
			c := e.Login("bench", testenv.Password)
			b.ResetTimer()
			for b.Loop() {
				if r := c.Do("GET", "/api/v1/compliance?from=2026-01-01&to=2026-06-30", nil); r.Status != 200 {
					b.Fatalf("compliance %d", r.Status)
				}
			}
		})
	}
}
