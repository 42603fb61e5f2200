package httpapi_test

import (
	"bytes"
	"context"
	"fmt"
	"mime/multipart"
	"testing"

	"liangxin/internal/actor"
	"liangxin/internal/instructor"
	"liangxin/internal/org"
	"liangxin/internal/testenv"
)

// uploadPhoto posts data as the multipart part "file".
func uploadPhoto(c *testenv.Client, path, name string, data []byte) testenv.Response {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, _ := mw.CreateFormFile("file", name)
	fw.Write(data)
	mw.Close()
	return c.Raw("POST", path, mw.FormDataContentType(), buf.Bytes())
}

// TestVisitPhotos: the bound instructor attaches photos to its own visit;
// they are sealed at rest, served with their sniffed type and nosniff, refused
// (422 naming "file") when too big, not an image, or one too many, hidden
// (404) from another instructor, and deleted.
func TestVisitPhotos(t *testing.T) {
	e := testenv.New(t)
	ctx := actor.System(context.Background(), "test")
	name, cat, region := "洪桥照相馆", "individual_business", testenv.Hongqiao
	o, err := e.App.Orgs.Create(ctx, org.Input{Name: &name, Category: &cat, RegionCode: &region})
	if err != nil {
		t.Fatal(err)
	}
	mk := func(n string) int64 {
		in, err := e.App.Instr.Create(ctx, instructor.Input{Name: &n, RegionCode: &region})
		if err != nil {
			t.Fatal(err)
		}
		return in.ID
	}
	zhang, li := mk("张指导"), mk("李指导")
	if _, err := e.App.Instr.Assign(ctx, zhang, o.ID, "2026-01-01", ""); err != nil {
		t.Fatal(err)
	}
	e.InstructorUser("zhang", zhang)
	e.InstructorUser("lisi", li)
	cz, cl := e.Login("zhang", testenv.Password), e.Login("lisi", testenv.Password)

	res := cz.Do("POST", fmt.Sprintf("/api/v1/instructors/%d/visits", zhang), map[string]any{"organization_id": o.ID, "visited_on": "2026-11-20", "form": "走访", "content": "查看活动阵地"})
	if res.Status != 201 {
		t.Fatalf("visit: %d %s", res.Status, res.Body)
	}
	var v struct {
		ID     int64 `json:"id"`
		Photos []any `json:"photos"`
	}
	res.JSON(t, &v)
	if v.Photos == nil || len(v.Photos) != 0 {
		t.Fatalf("new visit photos = %v, want []", v.Photos)
	}
	base := fmt.Sprintf("/api/v1/instructors/%d/visits/%d/photos", zhang, v.ID)

	// A WebP photo: RIFF, size, WEBP, then anything.
	webp := append([]byte("RIFF\x20\x00\x00\x00WEBPVP8 "), bytes.Repeat([]byte{9}, 20)...)
	res = uploadPhoto(cz, base, "现场.webp", webp)
	if res.Status != 201 {
		t.Fatalf("upload: %d %s", res.Status, res.Body)
	}
	var ph struct {
		ID          int64  `json:"id"`
		ContentType string `json:"content_type"`
		Size        int64  `json:"size"`
	}
	res.JSON(t, &ph)
	if ph.ContentType != "image/webp" || ph.Size != 36 {
		t.Fatalf("photo = %+v, want image/webp of 36 bytes (16 header + 20)", ph)
	}

	// Sealed at rest: the stored value starts with the blob magic and does
	// not contain the image.
	var stored []byte
	if err := e.App.DB.QueryRow(ctx, e.App.DB, `SELECT sealed_data FROM instructor_visit_photos WHERE id = ?`, ph.ID).Scan(&stored); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(stored, []byte("LXS1")) || bytes.Contains(stored, []byte("WEBPVP8")) {
		t.Fatalf("stored photo is not sealed: %q", stored[:16])
	}

	photo := fmt.Sprintf("%s/%d", base, ph.ID)
	res = cz.Do("GET", photo, nil)
	if res.Status != 200 || !bytes.Equal(res.Body, webp) {
		t.Fatalf("get photo: %d, %d bytes", res.Status, len(res.Body))
	}
	if ct, ns := res.Header.Get("Content-Type"), res.Header.Get("X-Content-Type-Options"); ct != "image/webp" || ns != "nosniff" {
		t.Fatalf("headers: Content-Type %q, X-Content-Type-Options %q", ct, ns)
	}

	// Another instructor sees neither the photo nor the visit, by either path.
	for _, p := range []string{photo, fmt.Sprintf("/api/v1/instructors/%d/visits/%d/photos/%d", li, v.ID, ph.ID)} {
		if res := cl.Do("GET", p, nil); res.Status != 404 {
			t.Errorf("li GET %s: %d, want 404", p, res.Status)
		}
	}
	if res := uploadPhoto(cl, fmt.Sprintf("/api/v1/instructors/%d/visits/%d/photos", li, v.ID), "a.png", pngBytes); res.Status != 404 {
		t.Errorf("li upload to zhang's visit: %d, want 404", res.Status)
	}

	// Refusals name the field.
	big := append([]byte{0xFF, 0xD8, 0xFF}, make([]byte, instructor.MaxPhotoBytes)...)
	for _, tc := range []struct {
		what string
		data []byte
		want string
	}{
		{"text", []byte("not a photo at all"), "只能上传 JPG、PNG 或 WebP 格式的照片"},
		{"pdf", []byte("%PDF-1.7 xxxxxxxx"), "只能上传 JPG、PNG 或 WebP 格式的照片"},
		{"8 MB + 3 bytes", big, "每张照片不能超过 8 MB"},
		{"empty", nil, "照片是空的"},
	} {
		res := uploadPhoto(cz, base, "x.jpg", tc.data)
		var body struct {
			Error struct {
				Fields map[string]string `json:"fields"`
			} `json:"error"`
		}
		res.JSON(t, &body)
		if res.Status != 422 || body.Error.Fields["file"] != tc.want {
			t.Errorf("%s: %d %v, want 422 file=%s", tc.what, res.Status, body.Error.Fields, tc.want)
		}
	}

	// Nine photos per visit: eight more fit, the tenth is refused.
	for i := 0; i < 8; i++ {
		if res := uploadPhoto(cz, base, "a.png", pngBytes); res.Status != 201 {
			t.Fatalf("photo %d: %d %s", i+2, res.Status, res.Body)
		}
	}
	res = uploadPhoto(cz, base, "a.png", pngBytes)
	if res.Status != 422 || !bytes.Contains(res.Body, []byte("每次走访最多上传 9 张照片")) {
		t.Fatalf("tenth photo: %d %s", res.Status, res.Body)
	}

	// The visit list carries the photos.
	var visits struct {
		Items []struct {
			ID     int64 `json:"id"`
			Photos []struct {
				ID int64 `json:"id"`
			} `json:"photos"`
		} `json:"items"`
	}
	cz.Do("GET", fmt.Sprintf("/api/v1/instructors/%d/visits", zhang), nil).JSON(t, &visits)
	if len(visits.Items) != 1 || len(visits.Items[0].Photos) != 9 || visits.Items[0].Photos[0].ID != ph.ID {
		t.Fatalf("visits = %+v, want one visit with 9 photos, the first %d", visits.Items, ph.ID)
	}

	// Another instructor cannot delete it; the owner can, then it is gone.
	if res := cl.Do("DELETE", photo, nil); res.Status != 404 {
		t.Errorf("li DELETE: %d, want 404", res.Status)
	}
	if res := cz.Do("DELETE", photo, nil); res.Status != 204 {
		t.Fatalf("DELETE: %d %s", res.Status, res.Body)
	}
	if res := cz.Do("GET", photo, nil); res.Status != 404 {
		t.Fatalf("GET after delete: %d, want 404", res.Status)
	}
}
