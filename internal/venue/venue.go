// Package venue is 阵地: the register of venues (党群服务中心, 红色驿站…)
// with their rooms, opening hours and manager, and the booking of rooms by
// party organizations and co-building units (阵地联用). It has no HTTP types.
package venue

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"liangxin/internal/actor"
	"liangxin/internal/apperr"
	"liangxin/internal/audit"
	"liangxin/internal/civil"
	"liangxin/internal/pdata"
	"liangxin/internal/store"
)

// Service holds the dependencies of the venue use cases.
type Service struct {
	DB    *store.DB
	Audit *audit.Logger
	Now   func() time.Time
	// Protector seals the manager's phone number (the members' key).
	Protector func() (*pdata.Protector, error)
	// OpenRequest opens a service request for a failed inspection item
	// (wired to internal/servicereq by the application).
	OpenRequest RequestOpener
}

func (s *Service) now() time.Time {
	if s.Now == nil {
		return time.Now()
	}
	return s.Now()
}

func (s *Service) today() string { return civil.Today(s.now()) }

// Today is today's date in China time (YYYY-MM-DD) by the service's clock.
func (s *Service) Today() string { return s.today() }

func (s *Service) stamp() string { return store.FormatTime(s.now()) }

func username(ctx context.Context) string {
	a, _ := actor.From(ctx)
	return a.Username
}

// Option is a code with its Chinese name.
type Option struct {
	Code string `json:"code"`
	Name string `json:"name"`
}

// Kinds lists the kinds of venue.
func Kinds() []Option {
	return []Option{{"service_center", "党群服务中心"}, {"red_station", "红色驿站"}, {"guidance_station", "党建工作指导站"},
		{"mobile_member_station", "流动党员服务站"}, {"activity_room", "党员活动室"}, {"other", "其他"}}
}

// KindCodes lists the kind codes.
func KindCodes() []string {
	var out []string
	for _, k := range Kinds() {
		out = append(out, k.Code)
	}
	return out
}

func optionName(opts []Option, code string) string {
	for _, o := range opts {
		if o.Code == code {
			return o.Name
		}
	}
	return ""
}

// Hours are the opening hours of one weekday (1 Monday … 7 Sunday); a
// weekday without an entry is closed.
type Hours struct {
	Weekday int    `json:"weekday"`
	Open    string `json:"open"`  // HH:MM
	Close   string `json:"close"` // HH:MM, after Open; 24:00 allowed
}

// Room is a bookable room of a venue.
type Room struct {
	ID       int64  `json:"id"`
	Name     string `json:"name"`
	Capacity int    `json:"capacity"`
}

// RoomInput adds a room.
type RoomInput struct {
	Name     string `json:"name"`
	Capacity int    `json:"capacity"`
}

// Venue is a registered venue (阵地).
type Venue struct {
	ID           int64   `json:"id"`
	Name         string  `json:"name"`
	Kind         string  `json:"kind"`
	KindName     string  `json:"kind_name"`
	PartyOrgID   int64   `json:"party_org_id"`
	PartyOrgName string  `json:"party_org_name"`
	RegionCode   string  `json:"region_code"`
	RegionName   string  `json:"region_name"`
	Address      string  `json:"address"`
	Longitude    string  `json:"longitude"` // decimal degrees as text, "" when unknown
	Latitude     string  `json:"latitude"`
	Area         string  `json:"area"` // m², decimal text, "" when unknown
	Hours        []Hours `json:"hours"`
	ManagerName  string  `json:"manager_name"`
	ManagerPhone string  `json:"manager_phone"` // masked unless revealed
	Rooms        []Room  `json:"rooms"`
	// Active is false once the venue is deactivated (停用): it keeps its
	// history but takes no bookings, inspections or activities.
	Active            bool   `json:"active"`
	DeactivatedReason string `json:"deactivated_reason"`
	DeactivatedAt     string `json:"deactivated_at"`
	// StandardStatus follows the latest inspection: met 达标, not_met 未达标,
	// unchecked 未检查 (never inspected).
	StandardStatus     string  `json:"standard_status"`
	StandardStatusName string  `json:"standard_status_name"`
	LastInspectedOn    *string `json:"last_inspected_on"` // nil when never inspected
	Photos             []Photo `json:"photos"`            // photos of the venue itself (not inspection evidence)
	// Units are the 两新组织 the venue serves (服务单位), by name; UnitCount is their number.
	Units     []Unit `json:"units"`
	UnitCount int    `json:"unit_count"`
	CreatedBy string `json:"created_by"`
	CreatedAt string `json:"created_at"`
	UpdatedAt string `json:"updated_at"`

	phoneEnc string
}

// Input registers or changes a venue. Rooms are only read on create; later
// rooms are added one by one.
type Input struct {
	Name         string      `json:"name"`
	Kind         string      `json:"kind"`
	PartyOrgID   int64       `json:"party_org_id"`
	RegionCode   string      `json:"region_code"`
	Address      string      `json:"address"`
	Longitude    string      `json:"longitude"`
	Latitude     string      `json:"latitude"`
	Area         string      `json:"area"`
	Hours        []Hours     `json:"hours"`
	ManagerName  string      `json:"manager_name"`
	ManagerPhone string      `json:"manager_phone"` // empty on update keeps the number
	Rooms        []RoomInput `json:"rooms"`
	// UnitIDs are the 两新组织 the venue serves (服务单位). On update an
	// absent (null) list keeps the units on file and [] clears them.
	UnitIDs []int64 `json:"unit_ids"`
}

// Options are the code lists of the venue screens.
type Options struct {
	Kinds            []Option `json:"kinds"`
	BookingStatuses  []Option `json:"booking_statuses"`
	StandardStatuses []Option `json:"standard_statuses"`
}

// GetOptions returns the code lists.
func GetOptions() Options {
	return Options{Kinds: Kinds(), BookingStatuses: Statuses(), StandardStatuses: StandardStatuses()}
}

// Standard statuses of a venue.
const (
	StandardMet       = "met"
	StandardNotMet    = "not_met"
	StandardUnchecked = "unchecked"
)

// StandardStatuses lists the standard statuses.
func StandardStatuses() []Option {
	return []Option{{StandardMet, "达标"}, {StandardNotMet, "未达标"}, {StandardUnchecked, "未检查"}}
}

// StandardStatusCodes lists the standard status codes.
func StandardStatusCodes() []string { return []string{StandardMet, StandardNotMet, StandardUnchecked} }

// latestInspection is the id of the venue v's latest inspection (by day, then
// by the order of entry), NULL when there is none.
const latestInspection = `(SELECT li.id FROM venue_inspections li WHERE li.venue_id = v.id ORDER BY li.inspected_on DESC, li.id DESC LIMIT 1)`

// unitCountExpr is the number of units venue v serves.
const unitCountExpr = `(SELECT COUNT(*) FROM venue_units cu WHERE cu.venue_id = v.id)`

// statusExpr is the standard status of venue v, computed from its latest inspection.
const statusExpr = `COALESCE((SELECT CASE si.result WHEN 'pass' THEN 'met' ELSE 'not_met' END FROM venue_inspections si WHERE si.id = ` + latestInspection + `), 'unchecked')`

var (
	areaRe  = regexp.MustCompile(`^[0-9]{1,7}(\.[0-9]{1,2})?$`)
	coordRe = regexp.MustCompile(`^-?[0-9]{1,3}(\.[0-9]{1,8})?$`)
	clockRe = regexp.MustCompile(`^([01][0-9]|2[0-3]):[0-5][0-9]$|^24:00$`)
)

// ParseClock turns HH:MM into minutes after midnight (24:00 is 1440).
func ParseClock(s string) (int, bool) {
	if !clockRe.MatchString(s) {
		return 0, false
	}
	h, _ := strconv.Atoi(s[:2])
	m, _ := strconv.Atoi(s[3:])
	return h*60 + m, true
}

// FormatClock turns minutes after midnight into HH:MM.
func FormatClock(m int) string { return fmt.Sprintf("%02d:%02d", m/60, m%60) }

var weekdayNames = []string{"", "周一", "周二", "周三", "周四", "周五", "周六", "周日"}

func textField(bad *apperr.Error, field, label, v string, required bool, max int) string {
	v = strings.TrimSpace(v)
	if required && v == "" {
		bad.Field(field, "请填写"+label)
	}
	if utf8.RuneCountInString(v) > max {
		bad.Field(field, fmt.Sprintf("%s不能超过 %d 个字", label, max))
	}
	return v
}

func checkRoom(bad *apperr.Error, f string, r *RoomInput) {
	r.Name = textField(bad, f+".name", "房间名称", r.Name, true, 30)
	if r.Capacity < 1 || r.Capacity > 10000 {
		bad.Field(f+".capacity", "容纳人数应为 1–10000 人")
	}
}

// validate checks in and names every wrong field; phone is the normalized
// manager phone ("" when none given).
func (in *Input) validate(create bool) (phone string, err error) {
	bad := apperr.Invalid()
	in.Name = textField(bad, "name", "阵地名称", in.Name, true, 60)
	if optionName(Kinds(), in.Kind) == "" {
		bad.Field("kind", "请选择阵地类型（党群服务中心、红色驿站、党建工作指导站、流动党员服务站、党员活动室、其他）")
	}
	if in.PartyOrgID <= 0 {
		bad.Field("party_org_id", "请选择所属党组织")
	}
	if strings.TrimSpace(in.RegionCode) == "" {
		bad.Field("region_code", "请选择所在区域")
	}
	in.Address = textField(bad, "address", "地址", in.Address, true, 200)
	in.Longitude, in.Latitude = strings.TrimSpace(in.Longitude), strings.TrimSpace(in.Latitude)
	if (in.Longitude == "") != (in.Latitude == "") {
		bad.Field("latitude", "经度和纬度应同时填写或同时不填")
	}
	if in.Longitude != "" {
		if v, err := strconv.ParseFloat(in.Longitude, 64); !coordRe.MatchString(in.Longitude) || err != nil || v < -180 || v > 180 {
			bad.Field("longitude", "经度应为 -180 到 180 之间的数（最多 8 位小数）")
		}
	}
	if in.Latitude != "" {
		if v, err := strconv.ParseFloat(in.Latitude, 64); !coordRe.MatchString(in.Latitude) || err != nil || v < -90 || v > 90 {
			bad.Field("latitude", "纬度应为 -90 到 90 之间的数（最多 8 位小数）")
		}
	}
	in.Area = strings.TrimSpace(in.Area)
	if in.Area != "" && !areaRe.MatchString(in.Area) {
		bad.Field("area", "面积应为平方米数，如 120 或 85.5（最多两位小数）")
	}
	seen := map[int]bool{}
	for i, h := range in.Hours {
		f := fmt.Sprintf("hours[%d]", i)
		if h.Weekday < 1 || h.Weekday > 7 {
			bad.Field(f+".weekday", "星期应为 1（周一）到 7（周日）")
			continue
		}
		if seen[h.Weekday] {
			bad.Field(f+".weekday", weekdayNames[h.Weekday]+"重复")
		}
		seen[h.Weekday] = true
		o, ok1 := ParseClock(h.Open)
		c, ok2 := ParseClock(h.Close)
		switch {
		case !ok1:
			bad.Field(f+".open", "开放时间格式应为 HH:MM，如 09:00")
		case !ok2:
			bad.Field(f+".close", "关闭时间格式应为 HH:MM，如 17:30")
		case c <= o:
			bad.Field(f+".close", weekdayNames[h.Weekday]+"的关闭时间应晚于开放时间")
		}
	}
	in.ManagerName = textField(bad, "manager_name", "管理员姓名", in.ManagerName, false, 30)
	if strings.TrimSpace(in.ManagerPhone) != "" {
		p, ok := pdata.NormalizePhone(in.ManagerPhone)
		if !ok {
			bad.Field("manager_phone", "联系电话应为11位手机号或带区号的固定电话（如 0734-1234567）")
		}
		phone = p
	}
	if in.UnitIDs != nil {
		checkUnitIDs(bad, in.UnitIDs)
	}
	if create {
		names := map[string]bool{}
		for i := range in.Rooms {
			f := fmt.Sprintf("rooms[%d]", i)
			checkRoom(bad, f, &in.Rooms[i])
			if names[in.Rooms[i].Name] && in.Rooms[i].Name != "" {
				bad.Field(f+".name", "房间「"+in.Rooms[i].Name+"」重复")
			}
			names[in.Rooms[i].Name] = true
		}
	}
	return phone, bad.OrNil()
}

const venueCols = `v.id, v.name, v.kind, v.party_org_id, COALESCE(p.name, ''), v.region_code, COALESCE(g.name, ''), v.address,
	v.longitude, v.latitude, v.area, v.hours, v.manager_name, v.manager_phone_mask, v.manager_phone_enc, v.active, v.deactivated_reason, v.deactivated_at,
	` + statusExpr + `, (SELECT MAX(mi.inspected_on) FROM venue_inspections mi WHERE mi.venue_id = v.id), v.created_by, v.created_at, v.updated_at`

const venueFrom = ` FROM venues v LEFT JOIN party_orgs p ON p.id = v.party_org_id LEFT JOIN regions g ON g.code = v.region_code`

func scanVenue(row interface{ Scan(...any) error }) (Venue, error) {
	var v Venue
	var hours string
	if err := row.Scan(&v.ID, &v.Name, &v.Kind, &v.PartyOrgID, &v.PartyOrgName, &v.RegionCode, &v.RegionName, &v.Address,
		&v.Longitude, &v.Latitude, &v.Area, &hours, &v.ManagerName, &v.ManagerPhone, &v.phoneEnc, &v.Active, &v.DeactivatedReason, &v.DeactivatedAt,
		&v.StandardStatus, &v.LastInspectedOn, &v.CreatedBy, &v.CreatedAt, &v.UpdatedAt); err != nil {
		return v, err
	}
	v.KindName = optionName(Kinds(), v.Kind)
	v.Hours = []Hours{}
	_ = json.Unmarshal([]byte(hours), &v.Hours)
	v.Rooms = []Room{}
	v.Photos = []Photo{}
	v.Units = []Unit{}
	v.StandardStatusName = optionName(StandardStatuses(), v.StandardStatus)
	return v, nil
}

func (s *Service) rooms(ctx context.Context, q store.Querier, venueID int64) ([]Room, error) {
	rows, err := s.DB.Query(ctx, q, `SELECT id, name, capacity FROM venue_rooms WHERE venue_id = ? ORDER BY id`, venueID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Room{}
	for rows.Next() {
		var r Room
		if err := rows.Scan(&r.ID, &r.Name, &r.Capacity); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

func (s *Service) get(ctx context.Context, q store.Querier, id int64) (Venue, error) {
	cond, args, err := store.ScopeFilter(ctx, "v.region_code")
	if err != nil {
		return Venue{}, err
	}
	v, err := scanVenue(s.DB.QueryRow(ctx, q, `SELECT `+venueCols+venueFrom+` WHERE v.id = ? AND `+cond, append([]any{id}, args...)...))
	if errors.Is(err, sql.ErrNoRows) {
		return v, apperr.NotFound("阵地")
	}
	if err != nil {
		return v, fmt.Errorf("venue: get %d: %w", id, err)
	}
	if v.Rooms, err = s.rooms(ctx, q, id); err != nil {
		return v, err
	}
	if v.Photos, err = s.photos(ctx, q, id, 0); err != nil {
		return v, err
	}
	one := []Venue{v}
	err = s.fillUnits(ctx, q, one)
	return one[0], err
}

// Get returns one venue inside the caller's scope, phone masked.
func (s *Service) Get(ctx context.Context, id int64) (Venue, error) { return s.get(ctx, s.DB, id) }

func (s *Service) protector() (*pdata.Protector, error) {
	if s.Protector == nil {
		return nil, errors.New("venue: no personal-data protector wired")
	}
	return s.Protector()
}

func (s *Service) seal(phone string) (enc, hash, mask string, err error) {
	if phone == "" {
		return "", "", "", nil
	}
	p, err := s.protector()
	if err != nil {
		return "", "", "", err
	}
	if enc, err = p.Encrypt(phone); err != nil {
		return "", "", "", err
	}
	return enc, p.Hash(phone), pdata.MaskPhone(phone), nil
}

// checkOwners checks that the region is in the caller's scope and the party
// organization exists and is visible to the caller.
func (s *Service) checkOwners(ctx context.Context, q store.Querier, in Input) error {
	cond, args, err := store.ScopeFilter(ctx, "code")
	if err != nil {
		return err
	}
	var n int
	if err := s.DB.QueryRow(ctx, q, `SELECT COUNT(*) FROM regions WHERE code = ? AND `+cond, append([]any{in.RegionCode}, args...)...).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		return apperr.NotFound("区域")
	}
	pcond, pargs, err := store.PartyOrgFilter(ctx, "id")
	if err != nil {
		return err
	}
	if err := s.DB.QueryRow(ctx, q, `SELECT COUNT(*) FROM party_orgs WHERE id = ? AND `+pcond, append([]any{in.PartyOrgID}, pargs...)...).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		return apperr.InvalidField("party_org_id", "所选党组织不存在或不在管辖范围内")
	}
	return nil
}

func hoursJSON(h []Hours) string {
	if h == nil {
		h = []Hours{}
	}
	b, _ := json.Marshal(h)
	return string(b)
}

// Create registers a venue with its rooms.
func (s *Service) Create(ctx context.Context, in Input) (Venue, error) {
	ctx = store.WithOp(ctx, "venue.Create")
	phone, err := in.validate(true)
	if err != nil {
		return Venue{}, err
	}
	var out Venue
	err = s.DB.InTx(ctx, func(tx *sql.Tx) error {
		out, err = s.createTx(ctx, tx, in, phone)
		return err
	})
	if err != nil {
		return Venue{}, fmt.Errorf("venue: create: %w", err)
	}
	return out, nil
}

// createTx registers a validated venue inside a transaction.
func (s *Service) createTx(ctx context.Context, tx *sql.Tx, in Input, phone string) (Venue, error) {
	if err := s.checkOwners(ctx, tx, in); err != nil {
		return Venue{}, err
	}
	if err := s.checkUnitScope(ctx, tx, in.UnitIDs); err != nil {
		return Venue{}, err
	}
	enc, hash, mask, err := s.seal(phone)
	if err != nil {
		return Venue{}, err
	}
	now := s.stamp()
	var id int64
	if err := s.DB.QueryRow(ctx, tx, `INSERT INTO venues (name, kind, party_org_id, region_code, address, longitude, latitude, area, hours,
		manager_name, manager_phone_enc, manager_phone_hash, manager_phone_mask, created_by, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		in.Name, in.Kind, in.PartyOrgID, in.RegionCode, in.Address, in.Longitude, in.Latitude, in.Area, hoursJSON(in.Hours),
		in.ManagerName, enc, hash, mask, username(ctx), now, now).Scan(&id); err != nil {
		if store.IsUniqueViolation(err) {
			return Venue{}, apperr.InvalidField("name", "该区域已有同名阵地")
		}
		return Venue{}, err
	}
	for _, r := range in.Rooms {
		if _, err := s.DB.Exec(ctx, tx, `INSERT INTO venue_rooms (venue_id, name, capacity) VALUES (?, ?, ?)`, id, r.Name, r.Capacity); err != nil {
			return Venue{}, err
		}
	}
	if err := s.writeUnits(ctx, tx, id, in.UnitIDs); err != nil {
		return Venue{}, err
	}
	out, err := s.get(ctx, tx, id)
	if err != nil {
		return Venue{}, err
	}
	return out, s.Audit.Record(ctx, tx, audit.Entry{Action: "venue_create", Entity: "venue", EntityID: fmt.Sprint(id),
		After: out, Note: fmt.Sprintf("登记阵地「%s」（%s）", out.Name, out.KindName)})
}

// Update changes a venue's register entry (not its rooms). An empty manager
// phone keeps the number on file.
func (s *Service) Update(ctx context.Context, id int64, in Input) (Venue, error) {
	ctx = store.WithOp(ctx, "venue.Update")
	phone, err := in.validate(false)
	if err != nil {
		return Venue{}, err
	}
	var out Venue
	err = s.DB.InTx(ctx, func(tx *sql.Tx) error {
		before, err := s.get(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := s.checkOwners(ctx, tx, in); err != nil {
			return err
		}
		if err := s.checkUnitScope(ctx, tx, in.UnitIDs); err != nil {
			return err
		}
		q := `UPDATE venues SET name = ?, kind = ?, party_org_id = ?, region_code = ?, address = ?, longitude = ?, latitude = ?, area = ?,
			hours = ?, manager_name = ?, updated_at = ?`
		args := []any{in.Name, in.Kind, in.PartyOrgID, in.RegionCode, in.Address, in.Longitude, in.Latitude, in.Area, hoursJSON(in.Hours),
			in.ManagerName, s.stamp()}
		if phone != "" {
			enc, hash, mask, err := s.seal(phone)
			if err != nil {
				return err
			}
			q += `, manager_phone_enc = ?, manager_phone_hash = ?, manager_phone_mask = ?`
			args = append(args, enc, hash, mask)
		}
		if _, err := s.DB.Exec(ctx, tx, q+` WHERE id = ?`, append(args, id)...); err != nil {
			if store.IsUniqueViolation(err) {
				return apperr.InvalidField("name", "该区域已有同名阵地")
			}
			return err
		}
		if in.UnitIDs != nil {
			if err := s.writeUnits(ctx, tx, id, in.UnitIDs); err != nil {
				return err
			}
		}
		if out, err = s.get(ctx, tx, id); err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "venue_update", Entity: "venue", EntityID: fmt.Sprint(id),
			Before: before, After: out, Note: fmt.Sprintf("修改阵地「%s」", out.Name)})
	})
	if err != nil {
		return Venue{}, fmt.Errorf("venue: update %d: %w", id, err)
	}
	return out, nil
}

// AddRoom adds a room to a venue.
func (s *Service) AddRoom(ctx context.Context, venueID int64, in RoomInput) (Venue, error) {
	bad := apperr.Invalid()
	checkRoom(bad, "", &in)
	if err := bad.OrNil(); err != nil {
		// checkRoom names ".name"; the body's fields are top level.
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
		if _, err := s.DB.Exec(ctx, tx, `INSERT INTO venue_rooms (venue_id, name, capacity) VALUES (?, ?, ?)`, venueID, in.Name, in.Capacity); err != nil {
			if store.IsUniqueViolation(err) {
				return apperr.InvalidField("name", "该阵地已有名为「"+in.Name+"」的房间")
			}
			return err
		}
		if out, err = s.get(ctx, tx, venueID); err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "venue_room_add", Entity: "venue", EntityID: fmt.Sprint(venueID),
			Before: v.Rooms, After: out.Rooms, Note: fmt.Sprintf("阵地「%s」新增房间「%s」（容纳 %d 人）", v.Name, in.Name, in.Capacity)})
	})
	if err != nil {
		return Venue{}, fmt.Errorf("venue: add room: %w", err)
	}
	return out, nil
}

// RevealPhone returns the venue with the manager's full phone, audited.
func (s *Service) RevealPhone(ctx context.Context, id int64) (Venue, error) {
	var out Venue
	err := s.DB.InTx(ctx, func(tx *sql.Tx) error {
		v, err := s.get(ctx, tx, id)
		if err != nil {
			return err
		}
		out = v
		if v.phoneEnc != "" {
			p, err := s.protector()
			if err != nil {
				return err
			}
			if out.ManagerPhone, err = p.Decrypt(v.phoneEnc); err != nil {
				return err
			}
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "venue_reveal", Entity: "venue", EntityID: fmt.Sprint(id),
			After: map[string]any{"id": id, "manager_name": v.ManagerName, "phone": v.ManagerPhone},
			Note:  fmt.Sprintf("查看阵地「%s」管理员「%s」的完整联系电话 %s", v.Name, v.ManagerName, v.ManagerPhone)})
	})
	if err != nil {
		return Venue{}, fmt.Errorf("venue: reveal %d: %w", id, err)
	}
	return out, nil
}

// Filter selects venues. Empty fields do not filter.
type Filter struct {
	Kind       string
	RegionCode string // this region and its subtree
	Q          string // name or address
	Standard   string // standard status code
	Active     string // "true", "false" or "" (both)
	Sort       string // "" (region, name), units_desc or units_asc (by the number of units served)
	Page       int
	PageSize   int
}

// Validate names a wrong filter field.
func (f Filter) Validate() error {
	if f.Kind != "" && optionName(Kinds(), f.Kind) == "" {
		return apperr.InvalidField("kind", "阵地类型应为 "+strings.Join(KindCodes(), "、")+" 之一")
	}
	if f.Standard != "" && optionName(StandardStatuses(), f.Standard) == "" {
		return apperr.InvalidField("standard_status", "达标状态应为 met（达标）、not_met（未达标）、unchecked（未检查）之一")
	}
	if f.Active != "" && f.Active != "true" && f.Active != "false" {
		return apperr.InvalidField("active", "应为 true（在用）或 false（已停用）")
	}
	if f.Sort != "" && f.Sort != SortUnitsDesc && f.Sort != SortUnitsAsc {
		return apperr.InvalidField("sort", "排序应为 units_desc（服务单位多的在前）或 units_asc（服务单位少的在前）")
	}
	return nil
}

// Sorts of the venue list besides the default (region, then name).
const (
	SortUnitsDesc = "units_desc"
	SortUnitsAsc  = "units_asc"
)

// SortCodes lists the sorts of the venue list.
func SortCodes() []string { return []string{SortUnitsDesc, SortUnitsAsc} }

// List returns a page of the venues in the caller's scope, by region and name
// (or by the number of units served, see Filter.Sort).
func (s *Service) List(ctx context.Context, f Filter) ([]Venue, store.Total, error) {
	ctx = store.WithOp(ctx, "venue.List")
	if err := f.Validate(); err != nil {
		return nil, store.Total{}, err
	}
	cond, args, err := s.listCond(ctx, f)
	if err != nil {
		return nil, store.Total{}, err
	}
	if f.PageSize <= 0 {
		f.PageSize = 20
	}
	if f.Page <= 0 {
		f.Page = 1
	}
	order := "v.region_code, v.name, v.id"
	switch f.Sort {
	case SortUnitsDesc:
		order = unitCountExpr + " DESC, " + order
	case SortUnitsAsc:
		order = unitCountExpr + ", " + order
	}
	out, total, err := store.List(ctx, s.DB, store.ListQuery{Cols: venueCols, From: venueFrom[1:], CountFrom: "FROM venues v", Cond: cond, Args: args,
		Order: order}, store.Page{Number: f.Page, Size: f.PageSize}, scanVenue)
	if err != nil {
		return nil, store.Total{}, fmt.Errorf("venue: list: %w", err)
	}
	for i := range out {
		if out[i].Rooms, err = s.rooms(ctx, s.DB, out[i].ID); err != nil {
			return nil, store.Total{}, err
		}
	}
	if err := s.fillUnits(ctx, s.DB, out); err != nil {
		return nil, store.Total{}, err
	}
	return out, total, nil
}

// listCond is the WHERE condition of a venue filter (venue alias v) inside
// the caller's scope.
func (s *Service) listCond(ctx context.Context, f Filter) (string, []any, error) {
	cond, args, err := store.ScopeFilter(ctx, "v.region_code")
	if err != nil {
		return "", nil, err
	}
	if f.Kind != "" {
		cond += " AND v.kind = ?"
		args = append(args, f.Kind)
	}
	if f.RegionCode != "" {
		rc, ra := store.PrefixRange("v.region_code", f.RegionCode)
		cond, args = cond+" AND "+rc, append(args, ra...)
	}
	if q := strings.TrimSpace(f.Q); q != "" {
		like := "%" + store.LikeEscape(q) + "%"
		cond += ` AND (v.name LIKE ? ESCAPE '\' OR v.address LIKE ? ESCAPE '\')`
		args = append(args, like, like)
	}
	if f.Standard != "" {
		cond += " AND " + statusExpr + " = ?"
		args = append(args, f.Standard)
	}
	if f.Active != "" {
		cond += " AND v.active = ?"
		args = append(args, f.Active == "true")
	}
	return cond, args, nil
}
