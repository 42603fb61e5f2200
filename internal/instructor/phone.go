package instructor

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"liangxin/internal/audit"
	"liangxin/internal/pdata"
	"liangxin/internal/xlsx"
)

// NormalizePhone is the form a phone number is hashed and sealed in: text
// normalised (full-width digits to ASCII) and spaces removed.
func NormalizePhone(s string) string {
	return strings.ReplaceAll(xlsx.NormalizeText(s), " ", "")
}

func (s *Service) protector() (*pdata.Protector, error) {
	if s.Protector == nil {
		return nil, errors.New("instructor: no personal-data protector wired")
	}
	return s.Protector()
}

// setPhone stores phone (normalised, "" for none) on out: sealed, hashed
// and masked. An unchanged number keeps its sealed value.
func (s *Service) setPhone(out *Instructor, phone string) error {
	if phone == "" {
		out.Phone, out.phoneEnc, out.phoneHash = "", "", ""
		return nil
	}
	p, err := s.protector()
	if err != nil {
		return err
	}
	h := p.Hash(phone)
	if h == out.phoneHash && out.phoneEnc != "" {
		return nil
	}
	enc, err := p.Encrypt(phone)
	if err != nil {
		return err
	}
	out.Phone, out.phoneEnc, out.phoneHash = pdata.MaskPhone(phone), enc, h
	return nil
}

// phoneIs reports whether in's stored number is phone (normalised).
func (s *Service) phoneIs(in Instructor, phone string) bool {
	p, err := s.protector()
	return err == nil && phone != "" && in.phoneHash == p.Hash(phone)
}

// Reveal returns one instructor (inside the caller's scope) with the phone
// number in full, and audits the view naming whose number was shown. The
// caller checks auth.PermMemberReveal.
func (s *Service) Reveal(ctx context.Context, id int64) (Instructor, error) {
	var out Instructor
	err := s.DB.InTx(ctx, func(tx *sql.Tx) error {
		in, err := s.get(ctx, tx, id)
		if err != nil {
			return err
		}
		out = in
		if in.phoneEnc != "" {
			p, err := s.protector()
			if err != nil {
				return err
			}
			if out.Phone, err = p.Decrypt(in.phoneEnc); err != nil {
				return fmt.Errorf("instructor: reveal %d: %w", id, err)
			}
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "instructor_reveal", Entity: "instructor", EntityID: fmt.Sprint(id),
			After: map[string]any{"id": id, "name": in.Name, "phone": in.Phone},
			Note:  fmt.Sprintf("查看党建指导员「%s」（编号 %d）的完整联系电话 %s", in.Name, id, in.Phone)})
	})
	return out, err
}

// SealLegacyPhones moves phone numbers kept in clear (instructors.phone,
// written before migration 0015) into the sealed columns and empties the
// clear column. It runs at start-up, is idempotent and resumable (batches,
// each in its own transaction), and returns how many numbers it sealed.
func (s *Service) SealLegacyPhones(ctx context.Context) (int, error) {
	var n int
	for {
		var left int
		if err := s.DB.QueryRowContext(ctx, `SELECT COUNT(*) FROM instructors WHERE phone <> ''`).Scan(&left); err != nil {
			return n, fmt.Errorf("instructor: seal legacy phones: %w", err)
		}
		if left == 0 {
			return n, nil
		}
		p, err := s.protector()
		if err != nil {
			return n, err
		}
		done := 0
		err = s.DB.InTx(ctx, func(tx *sql.Tx) error {
			rows, err := s.DB.Query(ctx, tx, `SELECT id, phone FROM instructors WHERE phone <> '' ORDER BY id LIMIT 500`)
			if err != nil {
				return err
			}
			type clear struct {
				id    int64
				phone string
			}
			var batch []clear
			for rows.Next() {
				var c clear
				if err := rows.Scan(&c.id, &c.phone); err != nil {
					rows.Close()
					return err
				}
				batch = append(batch, c)
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return err
			}
			for _, c := range batch {
				phone := NormalizePhone(c.phone)
				enc, err := p.Encrypt(phone)
				if err != nil {
					return err
				}
				mask := ""
				if phone != "" {
					mask = pdata.MaskPhone(phone)
				}
				if _, err := s.DB.Exec(ctx, tx, `UPDATE instructors SET phone = '', phone_enc = ?, phone_hash = ?, phone_mask = ? WHERE id = ?`,
					enc, p.Hash(phone), mask, c.id); err != nil {
					return err
				}
			}
			done = len(batch)
			return nil
		})
		if err != nil {
			return n, fmt.Errorf("instructor: seal legacy phones: %w", err)
		}
		n += done
	}
}
