package instructor_test

import (
	"context"
	"strings"
	"testing"

	"liangxin/internal/actor"
	"liangxin/internal/apperr"
	"liangxin/internal/instructor"
	"liangxin/internal/region"
	"liangxin/internal/testenv"
)

// TestLevelLabelsFollowTheJurisdiction: the top level is named after the
// jurisdiction (祁东县 → 县级, 雁峰区 → 区级, 耒阳市 → 市级), not a fixed 区级.
func TestLevelLabelsFollowTheJurisdiction(t *testing.T) {
	for _, c := range []struct {
		level int
		name  string
		want  string
	}{
		{region.LevelCounty, "祁东县", "县级、乡镇（街道）级、村（社区）级"},
		{region.LevelCounty, "雁峰区", "区级、乡镇（街道）级、村（社区）级"},
		{region.LevelCounty, "耒阳市", "市级、乡镇（街道）级、村（社区）级"},
		{region.LevelCounty, "科尔沁右翼前旗", "旗级、乡镇（街道）级、村（社区）级"},
		{region.LevelPrefecture, "衡阳市", "市级、县（市、区）级、乡镇（街道）级"},
		{region.LevelPrefecture, "湘西土家族苗族自治州", "州级、县（市、区）级、乡镇（街道）级"},
		{region.LevelProvince, "湖南省", "省级、市（州）级、县（市、区）级"},
	} {
		if got := strings.Join(instructor.LevelLabels(c.level, c.name), "、"); got != c.want {
			t.Errorf("%s: %s, want %s", c.name, got, c.want)
		}
	}
}

// In 祁东县 an instructor's level reads 县级; the old 区级 is taken as 县级,
// a level of another kind of jurisdiction is refused naming the field, and
// rows stored by earlier versions are renamed at start.
func TestInstructorLevelInACounty(t *testing.T) {
	e := testenv.New(t)
	ctx := actor.With(context.Background(), actor.Actor{Role: "district", Scope: testenv.Jurisdiction})
	levels, err := e.App.Instr.Levels(ctx)
	if err != nil || strings.Join(levels, "、") != "县级、乡镇（街道）级、村（社区）级" {
		t.Fatalf("levels of 祁东县: %v %v", levels, err)
	}
	name, old := "李指导", "区级"
	in, err := e.App.Instr.Create(ctx, instructor.Input{Name: &name, Level: &old})
	if err != nil || in.Level != "县级" {
		t.Fatalf("区级 in a county: %q %v", in.Level, err)
	}
	prov := "省级"
	_, err = e.App.Instr.Create(ctx, instructor.Input{Name: &name, Level: &prov})
	if ae, ok := apperr.As(err); !ok || !strings.Contains(ae.Fields["level"], "县级") {
		t.Fatalf("省级 in a county: %v", err)
	}
	if _, err := e.App.DB.Exec(ctx, e.App.DB, `UPDATE instructors SET level = '社区（村）级' WHERE id = ?`, in.ID); err != nil {
		t.Fatal(err)
	}
	if err := e.App.Instr.NormalizeLevels(ctx); err != nil {
		t.Fatal(err)
	}
	if got, _ := e.App.Instr.Get(ctx, in.ID); got.Level != "村（社区）级" {
		t.Fatalf("legacy label after start: %q", got.Level)
	}
}
