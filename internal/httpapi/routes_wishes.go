package httpapi

import (
	"liangxin/internal/auth"
	"liangxin/internal/ticket"
	"liangxin/internal/wish"
)

// wishRoutes lists the routes of 微心愿 (issue 13 item 4). Staff use
// service.read and service.write, as for the requests.
func (s *Server) wishRoutes() []Route {
	const tag = "微心愿"
	read, write := auth.PermServiceRead, auth.PermServiceWrite
	listQuery := []string{"state", "category", "region_code", "q"}
	types := map[string]queryParamSpec{
		"state": qEnum(wishCodes(wish.States()),
			"状态：submitted 待审核、open 待认领（含认领超期重新开放的）、claimed 已认领、fulfilled 已完成待确认、confirmed 已确认、cancelled 已撤回"),
		"category": qEnum(wishCodes(wish.Categories()), "心愿类别：goods 生活物资、study 学习用品、elderly 助老助残、health 医疗健康、companionship 陪伴关爱、repair 维修帮办、other 其他"),
		"q":        qStr("关键词（心愿内容模糊匹配）"),
		"sort":     qEnum(wish.SortCodes(), "排序：created_desc 发布时间倒序（默认）、created_asc 发布时间正序、value_desc 估计价值从高到低"),
	}
	return []Route{
		{Method: "GET", Path: "/api/v1/wish-options", Perm: read, Tag: tag, Summary: "微心愿状态、操作、类别、来源选项", Response: "WishOptions", handler: s.wishOptions},
		{Method: "GET", Path: "/api/v1/wish-settings", Perm: read, Tag: tag, Summary: "微心愿设置：认领后完成期限、每名党员同时认领上限", Response: "WishSettings", handler: s.wishSettings},
		{Method: "PUT", Path: "/api/v1/wish-settings", Perm: auth.PermServiceSettings, Tag: tag, Summary: "修改微心愿设置（记入审计）", Request: "WishSettingsInput", Response: "WishSettings", handler: s.setWishSettings},
		{Method: "GET", Path: "/api/v1/wishes", Perm: read, Tag: tag, Summary: "心愿墙：微心愿列表（按状态、类别、区域、关键词筛选；只显示经同意公开的脱敏姓名，否则为“匿名”）",
			Query: append(append([]string{}, listQuery...), "sort", "page", "page_size"), QueryTypes: types, Response: "WishPage", handler: s.listWishes},
		{Method: "GET", Path: "/api/v1/wishes/counts", Perm: read, Tag: tag, Summary: "辖区（含下级）各状态微心愿数（筛选条件同列表，不含状态）", Query: listQuery[1:], QueryTypes: types, Response: "WishCounts", handler: s.countWishes},
		{Method: "GET", Path: "/api/v1/wishes/export", Perm: read, Tag: tag, Summary: "导出微心愿（Excel，按列表的筛选条件，不分页；电话脱敏）", Query: append(append([]string{}, listQuery...), "sort"), QueryTypes: types, Response: "xlsx", handler: s.exportWishes},
		{Method: "POST", Path: "/api/v1/wishes", Perm: write, Tag: tag, Summary: "发布微心愿（工作人员登记）", Request: "WishInput", Response: "Wish", Status: 201, handler: s.createWish},
		{Method: "GET", Path: "/api/v1/wishes/{id}", Perm: read, Tag: tag, Summary: "查看微心愿（电话已脱敏）", Response: "Wish", handler: s.getWish},
		{Method: "GET", Path: "/api/v1/wishes/{id}/timeline", Perm: read, Tag: tag, Summary: "微心愿经过（谁、何时、做了什么）", Response: "WishEventList", handler: s.wishTimeline},
		{Method: "POST", Path: "/api/v1/wishes/{id}/actions", Perm: write, Tag: tag, Summary: "办理微心愿：审核发布、认领、完成、确认、撤回（带版本号，同时认领时只有一人成功，其余 409）", Request: "WishAction", Response: "Wish", handler: s.actOnWish},
		{Method: "POST", Path: "/api/v1/wishes/{id}/photos", Perm: write, Tag: tag, Summary: "上传完成心愿的照片（JPG、PNG 或 WebP，每张不超过 8 MB，最多 9 张；加密保存）", Upload: true, MaxBody: wish.MaxPhotoBytes + 1<<20, Response: "WishPhoto", Status: 201, handler: s.uploadWishPhoto},
		{Method: "GET", Path: "/api/v1/wishes/{id}/photos/{photo_id}", Perm: read, Tag: tag, Summary: "查看完成心愿的照片（图片本身）", Response: "image", handler: s.wishPhoto},
		{Method: "POST", Path: "/api/v1/wishes/{id}/reveal-phone", Perm: write, Tag: tag, Summary: "查看心愿人完整联系电话（记入审计）", Response: "Wish", handler: s.revealWishPhone},
	}
}

// publicRoutes are the routes of the public page (公开表单): no login, no
// session, no CSRF token; rate-limited per client address and body-limited.
// They reach nothing but what they name: the options, two submissions and
// the status lookup.
func (s *Server) publicRoutes() []Route {
	const tag = "公开服务"
	return []Route{
		{Method: "GET", Path: "/api/v1/public/options", Perm: auth.PermPublic, Tag: tag, Summary: "公开页面的选项：诉求类别、心愿类别、可选区域", Response: "PublicOptions", handler: s.publicOptions},
		{Method: "POST", Path: "/api/v1/public/service-requests", Perm: auth.PermPublic, Tag: tag, Summary: "群众或企业提交诉求（无需登录；返回受理编号；同一地址限频）", Request: "PublicRequestInput", Response: "PublicReceipt", Status: 201, MaxBody: publicMaxBody, handler: s.publicSubmitRequest},
		{Method: "POST", Path: "/api/v1/public/wishes", Perm: auth.PermPublic, Tag: tag, Summary: "群众提交微心愿（无需登录；审核后上心愿墙；返回受理编号；同一地址限频）", Request: "PublicWishInput", Response: "PublicReceipt", Status: 201, MaxBody: publicMaxBody, handler: s.publicSubmitWish},
		{Method: "POST", Path: "/api/v1/public/lookup", Perm: auth.PermPublic, Tag: tag, Summary: "凭受理编号和手机号后四位查询办理进度（不显示任何个人信息）", Request: "PublicLookupInput", Response: "PublicStatus", MaxBody: publicMaxBody, handler: s.publicLookup},
	}
}

func wishCodes(opts []wish.Option) []string {
	out := make([]string, len(opts))
	for i, o := range opts {
		out[i] = o.Code
	}
	return out
}

// publicRequestBody is a public request with the honeypot field.
type publicRequestBody struct {
	CategoryID     int64  `json:"category_id"`
	Content        string `json:"content"`
	RequesterName  string `json:"requester_name"`
	RequesterPhone string `json:"requester_phone"`
	RegionCode     string `json:"region_code"`
	// Website is a honeypot: hidden on the page, filled only by robots.
	Website string `json:"website"`
}

// publicWishBody is a public wish with the honeypot field.
type publicWishBody struct {
	Category       string `json:"category"`
	Content        string `json:"content"`
	WisherName     string `json:"wisher_name"`
	WisherPhone    string `json:"wisher_phone"`
	PublishConsent bool   `json:"publish_consent"`
	RegionCode     string `json:"region_code"`
	Website        string `json:"website"`
}

// publicLookupBody asks for the status of a ticket.
type publicLookupBody struct {
	Ticket     string `json:"ticket"`
	PhoneLast4 string `json:"phone_last4"`
}

// PublicOptions are the lists of the public page.
type PublicOptions struct {
	Categories     []publicOption `json:"categories"`
	WishCategories []wish.Option  `json:"wish_categories"`
	Regions        []publicRegion `json:"regions"`
}

type publicOption struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

type publicRegion struct {
	Code string `json:"code"`
	Name string `json:"name"`
}

func wishSchemas() map[string]any {
	return map[string]any{
		"WishOptions":        schemaOf(wish.Options{}),
		"WishSettings":       schemaOf(wish.Settings{}),
		"WishSettingsInput":  requiring(schemaOf(wish.SettingsInput{}), "claim_days", "max_open_claims"),
		"WishPage":           schemaOf(page[wish.Wish]{}),
		"WishCounts":         schemaOf(wish.Counts{}),
		"WishInput":          requiring(schemaOf(wish.Input{}), "category", "content", "wisher_name", "region_code"),
		"Wish":               schemaOf(wish.Wish{}),
		"WishEventList":      schemaOf(list[wish.Event]{}),
		"WishAction":         requiring(schemaOf(wish.ActionInput{}), "action", "version"),
		"WishPhoto":          schemaOf(wish.Photo{}),
		"PublicOptions":      schemaOf(PublicOptions{}),
		"PublicRequestInput": requiring(schemaOf(publicRequestBody{}), "category_id", "content", "requester_name", "requester_phone", "region_code"),
		"PublicWishInput":    requiring(schemaOf(publicWishBody{}), "category", "content", "wisher_name", "wisher_phone", "region_code"),
		"PublicLookupInput":  requiring(schemaOf(publicLookupBody{}), "ticket", "phone_last4"),
		"PublicReceipt":      schemaOf(ticket.Receipt{}),
		"PublicStatus":       schemaOf(ticket.Status{}),
	}
}
