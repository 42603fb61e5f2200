package wish

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"

	"liangxin/internal/apperr"
	"liangxin/internal/audit"
	"liangxin/internal/sealedfile"
	"liangxin/internal/store"
)

// MaxPhotoBytes bounds one photo (8 MiB, a phone camera's JPEG).
const MaxPhotoBytes = 8 << 20

// MaxPhotos bounds the photos of one wish.
const MaxPhotos = 9

// Photo is an evidence photo of a fulfilled wish; the image is served by OpenPhoto.
type Photo struct {
	ID          int64  `json:"id"`
	ContentType string `json:"content_type"`
	Size        int64  `json:"size"`
	CreatedAt   string `json:"created_at"`
}

// SniffPhoto returns the content type of an allowed photo (JPEG, PNG or
// WebP) judged by its first bytes; "" if it is none of them.
func SniffPhoto(data []byte) string { return sealedfile.SniffImage(data) }

// photoKind is the sealed-file kind of a wish photo.
var photoKind = sealedfile.Kind{MaxBytes: MaxPhotoBytes, Sniff: sealedfile.SniffImage,
	TooBig: fmt.Sprintf("每张照片不能超过 %d MB", MaxPhotoBytes>>20), Empty: "照片是空的", WrongType: "只能上传 JPG、PNG 或 WebP 格式的照片"}

func (s *Service) photos(ctx context.Context, q store.Querier, id int64) ([]Photo, error) {
	rows, err := s.DB.Query(ctx, q, `SELECT id, content_type, size, created_at FROM wish_photos WHERE wish_id = ? ORDER BY id`, id)
	if err != nil {
		return nil, fmt.Errorf("wish: photos %d: %w", id, err)
	}
	defer rows.Close()
	out := []Photo{}
	for rows.Next() {
		var p Photo
		if err := rows.Scan(&p.ID, &p.ContentType, &p.Size, &p.CreatedAt); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// AddPhoto attaches an evidence photo to a claimed or fulfilled wish: at
// most MaxPhotoBytes, JPEG, PNG or WebP by content, at most MaxPhotos (422
// naming "file" otherwise). The image is sealed with the personal-data key
// (a photo can show the wisher) before it is stored.
func (s *Service) AddPhoto(ctx context.Context, id int64, r io.Reader) (Photo, error) {
	if _, err := s.get(ctx, s.DB, id); err != nil {
		return Photo{}, err
	}
	data, ct, err := photoKind.Read(r)
	if err != nil {
		return Photo{}, err
	}
	sealed, err := sealedfile.Seal(s.protector, data)
	if err != nil {
		return Photo{}, err
	}
	out := Photo{ContentType: ct, Size: int64(len(data)), CreatedAt: s.stamp()}
	err = s.DB.InTx(ctx, func(tx *sql.Tx) error {
		if err := s.sweep(ctx, tx); err != nil {
			return err
		}
		w, err := s.get(ctx, tx, id)
		if err != nil {
			return err
		}
		if w.State != StateClaimed && w.State != StateFulfilled {
			return apperr.InvalidField("file", "只有已认领或已完成待确认的微心愿可以上传完成照片")
		}
		if len(w.Photos) >= MaxPhotos {
			return apperr.InvalidField("file", fmt.Sprintf("每个微心愿最多上传 %d 张照片", MaxPhotos))
		}
		if err := s.DB.QueryRow(ctx, tx, `INSERT INTO wish_photos (wish_id, content_type, size, sealed_data, created_at) VALUES (?, ?, ?, ?, ?) RETURNING id`,
			id, ct, out.Size, sealed, out.CreatedAt).Scan(&out.ID); err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "wish_photo_add", Entity: "wish", EntityID: fmt.Sprint(id), After: out,
			Note: fmt.Sprintf("微心愿（编号 %d）上传完成照片", id)})
	})
	if err != nil {
		return Photo{}, fmt.Errorf("wish: add photo: %w", err)
	}
	return out, nil
}

// OpenPhoto returns a photo of a wish in the caller's scope, opened.
func (s *Service) OpenPhoto(ctx context.Context, id, photoID int64) (Photo, []byte, error) {
	if _, err := s.get(ctx, s.DB, id); err != nil {
		return Photo{}, nil, err
	}
	m, data, err := sealedfile.Open(ctx, s.DB, s.DB, s.protector, "wish_photos", "wish_id", id, photoID)
	if errors.Is(err, sql.ErrNoRows) {
		return Photo{}, nil, apperr.NotFound("照片")
	}
	if err != nil {
		return Photo{}, nil, fmt.Errorf("wish: open photo %d: %w", photoID, err)
	}
	return Photo{ID: photoID, ContentType: m.ContentType, Size: m.Size, CreatedAt: m.CreatedAt}, data, nil
}
