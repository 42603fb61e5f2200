package instructor

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"liangxin/internal/region"
)

// LevelLabels are the three instructor levels of a jurisdiction, named after
// its own level (domain: a county says 县级, a district 区级): the
// jurisdiction itself, the level below it and the one below that.
func LevelLabels(level int, name string) []string {
	switch level {
	case region.LevelProvince:
		return []string{"省级", "市（州）级", "县（市、区）级"}
	case region.LevelPrefecture:
		top := "市级"
		for _, suf := range []string{"州", "盟", "地区"} {
			if strings.HasSuffix(name, suf) {
				top = suf + "级"
			}
		}
		return []string{top, "县（市、区）级", "乡镇（街道）级"}
	}
	top := "县级"
	for _, suf := range []string{"区", "县", "市", "旗"} {
		if strings.HasSuffix(name, suf) {
			top = suf + "级"
		}
	}
	return []string{top, "乡镇（街道）级", "村（社区）级"}
}

// legacyLevels maps the labels of earlier versions (a fixed 区级 whatever the
// jurisdiction) to their position in LevelLabels.
var legacyLevels = map[string]int{"区级": 0, "县级": 0, "市级": 0, "旗级": 0, "街道（乡镇）级": 1, "乡镇（街道）级": 1, "社区（村）级": 2, "村（社区）级": 2}

// Levels are the instructor levels of the configured jurisdiction.
func (s *Service) Levels(ctx context.Context) ([]string, error) {
	var level int
	var name string
	err := s.DB.QueryRow(ctx, s.DB, `SELECT r.level, r.name FROM regions r JOIN settings st ON st.key = ? AND st.value = r.code`, region.SettingJurisdiction).Scan(&level, &name)
	if errors.Is(err, sql.ErrNoRows) {
		return LevelLabels(region.LevelCounty, ""), nil
	}
	if err != nil {
		return nil, err
	}
	return LevelLabels(level, name), nil
}

// normalizeLevel returns the jurisdiction's label for v (a current or legacy
// label), or ok=false when v is no level at all. The empty string stays empty.
func normalizeLevel(labels []string, v string) (string, bool) {
	if v == "" {
		return "", true
	}
	for _, l := range labels {
		if l == v {
			return l, true
		}
	}
	if i, ok := legacyLevels[v]; ok && len(labels) == 3 && labels[0] != "省级" && !strings.Contains(labels[1], "县（市") {
		return labels[i], true
	}
	return "", false
}

// NormalizeLevels rewrites the levels stored by earlier versions (区级 in a
// county) to the jurisdiction's labels; run once at start, cheap when done.
func (s *Service) NormalizeLevels(ctx context.Context) error {
	labels, err := s.Levels(ctx)
	if err != nil {
		return err
	}
	for old := range legacyLevels {
		if want, ok := normalizeLevel(labels, old); ok && want != old {
			if _, err := s.DB.Exec(ctx, s.DB, `UPDATE instructors SET level = ? WHERE level = ?`, want, old); err != nil {
				return err
			}
		}
	}
	return nil
}
