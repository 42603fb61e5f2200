package httpapi_test

import (
	"database/sql"
	"fmt"
	"testing"

	"liangxin/internal/notify"
)

// notification puts a notification in the inbox of user and returns its id.
func (f *fixtures) notification(t *testing.T, user string) int64 {
	t.Helper()
	u, err := f.e.App.Auth.UserByUsername(f.sys(), user)
	if err != nil {
		t.Fatal(err)
	}
	var id int64
	err = f.e.App.DB.InTx(f.sys(), func(tx *sql.Tx) error {
		if err := f.e.App.Inbox.Notify(f.sys(), tx, notify.Recipients{Users: []int64{u.ID}}, notify.Message{Kind: notify.KindAssigned,
			Title: fmt.Sprintf("矩阵通知%d", f.next()), Link: "/services?request=1"}); err != nil {
			return err
		}
		return f.e.App.DB.QueryRow(f.sys(), tx, `SELECT MAX(id) FROM notifications WHERE user_id = ?`, u.ID).Scan(&id)
	})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// notifyMatrixCases are the access-matrix cases of notifyRoutes: every
// logged-in account has an inbox; another user's notification is not found.
func notifyMatrixCases() map[string]matrixCase {
	return map[string]matrixCase{
		"GET /api/v1/notifications":              {unscoped: true, call: static("/api/v1/notifications?unread=true&kind=overdue")},
		"GET /api/v1/notifications/unread-count": {unscoped: true, call: static("/api/v1/notifications/unread-count")},
		"POST /api/v1/notifications/read-all":    {unscoped: true, call: static("/api/v1/notifications/read-all")},
		"POST /api/v1/notifications/{id}/read": {call: func(t *testing.T, f *fixtures, caller string, in bool) (string, any) {
			return fmt.Sprintf("/api/v1/notifications/%d/read", f.notification(t, pick(in, caller, "target_out"))), nil
		}},
	}
}
