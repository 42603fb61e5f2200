package httpapi

import (
	"liangxin/internal/auth"
	"liangxin/internal/venue"
)

// venueRoutes lists the routes of 阵地 (venues and room booking, issue 15).
func (s *Server) venueRoutes() []Route {
	const tag = "阵地"
	read, write := auth.PermVenueRead, auth.PermVenueWrite
	listTypes := map[string]queryParamSpec{
		"kind": qEnum(venue.KindCodes(), "阵地类型：service_center 党群服务中心、red_station 红色驿站、guidance_station 党建工作指导站、"+
			"mobile_member_station 流动党员服务站、activity_room 党员活动室、other 其他"),
		"q": qStr("关键词（阵地名称、地址模糊匹配）"),
	}
	bookingTypes := map[string]queryParamSpec{
		"status": qEnum([]string{venue.StatusConfirmed, venue.StatusCancelled}, "预约状态：confirmed 已预约、cancelled 已取消"),
		"from":   qDate("预约日期不早于（YYYY-MM-DD）"),
		"to":     qDate("预约日期不晚于（YYYY-MM-DD）"),
	}
	rooms := "/api/v1/venues/{id}/rooms/{room_id}/bookings"
	return []Route{
		{Method: "GET", Path: "/api/v1/venue-options", Perm: read, Tag: tag, Summary: "阵地类型、预约状态等选项", Response: "VenueOptions", handler: s.venueOptions},
		{Method: "GET", Path: "/api/v1/venues", Perm: read, Tag: tag, Summary: "阵地列表（可按类型、区域及下级、关键词筛选）", Query: []string{"kind", "region_code", "q", "page", "page_size"}, QueryTypes: listTypes, Response: "VenuePage", handler: s.listVenues},
		{Method: "POST", Path: "/api/v1/venues", Perm: write, Tag: tag, Summary: "登记阵地（含房间）", Request: "VenueInput", Response: "Venue", Status: 201, handler: s.createVenue},
		{Method: "GET", Path: "/api/v1/venues/{id}", Perm: read, Tag: tag, Summary: "查看阵地（管理员电话已脱敏）", Response: "Venue", handler: s.getVenue},
		{Method: "PUT", Path: "/api/v1/venues/{id}", Perm: write, Tag: tag, Summary: "修改阵地信息（不含房间；电话留空则不变）", Request: "VenueInput", Response: "Venue", handler: s.updateVenue},
		{Method: "POST", Path: "/api/v1/venues/{id}/rooms", Perm: write, Tag: tag, Summary: "阵地新增房间", Request: "VenueRoomInput", Response: "Venue", Status: 201, handler: s.addVenueRoom},
		{Method: "POST", Path: "/api/v1/venues/{id}/reveal-phone", Perm: write, Tag: tag, Summary: "查看阵地管理员完整联系电话（记入审计）", Response: "Venue", handler: s.revealVenuePhone},
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
		"VenueOptions":       schemaOf(venue.Options{}),
		"VenuePage":          schemaOf(page[venue.Venue]{}),
		"VenueInput":         schemaOf(venue.Input{}),
		"Venue":              schemaOf(venue.Venue{}),
		"VenueRoomInput":     schemaOf(venue.RoomInput{}),
		"VenueWeek":          schemaOf(venue.Week{}),
		"VenueBookingPage":   schemaOf(page[venue.Booking]{}),
		"VenueBookingInput":  schemaOf(venue.BookingInput{}),
		"VenueBooking":       schemaOf(venue.Booking{}),
		"VenueBookingCancel": schemaOf(venue.CancelInput{}),
	}
}
