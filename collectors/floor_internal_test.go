package collectors

import (
	"testing"
	"time"

	"github.com/fundwatch/fundwatch/ghrepo"
)

// The open issues are listed on a first sync unless the change probe
// proves the pages already read hold every one of them.
func TestAllOpenListed(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)
	repo := ghrepo.MustParse("acme/widget")
	probeOf := func(issues, pulls int) *Probe {
		var p probed
		p.Issues.TotalCount, p.PullRequests.TotalCount = issues, pulls
		return &Probe{seen: map[string]probed{"acme/widget": p}, now: now}
	}
	old := now.Add(-48 * time.Hour)
	tests := []struct {
		name   string
		probe  *Probe
		listed map[int]listedIssue
		want   bool
	}{
		{"no probe", nil, map[int]listedIssue{1: {open: true, updated: old}}, false},
		{"the probe did not see it", &Probe{seen: map[string]probed{}, now: now}, nil, false},
		{"nothing open", probeOf(0, 0), map[int]listedIssue{1: {open: false, updated: old}}, true},
		{"every open one listed", probeOf(1, 1), map[int]listedIssue{1: {open: true, updated: old}, 2: {open: true, updated: old}, 3: {updated: old}}, true},
		{"one open older than the floor", probeOf(2, 1), map[int]listedIssue{1: {open: true, updated: old}, 2: {open: true, updated: old}}, false},
		// An issue opened since the probe while an old one was still
		// open: the counts agree and prove nothing.
		{"changed since the probe", probeOf(2, 0), map[int]listedIssue{1: {open: true, updated: old}, 2: {open: true, updated: now.Add(time.Minute)}}, false},
		{"changed just before the probe (clocks differ)", probeOf(2, 0), map[int]listedIssue{1: {open: true, updated: old}, 2: {open: true, updated: now.Add(-time.Minute)}}, false},
		{"changed well before the probe", probeOf(2, 0), map[int]listedIssue{1: {open: true, updated: old}, 2: {open: true, updated: now.Add(-time.Hour)}}, true},
	}
	for _, tt := range tests {
		if got := allOpenListed(tt.probe, repo, tt.listed); got != tt.want {
			t.Errorf("%s: %v, want %v", tt.name, got, tt.want)
		}
	}
}

// The floor is the analysis' year window and a month back from now, at
// the start of the UTC day; a set history replaces both; the whole history
// has none.
func TestIssueFloor(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 1, 15, 4, 5, 0, time.UTC)
	tests := []struct {
		name string
		env  Env
		want time.Time
	}{
		{"default", Env{}, time.Date(2025, 10, 2, 0, 0, 0, 0, time.UTC)},
		{"the analysis' year window", Env{ActiveWindow: 2 * DefaultActiveWindow}, time.Date(2024, 10, 2, 0, 0, 0, 0, time.UTC)},
		{"set", Env{IssueHistory: 48 * time.Hour}, time.Date(2026, 10, 30, 0, 0, 0, 0, time.UTC)},
		{"whole history", Env{IssueHistory: WholeHistory}, time.Time{}},
	}
	for _, tt := range tests {
		env := tt.env
		env.Now = func() time.Time { return now }
		if got := env.issueFloor(); !got.Equal(tt.want) {
			t.Errorf("%s: floor %s, want %s", tt.name, got, tt.want)
		}
	}
}
