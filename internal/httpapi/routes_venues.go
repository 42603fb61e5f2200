package httpapi

import (
	"liangxin/internal/auth"
	"liangxin/internal/venue"
)

// venueRoutes lists the routes of 阵地 (venues and room booking, issue 15).
func (s *Server) venueRoutes() []Route {
	const tag = "阵地"
	read, write := auth.PermVenueRead, auth.PermVenueWrite
	kindParam := qEnum(venue.KindCodes(), "阵地类型：service_center 党群服务中心、red_station 红色驿站、guidance_station 党建工作指导站、"+
		"mobile_member_station 流动党员服务站、activity_room 党员活动室、other 其他")
	listTypes := map[string]queryParamSpec{
		"kind":            kindParam,
		"q":               qStr("关键词（阵地名称、地址模糊匹配）"),
		"standard_status": qEnum(venue.StandardStatusCodes(), "达标状态（按最近一次检查）：met 达标、not_met 未达标、unchecked 未检查"),
		"active":          qEnum([]string{"true", "false"}, "true 在用、false 已停用；不填为全部"),
		"sort":            qEnum(venue.SortCodes(), "排序：units_desc 服务单位多的在前、units_asc 服务单位少的在前；不填按区域、名称"),
	}
	belowTypes := map[string]queryParamSpec{"kind": kindParam, "q": listTypes["q"]}
	bookingTypes := map[string]queryParamSpec{
		"status": qEnum([]string{venue.StatusConfirmed, venue.StatusCancelled}, "预约状态：confirmed 已预约、cancelled 已取消"),
		"from":   qDate("预约日期不早于（YYYY-MM-DD）"),
		"to":     qDate("预约日期不晚于（YYYY-MM-DD）"),
	}
	activityTypes := map[string]queryParamSpec{"from": qDate("活动日期不早于（YYYY-MM-DD）"), "to": qDate("活动日期不晚于（YYYY-MM-DD）")}
	yearType := map[string]queryParamSpec{"year": qInt(2000, 2100, "年度，默认今年")}
	reportTypes := map[string]queryParamSpec{"year": yearType["year"], "region_code": qStr("行政区划代码（含下级），默认本人管辖范围")}
	rooms := "/api/v1/venues/{id}/rooms/{room_id}/bookings"
	insp := "/api/v1/venues/{id}/inspections/{inspection_id}"
	return []Route{
		{Method: "GET", Path: "/api/v1/venue-options", Perm: read, Tag: tag, Summary: "阵地类型、预约状态、达标状态等选项", Response: "VenueOptions", handler: s.venueOptions},
		{Method: "GET", Path: "/api/v1/venue-checklists", Perm: read, Tag: tag, Summary: "阵地达标标准（六有、六个一等）及其各版本的检查项", Response: "VenueChecklistList", handler: s.listVenueChecklists},
		{Method: "POST", Path: "/api/v1/venue-checklists", Perm: auth.PermVenueSettings, Tag: tag, Summary: "新增达标标准或其新版本（同一代码的上一版本于新版本生效前一日失效）", Request: "VenueChecklistInput", Response: "VenueChecklist", Status: 201, handler: s.createVenueChecklist},
		{Method: "GET", Path: "/api/v1/venues", Perm: read, Tag: tag, Summary: "阵地列表（可按类型、区域及下级、关键词、达标状态、是否在用筛选）", Query: []string{"kind", "region_code", "q", "standard_status", "active", "sort", "page", "page_size"}, QueryTypes: listTypes, Response: "VenuePage", handler: s.listVenues},
		{Method: "POST", Path: "/api/v1/venues", Perm: write, Tag: tag, Summary: "登记阵地（含房间、服务单位）", Request: "VenueInput", Response: "Venue", Status: 201, handler: s.createVenue},
		{Method: "GET", Path: "/api/v1/venues/below-standard", Perm: read, Tag: tag, Summary: "未达标阵地工作清单（最近一次检查未达标的在用阵地及其未达标项，检查早的在前）", Query: []string{"kind", "region_code", "q", "page", "page_size"}, QueryTypes: belowTypes, Response: "VenueBelowStandardPage", handler: s.listVenuesBelowStandard},
		{Method: "GET", Path: "/api/v1/venue-report", Perm: read, Tag: tag, Summary: "阵地年度统计：按类型×达标状态、按街道、按月的预约、活动、来访人次及服务单位数", Query: []string{"year", "region_code"}, QueryTypes: reportTypes, Response: "VenueReport", handler: s.venueReport},
		{Method: "GET", Path: "/api/v1/venue-report/export", Perm: read, Tag: tag, Summary: "导出阵地年度统计（Excel，每个阵地一行，按街道小计）", Query: []string{"year", "region_code"}, QueryTypes: reportTypes, Response: "xlsx", handler: s.exportVenueReport},
		{Method: "GET", Path: "/api/v1/imports/venues/template", Perm: write, Tag: tag, Summary: "下载阵地导入模板（Excel，中文表头，含一行示例）", Response: "xlsx", handler: s.venueTemplate},
		{Method: "POST", Path: "/api/v1/imports/venues", Perm: write, Tag: tag, Summary: "导入阵地（逐行按登记规则校验，全部正确才写入；同一区域同名阵地视为已存在）", Query: []string{"session"}, Upload: true, MaxBody: uploadLimit + 1<<20, Response: "ImportSession", handler: s.importVenues},
		{Method: "GET", Path: "/api/v1/venues/{id}", Perm: read, Tag: tag, Summary: "查看阵地（管理员电话已脱敏）", Response: "Venue", handler: s.getVenue},
		{Method: "PUT", Path: "/api/v1/venues/{id}", Perm: write, Tag: tag, Summary: "修改阵地信息（不含房间；电话留空则不变；不传服务单位则不变）", Request: "VenueInput", Response: "Venue", handler: s.updateVenue},
		{Method: "POST", Path: "/api/v1/venues/{id}/deactivate", Perm: write, Tag: tag, Summary: "停用阵地（须填写原因；今天及以后有预约时须先取消）", Request: "VenueDeactivate", Response: "Venue", handler: s.deactivateVenue},
		{Method: "POST", Path: "/api/v1/venues/{id}/reactivate", Perm: write, Tag: tag, Summary: "重新启用已停用的阵地", Response: "Venue", handler: s.reactivateVenue},
		{Method: "PUT", Path: "/api/v1/venues/{id}/units", Perm: write, Tag: tag, Summary: "设置阵地的服务单位（两新组织，须在管辖范围内，不得重复；空列表为清空）", Request: "VenueUnitsInput", Response: "Venue", handler: s.setVenueUnits},
		{Method: "POST", Path: "/api/v1/venues/{id}/rooms", Perm: write, Tag: tag, Summary: "阵地新增房间", Request: "VenueRoomInput", Response: "Venue", Status: 201, handler: s.addVenueRoom},
		{Method: "PUT", Path: "/api/v1/venues/{id}/rooms/{room_id}", Perm: write, Tag: tag, Summary: "修改房间名称或容纳人数（不得少于已有预约的预计人数）", Request: "VenueRoomInput", Response: "Venue", handler: s.updateVenueRoom},
		{Method: "POST", Path: "/api/v1/venues/{id}/reveal-phone", Perm: write, Tag: tag, Summary: "查看阵地管理员完整联系电话（记入审计）", Response: "Venue", handler: s.revealVenuePhone},
		{Method: "POST", Path: "/api/v1/venues/{id}/photos", Perm: write, Tag: tag, Summary: "上传阵地照片（JPG、PNG 或 WebP，每张不超过 8 MB，最多 12 张）", Upload: true, MaxBody: venue.MaxPhotoBytes + 1<<20, Response: "VenuePhoto", Status: 201, handler: s.uploadVenuePhoto},
		{Method: "GET", Path: "/api/v1/venues/{id}/photos/{photo_id}", Perm: read, Tag: tag, Summary: "查看阵地照片或检查佐证照片（图片本身）", Response: "image", handler: s.venuePhoto},
		{Method: "DELETE", Path: "/api/v1/venues/{id}/photos/{photo_id}", Perm: write, Tag: tag, Summary: "删除阵地照片或检查佐证照片", Status: 204, handler: s.deleteVenuePhoto},
		{Method: "GET", Path: "/api/v1/venues/{id}/inspections", Perm: read, Tag: tag, Summary: "阵地达标检查记录（最近的在前）", Query: []string{"page", "page_size"}, Response: "VenueInspectionPage", handler: s.listVenueInspections},
		{Method: "POST", Path: "/api/v1/venues/{id}/inspections", Perm: write, Tag: tag, Summary: "登记达标检查（逐项填写是否达标，未达标项须说明；全部达标为达标）", Request: "VenueInspectionInput", Response: "VenueInspection", Status: 201, handler: s.inspectVenue},
		{Method: "POST", Path: insp + "/photos", Perm: write, Tag: tag, Summary: "上传检查佐证照片（JPG、PNG 或 WebP，每张不超过 8 MB，每次检查最多 12 张）", Upload: true, MaxBody: venue.MaxPhotoBytes + 1<<20, Response: "VenuePhoto", Status: 201, handler: s.uploadInspectionPhoto},
		{Method: "POST", Path: insp + "/items/{item_id}/repair", Perm: write, Tag: tag, Summary: "为未达标项发起整改诉求（来源“阵地检查”，与检查项关联；已发起的 409）", Request: "VenueRepairInput", Response: "VenueInspection", Status: 201, handler: s.openVenueRepair},
		{Method: "GET", Path: "/api/v1/venues/{id}/activities", Perm: read, Tag: tag, Summary: "阵地活动（最近的在前，可按日期范围筛选）", Query: []string{"from", "to", "page", "page_size"}, QueryTypes: activityTypes, Response: "VenueActivityPage", handler: s.listVenueActivities},
		{Method: "POST", Path: "/api/v1/venues/{id}/activities", Perm: write, Tag: tag, Summary: "登记阵地举办的活动（举办后登记）", Request: "VenueActivityInput", Response: "VenueActivity", Status: 201, handler: s.addVenueActivity},
		{Method: "DELETE", Path: "/api/v1/venues/{id}/activities/{activity_id}", Perm: write, Tag: tag, Summary: "删除误登记的活动（记入审计）", Status: 204, handler: s.deleteVenueActivity},
		{Method: "GET", Path: "/api/v1/venues/{id}/stats", Perm: read, Tag: tag, Summary: "阵地全年逐月统计：来访人次、活动、参加人次、预约", Query: []string{"year"}, QueryTypes: yearType, Response: "VenueYear", handler: s.venueYear},
		{Method: "PUT", Path: "/api/v1/venues/{id}/visitors/{month}", Perm: write, Tag: tag, Summary: "登记某月来访人次（再次登记覆盖，记入审计）", Request: "VenueVisitorsInput", Response: "VenueYear", handler: s.setVenueVisitors},
		{Method: "GET", Path: "/api/v1/venues/{id}/week", Perm: read, Tag: tag, Summary: "阵地一周（周一至周日）的预约", Query: []string{"week"}, QueryTypes: map[string]queryParamSpec{"week": qDate("该周内任一天（YYYY-MM-DD），默认本周")}, Response: "VenueWeek", handler: s.venueWeek},
		{Method: "GET", Path: rooms, Perm: read, Tag: tag, Summary: "房间预约列表（可按状态、日期范围筛选）", Query: []string{"status", "from", "to", "page", "page_size"}, QueryTypes: bookingTypes, Response: "VenueBookingPage", handler: s.listVenueBookings},
		{Method: "POST", Path: rooms, Perm: write, Tag: tag, Summary: "预约房间（同一房间已预约时段不得重叠，冲突时 409 并指明冲突的预约）", Request: "VenueBookingInput", Response: "VenueBooking", Status: 201, handler: s.bookVenueRoom},
		{Method: "POST", Path: rooms + "/{booking_id}/cancel", Perm: write, Tag: tag, Summary: "取消预约（须填写原因，记入审计）", Request: "VenueBookingCancel", Response: "VenueBooking", handler: s.cancelVenueBooking},
	}
}

// venueSchemas are the OpenAPI bodies of venueRoutes, derived from the
// types the handlers write and decode.
func venueSchemas() map[string]any {
	return map[string]any{
		"VenueOptions":           schemaOf(venue.Options{}),
		"VenueChecklistList":     schemaOf(list[venue.Checklist]{}),
		"VenueChecklistInput":    schemaOf(venue.ChecklistInput{}),
		"VenueChecklist":         schemaOf(venue.Checklist{}),
		"VenuePage":              schemaOf(page[venue.Venue]{}),
		"VenueBelowStandardPage": schemaOf(page[venue.BelowStandard]{}),
		"VenueReport":            schemaOf(venue.Report{}),
		"VenueInput":             schemaOf(venue.Input{}),
		"Venue":                  schemaOf(venue.Venue{}),
		"VenueDeactivate":        schemaOf(venue.DeactivateInput{}),
		"VenueRoomInput":         schemaOf(venue.RoomInput{}),
		"VenueUnitsInput":        schemaOf(venue.UnitsInput{}),
		"VenuePhoto":             schemaOf(venue.Photo{}),
		"VenueInspectionPage":    schemaOf(page[venue.Inspection]{}),
		"VenueInspectionInput":   schemaOf(venue.InspectionInput{}),
		"VenueInspection":        schemaOf(venue.Inspection{}),
		"VenueRepairInput":       schemaOf(venue.RepairInput{}),
		"VenueActivityPage":      schemaOf(page[venue.Activity]{}),
		"VenueActivityInput":     schemaOf(venue.ActivityInput{}),
		"VenueActivity":          schemaOf(venue.Activity{}),
		"VenueYear":              schemaOf(venue.VenueYear{}),
		"VenueVisitorsInput":     schemaOf(venue.VisitorsInput{}),
		"VenueWeek":              schemaOf(venue.Week{}),
		"VenueBookingPage":       schemaOf(page[venue.Booking]{}),
		"VenueBookingInput":      schemaOf(venue.BookingInput{}),
		"VenueBooking":           schemaOf(venue.Booking{}),
		"VenueBookingCancel":     schemaOf(venue.CancelInput{}),
	}
}
