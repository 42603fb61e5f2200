package httpapi

import (
	"liangxin/internal/auth"
	"liangxin/internal/notify"
)

// notifyRoutes lists the routes of the in-app inbox (issue 13 item 6). Any
// logged-in user reads and marks its own notifications only: another
// user's answers 404.
func (s *Server) notifyRoutes() []Route {
	const tag = "通知"
	self := auth.PermSelf
	types := map[string]queryParamSpec{
		"unread": qBool("为 true 时只看未读通知"),
		"kind":   qEnum(notify.KindCodes(), "通知类型：assigned 新接诉求、transferred 转来诉求、overdue 诉求超期、reopened 重新办理"),
	}
	return []Route{
		{Method: "GET", Path: "/api/v1/notifications", Perm: self, Tag: tag, Summary: "本人的通知（最新在前，可只看未读、按类型筛选）", Query: []string{"unread", "kind", "page", "page_size"}, QueryTypes: types, Response: "NotificationPage", handler: s.listNotifications},
		{Method: "GET", Path: "/api/v1/notifications/unread-count", Perm: self, Tag: tag, Summary: "本人的未读通知数", Response: "NotificationUnread", handler: s.unreadNotifications},
		{Method: "POST", Path: "/api/v1/notifications/{id}/read", Perm: self, Tag: tag, Summary: "将本人的一条通知标为已读", Response: "Notification", handler: s.readNotification},
		{Method: "POST", Path: "/api/v1/notifications/read-all", Perm: self, Tag: tag, Summary: "将本人的全部未读通知标为已读", Response: "NotificationMarked", handler: s.readAllNotifications},
	}
}

// notifySchemas are the OpenAPI bodies of notifyRoutes.
func notifySchemas() map[string]any {
	return map[string]any{
		"NotificationPage":   schemaOf(page[notify.Notification]{}),
		"NotificationUnread": schemaOf(notify.UnreadCount{}),
		"Notification":       schemaOf(notify.Notification{}),
		"NotificationMarked": schemaOf(notify.Marked{}),
	}
}
