package volunteer_test

import (
	"bytes"
	"testing"

	"liangxin/internal/pdata"
	"liangxin/internal/volunteer"
	"liangxin/internal/xlsx"
)

func book(t *testing.T, rows ...[]any) []byte {
	t.Helper()
	w, err := xlsx.NewWriter("历史服务时长", volunteer.ImportHeaders(), nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if err := w.Row(r...); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if err := w.Finish(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// A file with one bad row records nothing and names the cells; the good
// file records every row. By hand: 甲 2 h 助老 (20) + 1.5 h 其他 (15) = 35;
// 乙 by name and party organization, 0.5 h 宣讲 = 5.
func TestImportHours(t *testing.T) {
	w := newWorld(t)
	ma := w.member("甲")
	mb := w.member("乙")
	first := "43042619800101003" // 甲 is the first member: seq 1 → 2×1+1
	idA := first + string(pdata.CheckChar(first))
	badBook := book(t,
		[]any{"甲", idA, "", "2026-03-01", "2", "敬老院陪护", "助老"},
		[]any{"乙", "", "测试党支部", "2026-03-02", "30", "宣讲", "宣讲"},
		[]any{"丁", "", "测试党支部", "2027-01-01", "1", "", "跳舞"},
	)
	res, errs, err := w.v.ImportHours(w.sys, bytes.NewReader(badBook), int64(len(badBook)), xlsx.Limits{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	cols := map[string]bool{}
	for _, e := range errs {
		cols[e.Column] = true
	}
	for _, c := range []string{volunteer.ColHours, volunteer.ColDate, volunteer.ColTitle, volunteer.ColKind, volunteer.ColName} {
		if !cols[c] {
			t.Errorf("no error in column %s: %+v", c, errs)
		}
	}
	if res.Created != 0 || w.account(ma).Balance != 0 {
		t.Fatalf("bad file wrote %d", res.Created)
	}
	good := book(t,
		[]any{"甲", idA, "", "2026-03-01", "2", "敬老院陪护", "助老"},
		[]any{"甲", idA, "", "2026-04-01", "1.5", "社区议事", ""},
		[]any{"乙", "", "测试党支部", "2026-03-02", "0.5", "政策宣讲", "宣讲"},
	)
	res, errs, err = w.v.ImportHours(w.sys, bytes.NewReader(good), int64(len(good)), xlsx.Limits{}, nil)
	if err != nil || len(errs) > 0 || res.Created != 3 {
		t.Fatalf("good file: %+v %+v %v", res, errs, err)
	}
	if a, b := w.account(ma), w.account(mb); a.Balance != 35 || a.YearMinutes != 210 || b.Balance != 5 {
		t.Fatalf("balances %d (%d min) %d, want 35 (210) 5", a.Balance, a.YearMinutes, b.Balance)
	}
	// The briefing's figure: March holds 2 h + 0.5 h = 150 min, April 1.5 h = 90 min;
	// nothing in another county.
	for _, c := range []struct {
		region, from, to string
		want             int64
	}{{"430426", "2026-03-01", "2026-03-31", 150}, {"430426", "2026-04-01", "2026-04-30", 90}, {"430426", "2026-03-02", "2026-04-01", 120}, {"430421", "2026-03-01", "2026-04-30", 0}} {
		if got, err := w.v.MinutesIn(w.sys, c.region, c.from, c.to); err != nil || got != c.want {
			t.Errorf("MinutesIn(%s, %s..%s) = %d, %v; want %d", c.region, c.from, c.to, got, err, c.want)
		}
	}
	w.check()
}
