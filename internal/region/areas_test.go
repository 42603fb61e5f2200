package region_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"

	"liangxin/internal/apperr"
	"liangxin/internal/region"
	"liangxin/internal/store"
)

func TestCreateArea(t *testing.T) {
	t.Parallel()
	f := newFixture(t, true)
	ctx := scoped(county)

	cases := []struct {
		parent, name, kind, wantCode string
	}{
		{hongqiao, "洪桥商圈", "business_district", "430426001A001"},
		{hongqiao, "金融大厦", "building", "430426001A002"},
		{" 430426001000 ", "工业园", "park", "430426001A003"}, // padded parent code
		{daxiao, "第一网格", "grid", "430426001001A001"},
		{"430426001A002", "第3层", "grid", "430426001A002A001"},
		{yuhe, "洪桥商圈", "business_district", "430426002A001"}, // same name, other parent
	}
	for _, c := range cases {
		r, err := f.svc.CreateArea(ctx, c.parent, "  "+c.name+" ", c.kind)
		if err != nil {
			t.Fatalf("CreateArea(%s, %s): %v", c.parent, c.name, err)
		}
		wantParent := strings.TrimSuffix(c.wantCode, c.wantCode[len(c.wantCode)-4:])
		if r.Code != c.wantCode || r.Name != c.name || r.Level != "area" || r.LevelName != "片区" ||
			r.Kind != c.kind || r.KindName == "" || r.ParentCode != wantParent || r.HasChildren {
			t.Errorf("CreateArea(%s, %s) = %+v, want code %s", c.parent, c.name, r, c.wantCode)
		}
		got, err := f.svc.Get(ctx, c.wantCode)
		if err != nil || got != r {
			t.Errorf("Get(%s) = %+v, %v; want %+v", c.wantCode, got, err, r)
		}
	}
	if r, _ := f.svc.Get(ctx, hongqiao); !r.HasChildren {
		t.Error("town lost its children")
	}
	if r, _ := f.svc.Get(ctx, "430426001A002"); !r.HasChildren {
		t.Error("area with a sub-area has no children")
	}

	// Areas show in the scoped reads of their parent.
	kids, err := f.svc.Children(scoped(hongqiao), hongqiao)
	if err != nil {
		t.Fatal(err)
	}
	var areas []string
	for _, k := range kids {
		if k.Level == "area" {
			areas = append(areas, k.Code)
		}
	}
	if strings.Join(areas, ",") != "430426001A001,430426001A002,430426001A003" {
		t.Errorf("area children of 洪桥 = %v", areas)
	}
	if _, total, _ := f.svc.Search(scoped(yuhe), "洪桥商圈", 1, 20); total != store.Exact(1) {
		t.Errorf("玉合 sees %v areas called 洪桥商圈, want its own 1", total)
	}
	st, err := f.svc.Stats(ctx, county)
	if err != nil {
		t.Fatal(err)
	}
	if st.Counts["area"] != len(cases) {
		t.Errorf("Stats counts %d areas, want %d", st.Counts["area"], len(cases))
	}

	// Every creation is audited with the region after.
	rows := f.auditRows("area_create")
	if len(rows) != len(cases) {
		t.Fatalf("%d area_create rows, want %d", len(rows), len(cases))
	}
	for i, r := range rows {
		after, _ := r.Detail["after"].(map[string]any)
		if r.EntityID != cases[i].wantCode || after["code"] != cases[i].wantCode || after["name"] != cases[i].name ||
			r.Username != "clerk_"+county || r.Result != "success" {
			t.Errorf("area_create row %d = %+v", i, r)
		}
	}
}

func TestCreateAreaRefused(t *testing.T) {
	t.Parallel()
	f := newFixture(t, true)
	ctx := scoped(county)
	if _, err := f.svc.CreateArea(ctx, hongqiao, "洪桥商圈", "business_district"); err != nil {
		t.Fatal(err)
	}
	before := f.count(`SELECT COUNT(*) FROM regions`)

	invalid := []struct {
		name, parent, area, kind, field string
	}{
		{"under the county", county, "县级商圈", "business_district", "parent_code"},
		{"bad kind", hongqiao, "新片区", "mall", "kind"},
		{"empty kind", hongqiao, "新片区", "", "kind"},
		{"kind by Chinese name", hongqiao, "新片区", "商圈", "kind"},
		{"empty name", hongqiao, "   ", "grid", "name"},
		{"name of 61 characters", hongqiao, strings.Repeat("网", 61), "grid", "name"},
	}
	for _, c := range invalid {
		t.Run(c.name, func(t *testing.T) {
			_, err := f.svc.CreateArea(ctx, c.parent, c.area, c.kind)
			wantField(t, err, c.field)
		})
	}
	// Both fields at once.
	_, err := f.svc.CreateArea(ctx, county, "", "mall")
	e := wantErr(t, err, apperr.KindInvalid)
	for _, field := range []string{"parent_code", "name", "kind"} {
		if _, ok := e.Fields[field]; !ok {
			t.Errorf("fields %v lack %s", e.Fields, field)
		}
	}
	// Above the county (ancestors), for the system actor: still the parent is wrong.
	for _, parent := range []string{"4304", "43"} {
		_, err := f.svc.CreateArea(f.sys, parent, "省级商圈", "business_district")
		wantField(t, err, "parent_code")
	}
	// 60 characters is fine.
	if _, err := f.svc.CreateArea(ctx, hongqiao, strings.Repeat("网", 60), "grid"); err != nil {
		t.Errorf("60-character name: %v", err)
	}
	before++

	// Duplicate name under the same parent (also with a village's name).
	_, err = f.svc.CreateArea(ctx, hongqiao, "洪桥商圈", "grid")
	wantErr(t, err, apperr.KindConflict)
	_, err = f.svc.CreateArea(ctx, hongqiao, " 达孝社区居委会 ", "grid")
	wantErr(t, err, apperr.KindConflict)

	// Outside the caller's scope, or missing.
	_, err = f.svc.CreateArea(scoped(yuhe), hongqiao, "越权商圈", "business_district")
	wantErr(t, err, apperr.KindNotFound)
	_, err = f.svc.CreateArea(scoped(yuhe), "430426001A001", "越权网格", "grid")
	wantErr(t, err, apperr.KindNotFound)
	_, err = f.svc.CreateArea(ctx, "430426999", "不存在", "grid")
	wantErr(t, err, apperr.KindNotFound)

	if n := f.count(`SELECT COUNT(*) FROM regions`); n != before {
		t.Errorf("regions = %d after refused creations, want %d", n, before)
	}
	if n := len(f.auditRows("area_create")); n != 2 {
		t.Errorf("%d area_create rows, want 2", n)
	}
}

func TestRenameArea(t *testing.T) {
	t.Parallel()
	f := newFixture(t, true)
	ctx := scoped(hongqiao)
	a, err := f.svc.CreateArea(ctx, hongqiao, "洪桥商圈", "business_district")
	if err != nil {
		t.Fatal(err)
	}
	b, err := f.svc.CreateArea(ctx, hongqiao, "金融大厦", "building")
	if err != nil {
		t.Fatal(err)
	}
	r, err := f.svc.RenameArea(ctx, a.Code, " 洪桥中心商圈 ")
	if err != nil {
		t.Fatal(err)
	}
	if r.Code != a.Code || r.Name != "洪桥中心商圈" || r.Kind != a.Kind {
		t.Errorf("RenameArea = %+v", r)
	}
	if got, _ := f.svc.Get(ctx, a.Code); got.Name != "洪桥中心商圈" {
		t.Errorf("stored name %q", got.Name)
	}
	// Renaming to its own name is fine; to a sibling's name is a conflict.
	if _, err := f.svc.RenameArea(ctx, a.Code, "洪桥中心商圈"); err != nil {
		t.Errorf("rename to the same name: %v", err)
	}
	_, err = f.svc.RenameArea(ctx, a.Code, b.Name)
	wantErr(t, err, apperr.KindConflict)
	_, err = f.svc.RenameArea(ctx, a.Code, "")
	wantField(t, err, "name")
	// Administrative divisions are not renamed.
	for _, code := range []string{hongqiao, daxiao} {
		_, err := f.svc.RenameArea(ctx, code, "新名字")
		wantField(t, err, "code")
	}
	if got, _ := f.svc.Get(ctx, hongqiao); got.Name != "洪桥街道" {
		t.Errorf("street renamed to %q", got.Name)
	}
	// Outside the scope.
	_, err = f.svc.RenameArea(scoped(yuhe), a.Code, "越权")
	wantErr(t, err, apperr.KindNotFound)

	rows := f.auditRows("area_update")
	if len(rows) != 2 {
		t.Fatalf("%d area_update rows, want 2", len(rows))
	}
	before, _ := rows[0].Detail["before"].(map[string]any)
	after, _ := rows[0].Detail["after"].(map[string]any)
	if rows[0].EntityID != a.Code || before["name"] != "洪桥商圈" || after["name"] != "洪桥中心商圈" {
		t.Errorf("area_update row = %+v", rows[0])
	}
}

func TestDeleteArea(t *testing.T) {
	t.Parallel()
	f := newFixture(t, true)
	ctx := scoped(hongqiao)
	parent, err := f.svc.CreateArea(ctx, hongqiao, "洪桥商圈", "business_district")
	if err != nil {
		t.Fatal(err)
	}
	child, err := f.svc.CreateArea(ctx, parent.Code, "一号楼", "building")
	if err != nil {
		t.Fatal(err)
	}
	// Refused while it has children.
	wantErr(t, f.svc.DeleteArea(ctx, parent.Code), apperr.KindConflict)
	// Refused for administrative divisions, even without children.
	for _, code := range []string{hongqiao, daxiao} {
		wantField(t, f.svc.DeleteArea(ctx, code), "code")
	}
	wantField(t, f.svc.DeleteArea(f.sys, county), "code")
	// Refused outside the scope.
	wantErr(t, f.svc.DeleteArea(scoped(yuhe), child.Code), apperr.KindNotFound)
	wantErr(t, f.svc.DeleteArea(ctx, "430426001A999"), apperr.KindNotFound)
	if n := len(f.auditRows("area_delete")); n != 0 {
		t.Fatalf("%d area_delete rows after refusals", n)
	}

	if err := f.svc.DeleteArea(ctx, child.Code); err != nil {
		t.Fatal(err)
	}
	if err := f.svc.DeleteArea(ctx, parent.Code); err != nil {
		t.Fatal(err)
	}
	for _, code := range []string{child.Code, parent.Code} {
		_, err := f.svc.Get(ctx, code)
		wantErr(t, err, apperr.KindNotFound)
	}
	for _, code := range []string{hongqiao, daxiao} {
		if _, err := f.svc.Get(ctx, code); err != nil {
			t.Errorf("%s gone: %v", code, err)
		}
	}
	rows := f.auditRows("area_delete")
	if len(rows) != 2 || rows[0].EntityID != child.Code || rows[1].EntityID != parent.Code {
		t.Fatalf("area_delete rows = %+v", rows)
	}
	before, _ := rows[1].Detail["before"].(map[string]any)
	if before["name"] != "洪桥商圈" || before["kind"] != "business_district" || rows[1].Detail["after"] != nil {
		t.Errorf("area_delete detail = %v", rows[1].Detail)
	}
}

func TestAreaCodeAfterDelete(t *testing.T) {
	t.Parallel()
	f := newFixture(t, true)
	ctx := scoped(hongqiao)
	var codes []string
	for _, name := range []string{"甲", "乙", "丙"} {
		r, err := f.svc.CreateArea(ctx, hongqiao, name, "grid")
		if err != nil {
			t.Fatal(err)
		}
		codes = append(codes, r.Code)
	}
	// Deleting a middle one leaves the sequence alone.
	if err := f.svc.DeleteArea(ctx, codes[1]); err != nil {
		t.Fatal(err)
	}
	r, err := f.svc.CreateArea(ctx, hongqiao, "丁", "grid")
	if err != nil {
		t.Fatal(err)
	}
	if r.Code != "430426001A004" {
		t.Errorf("next code after deleting A002 = %s, want A004", r.Code)
	}
}

func TestAreaKinds(t *testing.T) {
	t.Parallel()
	want := map[string]string{"business_district": "商圈", "building": "楼宇", "park": "园区", "grid": "网格"}
	kinds := region.AreaKinds()
	if len(kinds) != len(want) {
		t.Fatalf("AreaKinds = %v", kinds)
	}
	for _, k := range kinds {
		if want[k.Code] != k.Name {
			t.Errorf("kind %s = %q, want %q", k.Code, k.Name, want[k.Code])
		}
	}
}

// TestCreateAreaConcurrent creates areas under one parent from several
// goroutines, as several users (or app nodes) may do at once.
func TestCreateAreaConcurrent(t *testing.T) {
	t.Parallel()
	f := newFixture(t, true)
	ctx := scoped(hongqiao)
	const n = 8
	errs := make([]error, n)
	codes := make([]string, n)
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r, err := f.svc.CreateArea(ctx, hongqiao, fmt.Sprintf("网格%d", i), "grid")
			codes[i], errs[i] = r.Code, err
		}()
	}
	wg.Wait()
	seen := map[string]bool{}
	for i, err := range errs {
		if err != nil {
			if _, ok := apperr.As(err); !ok {
				t.Errorf("goroutine %d: internal error %v", i, err)
			}
			continue
		}
		if seen[codes[i]] {
			t.Errorf("code %s given twice", codes[i])
		}
		seen[codes[i]] = true
	}
	if len(seen) != n {
		t.Errorf("%d of %d concurrent creations succeeded", len(seen), n)
	}
}
