package org

import (
	"strings"

	"liangxin/internal/apperr"
)

// Ownership codes (党统 table 27's columns, domain.md §11): who controls a
// non-public enterprise and how. 投资 ⊃ 经济控制 ⊃ 独资 for 港澳台商 and 外商;
// a private enterprise is 私有经济控制, possibly 私营独资.
const (
	OwnPrivateControl = "private_control" // 私有经济控制
	OwnPrivateSole    = "private_sole"    // 私营独资
	OwnHMTInvest      = "hmt_invest"      // 港澳台商投资 (not controlling)
	OwnHMTControl     = "hmt_control"     // 港澳台商经济控制
	OwnHMTSole        = "hmt_sole"        // 港澳台商独资
	OwnForeignInvest  = "foreign_invest"  // 外商投资 (not controlling)
	OwnForeignControl = "foreign_control" // 外商经济控制
	OwnForeignSole    = "foreign_sole"    // 外商独资
)

// Code is a code with its Chinese name.
type Code struct {
	Code string `json:"code"`
	Name string `json:"name"`
}

// Ownerships lists the ownership codes in display order.
func Ownerships() []Code {
	return []Code{
		{OwnPrivateControl, "私有经济控制"}, {OwnPrivateSole, "私营独资"},
		{OwnHMTInvest, "港澳台商投资（非控制）"}, {OwnHMTControl, "港澳台商经济控制"}, {OwnHMTSole, "港澳台商独资"},
		{OwnForeignInvest, "外商投资（非控制）"}, {OwnForeignControl, "外商经济控制"}, {OwnForeignSole, "外商独资"},
	}
}

// Intermediary kinds (党统 table 30's columns).
const (
	InterLaw        = "law"        // 律师事务所
	InterAccounting = "accounting" // 会计师事务所
	InterTax        = "tax"        // 税务师事务所
	InterOther      = "other"      // 其他中介服务组织
)

// IntermediaryKinds lists the kinds of 中介服务组织.
func IntermediaryKinds() []Code {
	return []Code{{InterLaw, "律师事务所"}, {InterAccounting, "会计师事务所"}, {InterTax, "税务师事务所"}, {InterOther, "其他中介服务组织"}}
}

// CodeValues returns the codes of a list.
func CodeValues(cs []Code) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.Code
	}
	return out
}

// CodeByName resolves a code or its Chinese name as clerks write it (the
// suffix in brackets optional).
func CodeByName(cs []Code, s string) (Code, bool) {
	s = strings.TrimSpace(s)
	for _, c := range cs {
		short, _, _ := strings.Cut(c.Name, "（")
		if s == c.Code || s == c.Name || s == short {
			return c, true
		}
	}
	return Code{}, false
}

// applyDangtong validates the 党统 fields of in over o.
func applyDangtong(bad *apperr.Error, o *Organization, in Input) {
	if in.Ownership != nil {
		o.Ownership = strings.TrimSpace(*in.Ownership)
		if c, ok := CodeByName(Ownerships(), o.Ownership); ok {
			o.Ownership = c.Code
		}
	}
	if o.Ownership != "" {
		if _, ok := CodeByName(Ownerships(), o.Ownership); !ok {
			bad.Field("ownership", "控股情况应为私有经济控制、私营独资、港澳台商投资/经济控制/独资或外商投资/经济控制/独资")
		} else if o.Sector != SectorEconomic {
			bad.Field("ownership", "只有企业填写控股情况（私有、港澳台商、外商）")
		}
	}
	if in.IntermediaryKind != nil {
		o.IntermediaryKind = strings.TrimSpace(*in.IntermediaryKind)
		if c, ok := CodeByName(IntermediaryKinds(), o.IntermediaryKind); ok {
			o.IntermediaryKind = c.Code
		}
	}
	if o.IntermediaryKind != "" {
		if _, ok := CodeByName(IntermediaryKinds(), o.IntermediaryKind); !ok {
			bad.Field("intermediary_kind", "中介机构类别应为律师事务所、会计师事务所、税务师事务所或其他中介服务组织")
		} else if o.Category != "intermediary" {
			bad.Field("intermediary_kind", "只有中介服务组织填写中介机构类别")
		}
	}
	if o.StaffMembers > o.StaffOnPost {
		bad.Field("staff_members", "在岗职工中的党员数不能超过在岗职工数")
	}
	if o.Employees > 0 && o.StaffOnPost > o.Employees {
		bad.Field("staff_on_post", "在岗职工数不能超过从业人员数")
	}
	if o.LegalRepSecretary && !o.LegalRepMember {
		bad.Field("legal_rep_secretary", "法定代表人不是党员，不能兼任党组织书记")
	}
}
