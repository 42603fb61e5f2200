package demo

import "liangxin/internal/org"

// dangtongFields fills the 党统 fields of the i-th demo unit from what the
// plan already decided (no random draw, so the rest of the demo is
// unchanged): 在岗职工 nine in ten of the staff with the unit's members among
// them; the legal representative a member where the owner is, and the
// secretary in every other such unit; enterprises' ownership (foreign ones in
// turn 外商经济控制, 港澳台商独资, 外商投资, 港澳台商经济控制, 外商独资; private
// ones 私有经济控制, one in three 私营独资); intermediaries' kind in turn.
func dangtongFields(in *org.Input, u *unit, i int) {
	staff := u.Employees * 9 / 10
	members := min(u.Full+u.Prob, staff)
	rep := u.Owner
	secretary := rep && i%2 == 0
	in.StaffOnPost, in.StaffMembers, in.LegalRepMember, in.LegalRepSecretary = &staff, &members, &rep, &secretary
	own, kind := "", ""
	switch u.Category {
	case "foreign_enterprise":
		own = []string{org.OwnForeignControl, org.OwnHMTSole, org.OwnForeignInvest, org.OwnHMTControl, org.OwnForeignSole}[i%5]
	case "private_enterprise", "other_enterprise":
		own = org.OwnPrivateControl
		if i%3 == 0 {
			own = org.OwnPrivateSole
		}
	case "intermediary":
		kind = []string{org.InterLaw, org.InterAccounting, org.InterTax, org.InterOther}[i%4]
	}
	in.Ownership, in.IntermediaryKind = &own, &kind
}
