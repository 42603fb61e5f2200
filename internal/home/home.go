// Package home builds the home page as the day's work (issue 16 item 6): for
// the caller's role, a few cards — each a count, a severity, the top items
// and where the work is done. Every figure comes from the domain services or
// from a fixed, small number of scoped queries per card (never one per party
// organization), so the page costs the same for a street of ten party
// organizations as for a county of a thousand.
package home

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"liangxin/internal/actor"
	"liangxin/internal/apperr"
	"liangxin/internal/auth"
	"liangxin/internal/civil"
	"liangxin/internal/coverage"
	"liangxin/internal/develop"
	"liangxin/internal/dues"
	"liangxin/internal/instructor"
	"liangxin/internal/meeting"
	"liangxin/internal/partyorg"
	"liangxin/internal/readcache"
	"liangxin/internal/servicereq"
	"liangxin/internal/store"
	"liangxin/internal/venue"
	"liangxin/internal/workloop"
)

// MaxItems bounds the items listed on one card.
const MaxItems = 5

// Card kinds (stable API values).
const (
	KindCoverage        = "coverage"
	KindLaggardStreets  = "laggard_streets"
	KindMeetingLaggards = "meeting_laggards"
	KindOverdueTasks    = "overdue_tasks"
	KindRenewals        = "renewals_overdue"
	KindBriefings       = "briefings"
	KindServiceOverdue  = "services_overdue"
	KindVenuesBelow     = "venues_below"
	KindMyTasks         = "my_tasks"
	KindNoticesUnread   = "notices_unread"
	KindMeetingsDue     = "meetings_due"
	KindDuesOwed        = "dues_owed"
	KindDevelopDue      = "develop_due"
	KindAssignedOrgs    = "assigned_orgs"
	KindVisitsDue       = "visits_due"
	KindServiceInbox    = "service_inbox"
	KindLinks           = "links"
)

// Severities, mapped to colours by the page.
const (
	SevOK      = "ok"
	SevInfo    = "info"
	SevWarning = "warning"
	SevDanger  = "danger"
)

// Link is a page of the web UI with its filter.
type Link struct {
	Route string            `json:"route"`
	Query map[string]string `json:"query"`
}

func link(route string, kv ...string) Link {
	l := Link{Route: route, Query: map[string]string{}}
	for i := 0; i+1 < len(kv); i += 2 {
		l.Query[kv[i]] = kv[i+1]
	}
	return l
}

// Item is one line of a card.
type Item struct {
	Label    string `json:"label"`
	Detail   string `json:"detail"`
	Severity string `json:"severity"`
	Link     Link   `json:"link"`
}

// Figure is a labelled value on a card (a rate, a change).
type Figure struct {
	Label string  `json:"label"`
	Value float64 `json:"value"`
	Unit  string  `json:"unit"`
	// Delta is the change since the month start (same unit), when it applies.
	Delta *float64 `json:"delta"`
}

// Card is one block of the home page.
type Card struct {
	Kind     string   `json:"kind"`
	Title    string   `json:"title"`
	Count    int      `json:"count"`
	Unit     string   `json:"unit"`
	Severity string   `json:"severity"`
	Hint     string   `json:"hint"`
	Link     Link     `json:"link"`
	Items    []Item   `json:"items"`
	Figures  []Figure `json:"figures"`
}

// TrendPoint is the coverage at the end of one month (the last is today).
type TrendPoint struct {
	Day      string  `json:"day"`
	OrgRate  float64 `json:"org_rate"`
	WorkRate float64 `json:"work_rate"`
}

// RankRow is one child region's coverage.
type RankRow struct {
	RegionCode string  `json:"region_code"`
	Name       string  `json:"name"`
	Total      int     `json:"total"`
	OrgRate    float64 `json:"org_rate"`
	WorkRate   float64 `json:"work_rate"`
}

// Page is the home page of the caller.
type Page struct {
	Role      string       `json:"role"`
	RoleName  string       `json:"role_name"`
	Today     string       `json:"today"`
	ScopeName string       `json:"scope_name"`
	Cards     []Card       `json:"cards"`
	Trend     []TrendPoint `json:"trend"`
	Ranking   []RankRow    `json:"ranking"`
}

// Service builds home pages from the domain services.
type Service struct {
	DB       *store.DB
	Cover    *coverage.Service
	Work     *workloop.Service
	Meet     *meeting.Service
	Services *servicereq.Service
	Venues   *venue.Service
	Dues     *dues.Service
	Develop  *develop.Service
	Instr    *instructor.Service
	Now      func() time.Time
	// Cache keeps the district's and streets' pages (all their figures
	// follow from the caller's scope and the day) while the data generation
	// stays the same (nil: compute every time).
	Cache *readcache.Cache
}

var cst = civil.Zone

func (s *Service) today() time.Time {
	now := time.Now
	if s.Now != nil {
		now = s.Now
	}
	t := now().In(cst)
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

func day(t time.Time) string { return t.Format(civil.Layout) }

// Home returns the caller's home page.
func (s *Service) Home(ctx context.Context) (Page, error) {
	ctx = store.WithOp(ctx, "home.Home")
	a, ok := actor.From(ctx)
	if !ok {
		return Page{}, apperr.Unauthenticated("")
	}
	p := Page{Role: a.Role, RoleName: auth.RoleName(a.Role), Today: day(s.today()), Cards: []Card{}, Trend: []TrendPoint{}, Ranking: []RankRow{}}
	var err error
	switch {
	case a.Role == auth.RoleDistrict || a.Role == auth.RoleStreet:
		// Every card of these pages follows from the scope (the street's
		// own tasks and its party organizations' unread notices included),
		// so the page is cached per scope and day.
		p, err = readcache.Get(ctx, s.Cache, "home", readcache.Key("home_region", "today", p.Today), func(ctx context.Context) (Page, error) {
			q := p
			err := s.region(ctx, a, &q)
			return q, err
		})
	case a.Role == auth.RolePartyOrg && a.PartyOrgID != 0:
		err = s.secretary(ctx, a, &p)
	case a.Role == auth.RoleInstructor:
		err = s.instructor(ctx, a, &p)
	case a.Role == auth.RoleHandler:
		err = s.handler(ctx, &p)
	default:
		p.Cards = append(p.Cards, linksCard(a.Role))
	}
	if err != nil {
		return Page{}, err
	}
	return p, nil
}

// region builds the district's or a street's page: the figures of its
// subtree, and a street's own to-dos.
func (s *Service) region(ctx context.Context, a actor.Actor, p *Page) error {
	today := s.today()
	// Coverage: one trend (month ends and today) and today's report by child.
	trend, err := s.Cover.Trend(ctx, "", day(today), 6)
	if err != nil {
		return err
	}
	now, err := s.Cover.Coverage(ctx, "", day(today))
	if err != nil {
		return err
	}
	p.ScopeName = now.RegionName
	for _, r := range trend {
		p.Trend = append(p.Trend, TrendPoint{Day: r.AsOf, OrgRate: round1(pct(r.OrgRate)), WorkRate: round1(pct(r.WorkRate))})
	}
	cov := Card{Kind: KindCoverage, Title: "本月覆盖率变化", Count: now.Total, Unit: "个两新组织", Severity: SevInfo,
		Link: link("/dashboard"), Items: []Item{}, Figures: []Figure{}}
	var start coverage.Report
	if len(trend) >= 2 {
		start = trend[len(trend)-2] // the last day of the previous month: this month's start
	}
	orgDelta, workDelta := round1(pct(now.OrgRate)-pct(start.OrgRate)), round1(pct(now.WorkRate)-pct(start.WorkRate))
	cov.Figures = append(cov.Figures,
		Figure{Label: "组织覆盖率", Value: round1(pct(now.OrgRate)), Unit: "%", Delta: &orgDelta},
		Figure{Label: "工作覆盖率", Value: round1(pct(now.WorkRate)), Unit: "%", Delta: &workDelta})
	cov.Hint = fmt.Sprintf("与月初（%s）相比", start.AsOf)
	if orgDelta < 0 || workDelta < 0 {
		cov.Severity = SevWarning
	}
	cov.Items = append(cov.Items, Item{Label: "应建未建清单", Detail: fmt.Sprintf("已组织覆盖 %d 个，工作覆盖 %d 个", now.OrgCovered, now.WorkCovered),
		Severity: SevInfo, Link: link("/worklists", "kind", coverage.ListShouldBuild)})
	p.Cards = append(p.Cards, cov)

	// Laggard children: lowest organization coverage first.
	rows := make([]RankRow, 0, len(now.ByRegion))
	for _, r := range now.ByRegion {
		if r.Total == 0 {
			continue
		}
		rows = append(rows, RankRow{RegionCode: r.RegionCode, Name: r.Name, Total: r.Total, OrgRate: round1(pct(r.OrgRate)), WorkRate: round1(pct(r.WorkRate))})
	}
	sort.SliceStable(rows, func(i, j int) bool {
		if rows[i].OrgRate != rows[j].OrgRate {
			return rows[i].OrgRate < rows[j].OrgRate
		}
		return rows[i].RegionCode < rows[j].RegionCode
	})
	p.Ranking = rows
	lag := Card{Kind: KindLaggardStreets, Title: "覆盖率靠后的下级", Count: 0, Unit: "个", Severity: SevOK, Link: link("/dashboard"), Items: []Item{}, Figures: []Figure{}}
	for _, r := range rows {
		if r.OrgRate >= 100 {
			continue
		}
		lag.Count++
		if len(lag.Items) < MaxItems {
			lag.Items = append(lag.Items, Item{Label: r.Name, Detail: fmt.Sprintf("组织覆盖率 %.1f%%，工作覆盖率 %.1f%%", r.OrgRate, r.WorkRate),
				Severity: SevWarning, Link: link("/worklists", "kind", coverage.ListShouldBuild, "region_code", r.RegionCode)})
		}
	}
	if lag.Count > 0 {
		lag.Severity = SevWarning
	}
	lag.Hint = "组织覆盖率未达 100% 的下级区划"
	p.Cards = append(p.Cards, lag)

	ml, err := s.meetingLaggards(ctx, today)
	if err != nil {
		return err
	}
	p.Cards = append(p.Cards, ml)

	if a.Role == auth.RoleStreet {
		mine, err := s.streetTasks(ctx, a, today)
		if err != nil {
			return err
		}
		p.Cards = append(p.Cards, mine)
	}

	tasks, total, err := s.Work.ListTasks(ctx, workloop.TaskFilter{Overdue: true, Page: 1, PageSize: MaxItems})
	if err != nil {
		return err
	}
	tc := Card{Kind: KindOverdueTasks, Title: "超期任务", Count: total.N, Unit: "项", Severity: sev(total.N, SevDanger), Hint: "超过时限仍未销号" + beyondCap(total, "项"),
		Link: link("/tasks", "tab", "overdue"), Items: []Item{}, Figures: []Figure{}}
	for _, t := range tasks {
		tc.Items = append(tc.Items, Item{Label: t.Title, Detail: fmt.Sprintf("%s · 超期 %d 天", t.AssigneeName, t.DaysOverdue), Severity: SevDanger,
			Link: link("/tasks", "tab", "overdue", "task", strconv.FormatInt(t.ID, 10))})
	}
	p.Cards = append(p.Cards, tc)

	ren, err := s.renewalsOverdue(ctx, today)
	if err != nil {
		return err
	}
	p.Cards = append(p.Cards, ren)

	if a.Role == auth.RoleStreet {
		nc, err := s.noticesUnread(ctx)
		if err != nil {
			return err
		}
		p.Cards = append(p.Cards, nc)
	}

	reqs, rtotal, err := s.Services.List(ctx, servicereq.Filter{Overdue: true, Page: 1, PageSize: MaxItems})
	if err != nil {
		return err
	}
	sc := Card{Kind: KindServiceOverdue, Title: "超期服务诉求", Count: rtotal.N, Unit: "件", Severity: sev(rtotal.N, SevDanger), Hint: "超过办理时限仍未办结" + beyondCap(rtotal, "件"),
		Link: link("/services", "tab", "overdue"), Items: []Item{}, Figures: []Figure{}}
	for _, r := range reqs {
		sc.Items = append(sc.Items, Item{Label: clip(r.Content, 24), Detail: r.CategoryName + " · 应于 " + r.DueOn + " 前办结", Severity: SevDanger,
			Link: link("/services", "tab", "overdue", "request", strconv.FormatInt(r.ID, 10))})
	}
	p.Cards = append(p.Cards, sc)

	below, vtotal, err := s.Venues.BelowStandardList(ctx, venue.Filter{Page: 1, PageSize: MaxItems})
	if err != nil {
		return err
	}
	vc := Card{Kind: KindVenuesBelow, Title: "未达标阵地", Count: vtotal.N, Unit: "处", Severity: sev(vtotal.N, SevWarning), Hint: "最近一次检查未达标的在用阵地" + beyondCap(vtotal, "处"),
		Link: link("/venues", "tab", "below"), Items: []Item{}, Figures: []Figure{}}
	for _, b := range below {
		vc.Items = append(vc.Items, Item{Label: b.VenueName, Detail: fmt.Sprintf("%s · %s 检查，%d 项未达标", b.RegionName, b.InspectedOn, len(b.FailedItems)), Severity: SevWarning,
			Link: link("/venues", "tab", "below")})
	}
	p.Cards = append(p.Cards, vc)

	if a.Role == auth.RoleDistrict {
		p.Cards = append(p.Cards, Card{Kind: KindBriefings, Title: "本月通报", Unit: "", Severity: SevInfo,
			Hint: fmt.Sprintf("%d年%d月的工作通报：按月末数据生成、编辑后签发", today.Year(), int(today.Month())),
			Link: link("/briefings"), Items: []Item{}, Figures: []Figure{}})
	}
	return nil
}

// meetingLaggards counts, per street, the active party organizations (not
// 党小组) that have recorded no organizational life in the last three
// months — one query for the whole subtree.
func (s *Service) meetingLaggards(ctx context.Context, today time.Time) (Card, error) {
	c := Card{Kind: KindMeetingLaggards, Title: "三会一课滞后", Unit: "个党组织", Severity: SevOK, Hint: "近三个月没有组织生活记录的党组织（按街道）",
		Link: link("/compliance"), Items: []Item{}, Figures: []Figure{}}
	cond, args, err := store.PartyOrgFilter(ctx, "p.id")
	if err != nil {
		return c, err
	}
	since, t := day(today.AddDate(0, -3, 0)), day(today)
	rows, err := s.DB.Query(ctx, s.DB, `SELECT substr(p.region_code, 1, 9), COALESCE(MAX(st.name), ''), COUNT(*) FROM party_orgs p
		LEFT JOIN regions st ON st.code = substr(p.region_code, 1, 9) AND st.level = 4
		WHERE `+cond+` AND p.kind <> ? AND p.established_on <= ? AND (p.dissolved_on IS NULL OR p.dissolved_on > ?)
		AND NOT EXISTS (SELECT 1 FROM meetings m WHERE m.party_org_id = p.id AND m.held_on > ? AND m.held_on <= ?)
		GROUP BY substr(p.region_code, 1, 9) ORDER BY COUNT(*) DESC, substr(p.region_code, 1, 9)`,
		append(args, partyorg.KindGroup, since, t, since, t)...)
	if err != nil {
		return c, fmt.Errorf("home: meeting laggards: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var code, name string
		var n int
		if err := rows.Scan(&code, &name, &n); err != nil {
			return c, err
		}
		c.Count += n
		if name == "" {
			name = "区直属"
		}
		if len(c.Items) < MaxItems {
			c.Items = append(c.Items, Item{Label: name, Detail: fmt.Sprintf("%d 个党组织近三个月无组织生活记录", n), Severity: SevWarning,
				Link: link("/compliance", "region_code", code)})
		}
	}
	c.Severity = sev(c.Count, SevWarning)
	return c, rows.Err()
}

// renewalsOverdue counts the active party organizations whose term
// (partyorg.TermYears from term_started_on) ended before today — one count
// and one page of five. A 党小组 has no term to renew and is left out.
func (s *Service) renewalsOverdue(ctx context.Context, today time.Time) (Card, error) {
	c := Card{Kind: KindRenewals, Title: "换届超期", Unit: "个党组织", Severity: SevOK, Hint: "任期届满仍未换届",
		Link: link("/party-orgs", "tab", "renewals"), Items: []Item{}, Figures: []Figure{}}
	cond, args, err := store.PartyOrgFilter(ctx, "p.id")
	if err != nil {
		return c, err
	}
	t := day(today)
	// Overdue: term_started_on + years < today, i.e. term_started_on < today − years.
	committeeCut := day(today.AddDate(-partyorg.CommitteeTermYears, 0, 0))
	branchCut := day(today.AddDate(-partyorg.BranchTermYears, 0, 0))
	where := ` FROM party_orgs p WHERE ` + cond + ` AND p.kind <> ? AND (p.dissolved_on IS NULL OR p.dissolved_on > ?) AND p.term_started_on IS NOT NULL AND p.term_started_on <> ''
		AND ((p.kind = ? AND p.term_started_on < ?) OR (p.kind <> ? AND p.term_started_on < ?))`
	args = append(args, partyorg.KindGroup, t, partyorg.KindCommittee, committeeCut, partyorg.KindCommittee, branchCut)
	err = s.DB.Report(ctx, func(q store.Querier) error {
		if err := s.DB.QueryRow(ctx, q, `SELECT COUNT(*)`+where, args...).Scan(&c.Count); err != nil {
			return err
		}
		rows, err := s.DB.Query(ctx, q, `SELECT p.id, p.name, p.kind, p.term_started_on`+where+` ORDER BY p.term_started_on, p.id LIMIT ?`, append(args, MaxItems)...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id int64
			var name, kind, started string
			if err := rows.Scan(&id, &name, &kind, &started); err != nil {
				return err
			}
			st, _ := civil.Read(started)
			due := st.AddDate(partyorg.TermYears(kind), 0, 0)
			c.Items = append(c.Items, Item{Label: name, Detail: fmt.Sprintf("任期应于 %s 届满，已超期 %d 天", day(due), int(today.Sub(due).Hours()/24)), Severity: SevDanger,
				Link: link("/committees", "party_org_id", strconv.FormatInt(id, 10))})
		}
		return rows.Err()
	})
	if err != nil {
		return c, fmt.Errorf("home: renewals: %w", err)
	}
	c.Severity = sev(c.Count, SevDanger)
	return c, nil
}

// streetTasks are the tasks assigned to the street itself (not to its party
// organizations) and not yet closed.
func (s *Service) streetTasks(ctx context.Context, a actor.Actor, today time.Time) (Card, error) {
	c := Card{Kind: KindMyTasks, Title: "交办本街道的任务", Unit: "项", Severity: SevOK, Hint: "未销号（含已退回）",
		Link: link("/tasks"), Items: []Item{}, Figures: []Figure{}}
	where := ` FROM tasks t WHERE t.assignee_kind = 'region' AND t.region_code = ? AND t.state <> 'closed'`
	args := []any{a.Scope}
	err := s.DB.Report(ctx, func(q store.Querier) error {
		if err := s.DB.QueryRow(ctx, q, `SELECT COUNT(*)`+where, args...).Scan(&c.Count); err != nil {
			return err
		}
		rows, err := s.DB.Query(ctx, q, `SELECT t.id, t.title, t.deadline, t.state`+where+` ORDER BY t.deadline, t.id LIMIT ?`, append(args, MaxItems)...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id int64
			var title, deadline, state string
			if err := rows.Scan(&id, &title, &deadline, &state); err != nil {
				return err
			}
			it := Item{Label: title, Detail: "时限 " + deadline, Severity: SevInfo, Link: link("/tasks", "task", strconv.FormatInt(id, 10))}
			if deadline < day(today) {
				it.Severity, it.Detail = SevDanger, "已超期 · 时限 "+deadline
			} else if state == workloop.TaskReturned {
				it.Severity, it.Detail = SevWarning, "已退回 · 时限 "+deadline
			}
			c.Items = append(c.Items, it)
		}
		return rows.Err()
	})
	if err != nil {
		return c, fmt.Errorf("home: street tasks: %w", err)
	}
	c.Severity = sev(c.Count, SevWarning)
	return c, nil
}

// noticesUnread lists the published notices the caller has not opened: a
// party organization's own receipts; for a street, those its party
// organizations have not all read.
func (s *Service) noticesUnread(ctx context.Context) (Card, error) {
	a, _ := actor.From(ctx)
	c := Card{Kind: KindNoticesUnread, Title: "未读工作提示与学习清单", Unit: "份", Severity: SevOK, Items: []Item{}, Figures: []Figure{}}
	if a.PartyOrgID != 0 {
		list, total, err := s.Work.ListNotices(ctx, workloop.NoticeFilter{Unread: true, Page: 1, PageSize: MaxItems})
		if err != nil {
			return c, err
		}
		c.Count, c.Hint, c.Link = total.N, "本党组织尚未打开的通知"+beyondCap(total, "份"), link("/notices", "unread", "1")
		for _, n := range list {
			c.Items = append(c.Items, Item{Label: n.Title, Detail: n.KindName + " · " + n.Period, Severity: SevWarning, Link: link("/notices", "unread", "1", "notice", strconv.FormatInt(n.ID, 10))})
		}
		c.Severity = sev(c.Count, SevWarning)
		return c, nil
	}
	// A street: published notices this year with recipients in its subtree
	// that have not read them; one count query and one page.
	c.Title, c.Hint, c.Link = "下属党组织未读通知", "本年度已发布、辖区内尚有党组织未阅读", link("/notices")
	cond, args, err := store.ScopeFilter(ctx, "r.region_code")
	if err != nil {
		return c, err
	}
	year := strconv.Itoa(s.today().Year())
	where := ` FROM notices n JOIN notice_recipients r ON r.notice_id = n.id WHERE n.state = 'published' AND n.period LIKE ? AND r.read_at IS NULL AND ` + cond
	args = append([]any{year + "-%"}, args...)
	err = s.DB.Report(ctx, func(q store.Querier) error {
		if err := s.DB.QueryRow(ctx, q, `SELECT COUNT(DISTINCT n.id)`+where, args...).Scan(&c.Count); err != nil {
			return err
		}
		rows, err := s.DB.Query(ctx, q, `SELECT n.id, n.title, n.period, COUNT(*)`+where+` GROUP BY n.id, n.title, n.period ORDER BY n.period DESC, n.id DESC LIMIT ?`, append(args, MaxItems)...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id int64
			var title, period string
			var n int
			if err := rows.Scan(&id, &title, &period, &n); err != nil {
				return err
			}
			c.Items = append(c.Items, Item{Label: title, Detail: fmt.Sprintf("%s · %d 个党组织未读", period, n), Severity: SevWarning,
				Link: link("/notices", "notice", strconv.FormatInt(id, 10))})
		}
		return rows.Err()
	})
	if err != nil {
		return c, fmt.Errorf("home: notices unread: %w", err)
	}
	c.Severity = sev(c.Count, SevInfo)
	return c, nil
}

// secretary builds a party organization's page.
func (s *Service) secretary(ctx context.Context, a actor.Actor, p *Page) error {
	today := s.today()
	var name string
	if err := s.DB.QueryRow(ctx, s.DB, `SELECT name FROM party_orgs WHERE id = ?`, a.PartyOrgID).Scan(&name); err != nil {
		return fmt.Errorf("home: party organization: %w", err)
	}
	p.ScopeName = name

	// Meetings due in the current periods, for this party organization.
	rem, err := s.Meet.Reminders(ctx, a.PartyOrgID)
	if err != nil {
		return err
	}
	mc := Card{Kind: KindMeetingsDue, Title: "本期应召开的会议", Unit: "次", Severity: SevOK, Hint: "本月、本季度、本年度规定还需召开的组织生活",
		Link: link("/meetings", "party_org_id", strconv.FormatInt(a.PartyOrgID, 10)), Items: []Item{}, Figures: []Figure{}}
	// The own party organization first, then those under it.
	sort.SliceStable(rem, func(i, j int) bool { return rem[i].PartyOrgID == a.PartyOrgID && rem[j].PartyOrgID != a.PartyOrgID })
	if len(rem) <= 1 {
		// One party organization: each kind still due is an item, counted in meetings.
		for _, r := range rem {
			for _, d := range r.Due {
				mc.Count += d.Times
				if len(mc.Items) < MaxItems {
					mc.Items = append(mc.Items, Item{Label: d.KindName, Detail: fmt.Sprintf("%s还需 %d 次，剩 %d 天", d.PeriodName, d.Times, d.DaysLeft), Severity: dueSeverity(d),
						Link: link("/meetings", "party_org_id", strconv.FormatInt(r.PartyOrgID, 10), "record", d.Kind)})
				}
			}
		}
	} else {
		// A 党委 with party organizations under it: one item per party
		// organization that still owes meetings, counted in organizations.
		mc.Unit, mc.Hint = "个党组织", "本党组织及下级党组织中，本期规定的组织生活还未开齐的"
		for _, r := range rem {
			mc.Count++
			if len(mc.Items) >= MaxItems || len(r.Due) == 0 {
				continue
			}
			parts, sv := []string{}, SevInfo
			for _, d := range r.Due {
				parts = append(parts, fmt.Sprintf("%s%s %d 次", d.PeriodName, d.KindName, d.Times))
				if dueSeverity(d) == SevWarning {
					sv = SevWarning
				}
			}
			mc.Items = append(mc.Items, Item{Label: r.PartyOrgName, Detail: clip(strings.Join(parts, "、"), 40), Severity: sv,
				Link: link("/meetings", "party_org_id", strconv.FormatInt(r.PartyOrgID, 10), "record", r.Due[0].Kind)})
		}
	}
	mc.Severity = sev(mc.Count, SevWarning)
	p.Cards = append(p.Cards, mc)

	// 党费: members with unpaid months (arrears as of this month).
	arr, err := s.Dues.Arrears(ctx, dues.ArrearsFilter{AsOf: today.Format(civil.MonthLayout)})
	if err != nil {
		return err
	}
	dc := Card{Kind: KindDuesOwed, Title: "党费欠缴", Count: len(arr), Unit: "名党员", Severity: SevOK, Hint: "有未交月份的党员（连续 6 个月标红）",
		Link: link("/dues", "tab", "arrears"), Items: []Item{}, Figures: []Figure{}}
	flagged := 0
	for _, x := range arr {
		if x.Flagged {
			flagged++
		}
	}
	sort.SliceStable(arr, func(i, j int) bool { return arr[i].Consecutive > arr[j].Consecutive })
	for _, x := range arr {
		if len(dc.Items) >= MaxItems {
			break
		}
		sv := SevWarning
		if x.Flagged {
			sv = SevDanger
		}
		dc.Items = append(dc.Items, Item{Label: x.Name, Detail: fmt.Sprintf("连续 %d 个月未交", x.Consecutive), Severity: sv, Link: link("/dues", "tab", "arrears")})
	}
	dc.Severity = sev(len(arr), SevWarning)
	if flagged > 0 {
		dc.Severity = SevDanger
	}
	p.Cards = append(p.Cards, dc)

	// 发展党员: steps due within 30 days and overdue.
	sch, err := s.Develop.Schedule(ctx, 0, 30)
	if err != nil {
		return err
	}
	vc := Card{Kind: KindDevelopDue, Title: "发展党员到期步骤", Count: len(sch.Overdue) + len(sch.Due), Unit: "项", Severity: SevOK, Hint: "30 天内到期和已逾期的发展步骤",
		Link: link("/develop", "tab", "schedule"), Items: []Item{}, Figures: []Figure{}}
	for _, list := range [][]develop.ScheduleItem{sch.Overdue, sch.Due} {
		for _, it := range list {
			if len(vc.Items) >= MaxItems {
				break
			}
			sv := SevInfo
			if it.Overdue {
				sv = SevDanger
			}
			vc.Items = append(vc.Items, Item{Label: it.Name + " · " + it.StageName, Detail: dueText(it), Severity: sv, Link: link("/develop", "tab", "schedule")})
		}
	}
	vc.Severity = sev(len(sch.Due), SevInfo)
	if len(sch.Overdue) > 0 {
		vc.Severity = SevDanger
	}
	p.Cards = append(p.Cards, vc)

	// Tasks assigned to this party organization (and those under it).
	tasks, _, err := s.Work.ListTasks(ctx, workloop.TaskFilter{Page: 1, PageSize: MaxItems, State: ""})
	if err != nil {
		return err
	}
	counts, err := s.Work.CountTasks(ctx, workloop.TaskFilter{})
	if err != nil {
		return err
	}
	// The open tasks counted by state (exact, where the list's total stops
	// at its cap).
	open := 0
	for _, st := range counts.States {
		if st.State != workloop.TaskClosed {
			open += st.Count
		}
	}
	tc := Card{Kind: KindMyTasks, Title: "交办的任务", Count: open, Unit: "项", Severity: SevOK, Hint: fmt.Sprintf("未销号，其中超期 %d 项", counts.Overdue),
		Link: link("/tasks"), Items: []Item{}, Figures: []Figure{}}
	for _, t := range tasks {
		if t.State == workloop.TaskClosed {
			continue
		}
		it := Item{Label: t.Title, Detail: t.StateName + " · 时限 " + t.Deadline, Severity: SevInfo, Link: link("/tasks", "task", strconv.FormatInt(t.ID, 10))}
		if t.Overdue {
			it.Severity, it.Detail = SevDanger, fmt.Sprintf("超期 %d 天 · 时限 %s", t.DaysOverdue, t.Deadline)
		}
		tc.Items = append(tc.Items, it)
	}
	tc.Severity = sev(open, SevWarning)
	if counts.Overdue > 0 {
		tc.Severity = SevDanger
	}
	p.Cards = append(p.Cards, tc)

	nc, err := s.noticesUnread(ctx)
	if err != nil {
		return err
	}
	p.Cards = append(p.Cards, nc)
	return nil
}

// dueSeverity marks what must be held this month, or within 15 days, as to do now.
func dueSeverity(d meeting.Due) string {
	if d.Period == meeting.PeriodMonth || d.DaysLeft <= 15 {
		return SevWarning
	}
	return SevInfo
}

func dueText(it develop.ScheduleItem) string {
	if it.Overdue {
		return "已逾期 · " + it.Label + " " + it.On
	}
	return it.Label + " " + it.On
}

// instructor builds a 党建指导员's page: the organizations assigned today
// and the visits due.
func (s *Service) instructor(ctx context.Context, a actor.Actor, p *Page) error {
	id, ok := a.BoundInstructor()
	if !ok {
		p.Cards = append(p.Cards, linksCard(a.Role))
		return nil
	}
	orgs, err := s.Instr.Organizations(ctx, id)
	if err != nil {
		return err
	}
	oc := Card{Kind: KindAssignedOrgs, Title: "联系的两新组织", Count: len(orgs), Unit: "个", Severity: SevInfo, Hint: "今天在任的指导关系",
		Link: link("/my-work"), Items: []Item{}, Figures: []Figure{}}
	for _, o := range orgs {
		if len(oc.Items) >= MaxItems {
			break
		}
		last := "尚未走访"
		if o.LastVisitOn != nil {
			last = "最近走访 " + *o.LastVisitOn
		}
		oc.Items = append(oc.Items, Item{Label: o.Name, Detail: o.RegionName + " · " + last, Severity: SevInfo, Link: link("/my-work", "org", strconv.FormatInt(o.OrganizationID, 10))})
	}
	p.Cards = append(p.Cards, oc)

	every, due, err := s.Instr.DueVisits(ctx, id)
	if err != nil {
		return err
	}
	vc := Card{Kind: KindVisitsDue, Title: "应走访未走访", Count: len(due), Unit: "个", Severity: sev(len(due), SevDanger),
		Hint: fmt.Sprintf("每 %d 个月至少走访一次", every), Link: link("/my-work", "tab", "due"), Items: []Item{}, Figures: []Figure{}}
	for _, d := range due {
		if len(vc.Items) >= MaxItems {
			break
		}
		vc.Items = append(vc.Items, Item{Label: d.Name, Detail: fmt.Sprintf("应于 %s 前走访，已超 %d 天", d.DueOn, d.DaysOverdue), Severity: SevDanger,
			Link: link("/my-work", "org", strconv.FormatInt(d.OrganizationID, 10))})
	}
	p.Cards = append(p.Cards, vc)
	return nil
}

// handler builds a handler unit's page: the requests waiting for it.
func (s *Service) handler(ctx context.Context, p *Page) error {
	reqs, total, err := s.Services.List(ctx, servicereq.Filter{Page: 1, PageSize: MaxItems, Sort: "due_asc"})
	if err != nil {
		return err
	}
	counts, err := s.Services.Count(ctx, servicereq.Filter{})
	if err != nil {
		return err
	}
	c := Card{Kind: KindServiceInbox, Title: "待本单位办理的诉求", Count: total.N, Unit: "件", Severity: sev(total.N, SevWarning),
		Hint: fmt.Sprintf("其中超期 %d 件", counts.Overdue) + beyondCap(total, "件"), Link: link("/services"), Items: []Item{}, Figures: []Figure{}}
	if counts.Overdue > 0 {
		c.Severity = SevDanger
	}
	today := day(s.today())
	for _, r := range reqs {
		sv := SevInfo
		if r.DueOn != "" && r.DueOn < today {
			sv = SevDanger
		}
		c.Items = append(c.Items, Item{Label: clip(r.Content, 24), Detail: r.CategoryName + " · 应于 " + r.DueOn + " 前办结", Severity: sv,
			Link: link("/services", "request", strconv.FormatInt(r.ID, 10))})
	}
	p.Cards = append(p.Cards, c)
	return nil
}

// linksCard is the welcome of roles without a work list: the main pages of
// their menu.
func linksCard(role string) Card {
	c := Card{Kind: KindLinks, Title: "常用功能", Severity: SevInfo, Items: []Item{}, Figures: []Figure{}, Link: link("/")}
	add := func(label, detail, route string) {
		c.Items = append(c.Items, Item{Label: label, Detail: detail, Severity: SevInfo, Link: link(route)})
	}
	switch role {
	case auth.RoleSystemAdmin:
		add("用户管理", "创建账户、重置密码", "/users")
		add("区划管理", "维护行政区划", "/regions")
	case auth.RoleSecurityAdmin:
		add("用户管理", "授予角色和管辖范围", "/users")
	case auth.RoleAuditAdmin:
		add("审计日志", "查询和导出系统操作记录", "/audit")
	case auth.RoleReadonly:
		add("数据驾驶舱", "覆盖率和各项统计", "/dashboard")
		add("两新组织", "台账查询", "/organizations")
		add("党组织", "组织体系和党组织列表", "/party-orgs")
	default:
		c.Hint = "当前账户尚未授予业务角色，请联系安全管理员。"
		add("修改密码", "定期修改登录密码", "/password")
	}
	c.Count = len(c.Items)
	return c
}

func sev(n int, level string) string {
	if n > 0 {
		return level
	}
	return SevOK
}

// pct turns a coverage ratio (0–1) into a percentage.
func pct(r float64) float64 { return r * 100 }

func round1(v float64) float64 {
	f, _ := strconv.ParseFloat(strconv.FormatFloat(v, 'f', 1, 64), 64)
	return f
}

func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}

// beyondCap is the note of a card whose count stopped at the list's cap
// (store.DefaultTotalCap): the count is then a lower bound.
func beyondCap(t store.Total, unit string) string {
	if !t.Capped {
		return ""
	}
	return fmt.Sprintf("（多于 %d %s）", t.N, unit)
}
