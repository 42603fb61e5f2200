package cobuild

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"liangxin/internal/apperr"
	"liangxin/internal/audit"
	"liangxin/internal/store"
)

// Unit is a co-building unit (驻区单位).
type Unit struct {
	ID            int64  `json:"id"`
	Kind          string `json:"kind"`
	KindName      string `json:"kind_name"`
	Name          string `json:"name"`
	Address       string `json:"address"`
	RegionCode    string `json:"region_code"`
	RegionName    string `json:"region_name"`
	OrgID         *int64 `json:"org_id"`
	OrgName       string `json:"org_name"`
	PartyOrgID    *int64 `json:"party_org_id"`
	PartyOrgName  string `json:"party_org_name"`
	ContactName   string `json:"contact_name"`
	ContactPhone  string `json:"contact_phone"` // masked unless revealed
	AllianceCount int    `json:"alliance_count"`
	CreatedAt     string `json:"created_at"`
	UpdatedAt     string `json:"updated_at"`
}

// UnitInput registers or changes a unit. For kind liangxin, OrgID links the
// ledger organization. The party organization is either PartyOrgID (a
// ledger party organization) or PartyOrgName (free text). An empty phone on
// update keeps the stored one.
type UnitInput struct {
	Kind         string `json:"kind"`
	Name         string `json:"name"`
	Address      string `json:"address"`
	RegionCode   string `json:"region_code"`
	OrgID        *int64 `json:"org_id"`
	PartyOrgID   *int64 `json:"party_org_id"`
	PartyOrgName string `json:"party_org_name"`
	ContactName  string `json:"contact_name"`
	ContactPhone string `json:"contact_phone"`
}

const unitCols = `u.id, u.kind, u.name, u.address, u.region_code, COALESCE(g.name, ''), u.org_id, COALESCE(o.name, ''), u.party_org_id,
	COALESCE(p.name, u.party_org_name), u.contact_name, u.contact_phone_mask, u.created_at, u.updated_at,
	(SELECT COUNT(*) FROM cobuild_alliance_members am WHERE am.unit_id = u.id AND am.left_on IS NULL)`

const unitFrom = `FROM cobuild_units u LEFT JOIN regions g ON g.code = u.region_code LEFT JOIN organizations o ON o.id = u.org_id
	LEFT JOIN party_orgs p ON p.id = u.party_org_id`

func scanUnit(row interface{ Scan(...any) error }) (Unit, error) {
	var u Unit
	var org, po sql.NullInt64
	err := row.Scan(&u.ID, &u.Kind, &u.Name, &u.Address, &u.RegionCode, &u.RegionName, &org, &u.OrgName, &po, &u.PartyOrgName,
		&u.ContactName, &u.ContactPhone, &u.CreatedAt, &u.UpdatedAt, &u.AllianceCount)
	u.OrgID, u.PartyOrgID = nullInt(org), nullInt(po)
	u.KindName = optionName(UnitKinds(), u.Kind)
	return u, err
}

func (s *Service) getUnit(ctx context.Context, q store.Querier, id int64) (Unit, error) {
	cond, args, err := store.ScopeFilter(ctx, "u.region_code")
	if err != nil {
		return Unit{}, err
	}
	u, err := scanUnit(s.DB.QueryRow(ctx, q, `SELECT `+unitCols+` `+unitFrom+` WHERE u.id = ? AND `+cond, append([]any{id}, args...)...))
	if errors.Is(err, sql.ErrNoRows) {
		return u, apperr.NotFound("共建单位")
	}
	if err != nil {
		return u, fmt.Errorf("cobuild: unit %d: %w", id, err)
	}
	return u, nil
}

// GetUnit returns a unit in the caller's scope, phone masked.
func (s *Service) GetUnit(ctx context.Context, id int64) (Unit, error) {
	ctx = store.WithOp(ctx, "cobuild.GetUnit")
	return s.getUnit(ctx, s.DB, id)
}

// UnitFilter selects units.
type UnitFilter struct {
	Kind       string
	RegionCode string
	Q          string
	Sort       string
	Page
}

var unitSorts = map[string]string{"name": "u.name, u.id", "created_desc": "u.created_at DESC, u.id DESC", "region": "u.region_code, u.name, u.id"}

// UnitSortCodes lists the unit sorts (the first is the default).
func UnitSortCodes() []string { return []string{"name", "created_desc", "region"} }

// ListUnits returns a page of the units in the caller's scope.
func (s *Service) ListUnits(ctx context.Context, f UnitFilter) ([]Unit, store.Total, error) {
	ctx = store.WithOp(ctx, "cobuild.ListUnits")
	bad := apperr.Invalid()
	if f.Kind != "" && optionName(UnitKinds(), f.Kind) == "" {
		bad.Field("kind", "单位类别不存在")
	}
	order, err := sortOrder(unitSorts, "name", f.Sort)
	if err != nil {
		bad.Field("sort", "排序应为 "+strings.Join(UnitSortCodes(), "、")+" 之一")
	}
	if err := bad.OrNil(); err != nil {
		return nil, store.Total{}, err
	}
	cond, args, err := store.ScopeFilter(ctx, "u.region_code")
	if err != nil {
		return nil, store.Total{}, err
	}
	if f.Kind != "" {
		cond += " AND u.kind = ?"
		args = append(args, f.Kind)
	}
	if f.RegionCode != "" {
		rc, ra := store.PrefixRange("u.region_code", f.RegionCode)
		cond, args = cond+" AND "+rc, append(args, ra...)
	}
	if strings.TrimSpace(f.Q) != "" {
		c, a := likeAny(f.Q, "u.name", "u.address", "u.party_org_name", "u.contact_name")
		cond += " AND " + c
		args = append(args, a...)
	}
	out, total, err := store.ListPage(ctx, s.DB, unitCols, unitFrom, cond, args, order, f.Page.store(), scanUnit)
	if err != nil {
		return nil, store.Total{}, fmt.Errorf("cobuild: list units: %w", err)
	}
	return out, total, nil
}

func (s *Service) validateUnit(ctx context.Context, q store.Querier, in *UnitInput) (string, error) {
	bad := apperr.Invalid()
	in.Kind = enumField(bad, "kind", "单位类别", UnitKinds(), in.Kind)
	in.Name = textField(bad, "name", "单位名称", in.Name, true, 100)
	in.Address = textField(bad, "address", "地址", in.Address, false, 200)
	in.PartyOrgName = textField(bad, "party_org_name", "单位党组织名称", in.PartyOrgName, false, 100)
	in.ContactName = textField(bad, "contact_name", "联系人", in.ContactName, false, 50)
	phone := phoneField(bad, "contact_phone", in.ContactPhone)
	in.RegionCode = strings.TrimSpace(in.RegionCode)
	if in.RegionCode == "" {
		bad.Field("region_code", "请选择单位所在区域")
	}
	if in.Kind == "liangxin" && in.OrgID == nil {
		bad.Field("org_id", "两新组织请选择台账中的组织")
	}
	if in.Kind != "liangxin" {
		in.OrgID = nil
	}
	if err := bad.OrNil(); err != nil {
		return "", err
	}
	if _, err := s.regionLevel(ctx, q, "region_code", in.RegionCode); err != nil {
		return "", err
	}
	if in.OrgID != nil {
		cond, args, err := store.ScopeFilter(ctx, "region_code")
		if err != nil {
			return "", err
		}
		var n int
		if err := s.DB.QueryRow(ctx, q, `SELECT COUNT(*) FROM organizations WHERE id = ? AND `+cond, append([]any{*in.OrgID}, args...)...).Scan(&n); err != nil {
			return "", err
		}
		if n == 0 {
			return "", apperr.InvalidField("org_id", "台账中没有这个组织，或不在您的管辖范围内")
		}
	}
	if in.PartyOrgID != nil {
		name, err := s.partyOrgInScope(ctx, q, "party_org_id", *in.PartyOrgID)
		if err != nil {
			return "", err
		}
		in.PartyOrgName = name
	}
	return phone, nil
}

// CreateUnit registers a unit.
func (s *Service) CreateUnit(ctx context.Context, in UnitInput) (Unit, error) {
	ctx = store.WithOp(ctx, "cobuild.CreateUnit")
	return store.InTxGet(ctx, s.DB, func(tx *sql.Tx) (Unit, error) { return s.createUnit(ctx, tx, in) })
}

func (s *Service) createUnit(ctx context.Context, tx *sql.Tx, in UnitInput) (Unit, error) {
	phone, err := s.validateUnit(ctx, tx, &in)
	if err != nil {
		return Unit{}, err
	}
	var n int
	if err := s.DB.QueryRow(ctx, tx, `SELECT COUNT(*) FROM cobuild_units WHERE region_code = ? AND name = ?`, in.RegionCode, in.Name).Scan(&n); err != nil {
		return Unit{}, err
	}
	if n > 0 {
		return Unit{}, apperr.InvalidField("name", "同一区域已有同名共建单位")
	}
	enc, hash, mask, err := s.seal(phone)
	if err != nil {
		return Unit{}, err
	}
	now := s.stamp()
	var id int64
	if err := s.DB.QueryRow(ctx, tx, `INSERT INTO cobuild_units (kind, name, address, region_code, org_id, party_org_id, party_org_name, contact_name,
		contact_phone_enc, contact_phone_hash, contact_phone_mask, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		in.Kind, in.Name, in.Address, in.RegionCode, in.OrgID, in.PartyOrgID, in.PartyOrgName, in.ContactName, enc, hash, mask, username(ctx), now, now).Scan(&id); err != nil {
		return Unit{}, err
	}
	u, err := s.getUnit(ctx, tx, id)
	if err != nil {
		return u, err
	}
	return u, s.Audit.Record(ctx, tx, audit.Entry{Action: "cobuild_unit_create", Entity: "cobuild_unit", EntityID: fmt.Sprint(id), After: u,
		Note: fmt.Sprintf("登记共建单位「%s」（%s）", u.Name, u.KindName)})
}

// UpdateUnit changes a unit; an empty phone keeps the stored one.
func (s *Service) UpdateUnit(ctx context.Context, id int64, in UnitInput) (Unit, error) {
	ctx = store.WithOp(ctx, "cobuild.UpdateUnit")
	return store.InTxGet(ctx, s.DB, func(tx *sql.Tx) (Unit, error) {
		before, err := s.getUnit(ctx, tx, id)
		if err != nil {
			return Unit{}, err
		}
		phone, err := s.validateUnit(ctx, tx, &in)
		if err != nil {
			return Unit{}, err
		}
		var n int
		if err := s.DB.QueryRow(ctx, tx, `SELECT COUNT(*) FROM cobuild_units WHERE region_code = ? AND name = ? AND id <> ?`, in.RegionCode, in.Name, id).Scan(&n); err != nil {
			return Unit{}, err
		}
		if n > 0 {
			return Unit{}, apperr.InvalidField("name", "同一区域已有同名共建单位")
		}
		if _, err := s.DB.Exec(ctx, tx, `UPDATE cobuild_units SET kind = ?, name = ?, address = ?, region_code = ?, org_id = ?, party_org_id = ?, party_org_name = ?,
			contact_name = ?, updated_at = ? WHERE id = ?`, in.Kind, in.Name, in.Address, in.RegionCode, in.OrgID, in.PartyOrgID, in.PartyOrgName, in.ContactName, s.stamp(), id); err != nil {
			return Unit{}, err
		}
		if phone != "" {
			enc, hash, mask, err := s.seal(phone)
			if err != nil {
				return Unit{}, err
			}
			if _, err := s.DB.Exec(ctx, tx, `UPDATE cobuild_units SET contact_phone_enc = ?, contact_phone_hash = ?, contact_phone_mask = ? WHERE id = ?`, enc, hash, mask, id); err != nil {
				return Unit{}, err
			}
		}
		after, err := s.getUnit(ctx, tx, id)
		if err != nil {
			return after, err
		}
		return after, s.Audit.Record(ctx, tx, audit.Entry{Action: "cobuild_unit_update", Entity: "cobuild_unit", EntityID: fmt.Sprint(id), Before: before, After: after,
			Note: fmt.Sprintf("修改共建单位「%s」", after.Name)})
	})
}

// RevealUnitPhone returns a unit with its contact phone in full, audited.
func (s *Service) RevealUnitPhone(ctx context.Context, id int64) (Unit, error) {
	return store.InTxGet(ctx, s.DB, func(tx *sql.Tx) (Unit, error) {
		u, err := s.getUnit(ctx, tx, id)
		if err != nil {
			return u, err
		}
		masked := u.ContactPhone
		var enc string
		if err := s.DB.QueryRow(ctx, tx, `SELECT contact_phone_enc FROM cobuild_units WHERE id = ?`, id).Scan(&enc); err != nil {
			return u, err
		}
		if enc != "" {
			p, err := s.protector()
			if err != nil {
				return u, err
			}
			if u.ContactPhone, err = p.Decrypt(enc); err != nil {
				return u, err
			}
		}
		return u, s.Audit.Record(ctx, tx, audit.Entry{Action: "cobuild_unit_reveal", Entity: "cobuild_unit", EntityID: fmt.Sprint(id),
			After: map[string]any{"id": id, "contact_name": u.ContactName, "phone": masked},
			Note:  fmt.Sprintf("查看共建单位「%s」联系人「%s」的完整联系电话 %s", u.Name, u.ContactName, masked)})
	})
}
