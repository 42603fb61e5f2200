package sealedfile

import (
	"bytes"
	"testing"

	"liangxin/internal/apperr"
)

// TestSniff: the type comes from the first bytes only; a WebP needs both
// RIFF and WEBP; a PDF only where PDFs are allowed.
func TestSniff(t *testing.T) {
	for _, tc := range []struct {
		data      string
		image, pf string
	}{
		{"\xFF\xD8\xFF\xE0rest", JPEG, JPEG},
		{"\x89PNG\r\n\x1A\nrest", PNG, PNG},
		{"RIFF\x00\x00\x00\x00WEBPVP8 ", WebP, WebP},
		{"RIFF\x00\x00\x00\x00WAVE", "", ""},
		{"%PDF-1.7", "", PDF},
		{"GIF89a", "", ""},
		{"", "", ""},
	} {
		if got := SniffImage([]byte(tc.data)); got != tc.image {
			t.Errorf("SniffImage(%q) = %q, want %q", tc.data, got, tc.image)
		}
		if got := SniffImageOrPDF([]byte(tc.data)); got != tc.pf {
			t.Errorf("SniffImageOrPDF(%q) = %q, want %q", tc.data, got, tc.pf)
		}
	}
}

// TestKindRead: at most MaxBytes (MaxBytes itself passes, one more byte is
// refused), not empty, a known type; each refusal names the field "file".
func TestKindRead(t *testing.T) {
	k := Kind{MaxBytes: 16, Sniff: SniffImage, TooBig: "太大", Empty: "空的", WrongType: "类型不对"}
	jpeg := func(n int) []byte { return append([]byte{0xFF, 0xD8, 0xFF}, bytes.Repeat([]byte{0}, n-3)...) }
	data, ct, err := k.Read(bytes.NewReader(jpeg(16)))
	if err != nil || ct != JPEG || len(data) != 16 {
		t.Fatalf("16 bytes: %v %q %d", err, ct, len(data))
	}
	for _, tc := range []struct {
		in   []byte
		want string
	}{
		{jpeg(17), "太大"},
		{nil, "空的"},
		{[]byte("GIF89a"), "类型不对"},
	} {
		_, _, err := k.Read(bytes.NewReader(tc.in))
		e, ok := apperr.As(err)
		if !ok || e.Fields["file"] != tc.want {
			t.Errorf("%d bytes: %v, want file: %s", len(tc.in), err, tc.want)
		}
	}
}
