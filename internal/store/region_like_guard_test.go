package store_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"liangxin/internal/racetest"
)

// TestNoRegionPrefixLike keeps region-prefix LIKEs out of the services: a
// region column compared with LIKE reads no index on either database, so
// region filters go through store.PrefixRange and ancestor checks through
// store.AncestorsOf. Text searches (name LIKE '%term%') are not region columns.
func TestNoRegionPrefixLike(t *testing.T) {
	racetest.Skip(t, "a scan of the source tree")
	t.Parallel()
	prefixLike := regexp.MustCompile(`\b(region_code|community_code|area_code|scope)\s+LIKE\b`)
	ancestorLike := regexp.MustCompile(`\?\s+LIKE\s+[\w.]+\s*\|\|\s*'%'`)
	// The resource ranking in cobuild orders by nearness (not a filter).
	allowed := []string{"const nearness = "}
	checked := 0
	err := filepath.WalkDir("..", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		checked++
	lines:
		for i, line := range strings.Split(string(b), "\n") {
			if strings.HasPrefix(strings.TrimSpace(line), "//") || !prefixLike.MatchString(line) && !ancestorLike.MatchString(line) {
				continue
			}
			for _, a := range allowed {
				if strings.Contains(line, a) {
					continue lines
				}
			}
			t.Errorf("%s:%d: a region LIKE; use store.PrefixRange or store.AncestorsOf: %s", path, i+1, strings.TrimSpace(line))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if checked < 100 {
		t.Fatalf("only %d Go files under internal", checked)
	}
}
