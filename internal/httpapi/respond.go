package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"liangxin/internal/apperr"
	"liangxin/internal/readcache"
	"liangxin/internal/store"
)

// writeJSON writes v as JSON with status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	if v != nil {
		enc := json.NewEncoder(w)
		enc.SetEscapeHTML(false)
		_ = enc.Encode(v)
	}
}

// cachedJSON answers 200 with the JSON of compute's value, exactly as
// writeJSON encodes it, keeping the encoded bytes in the read cache
// (readcache.Get: per caller scope, valid while the data generation holds).
func (s *Server) cachedJSON(w http.ResponseWriter, r *http.Request, endpoint, key string, compute func(ctx context.Context) (any, error)) error {
	b, err := readcache.Get(r.Context(), s.ReadCache, endpoint, key, func(ctx context.Context) ([]byte, error) {
		v, err := compute(ctx)
		if err != nil {
			return nil, err
		}
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(v); err != nil {
			return nil, err
		}
		return buf.Bytes(), nil
	})
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(b)
	return nil
}

type errorBody struct {
	Code        string            `json:"code"`
	Message     string            `json:"message"`
	Fields      map[string]string `json:"fields,omitempty"`
	LockedUntil *time.Time        `json:"locked_until,omitempty"`
}

// statusOf maps a domain error kind to an HTTP status.
func statusOf(k apperr.Kind) int {
	switch k {
	case apperr.KindInvalid:
		return http.StatusUnprocessableEntity
	case apperr.KindNotFound:
		return http.StatusNotFound
	case apperr.KindForbidden, apperr.KindPasswordChangeRequired:
		return http.StatusForbidden
	case apperr.KindConflict:
		return http.StatusConflict
	case apperr.KindUnauthenticated:
		return http.StatusUnauthorized
	case apperr.KindLocked:
		return http.StatusLocked
	case apperr.KindUnsupportedMedia:
		return http.StatusUnsupportedMediaType
	case apperr.KindTooMany:
		return http.StatusTooManyRequests
	}
	return http.StatusInternalServerError
}

// writeError maps err to a status and the error envelope. Unknown errors are
// logged and answered with a generic message (no internals leak).
func writeError(w http.ResponseWriter, r *http.Request, log *slog.Logger, err error) {
	var e *apperr.Error
	if !errors.As(err, &e) {
		log.ErrorContext(r.Context(), "request failed", "method", r.Method, "path", r.URL.Path, "err", err)
		writeJSON(w, http.StatusInternalServerError, map[string]any{"error": errorBody{Code: "internal", Message: "服务器内部错误，请稍后重试"}})
		return
	}
	body := errorBody{Code: e.Code, Message: e.Message, Fields: e.Fields}
	if !e.Until.IsZero() {
		t := e.Until
		body.LockedUntil = &t
	}
	writeJSON(w, statusOf(e.Kind), map[string]any{"error": body})
}

// maxBody bounds JSON request bodies.
const maxBody = 1 << 20

// decode reads a JSON body into v, rejecting unknown fields and trailing data.
func decode(r *http.Request, v any) error {
	ct := r.Header.Get("Content-Type")
	if !strings.HasPrefix(ct, "application/json") {
		return &apperr.Error{Kind: apperr.KindUnsupportedMedia, Code: "unsupported_media_type", Message: "请求体必须是 JSON（Content-Type: application/json）"}
	}
	dec := json.NewDecoder(io.LimitReader(r.Body, maxBody+1))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var ute *json.UnmarshalTypeError
		if errors.As(err, &ute) && ute.Field != "" {
			return apperr.InvalidField(ute.Field, "字段类型不正确")
		}
		if strings.HasPrefix(err.Error(), "json: unknown field ") {
			f := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
			return apperr.InvalidField(f, "不支持的字段")
		}
		return &apperr.Error{Kind: apperr.KindInvalid, Code: "invalid_json", Message: "请求体不是有效的 JSON"}
	}
	if dec.More() {
		return &apperr.Error{Kind: apperr.KindInvalid, Code: "invalid_json", Message: "请求体只能包含一个 JSON 对象"}
	}
	return nil
}

// pageParams reads page and page_size.
func pageParams(r *http.Request) (int, int, error) {
	q := r.URL.Query()
	page, size := 1, 20
	bad := apperr.Invalid()
	if v := q.Get("page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 1_000_000 {
			bad.Field("page", "页码应为正整数")
		}
		page = n
	}
	if v := q.Get("page_size"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 200 {
			bad.Field("page_size", "每页条数应为 1–200")
		}
		size = n
	}
	return page, size, bad.OrNil()
}

// pathID parses an integer path value.
func pathID(r *http.Request, name string) (int64, error) {
	n, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || n < 1 {
		return 0, apperr.NotFound("记录")
	}
	return n, nil
}

type page[T any] struct {
	Items []T `json:"items"`
	Total int `json:"total"`
	// TotalCapped says the list stopped counting at Total (store.DefaultTotalCap):
	// there are more rows than Total, and the UI shows "10,000+ 条".
	TotalCapped bool `json:"total_capped"`
	Page        int  `json:"page"`
	PageSize    int  `json:"page_size"`
}

// pageOfTotal is the page of a list whose total the store may have capped.
func pageOfTotal[T any](items []T, total store.Total, number, size int) page[T] {
	return page[T]{Items: items, Total: total.N, TotalCapped: total.Capped, Page: number, PageSize: size}
}

// pagingErrors adds the errors of page and page_size to bad, so that one
// answer names every wrong parameter.
func pagingErrors(r *http.Request, bad *apperr.Error) {
	var e *apperr.Error
	if _, _, err := pageParams(r); errors.As(err, &e) {
		for f, m := range e.Fields {
			bad.Field(f, m)
		}
	}
}

// pageSlice pages a list the store computes in full (arrears, rosters,
// compliance): items keep their order, total is the full count.
func pageSlice[T any](r *http.Request, items []T) (page[T], error) {
	p, size, err := pageParams(r)
	if err != nil {
		return page[T]{}, err
	}
	from := min((p-1)*size, len(items))
	to := min(from+size, len(items))
	out := items[from:to]
	if out == nil {
		out = []T{}
	}
	return page[T]{Items: out, Total: len(items), Page: p, PageSize: size}, nil
}

// writePaged answers one page of a list the store computes in full, in the
// shape {items,total,page,page_size}.
func writePaged[T any](w http.ResponseWriter, r *http.Request, items []T) error {
	pg, err := pageSlice(r, items)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, pg)
	return nil
}

type list[T any] struct {
	Items []T `json:"items"`
}
