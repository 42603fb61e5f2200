package httpapi

import (
	"net/http/httptest"
	"testing"
)

func TestClientIPTakesTheProxysHop(t *testing.T) {
	r := httptest.NewRequest("GET", "/", nil)
	r.RemoteAddr = "10.0.0.5:41000"
	r.Header.Set("X-Forwarded-For", "6.6.6.6, 203.0.113.7")
	if got := (&Server{}).clientIP(r); got != "10.0.0.5" {
		t.Errorf("untrusted proxy: %s", got)
	}
	if got := (&Server{TrustProxy: true}).clientIP(r); got != "203.0.113.7" {
		t.Errorf("trusted proxy: %s, want the last hop (the first is forgeable)", got)
	}
	r.Header.Del("X-Forwarded-For")
	if got := (&Server{TrustProxy: true}).clientIP(r); got != "10.0.0.5" {
		t.Errorf("no header: %s", got)
	}
}
