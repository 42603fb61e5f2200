package httpapi

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"

	"liangxin/internal/apperr"
	"liangxin/internal/audit"
	"liangxin/internal/org"
	"liangxin/internal/sheetimport"
	"liangxin/internal/xlsx"
)

// uploadLimit bounds an uploaded spreadsheet.
const uploadLimit = 20 << 20

func (s *Server) orgTemplate(w http.ResponseWriter, r *http.Request) error {
	var buf bytes.Buffer
	if err := org.Template(r.Context(), s.Regions, &buf); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", `attachment; filename="organizations-template.xlsx"; filename*=UTF-8''%E4%B8%A4%E6%96%B0%E7%BB%84%E7%BB%87%E5%AF%BC%E5%85%A5%E6%A8%A1%E6%9D%BF.xlsx`)
	_, err := w.Write(buf.Bytes())
	return err
}

// readUpload spools the "file" part of a multipart request to a temporary
// file in dir (sheetimport.Spool): the caller closes it, which removes it.
func readUpload(r *http.Request, dir string) (*sheetimport.Upload, error) {
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
		u, err := sheetimport.Spool(part, dir, uploadLimit)
		if errors.Is(err, sheetimport.ErrUploadTooLarge) {
			return nil, apperr.InvalidField("file", fmt.Sprintf("文件不能超过 %d MB", uploadLimit>>20))
		}
		if err != nil {
			var pe *os.PathError
			if errors.As(err, &pe) {
				return nil, err // the temporary folder failed, not the upload
			}
			return nil, apperr.InvalidField("file", "上传的数据不完整")
		}
		return u, nil
	}
}

func newSessionID() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// importOrganizations imports a ledger of organizations as a session (see runImport).
func (s *Server) importOrganizations(w http.ResponseWriter, r *http.Request) error {
	return s.runImport(w, r, "organizations", org.Columns(), func(ctx context.Context, ra io.ReaderAt, size int64, limits xlsx.Limits, progress func(string, int)) (sheetimport.Result, []xlsx.CellError, error) {
		return org.Import(ctx, s.Orgs, s.Regions, ra, size, limits, progress)
	})
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

func (s *Server) deleteImportReport(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	if err := s.Imports.DeleteReport(r.Context(), id); err != nil {
		return err
	}
	if err := s.Audit.Record(r.Context(), s.DB, audit.Entry{Action: "import_report_delete", Entity: "import", EntityID: id, Note: "删除导入错误报告"}); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
