// Package analysis turns collected facts into the signals fundwatch
// exports. It reads the store and never talks to GitHub; every function is
// a computation "as of" a given instant, so the same facts always give the
// same snapshot, and history can be replayed.
package analysis

import (
	"context"
	"fmt"
	"time"

	"github.com/fundwatch/fundwatch/analysis/affiliation"
	"github.com/fundwatch/fundwatch/analysis/identity"
	"github.com/fundwatch/fundwatch/store"
)

// Target is one watched repository and what the user declared about it.
type Target struct {
	Repo  string // "owner/name"
	Tier  string // user-declared criticality tier, "" when none
	Owner string // team that owns the dependency, "" when none
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
	// CommitsCollected is true once the commit history was read
	// completely at least once; until then Analysis is nil and every
	// signal is unavailable, not zero.
	CommitsCollected bool
	Analysis         *Analysis
	// Status is the last attempt and last success of each collector.
	Status []store.RepoStatus
	// State says whether GitHub still serves the repository and under
	// which name. A gone repository keeps its last good signals: they are
	// computed as of when it was first seen gone (State.GoneSince), not
	// aged into "abandoned" by the failure to see it.
	State store.RepoState
}

// Options tune a snapshot computation.
type Options struct {
	Params       *Params           // nil = DefaultParams()
	Affiliations *affiliation.File // the user's affiliation file, may be nil
	Mailmap      *identity.Mailmap // may be nil
	// Grants by lower-case owner/name, from the user's grants file.
	Grants map[string][]Grant
}

// Compute builds the snapshot of targets as of at, repository by
// repository (see Refresher; a service keeps one Refresher so that
// unchanged repositories are not analysed again).
func Compute(ctx context.Context, st *store.Store, targets []Target, at time.Time, opts Options) (*Snapshot, error) {
	snap, _, err := NewRefresher(st, opts).Compute(ctx, targets, at)
	return snap, err
}

// History is what the store holds of the watched repositories, loaded once
// so that signals can be computed as of many instants (backfill) without
// reading the store again.
type History struct {
	repos  []Repo
	facts  []*Facts
	people *People
	runs   []store.Run
	params *Params
}

// Load reads everything the analysis of targets needs from the store, at
// once (the backfill replays many instants of it); what every repository
// shares is read as a Refresher reads it.
func Load(ctx context.Context, st *store.Store, targets []Target, opts Options) (*History, error) {
	r := NewRefresher(st, opts)
	versions, err := st.FactVersions(ctx)
	if err != nil {
		return nil, err
	}
	sh, err := r.loadShared(ctx, targets, versions)
	if err != nil {
		return nil, err
	}
	h := &History{runs: sh.runs, params: r.p, people: sh.people, facts: make([]*Facts, len(targets))}
	for i, t := range targets {
		rp := sh.repo(t)
		f, err := loadFacts(ctx, st, t.Repo, &rp)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", t.Repo, err)
		}
		if f != nil {
			sh.complete(f, t, opts)
		}
		h.facts[i] = f
		h.repos = append(h.repos, rp)
	}
	return h, nil
}

// At computes the signals as of at. Only the analysis is replayed: the
// repository metadata and collection status are the latest known. A
// repository gone from GitHub is analysed as of when it went, if that is
// earlier: no news from it is not news about it.
func (h *History) At(at time.Time) *Snapshot {
	snap := &Snapshot{At: at, Runs: h.runs, Repos: make([]Repo, len(h.repos))}
	for i, r := range h.repos {
		if h.facts[i] != nil {
			r.Analysis = Analyze(*h.facts[i], h.people, r.asOf(at), h.params)
		}
		snap.Repos[i] = r
	}
	return snap
}

// FirstCommit is the author time of the oldest commit collected for any of
// the repositories (zero when there is none): where a backfill starts.
func (h *History) FirstCommit() time.Time {
	var first time.Time
	for _, f := range h.facts {
		if f == nil {
			continue
		}
		for _, c := range f.Commits {
			if t := c.AuthorTime; !t.IsZero() && (first.IsZero() || t.Before(first)) {
				first = t
			}
		}
	}
	return first
}

// loadFacts reads what the store holds of one repository; nil facts when
// its commit history was never collected completely.
func loadFacts(ctx context.Context, st *store.Store, repo string, r *Repo) (*Facts, error) {
	meta, ok, err := st.Repo(ctx, repo)
	if err != nil {
		return nil, err
	}
	r.Collected, r.Meta = ok, meta
	// A cursor is written only after its list was read completely (an
	// empty repository's has no ETag: GitHub's 409 carries none).
	collected := func(endpoint string) (bool, error) {
		_, ok, err := st.Cursor(ctx, repo, endpoint)
		return ok, err
	}
	if r.CommitsCollected, err = collected(store.CommitsCursor); err != nil {
		return nil, err
	}
	if !r.CommitsCollected { // read over git rather than REST?
		if r.CommitsCollected, err = collected(store.GitCursor); err != nil || !r.CommitsCollected {
			return nil, err
		}
	}
	f := &Facts{Repo: repo}
	if ok {
		f.Meta = &meta
	}
	if f.Commits, err = st.AuthoredCommits(ctx, repo); err != nil {
		return nil, err
	}
	issues, issuesOK, err := st.Cursor(ctx, repo, "issues")
	if err != nil {
		return nil, err
	}
	comments, commentsOK, err := st.Cursor(ctx, repo, "comments")
	if err != nil {
		return nil, err
	}
	if f.IssuesCollected = issuesOK && commentsOK; f.IssuesCollected {
		// Both lists are complete from their floors on: together, from
		// the later one.
		f.IssuesFrom = issues.Floor
		if comments.Floor.After(f.IssuesFrom) {
			f.IssuesFrom = comments.Floor
		}
		if f.Issues, err = st.Issues(ctx, repo); err != nil {
			return nil, err
		}
		if f.Comments, err = st.Comments(ctx, repo); err != nil {
			return nil, err
		}
	}
	if f.ReleasesCollected, err = collected("releases"); err != nil {
		return nil, err
	}
	if f.ReleasesCollected {
		if f.Releases, err = st.Releases(ctx, repo); err != nil {
			return nil, err
		}
	}
	return f, nil
}
