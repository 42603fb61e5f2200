package uscc_test

import (
	"errors"
	"testing"

	"liangxin/internal/uscc"
)

// vectors are valid 统一社会信用代码 computed by hand from GB 32100, independently
// of uscc.CheckChar and uscc.Generate. Characters 3–8 are real GB/T 2260
// county codes without a zero digit (431181 祁阳, 441881 英德, 371482 禹城,
// 431381 冷水江, 421181 麻城, 411381 邓州, 341881 宁国, 321281 兴化, 441781 阳春,
// 131182 深州, 421127 黄梅), so every character of 1–17 has a non-zero value
// and a wrong weight anywhere changes the sum by Δw·v ≢ 0 mod 31; characters
// 9–17 carry letters as the post-2015 bodies do (MA…, MJ…); the registering
// bodies are 1, 5, 9 and Y; and the check characters include 0 (sum ≡ 0: the
// final mod) and letters. Each comment is value·weight summed (A=10 … H=17,
// J=18 … N=22, P=23, Q=24, R=25, T=26, U=27, W=28, X=29, Y=30). The GB 11714
// check of the body (character 17) is not computed: the product does not check it.
var vectors = []string{
	// 9·1+1·3+4·9+3·27+1·19+1·26+8·16+1·17+21·20+10·29+4·25+20·13+2·8+19·24+3·10+18·30+25·28 = 3131; 3131 mod 31 = 0; (31−0) mod 31 = 0 → 0
	"91431181MA4L2K3JR0",
	// 9·1+2·3+4·9+4·27+1·19+8·26+8·16+1·17+21·20+10·29+5·25+26·13+7·8+11·24+6·10+25·30+4·28 = 2946; 2946 mod 31 = 1; (31−1) mod 31 = 30 → Y
	"92441881MA5T7B6R4Y",
	// 9·1+3·3+3·9+7·27+1·19+4·26+8·16+2·17+21·20+10·29+3·25+12·13+8·8+13·24+9·10+22·30+8·28 = 2810; 2810 mod 31 = 20; (31−20) mod 31 = 11 → B
	"93371482MA3C8D9N8B",
	// 5·1+1·3+4·9+3·27+1·19+3·26+8·16+1·17+21·20+18·29+6·25+19·13+7·8+20·24+8·10+23·30+27·28 = 3768; 3768 mod 31 = 17; (31−17) mod 31 = 14 → E
	"51431381MJ6K7L8PUE",
	// 5·1+2·3+4·9+2·27+1·19+1·26+8·16+1·17+21·20+18·29+9·25+24·13+4·8+28·24+2·10+27·30+22·28 = 3920; 3920 mod 31 = 14; (31−14) mod 31 = 17 → H
	"52421181MJ9Q4W2UNH",
	// 5·1+3·3+4·9+1·27+1·19+3·26+8·16+1·17+21·20+18·29+3·25+29·13+5·8+30·24+7·10+17·30+22·28 = 3669; 3669 mod 31 = 11; (31−11) mod 31 = 20 → L
	"53411381MJ3X5Y7HNL",
	// 1·1+2·3+3·9+4·27+1·19+8·26+8·16+1·17+21·20+8·29+7·25+6·13+5·8+4·24+3·10+2·30+29·28 = 2457; 2457 mod 31 = 8; (31−8) mod 31 = 23 → P
	"12341881M8765432XP",
	// 30·1+1·3+3·9+2·27+1·19+2·26+8·16+1·17+21·20+12·29+9·25+14·13+8·8+15·24+7·10+16·30+29·28 = 3291; 3291 mod 31 = 5; (31−5) mod 31 = 26 → T
	"Y1321281MC9E8F7GXT",
	// 9·1+1·3+4·9+4·27+1·19+7·26+8·16+1·17+21·20+10·29+5·25+6·13+17·8+26·24+4·10+25·30+6·28 = 3133; 3133 mod 31 = 2; (31−2) mod 31 = 29 → X
	"91441781MA56HT4R6X",
	// 9·1+2·3+1·9+3·27+1·19+1·26+8·16+2·17+21·20+10·29+7·25+20·13+30·8+19·24+24·10+8·30+10·28 = 2913; 2913 mod 31 = 30; (31−30) mod 31 = 1 → 1
	"92131182MA7LYKQ8A1",
	// 9·1+1·3+4·9+2·27+1·19+1·26+2·16+7·17+21·20+10·29+12·25+1·13+28·8+13·24+3·10+14·30+16·28 = 2755; 2755 mod 31 = 27; (31−27) mod 31 = 4 → 4
	"91421127MAC1WD3EG4",
	// 431129 江华: a 9 at position 8, the last digit-only position (a zero here is fine: this
	// vector is about the digit range, not the weights).
	// 9·1+1·3+4·9+3·27+1·19+1·26+2·16+9·17+21·20+10·29+4·25+24·13+7·8+25·24+8·10+26·30+19·28 = 3529; 3529 mod 31 = 26; (31−26) mod 31 = 5 → 5
	"91431129MA4Q7R8TK5",
}

// oneOff are vectors above with one character changed: each fails its check.
var oneOff = []string{
	"91431181MA4L2K3JR1", // check 0 → 1
	"92441881MA5T7B6R4X", // check Y → X
	"93371482MA3C8D9N8C", // check B → C
	"51431381MJ6K7L8PUF", // check E → F
	"52421181MJ9Q4W2UNJ", // check H → J (I is skipped)
	"53411381MJ3X5Y7HNM", // check L → M
	"12341881M8765432XQ", // check P → Q
	"Y1321281MC9E8F7GXR", // check T → R (S is skipped)
	"91441881MA56HT4R6X", // position 7: 7 → 8
	"92131182MA7LYKQ9A1", // position 16: 8 → 9
	"91421127MAC1WD3FG4", // position 16: E → F
	"51431381MJ6K7L8QUE", // position 15: P → Q
}

// digitBoundary holds codes whose check character is right for their first 17
// characters but which carry a letter in the division code (characters 3–8):
// at its last position, 8, and its first, 3. Their arithmetic:
var digitBoundary = []struct {
	code string
	pos  int
}{
	// 9·1+1·3+4·9+3·27+1·19+1·26+8·16+10·17+21·20+10·29+4·25+20·13+2·8+19·24+3·10+18·30+25·28 = 3284; 3284 mod 31 = 29; (31−29) mod 31 = 2 → 2
	{"9143118AMA4L2K3JR2", 8},
	// 9·1+1·3+10·9+3·27+1·19+1·26+8·16+1·17+21·20+10·29+4·25+20·13+2·8+19·24+3·10+18·30+25·28 = 3185; 3185 mod 31 = 23; (31−23) mod 31 = 8 → 8
	{"91A31181MA4L2K3JR8", 3},
}

func TestVectorsValid(t *testing.T) {
	for _, v := range vectors {
		if err := uscc.Validate(v); err != nil {
			t.Errorf("Validate(%q) = %v, want nil", v, err)
		}
	}
}

func TestVectorsOneCharacterOff(t *testing.T) {
	for _, v := range oneOff {
		var e *uscc.Error
		if err := uscc.Validate(v); !errors.As(err, &e) || e.Kind != uscc.ErrCheck {
			t.Errorf("Validate(%q) = %v, want a check error", v, err)
		}
	}
}

// A letter at position 8 (or 3) is refused as a division-code character even
// though the check character matches; position 9 (M) is allowed, as every
// vector shows.
func TestDivisionCodeDigitsThroughPosition8(t *testing.T) {
	for _, c := range digitBoundary {
		var e *uscc.Error
		err := uscc.Validate(c.code)
		if !errors.As(err, &e) || e.Kind != uscc.ErrChar || e.Pos != c.pos || !e.Digit {
			t.Errorf("Validate(%q) = %#v, want a digit error at position %d", c.code, err, c.pos)
		}
	}
}

// Generate keeps in-range characters and maps the others deterministically:
// 'a' → 'A'; 'z' → 'Z', which is not in the charset → Charset['Z' % 31] = 'W';
// '0' is in the charset and stays; a 9 in the division code is a digit.
func TestGenerateCharacterEdges(t *testing.T) {
	c := uscc.Generate('a', 'z', "431129", 1)
	if c[:8] != "AW431129" || !uscc.Valid(c) {
		t.Errorf("Generate('a', 'z', 431129) = %q, want AW431129…", c)
	}
	if c := uscc.Generate('0', 'Y', "9x9", 1); c[:8] != "0Y990000" {
		t.Errorf("Generate('0', 'Y', 9x9) = %q, want 0Y990000…", c)
	}
}
