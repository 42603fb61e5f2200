package httpapi_test

import (
	"testing"

	"liangxin/internal/testenv"
)

// BenchmarkLogin measures a full login (argon2id verification dominates).
func BenchmarkLogin(b *testing.B) {
	e := testenv.New(b)
	e.User("bench", "district", testenv.Jurisdiction)
	c := e.Client()
	body := map[string]string{"username": "bench", "password": testenv.Password}
	b.ResetTimer()
	for b.Loop() {
		if r := c.Do("POST", "/api/v1/auth/login", body); r.Status != 200 {
			b.Fatalf("login %d", r.Status)
		}
	}
}

// BenchmarkRegionChildren measures an authenticated, scoped read through the
// whole stack (session lookup, scope check, query, JSON).
func BenchmarkRegionChildren(b *testing.B) {
	e := testenv.New(b)
	e.User("bench", "district", testenv.Jurisdiction)
	c := e.Login("bench", testenv.Password)
	b.ResetTimer()
	for b.Loop() {
		if r := c.Do("GET", "/api/v1/regions/430426/children", nil); r.Status != 200 {
			b.Fatalf("children %d", r.Status)
		}
	}
}

// BenchmarkRegionSearch measures a name search over the jurisdiction.
func BenchmarkRegionSearch(b *testing.B) {
	e := testenv.New(b)
	e.User("bench", "district", testenv.Jurisdiction)
	c := e.Login("bench", testenv.Password)
	b.ResetTimer()
	for b.Loop() {
		if r := c.Do("GET", "/api/v1/regions?q=%E7%A4%BE%E5%8C%BA&page_size=50", nil); r.Status != 200 {
			b.Fatalf("search %d", r.Status)
		}
	}
}
