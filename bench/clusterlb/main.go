// Command clusterlb is the small load balancer of the test cluster
// (scripts/cluster-up, issue 19): round robin over the nodes that answer
// GET /readyz, checked every -interval; a request whose connection to a node
// cannot be opened (connection refused: the node is down and the health
// check has not noticed yet) is sent to the next node, because the node
// never saw it. Request bodies up to 1 MiB are kept for that replay; larger
// ones (imports) are not replayed. A request a node received and then lost
// (the node died while handling it) is answered 502 and never replayed: it
// may have been committed.
//
// Production uses nginx or HAProxy (docs/operations.md); this exists so that
// the cluster test needs nothing beyond Go and PostgreSQL.
//
//	clusterlb -listen 127.0.0.1:18200 -backends http://127.0.0.1:18201,http://127.0.0.1:18202
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

const replayLimit = 1 << 20

type backend struct {
	url     *url.URL
	healthy atomic.Bool
}

type balancer struct {
	backends []*backend
	next     atomic.Uint64
	tr       *http.Transport
}

func main() {
	listen := flag.String("listen", "127.0.0.1:18200", "listen address")
	list := flag.String("backends", "", "comma-separated node URLs")
	interval := flag.Duration("interval", 500*time.Millisecond, "health check interval (GET /readyz)")
	timeout := flag.Duration("timeout", 10*time.Minute, "upstream response timeout")
	flag.Parse()
	b := &balancer{tr: &http.Transport{
		DialContext:           (&net.Dialer{Timeout: 2 * time.Second}).DialContext,
		ResponseHeaderTimeout: *timeout,
		MaxIdleConnsPerHost:   64,
		IdleConnTimeout:       30 * time.Second,
	}}
	for _, s := range strings.Split(*list, ",") {
		u, err := url.Parse(strings.TrimSpace(s))
		if err != nil || u.Host == "" {
			log.Fatalf("bad backend %q", s)
		}
		b.backends = append(b.backends, &backend{url: u})
	}
	if len(b.backends) == 0 {
		log.Fatal("-backends is empty")
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	b.check(ctx)
	go func() {
		t := time.NewTicker(*interval)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				b.check(ctx)
			}
		}
	}()
	srv := &http.Server{Addr: *listen, Handler: b, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		<-ctx.Done()
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(sctx)
	}()
	log.Printf("clusterlb listening on %s, %d backends", *listen, len(b.backends))
	if err := srv.ListenAndServe(); err != nil && !errors.Is(err, http.ErrServerClosed) {
		log.Fatal(err)
	}
}

// check asks every node's /readyz concurrently and logs each change.
func (b *balancer) check(ctx context.Context) {
	var wg sync.WaitGroup
	client := &http.Client{Transport: b.tr, Timeout: 2 * time.Second}
	for _, be := range b.backends {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req, _ := http.NewRequestWithContext(ctx, "GET", be.url.String()+"/readyz", nil)
			ok := false
			if res, err := client.Do(req); err == nil {
				_, _ = io.Copy(io.Discard, res.Body)
				res.Body.Close()
				ok = res.StatusCode == http.StatusOK
			}
			if be.healthy.Swap(ok) != ok {
				log.Printf("backend %s healthy=%v", be.url.Host, ok)
			}
		}()
	}
	wg.Wait()
}

// pick returns the backends in round-robin order, healthy ones first.
func (b *balancer) pick() []*backend {
	n := len(b.backends)
	start := int(b.next.Add(1) % uint64(n))
	var up, down []*backend
	for i := range n {
		be := b.backends[(start+i)%n]
		if be.healthy.Load() {
			up = append(up, be)
		} else {
			down = append(down, be)
		}
	}
	return append(up, down...)
}

func (b *balancer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var body []byte
	replayable := r.Body == nil || r.Body == http.NoBody || (r.ContentLength >= 0 && r.ContentLength <= replayLimit)
	if replayable && r.Body != nil && r.Body != http.NoBody {
		var err error
		body, err = io.ReadAll(io.LimitReader(r.Body, replayLimit+1))
		if err != nil || len(body) > replayLimit {
			http.Error(w, "bad request body", http.StatusBadRequest)
			return
		}
	}
	for i, be := range b.pick() {
		if i > 0 && !replayable {
			break
		}
		out := r.Clone(r.Context())
		out.RequestURI = ""
		out.URL.Scheme, out.URL.Host = be.url.Scheme, be.url.Host
		out.Host = r.Host
		if replayable {
			out.Body = io.NopCloser(bytes.NewReader(body))
			out.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
			out.ContentLength = int64(len(body))
		}
		if ip, _, err := net.SplitHostPort(r.RemoteAddr); err == nil {
			prior := r.Header.Get("X-Forwarded-For")
			if prior != "" {
				ip = prior + ", " + ip
			}
			out.Header.Set("X-Forwarded-For", ip)
		}
		out.Header.Set("X-Forwarded-Proto", "http")
		res, err := b.tr.RoundTrip(out)
		if err != nil {
			if isDialError(err) {
				// The node never received the request: mark it down and try the next.
				if be.healthy.Swap(false) {
					log.Printf("backend %s healthy=false (%v)", be.url.Host, err)
				}
				continue
			}
			http.Error(w, fmt.Sprintf("upstream %s: %v", be.url.Host, err), http.StatusBadGateway)
			return
		}
		for k, v := range res.Header {
			w.Header()[k] = v
		}
		w.Header().Set("X-Cluster-Node", be.url.Host)
		w.WriteHeader(res.StatusCode)
		_, _ = io.Copy(w, res.Body)
		res.Body.Close()
		return
	}
	http.Error(w, "no node available", http.StatusBadGateway)
}

func isDialError(err error) bool {
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "dial"
}
