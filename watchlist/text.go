package watchlist

import (
	"fmt"
	"unicode/utf8"
)

// checkUTF8 refuses a file that is not UTF-8, naming the line and column
// of the first bad byte. go.mod, package.json, lockfiles and SBOMs are
// UTF-8 by their specifications; JSON decoders would quietly turn bad
// bytes into U+FFFD and modfile would pass them on, so a dependency name
// with a stray byte would become a watched name nobody wrote.
func checkUTF8(path string, data []byte) error {
	if utf8.Valid(data) {
		return nil
	}
	line, col := 1, 1
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && size <= 1 {
			return fmt.Errorf("%s:%d:%d: byte 0x%02x is not valid UTF-8 (the file must be UTF-8)", path, line, col, data[i])
		}
		if r == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
		i += size
	}
	return nil // not reached: utf8.Valid said there is a bad byte
}
