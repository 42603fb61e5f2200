package httpapi

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"

	"liangxin/internal/apperr"
	"liangxin/internal/orgimport"
	"liangxin/internal/xlsx"
)

// uploadLimit bounds an uploaded spreadsheet.
const uploadLimit = 20 << 20

func (s *Server) orgTemplate(w http.ResponseWriter, r *http.Request) error {
	var buf bytes.Buffer
	if err := orgimport.Template(r.Context(), s.Regions, &buf); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", `attachment; filename="organizations-template.xlsx"; filename*=UTF-8''%E4%B8%A4%E6%96%B0%E7%BB%84%E7%BB%87%E5%AF%BC%E5%85%A5%E6%A8%A1%E6%9D%BF.xlsx`)
	_, err := w.Write(buf.Bytes())
	return err
}

// readUpload reads the "file" part of a multipart request into memory.
func readUpload(r *http.Request) ([]byte, error) {
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, &apperr.Error{Kind: apperr.KindUnsupportedMedia, Code: "unsupported_media_type", Message: "请以 multipart/form-data 上传文件（字段名 file）"}
	}
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return nil, apperr.InvalidField("file", "请选择要上传的 .xlsx 文件")
		}
		if err != nil {
			var mbe *http.MaxBytesError
			if errors.As(err, &mbe) {
				return nil, apperr.InvalidField("file", fmt.Sprintf("文件不能超过 %d MB", uploadLimit>>20))
			}
			return nil, apperr.InvalidField("file", "上传的数据不完整")
		}
		if part.FormName() != "file" {
			continue
		}
		b, err := io.ReadAll(io.LimitReader(part, uploadLimit+1))
		if err != nil {
			return nil, apperr.InvalidField("file", "上传的数据不完整")
		}
		if len(b) > uploadLimit {
			return nil, apperr.InvalidField("file", fmt.Sprintf("文件不能超过 %d MB", uploadLimit>>20))
		}
		return b, nil
	}
}

func newSessionID() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// importOrganizations runs an import as a session: the client may choose the
// session id (?session=) to poll GET /api/v1/imports/{id} for progress while
// the upload is processed. All or nothing: a file with any bad cell writes
// nothing and answers 422 with a link to the error workbook.
func (s *Server) importOrganizations(w http.ResponseWriter, r *http.Request) error {
	id := r.URL.Query().Get("session")
	if id == "" {
		id = newSessionID()
	} else if !orgimport.ValidID(id) {
		return apperr.InvalidField("session", "导入会话编号应为 8–64 位字母、数字、- 或 _")
	}
	data, err := readUpload(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	if err := s.Imports.Start(ctx, id, "organizations"); err != nil {
		return err
	}
	limits := xlsx.Limits{MaxBytes: uploadLimit, MaxRows: 300000}
	out, err := orgimport.Run(ctx, s.Orgs, s.Regions, bytes.NewReader(data), int64(len(data)), limits, func(phase string, n int) {
		s.Imports.Progress(ctx, id, phase, n)
	})
	if err != nil {
		msg := "导入失败"
		if e, ok := apperr.As(err); ok {
			msg = e.Message
		}
		_ = s.Imports.Finish(ctx, id, orgimport.StatusFailed, msg, 0, out.Result, nil)
		return err
	}
	if len(out.Errors) > 0 {
		var rep bytes.Buffer
		if err := xlsx.ErrorWorkbook(bytes.NewReader(data), int64(len(data)), orgimport.Columns(), limits, out.Errors, &rep); err != nil {
			return err
		}
		msg := fmt.Sprintf("文件中有 %d 处错误，未导入任何数据。请下载标出错误的表格，修改后重新导入。", len(out.Errors))
		if err := s.Imports.Finish(ctx, id, orgimport.StatusRejected, msg, out.Rows, out.Result, rep.Bytes()); err != nil {
			return err
		}
		shown := out.Errors
		if len(shown) > 50 {
			shown = shown[:50]
		}
		details := make([]map[string]any, len(shown))
		for i, e := range shown {
			details[i] = map[string]any{"row": e.Row, "column": e.Column, "message": e.Message}
		}
		writeJSON(w, http.StatusUnprocessableEntity, map[string]any{"error": map[string]any{
			"code": "import_invalid", "message": msg, "session": id, "errors": details, "error_count": len(out.Errors),
			"report_url": "/api/v1/imports/" + id + "/report",
		}})
		return nil
	}
	msg := fmt.Sprintf("导入完成：共 %d 行，新增 %d，更新 %d，未变化 %d", out.Rows, out.Result.Created, out.Result.Updated, out.Result.Unchanged)
	if err := s.Imports.Finish(ctx, id, orgimport.StatusSucceeded, msg, out.Rows, out.Result, nil); err != nil {
		return err
	}
	ss, err := s.Imports.Get(ctx, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, ss)
	return nil
}

func (s *Server) importSession(w http.ResponseWriter, r *http.Request) error {
	ss, err := s.Imports.Get(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, ss)
	return nil
}

func (s *Server) importReport(w http.ResponseWriter, r *http.Request) error {
	b, err := s.Imports.Report(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", `attachment; filename="import-errors.xlsx"; filename*=UTF-8''%E5%AF%BC%E5%85%A5%E9%94%99%E8%AF%AF.xlsx`)
	_, err = w.Write(b)
	return err
}
