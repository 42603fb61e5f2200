package demo

import (
	"math/rand/v2"
	"strings"
)

// Vocabulary for plausible names. Everything here is invented; any likeness
// to a real business is a coincidence of common words.

// brands are 字号, the distinctive part of a business name.
var brands = []string{
	"鑫达", "恒泰", "华盛", "宏远", "顺发", "金源", "永兴", "瑞丰", "天成", "汇通",
	"嘉禾", "佳美", "宏图", "祥和", "盛世", "富民", "兴旺", "利民", "广源", "福瑞",
	"金鹏", "明辉", "振兴", "鸿运", "新锐", "安泰", "康达", "泰和", "万福", "隆盛",
	"鼎盛", "金凤", "湘源", "祁峰", "联创", "正航", "锦程", "德润", "宏达", "润泽",
	"众信", "诚信", "聚贤", "春晖", "金穗", "丰源", "银河", "百佳", "惠民", "仁和",
	"绿源", "湘祁", "君悦", "昌盛", "腾飞", "卓越", "华翔", "凯旋", "志诚", "远航",
	"宝庆", "湘南", "金桂", "玉龙", "天润", "博雅", "森茂", "永盛", "中诚", "亿家",
	"旺达", "恒信", "长青", "富源", "新华", "华兴", "益民", "德丰", "祥瑞", "金色阳光",
}

var surnames = []string{
	"王", "李", "张", "刘", "陈", "杨", "黄", "赵", "周", "吴", "邓", "谢", "唐", "蒋", "罗",
	"曾", "彭", "肖", "胡", "廖", "雷", "贺", "邹", "颜", "谭", "龙", "曹", "管", "易", "欧阳",
}

var givenChars = []string{
	"建", "国", "华", "军", "伟", "志", "明", "红", "丽", "芳", "玲", "勇", "斌", "平", "辉",
	"强", "敏", "静", "娟", "霞", "兵", "文", "武", "清", "德", "湘", "云", "海", "春", "秋",
	"桂", "英", "林", "峰", "涛", "琴", "燕", "利", "新", "松", "祁", "衡", "亮", "俊", "婷",
}

func pick[T any](r *rand.Rand, list []T) T { return list[r.IntN(len(list))] }

// personName returns a Chinese personal name.
func personName(r *rand.Rand) string {
	n := pick(r, surnames) + pick(r, givenChars)
	if r.IntN(3) > 0 {
		n += pick(r, givenChars)
	}
	return n
}

// shortName drops the administrative suffix: 达孝社区居委会 → 达孝社区,
// 井塘居委会 → 井塘社区, 马头村委会 → 马头村, 洪桥街道 → 洪桥, 祁东县 → 祁东.
func shortName(name string) string {
	for _, s := range []struct{ from, to string }{
		{"社区居委会", "社区"}, {"居委会", "社区"}, {"村委会", "村"}, {"村民委员会", "村"}, {"居民委员会", "社区"},
		{"街道", ""}, {"镇", ""}, {"乡", ""}, {"县", ""}, {"市", ""}, {"区", ""},
	} {
		if strings.HasSuffix(name, s.from) && len([]rune(name)) > len([]rune(s.from))+1 {
			return strings.TrimSuffix(name, s.from) + s.to
		}
	}
	return name
}

// A trade is a kind of business: category, GB/T 4754 门类, the words of its
// name, a staff range and the emerging-field tag it carries, if any.
type trade struct {
	category string
	industry string
	words    []string
	suffixes []string
	minEmp   int
	maxEmp   int
	tag      string  // 快递/外卖/物业/互联网/网约车
	tagP     float64 // chance of the tag
	weight   int
}

const (
	catPrivate    = "private_enterprise"
	catIndividual = "individual_business"
	catForeign    = "foreign_enterprise"
	catGroup      = "social_group"
	catNonProfit  = "private_non_enterprise"
	catFoundation = "foundation"
	catIntermed   = "intermediary"
)

var companySuffixes = []string{"有限公司", "有限公司", "有限公司", "有限责任公司"}

// enterpriseTrades are 民营企业 (and the odd foreign-invested one).
var enterpriseTrades = []trade{
	{catPrivate, "C", []string{"机械制造", "食品", "黄花菜食品", "服饰", "新型建材", "木业", "塑业", "电子科技", "农产品开发", "油脂", "包装材料", "鞋业", "陶瓷"}, companySuffixes, 10, 800, "", 0, 14},
	{catPrivate, "E", []string{"建筑工程", "建设工程", "装饰工程", "路桥工程", "水电安装工程", "园林绿化工程"}, companySuffixes, 15, 400, "", 0, 7},
	{catPrivate, "F", []string{"商贸", "贸易", "医药连锁", "农资", "汽车销售服务", "超市", "百货", "粮油"}, companySuffixes, 4, 260, "", 0, 11},
	{catPrivate, "G", []string{"快递服务", "速递"}, companySuffixes, 8, 120, "快递", 1, 4},
	{catPrivate, "G", []string{"物流", "运输", "供应链管理", "客运"}, companySuffixes, 8, 200, "", 0, 3},
	{catPrivate, "H", []string{"餐饮管理", "酒店管理", "大酒店", "农家乐餐饮"}, companySuffixes, 6, 150, "外卖", 0.35, 5},
	{catPrivate, "I", []string{"网络科技", "信息技术", "电子商务", "软件开发"}, companySuffixes, 3, 120, "互联网", 0.9, 4},
	{catPrivate, "I", []string{"出行科技", "网约车服务"}, companySuffixes, 5, 90, "网约车", 1, 2},
	{catPrivate, "J", []string{"小额贷款", "融资担保", "保险代理"}, companySuffixes, 5, 60, "", 0, 2},
	{catPrivate, "K", []string{"房地产开发", "置业"}, companySuffixes, 8, 150, "", 0, 3},
	{catPrivate, "K", []string{"物业管理", "物业服务"}, companySuffixes, 10, 300, "物业", 1, 4},
	{catPrivate, "L", []string{"广告传媒", "人力资源", "劳务", "商务咨询", "文化传媒"}, companySuffixes, 3, 80, "", 0, 4},
	{catPrivate, "M", []string{"检测", "工程设计", "农业科技"}, companySuffixes, 5, 60, "", 0, 2},
	{catPrivate, "O", []string{"家政服务", "汽车维修", "保洁服务"}, companySuffixes, 4, 60, "", 0, 2},
	{catPrivate, "A", []string{"农业开发", "生态农业", "种养殖", "油茶开发"}, companySuffixes, 5, 120, "", 0, 4},
	{catPrivate, "R", []string{"文化旅游", "体育文化"}, companySuffixes, 4, 50, "", 0, 1},
	{catForeign, "C", []string{"鞋业", "电子", "纺织"}, companySuffixes, 80, 800, "", 0, 1},
}

// shops are 个体工商户, named 县+乡镇+店主/字号+店.
type shop struct {
	word     string
	industry string
	tag      string
}

var shops = []shop{
	{"餐馆", "H", ""}, {"小吃店", "H", "外卖"}, {"粉面馆", "H", "外卖"}, {"便利店", "F", ""}, {"副食店", "F", ""},
	{"五金店", "F", ""}, {"建材经营部", "F", ""}, {"汽车修理店", "O", ""}, {"理发店", "O", ""}, {"服装店", "F", ""},
	{"农资店", "F", ""}, {"手机店", "F", ""}, {"快递代办点", "G", "快递"}, {"外卖配送站", "G", "外卖"}, {"水果店", "F", ""},
	{"家电维修部", "O", ""}, {"黄花菜经营部", "F", "互联网"}, {"网店", "F", "互联网"}, {"摩托车行", "F", ""}, {"茶馆", "H", ""},
}

// socialNames are the fixed names of social organizations; {c} is the county
// name (祁东县) and {p} a town's short name.
var groupNames = []string{
	"{c}个体劳动者协会", "{c}黄花菜产业协会", "{c}物流行业协会", "{c}餐饮行业协会", "{c}摄影家协会",
	"{c}老年人体育协会", "{c}电子商务协会", "{c}建筑业协会", "{c}青年企业家协会", "{c}志愿者协会",
	"{c}养蜂协会", "{c}书法家协会", "{c}{p}商会", "{c}{p}商会", "{c}快递行业协会", "{c}物业管理协会",
}

var nonProfitNames = []struct{ pattern, industry string }{
	{"{c}{b}幼儿园", "P"}, {"{c}{p}{b}幼儿园", "P"}, {"{c}{b}职业培训学校", "P"}, {"{c}{b}艺术培训学校", "P"},
	{"{c}{b}颐养中心", "Q"}, {"{c}{p}敬老院", "Q"}, {"{c}{b}社会工作服务中心", "Q"}, {"{c}{b}康复医院", "Q"},
	{"{c}{b}青少年活动中心", "R"},
}

var foundationNames = []string{"{c}教育发展基金会", "{c}慈善基金会"}

var intermediaryNames = []struct {
	pattern, industry string
	registering, kind byte // USCC characters 1 and 2
}{
	{"湖南{b}律师事务所", "L", '3', '1'}, {"湖南{b}律师事务所", "L", '3', '1'},
	{"{c}{b}会计师事务所有限公司", "L", '9', '1'}, {"湖南{b}税务师事务所有限公司", "L", '9', '1'},
	{"{c}{b}房地产经纪有限公司", "K", '9', '1'}, {"衡阳{b}资产评估有限公司", "L", '9', '1'},
	{"{c}{b}知识产权代理有限公司", "L", '9', '1'},
}

// Instructor visit notes.
var visitContents = []string{
	"走访企业负责人，宣传两新组织党建工作政策，摸排党员和入党积极分子情况",
	"指导单位开展党员组织关系排查，登记流动党员信息",
	"协助单位筹备组建党组织，讲解联合党支部组建程序",
	"参加单位主题党日活动，宣讲党的二十大精神",
	"了解快递员、外卖骑手等新就业群体的思想动态和服务需求",
	"指导企业将党建工作要求写入公司章程",
	"动员从业人员中的党员亮身份、作表率",
	"帮助单位对接党群服务中心资源，开展志愿服务活动",
}

var visitProblems = []string{
	"单位党员少且流动性大",
	"负责人对党建工作认识不足，担心影响生产经营",
	"党员组织关系在外地，尚未转入",
	"缺少开展活动的场地",
	"员工多为临时用工，难以固定开展活动",
	"",
}

var visitSolved = []string{
	"已与负责人达成共识，计划年内培养入党积极分子 1 名",
	"协调社区党群服务中心提供活动场地",
	"已函告党员原所在党组织办理组织关系转接",
	"纳入邻近联合党支部开展活动",
	"",
}
