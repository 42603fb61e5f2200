package httpapi

import (
	"fmt"
	"net/http"
	"net/url"

	"liangxin/internal/audit"
	"liangxin/internal/xlsx"
)

// sendXLSX audits an export from the HTTP layer and writes the workbook: the
// old way, kept for the exporters not yet moved onto sheetexport (members,
// transfers, dues, funds, volunteer); see the guard in internal/sheetexport.
func (s *Server) sendXLSX(w http.ResponseWriter, r *http.Request, sw *xlsx.Writer, entity, file, zhName string, n int) error {
	if err := s.Audit.Record(r.Context(), s.DB, audit.Entry{Action: "export", Entity: entity, Note: fmt.Sprintf("导出%s %d 条", zhName, n)}); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s.xlsx"; filename*=UTF-8''%s.xlsx`, file, url.PathEscape(zhName)))
	return sw.Finish(w)
}
