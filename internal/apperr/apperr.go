// Package apperr defines the typed errors that domain packages return and the
// HTTP and CLI edges translate into status codes and Chinese messages.
package apperr

import (
	"errors"
	"fmt"
	"time"
)

// Kind classifies an error for the edge.
type Kind int

// Error kinds.
const (
	KindInternal Kind = iota
	KindInvalid
	KindNotFound
	KindForbidden
	KindConflict
	KindUnauthenticated
	KindLocked
	KindPasswordChangeRequired
	KindUnsupportedMedia
	// KindTooMany is a caller over a rate limit (429).
	KindTooMany
)

// Error is a domain error with a stable code and a Chinese message.
type Error struct {
	Kind    Kind
	Code    string            // stable machine code, e.g. "invalid", "not_found"
	Message string            // Chinese message shown to the user
	Fields  map[string]string // field name → Chinese message, for KindInvalid
	Until   time.Time         // for KindLocked: when the lock ends
	Err     error             // wrapped cause, never shown to users
}

func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s: %s: %v", e.Code, e.Message, e.Err)
	}
	return e.Code + ": " + e.Message
}

func (e *Error) Unwrap() error { return e.Err }

// As extracts an *Error from err.
func As(err error) (*Error, bool) {
	var e *Error
	if errors.As(err, &e) {
		return e, true
	}
	return nil, false
}

// IsKind reports whether err is an *Error of kind k.
func IsKind(err error, k Kind) bool {
	e, ok := As(err)
	return ok && e.Kind == k
}

// NotFound reports a missing record (or one outside the caller's scope).
func NotFound(what string) *Error {
	return &Error{Kind: KindNotFound, Code: "not_found", Message: what + "不存在"}
}

// Forbidden reports an action the caller's role may not take.
func Forbidden() *Error {
	return &Error{Kind: KindForbidden, Code: "forbidden", Message: "没有权限执行此操作"}
}

// Conflict reports a uniqueness or state conflict.
func Conflict(msg string) *Error {
	return &Error{Kind: KindConflict, Code: "conflict", Message: msg}
}

// Unauthenticated reports a missing or expired login.
func Unauthenticated(msg string) *Error {
	if msg == "" {
		msg = "未登录或登录已过期，请重新登录"
	}
	return &Error{Kind: KindUnauthenticated, Code: "unauthenticated", Message: msg}
}

// Invalid starts a validation error; add fields with Field.
func Invalid() *Error {
	return &Error{Kind: KindInvalid, Code: "invalid", Message: "提交的数据有误", Fields: map[string]string{}}
}

// InvalidField is a validation error about a single field.
func InvalidField(field, msg string) *Error {
	return Invalid().Field(field, msg)
}

// Field adds a field message and returns e.
func (e *Error) Field(field, msg string) *Error {
	if e.Fields == nil {
		e.Fields = map[string]string{}
	}
	if _, ok := e.Fields[field]; !ok {
		e.Fields[field] = msg
	}
	// Only a plain validation error takes its message from the fields;
	// other kinds (e.g. a conflict) keep their own, more specific message.
	if e.Kind == KindInvalid {
		if len(e.Fields) == 1 {
			e.Message = msg
		} else {
			e.Message = "提交的数据有误，请检查标出的字段"
		}
	}
	return e
}

// OrNil returns e if it has field errors, else nil.
func (e *Error) OrNil() error {
	if len(e.Fields) == 0 {
		return nil
	}
	return e
}

// TooMany reports a caller over a rate limit.
func TooMany(msg string) *Error {
	return &Error{Kind: KindTooMany, Code: "too_many_requests", Message: msg}
}
