package xlsx

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"strconv"
	"unicode/utf8"
)

// xmlScan is a byte scanner for the two hot parts of a workbook, the
// worksheet and the shared-string table. It knows only what those parts
// use: start and end tags with their attributes, character data with the
// five predefined entities and character references, CDATA sections,
// comments and processing instructions (skipped). A DOCTYPE is refused.
// Unlike encoding/xml it allocates nothing per token: a tag is kept in a
// reused buffer, and character data is either decoded straight into the
// caller's buffer or skipped unread.
//
// Memory is bounded while it streams: a tag, or one run of character data
// being kept, longer than max bytes fails with errTokenTooLong; text that
// is not kept is skipped in buffer-sized pieces. The differential test
// against excelize (diff_test.go) and FuzzSheetReader guard its agreement
// with a full XML parser.
type xmlScan struct {
	br  *bufio.Reader
	max int

	tag  []byte // the current tag without '<' and '>'
	raw  []byte // one run of kept character data before decoding
	name []byte // local name of the current tag (a slice of tag)
	// attrs is the attribute part of the current start tag.
	attrs []byte
	self  bool // the start tag closes itself (<c/>)
}

const (
	tokEOF = iota
	tokStart
	tokEnd
)

var errXMLSyntax = errors.New("xlsx: malformed XML")

func newXMLScan(r io.Reader, max int) *xmlScan {
	return &xmlScan{br: bufio.NewReaderSize(r, 64<<10), max: max}
}

// next reads up to the next start or end tag. Character data (and CDATA)
// met on the way is appended, decoded, to *keep when keep is not nil and
// skipped otherwise; comments and processing instructions are skipped.
func (x *xmlScan) next(keep *[]byte) (int, error) {
	for {
		// Character data up to '<'.
		x.raw = x.raw[:0]
		for {
			chunk, err := x.br.ReadSlice('<')
			if err == nil {
				chunk = chunk[:len(chunk)-1]
			}
			if keep != nil && len(chunk) > 0 {
				if len(x.raw)+len(chunk) > x.max {
					return 0, errTokenTooLong
				}
				x.raw = append(x.raw, chunk...)
			}
			if err == nil {
				break
			}
			if err == bufio.ErrBufferFull {
				continue
			}
			if err == io.EOF {
				return tokEOF, nil
			}
			return 0, err
		}
		if keep != nil && len(x.raw) > 0 {
			var err error
			if *keep, err = appendText(*keep, x.raw); err != nil {
				return 0, err
			}
		}
		c, err := x.br.ReadByte()
		if err != nil {
			return 0, eofIsSyntax(err)
		}
		switch c {
		case '!':
			if err := x.bang(keep); err != nil {
				return 0, err
			}
			continue
		case '?':
			if err := x.skipUntil("?>"); err != nil {
				return 0, err
			}
			continue
		}
		if err := x.br.UnreadByte(); err != nil {
			return 0, err
		}
		if err := x.readTag(); err != nil {
			return 0, err
		}
		return x.parseTag()
	}
}

// bang handles what follows "<!": a comment, a CDATA section, or a
// declaration (refused).
func (x *xmlScan) bang(keep *[]byte) error {
	p, err := x.br.Peek(2)
	if err != nil {
		return eofIsSyntax(err)
	}
	if p[0] == '-' {
		if p[1] != '-' {
			return errXMLSyntax
		}
		x.br.Discard(2)
		return x.skipUntil("-->")
	}
	if p[0] != '[' {
		return errDoctype
	}
	p, err = x.br.Peek(7)
	if err != nil {
		return eofIsSyntax(err)
	}
	if string(p) != "[CDATA[" {
		return errXMLSyntax
	}
	x.br.Discard(7)
	x.raw = x.raw[:0]
	for {
		chunk, err := x.br.ReadSlice('>')
		if err != nil && err != bufio.ErrBufferFull {
			return eofIsSyntax(err)
		}
		if len(x.raw)+len(chunk) > x.max {
			return errTokenTooLong
		}
		x.raw = append(x.raw, chunk...)
		if err == nil && bytes.HasSuffix(x.raw, []byte("]]>")) {
			break
		}
	}
	if keep != nil {
		*keep = appendNormalized(*keep, x.raw[:len(x.raw)-3])
	}
	return nil
}

// skipUntil discards input up to and including end (which ends in '>').
func (x *xmlScan) skipUntil(end string) error {
	var prev [2]byte // the last bytes read, across chunks
	np := 0
	for {
		chunk, err := x.br.ReadSlice('>')
		if err != nil && err != bufio.ErrBufferFull {
			return eofIsSyntax(err)
		}
		w := chunk
		if len(chunk) < len(end) {
			w = append(prev[:np:np], chunk...)
		}
		if err == nil && bytes.HasSuffix(w, []byte(end)) {
			return nil
		}
		np = copy(prev[:], w[max(0, len(w)-2):])
	}
}

// readTag reads a tag up to its closing '>' (not one inside a quoted
// attribute value) into x.tag.
func (x *xmlScan) readTag() error {
	x.tag = x.tag[:0]
	var quote byte
	for {
		chunk, err := x.br.ReadSlice('>')
		if err != nil && err != bufio.ErrBufferFull {
			return eofIsSyntax(err)
		}
		for _, b := range chunk {
			switch {
			case quote != 0:
				if b == quote {
					quote = 0
				}
			case b == '"' || b == '\'':
				quote = b
			}
		}
		if len(x.tag)+len(chunk) > x.max {
			return errTokenTooLong
		}
		x.tag = append(x.tag, chunk...)
		if err == nil && quote == 0 {
			x.tag = x.tag[:len(x.tag)-1]
			return nil
		}
	}
}

func isSpace(b byte) bool { return b == ' ' || b == '\t' || b == '\n' || b == '\r' }

// parseTag splits x.tag into its local name, attributes and whether it
// closes itself.
func (x *xmlScan) parseTag() (int, error) {
	t := x.tag
	kind := tokStart
	if len(t) > 0 && t[0] == '/' {
		kind = tokEnd
		t = t[1:]
	}
	x.self = false
	if kind == tokStart && len(t) > 0 && t[len(t)-1] == '/' {
		x.self = true
		t = t[:len(t)-1]
	}
	i := 0
	for i < len(t) && !isSpace(t[i]) {
		i++
	}
	name := t[:i]
	if len(name) == 0 {
		return 0, errXMLSyntax
	}
	if j := bytes.IndexByte(name, ':'); j >= 0 {
		name = name[j+1:]
	}
	x.name = name
	x.attrs = t[i:]
	return kind, nil
}

// attr returns the value of an attribute without a prefix, decoded, and
// whether it is there; of a repeated attribute the last, as excelize
// takes it. The result may share the tag buffer; it is valid until the
// next call of next.
func (x *xmlScan) attr(name string) ([]byte, bool, error) {
	a := x.attrs
	var found []byte
	ok := false
	for {
		for len(a) > 0 && isSpace(a[0]) {
			a = a[1:]
		}
		if len(a) == 0 {
			if !ok || (bytes.IndexByte(found, '&') < 0 && bytes.IndexByte(found, '\r') < 0) {
				return found, ok, nil
			}
			v, err := appendText(nil, found)
			return v, true, err
		}
		eq := bytes.IndexByte(a, '=')
		if eq < 0 {
			return nil, false, errXMLSyntax
		}
		key := bytes.TrimRight(a[:eq], " \t\r\n")
		a = a[eq+1:]
		for len(a) > 0 && isSpace(a[0]) {
			a = a[1:]
		}
		if len(a) == 0 || (a[0] != '"' && a[0] != '\'') {
			return nil, false, errXMLSyntax
		}
		end := bytes.IndexByte(a[1:], a[0])
		if end < 0 {
			return nil, false, errXMLSyntax
		}
		val := a[1 : 1+end]
		a = a[end+2:]
		if string(key) == name {
			found, ok = val, true
		}
	}
}

func eofIsSyntax(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}

// appendText appends character data with its entities and character
// references decoded and line ends normalised ("\r\n" and "\r" become
// "\n"), as an XML parser does.
func appendText(dst, src []byte) ([]byte, error) {
	for len(src) > 0 {
		i := bytes.IndexAny(src, "&\r")
		if i < 0 {
			return append(dst, src...), nil
		}
		dst = append(dst, src[:i]...)
		src = src[i:]
		if src[0] == '\r' {
			dst = append(dst, '\n')
			src = src[1:]
			if len(src) > 0 && src[0] == '\n' {
				src = src[1:]
			}
			continue
		}
		semi := bytes.IndexByte(src, ';')
		if semi < 0 {
			return nil, errXMLSyntax
		}
		ent := src[1:semi]
		src = src[semi+1:]
		switch string(ent) {
		case "amp":
			dst = append(dst, '&')
		case "lt":
			dst = append(dst, '<')
		case "gt":
			dst = append(dst, '>')
		case "quot":
			dst = append(dst, '"')
		case "apos":
			dst = append(dst, '\'')
		default:
			if len(ent) < 2 || ent[0] != '#' {
				return nil, errXMLSyntax
			}
			var n uint64
			var err error
			if ent[1] == 'x' {
				n, err = strconv.ParseUint(string(ent[2:]), 16, 32)
			} else {
				n, err = strconv.ParseUint(string(ent[1:]), 10, 32)
			}
			if err != nil || !xmlChar(rune(n)) {
				return nil, errXMLSyntax
			}
			dst = utf8.AppendRune(dst, rune(n))
		}
	}
	return dst, nil
}

// appendNormalized appends CDATA: no entities, line ends normalised.
func appendNormalized(dst, src []byte) []byte {
	for len(src) > 0 {
		i := bytes.IndexByte(src, '\r')
		if i < 0 {
			return append(dst, src...)
		}
		dst = append(dst, src[:i]...)
		dst = append(dst, '\n')
		src = src[i+1:]
		if len(src) > 0 && src[0] == '\n' {
			src = src[1:]
		}
	}
	return dst
}

// xmlChar reports the characters XML 1.0 allows.
func xmlChar(r rune) bool {
	return r == 0x09 || r == 0x0A || r == 0x0D ||
		r >= 0x20 && r <= 0xD7FF ||
		r >= 0xE000 && r <= 0xFFFD ||
		r >= 0x10000 && r <= 0x10FFFF
}
