package org_test

import (
	"bytes"
	"context"
	"fmt"
	"reflect"
	"testing"

	"liangxin/internal/actor"
	"liangxin/internal/coverspan"
	"liangxin/internal/org"
	"liangxin/internal/store"
	"liangxin/internal/testenv"
	"liangxin/internal/uscc"
	"liangxin/internal/xlsx"

	"github.com/xuri/excelize/v2"
)

// dumpCounts reads the non-zero coverage counts and the count snapshots as
// text lines.
func dumpCounts(t *testing.T, db *store.DB) []string {
	t.Helper()
	var out []string
	for _, q := range []string{
		`SELECT region_code || '|' || grain || '|' || bucket || '|' || dim || '|' || key || '|' || total || '|' || has_charter || '|' || charter_has_party
			FROM coverage_counts WHERE total <> 0 OR has_charter <> 0 OR charter_has_party <> 0 ORDER BY region_code, grain, bucket, dim, key`,
		`SELECT organization_id || '|' || region_code || '|' || category || '|' || industry || '|' || employees || '|' || COALESCE(registered_on, '')
			FROM coverage_count_orgs ORDER BY organization_id`,
	} {
		rows, err := db.QueryContext(context.Background(), q)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var s string
			if err := rows.Scan(&s); err != nil {
				t.Fatal(err)
			}
			out = append(out, s)
		}
		rows.Close()
	}
	return out
}

// countsLedger is a ledger of n organizations over two streets, four
// categories and several years of registration days; shift changes the
// employee counts and the days of a re-import.
func countsLedger(t *testing.T, n, shift int) []byte {
	t.Helper()
	f := excelize.NewFile()
	f.SetSheetRow("Sheet1", "A1", &[]any{"单位名称", "统一社会信用代码", "单位类别", "所属街道（乡镇）", "从业人员数", "成立日期"})
	cats := []string{"民营企业", "社会团体", "民办非企业单位", "其他企业"}
	towns := []string{"洪桥街道", "玉合街道"}
	for i := 0; i < n; i++ {
		reg := fmt.Sprintf("%04d-%02d-%02d", 2016+(i+shift)%8, 1+(i*5+shift)%12, 1+(i*11)%28)
		f.SetSheetRow("Sheet1", fmt.Sprintf("A%d", i+2), &[]any{fmt.Sprintf("计数单位%04d", i), uscc.Generate('9', '1', "430426", i+1),
			cats[i%len(cats)], towns[(i/3)%len(towns)], (i*7 + shift) % 90, reg})
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// The coverage counts a staged import computes while staging and copies
// when it publishes equal a rebuild from the ledger: after a first import
// (only new organizations) and after a re-import that changes part of
// them (updates, applied at publish time). On PostgreSQL the same checks
// run on the one-transaction write.
func TestImportCountsEqualARebuild(t *testing.T) {
	e := testenv.New(t)
	u := e.User("importer", "district", testenv.Jurisdiction)
	ctx := actor.With(context.Background(), actor.Actor{UserID: u.ID, Username: u.Username, Role: "district", Scope: testenv.Jurisdiction})
	db := e.App.DB
	check := func(stage string) {
		t.Helper()
		kept := dumpCounts(t, db)
		if err := coverspan.Rebuild(actor.System(context.Background(), "test"), db); err != nil {
			t.Fatal(err)
		}
		rebuilt := dumpCounts(t, db)
		if len(rebuilt) < 100 {
			t.Fatalf("%s: only %d count rows", stage, len(rebuilt))
		}
		if !reflect.DeepEqual(kept, rebuilt) {
			msg := fmt.Sprintf("%s: %d rows kept, %d rebuilt", stage, len(kept), len(rebuilt))
			for i := range min(len(kept), len(rebuilt)) {
				if kept[i] != rebuilt[i] {
					msg += "; first difference: kept " + kept[i] + ", rebuilt " + rebuilt[i]
					break
				}
			}
			t.Fatal(msg)
		}
	}
	const rows = 600
	for _, step := range []struct {
		name                    string
		shift, created, updated int
	}{{"first import", 0, rows, 0}, {"re-import with changes", 3, 0, rows}} {
		ledger := countsLedger(t, rows, step.shift)
		res, errs, err := org.Import(ctx, e.App.Orgs, e.App.Regions, bytes.NewReader(ledger), int64(len(ledger)), xlsx.Limits{}, nil)
		if err != nil || len(errs) != 0 {
			t.Fatalf("%s: %+v %v %v", step.name, res, errs, err)
		}
		if res.Created != step.created || res.Updated != step.updated {
			t.Fatalf("%s: %+v, want %d created and %d updated", step.name, res, step.created, step.updated)
		}
		check(step.name)
	}
	// Each update is audited once, with the import's entry.
	var updates int
	if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM audit_log WHERE action = 'organization_update'`).Scan(&updates); err != nil {
		t.Fatal(err)
	}
	if updates != rows {
		t.Fatalf("%d update entries, want %d", updates, rows)
	}
}
