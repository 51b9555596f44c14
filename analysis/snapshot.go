// Package analysis turns collected facts into the signals fundwatch
// exports. It reads the store and never talks to GitHub; every function is
// a computation "as of" a given instant, so the same facts always give the
// same snapshot, and history can be replayed.
package analysis

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/fundwatch/fundwatch/store"
)

// Target is one watched repository and what the user declared about it.
type Target struct {
	Repo  string // "owner/name"
	Tier  string // user-declared criticality tier, "" when none
	Owner string // team that owns the dependency, "" when none
}

// Window is a trailing time window ending at the snapshot instant.
type Window struct {
	Name string
	Span time.Duration
}

// Windows are the trailing windows every per-window signal is computed for.
var Windows = []Window{
	{Name: "90d", Span: 90 * 24 * time.Hour},
	{Name: "365d", Span: 365 * 24 * time.Hour},
}

// Snapshot is everything the exporter serves until the next refresh.
type Snapshot struct {
	// At is the instant the signals are computed as of.
	At time.Time
	// Took is how long computing the snapshot took.
	Took  time.Duration
	Repos []Repo
	// Runs is the latest run of each collector, from the store, so it
	// survives restarts.
	Runs []store.Run
}

// Repo holds the signals of one watched repository.
type Repo struct {
	Target
	// Collected is false until repository metadata was fetched once;
	// nothing but the status is exported before that, so a repository
	// not yet seen never shows as zero stars or zero activity.
	Collected bool
	Meta      store.Repo
	// CommitsCollected is true once the commit history was read at least
	// once; until then commit signals are unavailable, not zero.
	CommitsCollected bool
	LastCommit       time.Time // zero when the repository has no commits
	Windows          []WindowStats
	// Status is the last attempt and last success of each collector.
	Status []store.RepoStatus
}

// WindowStats are the activity counts in one trailing window.
type WindowStats struct {
	Window  string
	Commits int
	// Authors counts distinct commit authors, identified by GitHub login
	// when linked, else by e-mail. (Identity merging and bot separation
	// come with the affiliation analysis.)
	Authors int
}

// Compute builds the snapshot of targets as of at.
func Compute(ctx context.Context, st *store.Store, targets []Target, at time.Time) (*Snapshot, error) {
	start := time.Now()
	statuses, err := st.RepoStatuses(ctx)
	if err != nil {
		return nil, fmt.Errorf("reading collection status: %w", err)
	}
	byRepo := map[string][]store.RepoStatus{}
	for _, s := range statuses {
		k := strings.ToLower(s.Repo)
		byRepo[k] = append(byRepo[k], s)
	}
	runs, err := st.LastRuns(ctx)
	if err != nil {
		return nil, fmt.Errorf("reading collector runs: %w", err)
	}
	snap := &Snapshot{At: at, Runs: runs}
	for _, t := range targets {
		r, err := computeRepo(ctx, st, t, at)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", t.Repo, err)
		}
		r.Status = byRepo[strings.ToLower(t.Repo)]
		snap.Repos = append(snap.Repos, r)
	}
	snap.Took = time.Since(start)
	return snap, nil
}

func computeRepo(ctx context.Context, st *store.Store, t Target, at time.Time) (Repo, error) {
	r := Repo{Target: t}
	meta, ok, err := st.Repo(ctx, t.Repo)
	if err != nil {
		return r, err
	}
	r.Collected, r.Meta = ok, meta

	cur, ok, err := st.Cursor(ctx, t.Repo, "commits")
	if err != nil {
		return r, err
	}
	r.CommitsCollected = ok && cur.ETag != ""
	if !r.CommitsCollected {
		return r, nil
	}
	last, ok, err := st.LastCommitTime(ctx, t.Repo, at)
	if err != nil {
		return r, err
	}
	if ok {
		r.LastCommit = last
	}
	longest := Windows[len(Windows)-1].Span
	commits, err := st.Commits(ctx, t.Repo, at.Add(-longest), at)
	if err != nil {
		return r, err
	}
	for _, w := range Windows {
		from := at.Add(-w.Span)
		ws := WindowStats{Window: w.Name}
		authors := map[string]struct{}{}
		for _, c := range commits {
			if c.AuthorTime.Before(from) {
				continue
			}
			ws.Commits++
			authors[authorKey(c)] = struct{}{}
		}
		ws.Authors = len(authors)
		r.Windows = append(r.Windows, ws)
	}
	return r, nil
}

func authorKey(c store.Commit) string {
	if c.AuthorLogin != "" {
		return "login:" + strings.ToLower(c.AuthorLogin)
	}
	return "email:" + strings.ToLower(c.AuthorEmail)
}
