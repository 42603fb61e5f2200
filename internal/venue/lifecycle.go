package venue

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"liangxin/internal/apperr"
	"liangxin/internal/audit"
	"liangxin/internal/store"
)

// DeactivateInput deactivates (停用) a venue; the reason is required.
type DeactivateInput struct {
	Reason string `json:"reason"`
}

// Deactivate takes a venue out of use. It keeps its rooms, bookings,
// inspections and activities; confirmed bookings from today on must be
// cancelled first (409 naming how many).
func (s *Service) Deactivate(ctx context.Context, id int64, in DeactivateInput) (Venue, error) {
	bad := apperr.Invalid()
	in.Reason = textField(bad, "reason", "停用原因", in.Reason, true, 200)
	if err := bad.OrNil(); err != nil {
		return Venue{}, err
	}
	var out Venue
	err := s.DB.InTx(ctx, func(tx *sql.Tx) error {
		before, err := s.get(ctx, tx, id)
		if err != nil {
			return err
		}
		if !before.Active {
			return apperr.Conflict("阵地「" + before.Name + "」已停用")
		}
		var n int
		if err := s.DB.QueryRow(ctx, tx, `SELECT COUNT(*) FROM venue_bookings WHERE venue_id = ? AND status = ? AND day >= ?`,
			id, StatusConfirmed, s.today()).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return apperr.Conflict(fmt.Sprintf("阵地「%s」还有 %d 个今天及以后的预约，请先取消后再停用", before.Name, n))
		}
		if _, err := s.DB.Exec(ctx, tx, `UPDATE venues SET active = ?, deactivated_reason = ?, deactivated_at = ?, updated_at = ? WHERE id = ?`,
			false, in.Reason, s.stamp(), s.stamp(), id); err != nil {
			return err
		}
		if out, err = s.get(ctx, tx, id); err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "venue_deactivate", Entity: "venue", EntityID: fmt.Sprint(id), Before: before, After: out,
			Note: fmt.Sprintf("停用阵地「%s」：%s", out.Name, in.Reason)})
	})
	if err != nil {
		return Venue{}, fmt.Errorf("venue: deactivate %d: %w", id, err)
	}
	return out, nil
}

// Reactivate puts a deactivated venue back into use.
func (s *Service) Reactivate(ctx context.Context, id int64) (Venue, error) {
	var out Venue
	err := s.DB.InTx(ctx, func(tx *sql.Tx) error {
		before, err := s.get(ctx, tx, id)
		if err != nil {
			return err
		}
		if before.Active {
			return apperr.Conflict("阵地「" + before.Name + "」在用，无需启用")
		}
		if _, err := s.DB.Exec(ctx, tx, `UPDATE venues SET active = ?, deactivated_reason = '', deactivated_at = '', updated_at = ? WHERE id = ?`,
			true, s.stamp(), id); err != nil {
			return err
		}
		if out, err = s.get(ctx, tx, id); err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "venue_reactivate", Entity: "venue", EntityID: fmt.Sprint(id), Before: before, After: out,
			Note: fmt.Sprintf("重新启用阵地「%s」", out.Name)})
	})
	if err != nil {
		return Venue{}, fmt.Errorf("venue: reactivate %d: %w", id, err)
	}
	return out, nil
}

// UpdateRoom renames a room or changes its capacity. A capacity below the
// expected attendance of a confirmed booking from today on is refused (409).
func (s *Service) UpdateRoom(ctx context.Context, venueID, roomID int64, in RoomInput) (Venue, error) {
	ctx = store.WithOp(ctx, "venue.UpdateRoom")
	bad := apperr.Invalid()
	checkRoom(bad, "", &in)
	if err := bad.OrNil(); err != nil {
		e, _ := apperr.As(err)
		fixed := apperr.Invalid()
		for k, m := range e.Fields {
			fixed.Field(strings.TrimPrefix(k, "."), m)
		}
		return Venue{}, fixed
	}
	var out Venue
	err := s.DB.InTx(ctx, func(tx *sql.Tx) error {
		v, err := s.get(ctx, tx, venueID)
		if err != nil {
			return err
		}
		room, ok := roomOf(v, roomID)
		if !ok {
			return apperr.NotFound("房间")
		}
		var most int
		if err := s.DB.QueryRow(ctx, tx, `SELECT COALESCE(MAX(attendance), 0) FROM venue_bookings WHERE room_id = ? AND status = ? AND day >= ?`,
			roomID, StatusConfirmed, s.today()).Scan(&most); err != nil {
			return err
		}
		if in.Capacity < most {
			return apperr.Conflict(fmt.Sprintf("「%s」已有预计 %d 人的预约，容纳人数不能少于 %d 人", room.Name, most, most))
		}
		if _, err := s.DB.Exec(ctx, tx, `UPDATE venue_rooms SET name = ?, capacity = ? WHERE id = ?`, in.Name, in.Capacity, roomID); err != nil {
			if isUnique(err) {
				return apperr.InvalidField("name", "该阵地已有名为「"+in.Name+"」的房间")
			}
			return err
		}
		if out, err = s.get(ctx, tx, venueID); err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "venue_room_update", Entity: "venue", EntityID: fmt.Sprint(venueID),
			Before: room, After: map[string]any{"id": roomID, "name": in.Name, "capacity": in.Capacity},
			Note: fmt.Sprintf("阵地「%s」修改房间「%s」为「%s」（容纳 %d 人）", v.Name, room.Name, in.Name, in.Capacity)})
	})
	if err != nil {
		return Venue{}, fmt.Errorf("venue: update room: %w", err)
	}
	return out, nil
}
