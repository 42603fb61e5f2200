package app

import (
	"context"
	"database/sql"

	"liangxin/internal/develop"
	"liangxin/internal/member"
	"liangxin/internal/partyorg"
)

// admitter lets the development pipeline create and confirm roster members
// (steps ⑰ and ㉔) without the two packages knowing each other.
type admitter struct{ members *member.Service }

func (a admitter) AdmitTx(ctx context.Context, tx *sql.Tx, ad develop.Admission) (int64, error) {
	return a.members.AdmitTx(ctx, tx, member.Input{Name: ad.Name, Gender: ad.Gender, BirthDate: ad.BirthDate, IDNumber: ad.IDNumber,
		PartyOrgID: ad.PartyOrgID, OrganizationID: ad.OrganizationID, JoinedOn: ad.JoinedOn})
}

func (a admitter) ConfirmTx(ctx context.Context, tx *sql.Tx, memberID int64, confirmedOn string) error {
	return a.members.ConfirmTx(ctx, tx, memberID, confirmedOn)
}

// grouper places an admitted member in a 党小组 (step ⑲ of 发展党员).
type grouper struct{ party *partyorg.Service }

func (g grouper) PlaceTx(ctx context.Context, tx *sql.Tx, groupID, memberID int64, from string) (string, error) {
	gm, err := g.party.AddGroupMemberTx(ctx, tx, groupID, memberID, from)
	return gm.GroupName, err
}
