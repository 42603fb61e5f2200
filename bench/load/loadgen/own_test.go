package loadgen

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
)

// Targets that perform their own requests (Target.Do), a run ended by Stop,
// and every request handed to OnSample with its status and tag; the samples
// add up to the result's counts.
func TestOwnRequestsStopAndSamples(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/bad" {
			http.Error(w, "no", http.StatusTeapot)
			return
		}
		w.WriteHeader(http.StatusCreated)
	}))
	defer srv.Close()
	var mu sync.Mutex
	n := 0
	seq := 0
	call := func(path string) func(context.Context) Outcome {
		return func(ctx context.Context) Outcome {
			mu.Lock()
			seq++
			tag := fmt.Sprintf("w%d", seq)
			mu.Unlock()
			req, _ := http.NewRequestWithContext(ctx, "POST", srv.URL+path, nil)
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				return Outcome{Err: err, Tag: tag}
			}
			res.Body.Close()
			return Outcome{Status: res.StatusCode, Tag: tag}
		}
	}
	stop := make(chan struct{})
	var samples []Sample
	once := sync.Once{}
	res, err := Run(context.Background(), Config{BaseURL: srv.URL, Rate: 200, Stop: stop, MaxInFlight: 1000,
		Targets: []Target{{Name: "write", Weight: 3, Do: call("/ok")}, {Name: "bad", Weight: 1, Do: call("/bad")},
			{Name: "gone", Weight: 1, Do: func(context.Context) Outcome { return Outcome{Err: errors.New("refused")} }}},
		OnSample: func(s Sample) {
			samples = append(samples, s)
			if len(samples) >= 40 {
				once.Do(func() { close(stop) })
			}
		}})
	if err != nil {
		t.Fatal(err)
	}
	n = len(samples)
	if n < 40 || n != res.Total.Count {
		t.Fatalf("%d samples, result counts %d (want ≥ 40 and equal)", n, res.Total.Count)
	}
	ok, tags := 0, map[string]bool{}
	for _, s := range samples {
		switch s.Target {
		case "write":
			if !s.OK() || s.Status != http.StatusCreated || s.Tag == "" {
				t.Errorf("write sample %+v", s)
			}
			ok++
			tags[s.Tag] = true
		case "bad":
			if s.OK() || s.Status != http.StatusTeapot {
				t.Errorf("bad sample %+v", s)
			}
		case "gone":
			if s.OK() || s.Err == nil {
				t.Errorf("gone sample %+v", s)
			}
		}
		if s.At.IsZero() {
			t.Errorf("sample without its scheduled instant: %+v", s)
		}
	}
	if ok != res.Total.OK || len(tags) != ok {
		t.Fatalf("ok samples %d (distinct tags %d), result OK %d", ok, len(tags), res.Total.OK)
	}
	if st, _ := res.Endpoint("bad"); st.Errors["418"] != st.Count {
		t.Errorf("bad endpoint errors %v of %d", st.Errors, st.Count)
	}
	if st, _ := res.Endpoint("gone"); st.Errors["conn"] != st.Count {
		t.Errorf("gone endpoint errors %v of %d", st.Errors, st.Count)
	}
}
