package meetingtest

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"testing"

	"liangxin/internal/civil"
	"liangxin/internal/store"
)

// BuildRandom inserts n party organizations drawn at random from seed, for
// differential tests: 党委, 党总支 and 党支部 (some under another), some
// dissolved, 党小组 that come and go, members, committee terms of every
// role, held and planned meetings of every kind (some late, some by a
// 党小组) with random attendance from 2024 on, 发展对象 decisions, and a few
// versions of the required frequencies. It returns the ids in order.
func BuildRandom(t testing.TB, db *store.DB, n int, seed uint64) []int64 {
	t.Helper()
	ctx := context.Background()
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	day := func(from, to string) string {
		a, _ := civil.Read(from)
		b, _ := civil.Read(to)
		return a.AddDate(0, 0, r.IntN(int(b.Sub(a).Hours()/24)+1)).Format(civil.Layout)
	}
	pick := func(list ...string) string { return list[r.IntN(len(list))] }
	kinds := []string{"branch_assembly", "committee_meeting", "group_meeting", "party_lecture", "theme_day", "life_meeting", "member_review",
		"heart_talk", "party_committee", "general_committee", "member_assembly", "delegate_assembly"}
	ids := make([]int64, n)
	k := 0
	err := db.InTx(ctx, func(tx *sql.Tx) error {
		insertOrg := func(name, kind string, parent any, region, est string, dis any, term any) (int64, error) {
			var id int64
			err := db.QueryRow(ctx, tx, `INSERT INTO party_orgs (name, kind, formation, parent_id, region_code, established_on, dissolved_on, term_started_on, created_at, updated_at)
				VALUES (?, ?, 'regional', ?, ?, ?, ?, ?, ?, ?) RETURNING id`, name, kind, parent, region, est, dis, term, stamp, stamp).Scan(&id)
			return id, err
		}
		var uppers []int64
		for i := range n {
			kind := pick("branch", "branch", "branch", "branch", "branch", "general_branch", "committee")
			region := pick(Hongqiao, Yuhe)
			var parent any
			if kind == "branch" && len(uppers) > 0 && r.IntN(2) == 0 {
				parent = uppers[r.IntN(len(uppers))]
			}
			est := day("2018-01-01", "2025-06-30")
			var dis, term any
			if r.IntN(10) == 0 {
				dis = day("2024-01-01", "2026-11-30")
			}
			if r.IntN(2) == 0 {
				term = day(est, "2026-06-30")
			}
			id, err := insertOrg(fmt.Sprintf("随机党组织%d", i), kind, parent, region, est, dis, term)
			if err != nil {
				return err
			}
			ids[i] = id
			if kind != "branch" {
				uppers = append(uppers, id)
			}
			var members []int64
			for j := range r.IntN(10) {
				k++
				var m int64
				if err := db.QueryRow(ctx, tx, `INSERT INTO members (name, gender, birth_date, id_number_enc, id_number_hash, id_number_mask, category, party_org_id, status, created_at, updated_at)
					VALUES (?, 'female', '1985-01-01', 'x', ?, 'x', ?, ?, ?, ?, ?) RETURNING id`, fmt.Sprintf("党员%d-%d", i, j), fmt.Sprintf("rnd-%d-%d", seed, k),
					pick("full", "full", "full", "probationary"), id, pick("active", "active", "active", "active", "transferred"), stamp, stamp).Scan(&m); err != nil {
					return err
				}
				members = append(members, m)
			}
			for range r.IntN(6) {
				from := day("2022-01-01", "2026-10-31")
				var to any
				if r.IntN(3) == 0 {
					to = day(from, "2026-12-31")
				}
				if _, err := db.Exec(ctx, tx, `INSERT INTO committee_members (party_org_id, role, name, from_on, to_on, created_at, updated_at) VALUES (?, ?, '委员', ?, ?, ?, ?)`,
					id, pick("secretary", "secretary", "deputy_secretary", "organization", "member", "member"), from, to, stamp, stamp); err != nil {
					return err
				}
			}
			holders := []int64{id}
			if kind == "branch" {
				for g := range r.IntN(3) {
					gest := day("2020-01-01", "2026-06-30")
					var gdis any
					if r.IntN(3) == 0 {
						gdis = day(gest, "2026-12-31")
					}
					gid, err := insertOrg(fmt.Sprintf("随机党组织%d第%d党小组", i, g+1), "group", id, region, gest, gdis, nil)
					if err != nil {
						return err
					}
					holders = append(holders, gid)
				}
			}
			for range r.IntN(45) {
				holder := holders[r.IntN(len(holders))]
				kind := kinds[r.IntN(len(kinds))]
				if holder != id {
					kind = pick("group_meeting", "group_meeting", "theme_day")
				}
				var mid int64
				if err := db.QueryRow(ctx, tx, `INSERT INTO meetings (party_org_id, kind, status, held_on, late, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`,
					holder, kind, pick("held", "held", "held", "held", "planned"), day("2024-01-01", "2026-11-22"), r.IntN(5) == 0, stamp, stamp).Scan(&mid); err != nil {
					return err
				}
				for _, m := range members {
					if r.IntN(3) == 0 {
						continue
					}
					if _, err := db.Exec(ctx, tx, `INSERT INTO meeting_attendance (meeting_id, member_id, status) VALUES (?, ?, ?)`, mid, m, pick("present", "present", "absent", "excused")); err != nil {
						return err
					}
				}
			}
			for range r.IntN(3) {
				k++
				var pid int64
				if err := db.QueryRow(ctx, tx, `INSERT INTO dev_people (party_org_id, name, gender, birth_date, id_number_enc, id_number_hash, id_number_mask, stage, applied_on, created_at, updated_at)
					VALUES (?, '申请人', 'male', '1995-01-01', 'x', ?, 'x', 'candidate', '2020-01-01', ?, ?) RETURNING id`, id, fmt.Sprintf("rnd-dev-%d-%d", seed, k), stamp, stamp).Scan(&pid); err != nil {
					return err
				}
				if r.IntN(4) > 0 {
					if _, err := db.Exec(ctx, tx, `INSERT INTO dev_steps (person_id, step, done_on, created_at) VALUES (?, 7, ?, ?)`, pid, day("2021-01-01", "2026-11-20"), stamp); err != nil {
						return err
					}
				}
			}
		}
		for _, f := range [][4]any{
			{"branch", "theme_day", "quarter", 2}, {"branch", "committee_meeting", "month", 2},
			{"general_branch", "member_assembly", "quarter", 1}, {"branch", "heart_talk", "none", 0}, {"committee", "party_lecture", "quarter", 1},
		} {
			if _, err := db.Exec(ctx, tx, `INSERT INTO meeting_frequencies (party_org_kind, kind, period, times, effective_from, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
				f[0], f[1], f[2], f[3], day("2024-03-01", "2026-09-30"), stamp); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatalf("random fixture: %v", err)
	}
	return ids
}
