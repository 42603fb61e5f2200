// Package loadgen drives an HTTP server on the loopback interface at a fixed
// arrival rate (open loop) and records each request's latency and outcome per
// target.
//
// Open loop means request i is scheduled at start + i/Rate whether or not the
// earlier requests have answered, so a slow server cannot slow the load down
// and hide its own latency (coordinated omission). Latency is measured from
// the scheduled instant, not from when the request was actually sent. A cap
// on requests in flight bounds the program: a request whose turn comes while
// the cap is reached is not sent and is counted as "dropped" — a failure of
// the run, reported beside the HTTP errors.
//
// Only loopback addresses are dialled: Run refuses any other host, and the
// dialer checks every address it connects to (redirects are not followed).
package loadgen

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"sync"
	"syscall"
	"time"
)

// Target is one kind of request in the mix.
type Target struct {
	// Name labels the target in the report; empty means "METHOD Path".
	Name   string
	Method string
	// Path is the request path and query, e.g. "/api/v1/home"; PathFunc,
	// when set, is called for each request instead (e.g. a random record).
	Path     string
	PathFunc func() string
	// Body, when set, is called for each request; its result is sent as
	// application/json. PathFunc and then Body are called one after the
	// other on Run's scheduling goroutine, so Body may use what PathFunc
	// chose.
	Body func() []byte
	// Weight is the target's share of the mix (relative to the others' sum).
	Weight float64
	// Do, when set, performs the request itself (its own client, cookies,
	// body: a program with per-user sessions, e.g. bench/clusterfaults)
	// instead of Method, Path and Body; it runs on its own goroutine and
	// must only reach loopback addresses.
	Do func(ctx context.Context) Outcome
}

// Outcome is what a Target.Do request reports: the HTTP status (0 when
// none came), the transport error, and a tag the caller may want back in
// its Sample (e.g. the marker a write created).
type Outcome struct {
	Status int
	Err    error
	Tag    string
}

// Sample is one scheduled request as Config.OnSample receives it.
type Sample struct {
	Target string
	// At is the request's scheduled instant; Latency is measured from it.
	At      time.Time
	Latency time.Duration
	// Status is the HTTP status (0 when none came); Err the transport
	// error; Dropped that the in-flight cap kept it from being sent.
	Status  int
	Err     error
	Dropped bool
	Tag     string
}

// OK reports whether the request answered 2xx.
func (s Sample) OK() bool { return !s.Dropped && s.Err == nil && s.Status >= 200 && s.Status <= 299 }

func (t Target) label() string {
	if t.Name != "" {
		return t.Name
	}
	return t.Method + " " + t.Path
}

// Config describes a run.
type Config struct {
	// BaseURL is the server, e.g. http://127.0.0.1:18100; its host must be a
	// loopback address or "localhost".
	BaseURL string
	Targets []Target
	// Rate is the arrival rate in requests per second; Duration how long the
	// schedule runs (requests in flight at its end are awaited).
	Rate     float64
	Duration time.Duration
	// MaxInFlight caps requests in flight (default 64).
	MaxInFlight int
	// Timeout bounds each request (default 10 s).
	Timeout time.Duration
	// Prepare, when set, is called on each request before it is sent
	// (cookies, CSRF header, bearer token).
	Prepare func(*http.Request)
	// Seed makes the choice of targets repeatable (0 means 1).
	Seed uint64
	// Client overrides the HTTP client; its transport must dial loopback only
	// (LoopbackClient builds one).
	Client *http.Client
	// Stop, when set, ends the schedule when it closes (Duration may then
	// be zero: the run lasts until Stop).
	Stop <-chan struct{}
	// OnSample, when set, receives every request's sample (from one
	// goroutine, in the order they end).
	OnSample func(Sample)
}

// Stat is what one target (or the total) recorded.
type Stat struct {
	Name string `json:"name"`
	// Count is the number of requests scheduled, OK those answered 2xx.
	Count int `json:"count"`
	OK    int `json:"ok"`
	// Throughput is OK answers per second of the run.
	Throughput float64 `json:"throughput"`
	// Latencies of all answered requests (any status), in milliseconds.
	P50 float64 `json:"p50_ms"`
	P90 float64 `json:"p90_ms"`
	P99 float64 `json:"p99_ms"`
	Max float64 `json:"max_ms"`
	// Errors counts failures by kind: the HTTP status ("500", "429"…),
	// "timeout", "conn" (transport error) or "dropped" (cap reached).
	Errors map[string]int `json:"errors,omitempty"`
	// FirstError is the start of the first error answer's body (or the
	// transport error), to tell why without another run.
	FirstError string `json:"first_error,omitempty"`

	lat []time.Duration
}

// ErrorCount sums Errors.
func (s Stat) ErrorCount() int {
	n := 0
	for _, v := range s.Errors {
		n += v
	}
	return n
}

// Result is a run's outcome.
type Result struct {
	Rate      float64 `json:"rate"`
	Seconds   float64 `json:"seconds"`
	Endpoints []Stat  `json:"endpoints"`
	Total     Stat    `json:"total"`
}

// Endpoint returns the stat of the named target.
func (r Result) Endpoint(name string) (Stat, bool) {
	for _, s := range r.Endpoints {
		if s.Name == name {
			return s, true
		}
	}
	return Stat{}, false
}

// CheckLoopback refuses a base URL whose host is not a loopback address.
func CheckLoopback(base string) error {
	u, err := url.Parse(base)
	if err != nil {
		return fmt.Errorf("loadgen: bad URL %q: %w", base, err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return fmt.Errorf("loadgen: URL %q: scheme must be http or https", base)
	}
	h := u.Hostname()
	if h == "localhost" {
		return nil
	}
	ip := net.ParseIP(h)
	if ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("loadgen: refusing %q: only loopback hosts (127.0.0.0/8, ::1, localhost) may be loaded", h)
	}
	return nil
}

// LoopbackClient is an HTTP client that dials loopback addresses only,
// keeps up to conns connections and follows no redirects.
func LoopbackClient(conns int, timeout time.Duration) *http.Client {
	d := &net.Dialer{
		Timeout: 5 * time.Second,
		Control: func(_, address string, _ syscall.RawConn) error {
			host, _, err := net.SplitHostPort(address)
			if err != nil {
				return err
			}
			if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
				return fmt.Errorf("loadgen: refusing to dial %s (not loopback)", address)
			}
			return nil
		},
	}
	tr := &http.Transport{
		DialContext:         d.DialContext,
		MaxIdleConns:        conns,
		MaxIdleConnsPerHost: conns,
		MaxConnsPerHost:     conns,
		IdleConnTimeout:     90 * time.Second,
	}
	return &http.Client{
		Transport: tr,
		Timeout:   timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
}

type sample struct {
	target int
	lat    time.Duration
	kind   string // "" for 2xx
	detail string // the start of an error answer's body
	at     time.Time
	status int
	err    error
	tag    string
}

// Run drives the server and returns what it recorded. It returns an error
// only when the configuration is invalid; failed requests are in the result.
func Run(ctx context.Context, cfg Config) (Result, error) {
	if err := CheckLoopback(cfg.BaseURL); err != nil {
		return Result{}, err
	}
	if cfg.Rate <= 0 || (cfg.Duration <= 0 && cfg.Stop == nil) {
		return Result{}, errors.New("loadgen: Rate and Duration (or Stop) must be positive")
	}
	if len(cfg.Targets) == 0 {
		return Result{}, errors.New("loadgen: no targets")
	}
	var cum []float64
	sum := 0.0
	for _, t := range cfg.Targets {
		if t.Weight < 0 {
			return Result{}, fmt.Errorf("loadgen: target %s: negative weight", t.label())
		}
		sum += t.Weight
		cum = append(cum, sum)
	}
	if sum <= 0 {
		return Result{}, errors.New("loadgen: all weights are zero")
	}
	if cfg.MaxInFlight <= 0 {
		cfg.MaxInFlight = 64
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 10 * time.Second
	}
	client := cfg.Client
	if client == nil {
		client = LoopbackClient(cfg.MaxInFlight, cfg.Timeout)
	}
	seed := cfg.Seed
	if seed == 0 {
		seed = 1
	}
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	base := cfg.BaseURL
	for len(base) > 0 && base[len(base)-1] == '/' {
		base = base[:len(base)-1]
	}

	samples := make(chan sample, 1024)
	stats := make([]Stat, len(cfg.Targets))
	for i, t := range cfg.Targets {
		stats[i] = Stat{Name: t.label(), Errors: map[string]int{}}
	}
	collected := make(chan struct{})
	go func() {
		for s := range samples {
			if cfg.OnSample != nil {
				cfg.OnSample(Sample{Target: stats[s.target].Name, At: s.at, Latency: s.lat, Status: s.status, Err: s.err,
					Dropped: s.kind == "dropped", Tag: s.tag})
			}
			st := &stats[s.target]
			st.Count++
			if s.kind != "dropped" {
				st.lat = append(st.lat, s.lat)
			}
			if s.kind == "" {
				st.OK++
			} else {
				st.Errors[s.kind]++
				if st.FirstError == "" && s.detail != "" {
					st.FirstError = s.detail
				}
			}
		}
		close(collected)
	}()

	sem := make(chan struct{}, cfg.MaxInFlight)
	var wg sync.WaitGroup
	interval := float64(time.Second) / cfg.Rate
	start := time.Now()
	end := start.Add(cfg.Duration)
	if cfg.Stop != nil && cfg.Duration <= 0 {
		end = start.Add(100 * 365 * 24 * time.Hour)
	}
	stopped := false
	timer := time.NewTimer(0)
	defer timer.Stop()
	for i := 0; ; i++ {
		at := start.Add(time.Duration(float64(i) * interval))
		if !at.Before(end) {
			break
		}
		if d := time.Until(at); d > 0 {
			timer.Reset(d)
			select {
			case <-ctx.Done():
			case <-timer.C:
			case <-cfg.Stop: // nil: never
				stopped = true
			}
		}
		if !stopped && cfg.Stop != nil {
			select {
			case <-cfg.Stop:
				stopped = true
			default:
			}
		}
		if ctx.Err() != nil || stopped {
			break
		}
		ti := sort.SearchFloat64s(cum, rng.Float64()*sum)
		if ti >= len(cum) {
			ti = len(cum) - 1
		}
		for cfg.Targets[ti].Weight == 0 { // SearchFloat64s may land on a zero-weight neighbour
			ti++
		}
		t := cfg.Targets[ti]
		path := t.Path
		if t.PathFunc != nil {
			path = t.PathFunc()
		}
		var body []byte
		if t.Body != nil {
			body = t.Body()
		}
		select {
		case sem <- struct{}{}:
		default:
			samples <- sample{target: ti, kind: "dropped", at: at}
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			if t.Do != nil {
				samples <- doOwn(ctx, t.Do, ti, at)
				return
			}
			samples <- do(ctx, client, cfg.Prepare, ti, t.Method, base+path, body, at)
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	close(samples)
	<-collected

	secs := cfg.Duration.Seconds()
	if e := elapsed.Seconds(); e > secs {
		secs = e
	}
	res := Result{Rate: cfg.Rate, Seconds: secs}
	total := Stat{Name: "total", Errors: map[string]int{}}
	for _, st := range stats {
		total.Count += st.Count
		total.OK += st.OK
		total.lat = append(total.lat, st.lat...)
		for k, v := range st.Errors {
			total.Errors[k] += v
		}
		res.Endpoints = append(res.Endpoints, finish(st, secs))
	}
	res.Total = finish(total, secs)
	return res, nil
}

// doOwn runs a Target.Do request and classifies its outcome as do does.
func doOwn(ctx context.Context, fn func(context.Context) Outcome, ti int, at time.Time) sample {
	o := fn(ctx)
	s := sample{target: ti, lat: time.Since(at), at: at, status: o.Status, err: o.Err, tag: o.Tag}
	switch {
	case o.Err != nil:
		s.kind, s.detail = "conn", o.Err.Error()
		var ne net.Error
		if errors.As(o.Err, &ne) && ne.Timeout() {
			s.kind = "timeout"
		}
	case o.Status < 200 || o.Status > 299:
		s.kind, s.detail = strconv.Itoa(o.Status), strconv.Itoa(o.Status)
	}
	return s
}

func do(ctx context.Context, client *http.Client, prepare func(*http.Request), ti int, method, u string, body []byte, at time.Time) sample {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, u, rd)
	if err != nil {
		return sample{target: ti, lat: time.Since(at), kind: "conn"}
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Accept", "application/json")
	if prepare != nil {
		prepare(req)
	}
	resp, err := client.Do(req)
	if err != nil {
		kind := "conn"
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			kind = "timeout"
		}
		return sample{target: ti, lat: time.Since(at), kind: kind, detail: err.Error(), at: at, err: err}
	}
	var head []byte
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		head, _ = io.ReadAll(io.LimitReader(resp.Body, 300))
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	lat := time.Since(at)
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return sample{target: ti, lat: lat, kind: strconv.Itoa(resp.StatusCode), detail: fmt.Sprintf("%d %s", resp.StatusCode, head), at: at, status: resp.StatusCode}
	}
	return sample{target: ti, lat: lat, at: at, status: resp.StatusCode}
}

// finish computes the figures of a stat from its latencies.
func finish(st Stat, secs float64) Stat {
	slices.Sort(st.lat)
	st.P50 = ms(Percentile(st.lat, 50))
	st.P90 = ms(Percentile(st.lat, 90))
	st.P99 = ms(Percentile(st.lat, 99))
	if n := len(st.lat); n > 0 {
		st.Max = ms(st.lat[n-1])
	}
	if secs > 0 {
		st.Throughput = float64(st.OK) / secs
	}
	return st
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// Percentile returns the p-th percentile (nearest rank) of sorted latencies:
// the smallest value with at least p% of the values at or below it.
func Percentile(sorted []time.Duration, p float64) time.Duration {
	n := len(sorted)
	if n == 0 {
		return 0
	}
	rank := int(p/100*float64(n) + 0.999999999)
	if rank < 1 {
		rank = 1
	}
	if rank > n {
		rank = n
	}
	return sorted[rank-1]
}

// Print writes the result as a table: one line per target and the total.
func (r Result) Print(w io.Writer) {
	fmt.Fprintf(w, "rate %.0f req/s for %.1f s\n", r.Rate, r.Seconds)
	fmt.Fprintf(w, "%-22s %7s %9s %9s %9s %9s %9s  %s\n", "endpoint", "count", "ok/s", "p50 ms", "p90 ms", "p99 ms", "max ms", "errors")
	line := func(s Stat) {
		fmt.Fprintf(w, "%-22s %7d %9.1f %9.1f %9.1f %9.1f %9.1f  %s\n", s.Name, s.Count, s.Throughput, s.P50, s.P90, s.P99, s.Max, errText(s.Errors))
	}
	for _, s := range r.Endpoints {
		line(s)
	}
	line(r.Total)
	for _, s := range r.Endpoints {
		if s.FirstError != "" {
			fmt.Fprintf(w, "first error of %s: %s\n", s.Name, s.FirstError)
		}
	}
}

func errText(m map[string]int) string {
	if len(m) == 0 {
		return "-"
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b bytes.Buffer
	for i, k := range keys {
		if i > 0 {
			b.WriteByte(' ')
		}
		fmt.Fprintf(&b, "%s:%d", k, m[k])
	}
	return b.String()
}

// JSON writes the result as indented JSON.
func (r Result) JSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}
