package briefing

import (
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"liangxin/internal/apperr"
	"liangxin/internal/civil"
)

// The template is plain text, one paragraph a line: "# " starts a heading
// (一、…), "## " a sub-heading ((一)…), "> " a right-aligned line (落款,
// date); a line that is only a table placeholder ({{街道排名表}}) becomes
// that table; any other line is a body paragraph. {{name}} anywhere is
// replaced by the figure of that name.

// Placeholder describes one placeholder for the editor's help.
type Placeholder struct {
	Name  string `json:"name"`
	Desc  string `json:"desc"`
	Table bool   `json:"table"`
}

// Meta is what a briefing adds to its figures: the 期号 and the date of issue.
type Meta struct {
	Serial   string // 2026年第3期; empty for a draft
	IssuedOn string // YYYY-MM-DD; empty for a draft
}

type field struct {
	desc string
	text func(f Figures, m Meta) string
}

func n(v int) string { return strconv.Itoa(v) }

func cnDate(d string) string {
	t, err := civil.Read(d)
	if err != nil {
		return d
	}
	return fmt.Sprintf("%d年%d月%d日", t.Year(), int(t.Month()), t.Day())
}

func stage(f Figures, code string) int {
	for _, c := range f.Stages {
		if c.Code == code {
			return c.Count
		}
	}
	return 0
}

func formation(f Figures, code string) int {
	for _, c := range f.ByFormation {
		if c.Code == code {
			return c.Count
		}
	}
	return 0
}

var fields = map[string]field{
	"地区":       {"通报范围（区划名称）", func(f Figures, _ Meta) string { return f.RegionName }},
	"年":        {"通报月份的年", func(f Figures, _ Meta) string { return strings.TrimLeft(f.Month[:4], "0") }},
	"月":        {"通报月份的月（不补零）", func(f Figures, _ Meta) string { return strings.TrimLeft(f.Month[5:], "0") }},
	"期号":       {"签发后的期号，如 2026年第3期（草稿显示“草稿”）", func(_ Figures, m Meta) string { return or(m.Serial, "草稿") }},
	"签发日期":     {"签发日期，如 2026年12月3日（草稿显示“（未签发）”）", func(_ Figures, m Meta) string { return or(cnDate(m.IssuedOn), "（未签发）") }},
	"统计截止日":    {"数据截止日期，如 2026年11月30日", func(f Figures, _ Meta) string { return cnDate(f.AsOf) }},
	"统计口径":     {"两个覆盖的统计口径", func(f Figures, _ Meta) string { return f.ScopeRule }},
	"单位总数":     {"纳入统计的两新组织数", func(f Figures, _ Meta) string { return n(f.Coverage.Total) }},
	"组织覆盖数":    {"已建立党组织覆盖的单位数", func(f Figures, _ Meta) string { return n(f.Coverage.OrgCovered) }},
	"覆盖率":      {"组织覆盖率（月末）", func(f Figures, _ Meta) string { return Percent(f.Coverage.OrgRate) }},
	"上月覆盖率":    {"上月末组织覆盖率", func(f Figures, _ Meta) string { return Percent(f.PrevCoverage.OrgRate) }},
	"年初覆盖率":    {"年初（上年末）组织覆盖率", func(f Figures, _ Meta) string { return Percent(f.YearCoverage.OrgRate) }},
	"较上月变化":    {"组织覆盖率较上月末的变化，如“提高 1.2 个百分点”", func(f Figures, _ Meta) string { return Points(round1(f.Coverage.OrgRate - f.PrevCoverage.OrgRate)) }},
	"较年初变化":    {"组织覆盖率较年初的变化", func(f Figures, _ Meta) string { return Points(round1(f.Coverage.OrgRate - f.YearCoverage.OrgRate)) }},
	"工作覆盖率":    {"工作覆盖率（月末）", func(f Figures, _ Meta) string { return Percent(f.Coverage.WorkRate) }},
	"新建党组织数":   {"本月新建党组织数", func(f Figures, _ Meta) string { return n(f.NewPartyOrgs) }},
	"单建数":      {"本月单独组建的党组织数", func(f Figures, _ Meta) string { return n(formation(f, "single")) }},
	"联建数":      {"本月联合组建的党组织数", func(f Figures, _ Meta) string { return n(formation(f, "joint")) }},
	"新建党组织构成":  {"本月新建党组织按组建方式的构成，如“单独组建 3 个、联合组建 2 个”", formationText},
	"三会一课落实率":  {"年初至月末“三会一课”落实率", func(f Figures, _ Meta) string { return Percent(f.MeetingRate) }},
	"三会一课滞后数":  {"年初至月末“三会一课”未落实到位的党组织数", func(f Figures, _ Meta) string { return n(f.LaggardCount) }},
	"换届超期数":    {"月末任届期满尚未换届的党组织数", func(f Figures, _ Meta) string { return n(f.RenewalsOverdue) }},
	"入党申请人数":   {"月末入党申请人数", func(f Figures, _ Meta) string { return n(stage(f, "applicant")) }},
	"积极分子数":    {"月末入党积极分子数", func(f Figures, _ Meta) string { return n(stage(f, "activist")) }},
	"发展对象数":    {"月末发展对象数", func(f Figures, _ Meta) string { return n(stage(f, "candidate")) }},
	"预备党员数":    {"月末预备党员数", func(f Figures, _ Meta) string { return n(stage(f, "probationary")) }},
	"本月发展数":    {"本月发展党员数（接收为预备党员）", func(f Figures, _ Meta) string { return n(f.DevelopedMonth) }},
	"本月转正数":    {"本月预备党员转正数", func(f Figures, _ Meta) string { return n(f.ConfirmedMonth) }},
	"本年发展数":    {"年初至月末发展党员数", func(f Figures, _ Meta) string { return n(f.DevelopedYear) }},
	"党费应交人次":   {"本月党费应交人次", func(f Figures, _ Meta) string { return n(f.DuesDue) }},
	"党费已交人次":   {"本月党费月末前已交人次", func(f Figures, _ Meta) string { return n(f.DuesPaid) }},
	"党费收缴率":    {"本月党费收缴率", func(f Figures, _ Meta) string { return Percent(f.DuesRate) }},
	"诉求受理数":    {"本月受理的服务诉求数", func(f Figures, _ Meta) string { return n(f.ServiceRecv) }},
	"诉求办结数":    {"本月办结的服务诉求数", func(f Figures, _ Meta) string { return n(f.ServiceDone) }},
	"按期办结率":    {"本月服务诉求按期办结率", func(f Figures, _ Meta) string { return Percent(f.ServiceRate) }},
	"心愿实现数":    {"本月实现的微心愿数", func(f Figures, _ Meta) string { return n(f.WishesDone) }},
	"本年心愿实现数":  {"年初至月末实现的微心愿数", func(f Figures, _ Meta) string { return n(f.WishesYear) }},
	"志愿服务时长":   {"本月志愿服务时长（志愿服务模块启用前显示“暂无数据”）", volunteerText},
	"超期任务数":    {"月末超过时限仍未销号的任务数", func(f Figures, _ Meta) string { return n(f.OverdueTasks) }},
	"超期任务街道分布": {"超期任务按街道的分布，如“洪桥街道 2 项、玉合街道 1 项”", taskStreetText},
}

// Tables are the placeholders that stand alone on a line and become tables.
var tables = map[string]string{
	"主要指标表":   "主要指标一览（本月、上月、年初）",
	"街道排名表":   "各街道（下级区划）组织覆盖率排名",
	"新建党组织表":  "本月新建党组织按组建方式",
	"三会一课滞后表": "“三会一课”落实滞后的党组织（最多 10 个）",
	"换届超期表":   "任届期满尚未换届的党组织（最多 10 个）",
	"发展党员表":   "发展党员各阶段人数",
	"超期任务表":   "超过时限仍未销号的任务（最多 20 项）",
}

func or(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

func formationText(f Figures, _ Meta) string {
	var parts []string
	for _, c := range f.ByFormation {
		if c.Count > 0 {
			parts = append(parts, fmt.Sprintf("%s %d 个", c.Name, c.Count))
		}
	}
	if len(parts) == 0 {
		return "无"
	}
	return strings.Join(parts, "、")
}

func volunteerText(f Figures, _ Meta) string {
	if !f.VolunteerAvailable {
		return "暂无数据（志愿服务模块尚未启用）"
	}
	return strconv.FormatFloat(f.VolunteerHours, 'f', -1, 64) + " 小时"
}

func taskStreetText(f Figures, _ Meta) string {
	var parts []string
	for _, c := range f.TasksStreet {
		parts = append(parts, fmt.Sprintf("%s %d 项", c.Name, c.Count))
	}
	if len(parts) == 0 {
		return "无"
	}
	return strings.Join(parts, "、")
}

// Placeholders lists the placeholders, inline ones first, each group by name.
func Placeholders() []Placeholder {
	var out []Placeholder
	for k, v := range fields {
		out = append(out, Placeholder{Name: k, Desc: v.desc})
	}
	for k, v := range tables {
		out = append(out, Placeholder{Name: k, Desc: v, Table: true})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Table != out[j].Table {
			return !out[i].Table
		}
		return out[i].Name < out[j].Name
	})
	return out
}

var placeholderRe = regexp.MustCompile(`\{\{\s*([^{}]*?)\s*\}\}`)

// checkPlaceholders names the first unknown or misplaced placeholder ("" when all is well).
func checkPlaceholders(text string, body bool) string {
	for _, line := range strings.Split(text, "\n") {
		for _, m := range placeholderRe.FindAllStringSubmatch(line, -1) {
			name := m[1]
			if _, ok := fields[name]; ok {
				continue
			}
			if _, ok := tables[name]; ok {
				if !body {
					return fmt.Sprintf("表格占位符 {{%s}} 不能用在标题中", name)
				}
				if strings.TrimSpace(line) != m[0] {
					return fmt.Sprintf("表格占位符 {{%s}} 须单独占一行", name)
				}
				continue
			}
			return fmt.Sprintf("未知的占位符 {{%s}}", name)
		}
	}
	return ""
}

// Block kinds of a rendered briefing.
const (
	BlockHeading    = "heading"    // 一、…
	BlockSubheading = "subheading" // （一）…
	BlockPara       = "para"
	BlockRight      = "right" // 落款, date
	BlockTable      = "table"
)

// Table is a rendered table.
type Table struct {
	Caption string     `json:"caption"`
	Header  []string   `json:"header"`
	Rows    [][]string `json:"rows"`
}

// Block is one paragraph or table of a rendered briefing.
type Block struct {
	Kind  string `json:"kind"`
	Text  string `json:"text"`
	Table *Table `json:"table"`
}

// Document is a briefing rendered: its masthead, title and blocks.
type Document struct {
	Masthead string  `json:"masthead"`  // 两新党建工作通报
	Serial   string  `json:"serial"`    // 2026年第3期 / 草稿
	Issuer   string  `json:"issuer"`    // 祁东县两新工委办公室
	Date     string  `json:"date_text"` // 2026年12月3日 / （未签发）
	Title    string  `json:"title"`
	Blocks   []Block `json:"blocks"`
	AsOf     string  `json:"as_of"`
	Draft    bool    `json:"draft"`
}

func fill(text string, f Figures, m Meta) string {
	return placeholderRe.ReplaceAllStringFunc(text, func(s string) string {
		name := placeholderRe.FindStringSubmatch(s)[1]
		if fl, ok := fields[name]; ok {
			return fl.text(f, m)
		}
		return s
	})
}

// render fills a title and body with the figures.
func render(title, body string, f Figures, m Meta) (Document, error) {
	bad := apperr.Invalid()
	checkText(bad, title, body)
	if err := bad.OrNil(); err != nil {
		return Document{}, err
	}
	d := Document{Masthead: "两新党建工作通报", Serial: or(m.Serial, "草稿"), Issuer: f.RegionName + "两新工委办公室",
		Date: or(cnDate(m.IssuedOn), "（未签发）"), Title: fill(title, f, m), Blocks: []Block{}, AsOf: f.AsOf, Draft: m.Serial == ""}
	for _, line := range strings.Split(strings.ReplaceAll(body, "\r\n", "\n"), "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		if mm := placeholderRe.FindStringSubmatch(line); mm != nil && mm[0] == line {
			if _, ok := tables[mm[1]]; ok {
				d.Blocks = append(d.Blocks, Block{Kind: BlockTable, Table: buildTable(mm[1], f)})
				continue
			}
		}
		kind := BlockPara
		switch {
		case strings.HasPrefix(line, "## "):
			kind, line = BlockSubheading, line[3:]
		case strings.HasPrefix(line, "# "):
			kind, line = BlockHeading, line[2:]
		case strings.HasPrefix(line, "> "):
			kind, line = BlockRight, line[2:]
		}
		d.Blocks = append(d.Blocks, Block{Kind: kind, Text: fill(strings.TrimSpace(line), f, m)})
	}
	return d, nil
}

func signed(v float64) string {
	if v > 0 {
		return fmt.Sprintf("+%.1f", v)
	}
	return fmt.Sprintf("%.1f", v)
}

// buildTable makes the table of a table placeholder.
func buildTable(name string, f Figures) *Table {
	t := &Table{Caption: tables[name], Rows: [][]string{}}
	switch name {
	case "主要指标表":
		t.Header = []string{"指标", "本月末", "上月末", "年初"}
		c, p, y := f.Coverage, f.PrevCoverage, f.YearCoverage
		t.Rows = [][]string{
			{"纳入统计的两新组织（家）", n(c.Total), n(p.Total), n(y.Total)},
			{"已建立党组织覆盖（家）", n(c.OrgCovered), n(p.OrgCovered), n(y.OrgCovered)},
			{"组织覆盖率", Percent(c.OrgRate), Percent(p.OrgRate), Percent(y.OrgRate)},
			{"工作覆盖率", Percent(c.WorkRate), Percent(p.WorkRate), Percent(y.WorkRate)},
		}
	case "街道排名表":
		t.Header = []string{"排名", "街道（乡镇）", "单位数", "已覆盖", "组织覆盖率", "上月末", "变化（百分点）"}
		for _, s := range f.Streets {
			t.Rows = append(t.Rows, []string{n(s.Rank), s.Name, n(s.Total), n(s.OrgCovered), Percent(s.OrgRate), Percent(s.PrevOrgRate), signed(s.Change)})
		}
	case "新建党组织表":
		t.Header = []string{"组建方式", "个数"}
		for _, c := range f.ByFormation {
			t.Rows = append(t.Rows, []string{c.Name, n(c.Count)})
		}
		t.Rows = append(t.Rows, []string{"合计", n(f.NewPartyOrgs)})
	case "三会一课滞后表":
		t.Header = []string{"序号", "党组织", "街道（乡镇）", "应开展", "已开展", "落实率"}
		for i, l := range f.Laggards {
			t.Rows = append(t.Rows, []string{n(i + 1), l.Name, l.Street, n(l.Required), n(l.Held), Percent(l.Rate)})
		}
	case "换届超期表":
		t.Header = []string{"序号", "党组织", "所在区划", "情况"}
		for i, o := range f.OverdueOrgs {
			t.Rows = append(t.Rows, []string{n(i + 1), o.Name, o.Region, o.Detail})
		}
	case "发展党员表":
		t.Header = []string{"阶段", "人数"}
		for _, c := range f.Stages {
			t.Rows = append(t.Rows, []string{c.Name, n(c.Count)})
		}
		t.Rows = append(t.Rows, []string{"本月发展党员", n(f.DevelopedMonth)}, []string{"本月转正", n(f.ConfirmedMonth)}, []string{"年内累计发展", n(f.DevelopedYear)})
	case "超期任务表":
		t.Header = []string{"序号", "任务", "承办单位", "街道（乡镇）", "完成时限", "超期天数"}
		for i, l := range f.LateTasks {
			t.Rows = append(t.Rows, []string{n(i + 1), l.Title, l.Assignee, l.Street, l.Deadline, n(l.Days)})
		}
	}
	return t
}
