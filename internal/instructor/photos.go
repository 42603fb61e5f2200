package instructor

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

// MaxPhotoBytes bounds one visit photo (8 MiB: a phone camera's JPEG).
const MaxPhotoBytes = 8 << 20

// MaxPhotosPerVisit bounds the photos of one visit.
const MaxPhotosPerVisit = 9

// Photo is a photo of a visit; the image itself is served by OpenPhoto.
type Photo struct {
	ID          int64  `json:"id"`
	VisitID     int64  `json:"visit_id"`
	ContentType string `json:"content_type"`
	Size        int64  `json:"size"`
	CreatedAt   string `json:"created_at"`
}

// SniffPhoto returns the content type of an allowed photo (JPEG, PNG or
// WebP) judged by its first bytes; "" if it is none of them.
func SniffPhoto(data []byte) string { return sealedfile.SniffImage(data) }

// photoKind is the sealed-file kind of a visit photo.
var photoKind = sealedfile.Kind{MaxBytes: MaxPhotoBytes, Sniff: sealedfile.SniffImage,
	TooBig: fmt.Sprintf("每张照片不能超过 %d MB", MaxPhotoBytes>>20), Empty: "照片是空的", WrongType: "只能上传 JPG、PNG 或 WebP 格式的照片"}

// visitOf checks that the instructor is visible to the caller (the bound
// instructor sees only its own record) and that the visit is one of its
// visits; 404 otherwise.
func (s *Service) visitOf(ctx context.Context, q store.Querier, id, visitID int64) error {
	if _, err := s.get(ctx, q, id); err != nil {
		return err
	}
	var n int
	if err := s.DB.QueryRow(ctx, q, `SELECT COUNT(*) FROM instructor_visits WHERE id = ? AND instructor_id = ?`, visitID, id).Scan(&n); err != nil {
		return fmt.Errorf("instructor: visit of: %w", err)
	}
	if n == 0 {
		return apperr.NotFound("走访记录")
	}
	return nil
}

// AddPhoto attaches a photo to a visit of the instructor: at most
// MaxPhotoBytes, JPEG, PNG or WebP by content, at most MaxPhotosPerVisit per
// visit (422 naming the field "file" otherwise). The image is sealed with the
// personal-data key before it is stored.
func (s *Service) AddPhoto(ctx context.Context, id, visitID int64, r io.Reader) (Photo, error) {
	if err := s.visitOf(ctx, s.DB, id, visitID); err != nil {
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
	out := Photo{VisitID: visitID, ContentType: ct, Size: int64(len(data)), CreatedAt: store.FormatTime(s.Now())}
	err = s.DB.InTx(ctx, func(tx *sql.Tx) error {
		if err := s.visitOf(ctx, tx, id, visitID); err != nil {
			return err
		}
		var n int
		if err := s.DB.QueryRow(ctx, tx, `SELECT COUNT(*) FROM instructor_visit_photos WHERE visit_id = ?`, visitID).Scan(&n); err != nil {
			return err
		}
		if n >= MaxPhotosPerVisit {
			return apperr.InvalidField("file", fmt.Sprintf("每次走访最多上传 %d 张照片", MaxPhotosPerVisit))
		}
		if err := s.DB.QueryRow(ctx, tx, `INSERT INTO instructor_visit_photos (visit_id, content_type, size, sealed_data, created_at)
			VALUES (?, ?, ?, ?, ?) RETURNING id`, visitID, ct, out.Size, sealed, out.CreatedAt).Scan(&out.ID); err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "instructor_visit_photo_add", Entity: "instructor", EntityID: fmt.Sprint(id), After: out})
	})
	if err != nil {
		return Photo{}, fmt.Errorf("instructor: add photo: %w", err)
	}
	return out, nil
}

// OpenPhoto returns a photo of a visit of the instructor, opened; 404 when
// the caller may not see the instructor or the photo is not of that visit.
func (s *Service) OpenPhoto(ctx context.Context, id, visitID, photoID int64) (Photo, []byte, error) {
	if err := s.visitOf(ctx, s.DB, id, visitID); err != nil {
		return Photo{}, nil, err
	}
	m, data, err := sealedfile.Open(ctx, s.DB, s.DB, s.protector, "instructor_visit_photos", "visit_id", visitID, photoID)
	if errors.Is(err, sql.ErrNoRows) {
		return Photo{}, nil, apperr.NotFound("照片")
	}
	if err != nil {
		return Photo{}, nil, fmt.Errorf("instructor: open photo %d: %w", photoID, err)
	}
	return Photo{ID: photoID, VisitID: visitID, ContentType: m.ContentType, Size: m.Size, CreatedAt: m.CreatedAt}, data, nil
}

// DeletePhoto removes a photo of a visit of the instructor.
func (s *Service) DeletePhoto(ctx context.Context, id, visitID, photoID int64) error {
	err := s.DB.InTx(ctx, func(tx *sql.Tx) error {
		if err := s.visitOf(ctx, tx, id, visitID); err != nil {
			return err
		}
		ph := Photo{ID: photoID, VisitID: visitID}
		err := s.DB.QueryRow(ctx, tx, `SELECT content_type, size, created_at FROM instructor_visit_photos WHERE id = ? AND visit_id = ?`,
			photoID, visitID).Scan(&ph.ContentType, &ph.Size, &ph.CreatedAt)
		if errors.Is(err, sql.ErrNoRows) {
			return apperr.NotFound("照片")
		}
		if err != nil {
			return err
		}
		if _, err := s.DB.Exec(ctx, tx, `DELETE FROM instructor_visit_photos WHERE id = ?`, photoID); err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "instructor_visit_photo_delete", Entity: "instructor", EntityID: fmt.Sprint(id), Before: ph})
	})
	if err != nil {
		return fmt.Errorf("instructor: delete photo: %w", err)
	}
	return nil
}

// loadPhotos fills in the photos (without the images) of a list of visits.
func (s *Service) loadPhotos(ctx context.Context, id int64, visits []Visit) error {
	if len(visits) == 0 {
		return nil
	}
	at := map[int64]int{}
	for i := range visits {
		visits[i].Photos = []Photo{}
		at[visits[i].ID] = i
	}
	rows, err := s.DB.Query(ctx, s.DB, `SELECT p.id, p.visit_id, p.content_type, p.size, p.created_at FROM instructor_visit_photos p
		JOIN instructor_visits v ON v.id = p.visit_id WHERE v.instructor_id = ? ORDER BY p.visit_id, p.id`, id)
	if err != nil {
		return fmt.Errorf("instructor: load photos: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var ph Photo
		if err := rows.Scan(&ph.ID, &ph.VisitID, &ph.ContentType, &ph.Size, &ph.CreatedAt); err != nil {
			return err
		}
		if i, ok := at[ph.VisitID]; ok {
			visits[i].Photos = append(visits[i].Photos, ph)
		}
	}
	return rows.Err()
}
