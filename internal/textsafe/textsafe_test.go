package textsafe

import (
	"strings"
	"testing"
)

func TestString(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"plain ünïcødé 日本 🙂", "plain ünïcødé 日本 🙂"},
		{"tab\tand\nnewline", "tab\tand\nnewline"},
		{"\x1b]0;retitled\x07", `\x1b]0;retitled\x07`},
		{"clear\x1b[2J\x1b[H", `clear\x1b[2J\x1b[H`},
		{"cr\rback\bdel\x7f", `cr\x0dback\x08del\x7f`},
		{"c1 csi \u009b31m", `c1 csi \u009b31m`},
		{"bidi \u202egnp.exe", `bidi \u202egnp.exe`},
		{"bad \xff byte", `bad \xff byte`},
		{"cut at the end \xe6\x97", `cut at the end \xe6\x97`},
	}
	for _, tt := range tests {
		if got := String(tt.in); got != tt.want {
			t.Errorf("String(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// A rune split across two writes is written whole.
func TestWriterKeepsSplitRunes(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	w := NewWriter(&b)
	s := "日本\x1b"
	for i := range len(s) {
		if n, err := w.Write([]byte{s[i]}); n != 1 || err != nil {
			t.Fatalf("Write = %d, %v", n, err)
		}
	}
	w.Flush()
	if b.String() != `日本\x1b` {
		t.Errorf("got %q", b.String())
	}
}
