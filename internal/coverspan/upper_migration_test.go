package coverspan_test

import (
	"strings"
	"testing"

	"liangxin/internal/store"
)

// The province and city series are kept in step only by writers of this
// release: an older node writing to a city or province database would let
// them drift. The migration that comes with them must therefore not declare
// that it keeps the previous release working, so that older nodes go
// unready once it is applied (store's schema compatibility rule).
func TestUpperSeriesMigrationStopsThePreviousRelease(t *testing.T) {
	for _, d := range []store.Dialect{store.SQLite, store.Postgres} {
		ms, err := store.Migrations(d)
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, m := range ms {
			if !strings.Contains(m.Name, "coverage_counts_upper") {
				continue
			}
			found = true
			if m.KeepsPrevious {
				t.Errorf("%v: migration %d %s declares keeps-previous: older nodes would keep writing and let the upper series drift", d, m.Version, m.Name)
			}
		}
		if !found {
			t.Errorf("%v: no migration named coverage_counts_upper", d)
		}
	}
}
