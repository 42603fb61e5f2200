// Package auditexport exports the audit log itself through the export
// driver. It cannot live in package audit: sheetexport records every export
// through audit, so audit cannot import it.
package auditexport

import (
	"context"
	"fmt"

	"liangxin/internal/audit"
	"liangxin/internal/auth"
	"liangxin/internal/civil"
	"liangxin/internal/sheetexport"
)

// Headers are the Chinese headers of the audit log export.
var Headers = []string{"序号", "时间", "用户", "角色", "IP", "操作", "对象", "对象编号", "结果", "详情"}

var resultNames = map[string]string{audit.Success: "成功", audit.Failure: "失败", audit.Denied: "拒绝"}

// filters are the list filters as recorded in the export's entry.
func filters(f audit.Filter) map[string]string {
	out := map[string]string{}
	for k, v := range map[string]string{"action": f.Action, "username": f.Username, "result": f.Result, "from": f.From, "to": f.To,
		"entity": f.Entity, "entity_id": f.EntityID} {
		if v != "" {
			out[k] = v
		}
	}
	return out
}

// Export streams the audit rows matching f (its page ignored), newest first,
// to t and records the export as action audit_export on entity audit_log,
// noted 导出 n 条, through l's own database handle. The filters are checked
// (and the reader's role) before anything is written, so an error still
// answers as JSON.
func Export(ctx context.Context, l *audit.Logger, t sheetexport.Target, f audit.Filter) error {
	f.Page, f.PageSize = 1, 1
	if _, _, err := l.List(ctx, f); err != nil {
		return err
	}
	src := sheetexport.Source[audit.Row](func(ctx context.Context, yield func(audit.Row) error) error { return l.Each(ctx, f, yield) })
	n := 0
	sheet := sheetexport.One("审计日志", Headers, []float64{8, 20, 14, 16, 16, 16, 12, 16, 8, 60}, src, func(row audit.Row) []any {
		n++
		return []any{n, row.At.In(civil.Zone).Format("2006-01-02 15:04:05"), row.Username, auth.RoleName(row.Role), row.IP,
			row.ActionName, audit.EntityLabel(row.Entity), row.EntityID, resultNames[row.Result], string(row.Detail)}
	})
	_, err := sheetexport.Write(ctx, t, sheetexport.Audit{Logger: l, DB: l.DB, Action: "audit_export", Entity: "audit_log", Filters: filters(f),
		Note: func(n int) string { return fmt.Sprintf("导出 %d 条", n) }}, sheet)
	return err
}
