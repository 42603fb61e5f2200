package servicereq

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"liangxin/internal/apperr"
	"liangxin/internal/audit"
	"liangxin/internal/store"
)

// HandlerUnit is a unit a request can be transferred to (承办单位): a
// department, a street, a social organization, optionally linked to the
// ledger organization it is.
type HandlerUnit struct {
	ID         int64  `json:"id"`
	Name       string `json:"name"`
	Kind       string `json:"kind"`
	KindName   string `json:"kind_name"`
	RegionCode string `json:"region_code"`
	RegionName string `json:"region_name"`
	OrgID      *int64 `json:"org_id"`
	OrgName    string `json:"org_name"`
	Contact    string `json:"contact"`
	Active     bool   `json:"active"`
}

// HandlerUnitInput registers a handler unit.
type HandlerUnitInput struct {
	Name       string `json:"name"`
	Kind       string `json:"kind"`
	RegionCode string `json:"region_code"`
	OrgID      *int64 `json:"org_id"`
	Contact    string `json:"contact"`
}

const unitCols = `u.id, u.name, u.kind, u.region_code, COALESCE(g.name, ''), u.org_id, COALESCE(o.name, ''), u.contact, u.active`
const unitFrom = ` FROM service_handler_units u LEFT JOIN regions g ON g.code = u.region_code LEFT JOIN organizations o ON o.id = u.org_id`

func scanUnit(row interface{ Scan(...any) error }) (HandlerUnit, error) {
	var u HandlerUnit
	var org sql.NullInt64
	err := row.Scan(&u.ID, &u.Name, &u.Kind, &u.RegionCode, &u.RegionName, &org, &u.OrgName, &u.Contact, &u.Active)
	if org.Valid {
		u.OrgID = &org.Int64
	}
	u.KindName = optionName(HandlerKinds(), u.Kind)
	return u, err
}

// UnitFilter selects handler units.
type UnitFilter struct {
	Q        string
	Page     int
	PageSize int
}

// ListUnits lists the handler units the caller may transfer to: those in
// its scope and those of the levels above it, by name.
func (s *Service) ListUnits(ctx context.Context, f UnitFilter) ([]HandlerUnit, store.Total, error) {
	ctx = store.WithOp(ctx, "servicereq.ListUnits")
	cond, args, err := visibleRegion(ctx, "u.region_code")
	if err != nil {
		return nil, store.Total{}, err
	}
	if f.Q != "" {
		cond += ` AND u.name LIKE ? ESCAPE '\'`
		args = append(args, "%"+store.LikeEscape(f.Q)+"%")
	}
	out, total, err := store.List(ctx, s.DB, store.ListQuery{Cols: unitCols, From: unitFrom[1:], Cond: cond, Args: args,
		Order: "u.region_code, u.name, u.id"}, store.Page{Number: f.Page, Size: f.PageSize}, scanUnit)
	if err != nil {
		return nil, store.Total{}, fmt.Errorf("servicereq: list units: %w", err)
	}
	return out, total, nil
}

// visibleUnit returns a unit the caller may transfer to.
func (s *Service) visibleUnit(ctx context.Context, q store.Querier, id int64) (HandlerUnit, error) {
	cond, args, err := visibleRegion(ctx, "u.region_code")
	if err != nil {
		return HandlerUnit{}, err
	}
	u, err := scanUnit(s.DB.QueryRow(ctx, q, `SELECT `+unitCols+unitFrom+` WHERE u.id = ? AND `+cond, append([]any{id}, args...)...))
	if errors.Is(err, sql.ErrNoRows) {
		return u, apperr.NotFound("承办单位")
	}
	return u, err
}

// CreateUnit registers a handler unit in a region of the caller's scope.
func (s *Service) CreateUnit(ctx context.Context, in HandlerUnitInput) (HandlerUnit, error) {
	ctx = store.WithOp(ctx, "servicereq.CreateUnit")
	bad := apperr.Invalid()
	in.Name = textField(bad, "name", "单位名称", in.Name, true, 60)
	in.Contact = textField(bad, "contact", "联系人及方式", in.Contact, false, 100)
	if optionName(HandlerKinds(), in.Kind) == "" {
		bad.Field("kind", "请选择单位类型（职能部门、街道（乡镇）、社会组织、其他单位）")
	}
	if in.RegionCode == "" {
		bad.Field("region_code", "请选择所属区域")
	}
	if err := bad.OrNil(); err != nil {
		return HandlerUnit{}, err
	}
	var out HandlerUnit
	err := s.DB.InTx(ctx, func(tx *sql.Tx) error {
		if err := s.regionInScope(ctx, tx, in.RegionCode); err != nil {
			return err
		}
		if in.OrgID != nil {
			if err := s.orgInScope(ctx, tx, *in.OrgID); err != nil {
				return err
			}
		}
		var id int64
		if err := s.DB.QueryRow(ctx, tx, `INSERT INTO service_handler_units (name, kind, region_code, org_id, contact, active, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`, in.Name, in.Kind, in.RegionCode, in.OrgID, in.Contact, true, s.stamp()).Scan(&id); err != nil {
			if store.IsUniqueViolation(err) {
				return apperr.InvalidField("name", "该区域已有同名承办单位")
			}
			return err
		}
		var err error
		if out, err = s.visibleUnit(ctx, tx, id); err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "service_unit_create", Entity: "service_handler_unit", EntityID: fmt.Sprint(id),
			After: out, Note: fmt.Sprintf("登记承办单位「%s」", out.Name)})
	})
	if err != nil {
		return HandlerUnit{}, fmt.Errorf("servicereq: create unit: %w", err)
	}
	return out, nil
}

// regionInScope answers 404 for a region outside the caller's scope.
func (s *Service) regionInScope(ctx context.Context, q store.Querier, code string) error {
	cond, args, err := store.ScopeFilter(ctx, "code")
	if err != nil {
		return err
	}
	var n int
	if err := s.DB.QueryRow(ctx, q, `SELECT COUNT(*) FROM regions WHERE code = ? AND `+cond, append([]any{code}, args...)...).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		return apperr.NotFound("区域")
	}
	return nil
}

func (s *Service) orgInScope(ctx context.Context, q store.Querier, id int64) error {
	cond, args, err := store.ScopeFilter(ctx, "region_code")
	if err != nil {
		return err
	}
	var n int
	if err := s.DB.QueryRow(ctx, q, `SELECT COUNT(*) FROM organizations WHERE id = ? AND `+cond, append([]any{id}, args...)...).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		return apperr.InvalidField("org_id", "所选两新组织不存在或不在管辖范围内")
	}
	return nil
}

func (s *Service) partyOrgInScope(ctx context.Context, q store.Querier, id int64) error {
	cond, args, err := store.PartyOrgFilter(ctx, "id")
	if err != nil {
		return err
	}
	var n int
	if err := s.DB.QueryRow(ctx, q, `SELECT COUNT(*) FROM party_orgs WHERE id = ? AND `+cond, append([]any{id}, args...)...).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		return apperr.InvalidField("receiving_party_org_id", "所选接单党组织不存在或不在管辖范围内")
	}
	return nil
}

// BindableUnits lists, by name, the active handler units inside the caller's
// scope that a 承办单位经办人 account may be bound to (at most limit of them).
func (s *Service) BindableUnits(ctx context.Context, q string, limit int) ([]HandlerUnit, error) {
	cond, args, err := store.ScopeFilter(ctx, "u.region_code")
	if err != nil {
		return nil, err
	}
	cond += " AND u.active = ?"
	args = append(args, true)
	if q != "" {
		cond += ` AND u.name LIKE ? ESCAPE '\'`
		args = append(args, "%"+store.LikeEscape(q)+"%")
	}
	rows, err := s.DB.Query(ctx, s.DB, `SELECT `+unitCols+unitFrom+` WHERE `+cond+` ORDER BY u.name, u.id LIMIT ?`, append(args, limit)...)
	if err != nil {
		return nil, fmt.Errorf("servicereq: bindable units: %w", err)
	}
	defer rows.Close()
	out := []HandlerUnit{}
	for rows.Next() {
		u, err := scanUnit(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, rows.Err()
}
