package briefing

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"strings"
	"time"
)

// The .docx is the small OOXML subset a briefing needs, written here rather
// than through a library (docs/decisions.md): styles with the East-Asian
// font of every style set (方正小标宋简体 title, 黑体 headings, 楷体_GB2312
// sub-headings, 仿宋_GB2312 body, with the usual substitutes named in the
// font table), an A4 page with the margins of GB/T 9704 (top 37 mm, bottom
// 35 mm, left 28 mm, right 26 mm), a red masthead with its rule, headings,
// paragraphs and bordered tables. The output is deterministic: the same
// document gives the same bytes (fixed entry order and times), so an issued
// briefing downloaded twice is byte-identical.

const (
	mm = 56.7 // twips per millimetre

	fontTitle = "方正小标宋简体"
	fontBody  = "仿宋_GB2312"
	fontHead  = "黑体"
	fontSub   = "楷体_GB2312"
	fontLatin = "Times New Roman"
)

func esc(s string) string {
	var b bytes.Buffer
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}

func twips(v float64) int { return int(v*mm + 0.5) }

// rFonts sets the Latin and East-Asian fonts of a run or style.
func rFonts(east string) string {
	return fmt.Sprintf(`<w:rFonts w:ascii="%s" w:hAnsi="%s" w:eastAsia="%s" w:cs="%s"/>`, fontLatin, fontLatin, east, fontLatin)
}

func style(id, name, east string, size int, bold bool, ppr, extraRPr string) string {
	b := ""
	if bold {
		b = `<w:b/><w:bCs/>`
	}
	return fmt.Sprintf(`<w:style w:type="paragraph" w:customStyle="1" w:styleId="%s"><w:name w:val="%s"/><w:basedOn w:val="Normal"/><w:qFormat/>`+
		`<w:pPr>%s</w:pPr><w:rPr>%s%s%s<w:sz w:val="%d"/><w:szCs w:val="%d"/></w:rPr></w:style>`, id, name, ppr, rFonts(east), b, extraRPr, size, size)
}

const exact = `<w:spacing w:before="0" w:after="0" w:line="560" w:lineRule="exact"/>`

func stylesXML() string {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n")
	b.WriteString(`<w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">`)
	b.WriteString(`<w:docDefaults><w:rPrDefault><w:rPr>` + rFonts(fontBody) + `<w:sz w:val="32"/><w:szCs w:val="32"/><w:lang w:val="en-US" w:eastAsia="zh-CN"/></w:rPr></w:rPrDefault>`)
	b.WriteString(`<w:pPrDefault><w:pPr>` + exact + `</w:pPr></w:pPrDefault></w:docDefaults>`)
	b.WriteString(`<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/><w:pPr><w:jc w:val="both"/>` + exact +
		`<w:ind w:firstLineChars="200" w:firstLine="640"/></w:pPr><w:rPr>` + rFonts(fontBody) + `<w:sz w:val="32"/><w:szCs w:val="32"/></w:rPr></w:style>`)
	b.WriteString(style("Masthead", "版头", fontTitle, 72, false, `<w:jc w:val="center"/><w:ind w:firstLineChars="0" w:firstLine="0"/><w:spacing w:before="0" w:after="120" w:line="240" w:lineRule="auto"/>`, `<w:color w:val="FF0000"/><w:spacing w:val="20"/>`))
	b.WriteString(style("Serial", "期号", fontBody, 32, false, `<w:jc w:val="center"/><w:ind w:firstLineChars="0" w:firstLine="0"/>`, ""))
	b.WriteString(style("Issuer", "发文机关与日期", fontBody, 32, false, `<w:jc w:val="left"/><w:ind w:firstLineChars="0" w:firstLine="0"/><w:tabs><w:tab w:val="right" w:pos="8844"/></w:tabs>`+
		`<w:pBdr><w:bottom w:val="single" w:sz="18" w:space="4" w:color="FF0000"/></w:pBdr>`, ""))
	b.WriteString(style("Title", "标题", fontTitle, 44, false, `<w:jc w:val="center"/><w:ind w:firstLineChars="0" w:firstLine="0"/><w:spacing w:before="480" w:after="240" w:line="700" w:lineRule="exact"/>`, ""))
	b.WriteString(style("Heading1", "heading 1", fontHead, 32, false, `<w:keepNext/><w:outlineLvl w:val="0"/>`, ""))
	b.WriteString(style("Heading2", "heading 2", fontSub, 32, false, `<w:keepNext/><w:outlineLvl w:val="1"/>`, ""))
	b.WriteString(style("Closing", "落款", fontBody, 32, false, `<w:jc w:val="right"/><w:ind w:firstLineChars="0" w:firstLine="0" w:rightChars="400" w:right="1280"/>`, ""))
	b.WriteString(style("Caption", "表题", fontHead, 24, false, `<w:jc w:val="center"/><w:ind w:firstLineChars="0" w:firstLine="0"/><w:keepNext/><w:spacing w:before="120" w:after="60" w:line="360" w:lineRule="exact"/>`, ""))
	b.WriteString(style("TableHead", "表头", fontHead, 24, false, `<w:jc w:val="center"/><w:ind w:firstLineChars="0" w:firstLine="0"/><w:spacing w:before="0" w:after="0" w:line="320" w:lineRule="exact"/>`, ""))
	b.WriteString(style("TableText", "表格正文", fontBody, 24, false, `<w:jc w:val="center"/><w:ind w:firstLineChars="0" w:firstLine="0"/><w:spacing w:before="0" w:after="0" w:line="320" w:lineRule="exact"/>`, ""))
	b.WriteString(`<w:style w:type="table" w:default="1" w:styleId="TableNormal"><w:name w:val="Normal Table"/><w:tblPr><w:tblInd w:w="0" w:type="dxa"/>` +
		`<w:tblCellMar><w:top w:w="0" w:type="dxa"/><w:left w:w="108" w:type="dxa"/><w:bottom w:w="0" w:type="dxa"/><w:right w:w="108" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style>`)
	b.WriteString(`</w:styles>`)
	return b.String()
}

// fontTableXML names each Chinese font with the substitute word processors
// use when it is missing (仿宋_GB2312 → 仿宋, 楷体_GB2312 → 楷体, 方正小标宋简体 → 宋体).
func fontTableXML() string {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n")
	b.WriteString(`<w:fonts xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">`)
	for _, f := range []struct{ name, alt, family, pitch string }{
		{fontTitle, "宋体", "auto", "variable"}, {fontBody, "仿宋", "modern", "fixed"}, {fontHead, "SimHei", "modern", "fixed"},
		{fontSub, "楷体", "modern", "fixed"}, {fontLatin, "", "roman", "variable"},
	} {
		b.WriteString(`<w:font w:name="` + f.name + `">`)
		if f.alt != "" {
			b.WriteString(`<w:altName w:val="` + f.alt + `"/><w:charset w:val="86"/>`)
		}
		b.WriteString(`<w:family w:val="` + f.family + `"/><w:pitch w:val="` + f.pitch + `"/></w:font>`)
	}
	b.WriteString(`</w:fonts>`)
	return b.String()
}

func para(styleID, text string) string {
	return `<w:p><w:pPr><w:pStyle w:val="` + styleID + `"/></w:pPr>` + run(text) + `</w:p>`
}

func run(text string) string {
	if text == "" {
		return ""
	}
	return `<w:r><w:t xml:space="preserve">` + esc(text) + `</w:t></w:r>`
}

// contentWidth is the text width in twips (A4 210 mm − 28 − 26).
var contentWidth = twips(210 - 28 - 26)

func tableXML(t *Table) string {
	var b strings.Builder
	b.WriteString(para("Caption", t.Caption))
	if len(t.Rows) == 0 {
		b.WriteString(para("TableText", "（无）"))
		return b.String()
	}
	cols := len(t.Header)
	w := contentWidth / cols
	border := `<w:top w:val="single" w:sz="4" w:space="0" w:color="000000"/><w:left w:val="single" w:sz="4" w:space="0" w:color="000000"/>` +
		`<w:bottom w:val="single" w:sz="4" w:space="0" w:color="000000"/><w:right w:val="single" w:sz="4" w:space="0" w:color="000000"/>` +
		`<w:insideH w:val="single" w:sz="4" w:space="0" w:color="000000"/><w:insideV w:val="single" w:sz="4" w:space="0" w:color="000000"/>`
	fmt.Fprintf(&b, `<w:tbl><w:tblPr><w:tblW w:w="%d" w:type="dxa"/><w:jc w:val="center"/><w:tblBorders>%s</w:tblBorders><w:tblLayout w:type="fixed"/></w:tblPr><w:tblGrid>`, w*cols, border)
	for i := 0; i < cols; i++ {
		fmt.Fprintf(&b, `<w:gridCol w:w="%d"/>`, w)
	}
	b.WriteString(`</w:tblGrid>`)
	row := func(cells []string, styleID string, header bool) {
		b.WriteString(`<w:tr>`)
		if header {
			b.WriteString(`<w:trPr><w:tblHeader/></w:trPr>`)
		}
		for i := 0; i < cols; i++ {
			v := ""
			if i < len(cells) {
				v = cells[i]
			}
			fmt.Fprintf(&b, `<w:tc><w:tcPr><w:tcW w:w="%d" w:type="dxa"/><w:vAlign w:val="center"/></w:tcPr>%s</w:tc>`, w, para(styleID, v))
		}
		b.WriteString(`</w:tr>`)
	}
	row(t.Header, "TableHead", true)
	for _, r := range t.Rows {
		row(r, "TableText", false)
	}
	b.WriteString(`</w:tbl>`)
	return b.String()
}

// DocumentXML is word/document.xml of the briefing.
func (d Document) DocumentXML() string {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n")
	b.WriteString(`<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><w:body>`)
	b.WriteString(para("Masthead", d.Masthead))
	b.WriteString(para("Serial", d.Serial))
	b.WriteString(`<w:p><w:pPr><w:pStyle w:val="Issuer"/></w:pPr>` + run(d.Issuer) + `<w:r><w:tab/></w:r>` + run(d.Date) + `</w:p>`)
	b.WriteString(para("Title", d.Title))
	for _, bl := range d.Blocks {
		switch bl.Kind {
		case BlockHeading:
			b.WriteString(para("Heading1", bl.Text))
		case BlockSubheading:
			b.WriteString(para("Heading2", bl.Text))
		case BlockRight:
			b.WriteString(para("Closing", bl.Text))
		case BlockTable:
			b.WriteString(tableXML(bl.Table))
		default:
			b.WriteString(para("Normal", bl.Text))
		}
	}
	fmt.Fprintf(&b, `<w:sectPr><w:pgSz w:w="%d" w:h="%d"/><w:pgMar w:top="%d" w:right="%d" w:bottom="%d" w:left="%d" w:header="851" w:footer="992" w:gutter="0"/>`+
		`<w:docGrid w:type="linesAndChars" w:linePitch="579" w:charSpace="-849"/></w:sectPr>`, twips(210), twips(297), twips(37), twips(26), twips(35), twips(28))
	b.WriteString(`</w:body></w:document>`)
	return b.String()
}

const contentTypes = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/><Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/><Override PartName="/word/fontTable.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.fontTable+xml"/><Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/><Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/></Types>`

const rootRels = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" Target="docProps/app.xml"/></Relationships>`

const docRels = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/fontTable" Target="fontTable.xml"/></Relationships>`

const appXML = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"><Application>两新党建综合管理平台</Application></Properties>`

// WriteDOCX writes the briefing as .docx; stamp dates the package (the
// issue time, or the snapshot's for a draft) so that it is reproducible.
func (d Document) WriteDOCX(w io.Writer, stamp time.Time) error {
	stamp = stamp.UTC().Truncate(time.Second)
	core := `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:title>` +
		esc(d.Title) + `</dc:title><dc:creator>` + esc(d.Issuer) + `</dc:creator><dcterms:created xsi:type="dcterms:W3CDTF">` + stamp.Format(time.RFC3339) +
		`</dcterms:created><dcterms:modified xsi:type="dcterms:W3CDTF">` + stamp.Format(time.RFC3339) + `</dcterms:modified></cp:coreProperties>`
	z := zip.NewWriter(w)
	for _, p := range []struct{ name, body string }{
		{"[Content_Types].xml", contentTypes},
		{"_rels/.rels", rootRels},
		{"docProps/core.xml", core},
		{"docProps/app.xml", appXML},
		{"word/_rels/document.xml.rels", docRels},
		{"word/document.xml", d.DocumentXML()},
		{"word/styles.xml", stylesXML()},
		{"word/fontTable.xml", fontTableXML()},
	} {
		f, err := z.CreateHeader(&zip.FileHeader{Name: p.name, Method: zip.Deflate, Modified: stamp})
		if err != nil {
			return err
		}
		if _, err := io.WriteString(f, p.body); err != nil {
			return err
		}
	}
	return z.Close()
}
