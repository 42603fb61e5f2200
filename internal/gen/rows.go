package gen

import (
	"fmt"
	mrand "math/rand/v2"
	"strconv"

	"liangxin/internal/org"
	"liangxin/internal/pdata"
	"liangxin/internal/uscc"
)

// table is one table's rows: next returns nil at the end.
type table struct {
	name string
	cols []string
	next func() ([]any, error)
}

var brands = []string{
	"恒信", "华兴", "益民", "德丰", "祥瑞", "长青", "富源", "新华", "金桥", "宏达", "鑫盛", "湘江",
	"衡阳", "旺达", "兴业", "永安", "瑞丰", "天成", "嘉禾", "博远", "明德", "众诚", "和泰", "同心",
}

// suffixes by category, in org.Categories() order.
var suffixes = [][]string{
	{"科技有限公司", "商贸有限公司", "建材有限公司", "农业开发有限公司", "物流有限公司", "食品有限公司"},
	{"便利店", "餐馆", "五金店", "理发店", "服装店", "农资经营部"},
	{"（中国）有限公司", "国际贸易有限公司"},
	{"合作社", "个人独资企业"},
	{"商会", "协会", "联合会"},
	{"培训学校", "养老服务中心", "社会工作服务中心", "幼儿园"},
	{"慈善基金会", "教育发展基金会"},
	{"律师事务所", "会计师事务所", "房地产经纪有限公司"},
}

// usccKinds are the registering body and kind characters of each
// category's 统一社会信用代码, in org.Categories() order.
var usccKinds = [][2]byte{{'9', '1'}, {'9', '2'}, {'9', '1'}, {'9', '3'}, {'5', '1'}, {'5', '2'}, {'5', '3'}, {'9', '1'}}

var surnames = []string{
	"王", "李", "张", "刘", "陈", "杨", "黄", "赵", "周", "吴", "邓", "谢", "唐", "蒋", "罗",
	"曾", "彭", "肖", "胡", "廖", "雷", "贺", "邹", "颜", "谭", "龙", "曹", "易", "欧阳", "段",
}

var givenChars = []string{
	"建", "国", "华", "军", "伟", "志", "明", "红", "丽", "芳", "玲", "勇", "斌", "平", "辉",
	"强", "敏", "静", "娟", "霞", "兵", "文", "武", "清", "德", "湘", "云", "海", "春", "秋",
	"桂", "英", "林", "峰", "涛", "琴", "燕", "利", "新", "松", "亮", "俊", "婷", "洁", "磊",
}

var educations = []string{"初中", "高中", "中专", "大专", "大学本科", "大学本科", "研究生"}
var positions = []string{"", "", "职工", "管理人员", "专业技术人员", "负责人"}

func personName(r *mrand.Rand) string {
	n := surnames[r.IntN(len(surnames))] + givenChars[r.IntN(len(givenChars))]
	if r.IntN(3) > 0 {
		n += givenChars[r.IntN(len(givenChars))]
	}
	return n
}

func (g *ledger) tables(now string, prot *pdata.Protector, workers int) ([]table, func()) {
	cats := org.Categories()
	inds := org.Industries()
	r := mrand.New(mrand.NewPCG(g.o.Seed, 2))
	id := 0
	orgs := table{"organizations", []string{"id", "name", "uscc", "category", "region_code", "industry", "employees", "above_scale",
		"full_members", "probationary_members", "registered_on", "closed_on", "created_at", "updated_at"}, func() ([]any, error) {
		if id == len(g.orgs) {
			return nil, nil
		}
		x := g.orgs[id]
		id++
		suf := suffixes[x.category]
		name := brands[r.IntN(len(brands))] + suf[r.IntN(len(suf))] + "（" + strconv.Itoa(id) + "）"
		ind := ""
		if x.industry >= 0 {
			ind = inds[x.industry].Code
		}
		above := x.category <= 3 && x.employees >= 100 && r.IntN(2) == 0
		// Only 个体工商户 may lack a 统一社会信用代码; the sequence number
		// is the id, so every code is distinct.
		var code any
		if reg := usccKinds[x.category]; x.category != 1 || r.IntN(10) < 3 {
			code = uscc.Generate(reg[0], reg[1], g.codes[x.region][:6], id)
		}
		return []any{int64(id), name, code, cats[x.category].Code, g.codes[x.region], ind, x.employees, above,
			int32(x.full), int32(x.prob), g.date(x.registered), g.dateOrNil(x.closed), now, now}, nil
	}}

	pid := 0
	parties := table{"party_orgs", []string{"id", "name", "kind", "formation", "region_code", "established_on", "dissolved_on",
		"term_started_on", "created_at", "updated_at"}, func() ([]any, error) {
		if pid == len(g.party) {
			return nil, nil
		}
		p := g.party[pid]
		pid++
		var name string
		kindName := map[uint8]string{0: "党支部", 1: "党总支", 2: "委员会"}[p.kind]
		switch {
		case p.formation == 0 && p.firstUnit != 0:
			name = fmt.Sprintf("中共%s%s（%d）", brands[int(p.firstUnit)%len(brands)], kindName, pid)
		case p.formation == 1:
			name = fmt.Sprintf("中共联合%s（%d）", kindName, pid)
		case p.formation == 3:
			name = fmt.Sprintf("中共行业%s（%d）", kindName, pid)
		default:
			name = fmt.Sprintf("中共区域%s（%d）", kindName, pid)
		}
		// The current term started on the last anniversary of the term length.
		termYears := 3
		if p.kind == 2 {
			termYears = 5
		}
		term := p.established
		for {
			t := term + day(termYears*365)
			if t > g.end || (p.dissolved != 0 && t >= p.dissolved) {
				break
			}
			term = t
		}
		return []any{int64(pid), name, kinds[p.kind], formations[p.formation], g.codes[p.region], g.date(p.established),
			g.dateOrNil(p.dissolved), g.date(term), now, now}, nil
	}}

	cid := 0
	covers := table{"party_org_covers", []string{"id", "party_org_id", "organization_id", "from_on", "to_on"}, func() ([]any, error) {
		if cid == len(g.covers) {
			return nil, nil
		}
		c := g.covers[cid]
		cid++
		return []any{int64(cid), int64(c.party) + 1, int64(c.org) + 1, g.date(c.from), g.dateOrNil(c.to)}, nil
	}}

	iid := 0
	instructors := table{"instructors", []string{"id", "name", "unit", "full_time", "region_code", "created_at", "updated_at"}, func() ([]any, error) {
		if iid == g.nInstr {
			return nil, nil
		}
		reg := g.instrReg[iid]
		iid++
		return []any{int64(iid), personName(r), "党建工作指导站", r.IntN(4) == 0, g.codes[reg], now, now}, nil
	}}

	aid := 0
	assigns := table{"instructor_assignments", []string{"id", "instructor_id", "organization_id", "from_on", "to_on"}, func() ([]any, error) {
		if aid == len(g.assigns) {
			return nil, nil
		}
		a := g.assigns[aid]
		aid++
		return []any{int64(aid), int64(a.instructor) + 1, int64(a.org) + 1, g.date(a.from), g.dateOrNil(a.to)}, nil
	}}

	ms := g.members(now, prot, workers)
	return []table{orgs, parties, covers, instructors, assigns, ms.table(), ms.memberships()}, ms.stop
}
