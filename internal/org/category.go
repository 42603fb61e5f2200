// Package org keeps the ledger of 两新组织: non-public enterprises and social
// organizations, each in a region of the jurisdiction. Every query is limited
// to the caller's scope.
package org

// Sectors.
const (
	SectorEconomic = "economic" // 新经济组织
	SectorSocial   = "social"   // 新社会组织
)

// Category is an organization category with its sector.
type Category struct {
	Code   string `json:"code"`
	Name   string `json:"name"`
	Sector string `json:"sector"`
}

// Categories lists the categories in display order.
func Categories() []Category {
	return []Category{
		{"private_enterprise", "民营企业", SectorEconomic},
		{"individual_business", "个体工商户", SectorEconomic},
		{"foreign_enterprise", "外资及港澳台企业", SectorEconomic},
		{"other_enterprise", "其他企业", SectorEconomic},
		{"social_group", "社会团体", SectorSocial},
		{"private_non_enterprise", "民办非企业单位（社会服务机构）", SectorSocial},
		{"foundation", "基金会", SectorSocial},
		{"intermediary", "中介服务组织", SectorSocial},
	}
}

// CategoryByCode finds a category.
func CategoryByCode(code string) (Category, bool) {
	for _, c := range Categories() {
		if c.Code == code {
			return c, true
		}
	}
	return Category{}, false
}

// categoryAliases are the other names of the categories a ledger uses
// (read-only; built once, not per row: issue 12 item 2).
var categoryAliases = map[string]string{
	"民营企业": "private_enterprise", "私营企业": "private_enterprise", "民营": "private_enterprise",
	"个体工商户": "individual_business", "个体户": "individual_business", "个体": "individual_business",
	"外资及港澳台企业": "foreign_enterprise", "外资企业": "foreign_enterprise", "港澳台企业": "foreign_enterprise", "外商投资企业": "foreign_enterprise",
	"其他企业": "other_enterprise",
	"社会团体": "social_group", "社团": "social_group",
	"民办非企业单位（社会服务机构）": "private_non_enterprise", "民办非企业单位": "private_non_enterprise", "社会服务机构": "private_non_enterprise", "民非": "private_non_enterprise",
	"基金会":    "foundation",
	"中介服务组织": "intermediary", "中介组织": "intermediary", "中介机构": "intermediary",
}

// CategoryByName resolves a Chinese name as clerks write it (民营企业, 民办非企业单位, 社会服务机构…).
func CategoryByName(name string) (Category, bool) {
	if code, ok := categoryAliases[name]; ok {
		return CategoryByCode(code)
	}
	return CategoryByCode(name)
}

// Industry is a GB/T 4754-2017 门类.
type Industry struct {
	Code string `json:"code"`
	Name string `json:"name"`
}

// Industries lists the 20 门类 of GB/T 4754-2017.
func Industries() []Industry {
	return []Industry{
		{"A", "农、林、牧、渔业"}, {"B", "采矿业"}, {"C", "制造业"}, {"D", "电力、热力、燃气及水生产和供应业"},
		{"E", "建筑业"}, {"F", "批发和零售业"}, {"G", "交通运输、仓储和邮政业"}, {"H", "住宿和餐饮业"},
		{"I", "信息传输、软件和信息技术服务业"}, {"J", "金融业"}, {"K", "房地产业"}, {"L", "租赁和商务服务业"},
		{"M", "科学研究和技术服务业"}, {"N", "水利、环境和公共设施管理业"}, {"O", "居民服务、修理和其他服务业"},
		{"P", "教育"}, {"Q", "卫生和社会工作"}, {"R", "文化、体育和娱乐业"}, {"S", "公共管理、社会保障和社会组织"},
		{"T", "国际组织"},
	}
}

// IndustryByCodeOrName resolves "C", "c", "制造业", "C制造业" or "C 制造业".
func IndustryByCodeOrName(s string) (Industry, bool) {
	for _, in := range Industries() {
		if s == in.Code || s == in.Name || s == in.Code+in.Name || s == in.Code+" "+in.Name ||
			(len(s) == 1 && s[0] >= 'a' && s[0] <= 'z' && s[0]-'a'+'A' == in.Code[0]) {
			return in, true
		}
	}
	return Industry{}, false
}

// Tags are the emerging-field labels (新业态、新就业群体).
func Tags() []string {
	return []string{"互联网", "物业", "快递", "外卖", "网约车", "货车司机", "直播电商", "楼宇经济", "小微企业"}
}
