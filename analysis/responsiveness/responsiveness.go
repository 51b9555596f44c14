// Package responsiveness measures how a project answers its users: time to
// a first response, the share left unanswered, the open backlog and its
// growth, how long pull requests wait to be merged, and releases. Every
// figure is computed as of an instant from dated facts (comments, closes,
// merges and releases after it are ignored; an issue closed after it is
// open at it), so replaying past instants gives history.
//
// Definitions:
//   - The first response to an issue or pull request is the earliest of a
//     comment by someone other than its author and not a bot, and, for a
//     pull request, its merge. Issues opened by bots are left out.
//   - The median first response is over the issues opened in the window
//     and at least the grace period old at the instant (a younger issue is
//     not judged: counting it only when answered quickly would flatter the
//     median). Issues not yet answered are censored at their age (a lower
//     bound of their wait), so the median is a lower bound too, never a
//     small number: when more than half are unanswered it is at least the
//     age of an unanswered issue, and UnansweredRatio says so. Pull
//     requests get the same median of their own.
//   - The backlog is the open issues and pull requests at the instant; its
//     growth is relative to the backlog at the window's start, unavailable
//     when that was empty (growth from nothing has no ratio).
//   - Releases exclude drafts and include prereleases (a prerelease is
//     still release work).
//   - Issues and comments may be collected from an instant on only
//     (Input.From, a first sync's floor): a window that starts before it
//     has none of its issue figures (IssuesKnown false), rather than
//     figures from part of its issues.
package responsiveness

import (
	"sort"
	"strings"
	"time"

	"github.com/fundwatch/fundwatch/store"
)

// Grace is how old an unanswered issue must be to count as unanswered:
// nobody should be judged on an issue opened this morning.
const Grace = 7 * 24 * time.Hour

// Input is one repository's issues, comments and releases.
type Input struct {
	Issues   []store.Issue // issues and pull requests
	Comments []store.Comment
	Releases []store.Release
	IsBot    func(login string) bool // nil: only "[bot]" logins
	// From is where Issues and Comments are complete: every one changed
	// at or after it is there (and every issue still open), of those
	// changed only before it none. Zero: their whole history.
	From time.Time
}

// Value is a number that may be unavailable (OK=false), never to be read
// as zero.
type Value struct {
	V  float64 `json:"value"`
	OK bool    `json:"available"`
}

// Stats are the responsiveness figures of one window ending at an instant.
type Stats struct {
	Window time.Duration `json:"window_seconds"`
	// IssuesKnown is false when the window starts before Input.From: the
	// issues and comments it needs were not all collected, so every issue
	// figure (the counts, first responses, unanswered share, backlog and
	// its growth, merge latency) is unavailable, its zero meaning
	// nothing. The releases are known all the same.
	IssuesKnown bool `json:"issues_known"`
	Opened      int  `json:"opened"`       // plain issues opened in the window (bots excluded)
	OpenedPulls int  `json:"opened_pulls"` // pull requests opened in the window
	// Median seconds to first response on plain issues / pull requests
	// opened in the window and older than Grace, unanswered ones censored
	// at their age (see censoredMedian).
	FirstResponseMedianSeconds      Value `json:"first_response_median_seconds"`
	FirstResponsePullsMedianSeconds Value `json:"first_response_pulls_median_seconds"`
	// Share of issues and PRs opened in the window, older than Grace,
	// with no response yet.
	UnansweredRatio Value `json:"unanswered_ratio"`
	Backlog         int   `json:"backlog"`        // open issues+PRs at the instant
	BacklogBefore   int   `json:"backlog_before"` // ... at the window's start
	BacklogGrowth   Value `json:"backlog_growth"`
	// Median seconds from opening to merge of PRs merged in the window.
	MergeLatencyMedianSeconds Value     `json:"merge_latency_median_seconds"`
	ReleasesInWindow          int       `json:"releases_in_window"`
	LastRelease               time.Time `json:"last_release"`
	// Median gap between consecutive releases of the last two years.
	ReleaseCadenceMedianSeconds Value `json:"release_cadence_median_seconds"`
}

// Compute computes the stats of the window (at-window, at].
func Compute(in Input, at time.Time, window time.Duration) Stats {
	isBot := in.IsBot
	if isBot == nil {
		isBot = func(l string) bool { return strings.HasSuffix(strings.ToLower(l), "[bot]") }
	}
	from := at.Add(-window)
	s := Stats{Window: window, IssuesKnown: in.From.IsZero() || !from.Before(in.From)}
	if s.IssuesKnown {
		s.issues(in, at, from, isBot)
	}
	s.releases(in.Releases, at, from)
	return s
}

// issues computes the issue figures of the window (from, at]: every issue
// they read was opened or changed after from, or is still open, so all of
// them are held from in.From on.
func (s *Stats) issues(in Input, at, from time.Time, isBot func(string) bool) {
	// First non-author, non-bot comment per issue, as of at.
	first := map[int]time.Time{}
	authors := map[int]string{}
	for _, is := range in.Issues {
		authors[is.Number] = strings.ToLower(is.Author)
	}
	for _, c := range in.Comments {
		if c.CreatedAt.After(at) || c.Author == "" || isBot(c.Author) || c.AuthorBot {
			continue
		}
		if strings.ToLower(c.Author) == authors[c.IssueNumber] {
			continue
		}
		if f, ok := first[c.IssueNumber]; !ok || c.CreatedAt.Before(f) {
			first[c.IssueNumber] = c.CreatedAt
		}
	}

	var waits, pullWaits, merges []float64
	var considered, unanswered int
	var censored, censoredPulls []float64 // ages of unanswered issues / PRs
	for _, is := range in.Issues {
		if is.CreatedAt.IsZero() || is.CreatedAt.After(at) {
			continue
		}
		if open(is, at) {
			s.Backlog++
		}
		if !is.CreatedAt.After(from) {
			if open(is, from) {
				s.BacklogBefore++
			}
		}
		if is.IsPull && !is.MergedAt.IsZero() && !is.MergedAt.After(at) && is.MergedAt.After(from) {
			merges = append(merges, nonNeg(is.MergedAt.Sub(is.CreatedAt).Seconds()))
		}
		if !is.CreatedAt.After(from) || is.AuthorBot || isBot(is.Author) {
			continue
		}
		if is.IsPull {
			s.OpenedPulls++
		} else {
			s.Opened++
		}
		resp, ok := first[is.Number]
		if is.IsPull && !is.MergedAt.IsZero() && !is.MergedAt.After(at) && (!ok || is.MergedAt.Before(resp)) {
			resp, ok = is.MergedAt, true
		}
		age := at.Sub(is.CreatedAt)
		if age < Grace {
			// Too young to judge, answered or not: only the quickly
			// answered ones could count, flattering the median.
			continue
		}
		considered++
		switch {
		case ok && is.IsPull:
			pullWaits = append(pullWaits, nonNeg(resp.Sub(is.CreatedAt).Seconds()))
		case ok:
			waits = append(waits, nonNeg(resp.Sub(is.CreatedAt).Seconds()))
		case is.IsPull:
			unanswered++
			censoredPulls = append(censoredPulls, age.Seconds())
		default:
			unanswered++
			censored = append(censored, age.Seconds())
		}
	}
	if considered > 0 {
		s.UnansweredRatio = Value{float64(unanswered) / float64(considered), true}
	}
	s.FirstResponseMedianSeconds = censoredMedian(waits, censored)
	s.FirstResponsePullsMedianSeconds = censoredMedian(pullWaits, censoredPulls)
	s.MergeLatencyMedianSeconds = median(merges)
	if s.BacklogBefore > 0 {
		s.BacklogGrowth = Value{float64(s.Backlog-s.BacklogBefore) / float64(s.BacklogBefore), true}
	}
}

// releases computes the release figures as of at, the window (from, at].
func (s *Stats) releases(releases []store.Release, at, from time.Time) {
	var published []time.Time
	for _, r := range releases {
		t := r.PublishedAt
		if t.IsZero() {
			t = r.CreatedAt
		}
		if r.Draft || t.IsZero() || t.After(at) {
			continue
		}
		published = append(published, t)
		if t.After(from) {
			s.ReleasesInWindow++
		}
		if t.After(s.LastRelease) {
			s.LastRelease = t
		}
	}
	sort.Slice(published, func(i, j int) bool { return published[i].Before(published[j]) })
	var gaps []float64
	for i := 1; i < len(published); i++ {
		if published[i].After(at.AddDate(-2, 0, 0)) {
			gaps = append(gaps, published[i].Sub(published[i-1]).Seconds())
		}
	}
	s.ReleaseCadenceMedianSeconds = median(gaps)
}

func open(is store.Issue, at time.Time) bool {
	return !is.CreatedAt.After(at) && (is.ClosedAt.IsZero() || is.ClosedAt.After(at))
}

func nonNeg(v float64) float64 {
	if v < 0 {
		return 0 // a comment dated before its issue: clock skew
	}
	return v
}

func median(vs []float64) Value {
	if len(vs) == 0 {
		return Value{}
	}
	s := append([]float64(nil), vs...)
	sort.Float64s(s)
	n := len(s)
	if n%2 == 1 {
		return Value{s[n/2], true}
	}
	return Value{(s[n/2-1] + s[n/2]) / 2, true}
}

// censoredMedian is the median over answered waits and unanswered ages
// together, treating an unanswered issue's age as a lower bound of its
// wait. The result is a lower bound of the true median (never a falsely
// small number). It is the exact median when every unanswered age lies
// above it; when more than half are unanswered, it is at least the
// smallest unanswered age.
func censoredMedian(answered, unanswered []float64) Value {
	if len(answered)+len(unanswered) == 0 {
		return Value{}
	}
	return median(append(append([]float64(nil), answered...), unanswered...))
}
