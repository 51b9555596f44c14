package analysis

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/fundwatch/fundwatch/store"
)

// A first sync reads issues and comments back to a floor only. What a
// window starting before it would need is missing, not absent: its
// responsiveness is unavailable (and so are the reasons and inputs that
// read it), never computed from part of its issues, while releases, fully
// collected, stay known. Through the backfill's entry point (Load, At), at
// instants on both sides of the floor.
func TestResponsivenessBeforeTheFloorIsUnavailable(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st, err := store.Open(filepath.Join(t.TempDir(), "fw.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	now := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	day := 24 * time.Hour
	floor := now.Add(-395 * day)
	// a/busy commits every few days for three years; a/quiet stopped
	// before the earliest instant's year. Both get an issue a week since the floor, answered
	// after a day on a/busy, never on a/quiet; and a release a quarter.
	for _, repo := range []string{"a/busy", "a/quiet"} {
		var commits []store.Commit
		for d := 3 * 365; d > 0; d -= 3 {
			if repo == "a/quiet" && d < 1000 {
				break
			}
			commits = append(commits, store.Commit{Repo: repo, SHA: fmt.Sprintf("%s-%d", repo, d), AuthorLogin: "alice",
				AuthorEmail: "alice@x.org", AuthorTime: now.Add(-time.Duration(d) * day)})
		}
		must(st.UpsertCommits(ctx, commits))
		var issues []store.Issue
		var comments []store.Comment
		for n, at := 1, floor.Add(day); at.Before(now); n, at = n+1, at.Add(7*day) {
			is := store.Issue{Repo: repo, Number: n, Author: "user", State: "open", CreatedAt: at, UpdatedAt: at}
			if repo == "a/busy" {
				answered := at.Add(day)
				is.State, is.ClosedAt, is.UpdatedAt, is.Comments = "closed", answered, answered, 1
				comments = append(comments, store.Comment{Repo: repo, ID: int64(n), IssueNumber: n, Author: "alice", CreatedAt: answered, UpdatedAt: answered})
			}
			issues = append(issues, is)
		}
		must(st.UpsertIssues(ctx, issues))
		must(st.UpsertComments(ctx, comments))
		var releases []store.Release
		for q := 1; q <= 12; q++ {
			at := now.Add(-time.Duration(q*91) * day)
			releases = append(releases, store.Release{Repo: repo, ID: int64(q), TagName: fmt.Sprint(q), CreatedAt: at, PublishedAt: at})
		}
		must(st.UpsertReleases(ctx, releases))
		must(st.SetCursor(ctx, store.Cursor{Repo: repo, Endpoint: store.GitCursor}))
		must(st.SetCursor(ctx, store.Cursor{Repo: repo, Endpoint: "releases"}))
		for _, ep := range []string{"issues", "comments"} {
			must(st.SetCursor(ctx, store.Cursor{Repo: repo, Endpoint: ep, Since: floor, Floor: floor}))
		}
	}
	h, err := Load(ctx, st, []Target{{Repo: "a/busy"}, {Repo: "a/quiet"}}, Options{})
	must(err)

	issueInputs := []string{"updated_issues_count", "closed_issues_count", "issue_comment_frequency"}
	tests := []struct {
		name         string
		at           time.Time
		recent, year bool // issue figures of the window known
	}{
		{"now: the year within the floor", now, true, true},
		{"the year starting at the floor", floor.Add(365 * day), true, true},
		{"the year starting before the floor", floor.Add(364 * day), true, false},
		{"90 days starting at the floor", floor.Add(90 * day), true, false},
		{"90 days starting before the floor", floor.Add(89 * day), false, false},
		{"at the floor", floor, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			snap := h.At(tt.at)
			for _, r := range snap.Repos {
				a := r.Analysis
				if a == nil || a.Responsiveness == nil || a.ResponsivenessYear == nil {
					t.Fatalf("%s: no responsiveness: %+v", r.Repo, a)
				}
				rs, ry := a.Responsiveness, a.ResponsivenessYear
				if rs.IssuesKnown != tt.recent || ry.IssuesKnown != tt.year {
					t.Errorf("%s: issues known recent %v year %v, want %v %v", r.Repo, rs.IssuesKnown, ry.IssuesKnown, tt.recent, tt.year)
				}
				checkKnown(t, r.Repo+" recent", rs.IssuesKnown, rs.FirstResponseMedianSeconds.OK || rs.UnansweredRatio.OK, rs.Opened+rs.Backlog)
				checkKnown(t, r.Repo+" year", ry.IssuesKnown, ry.FirstResponseMedianSeconds.OK || ry.UnansweredRatio.OK, ry.Opened+ry.Backlog)
				// Releases were collected whole: known on either side.
				if rs.LastRelease.IsZero() || slices.Contains(a.Risk.Unavailable, "release_drought") {
					t.Errorf("%s: releases unknown (last %s, unavailable %v)", r.Repo, rs.LastRelease, a.Risk.Unavailable)
				}
				unresponsive := slices.Contains(a.Risk.Unavailable, "unresponsive")
				if unresponsive == tt.recent {
					t.Errorf("%s: unresponsive unavailable %v, want %v (%v)", r.Repo, unresponsive, !tt.recent, a.Risk.Unavailable)
				}
				for _, in := range issueInputs {
					if _, ok := a.Criticality.Inputs[in]; ok != tt.recent {
						t.Errorf("%s: criticality input %s present %v, want %v", r.Repo, in, ok, tt.recent)
					}
				}
			}
			// a/quiet made no commit in the year: abandoned when nobody
			// answers the year's issues, which needs the year's issues.
			q := snap.Repos[1].Analysis
			switch {
			case tt.year && q.Lifecycle != Abandoned:
				t.Errorf("a/quiet: %s, want abandoned", q.Lifecycle)
			case !tt.year && (q.Lifecycle != Inert || !slices.Contains(q.Risk.Unavailable, "abandoned")):
				t.Errorf("a/quiet: %s, unavailable %v; want inert, abandoned unavailable", q.Lifecycle, q.Risk.Unavailable)
			}
		})
	}
}

// checkKnown checks one window's issue figures: some when known, none
// (and zero counts) when not.
func checkKnown(t *testing.T, what string, known, someValue bool, counts int) {
	t.Helper()
	switch {
	case known && !someValue:
		t.Errorf("%s: known, but no figure", what)
	case !known && (someValue || counts != 0):
		t.Errorf("%s: unknown, but a figure (counts %d)", what, counts)
	}
}

// criticality_score's comment frequency counts every comment of the
// issues changed in the last 90 days. An issue older than the floor has
// comments from before it that were not collected: GitHub's count stands
// in for them while the issue has not changed since the instant, and
// after that the frequency is not known.
func TestCommentFrequencyOfIssuesOlderThanTheFloor(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	day := 24 * time.Hour
	old := now.Add(-700 * day)
	// Issue 1, opened long ago, has 5 comments: 3 long ago, one 10 days
	// and one 2 days ago.
	comment := func(id int64, at time.Time) store.Comment {
		return store.Comment{Repo: "a/r", ID: id, IssueNumber: 1, Author: "bob", CreatedAt: at, UpdatedAt: at}
	}
	all := []store.Comment{comment(1, old), comment(2, old.Add(day)), comment(3, old.Add(2*day)),
		comment(4, now.Add(-10*day)), comment(5, now.Add(-2*day))}
	issue := store.Issue{Repo: "a/r", Number: 1, Author: "alice", State: "open", Comments: 5, CreatedAt: old, UpdatedAt: now.Add(-2 * day)}
	floor := now.Add(-395 * day)
	tests := []struct {
		name     string
		from     time.Time // Facts.IssuesFrom
		comments []store.Comment
		at       time.Time
		want     float64 // -1: not known
	}{
		{"the whole history", time.Time{}, all, now, 5},
		{"from a floor: GitHub's count", floor, all[3:], now, 5},
		{"the whole history, before the last comment", time.Time{}, all, now.Add(-5 * day), 4},
		{"from a floor, before the last comment: not known", floor, all[3:], now.Add(-5 * day), -1},
	}
	for _, tt := range tests {
		f := Facts{Repo: "a/r", IssuesCollected: true, IssuesFrom: tt.from, Issues: []store.Issue{issue}, Comments: tt.comments}
		got, ok := criticalityInputs(f, nil, &Analysis{}, tt.at)["issue_comment_frequency"]
		if !ok {
			got = -1
		}
		if got != tt.want {
			t.Errorf("%s: comment frequency %v, want %v", tt.name, got, tt.want)
		}
	}
}
