package xlsx_test

import (
	"archive/zip"
	"bytes"
	"errors"
	"io"
	"runtime"
	"strings"
	"testing"

	"liangxin/internal/racetest"
	"liangxin/internal/xlsx"
)

// hostileBook writes a minimal workbook whose sheet and shared-string parts
// are streamed by the callers (so a 190 MB cell is never held by the test
// either). sst may be nil (no shared-string part).
func hostileBook(t testing.TB, sheetData func(w io.Writer), sst func(w io.Writer)) []byte {
	t.Helper()
	var buf bytes.Buffer
	z := zip.NewWriter(&buf)
	put := func(name string, body func(w io.Writer)) {
		w, err := z.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		body(w)
	}
	str := func(s string) func(io.Writer) { return func(w io.Writer) { io.WriteString(w, s) } }
	rels := `<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>`
	if sst != nil {
		rels += `<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>`
	}
	put("_rels/.rels", str(`<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`))
	put("xl/workbook.xml", str(`<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>`))
	put("xl/_rels/workbook.xml.rels", str(`<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">`+rels+`</Relationships>`))
	if sst != nil {
		put("xl/sharedStrings.xml", func(w io.Writer) {
			io.WriteString(w, `<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">`)
			sst(w)
			io.WriteString(w, `</sst>`)
		})
	}
	put("xl/worksheets/sheet1.xml", func(w io.Writer) {
		io.WriteString(w, `<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`)
		sheetData(w)
		io.WriteString(w, `</sheetData></worksheet>`)
	})
	if err := z.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// repeat writes n copies of s in large chunks.
func repeat(w io.Writer, s string, n int) {
	chunk := strings.Repeat(s, 1<<16/len(s)+1)
	per := len(chunk) / len(s)
	for n > 0 {
		k := min(per, n)
		io.WriteString(w, chunk[:k*len(s)])
		n -= k
	}
}

const headerRow = `<row r="1"><c r="A1" t="inlineStr"><is><t>单位名称</t></is></c></row>`

// readErr opens the workbook and reads it through, returning the first error.
func readErr(t testing.TB, b []byte, l xlsx.Limits) error {
	t.Helper()
	r, err := xlsx.OpenSheet(bytes.NewReader(b), int64(len(b)), xlsx.Required("单位名称"), l)
	if err != nil {
		return err
	}
	defer r.Close()
	for r.Next() {
	}
	return r.Err()
}

func wantLimit(t *testing.T, name string, err error, msg string) {
	t.Helper()
	var fe *xlsx.FileError
	if !errors.Is(err, xlsx.ErrLimit) || !errors.As(err, &fe) || fe.Msg != msg {
		t.Errorf("%s: err = %v, want ErrLimit %q", name, err, msg)
	}
}

// Excel's own bounds are the defaults: 32767 characters a cell, 16384
// columns, 1048576 rows.
func TestDefaultLimitsAreExcels(t *testing.T) {
	d := xlsx.DefaultLimits
	if d.MaxCellChars != 32767 || d.MaxColumns != 16384 || d.MaxSheetRows != 1048576 || d.MaxSharedStrings != 1000000 || d.MaxSharedBytes != 32<<20 {
		t.Fatalf("defaults: %+v", d)
	}
}

// The upload of the issue: 192 KB holding one 190 MB cell (one character
// repeated) is refused while it streams, naming the limit and the row.
func TestHugeCellRefusedWhileStreaming(t *testing.T) {
	racetest.Skip(t, "a parser fed a huge cell, one goroutine")
	const size = 190 << 20
	inline := hostileBook(t, func(w io.Writer) {
		io.WriteString(w, headerRow+`<row r="2"><c r="A2" t="inlineStr"><is><t>`)
		repeat(w, "a", size)
		io.WriteString(w, `</t></is></c></row>`)
	}, nil)
	if len(inline) > 1<<20 {
		t.Fatalf("the hostile file is %d bytes, want a small upload", len(inline))
	}
	wantLimit(t, "inline string", readErr(t, inline, xlsx.Limits{}), "单元格内容超过 32767 个字符（第 2 行）")

	value := hostileBook(t, func(w io.Writer) {
		io.WriteString(w, headerRow+`<row r="7"><c r="A7" t="str"><v>`)
		repeat(w, "9", size/8)
		io.WriteString(w, `</v></c></row>`)
	}, nil)
	wantLimit(t, "formula string", readErr(t, value, xlsx.Limits{}), "单元格内容超过 32767 个字符（第 7 行）")

	// In the header rows: refused during the header search.
	head := hostileBook(t, func(w io.Writer) {
		io.WriteString(w, `<row r="1"><c r="A1" t="inlineStr"><is><t>`)
		repeat(w, "标", size/24)
		io.WriteString(w, `</t></is></c></row>`)
	}, nil)
	wantLimit(t, "title row", readErr(t, head, xlsx.Limits{}), "单元格内容超过 32767 个字符（第 1 行）")

	// Rich text: many runs, each well under the token bound.
	rich := hostileBook(t, func(w io.Writer) {
		io.WriteString(w, headerRow+`<row r="3"><c r="A3" t="inlineStr"><is>`)
		run := `<r><t>` + strings.Repeat("b", 30000) + `</t></r>`
		for range 2000 {
			io.WriteString(w, run)
		}
		io.WriteString(w, `</is></c></row>`)
	}, nil)
	wantLimit(t, "rich text runs", readErr(t, rich, xlsx.Limits{}), "单元格内容超过 32767 个字符（第 3 行）")

	// The same as one shared string.
	shared := hostileBook(t, func(w io.Writer) {
		io.WriteString(w, headerRow+`<row r="2"><c r="A2" t="s"><v>0</v></c></row>`)
	}, func(w io.Writer) {
		io.WriteString(w, `<si><t>`)
		repeat(w, "a", size/8)
		io.WriteString(w, `</t></si>`)
	})
	wantLimit(t, "shared string", readErr(t, shared, xlsx.Limits{}), "单元格内容超过 32767 个字符（共享文本第 1 条）")
}

// The limit is Excel's, in characters: 32767 Chinese characters (98,301
// bytes) pass, one more does not.
func TestCellLengthBoundary(t *testing.T) {
	book := func(n int) []byte {
		return hostileBook(t, func(w io.Writer) {
			io.WriteString(w, headerRow+`<row r="2"><c r="A2" t="inlineStr"><is><t>`)
			repeat(w, "党", n)
			io.WriteString(w, `</t></is></c></row>`)
		}, nil)
	}
	r, err := xlsx.OpenSheet(bytes.NewReader(book(32767)), int64(len(book(32767))), xlsx.Required("单位名称"), xlsx.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if !r.Next() || len([]rune(r.Row().Get("单位名称").Raw)) != 32767 {
		t.Fatalf("32767 characters: %v", r.Err())
	}
	r.Close()
	wantLimit(t, "32768 characters", readErr(t, book(32768), xlsx.Limits{}), "单元格内容超过 32767 个字符（第 2 行）")
	// A lower limit is named in the message.
	wantLimit(t, "limit 100", readErr(t, book(101), xlsx.Limits{MaxCellChars: 100}), "单元格内容超过 100 个字符（第 2 行）")
}

// Millions of tiny shared strings are refused at the limit, even when the
// sheet has no recognisable header (the table is read before the header
// search, so the header error must not hide the limit).
func TestSharedStringLimits(t *testing.T) {
	racetest.Skip(t, "a parser fed millions of strings, one goroutine")
	many := hostileBook(t, func(w io.Writer) {
		io.WriteString(w, `<row r="1"><c r="A1" t="s"><v>0</v></c></row>`) // no 单位名称 header
	}, func(w io.Writer) {
		repeat(w, `<si><t>x</t></si>`, 7600000)
	})
	wantLimit(t, "7.6 M strings", readErr(t, many, xlsx.Limits{}), "文件中的不重复文本超过 1000000 条的上限，请分批导入")

	// 2000 strings of 30000 characters: 60,000,000 bytes > 32 MB.
	big := hostileBook(t, func(w io.Writer) { io.WriteString(w, headerRow) }, func(w io.Writer) {
		s := `<si><t>` + strings.Repeat("c", 30000) + `</t></si>`
		for range 2000 {
			io.WriteString(w, s)
		}
	})
	// That part deflates to about 60 KB: 20 times that is under 2 MB.
	if c := sstCompressed(t, big); c > 100<<10 {
		t.Fatalf("shared strings compressed to %d bytes", c)
	}
	wantLimit(t, "60 MB of strings", readErr(t, big, xlsx.Limits{}), "文件中的文本总量超过 2 MB 的上限，请分批导入")
	// Text that deflates like real text may reach MaxSharedBytes: here
	// 40,000 strings of 1,000 pseudo-random letters (about 5 bits of
	// entropy each, so about 23 MB compressed, past the 20 MB upload limit
	// lifted here) against 32 MB.
	rnd := uint32(1)
	random := hostileBook(t, func(w io.Writer) { io.WriteString(w, headerRow) }, func(w io.Writer) {
		buf := make([]byte, 1000)
		for range 40000 {
			for i := range buf {
				rnd = rnd*1664525 + 1013904223
				buf[i] = 'a' + byte(rnd>>27)%26
			}
			io.WriteString(w, `<si><t>`+string(buf)+`</t></si>`)
		}
	})
	wantLimit(t, "40 MB of random letters", readErr(t, random, xlsx.Limits{MaxBytes: 64 << 20}), "文件中的文本总量超过 32 MB 的上限，请分批导入")

	// Under both limits the table reads.
	fine := hostileBook(t, func(w io.Writer) {
		io.WriteString(w, `<row r="1"><c r="A1" t="s"><v>2</v></c></row><row r="2"><c r="A2" t="s"><v>1</v></c></row>`)
	}, func(w io.Writer) {
		io.WriteString(w, `<si><t>a</t></si><si><t>甲公司</t></si><si><t>单位名称</t></si>`)
	})
	r, err := xlsx.OpenSheet(bytes.NewReader(fine), int64(len(fine)), xlsx.Required("单位名称"), xlsx.Limits{MaxSharedStrings: 3, MaxSharedBytes: 22})
	if err != nil {
		t.Fatal(err)
	}
	if !r.Next() || r.Row().Get("单位名称").Raw != "甲公司" {
		t.Fatalf("row: %v", r.Err())
	}
	r.Close()
	wantLimit(t, "4th string", readErr(t, fine, xlsx.Limits{MaxSharedStrings: 2}), "文件中的不重复文本超过 2 条的上限，请分批导入")
	// "a" + "甲公司" (9 bytes) + "单位名称" (12 bytes) = 22 bytes > 21.
	wantLimit(t, "22 bytes", readErr(t, fine, xlsx.Limits{MaxSharedBytes: 21}), "文件中的文本总量超过 21 字节 的上限，请分批导入")
}

func sstCompressed(t *testing.T, b []byte) uint64 {
	z, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range z.File {
		if f.Name == "xl/sharedStrings.xml" {
			return f.CompressedSize64
		}
	}
	t.Fatal("no shared strings")
	return 0
}

// One row of 5 M cells is refused at the 16385th.
func TestColumnAndRowLimits(t *testing.T) {
	racetest.Skip(t, "a parser fed long rows, one goroutine")
	wide := hostileBook(t, func(w io.Writer) {
		io.WriteString(w, headerRow+`<row r="2">`)
		repeat(w, `<c><v>1</v></c>`, 5000000)
		io.WriteString(w, `</row>`)
	}, nil)
	wantLimit(t, "5 M cells", readErr(t, wide, xlsx.Limits{}), "第 2 行超过 16384 列的上限")
	wantLimit(t, "limit 3", readErr(t, wide, xlsx.Limits{MaxColumns: 3}), "第 2 行超过 3 列的上限")

	// Empty row elements count too: 1 header + 1000 empty rows > 1000.
	tall := hostileBook(t, func(w io.Writer) {
		io.WriteString(w, headerRow)
		repeat(w, `<row/>`, 1000)
	}, nil)
	wantLimit(t, "1001 rows", readErr(t, tall, xlsx.Limits{MaxSheetRows: 1000}), "工作表超过 1000 行的上限（空行也计算在内），请删除多余的空行或分批导入")
	if err := readErr(t, tall, xlsx.Limits{MaxSheetRows: 1001}); err != nil {
		t.Fatalf("1001 rows under a limit of 1001: %v", err)
	}
}

// Sections that may hold '<' are bounded when kept (CDATA in a value) and
// skipped when not (a comment); a DOCTYPE (forbidden in OOXML) is refused.
func TestTokenGuardSections(t *testing.T) {
	cdata := hostileBook(t, func(w io.Writer) {
		io.WriteString(w, headerRow+`<row r="2"><c r="A2" t="str"><v><![CDATA[`)
		repeat(w, "<a", 1<<20)
		io.WriteString(w, `]]></v></c></row>`)
	}, nil)
	wantLimit(t, "CDATA", readErr(t, cdata, xlsx.Limits{}), "单元格内容超过 32767 个字符（第 2 行）")
	comment := hostileBook(t, func(w io.Writer) {
		io.WriteString(w, headerRow+`<row r="2"><!--`)
		repeat(w, "<a", 1<<20)
		io.WriteString(w, `--></row>`)
	}, nil)
	// The sheet scanner skips a comment without keeping it, so a long one
	// costs no memory and is no reason to refuse the file.
	if err := readErr(t, comment, xlsx.Limits{}); err != nil {
		t.Fatalf("a 2 MB comment: %v", err)
	}
	small := hostileBook(t, func(w io.Writer) {
		io.WriteString(w, headerRow+`<!-- a <b> comment --><row r="2"><c r="A2" t="str"><v><![CDATA[甲<乙>]]></v></c></row>`)
	}, nil)
	r, err := xlsx.OpenSheet(bytes.NewReader(small), int64(len(small)), xlsx.Required("单位名称"), xlsx.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if !r.Next() || r.Row().Get("单位名称").Raw != "甲<乙>" {
		t.Fatalf("CDATA value: %+v %v", r.Row(), r.Err())
	}
	r.Close()

	var buf bytes.Buffer
	z := zip.NewWriter(&buf)
	for name, body := range map[string]string{
		"_rels/.rels":                `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
		"xl/workbook.xml":            `<workbook xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>`,
		"xl/_rels/workbook.xml.rels": `<Relationships><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`,
		"xl/worksheets/sheet1.xml":   `<?xml version="1.0"?><!DOCTYPE lol [<!ENTITY a "aaaa">]><worksheet><sheetData>` + headerRow + `</sheetData></worksheet>`,
	} {
		w, _ := z.Create(name)
		io.WriteString(w, body)
	}
	z.Close()
	err = readErr(t, buf.Bytes(), xlsx.Limits{})
	if !errors.Is(err, xlsx.ErrCorrupt) || !strings.Contains(err.Error(), "文档类型声明") {
		t.Fatalf("DOCTYPE: %v", err)
	}
}

// A 40 MB cell (inline, and as a shared string) compressed into a small
// upload is refused, and reading it allocates a bounded amount: the reader
// never holds the cell, so all it allocates over the whole read is far
// below the cell's size. The bound (8 MB) is a fifth of the cell; a reader
// that took the value in whole would allocate at least 40 MB.
func TestHugeCellReadInBoundedMemory(t *testing.T) {
	racetest.Skip(t, "a parser fed a huge cell, one goroutine")
	const size = 40 << 20
	const bound = 8 << 20
	for _, c := range []struct {
		name string
		book []byte
		msg  string
	}{
		{"inline", hostileBook(t, func(w io.Writer) {
			io.WriteString(w, headerRow+`<row r="2"><c r="A2" t="inlineStr"><is><t>`)
			repeat(w, "a", size)
			io.WriteString(w, `</t></is></c></row>`)
		}, nil), "单元格内容超过 32767 个字符（第 2 行）"},
		{"shared", hostileBook(t, func(w io.Writer) {
			io.WriteString(w, headerRow+`<row r="2"><c r="A2" t="s"><v>0</v></c></row>`)
		}, func(w io.Writer) {
			io.WriteString(w, `<si><t>`)
			repeat(w, "a", size)
			io.WriteString(w, `</t></si>`)
		}), "单元格内容超过 32767 个字符（共享文本第 1 条）"},
	} {
		if len(c.book) > 1<<20 {
			t.Fatalf("%s: the upload is %d bytes, want a small one", c.name, len(c.book))
		}
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		err := readErr(t, c.book, xlsx.Limits{MaxBytes: 64 << 20})
		runtime.ReadMemStats(&after)
		wantLimit(t, c.name, err, c.msg)
		if d := after.TotalAlloc - before.TotalAlloc; d > bound {
			t.Errorf("%s: reading a %d MB cell allocated %d bytes, want at most %d", c.name, size>>20, d, bound)
		} else {
			t.Logf("%s: %d KB upload, %d KB allocated while reading", c.name, len(c.book)>>10, d>>10)
		}
	}
}
