// Package meetingtest builds, straight in SQL, a scope of many party
// organizations with members, committees, 党小组, meetings with attendance
// and 发展对象 records, for the tests and benchmarks that show compliance,
// signals and renewals run a fixed number of queries whatever the scope's size.
//
// Party organization i (0-based) of Build is a 党支部 founded 2020-01-01 in
// street 洪桥 (even i) or 玉合 (odd i) with 7 正式党员 and:
//   - committee: even i — a 书记 and 2 委员 from 2024-01-01, in office; odd i —
//     only a 书记 from 2024-01-01 to 2026-03-31 (vacant since);
//   - term started: i%3 == 0 on 2023-06-01 (overdue on 2026-11-23), 1 on
//     2024-01-10 (due 2027-01-10, within 90 days), 2 on 2025-01-01;
//   - a 党小组 (founded 2020-01-01) when i%5 == 0, holding a 党小组会 every
//     month of 2026-01…2026-06;
//   - every month of 2026-01…2026-06 a 主题党日, and for even i a 支委会 (none
//     in March when i%4 == 0); a 支部党员大会 on 2026-02-10; each meeting with
//     3 attendees, 2 present and 1 absent;
//   - a 发展对象 decided on 2023-05-01 when i%3 == 1.
package meetingtest

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"testing"

	"liangxin/internal/store"
)

// Streets of the fixture (testenv's 洪桥 and 玉合).
const (
	Hongqiao = "430426001"
	Yuhe     = "430426002"
)

const stamp = "2026-01-01T00:00:00.000000Z"

// Build inserts n party organizations as described in the package comment
// (named 规模党支部<i>) and returns their ids in order.
func Build(t testing.TB, db *store.DB, n int) []int64 {
	t.Helper()
	ctx := context.Background()
	ids := make([]int64, n)
	err := db.InTx(ctx, func(tx *sql.Tx) error {
		var groups []int64
		groupOf := map[int64]int64{}
		for i := range n {
			region := Hongqiao
			if i%2 == 1 {
				region = Yuhe
			}
			term := []string{"2023-06-01", "2024-01-10", "2025-01-01"}[i%3]
			if err := db.QueryRow(ctx, tx, `INSERT INTO party_orgs (name, kind, formation, region_code, established_on, term_started_on, created_at, updated_at)
				VALUES (?, 'branch', 'regional', ?, '2020-01-01', ?, ?, ?) RETURNING id`,
				fmt.Sprintf("规模党支部%d", i), region, term, stamp, stamp).Scan(&ids[i]); err != nil {
				return err
			}
			if i%5 == 0 {
				var g int64
				if err := db.QueryRow(ctx, tx, `INSERT INTO party_orgs (name, kind, formation, parent_id, region_code, established_on, created_at, updated_at)
					VALUES (?, 'group', 'regional', ?, ?, '2020-01-01', ?, ?) RETURNING id`,
					fmt.Sprintf("规模党支部%d第一党小组", i), ids[i], region, stamp, stamp).Scan(&g); err != nil {
					return err
				}
				groups = append(groups, g)
				groupOf[g] = ids[i]
			}
		}
		// Members: 7 正式党员 each.
		var rows [][]any
		for i, id := range ids {
			for j := range 7 {
				rows = append(rows, []any{fmt.Sprintf("党员%d-%d", i, j), "male", "1980-01-01", "x", fmt.Sprintf("scale-%d-%d", id, j), "x", "full", id, "active", stamp, stamp})
			}
		}
		members := map[int64][]int64{}
		if err := insert(ctx, db, tx, "members", "name, gender, birth_date, id_number_enc, id_number_hash, id_number_mask, category, party_org_id, status, created_at, updated_at",
			rows, func(r *sql.Rows) error {
				var id, po int64
				if err := r.Scan(&id, &po); err != nil {
					return err
				}
				members[po] = append(members[po], id)
				return nil
			}, "id, party_org_id"); err != nil {
			return err
		}
		// Committees.
		rows = nil
		for i, id := range ids {
			if i%2 == 0 {
				rows = append(rows, []any{id, "secretary", fmt.Sprintf("书记%d", i), "2024-01-01", nil, stamp, stamp},
					[]any{id, "member", fmt.Sprintf("委员%d-1", i), "2024-01-01", nil, stamp, stamp},
					[]any{id, "member", fmt.Sprintf("委员%d-2", i), "2024-01-01", nil, stamp, stamp})
			} else {
				rows = append(rows, []any{id, "secretary", fmt.Sprintf("书记%d", i), "2024-01-01", "2026-03-31", stamp, stamp})
			}
		}
		if err := insert(ctx, db, tx, "committee_members", "party_org_id, role, name, from_on, to_on, created_at, updated_at", rows, nil, ""); err != nil {
			return err
		}
		// Meetings.
		rows = nil
		meet := func(po int64, kind, day string) {
			rows = append(rows, []any{po, kind, "held", day, "学习", stamp, stamp})
		}
		for i, id := range ids {
			for m := 1; m <= 6; m++ {
				meet(id, "theme_day", fmt.Sprintf("2026-%02d-15", m))
				if i%2 == 0 && !(i%4 == 0 && m == 3) {
					meet(id, "committee_meeting", fmt.Sprintf("2026-%02d-05", m))
				}
			}
			meet(id, "branch_assembly", "2026-02-10")
		}
		for _, g := range groups {
			for m := 1; m <= 6; m++ {
				meet(g, "group_meeting", fmt.Sprintf("2026-%02d-20", m))
			}
		}
		var att [][]any
		if err := insert(ctx, db, tx, "meetings", "party_org_id, kind, status, held_on, topic, created_at, updated_at", rows, func(r *sql.Rows) error {
			var id, po int64
			if err := r.Scan(&id, &po); err != nil {
				return err
			}
			if b, ok := groupOf[po]; ok {
				po = b
			}
			ms := members[po]
			att = append(att, []any{id, ms[0], "present"}, []any{id, ms[1], "present"}, []any{id, ms[2], "absent"})
			return nil
		}, "id, party_org_id"); err != nil {
			return err
		}
		if err := insert(ctx, db, tx, "meeting_attendance", "meeting_id, member_id, status", att, nil, ""); err != nil {
			return err
		}
		// 发展对象.
		for i, id := range ids {
			if i%3 != 1 {
				continue
			}
			var pid int64
			if err := db.QueryRow(ctx, tx, `INSERT INTO dev_people (party_org_id, name, gender, birth_date, id_number_enc, id_number_hash, id_number_mask, stage, applied_on, created_at, updated_at)
				VALUES (?, ?, 'male', '1990-01-01', 'x', ?, 'x', 'candidate', '2022-01-01', ?, ?) RETURNING id`,
				id, fmt.Sprintf("发展对象%d", i), fmt.Sprintf("scale-dev-%d", id), stamp, stamp).Scan(&pid); err != nil {
				return err
			}
			if _, err := db.Exec(ctx, tx, `INSERT INTO dev_steps (person_id, step, done_on, created_at) VALUES (?, 7, '2023-05-01', ?)`, pid, stamp); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatalf("scale fixture: %v", err)
	}
	// Statistics as a running server has them (on PostgreSQL autovacuum
	// keeps them, but not within a test's first seconds).
	if err := db.Analyze(ctx); err != nil {
		t.Fatal(err)
	}
	if db.Dialect == store.Postgres {
		if _, err := db.ExecContext(ctx, "ANALYZE party_orgs, members, committee_members, meetings, meeting_attendance, dev_people, dev_steps"); err != nil {
			t.Fatal(err)
		}
	}
	return ids
}

// insert adds rows in statements of up to 100 rows; with returning set,
// scan reads each returned row.
func insert(ctx context.Context, db *store.DB, tx *sql.Tx, table, cols string, rows [][]any, scan func(*sql.Rows) error, returning string) error {
	for len(rows) > 0 {
		chunk := rows[:min(100, len(rows))]
		rows = rows[len(chunk):]
		var b strings.Builder
		var args []any
		b.WriteString("INSERT INTO " + table + " (" + cols + ") VALUES ")
		for i, r := range chunk {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString("(" + strings.TrimSuffix(strings.Repeat("?, ", len(r)), ", ") + ")")
			args = append(args, r...)
		}
		if returning == "" {
			if _, err := db.Exec(ctx, tx, b.String(), args...); err != nil {
				return err
			}
			continue
		}
		res, err := db.Query(ctx, tx, b.String()+" RETURNING "+returning, args...)
		if err != nil {
			return err
		}
		for res.Next() {
			if err := scan(res); err != nil {
				res.Close()
				return err
			}
		}
		res.Close()
		if err := res.Err(); err != nil {
			return err
		}
	}
	return nil
}
