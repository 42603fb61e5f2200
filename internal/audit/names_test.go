package audit_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"liangxin/internal/audit"
)

// Every action code the application writes has a Chinese name, so the audit
// administrator never reads a bare code in the trail or its export.
func TestEveryActionHasAChineseName(t *testing.T) {
	re := regexp.MustCompile(`Action:\s*"([^"]+)"`)
	seen := map[string]string{}
	err := filepath.WalkDir("..", func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, m := range re.FindAllStringSubmatch(string(b), -1) {
			seen[m[1]] = path
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(seen) < 20 {
		t.Fatalf("found only %d action codes: is the scan looking at the right folder?", len(seen))
	}
	for code, file := range seen {
		if audit.ActionName(code) == code {
			t.Errorf("action %q (written in %s) has no Chinese name", code, file)
		}
	}
}
