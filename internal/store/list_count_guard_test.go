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

// TestNoHandRolledListCounts fails when a function outside the store both
// counts with SELECT COUNT(*) and reads a page with LIMIT/OFFSET (or
// Page.Limit): a list counts through store.List / store.ListPage (or
// store.CountIn), whose count stops at the cap. (The allow-list of the 29
// lists that still counted by hand is gone: every one moved, issue 18.)
func TestNoHandRolledListCounts(t *testing.T) {
	racetest.Skip(t, "a scan of the source tree")
	t.Parallel()
	count := regexp.MustCompile(`(?i)SELECT\s+COUNT\(\*\)`)
	page := regexp.MustCompile(`(?i)\bOFFSET\b|\.Limit\(`)
	funcStart := regexp.MustCompile(`(?m)^func (?:\([^)]*\) )?(\w+)`)
	checked := 0
	err := filepath.WalkDir("..", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return err
		}
		rel := filepath.ToSlash(strings.TrimPrefix(path, ".."+string(filepath.Separator)))
		if strings.HasPrefix(rel, "store/") {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		checked++
		src := string(b)
		locs := funcStart.FindAllStringSubmatchIndex(src, -1)
		for i, l := range locs {
			end := len(src)
			if i+1 < len(locs) {
				end = locs[i+1][0]
			}
			body := src[l[0]:end]
			if !count.MatchString(body) || !page.MatchString(body) {
				continue
			}
			t.Errorf("%s:%s counts every row and pages by hand; use store.List / store.ListPage (the count stops at store.DefaultTotalCap)", rel, src[l[2]:l[3]])
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
