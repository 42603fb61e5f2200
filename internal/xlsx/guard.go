package xlsx

import "errors"

// An XML decoder buffers a whole token before returning it, so a single
// cell of 190 MB, compressed to a few hundred KB, would be held in memory
// several times over before any length check could run. The sheet scanner
// (scan.go) therefore bounds a tag, and a run of character data it keeps,
// while it reads them, and skips what it does not keep (comments, text
// outside values) without holding it.

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
