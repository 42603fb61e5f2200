package region

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"unicode/utf8"

	"liangxin/internal/actor"
	"liangxin/internal/apperr"
	"liangxin/internal/audit"
	"liangxin/internal/store"
)

// Write permission is checked by the caller's role at the edge; here the
// scope is enforced and the rules of the tree are kept.

func writeScope(ctx context.Context) (actor.Actor, error) {
	return readScope(ctx)
}

func validateAreaName(name string) (string, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return "", apperr.InvalidField("name", "请填写片区名称")
	}
	if utf8.RuneCountInString(name) > 60 {
		return "", apperr.InvalidField("name", "片区名称不能超过 60 个字")
	}
	return name, nil
}

// CreateArea adds a 商圈/楼宇/园区/网格 under a street/town, a village or another area.
func (s *Service) CreateArea(ctx context.Context, parentCode, name, kind string) (Region, error) {
	ctx = store.WithOp(ctx, "region.CreateArea")
	a, err := writeScope(ctx)
	if err != nil {
		return Region{}, err
	}
	bad := apperr.Invalid()
	name, nerr := validateAreaName(name)
	if nerr != nil {
		e, _ := apperr.As(nerr)
		bad.Field("name", e.Fields["name"])
	}
	if areaKindName(kind) == "" {
		bad.Field("kind", "片区类型应为商圈、楼宇、园区或网格")
	}
	var out Region
	// Two clerks adding an area under the same parent at once may pick the
	// same next code; the primary key refuses the second, which then retries.
	for attempt := 0; ; attempt++ {
		err = s.createArea(ctx, a, bad, parentCode, name, kind, &out)
		if err == nil || !store.IsUniqueViolation(err) {
			return out, err
		}
		if attempt == 4 {
			return out, apperr.Conflict("同时新增的片区较多，请稍后重试")
		}
	}
}

func (s *Service) createArea(ctx context.Context, a actor.Actor, bad *apperr.Error, parentCode, name, kind string, out *Region) error {
	return s.DB.InTx(ctx, func(tx *sql.Tx) error {
		parent, err := s.get(ctx, tx, a, parentCode)
		if err != nil {
			return err
		}
		if s.DB.Dialect == store.Postgres {
			// Serialise creations under one parent (SQLite serialises all writers already).
			if _, err := s.DB.Exec(ctx, tx, `SELECT code FROM regions WHERE code = ? FOR UPDATE`, parent.Code); err != nil {
				return err
			}
		}
		if parent.Level != "town" && parent.Level != "village" && parent.Level != "area" {
			bad.Field("parent_code", "片区只能建在街道（乡镇）、社区（村）或其他片区之下")
		}
		if err := bad.OrNil(); err != nil {
			return err
		}
		var dup int
		if err := s.DB.QueryRow(ctx, tx, `SELECT COUNT(*) FROM regions WHERE parent_code = ? AND name = ?`, parent.Code, name).Scan(&dup); err != nil {
			return err
		}
		if dup > 0 {
			return apperr.Conflict("同一上级下已有同名区划「"+name+"」").Field("name", "同一上级下已有同名区划")
		}
		var maxCode sql.NullString
		if err := s.DB.QueryRow(ctx, tx, `SELECT MAX(code) FROM regions WHERE parent_code = ? AND level = ?`, parent.Code, LevelArea).Scan(&maxCode); err != nil {
			return err
		}
		seq := 1
		if maxCode.Valid {
			seq = atoi(maxCode.String[len(parent.Code)+1:]) + 1
		}
		if seq > 999 {
			return apperr.Conflict("同一上级下的片区数量已达上限 999")
		}
		code := fmt.Sprintf("%sA%03d", parent.Code, seq)
		now := store.FormatTime(s.Now())
		if _, err := s.DB.Exec(ctx, tx, `INSERT INTO regions (code, parent_code, name, level, kind, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			code, parent.Code, name, LevelArea, kind, now, now); err != nil {
			return err
		}
		*out, err = s.get(ctx, tx, a, code)
		if err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "area_create", Entity: "region", EntityID: code, After: *out})
	})
}

// RenameArea renames an area (administrative divisions are not editable).
func (s *Service) RenameArea(ctx context.Context, code, name string) (Region, error) {
	a, err := writeScope(ctx)
	if err != nil {
		return Region{}, err
	}
	name, err = validateAreaName(name)
	if err != nil {
		return Region{}, err
	}
	var out Region
	err = s.DB.InTx(ctx, func(tx *sql.Tx) error {
		before, err := s.get(ctx, tx, a, code)
		if err != nil {
			return err
		}
		if before.Level != "area" {
			return apperr.InvalidField("code", "行政区划来自国家统计用区划代码，不能修改；只能修改片区")
		}
		var dup int
		if err := s.DB.QueryRow(ctx, tx, `SELECT COUNT(*) FROM regions WHERE parent_code = ? AND name = ? AND code <> ?`, before.ParentCode, name, before.Code).Scan(&dup); err != nil {
			return err
		}
		if dup > 0 {
			return apperr.Conflict("同一上级下已有同名区划「"+name+"」").Field("name", "同一上级下已有同名区划")
		}
		if _, err := s.DB.Exec(ctx, tx, `UPDATE regions SET name = ?, updated_at = ? WHERE code = ?`, name, store.FormatTime(s.Now()), before.Code); err != nil {
			return err
		}
		out, err = s.get(ctx, tx, a, before.Code)
		if err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "area_update", Entity: "region", EntityID: before.Code, Before: before, After: out})
	})
	return out, err
}

// DeleteArea removes an area that has nothing beneath it.
func (s *Service) DeleteArea(ctx context.Context, code string) error {
	a, err := writeScope(ctx)
	if err != nil {
		return err
	}
	return s.DB.InTx(ctx, func(tx *sql.Tx) error {
		before, err := s.get(ctx, tx, a, code)
		if err != nil {
			return err
		}
		if before.Level != "area" {
			return apperr.InvalidField("code", "行政区划不能删除；只能删除片区")
		}
		if before.HasChildren {
			return apperr.Conflict("该片区下还有下级片区，请先删除下级片区")
		}
		if _, err := s.DB.Exec(ctx, tx, `DELETE FROM regions WHERE code = ?`, before.Code); err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "area_delete", Entity: "region", EntityID: before.Code, Before: before})
	})
}
