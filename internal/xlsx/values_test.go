package xlsx_test

import (
	"testing"

	"liangxin/internal/xlsx"
)

// An exported yes/no cell is the Chinese word, and the importer reads it
// back to the same value (export, edit, import again).
func TestYesNoReadsBack(t *testing.T) {
	for _, b := range []bool{true, false} {
		want := map[bool]string{true: "是", false: "否"}[b]
		if got := xlsx.YesNo(b); got != want {
			t.Errorf("YesNo(%v) = %q, want %q", b, got, want)
		}
		if back, err := xlsx.ParseBool(xlsx.YesNo(b)); err != nil || back != b {
			t.Errorf("ParseBool(YesNo(%v)) = %v, %v", b, back, err)
		}
	}
}

func TestOrEmpty(t *testing.T) {
	if got := xlsx.OrEmpty(nil); got != "" {
		t.Errorf("OrEmpty(nil) = %q, want an empty cell", got)
	}
	d := "2022-03-15"
	if got := xlsx.OrEmpty(&d); got != "2022-03-15" {
		t.Errorf("OrEmpty(&d) = %q, want 2022-03-15", got)
	}
}
