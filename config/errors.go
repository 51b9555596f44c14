package config

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// Error is one problem in a config file. Parse and Load return one or more
// of them joined with errors.Join; use errors.As to get at them.
type Error struct {
	File string
	Line int    // 1-based; 0 when the problem belongs to no line
	Key  string // key path, e.g. "watch[3].repo"; "" for the whole file
	Err  error
}

// Error formats "file:line: key: what is wrong", leaving out an empty line
// or key.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
	}
	if e.Key != "" {
		b.WriteString(": ")
		b.WriteString(e.Key)
	}
	b.WriteString(": ")
	// One error, one line: joined errors are split on newlines by readers,
	// and a value quoted by a library (cron, os) may hold one.
	b.WriteString(strings.ReplaceAll(e.Err.Error(), "\n", `\n`))
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }

// maxErrors caps how many errors one Parse reports: a watch list pasted in
// the wrong shape should not print ten thousand lines.
const maxErrors = 50

// sortErrors orders errors by line, then key, keeping the order they were
// found in otherwise.
func sortErrors(errs []*Error) {
	slices.SortStableFunc(errs, func(a, b *Error) int {
		if c := cmp.Compare(a.Line, b.Line); c != 0 {
			return c
		}
		return cmp.Compare(a.Key, b.Key)
	})
}
