package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"liangxin/internal/actor"
	"liangxin/internal/app"
	"liangxin/internal/auth"
	"liangxin/internal/org"
	"liangxin/internal/xlsx"
)

// The waiting benchmark of issue 12 (-others): while the importer writes
// the file on SQLite, another user logs in (auth.Service.Login: a session
// row and an audit entry) every 250 ms and changes one organization's
// employee count (org.Service.Update, its own transaction) every 100 ms,
// each request on a goroutine of its own whether or not the previous one
// answered (open loop); each latency is recorded. "onetx" is the
// import written in one transaction (org.Service.NoStaging), "staged" the
// staged import; the parent runs them interleaved (onetx staged onetx
// staged …, -repeat pairs) on fresh databases and prints p50/p99/max with
// the load average before each run.
//
//	go run ./bench/orgimport -others -rows 200000 -repeat 2

// othersResult is what an -others child reports.
type othersResult struct {
	Phase         string    `json:"phase"`
	Rows          int       `json:"rows"`
	Seconds       float64   `json:"seconds"`
	Login, Write  []float64 `json:"-"`
	LoginP50      float64   `json:"login_p50_ms"`
	LoginP99      float64   `json:"login_p99_ms"`
	LoginMax      float64   `json:"login_max_ms"`
	LoginN        int       `json:"login_n"`
	WriteP50      float64   `json:"write_p50_ms"`
	WriteP99      float64   `json:"write_p99_ms"`
	WriteMax      float64   `json:"write_max_ms"`
	WriteN        int       `json:"write_n"`
	Errors        int       `json:"errors"`
	FirstError    string    `json:"first_error,omitempty"`
	PublishMillis float64   `json:"publish_ms"`
}

func othersParent(file string) error {
	fmt.Printf("\n| run | import | load before | import time (publish) | login p50 / p99 / max (n) | single write p50 / p99 / max (n) | errors |\n|---|---|---|---|---|---|---|\n")
	for i := 0; i < *flagRepeat; i++ {
		for _, phase := range []string{"onetx", "staged"} {
			if *flagOnly != "" && *flagOnly != phase {
				continue
			}
			load := loadAvg()
			cmd := exec.Command(os.Args[0], "-phase", "others-"+phase, "-file", file, "-db", "sqlite")
			cmd.Stderr = os.Stderr
			out, err := cmd.Output()
			if err != nil {
				return fmt.Errorf("%s: %w", phase, err)
			}
			var r othersResult
			if err := json.Unmarshal(bytes.TrimSpace(out), &r); err != nil {
				return fmt.Errorf("%s: %w: %s", phase, err, out)
			}
			fmt.Printf("| %d | %s | %s | %.1f s (%.1f s) | %.0f / %.0f / %.0f ms (%d) | %.0f / %.0f / %.0f ms (%d) | %d %s |\n", i+1, phase, load, r.Seconds, r.PublishMillis/1000,
				r.LoginP50, r.LoginP99, r.LoginMax, r.LoginN, r.WriteP50, r.WriteP99, r.WriteMax, r.WriteN, r.Errors, r.FirstError)
			if r.Rows != *flagRows {
				return fmt.Errorf("%s: %d rows imported, want %d", phase, r.Rows, *flagRows)
			}
		}
	}
	return nil
}

// othersChild runs one import with the other user's requests beside it.
func othersChild(ctx context.Context, a *app.App, data []byte, staged bool) error {
	a.Orgs.NoStaging = !staged
	sys := actor.System(ctx, "bench")
	const password = "Qd#Bench-2026-Wait"
	if _, _, err := a.Auth.CreateUser(sys, auth.NewUser{Username: "waiter", DisplayName: "另一位用户", Role: "district", Scope: jurisdiction, Password: password}); err != nil {
		return err
	}
	name, cat, town := "等待测试单位", "individual_business", jurisdiction+"001"
	o, err := a.Orgs.Create(sys, org.Input{Name: &name, Category: &cat, RegionCode: &town})
	if err != nil {
		return err
	}
	other := actor.With(ctx, actor.Actor{UserID: 1, Username: "waiter", Role: "district", Scope: jurisdiction})
	res := othersResult{Phase: "others"}
	var mu sync.Mutex
	fail := func(err error) {
		mu.Lock()
		defer mu.Unlock()
		res.Errors++
		if res.FirstError == "" {
			res.FirstError = err.Error()
		}
	}
	done := make(chan struct{})
	var wg sync.WaitGroup
	// probe issues op every period on a goroutine of its own (open loop:
	// a request that waits does not hold the next ones back, so every
	// request issued while the database is locked counts), at most
	// maxInFlight at once; one due beyond that is dropped, an error.
	const maxInFlight = 256
	var inFlight int
	probe := func(every time.Duration, op func() error, into *[]float64) {
		defer wg.Done()
		tick := time.NewTicker(every)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-tick.C:
			}
			mu.Lock()
			if inFlight >= maxInFlight {
				mu.Unlock()
				fail(fmt.Errorf("dropped: %d requests in flight", maxInFlight))
				continue
			}
			inFlight++
			mu.Unlock()
			wg.Add(1)
			go func() {
				defer wg.Done()
				t0 := time.Now()
				err := op()
				ms := float64(time.Since(t0).Microseconds()) / 1000
				mu.Lock()
				inFlight--
				*into = append(*into, ms)
				mu.Unlock()
				if err != nil {
					fail(err)
				}
			}()
		}
	}
	wg.Add(2)
	go probe(250*time.Millisecond, func() error {
		_, err := a.Auth.Login(ctx, "waiter", password, "127.0.0.1", "bench")
		return err
	}, &res.Login)
	var n atomic.Int64
	go probe(100*time.Millisecond, func() error {
		emp := int(n.Add(1) % 1000)
		_, err := a.Orgs.Update(other, o.ID, org.Input{Name: &name, Category: &cat, RegionCode: &town, Employees: &emp})
		return err
	}, &res.Write)
	start := time.Now()
	var publish time.Time
	progress := func(phase string, _ int) {
		if phase == org.PhasePublish {
			publish = time.Now()
		}
	}
	got, cellErrs, err := org.Import(sys, a.Orgs, a.Regions, bytes.NewReader(data), int64(len(data)), xlsx.Limits{MaxBytes: 1 << 30, MaxRows: 1 << 20}, progress)
	res.Seconds = time.Since(start).Seconds()
	if !publish.IsZero() {
		res.PublishMillis = float64(time.Since(publish).Milliseconds())
	}
	close(done)
	wg.Wait()
	if err != nil {
		return err
	}
	if len(cellErrs) > 0 {
		return fmt.Errorf("%d bad cells, first: %v", len(cellErrs), cellErrs[0])
	}
	res.Rows = got.Created + got.Updated + got.Unchanged
	res.LoginP50, res.LoginP99, res.LoginMax, res.LoginN = quantiles(res.Login)
	res.WriteP50, res.WriteP99, res.WriteMax, res.WriteN = quantiles(res.Write)
	return json.NewEncoder(os.Stdout).Encode(res)
}

// quantiles are the p50, p99 and max of ms (nearest rank) and its count.
func quantiles(ms []float64) (p50, p99, mx float64, n int) {
	if len(ms) == 0 {
		return 0, 0, 0, 0
	}
	s := slices.Clone(ms)
	slices.Sort(s)
	rank := func(p float64) float64 {
		i := int(p*float64(len(s))+0.999999) - 1
		return s[max(0, min(i, len(s)-1))]
	}
	return rank(0.50), rank(0.99), s[len(s)-1], len(s)
}
