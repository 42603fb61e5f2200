package instructor

import "testing"

// TestSniffPhoto: the type comes from the first bytes only; a WebP needs
// both RIFF and WEBP, and other RIFF files (WAV, AVI) or documents are not
// photos.
func TestSniffPhoto(t *testing.T) {
	for _, tc := range []struct {
		name string
		data string
		want string
	}{
		{"jpeg", "\xFF\xD8\xFF\xE0rest", "image/jpeg"},
		{"png", "\x89PNG\r\n\x1A\nrest", "image/png"},
		{"webp", "RIFF\x10\x00\x00\x00WEBPVP8 ", "image/webp"},
		{"wav", "RIFF\x10\x00\x00\x00WAVEfmt ", ""},
		{"short riff", "RIFF\x10\x00", ""},
		{"pdf", "%PDF-1.7", ""},
		{"gif", "GIF89a", ""},
		{"svg", "<svg xmlns=", ""},
		{"empty", "", ""},
	} {
		if got := SniffPhoto([]byte(tc.data)); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
}
