package venue

import (
	"context"
	"database/sql"
	"fmt"
	"regexp"
	"sort"
	"strings"

	"liangxin/internal/apperr"
	"liangxin/internal/audit"
	"liangxin/internal/store"
)

// MaxUnits is the most units one venue lists as served.
const MaxUnits = 300

// Unit is a 两新组织 of the ledger that a venue serves (服务单位).
type Unit struct {
	ID         int64  `json:"id"`
	Name       string `json:"name"`
	USCC       string `json:"uscc"` // 统一社会信用代码, "" when the ledger has none
	RegionName string `json:"region_name"`
}

// UnitsInput replaces the list of units a venue serves.
type UnitsInput struct {
	UnitIDs []int64 `json:"unit_ids"`
}

// checkUnitIDs names a repeated or invalid id of ids (field unit_ids[i]).
func checkUnitIDs(bad *apperr.Error, ids []int64) {
	if len(ids) > MaxUnits {
		bad.Field("unit_ids", fmt.Sprintf("服务单位不能超过 %d 个", MaxUnits))
		return
	}
	seen := map[int64]int{}
	for i, id := range ids {
		f := fmt.Sprintf("unit_ids[%d]", i)
		if id <= 0 {
			bad.Field(f, "请选择服务单位")
			continue
		}
		if first, dup := seen[id]; dup {
			bad.Field(f, fmt.Sprintf("与第 %d 个服务单位重复", first+1))
			continue
		}
		seen[id] = i
	}
}

// checkUnitScope checks that every unit exists and lies in the caller's
// jurisdiction; the first that does not is a field error naming it.
func (s *Service) checkUnitScope(ctx context.Context, q store.Querier, ids []int64) error {
	if len(ids) == 0 {
		return nil
	}
	cond, args, err := store.ScopeFilter(ctx, "region_code")
	if err != nil {
		return err
	}
	for i, id := range ids {
		var n int
		if err := s.DB.QueryRow(ctx, q, `SELECT COUNT(*) FROM organizations WHERE id = ? AND `+cond, append([]any{id}, args...)...).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return apperr.InvalidField(fmt.Sprintf("unit_ids[%d]", i), "所选服务单位不存在或不在管辖范围内")
		}
	}
	return nil
}

// writeUnits replaces the units of a venue by ids (checked).
func (s *Service) writeUnits(ctx context.Context, tx *sql.Tx, venueID int64, ids []int64) error {
	if _, err := s.DB.Exec(ctx, tx, `DELETE FROM venue_units WHERE venue_id = ?`, venueID); err != nil {
		return err
	}
	for _, id := range ids {
		if _, err := s.DB.Exec(ctx, tx, `INSERT INTO venue_units (venue_id, organization_id) VALUES (?, ?)`, venueID, id); err != nil {
			return err
		}
	}
	return nil
}

// Every unit a venue serves is listed, also one outside the caller's
// jurisdiction (a venue may serve units that a street user does not oversee,
// and the list should not look shorter to it).

func unitNames(us []Unit) string {
	names := make([]string, len(us))
	for i, u := range us {
		names[i] = u.Name
	}
	return strings.Join(names, "、")
}

// SetUnits replaces the list of units a venue serves (an empty list clears
// it). Each unit must be a 两新组织 in the caller's jurisdiction, listed once.
func (s *Service) SetUnits(ctx context.Context, venueID int64, in UnitsInput) (Venue, error) {
	bad := apperr.Invalid()
	checkUnitIDs(bad, in.UnitIDs)
	if err := bad.OrNil(); err != nil {
		return Venue{}, err
	}
	var out Venue
	err := s.DB.InTx(ctx, func(tx *sql.Tx) error {
		before, err := s.get(ctx, tx, venueID)
		if err != nil {
			return err
		}
		if err := s.checkUnitScope(ctx, tx, in.UnitIDs); err != nil {
			return err
		}
		if err := s.writeUnits(ctx, tx, venueID, in.UnitIDs); err != nil {
			return err
		}
		if _, err := s.DB.Exec(ctx, tx, `UPDATE venues SET updated_at = ? WHERE id = ?`, s.stamp(), venueID); err != nil {
			return err
		}
		if out, err = s.get(ctx, tx, venueID); err != nil {
			return err
		}
		note := fmt.Sprintf("阵地「%s」的服务单位改为 %d 个", out.Name, len(out.Units))
		if len(out.Units) > 0 {
			note += "：" + unitNames(out.Units)
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "venue_units", Entity: "venue", EntityID: fmt.Sprint(venueID),
			Before: before.Units, After: out.Units, Note: note})
	})
	if err != nil {
		return Venue{}, fmt.Errorf("venue: set units %d: %w", venueID, err)
	}
	return out, nil
}

// unitResolver finds the 两新组织 of the caller's jurisdiction by 统一社会信用代码
// or by name (the import's 服务单位 column).
type unitResolver struct {
	byUSCC map[string]int64
	byName map[string][]int64
}

func normName(s string) string {
	return strings.NewReplacer(" ", "", "\u3000", "", "(", "（", ")", "）").Replace(strings.TrimSpace(s))
}

func (s *Service) loadUnitResolver(ctx context.Context) (*unitResolver, error) {
	cond, args, err := store.ScopeFilter(ctx, "region_code")
	if err != nil {
		return nil, err
	}
	rows, err := s.DB.Query(ctx, s.DB, `SELECT id, name, COALESCE(uscc, '') FROM organizations WHERE `+cond, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	r := &unitResolver{byUSCC: map[string]int64{}, byName: map[string][]int64{}}
	for rows.Next() {
		var id int64
		var name, uscc string
		if err := rows.Scan(&id, &name, &uscc); err != nil {
			return nil, err
		}
		if uscc != "" {
			r.byUSCC[strings.ToUpper(uscc)] = id
		}
		k := normName(name)
		r.byName[k] = append(r.byName[k], id)
	}
	return r, rows.Err()
}

// resolve reads a cell listing units (names or 统一社会信用代码 separated by 、
// ；; , or new lines) into ids; problems lists every entry it could not
// place, by kind, in one message.
func (r *unitResolver) resolve(text string) (ids []int64, problem string) {
	var unknown, ambiguous, repeated []string
	seen := map[int64]bool{}
	for _, part := range unitSplit.Split(strings.TrimSpace(text), -1) {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		id, ok := r.byUSCC[strings.ToUpper(part)]
		if !ok {
			switch m := r.byName[normName(part)]; len(m) {
			case 0:
				unknown = append(unknown, part)
				continue
			case 1:
				id = m[0]
			default:
				ambiguous = append(ambiguous, part)
				continue
			}
		}
		if seen[id] {
			repeated = append(repeated, part)
			continue
		}
		seen[id] = true
		ids = append(ids, id)
	}
	var msgs []string
	if len(unknown) > 0 {
		msgs = append(msgs, "服务单位「"+strings.Join(unknown, "」「")+"」不存在或不在您的管辖范围内")
	}
	if len(ambiguous) > 0 {
		msgs = append(msgs, "服务单位「"+strings.Join(ambiguous, "」「")+"」有重名，请改填统一社会信用代码")
	}
	if len(repeated) > 0 {
		msgs = append(msgs, "服务单位「"+strings.Join(repeated, "」「")+"」重复")
	}
	if len(ids) > MaxUnits {
		msgs = append(msgs, fmt.Sprintf("服务单位不能超过 %d 个", MaxUnits))
	}
	return ids, strings.Join(msgs, "；")
}

var unitSplit = regexp.MustCompile(`[、；;，,\n]+`)

// fillUnits sets the served units (and their count) of each venue of list
// in one query.
func (s *Service) fillUnits(ctx context.Context, q store.Querier, list []Venue) error {
	if len(list) == 0 {
		return nil
	}
	at := map[int64]int{}
	ph := make([]string, len(list))
	args := make([]any, len(list))
	for i, v := range list {
		at[v.ID] = i
		ph[i], args[i] = "?", v.ID
	}
	rows, err := s.DB.Query(ctx, q, `SELECT u.venue_id, o.id, o.name, COALESCE(o.uscc, ''), COALESCE(g.name, '') FROM venue_units u
		JOIN organizations o ON o.id = u.organization_id LEFT JOIN regions g ON g.code = o.region_code
		WHERE u.venue_id IN (`+strings.Join(ph, ", ")+`) ORDER BY u.venue_id, o.id`, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var vid int64
		var u Unit
		if err := rows.Scan(&vid, &u.ID, &u.Name, &u.USCC, &u.RegionName); err != nil {
			return err
		}
		v := &list[at[vid]]
		v.Units = append(v.Units, u)
		v.UnitCount = len(v.Units)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	for i := range list {
		byName(list[i].Units)
	}
	return nil
}

// byName orders units by name in code-point order (the same on both
// databases, whatever PostgreSQL's collation), then by id.
func byName(us []Unit) {
	sort.Slice(us, func(i, j int) bool {
		if us[i].Name != us[j].Name {
			return us[i].Name < us[j].Name
		}
		return us[i].ID < us[j].ID
	})
}

// reportUnits reads, for the venues of a report, the ids and names of the
// units each serves.
func (s *Service) reportUnits(ctx context.Context, cond string, args []any) (map[int64][]Unit, error) {
	rows, err := s.DB.Query(ctx, s.DB, `SELECT u.venue_id, o.id, o.name FROM venue_units u JOIN venues v ON v.id = u.venue_id
		JOIN organizations o ON o.id = u.organization_id WHERE `+cond+` ORDER BY u.venue_id, o.id`, args...)
	if err != nil {
		return nil, fmt.Errorf("venue: report units: %w", err)
	}
	defer rows.Close()
	out := map[int64][]Unit{}
	for rows.Next() {
		var vid int64
		var u Unit
		if err := rows.Scan(&vid, &u.ID, &u.Name); err != nil {
			return nil, err
		}
		out[vid] = append(out[vid], u)
	}
	for _, us := range out {
		byName(us)
	}
	return out, rows.Err()
}

// distinctUnits counts each unit once in a tally (a unit served by two venues
// of one kind is one unit served).
type distinctUnits map[*Tally]map[int64]bool

func (d distinctUnits) add(t *Tally, us []Unit) {
	set := d[t]
	if set == nil {
		set = map[int64]bool{}
		d[t] = set
	}
	for _, u := range us {
		set[u.ID] = true
	}
	t.Units = len(set)
}
