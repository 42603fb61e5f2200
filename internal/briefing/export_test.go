package briefing

import "time"

// FixtureStamp dates the fixture's package.
var FixtureStamp = time.Date(2026, 12, 3, 2, 0, 0, 0, time.UTC)

// fixtureFigures are made-up figures of 祁东县 in October 2026.
func fixtureFigures() Figures {
	return Figures{Month: "2026-10", RegionCode: "430426", RegionName: "祁东县", From: "2026-10-01", AsOf: "2026-10-31", ScopeRule: "统计全部存续的两新组织",
		Coverage:     CoverageFig{AsOf: "2026-10-31", Total: 412, OrgCovered: 326, OrgRate: 79.1, WorkCovered: 398, WorkRate: 96.6},
		PrevCoverage: CoverageFig{AsOf: "2026-09-30", Total: 405, OrgCovered: 314, OrgRate: 77.5, WorkCovered: 390, WorkRate: 96.3},
		YearCoverage: CoverageFig{AsOf: "2025-12-31", Total: 380, OrgCovered: 271, OrgRate: 71.3, WorkCovered: 352, WorkRate: 92.6},
		Streets: []StreetRank{
			{Rank: 1, Code: "430426001", Name: "洪桥街道", Total: 120, OrgCovered: 104, OrgRate: 86.7, PrevOrgRate: 85.0, Change: 1.7},
			{Rank: 2, Code: "430426002", Name: "玉合街道", Total: 98, OrgCovered: 77, OrgRate: 78.6, PrevOrgRate: 78.6, Change: 0},
		},
		NewPartyOrgs: 5, ByFormation: []Count{{"single", "单独组建", 3}, {"joint", "联合组建", 2}},
		MeetingFrom: "2026-01-01", MeetingRate: 92.4, MeetingOrgs: 210, LaggardCount: 1,
		Laggards:        []Laggard{{Name: "祁东县某物流有限公司党支部", Street: "玉合街道", Required: 24, Held: 15, Rate: 62.5}},
		RenewalsOverdue: 1, OverdueOrgs: []Overdue{{Name: "祁东县某商会党支部", Region: "洪桥街道", Detail: "党支部；本届起始 2022-05-10，届满 2025-05-10"}},
		Stages:         []Count{{"applicant", "入党申请人", 36}, {"activist", "入党积极分子", 21}, {"candidate", "发展对象", 8}, {"probationary", "预备党员", 11}},
		DevelopedMonth: 3, ConfirmedMonth: 2, DevelopedYear: 17,
		DuesDue: 1800, DuesPaid: 1746, DuesRate: 97.0, ServiceRecv: 64, ServiceDone: 58, ServiceOnT: 55, ServiceRate: 94.8,
		WishesDone: 12, WishesYear: 97, OverdueTasks: 2,
		LateTasks:   []LateTask{{Title: "完成阵地标准化改造", Assignee: "洪桥街道", Street: "洪桥街道", Deadline: "2026-10-15", Days: 16}},
		TasksStreet: []Count{{Name: "洪桥街道", Count: 1}, {Name: "玉合街道", Count: 1}},
	}
}

// RenderFixture renders the default template with the fixture, as issue 第3期.
func RenderFixture() (Document, error) {
	return render(DefaultTitle, DefaultBody, fixtureFigures(), Meta{Serial: "2026年第3期", IssuedOn: "2026-12-03"})
}
