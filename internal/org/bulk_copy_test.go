package org_test

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"liangxin/internal/actor"
	"liangxin/internal/org"
	"liangxin/internal/testenv"
	"liangxin/internal/uscc"
	"liangxin/internal/xlsx"
)

// copyLedger is a ledger of n organizations of every kind the file can
// hold (with and without a code, in both streets, with dates, closed ones,
// the 党统 columns); shift changes the members and adds rows, for an
// import that updates what the first one made.
func copyLedger(t *testing.T, n, shift int) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	hdr := []any{}
	for _, h := range org.Headers() {
		hdr = append(hdr, h)
	}
	if err := f.SetSheetRow("Sheet1", "A1", &hdr); err != nil {
		t.Fatal(err)
	}
	cats := []string{"民营企业", "个体工商户", "外资及港澳台企业", "社会团体", "民办非企业单位", "中介服务组织"}
	towns := []string{"洪桥街道", "玉合街道"}
	for i := 0; i < n; i++ {
		cat := cats[i%len(cats)]
		code := uscc.Generate('9', '1', "430426", 1000+i)
		if cat == "个体工商户" && i%2 == 1 {
			code = ""
		}
		closed := ""
		if i%7 == 0 {
			closed = fmt.Sprintf("2025-%02d-15", 1+i%12)
		}
		above, own, inter := "否", "", ""
		if i%5 == 0 {
			above = "是"
		}
		if cat == "民营企业" {
			own = "私营独资"
		}
		if cat == "中介服务组织" {
			inter = "律师事务所"
		}
		row := []any{fmt.Sprintf("复制测试单位%04d", i), code, cat, towns[i%2], "", string(rune('A' + i%20)),
			20 + i%50 + shift, i % 4, (i + shift) % 2, above, fmt.Sprintf("20%02d-%02d-%02d", 10+i%15, 1+i%12, 1+i%28), closed,
			own, 10 + i%9, i % 3, "是", "否", inter}
		if err := f.SetSheetRow("Sheet1", fmt.Sprintf("A%d", i+2), &row); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// dumpImport is what an import leaves in the tables it writes, one line a
// row, sorted, with every organization id replaced by the organization's
// key (its code, or its name and region), so that two databases that drew
// different ids still compare equal when they hold the same rows.
func dumpImport(t *testing.T, e *testenv.Env) map[string][]string {
	t.Helper()
	ctx := context.Background()
	db := e.App.DB
	key := map[string]string{}
	rows, err := db.Query(ctx, db, `SELECT id, COALESCE(uscc, ''), name, region_code FROM organizations`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id int64
		var code, name, region string
		if err := rows.Scan(&id, &code, &name, &region); err != nil {
			t.Fatal(err)
		}
		key[fmt.Sprint(id)] = "org<" + code + "|" + name + "|" + region + ">"
	}
	rows.Close()
	idInJSON := regexp.MustCompile(`"id":(\d+)`)
	out := map[string][]string{}
	for _, q := range []struct{ table, sql, idCol string }{
		{"organizations", `SELECT * FROM organizations`, "id"},
		{"organization_areas", `SELECT * FROM organization_areas`, "organization_id"},
		{"coverage_spans", `SELECT * FROM coverage_spans`, "organization_id"},
		{"coverage_counts", `SELECT * FROM coverage_counts`, ""},
		{"coverage_count_orgs", `SELECT * FROM coverage_count_orgs`, "organization_id"},
		{"audit_log", `SELECT action, entity, entity_id, result, detail FROM audit_log WHERE entity = 'organization'`, "entity_id"},
	} {
		rows, err := db.Query(ctx, db, q.sql)
		if err != nil {
			t.Fatal(q.table, err)
		}
		cols, _ := rows.Columns()
		for rows.Next() {
			vals := make([]sql.NullString, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(q.table, err)
			}
			parts := make([]string, len(cols))
			for i, c := range cols {
				v := vals[i].String
				if !vals[i].Valid {
					v = "NULL"
				}
				if c == q.idCol && v != "" && v != "NULL" {
					v = key[v]
				}
				v = idInJSON.ReplaceAllStringFunc(v, func(m string) string { return `"id":` + key[idInJSON.FindStringSubmatch(m)[1]] })
				parts[i] = c + "=" + v
			}
			out[q.table] = append(out[q.table], strings.Join(parts, " "))
		}
		if err := rows.Err(); err != nil {
			t.Fatal(q.table, err)
		}
		rows.Close()
		slices.Sort(out[q.table])
	}
	return out
}

// On PostgreSQL an import's new organizations are written with COPY; with
// COPY turned off they go through the multi-row INSERT. The same two files
// (one that creates 600 organizations, one that updates them and adds
// 150) imported both ways leave the same rows, row for row, in the
// organizations, their areas, spans, coverage counts and count snapshots,
// and the audit log (ids compared by the organization they name). On
// SQLite both runs take the INSERT and the test checks that they agree.
func TestImportCopyWritesWhatInsertWrites(t *testing.T) {
	first, second := copyLedger(t, 600, 0), copyLedger(t, 750, 1)
	run := func(copyOff bool) map[string][]string {
		if copyOff {
			org.SetCopyOff(t)
		}
		e := testenv.New(t)
		ctx := actor.System(context.Background(), "test")
		for i, file := range [][]byte{first, second} {
			res, errs, err := org.Import(ctx, e.App.Orgs, e.App.Regions, bytes.NewReader(file), int64(len(file)), xlsx.Limits{}, nil)
			if err != nil || len(errs) > 0 {
				t.Fatalf("import %d: %v %v", i+1, err, errs)
			}
			want := [][3]int{{600, 0, 0}, {150, 600, 0}}[i]
			if got := [3]int{res.Created, res.Updated, res.Unchanged}; got != want {
				t.Fatalf("import %d (copy off %v): created, updated, unchanged %v, want %v", i+1, copyOff, got, want)
			}
		}
		return dumpImport(t, e)
	}
	withCopy := run(false)
	withInsert := run(true)
	for table, want := range withInsert {
		got := withCopy[table]
		if len(want) == 0 && table != "coverage_spans" && table != "organization_areas" {
			t.Errorf("%s: nothing written, the comparison would prove nothing", table)
		}
		if !reflect.DeepEqual(got, want) {
			for i := range min(len(got), len(want)) {
				if got[i] != want[i] {
					t.Fatalf("%s (%d rows with COPY, %d with INSERT) differ first at\n COPY:   %s\n INSERT: %s", table, len(got), len(want), got[i], want[i])
				}
			}
			t.Fatalf("%s: %d rows with COPY, %d with INSERT", table, len(got), len(want))
		}
	}
}
