package xlsx

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// The worksheet and shared-string scanner (scan.go) is ours; excelize is
// the reference. These tests read each workbook of a corpus both ways and
// want every cell value equal: the value as stored (excelize's
// RawCellValue), shared strings resolved, inline strings joined.

// scanAll reads every worksheet with the package's scanner: sheet name →
// cell reference → value; empty values are left out.
// unordered reports a sheet the scanner reads differently from excelize
// on purpose (see typeScanner.lenient).
func scanAll(b []byte, l Limits) (cells map[string]map[string]string, unordered bool, err error) {
	l = l.withDefaults()
	zr, err := checkZip(bytes.NewReader(b), int64(len(b)), l)
	if err != nil {
		return nil, false, err
	}
	wb, err := readWorkbook(zr)
	if err != nil {
		return nil, false, err
	}
	sst, err := readSharedStrings(zr, wb.sstPath, l)
	if err != nil {
		return nil, false, err
	}
	out := map[string]map[string]string{}
	unordered = sst != nil && sst.lenient
	for _, s := range wb.sheets {
		zf := findFile(zr, s.path)
		if zf == nil {
			continue
		}
		rc, err := zf.Open()
		if err != nil {
			return nil, false, err
		}
		sc := newTypeScanner(rc, sst, l)
		cells := map[string]string{}
		for {
			num, metas, ok, err := sc.nextRow()
			if err != nil {
				sc.close()
				return nil, false, err
			}
			if !ok {
				break
			}
			for i, m := range metas {
				if m.seen && m.v != "" {
					cells[colName(i+1)+fmt.Sprint(num)] = m.v
				}
			}
		}
		sc.close()
		unordered = unordered || sc.lenient
		out[s.name] = cells
	}
	return out, unordered, nil
}

// excelizeAll reads every worksheet with excelize, values unformatted.
func excelizeAll(b []byte) (map[string]map[string]string, error) {
	f, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	out := map[string]map[string]string{}
	for _, name := range f.GetSheetList() {
		// GetRows hides an error in the shared-string table (it returns
		// the rows read so far); a single lookup reports it.
		if _, err := f.GetCellValue(name, "A1"); err != nil {
			return nil, err
		}
		rows, err := f.GetRows(name, excelize.Options{RawCellValue: true})
		if err != nil {
			return nil, err
		}
		cells := map[string]string{}
		for r, row := range rows {
			for c, v := range row {
				if v != "" {
					cells[colName(c+1)+fmt.Sprint(r+1)] = v
				}
			}
		}
		out[name] = cells
	}
	return out, nil
}

// diffCells lists the differences between two readings.
func diffCells(ours, theirs map[string]map[string]string) []string {
	var d []string
	for name, want := range theirs {
		got, ok := ours[name]
		if !ok {
			if len(want) > 0 {
				d = append(d, fmt.Sprintf("sheet %q: not read", name))
			}
			continue
		}
		for ref, v := range want {
			if got[ref] != v {
				d = append(d, fmt.Sprintf("%s!%s: ours %q, excelize %q", name, ref, got[ref], v))
			}
		}
		for ref, v := range got {
			if _, ok := want[ref]; !ok {
				d = append(d, fmt.Sprintf("%s!%s: ours %q, excelize nothing", name, ref, v))
			}
		}
	}
	sort.Strings(d)
	return d
}

// rawBook zips worksheet XML (the content of <sheetData>), shared-string
// XML (the content of <sst>, none when empty) and styles XML into a
// workbook with one sheet, as another program might write it.
func rawBook(sheetData, sst, styles string, date1904 bool) []byte {
	var buf bytes.Buffer
	z := zip.NewWriter(&buf)
	put := func(name, body string) {
		w, _ := z.Create(name)
		io.WriteString(w, body)
	}
	const ns = `xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"`
	types := `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>`
	rels := `<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>`
	if sst != "" {
		rels += `<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>`
		types += `<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>`
	}
	if styles != "" {
		rels += `<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>`
		types += `<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>`
	}
	put("[Content_Types].xml", types+`</Types>`)
	put("_rels/.rels", `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`)
	pr := ""
	if date1904 {
		pr = `<workbookPr date1904="1"/>`
	}
	put("xl/workbook.xml", `<?xml version="1.0" encoding="UTF-8"?><workbook `+ns+`>`+pr+`<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>`)
	put("xl/_rels/workbook.xml.rels", `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">`+rels+`</Relationships>`)
	put("xl/worksheets/sheet1.xml", sheetPart(sheetData))
	if sst != "" {
		put("xl/sharedStrings.xml", sstPart(sst))
	}
	if styles != "" {
		put("xl/styles.xml", `<?xml version="1.0" encoding="UTF-8"?><styleSheet `+ns+`>`+styles+`</styleSheet>`)
	}
	z.Close()
	return buf.Bytes()
}

const partNS = `xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"`

func sheetPart(sheetData string) string {
	return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\r\n" + `<worksheet ` + partNS + `><sheetData>` + sheetData + `</sheetData></worksheet>`
}

func sstPart(sst string) string {
	return `<?xml version="1.0" encoding="UTF-8"?><sst ` + partNS + `>` + sst + `</sst>`
}

// wellFormed reports whether encoding/xml reads a part to its end.
func wellFormed(part string) bool {
	d := xml.NewDecoder(strings.NewReader(part))
	for {
		_, err := d.Token()
		if err == io.EOF {
			return true
		}
		if err != nil {
			return false
		}
	}
}

// Shared strings as Excel writes them: plain, rich text in runs with run
// properties, phonetic runs (not part of the value), xml:space, the
// _xHHHH_ escapes, entities and character references, an empty entry.
const excelSST = `<si><t>单位名称</t></si>` +
	`<si><r><rPr><b/><sz val="11"/></rPr><t>中国</t></r><r><rPr><i/></rPr><t xml:space="preserve"> 石化 </t></r><r><t>祁东&amp;分公司</t></r></si>` +
	`<si><t>東京</t><rPh sb="0" eb="2"><t>トウキョウ</t></rPh><phoneticPr fontId="1"/></si>` +
	`<si><t>第一行_x000D_` + "\n" + `第二行</t></si>` +
	`<si><t>&lt;a&gt; &quot;q&quot; &apos;s&apos; &#x4E2D;&#25991; &#x1F600;</t></si>` +
	`<si><t/></si>` +
	`<si><t xml:space="preserve">  前后空格  </t></si>` +
	`<si><t>下划线_x005F_x0041_ 和 _x0041_</t></si>` +
	"<si><t>回车\r\n换行\r结束</t></si>"

// excelSheet uses every kind of cell Excel writes.
const excelSheet = `<row r="1" spans="1:6"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c><c r="D1" t="s"><v>3</v></c><c r="E1" t="s"><v>4</v></c><c r="F1" t="s"><v>5</v></c></row>` +
	`<row r="2"><c r="A2" s="1"><v>41381</v></c><c r="B2"><v>9.14304262667915E+17</v></c><c r="C2" t="b"><v>1</v></c><c r="D2" t="e"><v>#N/A</v></c><c r="E2" t="str"><f>A1&amp;B1</f><v>单位名称中国</v></c><c r="F2" t="s"><v>6</v></c><c r="G2" t="s"><v>7</v></c><c r="H2" t="s"><v>8</v></c></row>` +
	`<row r="4"><c r="A4" t="d"><v>2016-03-05T00:00:00Z</v></c><c r="B4" s="1"/><c r="C4"><v></v></c><c r="D4"><v>-0.5</v></c><c r="XFD4"><v>3</v></c></row>`

const excelStyles = `<numFmts count="1"><numFmt numFmtId="176" formatCode="yyyy&quot;年&quot;m&quot;月&quot;d&quot;日&quot;"/></numFmts><cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="176" applyNumberFormat="1"/></cellXfs>`

// wpsSheet is written the way simpler writers do: inline strings (plain,
// rich, phonetic), cells without references, gaps in the references, rows
// without numbers, single quotes, a '>' inside an attribute value,
// comments and a processing instruction among the cells, CDATA.
const wpsSheet = `<row><c t="inlineStr"><is><t>甲</t></is></c><c t="inlineStr"><is><r><t>乙</t></r><r><rPr/><t xml:space="preserve"> 丙</t></r></is></c><c><v>1</v></c></row>` +
	`<row r='3'><c r='B3' t='inlineStr'><is><t>B3 &amp; &#38; &#x26;</t></is></c><c r="F3" t="inlineStr"><is><t>F3</t><rPh sb="0" eb="1"><t>ph</t></rPh></is></c></row>` +
	`<row><!-- a comment with <tags> --><c r="C4" x="a>b" t="str"><v><![CDATA[<不是标签> & 原样]]></v></c><?pi data?><c r="E4" t="inlineStr"><is><t>_x0009_制表</t></is></c></row>` +
	`<row r="6" ht="20" customHeight="1"></row>` +
	`<row r="7"><c r="a7"><v>12</v></c><c r="B7" t="n"><v> 5 </v></c><c r="C7" t="inlineStr"><is><t>` + "多\n行" + `</t></is></c></row>`

// libreSheet: what LibreOffice writes, shared strings referenced with
// styles, and an empty row element.
const libreSheet = `<row r="1" s="0" customFormat="false" ht="12.8" hidden="false" customHeight="false" outlineLevel="0" collapsed="false"><c r="A1" s="0" t="s"><v>0</v></c><c r="B1" s="0" t="n"><v>43000</v></c></row><row r="2"/>` +
	`<row r="3" s="0"><c r="A3" s="1" t="n"><v>43000.5</v></c><c r="B3" s="0" t="s"><v>4</v></c></row>`

func corpus(t *testing.T) map[string][]byte {
	t.Helper()
	books := map[string][]byte{
		"excel":       rawBook(excelSheet, excelSST, excelStyles, false),
		"wps":         rawBook(wpsSheet, "", "", false),
		"libreoffice": rawBook(libreSheet, excelSST, excelStyles, false),
		"1904":        rawBook(`<row r="1"><c r="A1" t="inlineStr"><is><t>成立日期</t></is></c></row><row r="2"><c r="A2" s="1"><v>40000</v></c></row>`, "", excelStyles, true),
	}
	// Workbooks written by excelize itself, shared strings and all.
	f := excelize.NewFile()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(f.SetCellValue("Sheet1", "A1", "名称 & <代码>"))
	must(f.SetCellValue("Sheet1", "B2", 3.25))
	must(f.SetCellValue("Sheet1", "D5", true))
	must(f.SetCellRichText("Sheet1", "C3", []excelize.RichTextRun{{Text: "富"}, {Text: "文本", Font: &excelize.Font{Bold: true}}}))
	must(f.SetCellValue("Sheet1", "E7", "带\r\n换行"))
	_, err := f.NewSheet("第二页")
	must(err)
	must(f.SetCellValue("第二页", "AA100", "远处"))
	var buf bytes.Buffer
	must(f.Write(&buf))
	books["excelize"] = buf.Bytes()

	dir := filepath.Join("..", "..", "..", "shared", "samples")
	names, _ := filepath.Glob(filepath.Join(dir, "*.xlsx"))
	if len(names) == 0 {
		t.Logf("no sample workbooks in %s", dir)
	}
	for _, n := range names {
		b, err := os.ReadFile(n)
		must(err)
		books["sample "+filepath.Base(n)] = b
	}
	return books
}

func TestScannerAgreesWithExcelize(t *testing.T) {
	for name, b := range corpus(t) {
		t.Run(name, func(t *testing.T) {
			theirs, err := excelizeAll(b)
			if err != nil {
				t.Fatalf("excelize: %v", err)
			}
			ours, unordered, err := scanAll(b, Limits{})
			if err != nil {
				t.Fatalf("ours: %v", err)
			}
			if unordered {
				t.Fatal("the corpus entry has what no spreadsheet program writes (typeScanner.lenient)")
			}
			n := 0
			for _, s := range theirs {
				n += len(s)
			}
			if n == 0 {
				t.Fatal("excelize read no cell: the corpus entry is broken")
			}
			if d := diffCells(ours, theirs); len(d) > 0 {
				t.Errorf("%d differences:\n%s", len(d), strings.Join(d, "\n"))
			}
		})
	}
}

// The values the corpus was written with, checked by hand, so that the
// differential test is not merely two readers agreeing on a mistake.
func TestScannerValuesByHand(t *testing.T) {
	got, _, err := scanAll(rawBook(excelSheet, excelSST, excelStyles, false), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	wps, _, err := scanAll(rawBook(wpsSheet, "", "", false), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	for ref, want := range map[string]string{
		"B1": "中国 石化 祁东&分公司", "C1": "東京", "D1": "第一行\r\n第二行",
		"E1": `<a> "q" 's' 中文 😀`, "A2": "41381", "B2": "9.14304262667915E+17", "C2": "1",
		"D2": "#N/A", "E2": "单位名称中国", "F2": "  前后空格  ", "G2": "下划线_x0041_ 和 A",
		"H2": "回车\n换行\n结束", "A4": "2016-03-05T00:00:00Z", "D4": "-0.5", "XFD4": "3",
	} {
		if got["Sheet1"][ref] != want {
			t.Errorf("excel %s = %q, want %q", ref, got["Sheet1"][ref], want)
		}
	}
	if _, ok := got["Sheet1"]["F1"]; ok {
		t.Errorf("excel F1 (an empty shared string) = %q, want nothing", got["Sheet1"]["F1"])
	}
	for ref, want := range map[string]string{
		"A1": "甲", "B1": "乙 丙", "C1": "1", "B3": "B3 & & &", "F3": "F3",
		"C4": "<不是标签> & 原样", "E4": "\t制表", "A7": "12", "B7": " 5 ", "C7": "多\n行",
	} {
		if wps["Sheet1"][ref] != want {
			t.Errorf("wps %s = %q, want %q", ref, wps["Sheet1"][ref], want)
		}
	}
	if len(wps["Sheet1"]) != 10 {
		t.Errorf("wps: %d cells, want 10: %v", len(wps["Sheet1"]), wps["Sheet1"])
	}
	// A cell without a reference after one with a reference follows it.
	mixed, lenient, err := scanAll(rawBook(`<row r="3"><c r="B3"/><c t="inlineStr"><is><t>行</t></is></c><c r="F3"><v>1</v></c><c><v>7</v></c></row>`, "", "", false), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if want := map[string]string{"C3": "行", "F3": "1", "G3": "7"}; !reflect.DeepEqual(mixed["Sheet1"], want) || !lenient {
		t.Errorf("mixed references: %v (lenient %v), want %v, lenient", mixed["Sheet1"], lenient, want)
	}
}

// A 1904-system workbook: the date cell reads as the 1900-system serial
// (40000 + 1462) and is marked a date.
func TestScanner1904Date(t *testing.T) {
	b := rawBook(`<row r="1"><c r="A1" t="inlineStr"><is><t>成立日期</t></is></c></row><row r="2"><c r="A2" s="1"><v>40000</v></c><c r="B2"><v>40000</v></c></row>`, "", excelStyles, true)
	r, err := OpenSheet(bytes.NewReader(b), int64(len(b)), []Column{{Name: "成立日期"}, {Name: "其他", Aliases: []string{"B"}, Optional: true}}, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if !r.Sheet().Date1904 {
		t.Error("Date1904 not set")
	}
	if !r.Next() {
		t.Fatalf("no row: %v", r.Err())
	}
	c := r.Row().Get("成立日期")
	if c.Raw != "41462" || !c.Date || !c.Numeric {
		t.Errorf("A2 = %+v, want Raw 41462, a numeric date", c)
	}
	if all := r.Row().all; len(all) < 2 || all[1].Raw != "40000" || all[1].Date {
		t.Errorf("B2 (no date style) = %+v, want 40000 unchanged", all)
	}
}

// fuzzLimits are small, so that the fuzzer reaches them.
var fuzzLimits = Limits{MaxCellChars: 40, MaxColumns: 20, MaxSheetRows: 30, MaxSharedStrings: 20}

// FuzzSheetReader feeds arbitrary worksheet and shared-string XML to the
// scanner: it must never panic; with small limits it either refuses the
// file or returns values within them; and with the default limits, when
// the parts are well-formed XML and excelize reads the file, every cell
// value must be equal.
func FuzzSheetReader(f *testing.F) {
	f.Add(excelSheet, excelSST)
	f.Add(wpsSheet, "")
	f.Add(libreSheet, excelSST)
	f.Add(`<row r="2"><c r="B2" t="s"><v>1</v></c><c r="A2"><v>1</v></c></row><row r="1"/>`, `<si><t>a</t></si><si><r><t>b</t></r></si>`)
	f.Add(`<row><c t="inlineStr"><is><t>&#xD;&#10;&amp;amp;</t></is></c></row>`, "")
	f.Fuzz(func(t *testing.T, sheet, sst string) {
		b := rawBook(sheet, sst, "", false)
		if small, _, err := scanAll(b, fuzzLimits); err == nil {
			for _, cells := range small {
				for ref, v := range cells {
					if n := len([]rune(v)); n > fuzzLimits.MaxCellChars {
						t.Fatalf("%s: %d characters past the limit of %d", ref, n, fuzzLimits.MaxCellChars)
					}
				}
			}
		}
		// excelize stops silently at the first XML error of a sheet, so
		// its reading of a malformed part is no reference.
		if !wellFormed(sheetPart(sheet)) || sst != "" && !wellFormed(sstPart(sst)) {
			return
		}
		ours, unordered, err := scanAll(b, Limits{})
		if err != nil || unordered {
			return
		}
		theirs, err := excelizeAll(b)
		if err != nil {
			return
		}
		if d := diffCells(ours, theirs); len(d) > 0 {
			t.Fatalf("%d differences:\n%s", len(d), strings.Join(d, "\n"))
		}
	})
}
