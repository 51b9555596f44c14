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

// suggest returns the known word closest to s when it is close enough to
// be a typo, or "".
func suggest(s string, known []string) string {
	best, bestDist := "", 3 // at most two edits
	for _, k := range known {
		if d := editDistance(strings.ToLower(s), k); d < bestDist && d < len(k) {
			best, bestDist = k, d
		}
	}
	return best
}

// editDistance is the Levenshtein distance between a and b, in bytes.
func editDistance(a, b string) int {
	if len(a) > 64 || len(b) > 64 {
		return 64 // not a typo of a short key, and keeps the work bounded
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
