package httpapi_test

import (
	"context"
	"database/sql"
	"fmt"
	"testing"

	"liangxin/internal/actor"
	"liangxin/internal/auth"
	"liangxin/internal/notify"
	"liangxin/internal/testenv"
)

// A user reads and marks its own notifications only.
func TestNotificationsOverHTTP(t *testing.T) {
	e := testenv.New(t)
	a := e.User("st_a", auth.RoleStreet, testenv.Hongqiao)
	b := e.User("st_b", auth.RoleStreet, testenv.Hongqiao)
	sys := actor.System(context.Background(), "fixture")
	send := func(u int64, kind string, n int) {
		for i := range n {
			if err := e.App.DB.InTx(sys, func(tx *sql.Tx) error {
				return e.App.Inbox.Notify(sys, tx, notify.Recipients{Users: []int64{u}}, notify.Message{Kind: kind, Title: fmt.Sprintf("通知%d", i), Link: "/services?request=1"})
			}); err != nil {
				t.Fatal(err)
			}
		}
	}
	send(a.ID, notify.KindAssigned, 3)
	send(a.ID, notify.KindOverdue, 1)
	send(b.ID, notify.KindTransferred, 2)
	ca, cb := e.Login("st_a", testenv.Password), e.Login("st_b", testenv.Password)

	var count notify.UnreadCount
	ca.Do("GET", "/api/v1/notifications/unread-count", nil).JSON(t, &count)
	if count.Unread != 4 {
		t.Fatalf("a unread %d, want 4", count.Unread)
	}
	var pg struct {
		Items []notify.Notification `json:"items"`
		Total int                   `json:"total"`
	}
	ca.Do("GET", "/api/v1/notifications?page_size=2", nil).JSON(t, &pg)
	if pg.Total != 4 || len(pg.Items) != 2 || pg.Items[0].Kind != "overdue" || pg.Items[0].KindName != "诉求超期" || pg.Items[0].Read {
		t.Fatalf("a page %+v", pg)
	}
	ca.Do("GET", "/api/v1/notifications?kind=overdue", nil).JSON(t, &pg)
	if pg.Total != 1 {
		t.Fatalf("a overdue %+v", pg)
	}
	first := pg.Items[0].ID

	// b sees its own two, and a's notification is not found for it.
	cb.Do("GET", "/api/v1/notifications", nil).JSON(t, &pg)
	if pg.Total != 2 || pg.Items[0].Kind != "transferred" {
		t.Fatalf("b list %+v", pg)
	}
	if res := cb.Do("POST", fmt.Sprintf("/api/v1/notifications/%d/read", first), nil); res.Status != 404 {
		t.Fatalf("b reads a's notification: %d %s", res.Status, res.Body)
	}

	var n notify.Notification
	res := ca.Do("POST", fmt.Sprintf("/api/v1/notifications/%d/read", first), nil)
	res.JSON(t, &n)
	if res.Status != 200 || !n.Read || n.ReadAt == nil {
		t.Fatalf("read: %d %+v", res.Status, n)
	}
	ca.Do("GET", "/api/v1/notifications?unread=true", nil).JSON(t, &pg)
	if pg.Total != 3 {
		t.Fatalf("a unread list %d, want 3", pg.Total)
	}
	var marked notify.Marked
	ca.Do("POST", "/api/v1/notifications/read-all", nil).JSON(t, &marked)
	if marked.Marked != 3 {
		t.Fatalf("read-all marked %d, want 3", marked.Marked)
	}
	ca.Do("GET", "/api/v1/notifications/unread-count", nil).JSON(t, &count)
	if count.Unread != 0 {
		t.Fatalf("a unread after read-all %d", count.Unread)
	}
	cb.Do("GET", "/api/v1/notifications/unread-count", nil).JSON(t, &count)
	if count.Unread != 2 {
		t.Fatalf("b unread %d, want 2 (a's read-all is a's only)", count.Unread)
	}
	if res := ca.Do("GET", "/api/v1/notifications?kind=nope&unread=maybe", nil); res.Status != 422 {
		t.Fatalf("bad filter: %d %s", res.Status, res.Body)
	}
}
