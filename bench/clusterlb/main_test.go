package main

import (
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// node is a test backend that counts the requests it received and echoes the body.
type node struct {
	srv  *httptest.Server
	hits atomic.Int64
}

func newNode(t *testing.T, name string) *node {
	n := &node{}
	n.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.hits.Add(1)
		b, _ := io.ReadAll(r.Body)
		io.WriteString(w, name+":"+r.Method+":"+string(b)+":"+r.Header.Get("X-Forwarded-For"))
	}))
	t.Cleanup(n.srv.Close)
	return n
}

func newBalancer(t *testing.T, urls ...string) *balancer {
	b := &balancer{tr: &http.Transport{DialContext: (&net.Dialer{Timeout: time.Second}).DialContext}}
	for _, s := range urls {
		u, err := url.Parse(s)
		if err != nil {
			t.Fatal(err)
		}
		be := &backend{url: u}
		be.healthy.Store(true)
		b.backends = append(b.backends, be)
	}
	return b
}

// refusedURL is an address on which nothing listens (connection refused).
func refusedURL(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return "http://" + addr
}

func call(b *balancer, method, body string) (int, string, string) {
	req := httptest.NewRequest(method, "/api/v1/x", strings.NewReader(body))
	req.RemoteAddr = "192.0.2.7:4444"
	w := httptest.NewRecorder()
	b.ServeHTTP(w, req)
	return w.Code, w.Body.String(), w.Header().Get("X-Cluster-Node")
}

func TestRoundRobinOverHealthyNodes(t *testing.T) {
	a, c := newNode(t, "a"), newNode(t, "c")
	b := newBalancer(t, a.srv.URL, c.srv.URL)
	for range 4 {
		if code, _, _ := call(b, "GET", ""); code != 200 {
			t.Fatalf("status %d", code)
		}
	}
	// Four requests over two healthy nodes: two each.
	if a.hits.Load() != 2 || c.hits.Load() != 2 {
		t.Fatalf("hits a=%d c=%d, want 2 and 2", a.hits.Load(), c.hits.Load())
	}
	// A node marked unhealthy by the check gets nothing while another is up.
	b.backends[0].healthy.Store(false)
	for range 3 {
		call(b, "GET", "")
	}
	if a.hits.Load() != 2 || c.hits.Load() != 5 {
		t.Fatalf("hits a=%d c=%d, want 2 and 5", a.hits.Load(), c.hits.Load())
	}
}

func TestRefusedConnectionGoesToTheNextNodeWithTheBody(t *testing.T) {
	live := newNode(t, "live")
	dead := refusedURL(t)
	b := newBalancer(t, dead, live.srv.URL)
	for i := range 2 {
		code, body, node := call(b, "POST", `{"name":"x"}`)
		// The dead node never saw the POST, so it is sent to the live one, body intact,
		// with the client's address appended for the node (--trust-proxy).
		if code != 200 || body != `live:POST:{"name":"x"}:192.0.2.7` {
			t.Fatalf("request %d: %d %q", i, code, body)
		}
		if node != strings.TrimPrefix(live.srv.URL, "http://") {
			t.Fatalf("X-Cluster-Node %q", node)
		}
	}
	if b.backends[0].healthy.Load() {
		t.Fatal("the refusing node is still marked healthy")
	}
	if live.hits.Load() != 2 {
		t.Fatalf("live node got %d requests, want 2", live.hits.Load())
	}
}

func TestRequestLostByANodeIsNotReplayed(t *testing.T) {
	other := newNode(t, "other")
	// A node that accepts the request and dies without answering.
	var dyingHits atomic.Int64
	dying := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		dyingHits.Add(1)
		hj, _ := w.(http.Hijacker)
		conn, _, _ := hj.Hijack()
		conn.Close()
	}))
	defer dying.Close()
	b := newBalancer(t, dying.URL, other.srv.URL)
	b.next.Store(uint64(len(b.backends)) - 1) // the first pick is backends[0], the dying node
	code, _, _ := call(b, "POST", `{"n":1}`)
	if code != http.StatusBadGateway {
		t.Fatalf("status %d, want 502", code)
	}
	if dyingHits.Load() != 1 || other.hits.Load() != 0 {
		t.Fatalf("dying=%d other=%d: a request the node received must not be sent again", dyingHits.Load(), other.hits.Load())
	}
}

func TestNoNodeAnswers502(t *testing.T) {
	b := newBalancer(t, refusedURL(t), refusedURL(t))
	if code, body, _ := call(b, "GET", ""); code != http.StatusBadGateway || !strings.Contains(body, "no node available") {
		t.Fatalf("%d %q", code, body)
	}
}

func TestCheckMarksNodesByReadyz(t *testing.T) {
	ready := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/readyz" {
			t.Errorf("checked %s", r.URL.Path)
		}
	}))
	defer ready.Close()
	unready := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusServiceUnavailable)
	}))
	defer unready.Close()
	b := newBalancer(t, ready.URL, unready.URL, refusedURL(t))
	b.check(t.Context())
	got := []bool{b.backends[0].healthy.Load(), b.backends[1].healthy.Load(), b.backends[2].healthy.Load()}
	if !got[0] || got[1] || got[2] {
		t.Fatalf("healthy = %v, want [true false false]", got)
	}
}
