package demo

import (
	"fmt"

	"liangxin/internal/apperr"
	"liangxin/internal/auth"
	"liangxin/internal/memberself"
)

// memberUsername is the demo's party member account (党员账号).
const memberUsername = "member1"

// memberAccount opens member1 the way a member does: the branch issues an
// activation code for a roster member of the 商圈 (the area with the wish
// board), and the member activates it with the last 6 of the 身份证号 and a
// password, printed like the other demo accounts. An existing member1 is
// left alone; a small demo without the 商圈 has none.
func (l *loader) memberAccount(p *plan) error {
	if u, err := l.a.Auth.UserByUsername(l.ctx, memberUsername); err == nil {
		l.sum.Users = append(l.sum.Users, User{Username: u.Username, RoleName: u.RoleName, Scope: u.Scope, ScopeName: u.ScopeName})
		return nil
	} else if !apperr.IsKind(err, apperr.KindNotFound) {
		return err
	}
	var memberID int64
	for _, pp := range p.Parties {
		if pp.id == 0 || !pp.Dissolve.IsZero() || l.g.District == "" || pp.Region != l.g.District {
			continue
		}
		ids, err := l.roster(pp.id)
		if err != nil {
			return err
		}
		if len(ids) > 0 {
			memberID = ids[0]
			break
		}
	}
	if memberID == 0 {
		return nil
	}
	m, err := l.a.Members.Get(l.ctx, memberID, true)
	if err != nil {
		return err
	}
	issued, err := l.a.MemberSelf.IssueCode(l.ctx, memberID)
	if err != nil {
		return fmt.Errorf("签发演示党员激活码：%w", err)
	}
	pw := auth.GeneratePassword()
	if _, err := l.a.MemberSelf.Activate(l.ctx, memberself.ActivateInput{Code: issued.Code, Identity: m.IDNumber[len(m.IDNumber)-6:], Username: memberUsername, Password: pw}); err != nil {
		return fmt.Errorf("激活演示党员账号：%w", err)
	}
	u, err := l.a.Auth.UserByUsername(l.ctx, memberUsername)
	if err != nil {
		return err
	}
	l.sum.Users = append(l.sum.Users, User{Username: u.Username, RoleName: u.RoleName, Scope: u.Scope, ScopeName: u.ScopeName + "（" + m.Name + "）", Password: pw})
	return nil
}
