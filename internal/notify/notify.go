// Package notify is in-app notification: a small Notifier interface that
// domain packages call inside the transaction of the step that causes a
// notification, and its first implementation, Inbox, which writes one row
// per recipient user into the database (so every app node sees the same
// inbox). SMS or a messaging app can be added later as another Notifier
// (or a Fanout of several); no vendor is wired now. It has no HTTP types.
package notify

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"liangxin/internal/actor"
	"liangxin/internal/apperr"
	"liangxin/internal/store"
)

// Kinds of notification.
const (
	KindAssigned    = "assigned"    // 接单：诉求交由本党组织办理
	KindTransferred = "transferred" // 转单：诉求转至本承办单位
	KindOverdue     = "overdue"     // 诉求超期
	KindReopened    = "reopened"    // 诉求重新办理
)

// Kind is a notification kind with its Chinese name.
type Kind struct {
	Code string `json:"code"`
	Name string `json:"name"`
}

// Kinds lists the notification kinds.
func Kinds() []Kind {
	return []Kind{{KindAssigned, "新接诉求"}, {KindTransferred, "转来诉求"}, {KindOverdue, "诉求超期"}, {KindReopened, "重新办理"}}
}

// KindCodes lists the kind codes.
func KindCodes() []string {
	var out []string
	for _, k := range Kinds() {
		out = append(out, k.Code)
	}
	return out
}

func kindName(code string) string {
	for _, k := range Kinds() {
		if k.Code == code {
			return k.Name
		}
	}
	return code
}

// Recipients says who receives a notification. The parts add up; a user
// named by several parts receives it once.
type Recipients struct {
	// Users are user accounts by id.
	Users []int64
	// PartyOrgs are party organizations: the accounts bound to them
	// (role party_org, users.party_org_id).
	PartyOrgs []int64
	// HandlerUnits are 订单式服务 handler units: their accounts (role
	// handler, users.handler_unit_id).
	HandlerUnits []int64
	// Regions are region codes: the accounts with write rights over the
	// region (roles district and street, not bound to a party organization,
	// whose scope contains the region).
	Regions []string
	// ExceptActor leaves out the user whose step caused the notification.
	ExceptActor bool
}

// Message is what the recipients read.
type Message struct {
	Kind  string
	Title string
	Body  string
	// Link is the path in the web application the notification opens
	// (e.g. /services?request=12).
	Link     string
	Entity   string
	EntityID string
	// Once, when set, is a key that makes the notification happen once
	// only: a second Notify with the same key (in this or any later
	// transaction, on any node) sends nothing.
	Once string
}

// Notifier sends a notification inside the caller's transaction: when the
// transaction rolls back, nothing was sent. Implementations must not
// commit on their own.
type Notifier interface {
	Notify(ctx context.Context, tx *sql.Tx, to Recipients, m Message) error
}

// Fanout sends through several notifiers in turn (the inbox, later an SMS
// gateway); the first error stops it and rolls the step back.
type Fanout []Notifier

// Notify implements Notifier.
func (f Fanout) Notify(ctx context.Context, tx *sql.Tx, to Recipients, m Message) error {
	for _, n := range f {
		if err := n.Notify(ctx, tx, to, m); err != nil {
			return err
		}
	}
	return nil
}

// Inbox is the in-app notifier: one row per recipient user in
// notifications. It also answers the inbox routes of the current user.
type Inbox struct {
	DB  *store.DB
	Now func() time.Time
}

func (b *Inbox) now() time.Time {
	if b.Now == nil {
		return time.Now()
	}
	return b.Now()
}

// Resolve returns the ids of the active user accounts of to, sorted.
func (b *Inbox) Resolve(ctx context.Context, q store.Querier, to Recipients) ([]int64, error) {
	var conds []string
	var args []any
	in := func(col string, ids []int64) {
		if len(ids) == 0 {
			return
		}
		ph := strings.TrimSuffix(strings.Repeat("?, ", len(ids)), ", ")
		conds = append(conds, col+" IN ("+ph+")")
		for _, id := range ids {
			args = append(args, id)
		}
	}
	in("id", to.Users)
	if len(to.PartyOrgs) > 0 {
		in("party_org_id", to.PartyOrgs)
		conds[len(conds)-1] = "(role = 'party_org' AND " + conds[len(conds)-1] + ")"
	}
	if len(to.HandlerUnits) > 0 {
		in("handler_unit_id", to.HandlerUnits)
		conds[len(conds)-1] = "(role = 'handler' AND " + conds[len(conds)-1] + ")"
	}
	for _, r := range to.Regions {
		if r == "" {
			continue
		}
		up, upArgs := store.AncestorsOf("scope", r)
		conds = append(conds, `(role IN ('district', 'street') AND party_org_id IS NULL AND scope <> '' AND `+up+`)`)
		args = append(args, upArgs...)
	}
	if len(conds) == 0 {
		return nil, nil
	}
	rows, err := b.DB.Query(ctx, q, `SELECT id FROM users WHERE NOT disabled AND (`+strings.Join(conds, " OR ")+`) ORDER BY id`, args...)
	if err != nil {
		return nil, fmt.Errorf("notify: recipients: %w", err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if to.ExceptActor {
		if a, ok := actor.From(ctx); ok && a.UserID != 0 {
			out = slices.DeleteFunc(out, func(id int64) bool { return id == a.UserID })
		}
	}
	return out, nil
}

// clip keeps s to at most n characters.
func clip(s string, n int) string {
	s = strings.TrimSpace(s)
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

// Notify implements Notifier: it resolves the recipients and writes one
// inbox row each, in tx.
func (b *Inbox) Notify(ctx context.Context, tx *sql.Tx, to Recipients, m Message) error {
	if tx == nil {
		return errors.New("notify: a notification needs the step's transaction")
	}
	if m.Kind == "" || strings.TrimSpace(m.Title) == "" {
		return errors.New("notify: a notification needs a kind and a title")
	}
	now := store.FormatTime(b.now())
	if m.Once != "" {
		res, err := b.DB.Exec(ctx, tx, `INSERT INTO notification_once (key, created_at) VALUES (?, ?) ON CONFLICT (key) DO NOTHING`, m.Once, now)
		if err != nil {
			return fmt.Errorf("notify: once %s: %w", m.Once, err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return nil // sent before
		}
	}
	users, err := b.Resolve(ctx, tx, to)
	if err != nil {
		return err
	}
	for _, u := range users {
		if _, err := b.DB.Exec(ctx, tx, `INSERT INTO notifications (user_id, kind, title, body, link, entity, entity_id, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, u, m.Kind, clip(m.Title, 100), clip(m.Body, 500), m.Link, m.Entity, m.EntityID, now); err != nil {
			return fmt.Errorf("notify: insert: %w", err)
		}
	}
	return nil
}

// Notification is one entry of a user's inbox.
type Notification struct {
	ID        int64   `json:"id"`
	Kind      string  `json:"kind"`
	KindName  string  `json:"kind_name"`
	Title     string  `json:"title"`
	Body      string  `json:"body"`
	Link      string  `json:"link"`
	Entity    string  `json:"entity"`
	EntityID  string  `json:"entity_id"`
	CreatedAt string  `json:"created_at"`
	ReadAt    *string `json:"read_at"`
	Read      bool    `json:"read"`
}

// Filter selects the current user's notifications.
type Filter struct {
	Unread   bool
	Kind     string
	Page     int
	PageSize int
}

// Validate checks the filter's codes.
func (f Filter) Validate() error {
	if f.Kind != "" && !slices.Contains(KindCodes(), f.Kind) {
		return apperr.InvalidField("kind", "通知类型应为 "+strings.Join(KindCodes(), "、")+" 之一")
	}
	return nil
}

func me(ctx context.Context) (int64, error) {
	a, ok := actor.From(ctx)
	if !ok || a.UserID == 0 {
		return 0, apperr.Unauthenticated("")
	}
	return a.UserID, nil
}

// List returns one page of the current user's notifications, newest first,
// with the total.
func (b *Inbox) List(ctx context.Context, f Filter) ([]Notification, store.Total, error) {
	if err := f.Validate(); err != nil {
		return nil, store.Total{}, err
	}
	uid, err := me(ctx)
	if err != nil {
		return nil, store.Total{}, err
	}
	if f.Page < 1 {
		f.Page = 1
	}
	if f.PageSize < 1 {
		f.PageSize = 20
	}
	cond, args := "user_id = ?", []any{uid}
	if f.Unread {
		cond += " AND read_at IS NULL"
	}
	if f.Kind != "" {
		cond += " AND kind = ?"
		args = append(args, f.Kind)
	}
	out, total, err := store.List(ctx, b.DB, store.ListQuery{Cols: "id, kind, title, body, link, entity, entity_id, created_at, read_at",
		From: "FROM notifications", Cond: cond, Args: args, Order: "id DESC"}, store.Page{Number: f.Page, Size: f.PageSize},
		func(r store.Scanner) (Notification, error) {
			var n Notification
			var read sql.NullString
			if err := r.Scan(&n.ID, &n.Kind, &n.Title, &n.Body, &n.Link, &n.Entity, &n.EntityID, &n.CreatedAt, &read); err != nil {
				return n, err
			}
			if read.Valid {
				n.ReadAt, n.Read = &read.String, true
			}
			n.KindName = kindName(n.Kind)
			return n, nil
		})
	if err != nil {
		return nil, store.Total{}, fmt.Errorf("notify: list: %w", err)
	}
	return out, total, nil
}

// UnreadCount is the number of unread notifications of the current user.
type UnreadCount struct {
	Unread int `json:"unread"`
}

// Unread counts the current user's unread notifications.
func (b *Inbox) Unread(ctx context.Context) (UnreadCount, error) {
	uid, err := me(ctx)
	if err != nil {
		return UnreadCount{}, err
	}
	var n int
	if err := b.DB.QueryRow(ctx, b.DB, `SELECT COUNT(*) FROM notifications WHERE user_id = ? AND read_at IS NULL`, uid).Scan(&n); err != nil {
		return UnreadCount{}, fmt.Errorf("notify: unread: %w", err)
	}
	return UnreadCount{Unread: n}, nil
}

// MarkRead marks one of the current user's notifications read (another
// user's answers 404, as if it did not exist) and returns it.
func (b *Inbox) MarkRead(ctx context.Context, id int64) (Notification, error) {
	uid, err := me(ctx)
	if err != nil {
		return Notification{}, err
	}
	var out Notification
	err = b.DB.InTx(ctx, func(tx *sql.Tx) error {
		if _, err := b.DB.Exec(ctx, tx, `UPDATE notifications SET read_at = ? WHERE id = ? AND user_id = ? AND read_at IS NULL`,
			store.FormatTime(b.now()), id, uid); err != nil {
			return err
		}
		var read sql.NullString
		err := b.DB.QueryRow(ctx, tx, `SELECT id, kind, title, body, link, entity, entity_id, created_at, read_at FROM notifications
			WHERE id = ? AND user_id = ?`, id, uid).Scan(&out.ID, &out.Kind, &out.Title, &out.Body, &out.Link, &out.Entity, &out.EntityID, &out.CreatedAt, &read)
		if errors.Is(err, sql.ErrNoRows) {
			return apperr.NotFound("通知")
		}
		if err != nil {
			return err
		}
		out.ReadAt, out.Read, out.KindName = &read.String, true, kindName(out.Kind)
		return nil
	})
	if err != nil {
		return Notification{}, fmt.Errorf("notify: read %d: %w", id, err)
	}
	return out, nil
}

// Marked is how many notifications a read-all marked.
type Marked struct {
	Marked int `json:"marked"`
}

// MarkAllRead marks every unread notification of the current user read and
// returns how many there were.
func (b *Inbox) MarkAllRead(ctx context.Context) (Marked, error) {
	uid, err := me(ctx)
	if err != nil {
		return Marked{}, err
	}
	res, err := b.DB.Exec(ctx, b.DB, `UPDATE notifications SET read_at = ? WHERE user_id = ? AND read_at IS NULL`, store.FormatTime(b.now()), uid)
	if err != nil {
		return Marked{}, fmt.Errorf("notify: read all: %w", err)
	}
	n, err := res.RowsAffected()
	return Marked{Marked: int(n)}, err
}
