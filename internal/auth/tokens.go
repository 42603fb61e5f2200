package auth

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"liangxin/internal/actor"
	"liangxin/internal/apperr"
	"liangxin/internal/audit"
	"liangxin/internal/store"
)

// Token is an API token as listed (never the secret).
type Token struct {
	ID         int64      `json:"id"`
	Name       string     `json:"name"`
	Prefix     string     `json:"prefix"`
	CreatedAt  time.Time  `json:"created_at"`
	LastUsedAt *time.Time `json:"last_used_at"`
	RevokedAt  *time.Time `json:"revoked_at"`
}

func self(ctx context.Context) (actor.Actor, error) {
	a, ok := actor.From(ctx)
	if !ok || a.UserID == 0 {
		return a, apperr.Unauthenticated("")
	}
	return a, nil
}

// ListTokens lists the caller's tokens.
func (s *Service) ListTokens(ctx context.Context) ([]Token, error) {
	ctx = store.WithOp(ctx, "auth.ListTokens")
	a, err := self(ctx)
	if err != nil {
		return nil, err
	}
	return s.tokensOf(ctx, a.UserID)
}

func (s *Service) tokensOf(ctx context.Context, userID int64) ([]Token, error) {
	rows, err := s.DB.Query(ctx, s.DB, `SELECT id, name, prefix, created_at, last_used_at, revoked_at FROM api_tokens WHERE user_id = ? ORDER BY id`, userID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Token{}
	for rows.Next() {
		var t Token
		var created string
		var last, revoked sql.NullString
		if err := rows.Scan(&t.ID, &t.Name, &t.Prefix, &created, &last, &revoked); err != nil {
			return nil, err
		}
		t.CreatedAt, _ = store.ParseTime(created)
		t.LastUsedAt = store.NullTime(last)
		t.RevokedAt = store.NullTime(revoked)
		out = append(out, t)
	}
	return out, rows.Err()
}

// CreateToken creates a token for the caller and returns the secret once.
func (s *Service) CreateToken(ctx context.Context, name string) (Token, string, error) {
	ctx = store.WithOp(ctx, "auth.CreateToken")
	a, err := self(ctx)
	if err != nil {
		return Token{}, "", err
	}
	return s.createToken(ctx, a.UserID, name)
}

// CreateTokenFor creates a token for the named user (CLI, system actor only).
func (s *Service) CreateTokenFor(ctx context.Context, username, name string) (Token, string, error) {
	ctx = store.WithOp(ctx, "auth.CreateTokenFor")
	u, err := s.UserByUsername(ctx, username)
	if err != nil {
		return Token{}, "", err
	}
	return s.createToken(ctx, u.ID, name)
}

func (s *Service) createToken(ctx context.Context, userID int64, name string) (Token, string, error) {
	name = strings.TrimSpace(name)
	if name == "" || utf8.RuneCountInString(name) > 50 {
		return Token{}, "", apperr.InvalidField("name", "令牌名称不能为空且不能超过 50 个字")
	}
	secret := TokenPrefix + randomToken(32)
	var t Token
	err := s.DB.InTx(ctx, func(tx *sql.Tx) error {
		now := s.Now()
		t = Token{Name: name, Prefix: secret[:10], CreatedAt: now}
		if err := s.DB.QueryRow(ctx, tx, `INSERT INTO api_tokens (user_id, name, token_hash, prefix, created_at) VALUES (?, ?, ?, ?, ?) RETURNING id`,
			userID, name, hashSecret(secret), t.Prefix, store.FormatTime(now)).Scan(&t.ID); err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "token_create", Entity: "api_token", EntityID: fmt.Sprint(t.ID),
			After: map[string]any{"user_id": userID, "name": name, "prefix": t.Prefix}})
	})
	if err != nil {
		return Token{}, "", err
	}
	return t, secret, nil
}

// RevokeToken revokes one of the caller's tokens.
func (s *Service) RevokeToken(ctx context.Context, id int64) error {
	a, err := self(ctx)
	if err != nil {
		return err
	}
	return s.revokeToken(ctx, a.UserID, id)
}

// RevokeTokenFor revokes a named token of a user (CLI).
func (s *Service) RevokeTokenFor(ctx context.Context, username, name string) (int, error) {
	u, err := s.UserByUsername(ctx, username)
	if err != nil {
		return 0, err
	}
	ts, err := s.tokensOf(ctx, u.ID)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, t := range ts {
		if t.Name == name && t.RevokedAt == nil {
			if err := s.revokeToken(ctx, u.ID, t.ID); err != nil {
				return n, err
			}
			n++
		}
	}
	if n == 0 {
		return 0, apperr.NotFound("有效的 API 令牌「" + name + "」")
	}
	return n, nil
}

func (s *Service) revokeToken(ctx context.Context, userID, id int64) error {
	return s.DB.InTx(ctx, func(tx *sql.Tx) error {
		res, err := s.DB.Exec(ctx, tx, `UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND user_id = ? AND revoked_at IS NULL`,
			store.FormatTime(s.Now()), id, userID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return apperr.NotFound("API 令牌")
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "token_revoke", Entity: "api_token", EntityID: fmt.Sprint(id)})
	})
}
