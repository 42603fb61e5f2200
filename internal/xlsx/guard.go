package xlsx

import (
	"bytes"
	"errors"
	"io"
)

// encoding/xml buffers a whole token (a run of character data, a tag with
// its attributes, a comment, a CDATA section) before returning it, so a
// single cell of 190 MB, compressed to a few hundred KB, would be held in
// memory several times over before any length check could run. tokenGuard
// sits between the inflated part and the decoder and fails as soon as one
// token grows past its bound, so the decoder never holds more than that.

var (
	errTokenTooLong = errors.New("xlsx: XML token longer than the limit")
	errDoctype      = errors.New("xlsx: DOCTYPE in a workbook part")
)

// tokenLimit is the longest token accepted: a cell at the character limit
// written entirely as numeric character references (&#x10FFFF; is 10 bytes)
// plus room for its tag.
func tokenLimit(l Limits) int { return l.MaxCellChars*10 + 64<<10 }

// maxCellBytes bounds the decoded bytes of one value before the _xHHHH_
// escapes are undone (each is 7 bytes for one character).
func maxCellBytes(l Limits) int { return l.MaxCellChars * 7 }

func cellTooLong(l Limits, row int) error {
	return fileErr(ErrLimit, "单元格内容超过 %d 个字符（第 %d 行）", l.MaxCellChars, row)
}

func doctypeErr() error {
	return fileErr(ErrCorrupt, "文件已损坏或不是有效的 xlsx 文件（含有文档类型声明），无法读取")
}

const (
	modeText    = iota // character data or a tag: a token ends at the next '<'
	modeOpen           // just after '<'
	modeBang           // just after "<!"
	modeComment        // inside <!-- … -->, which may hold '<'
	modeCDATA          // inside <![CDATA[ … ]]>
	modePI             // inside <? … ?>
)

type tokenGuard struct {
	r     io.Reader
	max   int
	since int // bytes of the current token
	mode  int
	run   int // closing characters seen in a special section
	err   error
}

func newTokenGuard(r io.Reader, max int) *tokenGuard { return &tokenGuard{r: r, max: max} }

func (g *tokenGuard) Read(p []byte) (int, error) {
	if g.err != nil {
		return 0, g.err
	}
	n, err := g.r.Read(p)
	if e := g.scan(p[:n]); e != nil {
		g.err = e
		return 0, e
	}
	return n, err
}

func (g *tokenGuard) scan(b []byte) error {
	for i := 0; i < len(b); {
		if g.mode == modeText {
			j := bytes.IndexByte(b[i:], '<')
			if j < 0 {
				g.since += len(b) - i
				i = len(b)
			} else {
				g.since += j
				i += j + 1
				if g.since > g.max {
					return errTokenTooLong
				}
				g.since, g.mode = 1, modeOpen
			}
			if g.since > g.max {
				return errTokenTooLong
			}
			continue
		}
		c := b[i]
		i++
		g.since++
		if g.since > g.max {
			return errTokenTooLong
		}
		switch g.mode {
		case modeOpen:
			switch c {
			case '!':
				g.mode = modeBang
			case '?':
				g.mode, g.run = modePI, 0
			default:
				g.mode = modeText
			}
		case modeBang:
			switch c {
			case '-':
				g.mode, g.run = modeComment, 0
			case '[':
				g.mode, g.run = modeCDATA, 0
			default:
				return errDoctype
			}
		case modeComment, modeCDATA:
			closer := byte('-')
			if g.mode == modeCDATA {
				closer = ']'
			}
			switch {
			case c == closer:
				g.run++
			case c == '>' && g.run >= 2:
				g.mode, g.since = modeText, 0
			default:
				g.run = 0
			}
		case modePI:
			switch {
			case c == '?':
				g.run = 1
			case c == '>' && g.run == 1:
				g.mode, g.since = modeText, 0
			default:
				g.run = 0
			}
		}
	}
	return nil
}
