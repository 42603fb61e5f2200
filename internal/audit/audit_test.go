package audit_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"liangxin/internal/actor"
	"liangxin/internal/apperr"
	"liangxin/internal/audit"
	"liangxin/internal/store"
	"liangxin/internal/store/storetest"
)

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Set(t time.Time) {
	c.mu.Lock()
	c.t = t
	c.mu.Unlock()
}

type fixture struct {
	db    *store.DB
	clock *clock
	log   *audit.Logger
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	db := storetest.Open(t)
	clk := &clock{t: time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)}
	return &fixture{db: db, clock: clk, log: &audit.Logger{DB: db, Now: clk.Now}}
}

// record writes an entry at instant at as user.
func (f *fixture) record(t *testing.T, at time.Time, user, action string) {
	t.Helper()
	f.clock.Set(at)
	ctx := actor.With(context.Background(), actor.Actor{UserID: 1, Username: user, Role: "system_admin", IP: "10.0.0.1"})
	if err := f.log.Record(ctx, f.db, audit.Entry{Action: action, Entity: "user", EntityID: "1"}); err != nil {
		t.Fatal(err)
	}
}

var (
	auditor = actor.With(context.Background(), actor.Actor{UserID: 9, Username: "auditor", Role: "audit_admin", Scope: "430426"})
	system  = actor.System(context.Background(), "t")
)

func ids(rows []audit.Row) []string {
	var out []string
	for _, r := range rows {
		out = append(out, r.Username)
	}
	sort.Strings(out)
	return out
}

func TestFilterDatesAreInclusiveInChinaTime(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	utc := func(s string) time.Time {
		tm, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			t.Fatal(err)
		}
		return tm
	}
	// Each user name tells the China date of its entry.
	f.record(t, utc("2026-11-22T15:59:59.999999Z"), "d1122_last", "login") // 11-22 23:59:59.999999 CST
	f.record(t, utc("2026-11-22T16:00:00Z"), "d1123_first", "login")       // 11-23 00:00 CST
	f.record(t, utc("2026-11-23T09:00:00Z"), "d1123_mid", "login")         // 11-23 17:00 CST
	f.record(t, utc("2026-11-23T15:59:59.999999Z"), "d1123_last", "login") // 11-23 23:59:59.999999 CST
	f.record(t, utc("2026-11-23T16:30:00Z"), "d1124_early", "login")       // 11-24 00:30 CST
	f.record(t, utc("2026-11-24T15:59:59Z"), "d1124_last", "logout")       // 11-24 23:59:59 CST
	f.record(t, utc("2026-11-24T16:00:00Z"), "d1125_first", "login")       // 11-25 00:00 CST

	cases := []struct {
		from, to string
		want     string
	}{
		{"2026-11-24", "2026-11-24", "d1124_early,d1124_last"},
		{"2026-11-23", "2026-11-23", "d1123_first,d1123_last,d1123_mid"},
		{"", "2026-11-23", "d1122_last,d1123_first,d1123_last,d1123_mid"},
		{"2026-11-24", "", "d1124_early,d1124_last,d1125_first"},
		{"2026-11-23", "2026-11-24", "d1123_first,d1123_last,d1123_mid,d1124_early,d1124_last"},
		{"2026-11-22", "2026-11-22", "d1122_last"},
		{"2026-11-26", "", ""},
		{"2026-11-24", "2026-11-23", ""}, // from after to
		{"", "", "d1122_last,d1123_first,d1123_last,d1123_mid,d1124_early,d1124_last,d1125_first"},
	}
	for _, c := range cases {
		rows, total, err := f.log.List(auditor, audit.Filter{From: c.from, To: c.to, PageSize: 100})
		if err != nil {
			t.Fatalf("%s..%s: %v", c.from, c.to, err)
		}
		got := strings.Join(ids(rows), ",")
		if got != c.want || total != store.Exact(len(rows)) {
			t.Errorf("from %q to %q = %s (total %s), want %s", c.from, c.to, got, total, c.want)
		}
		// Each streams the same rows.
		var streamed []audit.Row
		if err := f.log.Each(auditor, audit.Filter{From: c.from, To: c.to}, func(r audit.Row) error {
			streamed = append(streamed, r)
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		if s := strings.Join(ids(streamed), ","); s != c.want {
			t.Errorf("Each from %q to %q = %s, want %s", c.from, c.to, s, c.want)
		}
	}
	// Other filters combine with the dates.
	rows, _, err := f.log.List(auditor, audit.Filter{From: "2026-11-24", To: "2026-11-24", Action: "logout"})
	if err != nil || strings.Join(ids(rows), ",") != "d1124_last" {
		t.Errorf("action+dates = %v, %v", ids(rows), err)
	}
	rows, _, err = f.log.List(auditor, audit.Filter{Username: "d1123_mid"})
	if err != nil || len(rows) != 1 || !rows[0].At.Equal(utc("2026-11-23T09:00:00Z")) {
		t.Errorf("username filter = %+v, %v", rows, err)
	}
}

func TestFilterRefusesBadDates(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	for _, c := range []struct{ from, to, field string }{
		{"2026/11/24", "", "from"},
		{"", "24.11.2026", "to"},
		{"2026-11-24T00:00:00Z", "", "from"},
		{"2026-13-01", "", "from"},
		{"2026-02-30", "", "from"},
		{"x", "y", "to"},
	} {
		_, _, err := f.log.List(auditor, audit.Filter{From: c.from, To: c.to})
		e, ok := apperr.As(err)
		if !ok || e.Kind != apperr.KindInvalid {
			t.Errorf("from %q to %q: %v, want invalid", c.from, c.to, err)
			continue
		}
		if _, ok := e.Fields[c.field]; !ok {
			t.Errorf("from %q to %q: fields %v lack %s", c.from, c.to, e.Fields, c.field)
		}
	}
}

func TestListPagination(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	base := time.Date(2026, 11, 23, 1, 0, 0, 0, time.UTC)
	const n = 23
	for i := 0; i < n; i++ {
		action := "login"
		if i%3 == 0 {
			action = "login_failed"
		}
		f.record(t, base.Add(time.Duration(i)*time.Minute), fmt.Sprintf("u%02d", i), action)
	}
	var all []string
	for page := 1; page <= 3; page++ {
		rows, total, err := f.log.List(auditor, audit.Filter{Page: page, PageSize: 10})
		if err != nil {
			t.Fatal(err)
		}
		if total != store.Exact(n) {
			t.Errorf("page %d: total %s, want %d", page, total, n)
		}
		if want := min(10, n-(page-1)*10); len(rows) != want {
			t.Errorf("page %d: %d rows, want %d", page, len(rows), want)
		}
		for _, r := range rows {
			all = append(all, r.Username)
		}
	}
	// Newest first, nothing twice, nothing missing.
	for i, u := range all {
		if want := fmt.Sprintf("u%02d", n-1-i); u != want {
			t.Fatalf("position %d = %s, want %s (newest first)", i, u, want)
		}
	}
	rows, total, err := f.log.List(auditor, audit.Filter{Page: 4, PageSize: 10})
	if err != nil || len(rows) != 0 || total != store.Exact(n) {
		t.Errorf("page past the end = %d rows, total %s, %v", len(rows), total, err)
	}
	// The total counts what the filter selects, not the page.
	rows, total, err = f.log.List(auditor, audit.Filter{Action: "login_failed", PageSize: 3})
	if err != nil || total != store.Exact(8) || len(rows) != 3 {
		t.Errorf("filtered: %d rows, total %s, %v; want 3 of 8", len(rows), total, err)
	}
	// Bad page sizes fall back to a sane default.
	for _, size := range []int{0, -1, 100000} {
		rows, total, err := f.log.List(auditor, audit.Filter{PageSize: size})
		if err != nil || total != store.Exact(n) || len(rows) == 0 || len(rows) > 500 {
			t.Errorf("page size %d: %d rows, %v", size, len(rows), err)
		}
	}
}

func TestOnlyAuditAdminReads(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.record(t, f.clock.Now(), "someone", "login")
	for _, role := range []string{"system_admin", "security_admin", "district", "street", "party_org", "instructor", "readonly", "", "AUDIT_ADMIN"} {
		ctx := actor.With(context.Background(), actor.Actor{UserID: 3, Username: "x", Role: role, Scope: "430426"})
		_, _, err := f.log.List(ctx, audit.Filter{})
		if !apperr.IsKind(err, apperr.KindForbidden) {
			t.Errorf("role %q: List = %v, want forbidden", role, err)
		}
		called := false
		err = f.log.Each(ctx, audit.Filter{}, func(audit.Row) error { called = true; return nil })
		if !apperr.IsKind(err, apperr.KindForbidden) || called {
			t.Errorf("role %q: Each = %v (called %v), want forbidden", role, err, called)
		}
	}
	_, _, err := f.log.List(context.Background(), audit.Filter{})
	if !apperr.IsKind(err, apperr.KindForbidden) {
		t.Errorf("no actor: %v, want forbidden", err)
	}
	for name, ctx := range map[string]context.Context{"audit_admin": auditor, "system": system} {
		rows, total, err := f.log.List(ctx, audit.Filter{})
		if err != nil || total != store.Exact(1) || len(rows) != 1 {
			t.Errorf("%s: %d rows, total %s, %v", name, len(rows), total, err)
		}
	}
}

func TestRecord(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	at := time.Date(2026, 11, 23, 16, 30, 0, 0, time.UTC)
	f.clock.Set(at)
	ctx := actor.With(context.Background(), actor.Actor{UserID: 42, Username: "wangfang", Role: "street", IP: "10.1.2.3"})
	before := map[string]any{"name": "旧名"}
	after := map[string]any{"name": "新名"}
	if err := f.log.Record(ctx, f.db, audit.Entry{Action: "area_update", Entity: "region", EntityID: "430426001A001",
		Before: before, After: after, Note: "改名"}); err != nil {
		t.Fatal(err)
	}
	// A failed login names the attempted user, without a user id.
	if err := f.log.Record(context.Background(), f.db, audit.Entry{Action: "login_failed", Entity: "user", Result: audit.Failure, Username: "nobody"}); err != nil {
		t.Fatal(err)
	}
	rows, _, err := f.log.List(system, audit.Filter{})
	if err != nil || len(rows) != 2 {
		t.Fatalf("List = %v, %v", rows, err)
	}
	r := rows[1] // oldest last
	if r.Username != "wangfang" || r.Role != "street" || r.IP != "10.1.2.3" || r.Action != "area_update" ||
		r.ActionName != "修改片区" || r.Entity != "region" || r.EntityID != "430426001A001" || r.Result != audit.Success || !r.At.Equal(at) {
		t.Errorf("row = %+v", r)
	}
	var d struct {
		Before, After map[string]any
		Note          string
	}
	if err := json.Unmarshal(r.Detail, &d); err != nil || d.Before["name"] != "旧名" || d.After["name"] != "新名" || d.Note != "改名" {
		t.Errorf("detail %s: %+v, %v", r.Detail, d, err)
	}
	if rows[0].Username != "nobody" || rows[0].Result != audit.Failure || rows[0].ActionName != "登录失败" || rows[0].Detail != nil {
		t.Errorf("failed login row = %+v", rows[0])
	}
	var uid *int64
	if err := f.db.QueryRow(context.Background(), f.db, `SELECT user_id FROM audit_log WHERE username = 'nobody'`).Scan(&uid); err != nil || uid != nil {
		t.Errorf("failed login user_id = %v, %v; want NULL", uid, err)
	}

	// Recorded in the caller's transaction: rolled back with it.
	tx, err := f.db.BeginTx(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.log.Record(ctx, tx, audit.Entry{Action: "user_create"}); err != nil {
		t.Fatal(err)
	}
	_ = tx.Rollback()
	if _, total, _ := f.log.List(system, audit.Filter{}); total != store.Exact(2) {
		t.Errorf("a rolled-back record stayed: total %s", total)
	}
	// An unmarshalable detail is an error, not a silent row.
	err = f.log.Record(ctx, f.db, audit.Entry{Action: "x", After: func() {}})
	if err == nil {
		t.Error("Record accepted an unmarshalable detail")
	}
	if _, total, _ := f.log.List(system, audit.Filter{}); total != store.Exact(2) {
		t.Errorf("total %s after a refused record", total)
	}
}

func TestActions(t *testing.T) {
	t.Parallel()
	seen := map[string]bool{}
	for _, a := range audit.Actions() {
		if a.Code == "" || a.Name == "" || seen[a.Code] {
			t.Errorf("action %+v", a)
		}
		seen[a.Code] = true
		if audit.ActionName(a.Code) != a.Name {
			t.Errorf("ActionName(%s) = %q", a.Code, audit.ActionName(a.Code))
		}
	}
	// Every action security.md names is there.
	for _, code := range []string{"login", "logout", "login_failed", "lockout", "password_change", "user_create", "user_update", "audit_export"} {
		if !seen[code] {
			t.Errorf("no action %s", code)
		}
	}
	if audit.ActionName("unknown_x") != "unknown_x" {
		t.Error("unknown codes are not shown as they are")
	}
}

func TestEachStopsOnError(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	for i := 0; i < 5; i++ {
		f.record(t, f.clock.Now().Add(time.Minute), fmt.Sprint("u", i), "login")
	}
	stop := errors.New("stop")
	n := 0
	err := f.log.Each(auditor, audit.Filter{}, func(audit.Row) error {
		n++
		if n == 2 {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) || n != 2 {
		t.Errorf("Each = %v after %d rows, want stop after 2", err, n)
	}
}
