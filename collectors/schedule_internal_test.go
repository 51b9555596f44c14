package collectors

import (
	"testing"
	"time"

	"github.com/fundwatch/fundwatch/ghrepo"
)

func TestForcedRefreshEvery(t *testing.T) {
	const day = 24 * time.Hour
	now := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	repo := ghrepo.MustParse("curl/curl")
	for _, tc := range []struct {
		name     string
		quiet    time.Duration // how long before now the last change was; <0: unknown
		min, max time.Duration
	}{
		{"unknown last change: base", -1, day * 8 / 10, day},
		{"changed an hour ago: base", time.Hour, day * 8 / 10, day},
		{"quiet 4 days: still base", 4 * day, day * 8 / 10, day},
		{"quiet 12 days: every 3 days", 12 * day, 3 * day * 8 / 10, 3 * day},
		{"quiet 28 days: weekly", 28 * day, 7 * day * 8 / 10, 7 * day},
		{"quiet 2 years: capped weekly", 730 * day, 7 * day * 8 / 10, 7 * day},
		{"last change in the future (clock skew): base", -day, day * 8 / 10, day},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var last time.Time
			if tc.quiet >= 0 {
				last = now.Add(-tc.quiet)
			} else if tc.quiet < -1 {
				last = now.Add(-tc.quiet)
			}
			got := forcedRefreshEvery(repo, last, now, day, 7*day)
			if got < tc.min || got > tc.max {
				t.Errorf("every %s, want between %s and %s", got, tc.min, tc.max)
			}
		})
	}
}

// The spread is stable for a repository and differs between repositories,
// so the forced refreshes of repositories that went quiet together do not
// all fall on the same run.
func TestForcedRefreshSpread(t *testing.T) {
	now := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	seen := map[time.Duration]bool{}
	for _, n := range []string{"a/one", "a/two", "b/three", "c/four", "d/five"} {
		r := ghrepo.MustParse(n)
		a := forcedRefreshEvery(r, now.Add(-time.Hour), now, 24*time.Hour, 7*24*time.Hour)
		if b := forcedRefreshEvery(r, now.Add(-time.Hour), now, 24*time.Hour, 7*24*time.Hour); a != b {
			t.Fatalf("%s: %s then %s", n, a, b)
		}
		seen[a] = true
	}
	if len(seen) < 4 {
		t.Errorf("5 repositories got only %d distinct intervals: %v", len(seen), seen)
	}
}
