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

// Agreement is a 共建协议 between a community and a unit.
type Agreement struct {
	ID            int64  `json:"id"`
	CommunityCode string `json:"community_code"`
	CommunityName string `json:"community_name"`
	UnitID        int64  `json:"unit_id"`
	UnitName      string `json:"unit_name"`
	Title         string `json:"title"`
	StartsOn      string `json:"starts_on"`
	EndsOn        string `json:"ends_on"`
	Content       string `json:"content"`
	State         string `json:"state"`
	StateName     string `json:"state_name"`
	Needs         int    `json:"needs"`
	Resources     int    `json:"resources"`
	Projects      int    `json:"projects"`
	CreatedAt     string `json:"created_at"`
}

// AgreementInput signs or changes an agreement.
type AgreementInput struct {
	CommunityCode string `json:"community_code"`
	UnitID        int64  `json:"unit_id"`
	Title         string `json:"title"`
	StartsOn      string `json:"starts_on"`
	EndsOn        string `json:"ends_on"`
	Content       string `json:"content"`
	State         string `json:"state"`
}

const agreementCols = `a.id, a.community_code, COALESCE(g.name, ''), a.unit_id, u.name, a.title, a.starts_on, a.ends_on, a.content, a.state, a.created_at,
	(SELECT COUNT(*) FROM cobuild_needs n WHERE n.agreement_id = a.id), (SELECT COUNT(*) FROM cobuild_resources r WHERE r.agreement_id = a.id),
	(SELECT COUNT(*) FROM cobuild_projects p WHERE p.agreement_id = a.id)`

const agreementFrom = `FROM cobuild_agreements a JOIN cobuild_units u ON u.id = a.unit_id LEFT JOIN regions g ON g.code = a.community_code`

func scanAgreement(row interface{ Scan(...any) error }) (Agreement, error) {
	var a Agreement
	err := row.Scan(&a.ID, &a.CommunityCode, &a.CommunityName, &a.UnitID, &a.UnitName, &a.Title, &a.StartsOn, &a.EndsOn, &a.Content, &a.State, &a.CreatedAt,
		&a.Needs, &a.Resources, &a.Projects)
	a.StateName = optionName(AgreementStates(), a.State)
	return a, err
}

func (s *Service) getAgreement(ctx context.Context, q store.Querier, id int64) (Agreement, error) {
	cond, args, err := store.ScopeFilter(ctx, "a.community_code")
	if err != nil {
		return Agreement{}, err
	}
	a, err := scanAgreement(s.DB.QueryRow(ctx, q, `SELECT `+agreementCols+` `+agreementFrom+` WHERE a.id = ? AND `+cond, append([]any{id}, args...)...))
	if errors.Is(err, sql.ErrNoRows) {
		return a, apperr.NotFound("共建协议")
	}
	return a, err
}

// GetAgreement returns an agreement in scope.
func (s *Service) GetAgreement(ctx context.Context, id int64) (Agreement, error) {
	ctx = store.WithOp(ctx, "cobuild.GetAgreement")
	return s.getAgreement(ctx, s.DB, id)
}

// ListFilter selects items of the three lists and the agreements.
type ListFilter struct {
	CommunityCode string // region (and below)
	Category      string
	State         string
	Urgency       string
	UnitID        int64
	AgreementID   int64
	Q             string
	Sort          string
	Page
}

var agreementSorts = map[string]string{"starts_desc": "a.starts_on DESC, a.id DESC", "ends": "a.ends_on, a.id"}

// AgreementSortCodes lists the sorts.
func AgreementSortCodes() []string { return []string{"starts_desc", "ends"} }

// ListAgreements returns a page of agreements in scope.
func (s *Service) ListAgreements(ctx context.Context, f ListFilter) ([]Agreement, store.Total, error) {
	ctx = store.WithOp(ctx, "cobuild.ListAgreements")
	bad := apperr.Invalid()
	if f.State != "" && optionName(AgreementStates(), f.State) == "" {
		bad.Field("state", "协议状态不存在")
	}
	order, err := sortOrder(agreementSorts, "starts_desc", f.Sort)
	if err != nil {
		bad.Field("sort", "排序应为 "+strings.Join(AgreementSortCodes(), "、")+" 之一")
	}
	if err := bad.OrNil(); err != nil {
		return nil, store.Total{}, err
	}
	cond, args, err := store.ScopeFilter(ctx, "a.community_code")
	if err != nil {
		return nil, store.Total{}, err
	}
	cond, args = filterCommon(cond, args, f, "a.community_code", "a.state", "", "a.unit_id", "", []string{"a.title", "u.name", "a.content"})
	out, total, err := store.ListPage(ctx, s.DB, agreementCols, agreementFrom, cond, args, order, f.Page.store(), scanAgreement)
	if err != nil {
		return nil, store.Total{}, fmt.Errorf("cobuild: list agreements: %w", err)
	}
	return out, total, nil
}

func filterCommon(cond string, args []any, f ListFilter, regionCol, stateCol, catCol, unitCol, agreementCol string, qcols []string) (string, []any) {
	add := func(c string, a ...any) {
		cond += " AND " + c
		args = append(args, a...)
	}
	if f.CommunityCode != "" {
		rc, ra := store.PrefixRange(regionCol, f.CommunityCode)
		add(rc, ra...)
	}
	if f.State != "" && stateCol != "" {
		add(stateCol+" = ?", f.State)
	}
	if f.Category != "" && catCol != "" {
		add(catCol+" = ?", f.Category)
	}
	if f.UnitID != 0 && unitCol != "" {
		add(unitCol+" = ?", f.UnitID)
	}
	if f.AgreementID != 0 && agreementCol != "" {
		add(agreementCol+" = ?", f.AgreementID)
	}
	if strings.TrimSpace(f.Q) != "" {
		c, a := likeAny(f.Q, qcols...)
		add(c, a...)
	}
	return cond, args
}

func (s *Service) validateAgreement(ctx context.Context, q store.Querier, in *AgreementInput) error {
	bad := apperr.Invalid()
	in.Title = textField(bad, "title", "协议名称", in.Title, true, 100)
	in.StartsOn = dateField(bad, "starts_on", "开始日期", in.StartsOn, true)
	in.EndsOn = dateField(bad, "ends_on", "结束日期", in.EndsOn, true)
	in.Content = textField(bad, "content", "共建内容", in.Content, false, 4000)
	if in.State == "" {
		in.State = "active"
	}
	in.State = enumField(bad, "state", "协议状态", AgreementStates(), in.State)
	if in.StartsOn != "" && in.EndsOn != "" && in.EndsOn < in.StartsOn {
		bad.Field("ends_on", "结束日期不能早于开始日期")
	}
	if err := bad.OrNil(); err != nil {
		return err
	}
	if err := s.community(ctx, q, "community_code", in.CommunityCode); err != nil {
		return err
	}
	if _, err := s.getUnit(ctx, q, in.UnitID); err != nil {
		return apperr.InvalidField("unit_id", "共建单位不存在或不在您的管辖范围内")
	}
	return nil
}

// CreateAgreement signs a 共建协议.
func (s *Service) CreateAgreement(ctx context.Context, in AgreementInput) (Agreement, error) {
	ctx = store.WithOp(ctx, "cobuild.CreateAgreement")
	return store.InTxGet(ctx, s.DB, func(tx *sql.Tx) (Agreement, error) {
		if err := s.validateAgreement(ctx, tx, &in); err != nil {
			return Agreement{}, err
		}
		now := s.stamp()
		var id int64
		if err := s.DB.QueryRow(ctx, tx, `INSERT INTO cobuild_agreements (community_code, unit_id, title, starts_on, ends_on, content, state, created_by, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, in.CommunityCode, in.UnitID, in.Title, in.StartsOn, in.EndsOn, in.Content, in.State, username(ctx), now, now).Scan(&id); err != nil {
			return Agreement{}, err
		}
		a, err := s.getAgreement(ctx, tx, id)
		if err != nil {
			return a, err
		}
		return a, s.Audit.Record(ctx, tx, audit.Entry{Action: "cobuild_agreement_create", Entity: "cobuild_agreement", EntityID: fmt.Sprint(id), After: a,
			Note: fmt.Sprintf("%s与「%s」签订共建协议「%s」", a.CommunityName, a.UnitName, a.Title)})
	})
}

// UpdateAgreement changes an agreement (e.g. its state).
func (s *Service) UpdateAgreement(ctx context.Context, id int64, in AgreementInput) (Agreement, error) {
	ctx = store.WithOp(ctx, "cobuild.UpdateAgreement")
	return store.InTxGet(ctx, s.DB, func(tx *sql.Tx) (Agreement, error) {
		before, err := s.getAgreement(ctx, tx, id)
		if err != nil {
			return before, err
		}
		if err := s.validateAgreement(ctx, tx, &in); err != nil {
			return Agreement{}, err
		}
		if _, err := s.DB.Exec(ctx, tx, `UPDATE cobuild_agreements SET community_code = ?, unit_id = ?, title = ?, starts_on = ?, ends_on = ?, content = ?, state = ?, updated_at = ? WHERE id = ?`,
			in.CommunityCode, in.UnitID, in.Title, in.StartsOn, in.EndsOn, in.Content, in.State, s.stamp(), id); err != nil {
			return Agreement{}, err
		}
		a, err := s.getAgreement(ctx, tx, id)
		if err != nil {
			return a, err
		}
		return a, s.Audit.Record(ctx, tx, audit.Entry{Action: "cobuild_agreement_update", Entity: "cobuild_agreement", EntityID: fmt.Sprint(id), Before: before, After: a,
			Note: fmt.Sprintf("修改共建协议「%s」", a.Title)})
	})
}

// agreementFor checks an optional agreement in scope.
func (s *Service) agreementFor(ctx context.Context, q store.Querier, id *int64) (*Agreement, error) {
	if id == nil || *id == 0 {
		return nil, nil
	}
	a, err := s.getAgreement(ctx, q, *id)
	if err != nil {
		return nil, apperr.InvalidField("agreement_id", "共建协议不存在或不在您的管辖范围内")
	}
	return &a, nil
}

// Need is an item of a community's 需求清单.
type Need struct {
	ID            int64  `json:"id"`
	AgreementID   *int64 `json:"agreement_id"`
	CommunityCode string `json:"community_code"`
	CommunityName string `json:"community_name"`
	Title         string `json:"title"`
	Category      string `json:"category"`
	CategoryName  string `json:"category_name"`
	Requester     string `json:"requester"`
	Urgency       string `json:"urgency"`
	UrgencyName   string `json:"urgency_name"`
	Detail        string `json:"detail"`
	State         string `json:"state"`
	StateName     string `json:"state_name"`
	CreatedAt     string `json:"created_at"`
}

// NeedInput records or changes a need.
type NeedInput struct {
	AgreementID   *int64 `json:"agreement_id"`
	CommunityCode string `json:"community_code"`
	Title         string `json:"title"`
	Category      string `json:"category"`
	Requester     string `json:"requester"`
	Urgency       string `json:"urgency"`
	Detail        string `json:"detail"`
	State         string `json:"state"`
}

const needCols = `n.id, n.agreement_id, n.community_code, COALESCE(g.name, ''), n.title, n.category, n.requester, n.urgency, n.detail, n.state, n.created_at`

const needFrom = `FROM cobuild_needs n LEFT JOIN regions g ON g.code = n.community_code`

func scanNeed(row interface{ Scan(...any) error }) (Need, error) {
	var n Need
	var ag sql.NullInt64
	err := row.Scan(&n.ID, &ag, &n.CommunityCode, &n.CommunityName, &n.Title, &n.Category, &n.Requester, &n.Urgency, &n.Detail, &n.State, &n.CreatedAt)
	n.AgreementID = nullInt(ag)
	n.CategoryName, n.UrgencyName, n.StateName = optionName(Categories(), n.Category), optionName(Urgencies(), n.Urgency), optionName(NeedStates(), n.State)
	return n, err
}

func (s *Service) getNeed(ctx context.Context, q store.Querier, id int64) (Need, error) {
	cond, args, err := store.ScopeFilter(ctx, "n.community_code")
	if err != nil {
		return Need{}, err
	}
	n, err := scanNeed(s.DB.QueryRow(ctx, q, `SELECT `+needCols+` `+needFrom+` WHERE n.id = ? AND `+cond, append([]any{id}, args...)...))
	if errors.Is(err, sql.ErrNoRows) {
		return n, apperr.NotFound("需求")
	}
	return n, err
}

// GetNeed returns a need in scope.
func (s *Service) GetNeed(ctx context.Context, id int64) (Need, error) {
	ctx = store.WithOp(ctx, "cobuild.GetNeed")
	return s.getNeed(ctx, s.DB, id)
}

var needSorts = map[string]string{"created_desc": "n.created_at DESC, n.id DESC",
	"urgency": "CASE n.urgency WHEN 'high' THEN 0 WHEN 'normal' THEN 1 ELSE 2 END, n.created_at, n.id", "title": "n.title, n.id"}

// NeedSortCodes lists the sorts.
func NeedSortCodes() []string { return []string{"created_desc", "urgency", "title"} }

func validListFilter(f ListFilter, states []Option, sorts []string) error {
	bad := apperr.Invalid()
	if f.State != "" && optionName(states, f.State) == "" {
		bad.Field("state", "状态不存在")
	}
	if f.Category != "" && optionName(Categories(), f.Category) == "" {
		bad.Field("category", "类别不存在")
	}
	if f.Urgency != "" && optionName(Urgencies(), f.Urgency) == "" {
		bad.Field("urgency", "紧急程度应为 high、normal 或 low")
	}
	if f.Sort != "" && !contains(sorts, f.Sort) {
		bad.Field("sort", "排序应为 "+strings.Join(sorts, "、")+" 之一")
	}
	return bad.OrNil()
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// ListNeeds returns a page of needs in scope.
func (s *Service) ListNeeds(ctx context.Context, f ListFilter) ([]Need, store.Total, error) {
	ctx = store.WithOp(ctx, "cobuild.ListNeeds")
	if err := validListFilter(f, NeedStates(), NeedSortCodes()); err != nil {
		return nil, store.Total{}, err
	}
	order, _ := sortOrder(needSorts, "created_desc", f.Sort)
	cond, args, err := store.ScopeFilter(ctx, "n.community_code")
	if err != nil {
		return nil, store.Total{}, err
	}
	cond, args = filterCommon(cond, args, f, "n.community_code", "n.state", "n.category", "", "n.agreement_id", []string{"n.title", "n.requester", "n.detail"})
	if f.Urgency != "" {
		cond += " AND n.urgency = ?"
		args = append(args, f.Urgency)
	}
	out, total, err := store.ListPage(ctx, s.DB, needCols, needFrom, cond, args, order, f.Page.store(), scanNeed)
	if err != nil {
		return nil, store.Total{}, fmt.Errorf("cobuild: list needs: %w", err)
	}
	return out, total, nil
}

func (s *Service) validateNeed(ctx context.Context, q store.Querier, in *NeedInput) error {
	bad := apperr.Invalid()
	in.Title = textField(bad, "title", "需求名称", in.Title, true, 100)
	in.Category = enumField(bad, "category", "需求类别", Categories(), in.Category)
	in.Requester = textField(bad, "requester", "需求对象", in.Requester, false, 100)
	if in.Urgency == "" {
		in.Urgency = "normal"
	}
	in.Urgency = enumField(bad, "urgency", "紧急程度", Urgencies(), in.Urgency)
	in.Detail = textField(bad, "detail", "需求说明", in.Detail, false, 2000)
	if in.State == "" {
		in.State = "open"
	}
	in.State = enumField(bad, "state", "需求状态", NeedStates(), in.State)
	if err := bad.OrNil(); err != nil {
		return err
	}
	if err := s.community(ctx, q, "community_code", in.CommunityCode); err != nil {
		return err
	}
	a, err := s.agreementFor(ctx, q, in.AgreementID)
	if err != nil {
		return err
	}
	if a != nil && a.CommunityCode != in.CommunityCode {
		return apperr.InvalidField("agreement_id", "共建协议不是本社区签订的")
	}
	return nil
}

// CreateNeed records a need.
func (s *Service) CreateNeed(ctx context.Context, in NeedInput) (Need, error) {
	ctx = store.WithOp(ctx, "cobuild.CreateNeed")
	return store.InTxGet(ctx, s.DB, func(tx *sql.Tx) (Need, error) { return s.createNeed(ctx, tx, in) })
}

func (s *Service) createNeed(ctx context.Context, tx *sql.Tx, in NeedInput) (Need, error) {
	if err := s.validateNeed(ctx, tx, &in); err != nil {
		return Need{}, err
	}
	now := s.stamp()
	var id int64
	if err := s.DB.QueryRow(ctx, tx, `INSERT INTO cobuild_needs (agreement_id, community_code, title, category, requester, urgency, detail, state, created_by, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, in.AgreementID, in.CommunityCode, in.Title, in.Category, in.Requester, in.Urgency, in.Detail, in.State,
		username(ctx), now, now).Scan(&id); err != nil {
		return Need{}, err
	}
	n, err := s.getNeed(ctx, tx, id)
	if err != nil {
		return n, err
	}
	return n, s.Audit.Record(ctx, tx, audit.Entry{Action: "cobuild_need_create", Entity: "cobuild_need", EntityID: fmt.Sprint(id), After: n,
		Note: fmt.Sprintf("%s登记需求「%s」（%s）", n.CommunityName, n.Title, n.CategoryName)})
}

// UpdateNeed changes a need.
func (s *Service) UpdateNeed(ctx context.Context, id int64, in NeedInput) (Need, error) {
	ctx = store.WithOp(ctx, "cobuild.UpdateNeed")
	return store.InTxGet(ctx, s.DB, func(tx *sql.Tx) (Need, error) {
		before, err := s.getNeed(ctx, tx, id)
		if err != nil {
			return before, err
		}
		if err := s.validateNeed(ctx, tx, &in); err != nil {
			return Need{}, err
		}
		if _, err := s.DB.Exec(ctx, tx, `UPDATE cobuild_needs SET agreement_id = ?, community_code = ?, title = ?, category = ?, requester = ?, urgency = ?, detail = ?, state = ?, updated_at = ? WHERE id = ?`,
			in.AgreementID, in.CommunityCode, in.Title, in.Category, in.Requester, in.Urgency, in.Detail, in.State, s.stamp(), id); err != nil {
			return Need{}, err
		}
		n, err := s.getNeed(ctx, tx, id)
		if err != nil {
			return n, err
		}
		return n, s.Audit.Record(ctx, tx, audit.Entry{Action: "cobuild_need_update", Entity: "cobuild_need", EntityID: fmt.Sprint(id), Before: before, After: n,
			Note: fmt.Sprintf("修改需求「%s」", n.Title)})
	})
}

// Resource is an item of a unit's 资源清单.
type Resource struct {
	ID            int64   `json:"id"`
	AgreementID   *int64  `json:"agreement_id"`
	UnitID        int64   `json:"unit_id"`
	UnitName      string  `json:"unit_name"`
	RegionCode    string  `json:"region_code"`
	RegionName    string  `json:"region_name"`
	Title         string  `json:"title"`
	Category      string  `json:"category"`
	CategoryName  string  `json:"category_name"`
	Quantity      string  `json:"quantity"`
	AvailableFrom *string `json:"available_from"`
	AvailableTo   *string `json:"available_to"`
	State         string  `json:"state"`
	StateName     string  `json:"state_name"`
	CreatedAt     string  `json:"created_at"`
	// Nearness is set on suggestions: same_community, same_street, same_county.
	Nearness     string `json:"nearness"`
	NearnessName string `json:"nearness_name"`
}

// ResourceInput records or changes a resource; it sits where its unit sits.
type ResourceInput struct {
	AgreementID   *int64 `json:"agreement_id"`
	UnitID        int64  `json:"unit_id"`
	Title         string `json:"title"`
	Category      string `json:"category"`
	Quantity      string `json:"quantity"`
	AvailableFrom string `json:"available_from"`
	AvailableTo   string `json:"available_to"`
	State         string `json:"state"`
}

const resourceCols = `r.id, r.agreement_id, r.unit_id, u.name, r.region_code, COALESCE(g.name, ''), r.title, r.category, r.quantity,
	r.available_from, r.available_to, r.state, r.created_at`

const resourceFrom = `FROM cobuild_resources r JOIN cobuild_units u ON u.id = r.unit_id LEFT JOIN regions g ON g.code = r.region_code`

func scanResource(row interface{ Scan(...any) error }) (Resource, error) {
	var r Resource
	var ag sql.NullInt64
	var from, to sql.NullString
	err := row.Scan(&r.ID, &ag, &r.UnitID, &r.UnitName, &r.RegionCode, &r.RegionName, &r.Title, &r.Category, &r.Quantity, &from, &to, &r.State, &r.CreatedAt)
	r.AgreementID, r.AvailableFrom, r.AvailableTo = nullInt(ag), nullStr(from), nullStr(to)
	r.CategoryName, r.StateName = optionName(Categories(), r.Category), optionName(ResourceStates(), r.State)
	return r, err
}

func (s *Service) getResource(ctx context.Context, q store.Querier, id int64) (Resource, error) {
	cond, args, err := store.ScopeFilter(ctx, "r.region_code")
	if err != nil {
		return Resource{}, err
	}
	r, err := scanResource(s.DB.QueryRow(ctx, q, `SELECT `+resourceCols+` `+resourceFrom+` WHERE r.id = ? AND `+cond, append([]any{id}, args...)...))
	if errors.Is(err, sql.ErrNoRows) {
		return r, apperr.NotFound("资源")
	}
	return r, err
}

// GetResource returns a resource in scope.
func (s *Service) GetResource(ctx context.Context, id int64) (Resource, error) {
	ctx = store.WithOp(ctx, "cobuild.GetResource")
	return s.getResource(ctx, s.DB, id)
}

var resourceSorts = map[string]string{"created_desc": "r.created_at DESC, r.id DESC", "available": "COALESCE(r.available_from, ''), r.id", "title": "r.title, r.id"}

// ResourceSortCodes lists the sorts.
func ResourceSortCodes() []string { return []string{"created_desc", "available", "title"} }

// ListResources returns a page of resources in scope.
func (s *Service) ListResources(ctx context.Context, f ListFilter) ([]Resource, store.Total, error) {
	ctx = store.WithOp(ctx, "cobuild.ListResources")
	if err := validListFilter(f, ResourceStates(), ResourceSortCodes()); err != nil {
		return nil, store.Total{}, err
	}
	order, _ := sortOrder(resourceSorts, "created_desc", f.Sort)
	cond, args, err := store.ScopeFilter(ctx, "r.region_code")
	if err != nil {
		return nil, store.Total{}, err
	}
	cond, args = filterCommon(cond, args, f, "r.region_code", "r.state", "r.category", "r.unit_id", "r.agreement_id", []string{"r.title", "u.name", "r.quantity"})
	out, total, err := store.ListPage(ctx, s.DB, resourceCols, resourceFrom, cond, args, order, f.Page.store(), scanResource)
	if err != nil {
		return nil, store.Total{}, fmt.Errorf("cobuild: list resources: %w", err)
	}
	return out, total, nil
}

func (s *Service) validateResource(ctx context.Context, q store.Querier, in *ResourceInput) (Unit, error) {
	bad := apperr.Invalid()
	in.Title = textField(bad, "title", "资源名称", in.Title, true, 100)
	in.Category = enumField(bad, "category", "资源类别", Categories(), in.Category)
	in.Quantity = textField(bad, "quantity", "数量", in.Quantity, false, 50)
	in.AvailableFrom = dateField(bad, "available_from", "可提供开始日期", in.AvailableFrom, false)
	in.AvailableTo = dateField(bad, "available_to", "可提供截止日期", in.AvailableTo, false)
	if in.AvailableFrom != "" && in.AvailableTo != "" && in.AvailableTo < in.AvailableFrom {
		bad.Field("available_to", "截止日期不能早于开始日期")
	}
	if in.State == "" {
		in.State = "available"
	}
	in.State = enumField(bad, "state", "资源状态", ResourceStates(), in.State)
	if err := bad.OrNil(); err != nil {
		return Unit{}, err
	}
	u, err := s.getUnit(ctx, q, in.UnitID)
	if err != nil {
		return u, apperr.InvalidField("unit_id", "共建单位不存在或不在您的管辖范围内")
	}
	a, err := s.agreementFor(ctx, q, in.AgreementID)
	if err != nil {
		return u, err
	}
	if a != nil && a.UnitID != in.UnitID {
		return u, apperr.InvalidField("agreement_id", "共建协议不是该单位签订的")
	}
	return u, nil
}

// CreateResource records a resource.
func (s *Service) CreateResource(ctx context.Context, in ResourceInput) (Resource, error) {
	ctx = store.WithOp(ctx, "cobuild.CreateResource")
	return store.InTxGet(ctx, s.DB, func(tx *sql.Tx) (Resource, error) { return s.createResource(ctx, tx, in) })
}

func (s *Service) createResource(ctx context.Context, tx *sql.Tx, in ResourceInput) (Resource, error) {
	u, err := s.validateResource(ctx, tx, &in)
	if err != nil {
		return Resource{}, err
	}
	now := s.stamp()
	var id int64
	if err := s.DB.QueryRow(ctx, tx, `INSERT INTO cobuild_resources (agreement_id, unit_id, region_code, title, category, quantity, available_from, available_to, state, created_by, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, in.AgreementID, in.UnitID, u.RegionCode, in.Title, in.Category, in.Quantity,
		emptyNil(in.AvailableFrom), emptyNil(in.AvailableTo), in.State, username(ctx), now, now).Scan(&id); err != nil {
		return Resource{}, err
	}
	r, err := s.getResource(ctx, tx, id)
	if err != nil {
		return r, err
	}
	return r, s.Audit.Record(ctx, tx, audit.Entry{Action: "cobuild_resource_create", Entity: "cobuild_resource", EntityID: fmt.Sprint(id), After: r,
		Note: fmt.Sprintf("「%s」登记资源「%s」（%s）", r.UnitName, r.Title, r.CategoryName)})
}

// UpdateResource changes a resource.
func (s *Service) UpdateResource(ctx context.Context, id int64, in ResourceInput) (Resource, error) {
	ctx = store.WithOp(ctx, "cobuild.UpdateResource")
	return store.InTxGet(ctx, s.DB, func(tx *sql.Tx) (Resource, error) {
		before, err := s.getResource(ctx, tx, id)
		if err != nil {
			return before, err
		}
		u, err := s.validateResource(ctx, tx, &in)
		if err != nil {
			return Resource{}, err
		}
		if _, err := s.DB.Exec(ctx, tx, `UPDATE cobuild_resources SET agreement_id = ?, unit_id = ?, region_code = ?, title = ?, category = ?, quantity = ?, available_from = ?, available_to = ?, state = ?, updated_at = ? WHERE id = ?`,
			in.AgreementID, in.UnitID, u.RegionCode, in.Title, in.Category, in.Quantity, emptyNil(in.AvailableFrom), emptyNil(in.AvailableTo), in.State, s.stamp(), id); err != nil {
			return Resource{}, err
		}
		r, err := s.getResource(ctx, tx, id)
		if err != nil {
			return r, err
		}
		return r, s.Audit.Record(ctx, tx, audit.Entry{Action: "cobuild_resource_update", Entity: "cobuild_resource", EntityID: fmt.Sprint(id), Before: before, After: r,
			Note: fmt.Sprintf("修改资源「%s」", r.Title)})
	})
}

// nearness ranks a resource region against a need's community: 0 the same
// community, 1 the same street (first nine digits), 2 the same county (first six).
const nearness = `CASE WHEN r.region_code LIKE ? ESCAPE '\' THEN 0 WHEN substr(r.region_code, 1, 9) = ? THEN 1 ELSE 2 END`

// Suggest returns the resources that may meet a need: available, of the
// same category, not expired, in the need's county; the same community
// first, then the same street, then the rest of the county; within a rank
// those available soonest, then the oldest entries. Resources outside the
// caller's scope are not shown.
func (s *Service) Suggest(ctx context.Context, needID int64) ([]Resource, error) {
	n, err := s.getNeed(ctx, s.DB, needID)
	if err != nil {
		return nil, err
	}
	cond, args, err := store.ScopeFilter(ctx, "r.region_code")
	if err != nil {
		return nil, err
	}
	c := n.CommunityCode
	query := `SELECT ` + resourceCols + `, ` + nearness + ` AS near_rank ` + resourceFrom + ` WHERE r.category = ? AND r.state = 'available'
		AND (r.available_to IS NULL OR r.available_to >= ?) AND substr(r.region_code, 1, 6) = ? AND ` + cond + `
		ORDER BY near_rank, COALESCE(r.available_from, ''), r.created_at, r.id LIMIT 20`
	qargs := append([]any{store.LikeEscape(c) + "%", c[:min(9, len(c))], n.Category, s.today(), c[:min(6, len(c))]}, args...)
	rows, err := s.DB.Query(ctx, s.DB, query, qargs...)
	if err != nil {
		return nil, fmt.Errorf("cobuild: suggest for need %d: %w", needID, err)
	}
	defer rows.Close()
	out := []Resource{}
	names := []Option{{"same_community", "同社区"}, {"same_street", "同街道"}, {"same_county", "同县区"}}
	for rows.Next() {
		var r Resource
		var ag sql.NullInt64
		var from, to sql.NullString
		var rank int
		if err := rows.Scan(&r.ID, &ag, &r.UnitID, &r.UnitName, &r.RegionCode, &r.RegionName, &r.Title, &r.Category, &r.Quantity, &from, &to, &r.State, &r.CreatedAt, &rank); err != nil {
			return nil, err
		}
		r.AgreementID, r.AvailableFrom, r.AvailableTo = nullInt(ag), nullStr(from), nullStr(to)
		r.CategoryName, r.StateName = optionName(Categories(), r.Category), optionName(ResourceStates(), r.State)
		r.Nearness, r.NearnessName = names[rank].Code, names[rank].Name
		out = append(out, r)
	}
	return out, rows.Err()
}

// Unmatched returns the open needs in scope for which no available,
// unexpired resource of the same category exists in the need's county.
func (s *Service) Unmatched(ctx context.Context, f ListFilter) ([]Need, store.Total, error) {
	if err := validListFilter(f, NeedStates(), NeedSortCodes()); err != nil {
		return nil, store.Total{}, err
	}
	order, _ := sortOrder(needSorts, "urgency", f.Sort)
	cond, args, err := store.ScopeFilter(ctx, "n.community_code")
	if err != nil {
		return nil, store.Total{}, err
	}
	f.State = ""
	cond, args = filterCommon(cond, args, f, "n.community_code", "", "n.category", "", "", []string{"n.title", "n.requester", "n.detail"})
	cond += ` AND n.state = 'open' AND NOT EXISTS (SELECT 1 FROM cobuild_resources r WHERE r.category = n.category AND r.state = 'available'
		AND (r.available_to IS NULL OR r.available_to >= ?) AND substr(r.region_code, 1, 6) = substr(n.community_code, 1, 6))`
	args = append(args, s.today())
	out, total, err := store.ListPage(ctx, s.DB, needCols, needFrom, cond, args, order, f.Page.store(), scanNeed)
	if err != nil {
		return nil, store.Total{}, fmt.Errorf("cobuild: unmatched needs: %w", err)
	}
	return out, total, nil
}
