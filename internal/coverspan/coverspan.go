// Package coverspan keeps the precomputed coverage history of every
// 两新组织: for each organization, the stretches of days on which it is in the
// ledger (registered, not closed) and covered by a single party organization
// (state 3), by any party organization (2), or only guided by an instructor (1).
// Days in none of these have no row. Coverage on any date then reads one
// table without joins (docs/ledger.md, docs/benchmarks.md).
//
// The spans are derived data: every write that changes an organization's
// dates or dimensions, a cover link, a party organization's established or
// dissolved date, or an instructor assignment calls Refresh for the
// organizations it touched, inside its own transaction. Rebuild recomputes
// everything (after a migration, or a bulk load that bypassed the services).
package coverspan

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strings"

	"liangxin/internal/store"
)

// States of an organization on a day (the absence of a span is 0).
const (
	Guided  = 1 // an active instructor assignment only (工作覆盖)
	Covered = 2 // covered by a party organization (组织覆盖), none of them single
	Single  = 3 // covered by a 单独组建 party organization
)

// SettingRebuild is the settings key a migration sets when the spans must be
// recomputed from the ledger (EnsureBuilt clears it).
const SettingRebuild = "coverage_spans_rebuild"

// chunk bounds the ids of one IN list and the rows of one INSERT.
const chunk = 500

// Org is what the spans copy from an organization.
type Org struct {
	ID           int64
	RegionCode   string
	Category     string
	Industry     string
	AboveScale   bool
	Employees    int
	FullMembers  int    // declared 正式党员 (the 应建 rule reads it)
	HasCharter   bool   // 有章程 (the counts' charter measures)
	CharterParty bool   // 党建入章
	RegisteredOn string // "" when unknown (always in the ledger)
	ClosedOn     string // "" when operating
}

// Link is a dated link that makes an organization covered or guided: a cover
// with its party organization's dates folded in, or an assignment.
type Link struct {
	From, To string // To "" when open; the link is active on From ≤ d < To
	State    int    // Single, Covered or Guided
	// Valid marks a cover by a party organization that meets the ≥3 正式党员
	// rule (ValidPartyOrg); only such covers make the coverage effective.
	Valid bool
}

// Span is one stretch of constant state.
type Span struct {
	From, To string // To "" when open
	State    int
	// Effective: covered on these days by at least one party organization
	// that meets the ≥3 正式党员 rule (有效覆盖).
	Effective bool
	// Instructed: an instructor assignment is active on these days, whatever
	// the state (the 党统 tables' 其中党建工作指导员联系的).
	Instructed bool
}

// MinFullMembers is the number of 正式党员 a party organization needs (domain.md §2).
const MinFullMembers = 3

// ValidPartyOrg tells whether a party organization meets the ≥3 正式党员
// rule: its own roster (active 正式党员 of it and of the party organizations
// directly under it) where it has one, else the 正式党员 declared by the
// units it covers.
func ValidPartyOrg(rosterFull, rosterAll, declared int) bool {
	if rosterAll > 0 {
		return rosterFull >= MinFullMembers
	}
	return declared >= MinFullMembers
}

func active(from, to, d string) bool { return from <= d && (to == "" || to > d) }

// Compute returns the spans of an organization from its links: maximal
// stretches of the same non-zero state, clipped to the days it is in the
// ledger. It is pure, so the rules can be tested day by day.
func Compute(o Org, links []Link) []Span {
	if len(links) == 0 {
		return nil
	}
	points := make([]string, 0, 2*len(links)+2)
	for _, l := range links {
		points = append(points, l.From)
		if l.To != "" {
			points = append(points, l.To)
		}
	}
	if o.RegisteredOn != "" {
		points = append(points, o.RegisteredOn)
	}
	if o.ClosedOn != "" {
		points = append(points, o.ClosedOn)
	}
	sort.Strings(points)
	var out []Span
	for i, d := range points {
		if i > 0 && d == points[i-1] {
			continue
		}
		cur := Span{From: d}
		if (o.RegisteredOn == "" || o.RegisteredOn <= d) && (o.ClosedOn == "" || o.ClosedOn > d) {
			for _, l := range links {
				if !active(l.From, l.To, d) {
					continue
				}
				cur.State = max(cur.State, l.State)
				if l.State >= Covered && l.Valid {
					cur.Effective = true
				}
				if l.State == Guided {
					cur.Instructed = true
				}
			}
		}
		n := len(out)
		if n > 0 && out[n-1].To == "" {
			if last := out[n-1]; last.State == cur.State && last.Effective == cur.Effective && last.Instructed == cur.Instructed {
				continue
			}
			out[n-1].To = d
		}
		if cur.State > 0 {
			out = append(out, cur)
		}
	}
	return out
}

// CoverLink folds a cover link and its party organization's dates into one
// link; ok is false when they never overlap.
func CoverLink(from, to, established, dissolved, formation string) (Link, bool) {
	l := Link{From: max(from, established), To: to, State: Covered}
	if formation == "single" {
		l.State = Single
	}
	if dissolved != "" && (l.To == "" || dissolved < l.To) {
		l.To = dissolved
	}
	return l, l.To == "" || l.To > l.From
}

func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

func idArgs(ids []int64) []any {
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	return args
}

func str(s sql.NullString) string { return s.String }

// validity tells, for each of the given party organizations, whether it
// meets the ≥3 正式党员 rule (ValidPartyOrg): three grouped queries per
// chunk of ids, each through an index (members by party organization,
// party organizations by parent, covers by party organization).
func validity(ctx context.Context, db *store.DB, q store.Querier, ids []int64) (map[int64]bool, error) {
	out := make(map[int64]bool, len(ids))
	for len(ids) > 0 {
		n := min(len(ids), chunk)
		part := ids[:n]
		ids = ids[n:]
		full, all, declared := map[int64]int{}, map[int64]int{}, map[int64]int{}
		if err := rosters(ctx, db, q, " IN ("+placeholders(len(part))+")", idArgs(part), full, all, declared); err != nil {
			return nil, err
		}
		for _, id := range part {
			out[id] = ValidPartyOrg(full[id], all[id], declared[id])
		}
	}
	return out, nil
}

// validityAll is validity for every party organization at once (three
// grouped scans; a bulk rebuild reads each party organization once instead
// of once per step of organization ids). A party organization missing from
// the map has no roster and no declared member: not valid.
func validityAll(ctx context.Context, db *store.DB, q store.Querier) (map[int64]bool, error) {
	full, all, declared := map[int64]int{}, map[int64]int{}, map[int64]int{}
	if err := rosters(ctx, db, q, " IS NOT NULL", nil, full, all, declared); err != nil {
		return nil, err
	}
	out := make(map[int64]bool, len(all)+len(declared))
	for _, m := range []map[int64]int{full, all, declared} {
		for id := range m {
			out[id] = ValidPartyOrg(full[id], all[id], declared[id])
		}
	}
	return out, nil
}

// rosters adds up, for the party organizations whose id meets sel, the
// active 正式党员 and members of their own roster and of the party
// organizations directly under them (full, all), and the 正式党员 declared
// by every unit they have covered (declared).
func rosters(ctx context.Context, db *store.DB, q store.Querier, sel string, args []any, full, all, declared map[int64]int) error {
	for _, qq := range []string{
		// its own roster
		`SELECT m.party_org_id, SUM(CASE WHEN m.category = 'full' THEN 1 ELSE 0 END), COUNT(*) FROM members m
			WHERE m.status = 'active' AND m.party_org_id` + sel + ` GROUP BY m.party_org_id`,
		// the rosters of the party organizations directly under it
		`SELECT k.parent_id, SUM(CASE WHEN m.category = 'full' THEN 1 ELSE 0 END), COUNT(*) FROM party_orgs k
			JOIN members m ON m.party_org_id = k.id AND m.status = 'active' WHERE k.parent_id` + sel + ` GROUP BY k.parent_id`,
		// the 正式党员 declared by every unit it has covered
		`SELECT c.party_org_id, COALESCE(SUM(u.full_members), 0), 0 FROM (SELECT DISTINCT party_org_id, organization_id
			FROM party_org_covers WHERE party_org_id` + sel + `) c JOIN organizations u ON u.id = c.organization_id GROUP BY c.party_org_id`,
	} {
		rows, err := db.Query(ctx, q, qq, args...)
		if err != nil {
			return err
		}
		for rows.Next() {
			var id int64
			var a, b int
			if err := rows.Scan(&id, &a, &b); err != nil {
				rows.Close()
				return err
			}
			if strings.Contains(qq, "full_members") {
				declared[id] += a
			} else {
				full[id] += a
				all[id] += b
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
	}
	return nil
}

// Refresh recomputes the spans of the given organizations from the ledger,
// through q (the caller's transaction).
func Refresh(ctx context.Context, db *store.DB, q store.Querier, ids ...int64) error {
	ids = unique(ids)
	acc := countAcc{} // the count changes of every chunk, written together
	upper := false
	for len(ids) > 0 {
		n := min(len(ids), chunk)
		up, err := refresh(ctx, db, q, ids[:n], acc)
		if err != nil {
			return err
		}
		upper = up
		ids = ids[n:]
		if len(acc) >= flushAt {
			if err := acc.flush(ctx, db, q, upper); err != nil {
				return err
			}
		}
	}
	return acc.flush(ctx, db, q, upper)
}

func unique(ids []int64) []int64 {
	if len(ids) < 2 {
		return ids
	}
	seen := make(map[int64]bool, len(ids))
	out := make([]int64, 0, len(ids))
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

// refresh recomputes the spans of ids and adds their count changes to acc;
// upper tells whether the counts keep the upper series (the accumulated
// changes then get them at the flush: countAcc.deriveUpper).
func refresh(ctx context.Context, db *store.DB, q store.Querier, ids []int64, acc countAcc) (upper bool, err error) {
	in := " IN (" + placeholders(len(ids)) + ")"
	args := idArgs(ids)
	if db.Dialect == store.Postgres {
		// Two writers refreshing one organization at once would both delete
		// its spans and insert new ones; locking the organization's row makes
		// the second wait and then read what the first committed.
		if _, err := db.Exec(ctx, q, `SELECT id FROM organizations WHERE id`+in+` ORDER BY id FOR UPDATE`, args...); err != nil {
			return false, err
		}
	}
	cl, upper, err := counter(ctx, db, q)
	if err != nil {
		return false, err
	}
	if cl != nil {
		// The old side: what these organizations were counted as.
		if err := acc.old(ctx, db, q, cl, in, args); err != nil {
			return false, err
		}
	}
	if _, err := db.Exec(ctx, q, `DELETE FROM coverage_spans WHERE organization_id`+in, args...); err != nil {
		return false, err
	}
	orgs, links, err := compute(ctx, db, q, in, args)
	if err != nil || cl == nil {
		return upper, err
	}
	if _, err := db.Exec(ctx, q, `DELETE FROM coverage_count_orgs WHERE organization_id`+in, args...); err != nil {
		return false, err
	}
	for _, o := range orgs {
		acc.add(o, Compute(o, links[o.ID]), cl(o), 1)
	}
	return upper, writeSnapshots(ctx, db, q, orgs)
}

// compute writes the spans of the organizations whose id meets sel (" IN
// (…)" or " BETWEEN ? AND ?", with args), which have none yet, and returns
// every one of those organizations with its links.
func compute(ctx context.Context, db *store.DB, q store.Querier, sel string, args []any) ([]Org, map[int64][]Link, error) {
	return computeWith(ctx, db, q, sel, args, nil)
}

// computeWith is compute with the validity of every party organization
// already known (valid; nil: read for the organizations' party
// organizations).
func computeWith(ctx context.Context, db *store.DB, q store.Querier, sel string, args []any, valid map[int64]bool) ([]Org, map[int64][]Link, error) {
	orgs, links, err := computeLinks(ctx, db, q, sel, args, valid)
	if err != nil {
		return nil, nil, err
	}
	var linked []Org
	for _, o := range orgs {
		if links[o.ID] != nil {
			linked = append(linked, o)
		}
	}
	return orgs, links, insert(ctx, db, q, linked, links)
}

func computeLinks(ctx context.Context, db *store.DB, q store.Querier, sel string, args []any, valid map[int64]bool) ([]Org, map[int64][]Link, error) {
	links := map[int64][]Link{}
	rows, err := db.Query(ctx, q, `SELECT c.organization_id, c.party_org_id, c.from_on, c.to_on, p.established_on, p.dissolved_on, p.formation
		FROM party_org_covers c JOIN party_orgs p ON p.id = c.party_org_id WHERE c.organization_id`+sel, args...)
	if err != nil {
		return nil, nil, err
	}
	coveredBy := map[int64][]int64{} // organization → party organization of each of its links, in order
	var parties []int64
	for rows.Next() {
		var id, party int64
		var from, est, formation string
		var to, diss sql.NullString
		if err := rows.Scan(&id, &party, &from, &to, &est, &diss, &formation); err != nil {
			rows.Close()
			return nil, nil, err
		}
		if l, ok := CoverLink(from, str(to), est, str(diss), formation); ok {
			links[id] = append(links[id], l)
			coveredBy[id] = append(coveredBy[id], party)
			parties = append(parties, party)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, nil, err
	}
	if valid == nil {
		if valid, err = validity(ctx, db, q, unique(parties)); err != nil {
			return nil, nil, err
		}
	}
	for id, ps := range coveredBy {
		for i, p := range ps {
			links[id][i].Valid = valid[p]
		}
	}
	rows, err = db.Query(ctx, q, `SELECT organization_id, from_on, to_on FROM instructor_assignments WHERE organization_id`+sel, args...)
	if err != nil {
		return nil, nil, err
	}
	for rows.Next() {
		var id int64
		var from string
		var to sql.NullString
		if err := rows.Scan(&id, &from, &to); err != nil {
			rows.Close()
			return nil, nil, err
		}
		if !to.Valid || to.String > from {
			links[id] = append(links[id], Link{From: from, To: to.String, State: Guided})
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, nil, err
	}
	orgs, err := readOrgs(ctx, db, q, "", sel, args)
	if err != nil {
		return nil, nil, err
	}
	return orgs, links, nil
}

// readOrgs reads the organizations whose id meets sel (in id order) from
// the organizations table of a schema prefix (into: "" or a stage's).
func readOrgs(ctx context.Context, db *store.DB, q store.Querier, into, sel string, args []any) ([]Org, error) {
	rows, err := db.Query(ctx, q, `SELECT id, region_code, category, industry, above_scale, employees, full_members, registered_on, closed_on,
		has_charter, charter_has_party FROM `+into+`organizations WHERE id`+sel+` ORDER BY id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var orgs []Org
	for rows.Next() {
		var o Org
		var reg, closed sql.NullString
		if err := rows.Scan(&o.ID, &o.RegionCode, &o.Category, &o.Industry, &o.AboveScale, &o.Employees, &o.FullMembers, &reg, &closed,
			&o.HasCharter, &o.CharterParty); err != nil {
			return nil, err
		}
		o.RegisteredOn, o.ClosedOn = str(reg), str(closed)
		orgs = append(orgs, o)
	}
	return orgs, rows.Err()
}

const spanCols = 12

// insert writes the spans of orgs in multi-row INSERTs.
func insert(ctx context.Context, db *store.DB, q store.Querier, orgs []Org, links map[int64][]Link) error {
	vals := make([]any, 0, chunk*spanCols)
	flush := func() error {
		if len(vals) == 0 {
			return nil
		}
		n := len(vals) / spanCols
		row := "(" + placeholders(spanCols) + ")"
		_, err := db.Exec(ctx, q, `INSERT INTO coverage_spans (organization_id, from_on, to_on, state, region_code, category, industry, above_scale, employees,
			effective, instructed, full_members)
			VALUES `+strings.TrimSuffix(strings.Repeat(row+", ", n), ", "), vals...)
		vals = vals[:0]
		return err
	}
	for _, o := range orgs {
		for _, sp := range Compute(o, links[o.ID]) {
			var to any
			if sp.To != "" {
				to = sp.To
			}
			vals = append(vals, o.ID, sp.From, to, sp.State, o.RegionCode, o.Category, o.Industry, o.AboveScale, o.Employees,
				sp.Effective, sp.Instructed, o.FullMembers)
			if len(vals) == chunk*spanCols {
				if err := flush(); err != nil {
					return err
				}
			}
		}
	}
	return flush()
}

// Rebuild recomputes every organization's spans and the coverage counts in
// one transaction.
func Rebuild(ctx context.Context, db *store.DB) error {
	return db.InTx(ctx, func(tx *sql.Tx) error { return rebuildTx(ctx, db, tx) })
}

// RebuildTx is Rebuild inside the caller's transaction (a rule change).
func RebuildTx(ctx context.Context, db *store.DB, tx *sql.Tx) error { return rebuildTx(ctx, db, tx) }

// rebuildRange is how many organization ids one step of a rebuild reads.
const rebuildRange = 20000

func rebuildTx(ctx context.Context, db *store.DB, tx *sql.Tx) error {
	cl, upper, err := startRebuild(ctx, db, tx)
	if err != nil {
		return err
	}
	acc := countAcc{}
	if cl != nil {
		if err := createStage(ctx, db, tx); err != nil {
			return err
		}
	}
	var lo, hi sql.NullInt64
	if err := db.QueryRow(ctx, tx, `SELECT MIN(id), MAX(id) FROM organizations`).Scan(&lo, &hi); err != nil {
		return err
	}
	// Id ranges, not lists: each step reads the covers, assignments and
	// organizations of 20,000 ids through their indexes.
	for from := lo.Int64; lo.Valid && from <= hi.Int64; from += rebuildRange {
		orgs, links, err := compute(ctx, db, tx, " BETWEEN ? AND ?", []any{from, from + rebuildRange - 1})
		if err != nil || cl == nil {
			if err != nil {
				return err
			}
			continue
		}
		for _, o := range orgs {
			acc.add(o, Compute(o, links[o.ID]), cl(o), 1)
		}
		if err := writeSnapshots(ctx, db, tx, orgs); err != nil {
			return err
		}
		if len(acc) >= flushAt {
			if err := acc.stage(ctx, db, tx, upper); err != nil {
				return err
			}
		}
	}
	if cl != nil {
		if err := acc.stage(ctx, db, tx, upper); err != nil {
			return err
		}
		if err := finishStage(ctx, db, tx); err != nil {
			return err
		}
	}
	return analyzeDerived(ctx, db, tx)
}

// derived are the tables a rebuild recomputes.
var derived = []string{"coverage_spans", "coverage_counts", "coverage_count_orgs"}

// startRebuild empties the derived tables, answers every pending rebuild
// request (set again when no Classifier is registered), sets or clears
// SettingCountsUpper from the jurisdiction and returns the classification
// the counts are kept by (nil: counts not kept) and whether they keep the
// upper series.
func startRebuild(ctx context.Context, db *store.DB, tx *sql.Tx) (func(Org) int, bool, error) {
	for _, t := range derived {
		if _, err := db.Exec(ctx, tx, `DELETE FROM `+t); err != nil {
			return nil, false, err
		}
	}
	if err := setUpper(ctx, db, tx); err != nil {
		return nil, false, err
	}
	// A rebuild answers every pending request (set again by counter when no
	// Classifier is registered), and every published import whose count
	// changes are still being added (it counts the ledger, which holds them).
	if _, err := db.Exec(ctx, tx, `DELETE FROM settings WHERE key IN (?, ?) OR key LIKE ?`, SettingRebuild, SettingCountsRebuild,
		SettingCountsPending+"%"); err != nil {
		return nil, false, err
	}
	return counter(ctx, db, tx)
}

// analyzeDerived gathers PostgreSQL's statistics of the rebuilt tables.
func analyzeDerived(ctx context.Context, db *store.DB, tx *sql.Tx) error {
	if db.Dialect != store.Postgres {
		return nil
	}
	for _, t := range derived {
		if _, err := db.Exec(ctx, tx, `ANALYZE `+t); err != nil {
			return err
		}
	}
	return nil
}

// EnsureBuilt rebuilds the spans when a migration asked for it, and the
// counts when SettingCountsUpper disagrees with the jurisdiction (a city or
// province deployment without the upper series, a county one with them:
// a database rebuilt by an older binary, or before its jurisdiction was
// set), the RebuildBulk way. On PostgreSQL the jurisdiction row and the
// request row are locked, so of several nodes starting at once one
// rebuilds and the others, once it commits, find nothing to do.
func EnsureBuilt(ctx context.Context, db *store.DB) error {
	lock := ""
	if db.Dialect == store.Postgres {
		lock = " FOR UPDATE"
	}
	return db.InTxConn(ctx, func(ctx context.Context, tx *sql.Tx) error {
		var v string
		if err := db.QueryRow(ctx, tx, `SELECT value FROM settings WHERE key = ?`+lock, settingJurisdiction).Scan(&v); err != nil && err != sql.ErrNoRows {
			return err
		}
		err := db.QueryRow(ctx, tx, `SELECT value FROM settings WHERE key IN (?, ?) ORDER BY key LIMIT 1`+lock, SettingRebuild, SettingCountsRebuild).Scan(&v)
		if err == sql.ErrNoRows {
			mismatch, err := upperMismatch(ctx, db, tx)
			if err != nil || !mismatch {
				return err
			}
			if err := rebuildBulkTx(ctx, db, tx, nil); err != nil {
				return fmt.Errorf("coverage counts: %w", err)
			}
			return nil
		}
		if err != nil {
			return err
		}
		if err := rebuildTx(ctx, db, tx); err != nil {
			return fmt.Errorf("coverage spans: %w", err)
		}
		// rebuildTx settled SettingCountsRebuild (set again only when no
		// Classifier is registered).
		_, err = db.Exec(ctx, tx, `DELETE FROM settings WHERE key = ?`, SettingRebuild)
		return err
	})
}

// RefreshPartyOrg recomputes the spans of every organization a party
// organization has covered (after its dates, covers or validity changed).
func RefreshPartyOrg(ctx context.Context, db *store.DB, q store.Querier, partyOrgID int64) error {
	return refreshWhere(ctx, db, q, `SELECT DISTINCT organization_id FROM party_org_covers WHERE party_org_id = ?`, partyOrgID)
}

// RefreshRoster recomputes the spans of every organization covered by the
// given party organizations or by the ones directly above them, after their
// rosters changed (a member added, transferred, admitted or gone): the
// validity of a party organization reads its roster and its children's.
func RefreshRoster(ctx context.Context, db *store.DB, q store.Querier, partyOrgIDs ...int64) error {
	for _, id := range unique(partyOrgIDs) {
		if err := refreshWhere(ctx, db, q, `SELECT DISTINCT organization_id FROM party_org_covers WHERE party_org_id = ?
			OR party_org_id = (SELECT parent_id FROM party_orgs WHERE id = ?)`, id, id); err != nil {
			return err
		}
	}
	return nil
}

// RefreshPeers recomputes the spans of an organization and of every
// organization sharing a party organization with it (after its declared
// 正式党员 changed: the validity of those party organizations reads them).
func RefreshPeers(ctx context.Context, db *store.DB, q store.Querier, orgID int64) error {
	if err := Refresh(ctx, db, q, orgID); err != nil {
		return err
	}
	return refreshWhere(ctx, db, q, `SELECT DISTINCT c.organization_id FROM party_org_covers c WHERE c.party_org_id IN
		(SELECT party_org_id FROM party_org_covers WHERE organization_id = ?)`, orgID)
}

func refreshWhere(ctx context.Context, db *store.DB, q store.Querier, query string, args ...any) error {
	rows, err := db.Query(ctx, q, query, args...)
	if err != nil {
		return err
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return err
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	return Refresh(ctx, db, q, ids...)
}
