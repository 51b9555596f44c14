// Package textsafe makes text written for a terminal safe to print: names
// of packages, repositories, employers and reasons come from the outside
// world, and an ANSI or OSC escape sequence in one of them would retitle,
// clear or take over the reader's terminal. Control characters other than
// newline and tab are written escaped ("\x1b", "\u009b"), and bytes that
// are not UTF-8 as "\xff"; everything else passes unchanged.
package textsafe

import (
	"fmt"
	"io"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Writer escapes what is written through it; see the package comment. A
// rune split across two writes is kept until it is whole.
type Writer struct {
	w     io.Writer
	carry []byte // the start of a rune the last write cut off
}

// NewWriter returns a Writer writing to w.
func NewWriter(w io.Writer) *Writer { return &Writer{w: w} }

// Write escapes p and writes it. It reports len(p) written when the
// escaped text was written whole.
func (s *Writer) Write(p []byte) (int, error) {
	b := p
	if len(s.carry) > 0 {
		b = append(s.carry, p...)
		s.carry = nil
	}
	var out []byte
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size <= 1 {
			if !utf8.FullRune(b[i:]) {
				// Possibly a rune cut by the write: keep it for the next.
				s.carry = append([]byte(nil), b[i:]...)
				break
			}
			out = fmt.Appendf(out, `\x%02x`, b[i])
			i++
			continue
		}
		out = appendRune(out, r, b[i:i+size])
		i += size
	}
	if _, err := s.w.Write(out); err != nil {
		return 0, err
	}
	return len(p), nil
}

// Flush writes a rune left incomplete at the end, escaped byte by byte.
func (s *Writer) Flush() error {
	if len(s.carry) == 0 {
		return nil
	}
	var out []byte
	for _, c := range s.carry {
		out = fmt.Appendf(out, `\x%02x`, c)
	}
	s.carry = nil
	_, err := s.w.Write(out)
	return err
}

func appendRune(out []byte, r rune, raw []byte) []byte {
	switch {
	case r == '\n' || r == '\t':
		return append(out, raw...)
	case r < 0x80 && unicode.IsControl(r):
		return fmt.Appendf(out, `\x%02x`, r)
	case unicode.IsControl(r) || r == '\u2028' || r == '\u2029' || unicode.In(r, unicode.Bidi_Control):
		return fmt.Appendf(out, `\u%04x`, r)
	}
	return append(out, raw...)
}

// String returns s escaped as Writer would write it.
func String(s string) string {
	var b strings.Builder
	w := NewWriter(&b)
	w.Write([]byte(s))
	w.Flush()
	return b.String()
}
