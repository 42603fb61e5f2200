package demo

import (
	"fmt"
	"strings"
	"time"

	"liangxin/internal/venue"
)

// venuePlan is one demo venue.
type venuePlan struct {
	kind, name string
	rooms      []venue.RoomInput
	// fail lists the 六有 items the venue's latest inspection failed; nil
	// passed; unchecked venues are never inspected.
	fail      []string
	unchecked bool
}

// demoVenues are the twelve venues of the demo: every kind, two below
// standard, two never inspected (seeds: 党群服务中心, 红色驿站, 党建工作指导站,
// 流动党员服务站, 党员活动室).
var demoVenues = []venuePlan{
	{kind: "service_center", name: "两新组织党群服务中心", rooms: []venue.RoomInput{{Name: "多功能厅", Capacity: 80}, {Name: "党员活动室", Capacity: 30}}},
	{kind: "service_center", name: "商圈党群服务中心", rooms: []venue.RoomInput{{Name: "会议室", Capacity: 40}}},
	{kind: "red_station", name: "红色驿站（零工驿站）", rooms: []venue.RoomInput{{Name: "驿站大厅", Capacity: 20}}},
	{kind: "red_station", name: "红色驿站（爱心驿站）", rooms: []venue.RoomInput{{Name: "驿站大厅", Capacity: 15}}, fail: []string{"有书报"}},
	{kind: "red_station", name: "红色驿站（城管驿站）", rooms: []venue.RoomInput{{Name: "驿站大厅", Capacity: 12}}},
	{kind: "red_station", name: "红色驿站（快递小哥之家）", rooms: []venue.RoomInput{{Name: "驿站大厅", Capacity: 10}}, unchecked: true},
	{kind: "guidance_station", name: "园区党建工作指导站", rooms: []venue.RoomInput{{Name: "指导室", Capacity: 20}}},
	{kind: "guidance_station", name: "商圈党建工作指导站", rooms: []venue.RoomInput{{Name: "指导室", Capacity: 16}}},
	{kind: "mobile_member_station", name: "流动党员服务站", rooms: []venue.RoomInput{{Name: "服务室", Capacity: 20}}},
	{kind: "activity_room", name: "企业党员活动室", rooms: []venue.RoomInput{{Name: "活动室", Capacity: 25}}, fail: []string{"有党旗", "有制度"}},
	{kind: "activity_room", name: "协会党员活动室", rooms: []venue.RoomInput{{Name: "活动室", Capacity: 20}}},
	{kind: "other", name: "楼宇党建共享空间", rooms: []venue.RoomInput{{Name: "共享会议室", Capacity: 30}}, unchecked: true},
}

// venues registers the demo venues at the first active party organizations
// of the plan, with a year of inspections, activities, bookings and visitors
// (TestDemo pins the counts). Past bookings are made through the booking
// service with its clock set to the day before, as a clerk would have.
func (l *loader) venues(p *plan) error {
	var owners []*partyPlan
	for _, pp := range p.Parties {
		if pp.id != 0 && pp.Dissolve.IsZero() && !pp.Est.After(p.YearStart) {
			owners = append(owners, pp)
		}
	}
	if len(owners) < len(demoVenues)+1 {
		return nil // a small demo (tests with few organizations) has no venues
	}
	s := l.a.Venues
	checklists, err := s.Checklists(l.ctx)
	if err != nil {
		return err
	}
	var liuyou venue.Checklist
	for _, c := range checklists {
		if c.Code == "liuyou" && c.Version == 1 {
			liuyou = c
		}
	}
	var hours []venue.Hours
	for d := 1; d <= 6; d++ {
		hours = append(hours, venue.Hours{Weekday: d, Open: "08:30", Close: "17:30"})
	}
	inspect := func(v venue.Venue, day time.Time, fail []string) error {
		in := venue.InspectionInput{ChecklistID: liuyou.ID, InspectedOn: fmtDate(day), Inspector: "两新工委组织科"}
		for _, it := range liuyou.Items {
			f := venue.InspectionItemInput{ItemID: it.ID, Met: true}
			for _, n := range fail {
				if n == it.Name {
					f.Met, f.Note = false, it.Name[3:]+"不符合要求，需整改"
				}
			}
			in.Items = append(in.Items, f)
		}
		_, err := s.Inspect(l.ctx, v.ID, in)
		return err
	}
	var made []venue.Venue
	for i, vp := range demoVenues {
		pp := owners[i]
		region, err := l.a.Regions.Get(l.ctx, pp.Region)
		if err != nil {
			return err
		}
		v, err := s.Create(l.ctx, venue.Input{Name: shortName(region.Name) + vp.name, Kind: vp.kind, PartyOrgID: pp.id, RegionCode: pp.Region,
			Address: region.Name + fmt.Sprintf("人民路%d号", 10+i), Area: fmt.Sprintf("%d", 60+20*i), Hours: hours,
			ManagerName: fmt.Sprintf("阵地管理员%d", i+1), ManagerPhone: fmt.Sprintf("139073400%02d", i+1), Rooms: vp.rooms,
			UnitIDs: servedUnits(p, pp, vp.kind)})
		if err != nil {
			return fmt.Errorf("demo venue %s: %w", vp.name, err)
		}
		made = append(made, v)
		if !vp.unchecked {
			// A passing inspection early in the year; the failing ones are
			// checked again a month ago and fail.
			if err := inspect(v, p.Today.AddDate(0, 0, -200+i), nil); err != nil {
				return fmt.Errorf("demo inspection of %s: %w", v.Name, err)
			}
			if vp.fail != nil {
				if err := inspect(v, p.Today.AddDate(0, 0, -30), vp.fail); err != nil {
					return fmt.Errorf("demo inspection of %s: %w", v.Name, err)
				}
			}
		}
		// An activity on the 10th of every month so far; visitors for
		// every finished month.
		for m := time.January; m <= p.Today.Month(); m++ {
			day := date(p.Today.Year(), m, 10)
			if day.After(p.Today) {
				break
			}
			if _, err := s.AddActivity(l.ctx, v.ID, venue.ActivityInput{HeldOn: fmtDate(day), Title: fmt.Sprintf("%d月主题党日", m),
				PartyOrgID: &pp.id, Participants: 10 + i + int(m)}); err != nil {
				return fmt.Errorf("demo activity: %w", err)
			}
			if m < p.Today.Month() {
				if _, err := s.SetVisitors(l.ctx, v.ID, fmt.Sprintf("%04d-%02d", p.Today.Year(), m), venue.VisitorsInput{Visitors: 100 + 20*i + 5*int(m)}); err != nil {
					return fmt.Errorf("demo visitors: %w", err)
				}
			}
		}
	}
	// 阵地联用: the next venue's party organization books room one every
	// second Wednesday 14:30–16:30 from the year's first Wednesday to two
	// weeks ahead.
	first := p.YearStart
	for first.Weekday() != time.Wednesday {
		first = first.AddDate(0, 0, 1)
	}
	end := p.Today.AddDate(0, 0, 14)
	for i, v := range made {
		by := owners[(i+1)%len(demoVenues)].id
		var last venue.Booking
		for day := first; !day.After(end); day = day.AddDate(0, 0, 14) {
			clerk := *s
			if !day.After(p.Today) {
				before := day.AddDate(0, 0, -1)
				clerk.Now = func() time.Time { return before.Add(9 * time.Hour) }
			}
			b, err := clerk.Book(l.ctx, v.ID, v.Rooms[0].ID, venue.BookingInput{Day: fmtDate(day), Start: "14:30", End: "16:30", PartyOrgID: &by,
				Purpose: "联建党组织主题党日", Attendance: min(10, v.Rooms[0].Capacity)})
			if err != nil {
				return fmt.Errorf("demo booking of %s on %s: %w", v.Name, fmtDate(day), err)
			}
			last = b
		}
		if i == 0 && last.ID != 0 {
			if _, err := s.Cancel(l.ctx, v.ID, v.Rooms[0].ID, last.ID, venue.CancelInput{Reason: "活动改期"}); err != nil {
				return err
			}
		}
	}
	l.sum.Venues = len(made)
	return nil
}

// servedUnits are the 两新组织 a demo venue serves (服务单位): the operating
// units its party organization covers, then the other operating units of its
// region (and the communities under it) — at most eight for the shared
// venues of an area (党群服务中心, 党建工作指导站, 其他 — a 楼宇 space), three for
// the others.
func servedUnits(p *plan, pp *partyPlan, kind string) []int64 {
	most := 3
	if kind == "service_center" || kind == "guidance_station" || kind == "other" {
		most = 8
	}
	ids := []int64{}
	seen := map[int64]bool{}
	add := func(u *unit) {
		if len(ids) < most && u.id != 0 && !seen[u.id] && u.operating(p.Today) {
			seen[u.id] = true
			ids = append(ids, u.id)
		}
	}
	for _, k := range append(append([]int{}, pp.Initial...), pp.Later...) {
		if k >= 0 && k < len(p.Units) {
			add(p.Units[k])
		}
	}
	for _, u := range p.Units {
		if strings.HasPrefix(u.Region, pp.Region) {
			add(u)
		}
	}
	return ids
}
