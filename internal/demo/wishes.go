package demo

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"time"

	"liangxin/internal/wish"
)

// demoWishes is the 商圈's year of 微心愿, posted by the 商圈党委, oldest
// first (TestDemo pins the counts): six confirmed (one claimed by the 楼宇
// 党支部), one cancelled, one whose claim lapsed back to open, two claimed
// and in progress, three open on the board.
var demoWishes = []struct {
	back     int    // posted this many days before today
	fate     string // confirmed, cancelled, lapsed, claimed, open
	category string
	content  string
	wisher   string
	consent  bool
	value    int64 // 分
}{
	{330, "confirmed", "study", "孩子上初中，希望有一套学习用品和一盏护眼台灯", "李秀英", true, 30000},
	{280, "confirmed", "elderly", "独居老人，希望有人帮忙每月代购一次生活用品", "王德明", true, 0},
	{230, "confirmed", "repair", "家中老旧电线需要检修更换", "赵桂兰", false, 20000},
	{180, "confirmed", "health", "希望有人陪同去县医院做一次体检", "陈建国", true, 0},
	{130, "confirmed", "goods", "冬天快到了，希望有一床厚棉被", "周玉梅", true, 25000},
	{100, "cancelled", "goods", "希望有一台二手洗衣机", "孙立华", true, 50000},
	{80, "confirmed", "companionship", "留守儿童暑假希望有人辅导作业", "刘小红", true, 0},
	{60, "lapsed", "study", "希望有一批课外读物充实社区书屋", "黄春燕", true, 40000},
	{20, "claimed", "elderly", "腿脚不便，希望有人帮忙打扫卫生", "吴秀珍", true, 0},
	{12, "claimed", "repair", "楼道灯坏了，希望帮忙更换", "徐志强", false, 5000},
	{10, "open", "goods", "希望为社区环卫工人添置一批手套和雨衣", "胡美玲", true, 60000},
	{4, "open", "companionship", "独居老人希望每周有人上门聊聊天", "朱老伯", true, 0},
	{1, "open", "health", "希望有人教老人使用智能手机挂号", "高淑芬", true, 0},
}

// wishes posts the 商圈's year of 微心愿 through the wish service, each step
// on its own day (a copy of the service whose clock stands on that day).
// Claimants are roster members of the 商圈's branches and, once, the 楼宇党支部.
func (l *loader) wishes(p *plan) error {
	g := l.g
	var poster, building int64
	var members []int64
	for _, pp := range p.Parties {
		if pp.id == 0 || !pp.Dissolve.IsZero() {
			continue
		}
		switch {
		case pp.Region == g.District && poster == 0:
			poster = pp.id
		case pp.Region == g.Building && building == 0:
			building = pp.id
		}
		if pp.Region == g.District || pp.Region == g.Building || pp.Parent >= 0 && p.Parties[pp.Parent].Region == g.District {
			ids, err := l.roster(pp.id)
			if err != nil {
				return err
			}
			members = append(members, ids...)
		}
	}
	if g.District == "" || poster == 0 || building == 0 || len(members) < 8 {
		return nil // a small demo (tests with few organizations) has no wishes
	}
	photo, err := demoPhoto()
	if err != nil {
		return err
	}
	on := func(back int) *wish.Service {
		s := *l.a.Wishes
		d := p.Today.AddDate(0, 0, -back)
		day := time.Date(d.Year(), d.Month(), d.Day(), 2, 0, 0, 0, time.UTC) // 10:00 in China
		s.Now = func() time.Time { return day }
		return &s
	}
	next := 0 // the next member to claim
	for i, dw := range demoWishes {
		in := wish.Input{Category: dw.category, Content: dw.content, WisherName: dw.wisher, PublishConsent: dw.consent,
			RegionCode: g.District, PosterPartyOrgID: &poster}
		if dw.value > 0 {
			in.ValueCents = ptr(dw.value)
		}
		if i%2 == 0 {
			in.WisherPhone = fmt.Sprintf("137%08d", 5210000+i*53)
		}
		w, err := on(dw.back).Create(l.ctx, in)
		if err != nil {
			return fmt.Errorf("发布演示微心愿：%w", err)
		}
		act := func(back int, a wish.ActionInput) error {
			a.Version = w.Version
			out, err := on(back).Act(l.ctx, w.ID, a)
			if err != nil {
				return fmt.Errorf("演示微心愿 %d %s：%w", w.ID, a.Action, err)
			}
			w = out
			return nil
		}
		switch dw.fate {
		case "cancelled":
			if err := act(dw.back-5, wish.ActionInput{Action: wish.ActCancel, Reason: "心愿人已由亲属帮助解决"}); err != nil {
				return err
			}
			continue
		case "open":
			continue
		}
		claim := wish.ActionInput{Action: wish.ActClaim}
		if dw.back == 180 {
			claim.ClaimantPartyOrgID = &building
		} else {
			claim.ClaimantMemberID = &members[next%len(members)]
			next++
		}
		claimedBack := dw.back - 3
		if dw.fate == "lapsed" {
			claimedBack = dw.back - 10 // due 15 days later, long past: the next write sweeps it back to open
		} else if dw.fate == "claimed" {
			claimedBack = dw.back/4 + 1 // 6 and 4 days ago: due in 9 and 11 days
		}
		if err := act(claimedBack, claim); err != nil {
			return err
		}
		if dw.fate != "confirmed" {
			continue
		}
		if _, err := on(claimedBack-6).AddPhoto(l.ctx, w.ID, bytes.NewReader(photo)); err != nil {
			return fmt.Errorf("演示微心愿 %d 照片：%w", w.ID, err)
		}
		if err := act(claimedBack-7, wish.ActionInput{Action: wish.ActFulfil, Note: "已上门完成心愿，心愿人表示感谢"}); err != nil {
			return err
		}
		if err := act(claimedBack-9, wish.ActionInput{Action: wish.ActConfirm}); err != nil {
			return err
		}
	}
	l.sum.Wishes = len(demoWishes)
	return nil
}

// demoPhoto is a small PNG standing in for a fulfilment photo.
func demoPhoto() ([]byte, error) {
	img := image.NewRGBA(image.Rect(0, 0, 16, 16))
	for x := 0; x < 16; x++ {
		for y := 0; y < 16; y++ {
			img.Set(x, y, color.RGBA{R: 200, G: uint8(20 + 10*y), B: 30, A: 255})
		}
	}
	var b bytes.Buffer
	err := png.Encode(&b, img)
	return b.Bytes(), err
}
