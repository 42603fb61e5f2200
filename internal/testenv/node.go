package testenv

import (
	"context"
	"io"
	"log/slog"
	"net/http/httptest"

	"liangxin/internal/app"
	"liangxin/internal/contract"
	"liangxin/internal/store"
)

// Node boots a second application node over the same database as e, as a
// load balancer would have it: its own connection pool, its own data folder
// (nothing on e's disk is visible to it), the same personal-data key file
// and the same clock. It shares e's jurisdiction and users.
func (e *Env) Node() *Env {
	t := e.T
	t.Helper()
	ctx := context.Background()
	var db *store.DB
	var err error
	if e.App.DB.Dialect == store.Postgres {
		db, err = store.OpenPostgres(ctx, e.App.DB.URL, e.App.DB.Schema)
	} else {
		db, err = store.OpenSQLite(ctx, e.App.DB.Path)
	}
	if err != nil {
		t.Fatalf("second node: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	cfg := e.App.Cfg
	cfg.DataKeyFile = app.KeyPath(e.App.Cfg)
	cfg.DataDir = t.TempDir()
	prot, err := app.OpenKey(ctx, cfg, db)
	if err != nil {
		t.Fatalf("second node: data key: %v", err)
	}
	a := app.New(cfg, db, slog.New(slog.NewJSONHandler(io.Discard, nil)), e.Clock.Now, prot)
	h := a.HTTP(nil)
	var viol contract.Violations
	srv := httptest.NewServer(contractFor(t, h).Wrap(h.Handler(), &viol))
	t.Cleanup(func() { checkContract(t, &viol) })
	t.Cleanup(srv.Close)
	return &Env{T: t, App: a, Server: srv, Clock: e.Clock}
}

// On returns a copy of c that sends its requests to node n with the same
// cookies, CSRF token and API token: the load balancer chose another node.
func (c *Client) On(n *Env) *Client {
	c2 := *c
	c2.e = n
	return &c2
}
