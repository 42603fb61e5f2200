package httpapi

import (
	"fmt"
	"net/http"
	"net/url"

	"liangxin/internal/sheetexport"
)

// pathTarget is the response of an export that moved off the old sendXLSX
// helper: the same headers (the Chinese file name escaped with
// url.PathEscape, as sendXLSX did), set once the export is recorded so an
// error before that still answers as JSON.
func pathTarget(w http.ResponseWriter, file, zhName string) sheetexport.Target {
	return sheetexport.Target{W: w, Ready: func() {
		w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
		w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s.xlsx"; filename*=UTF-8''%s.xlsx`, file, url.PathEscape(zhName)))
	}}
}
