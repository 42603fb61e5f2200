package loadgen

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func TestPercentileNearestRank(t *testing.T) {
	var lat []time.Duration
	for i := 1; i <= 200; i++ { // 1 ms … 200 ms
		lat = append(lat, time.Duration(i)*time.Millisecond)
	}
	// Nearest rank: p50 of 200 values is the 100th, p99 the 198th.
	for _, c := range []struct {
		p    float64
		want time.Duration
	}{{50, 100 * time.Millisecond}, {99, 198 * time.Millisecond}, {100, 200 * time.Millisecond}, {0, time.Millisecond}} {
		if got := Percentile(lat, c.p); got != c.want {
			t.Errorf("p%v = %v, want %v", c.p, got, c.want)
		}
	}
	if got := Percentile([]time.Duration{7}, 99); got != 7 {
		t.Errorf("single value: %v", got)
	}
	if got := Percentile(nil, 50); got != 0 {
		t.Errorf("empty: %v", got)
	}
}

func TestCheckLoopback(t *testing.T) {
	for _, ok := range []string{"http://127.0.0.1:18100", "http://localhost:1", "http://[::1]:8080/", "http://127.0.0.2"} {
		if err := CheckLoopback(ok); err != nil {
			t.Errorf("%s refused: %v", ok, err)
		}
	}
	for _, bad := range []string{"http://10.0.0.1", "http://example.com", "http://0.0.0.0:80", "ftp://127.0.0.1", "http://127.0.0.1.example.com"} {
		if err := CheckLoopback(bad); err == nil {
			t.Errorf("%s accepted", bad)
		}
	}
	_, err := Run(context.Background(), Config{BaseURL: "http://192.0.2.1", Rate: 1, Duration: time.Second,
		Targets: []Target{{Method: "GET", Path: "/", Weight: 1}}})
	if err == nil || !strings.Contains(err.Error(), "loopback") {
		t.Fatalf("Run on a non-loopback host: %v", err)
	}
}

// The schedule is fixed: rate 200/s for 100 ms is requests at 0, 5, … 95 ms,
// twenty in all, whatever the server does; each lands in its target's row
// with its status.
func TestRunCountsAndErrors(t *testing.T) {
	var hits, withHeader atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		if r.Header.Get("X-Test") == "yes" {
			withHeader.Add(1)
		}
		if r.URL.Path == "/fail" {
			http.Error(w, "no", http.StatusServiceUnavailable)
			return
		}
		if r.Method == "POST" && r.Header.Get("Content-Type") != "application/json" {
			http.Error(w, "type", http.StatusBadRequest)
			return
		}
		w.WriteHeader(http.StatusOK)
	}))
	defer srv.Close()
	res, err := Run(context.Background(), Config{
		BaseURL: srv.URL, Rate: 200, Duration: 100 * time.Millisecond, MaxInFlight: 1000,
		Prepare: func(r *http.Request) { r.Header.Set("X-Test", "yes") },
		Targets: []Target{
			{Name: "ok", Method: "GET", Path: "/ok", Weight: 1},
			{Name: "never", Method: "GET", Path: "/never", Weight: 0},
			{Name: "fail", Method: "GET", PathFunc: func() string { return "/fail" }, Weight: 1},
			{Name: "post", Method: "POST", Path: "/p", Body: func() []byte { return []byte(`{}`) }, Weight: 1},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	if res.Total.Count != 20 || hits.Load() != 20 || withHeader.Load() != 20 {
		t.Fatalf("total %d, hits %d, with header %d; want 20", res.Total.Count, hits.Load(), withHeader.Load())
	}
	never, _ := res.Endpoint("never")
	fail, _ := res.Endpoint("fail")
	ok, _ := res.Endpoint("ok")
	post, _ := res.Endpoint("post")
	if never.Count != 0 {
		t.Errorf("zero-weight target ran %d times", never.Count)
	}
	if fail.FirstError != "503 no\n" {
		t.Errorf("first error of fail = %q", fail.FirstError)
	}
	if fail.OK != 0 || fail.Errors["503"] != fail.Count {
		t.Errorf("fail: %+v", fail)
	}
	if ok.OK != ok.Count || post.OK != post.Count || ok.ErrorCount()+post.ErrorCount() != 0 {
		t.Errorf("ok %+v post %+v", ok, post)
	}
	if ok.Count+fail.Count+post.Count != 20 || res.Total.OK != ok.Count+post.Count || res.Total.Errors["503"] != fail.Count {
		t.Errorf("rows do not add up: ok %d fail %d post %d total %+v", ok.Count, fail.Count, post.Count, res.Total)
	}
	if fail.Count == 0 || ok.Count == 0 || post.Count == 0 {
		t.Errorf("a weighted target never ran: ok %d fail %d post %d", ok.Count, fail.Count, post.Count)
	}
}

func TestLoopbackClientRefusesOtherHosts(t *testing.T) {
	c := LoopbackClient(1, time.Second)
	_, err := c.Get("http://192.0.2.1:9/")
	if err == nil || !strings.Contains(err.Error(), "not loopback") {
		t.Fatalf("dialled a non-loopback address: %v", err)
	}
}
