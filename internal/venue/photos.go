package venue

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"

	"liangxin/internal/apperr"
	"liangxin/internal/audit"
	"liangxin/internal/store"
)

// MaxPhotoBytes bounds one photo (8 MiB: a phone camera's JPEG).
const MaxPhotoBytes = 8 << 20

// MaxPhotos bounds the photos of a venue, and separately of one inspection.
const MaxPhotos = 12

// Photo is a photo of a venue or evidence of one of its inspections; the
// image itself is served by OpenPhoto.
type Photo struct {
	ID           int64  `json:"id"`
	VenueID      int64  `json:"venue_id"`
	InspectionID *int64 `json:"inspection_id"` // nil for a photo of the venue itself
	ContentType  string `json:"content_type"`
	Size         int64  `json:"size"`
	CreatedBy    string `json:"created_by"`
	CreatedAt    string `json:"created_at"`
}

// sniffPhoto returns the content type of an allowed photo (JPEG, PNG or
// WebP) judged by its first bytes; "" if it is none of them.
func sniffPhoto(data []byte) string {
	switch {
	case bytes.HasPrefix(data, []byte{0xFF, 0xD8, 0xFF}):
		return "image/jpeg"
	case bytes.HasPrefix(data, []byte{0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'}):
		return "image/png"
	case len(data) >= 12 && string(data[:4]) == "RIFF" && string(data[8:12]) == "WEBP":
		return "image/webp"
	}
	return ""
}

// photos lists the photos of a venue (inspectionID 0) or of one inspection.
func (s *Service) photos(ctx context.Context, q store.Querier, venueID, inspectionID int64) ([]Photo, error) {
	cond, args := "inspection_id IS NULL", []any{venueID}
	if inspectionID != 0 {
		cond, args = "inspection_id = ?", append(args, inspectionID)
	}
	rows, err := s.DB.Query(ctx, q, `SELECT id, venue_id, inspection_id, content_type, size, created_by, created_at FROM venue_photos
		WHERE venue_id = ? AND `+cond+` ORDER BY id`, args...)
	if err != nil {
		return nil, fmt.Errorf("venue: photos: %w", err)
	}
	defer rows.Close()
	out := []Photo{}
	for rows.Next() {
		var p Photo
		var insp sql.NullInt64
		if err := rows.Scan(&p.ID, &p.VenueID, &insp, &p.ContentType, &p.Size, &p.CreatedBy, &p.CreatedAt); err != nil {
			return nil, err
		}
		if insp.Valid {
			p.InspectionID = &insp.Int64
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// AddPhoto attaches a photo to a venue (inspectionID 0) or as evidence to one
// of its inspections: JPEG, PNG or WebP by content, at most MaxPhotoBytes,
// at most MaxPhotos each (422 naming "file" otherwise).
func (s *Service) AddPhoto(ctx context.Context, venueID, inspectionID int64, r io.Reader) (Photo, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxPhotoBytes+1))
	if err != nil {
		return Photo{}, err
	}
	if len(data) > MaxPhotoBytes {
		return Photo{}, apperr.InvalidField("file", fmt.Sprintf("每张照片不能超过 %d MB", MaxPhotoBytes>>20))
	}
	if len(data) == 0 {
		return Photo{}, apperr.InvalidField("file", "照片是空的")
	}
	ct := sniffPhoto(data)
	if ct == "" {
		return Photo{}, apperr.InvalidField("file", "只能上传 JPG、PNG 或 WebP 格式的照片")
	}
	out := Photo{VenueID: venueID, ContentType: ct, Size: int64(len(data)), CreatedBy: username(ctx), CreatedAt: s.stamp()}
	var insp any
	if inspectionID != 0 {
		out.InspectionID, insp = &inspectionID, inspectionID
	}
	err = s.DB.InTx(ctx, func(tx *sql.Tx) error {
		v, err := s.get(ctx, tx, venueID)
		if err != nil {
			return err
		}
		what := "阵地照片"
		if inspectionID != 0 {
			if _, err := s.inspection(ctx, tx, venueID, inspectionID); err != nil {
				return err
			}
			what = "检查佐证照片"
		}
		have, err := s.photos(ctx, tx, venueID, inspectionID)
		if err != nil {
			return err
		}
		if len(have) >= MaxPhotos {
			return apperr.InvalidField("file", fmt.Sprintf("%s最多 %d 张", what, MaxPhotos))
		}
		if err := s.DB.QueryRow(ctx, tx, `INSERT INTO venue_photos (venue_id, inspection_id, content_type, size, data, created_by, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`, venueID, insp, ct, out.Size, data, out.CreatedBy, out.CreatedAt).Scan(&out.ID); err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "venue_photo_add", Entity: "venue", EntityID: fmt.Sprint(venueID), After: out,
			Note: fmt.Sprintf("阵地「%s」上传%s", v.Name, what)})
	})
	if err != nil {
		return Photo{}, fmt.Errorf("venue: add photo: %w", err)
	}
	return out, nil
}

// OpenPhoto returns a photo of a venue in the caller's scope with the image.
func (s *Service) OpenPhoto(ctx context.Context, venueID, photoID int64) (Photo, []byte, error) {
	if _, err := s.get(ctx, s.DB, venueID); err != nil {
		return Photo{}, nil, err
	}
	p := Photo{ID: photoID, VenueID: venueID}
	var insp sql.NullInt64
	var data []byte
	err := s.DB.QueryRow(ctx, s.DB, `SELECT inspection_id, content_type, size, data, created_by, created_at FROM venue_photos WHERE id = ? AND venue_id = ?`,
		photoID, venueID).Scan(&insp, &p.ContentType, &p.Size, &data, &p.CreatedBy, &p.CreatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return Photo{}, nil, apperr.NotFound("照片")
	}
	if err != nil {
		return Photo{}, nil, fmt.Errorf("venue: open photo: %w", err)
	}
	if insp.Valid {
		p.InspectionID = &insp.Int64
	}
	return p, data, nil
}

// DeletePhoto removes a photo of a venue (or of one of its inspections).
func (s *Service) DeletePhoto(ctx context.Context, venueID, photoID int64) error {
	err := s.DB.InTx(ctx, func(tx *sql.Tx) error {
		v, err := s.get(ctx, tx, venueID)
		if err != nil {
			return err
		}
		var size int64
		err = s.DB.QueryRow(ctx, tx, `SELECT size FROM venue_photos WHERE id = ? AND venue_id = ?`, photoID, venueID).Scan(&size)
		if errors.Is(err, sql.ErrNoRows) {
			return apperr.NotFound("照片")
		}
		if err != nil {
			return err
		}
		if _, err := s.DB.Exec(ctx, tx, `DELETE FROM venue_photos WHERE id = ?`, photoID); err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "venue_photo_delete", Entity: "venue", EntityID: fmt.Sprint(venueID),
			Before: map[string]any{"photo_id": photoID, "size": size}, Note: fmt.Sprintf("阵地「%s」删除照片 %d", v.Name, photoID)})
	})
	if err != nil {
		return fmt.Errorf("venue: delete photo: %w", err)
	}
	return nil
}
