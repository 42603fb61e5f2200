package pdata

import (
	"encoding/base64"
	"strings"
	"testing"
)

// idVectors are valid 18-character 身份证号 computed by hand from GB 11643,
// independently of CheckChar: every one of the first 17 digits is non-zero
// (so a wrong weight at any position changes the sum by Δw·d ≢ 0 mod 11), the
// regions are real GB/T 2260 county codes (431181 祁阳, 441881 英德, 371482 禹城,
// 431381 冷水江, 421181 麻城, 411381 邓州, 341881 宁国, 321281 兴化, 441781 阳春,
// 131182 深州, 421127 黄梅), and the check characters cover all eleven of
// "10X98765432" (sum mod 11 = 0…10). Each comment is digit·weight summed.
var idVectors = []string{
	// The standard's own example.
	"11010519491231002X",
	// 4·7+3·9+1·10+1·5+8·8+1·4+1·2+9·1+8·6+7·3+1·7+2·9+1·10+3·5+1·8+1·4+2·2 = 284; 284 mod 11 = 9 → 3
	"431181198712131123",
	// 4·7+4·9+1·10+8·5+8·8+1·4+1·2+9·1+6·6+8·3+1·7+1·9+2·10+7·5+2·8+1·4+9·2 = 362; 362 mod 11 = 10 → 2
	"441881196811272192",
	// 3·7+7·9+1·10+4·5+8·8+2·4+1·2+9·1+9·6+5·3+1·7+2·9+2·10+9·5+3·8+1·4+7·2 = 398; 398 mod 11 = 2 → X
	"37148219951229317X",
	// 4·7+3·9+1·10+3·5+8·8+1·4+1·2+9·1+7·6+9·3+1·7+1·9+1·10+1·5+4·8+1·4+1·2 = 297; 297 mod 11 = 0 → 1
	"431381197911114111",
	// 4·7+2·9+1·10+1·5+8·8+1·4+1·2+9·1+8·6+3·3+1·7+2·9+1·10+6·5+5·8+1·4+7·2 = 320; 320 mod 11 = 1 → 0
	"421181198312165170",
	// 4·7+1·9+1·10+3·5+8·8+1·4+1·2+9·1+9·6+1·3+1·7+1·9+2·10+5·5+6·8+2·4+9·2 = 333; 333 mod 11 = 3 → 9
	"411381199111256299",
	// 3·7+4·9+1·10+8·5+8·8+1·4+1·2+9·1+5·6+6·3+1·7+2·9+1·10+8·5+6·8+9·4+9·2 = 411; 411 mod 11 = 4 → 8
	"341881195612186998",
	// 3·7+2·9+1·10+2·5+8·8+1·4+1·2+9·1+6·6+4·3+1·7+1·9+1·10+9·5+7·8+9·4+4·2 = 357; 357 mod 11 = 5 → 7
	"321281196411197947",
	// 4·7+4·9+1·10+7·5+8·8+1·4+1·2+9·1+7·6+7·3+1·7+2·9+2·10+4·5+8·8+9·4+4·2 = 424; 424 mod 11 = 6 → 6
	"441781197712248946",
	// 1·7+3·9+1·10+1·5+8·8+2·4+1·2+9·1+9·6+9·3+1·7+2·9+3·10+1·5+1·8+1·4+4·2 = 293; 293 mod 11 = 7 → 5
	"131182199912311145",
	// 4·7+2·9+1·10+1·5+2·8+7·4+1·2+9·1+8·6+5·3+1·7+1·9+2·10+8·5+1·8+9·4+3·2 = 305; 305 mod 11 = 8 → 4
	"421127198511281934",
}

// idOneOff are the vectors above with exactly one character changed; each
// must be refused for its check character.
var idOneOff = []string{
	"431181198712131122", // check 3 → 2 (sum mod 11 = 9: the last two of 10X98765432 swapped would accept it)
	"441881196811272193", // check 2 → 3 (sum mod 11 = 10)
	"371482199512293170", // check X → 0
	"431381197911114112", // check 1 → 2
	"421181198312165171", // check 0 → 1
	"411381199111256298", // check 9 → 8
	"341881195612186999", // check 8 → 9
	"331281196411197947", // position 2: 2 → 3
	"441781197712248936", // position 16: 4 → 3
	"131182199912311155", // position 16: 4 → 5
	"421127198511281944", // position 17: 3 → 4
	"11010519491231003X", // the standard's example, position 17: 2 → 3
}

func TestIDVectorsValid(t *testing.T) {
	for _, v := range idVectors {
		info, err := ParseID(v, today)
		if err != nil {
			t.Errorf("ParseID(%q) = %v, want valid", v, err)
			continue
		}
		if info.Number != v {
			t.Errorf("ParseID(%q).Number = %q", v, info.Number)
		}
		if got := CheckChar(v[:17]); got != v[17] {
			t.Errorf("CheckChar(%q) = %c, want %c", v[:17], got, v[17])
		}
	}
}

func TestIDVectorsOneCharacterOff(t *testing.T) {
	for _, v := range idOneOff {
		_, err := ParseID(v, today)
		if err == nil || !strings.Contains(err.Error(), "校验位") {
			t.Errorf("ParseID(%q) = %v, want a check-character error", v, err)
		}
	}
}

// ParseID at its other edges: the earliest accepted birth year, 1900, and the
// year before it; a letter among the first 17 characters is reported as such
// (not as a wrong check character).
func TestParseIDEdges(t *testing.T) {
	// 4·7+3·9+1·10+1·5+2·8+1·4+1·2+9·1+0·6+0·3+0·7+1·9+0·10+1·5+1·8+2·4+3·2 = 137; 137 mod 11 = 5 → 7
	if info, err := ParseID("431121190001011237", today); err != nil || info.BirthDate.Year() != 1900 {
		t.Errorf("born 1900-01-01: %v %+v", err, info)
	}
	// 4·7+3·9+1·10+1·5+2·8+1·4+1·2+8·1+9·6+9·3+1·7+2·9+3·10+1·5+1·8+2·4+3·2 = 263; 263 mod 11 = 10 → 2
	if _, err := ParseID("431121189912311232", today); err == nil || !strings.Contains(err.Error(), "出生日期无效") {
		t.Errorf("born 1899-12-31: %v, want an invalid birth date", err)
	}
	if _, err := ParseID("4311211987121311A3", today); err == nil || !strings.Contains(err.Error(), "前17位必须是数字") {
		t.Errorf("a letter at position 17: %v", err)
	}
}

// MaskID never shows a short value in full: 10 characters or fewer are all hidden.
func TestMaskIDShort(t *testing.T) {
	for in, want := range map[string]string{"1234567890": "**********", "12345678901": "123456*8901", "": ""} {
		if got := MaskID(in); got != want {
			t.Errorf("MaskID(%q) = %q, want %q", in, got, want)
		}
	}
}

// A sealed value as long as the nonce alone is malformed (no ciphertext, no tag).
func TestDecryptNonceOnly(t *testing.T) {
	p, err := New(make([]byte, KeySize), CipherSM4)
	if err != nil {
		t.Fatal(err)
	}
	nonceOnly := "sm4:" + base64.RawStdEncoding.EncodeToString(make([]byte, 12))
	if _, err := p.Decrypt(nonceOnly); err == nil || !strings.Contains(err.Error(), "cannot open") {
		t.Errorf("Decrypt(nonce only) = %v, want the open failure", err)
	}
	if _, err := p.Decrypt("sm4:" + base64.RawStdEncoding.EncodeToString(make([]byte, 11))); err == nil || !strings.Contains(err.Error(), "malformed") {
		t.Errorf("Decrypt(11 bytes) = %v, want malformed", err)
	}
}
