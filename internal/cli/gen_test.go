package cli_test

import (
	"context"
	"strings"
	"testing"

	"liangxin/internal/actor"
	"liangxin/internal/member"
	"liangxin/internal/org"
	"liangxin/internal/store"
)

// A generated database opens as the server opens it (migrations, span
// check, key check) and its lists answer; a second run is refused.
func TestGenFillsAnEmptyDatabase(t *testing.T) {
	tg := newTarget(t)
	code, out, errOut := tg.run(t, "gen", "--jurisdiction", "430426", "--orgs", "500", "--party-orgs", "100", "--members", "600", "--years", "5", "--seed", "2")
	if code != 0 {
		t.Fatalf("gen: %d\n%s\n%s", code, out, errOut)
	}
	if !passwordRE.MatchString(out) || !strings.Contains(out, "两新组织 500 个，党组织 100 个") || !strings.Contains(out, "党员 600 名") {
		t.Fatalf("output:\n%s", out)
	}
	a := openApp(t, tg)
	sys := actor.System(context.Background(), "test")
	if _, n, err := a.Orgs.List(sys, org.Filter{Page: 1, PageSize: 1}); err != nil || n != store.Exact(500) {
		t.Errorf("organizations: %+v, %v", n, err)
	}
	if _, n, err := a.Members.List(sys, member.Filter{Page: 1, PageSize: 1}); err != nil || n != store.Exact(600) {
		t.Errorf("members: %+v, %v", n, err)
	}
	if a.DB.Dialect == store.SQLite {
		var mode string
		if err := a.DB.QueryRowContext(context.Background(), "PRAGMA journal_mode").Scan(&mode); err != nil || mode != "wal" {
			t.Errorf("journal mode after the load: %q, %v", mode, err)
		}
	}
	a.Close()

	code, _, errOut = tg.run(t, "gen", "--orgs", "10", "--party-orgs", "2")
	if code != 1 || !strings.Contains(errOut, "台账不是空的") {
		t.Errorf("second run: %d %s", code, errOut)
	}
	code, _, errOut = tg.run(t, "gen", "--preset", "huge")
	if code != 1 || !strings.Contains(errOut, "未知的规模预设") {
		t.Errorf("unknown preset: %d %s", code, errOut)
	}
}
