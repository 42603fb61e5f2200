package httpapi

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"io"
	"net/http"
	"sync"

	"liangxin/internal/apperr"
	"liangxin/internal/sheetimport"
	"liangxin/internal/xlsx"
)

// analyzeAfter is how many new records make an import refresh the
// database's statistics.
const analyzeAfter = 10000

// importFaults holds, for tests only (export_test.go), a function run at
// each progress report of the session it is keyed by: a test makes one
// import panic in the middle of its write transaction.
var importFaults sync.Map // session id → func(phase string, n int)

// importer reads an uploaded workbook and writes it all or nothing (an
// area's Import, built on sheetimport.Run): what it wrote (Rows: the rows
// read), or the bad cells, and then it wrote nothing.
type importer func(ctx context.Context, ra io.ReaderAt, size int64, limits xlsx.Limits, progress func(phase string, n int)) (sheetimport.Result, []xlsx.CellError, error)

// runImport runs an upload as an import session: the client may choose the
// session id (?session=) to poll GET /api/v1/imports/{id} for progress. A
// file with any bad cell answers 422 with the first errors and a link to
// the error workbook, which marks each bad cell with its reason.
func (s *Server) runImport(w http.ResponseWriter, r *http.Request, kind string, columns []xlsx.Column, run importer) error {
	id := r.URL.Query().Get("session")
	if id == "" {
		id = newSessionID()
	} else if !sheetimport.ValidID(id) {
		return apperr.InvalidField("session", "导入会话编号应为 8–64 位字母、数字、- 或 _")
	}
	upload, err := readUpload(r, s.TempDir)
	if err != nil {
		return err
	}
	defer upload.Close()
	ctx := r.Context()
	if err := s.Imports.Start(ctx, id, kind); err != nil {
		return err
	}
	// Every write transaction of this run re-checks, just before its
	// commit, that the job is still this process's (Jobs.Claim).
	ctx = s.Imports.Claim(ctx, id)
	// A staged import records its success in its commit transaction
	// (sheetimport.Committed); the Finish below then finds it done.
	ctx = sheetimport.WithCommitted(ctx, func(ctx context.Context, tx *sql.Tx, res sheetimport.Result) error {
		return s.Imports.FinishIn(ctx, tx, id, succeededMessage(res), res)
	})
	// Whatever ends this request (an internal error, a panic, the client
	// gone), the session does not stay running: Abandon fails it unless
	// Finish recorded an outcome.
	defer func() {
		if err := s.Imports.Abandon(context.WithoutCancel(ctx), id, sheetimport.ReasonInternal); err != nil {
			s.Log.Error("import session not closed", "session", id, "err", err)
		}
	}()
	limits := xlsx.Limits{MaxBytes: uploadLimit, MaxRows: 300000, TempDir: s.TempDir}
	res, cellErrs, err := run(ctx, upload, upload.Size(), limits, func(phase string, n int) {
		s.Imports.Progress(ctx, id, phase, n)
		if f, ok := importFaults.Load(id); ok {
			f.(func(string, int))(phase, n)
		}
	})
	if err != nil {
		msg := sheetimport.ReasonInternal
		if e, ok := apperr.As(err); ok && e.Kind != apperr.KindInternal {
			msg = e.Message
		}
		_ = s.Imports.Finish(context.WithoutCancel(ctx), id, sheetimport.StatusFailed, msg, 0, res, nil)
		return err
	}
	if len(cellErrs) > 0 {
		var rep bytes.Buffer
		if err := xlsx.ErrorWorkbook(upload, upload.Size(), columns, limits, cellErrs, &rep); err != nil {
			return err
		}
		msg := fmt.Sprintf("文件中有 %d 处错误，未导入任何数据。请下载标出错误的表格，修改后重新导入。", len(cellErrs))
		if err := s.Imports.Finish(ctx, id, sheetimport.StatusRejected, msg, res.Rows, res, rep.Bytes()); err != nil {
			return err
		}
		shown := cellErrs
		if len(shown) > 50 {
			shown = shown[:50]
		}
		details := make([]map[string]any, len(shown))
		for i, e := range shown {
			details[i] = map[string]any{"row": e.Row, "column": e.Column, "message": e.Message}
		}
		writeJSON(w, http.StatusUnprocessableEntity, map[string]any{"error": map[string]any{
			"code": "import_invalid", "message": msg, "session": id, "errors": details, "error_count": len(cellErrs),
			"report_url": "/api/v1/imports/" + id + "/report",
		}})
		return nil
	}
	if err := s.Imports.Finish(ctx, id, sheetimport.StatusSucceeded, succeededMessage(res), res.Rows, res, nil); err != nil {
		return err
	}
	if res.Created >= analyzeAfter {
		// The planner's statistics still describe the tables before the
		// import (SQLite; see store.DB.Analyze).
		if err := s.DB.Analyze(context.WithoutCancel(ctx)); err != nil {
			s.Log.Error("statistics refresh after an import failed", "err", err)
		}
	}
	ss, err := s.Imports.Get(ctx, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, ss)
	return nil
}

// sendTemplate writes a generated template workbook.
func sendTemplate(w http.ResponseWriter, asciiName, chineseName string, gen func(io.Writer) error) error {
	var buf bytes.Buffer
	if err := gen(&buf); err != nil {
		return err
	}
	xlsxHeaders(w, asciiName, chineseName)
	_, err := w.Write(buf.Bytes())
	return err
}

// succeededMessage is a succeeded import job's message.
func succeededMessage(res sheetimport.Result) string {
	return fmt.Sprintf("导入完成：共 %d 行，新增 %d，更新 %d，未变化 %d", res.Rows, res.Created, res.Updated, res.Unchanged)
}
