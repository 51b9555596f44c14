package analysis

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/fundwatch/fundwatch/analysis/affiliation"
	"github.com/fundwatch/fundwatch/store"
)

// Refresher computes snapshots from the store one repository at a time:
// it reads a repository's facts, analyses them and keeps only the
// analysis, so memory follows the number of repositories' analyses, not
// the size of their histories (a refresh of 10,000 repositories used to
// hold every commit, issue and comment of all of them at once).
//
// It also remembers what it analysed: a repository whose facts did not
// change since (the store's fact version, see store.FactVersions), whose
// shared facts (profiles, sponsors) did not change either, and that it
// analysed on the same UTC day keeps its analysis. The day bounds what
// the clock alone changes: windows are months long, so an analysis
// recomputed once a day is as good as one recomputed every hour, and who
// is who across the watch list (identities meet across repositories) is
// recomputed for every repository at least that often.
type Refresher struct {
	st   *store.Store
	opts Options
	p    *Params

	mu    sync.Mutex // one Compute at a time
	cache map[string]cachedRepo
	// people is the directory of the last Compute, and what it was built
	// from: rebuilt only when the watch list, the authors or the profiles
	// changed (a commit by a known author changes no one's identity).
	people        *People
	peopleKey     [2]int64
	peopleTargets string
}

type cachedRepo struct {
	key  refreshKey
	repo Repo // all but Status and State, read fresh every time
}

// refreshKey is everything a repository's analysis depends on besides the
// shared directory.
type refreshKey struct {
	facts, shared int64
	day           time.Time // UTC day of the instant analysed
	asOf          time.Time // when gone: the instant it went
	tier          string
	grants        int
}

// RefreshStats says what a Compute did.
type RefreshStats struct {
	Analysed, Reused int
}

// NewRefresher returns a Refresher reading st with opts.
func NewRefresher(st *store.Store, opts Options) *Refresher {
	p := opts.Params
	if p == nil {
		p = DefaultParams()
	}
	return &Refresher{st: st, opts: opts, p: p, cache: map[string]cachedRepo{}}
}

// Compute builds the snapshot of targets as of at.
func (r *Refresher) Compute(ctx context.Context, targets []Target, at time.Time) (*Snapshot, RefreshStats, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	start := time.Now()
	var stats RefreshStats
	versions, err := r.st.FactVersions(ctx)
	if err != nil {
		return nil, stats, err
	}
	shared, err := r.loadShared(ctx, targets, versions)
	if err != nil {
		return nil, stats, err
	}
	snap := &Snapshot{At: at, Runs: shared.runs, Repos: make([]Repo, len(targets))}
	day := time.Date(at.Year(), at.Month(), at.Day(), 0, 0, 0, 0, time.UTC)

	type job struct {
		i   int
		key refreshKey
	}
	var todo []job
	keep := make(map[string]bool, len(targets))
	for i, t := range targets {
		k := strings.ToLower(t.Repo)
		keep[k] = true
		rp := shared.repo(t)
		asOf := rp.asOf(at)
		key := refreshKey{facts: versions[k], shared: versions[store.SharedFacts], day: day, tier: t.Tier,
			grants: len(r.opts.Grants[k])}
		if asOf != at {
			key.asOf = asOf
		}
		if c, ok := r.cache[k]; ok && c.key == key {
			c.repo.Target, c.repo.Status, c.repo.State = t, rp.Status, rp.State
			snap.Repos[i] = c.repo
			stats.Reused++
			continue
		}
		snap.Repos[i] = rp
		todo = append(todo, job{i, key})
	}
	for k := range r.cache {
		if !keep[k] {
			delete(r.cache, k)
		}
	}

	// A bounded few at a time: each holds one repository's facts.
	workers := min(runtime.GOMAXPROCS(0), 4)
	jobs := make(chan job)
	errs := make([]error, len(targets))
	var wg sync.WaitGroup
	var cacheMu sync.Mutex
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				rp := &snap.Repos[j.i]
				f, err := loadFacts(ctx, r.st, rp.Repo, rp)
				if err != nil {
					errs[j.i] = fmt.Errorf("%s: %w", rp.Repo, err)
					continue
				}
				if f != nil {
					shared.complete(f, rp.Target, r.opts)
					rp.Analysis = Analyze(*f, shared.people, rp.asOf(at), r.p)
				}
				cacheMu.Lock()
				r.cache[strings.ToLower(rp.Repo)] = cachedRepo{key: j.key, repo: *rp}
				cacheMu.Unlock()
			}
		}()
	}
	for _, j := range todo {
		if ctx.Err() != nil {
			break
		}
		jobs <- j
	}
	close(jobs)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, stats, err
	}
	for _, err := range errs {
		if err != nil {
			return nil, stats, err
		}
	}
	stats.Analysed = len(todo)
	snap.Took = time.Since(start)
	return snap, stats, nil
}

// sharedFacts are what every repository's analysis reads.
type sharedFacts struct {
	runs     []store.Run
	status   map[string][]store.RepoStatus
	state    map[string]store.RepoState
	sponsors map[string]SponsorFacts
	people   *People
}

// repo is t's Repo with its collection status and state, before its facts
// are read.
func (sh *sharedFacts) repo(t Target) Repo {
	k := strings.ToLower(t.Repo)
	rp := Repo{Target: t, Status: sh.status[k], State: sh.state[k]}
	if rp.State.Repo == "" {
		rp.State.Repo = t.Repo
	}
	return rp
}

// complete adds to a repository's facts what the watch list and the
// shared facts say of it.
func (sh *sharedFacts) complete(f *Facts, t Target, opts Options) {
	f.Tier = t.Tier
	f.Sponsors = sh.sponsors
	f.Grants = opts.Grants[strings.ToLower(t.Repo)]
}

// asOf is the instant a repository is analysed as of at: when it went,
// if GitHub no longer serves it (no news from it is not news about it).
func (r Repo) asOf(at time.Time) time.Time {
	if r.State.Gone != "" && !r.State.GoneSince.IsZero() && r.State.GoneSince.Before(at) {
		return r.State.GoneSince
	}
	return at
}

func (r *Refresher) loadShared(ctx context.Context, targets []Target, versions map[string]int64) (*sharedFacts, error) {
	sh := &sharedFacts{status: map[string][]store.RepoStatus{}, state: map[string]store.RepoState{}}
	statuses, err := r.st.RepoStatuses(ctx)
	if err != nil {
		return nil, fmt.Errorf("reading collection status: %w", err)
	}
	for _, s := range statuses {
		k := strings.ToLower(s.Repo)
		sh.status[k] = append(sh.status[k], s)
	}
	states, err := r.st.RepoStates(ctx)
	if err != nil {
		return nil, fmt.Errorf("reading repository states: %w", err)
	}
	for _, s := range states {
		sh.state[strings.ToLower(s.Repo)] = s
	}
	if sh.runs, err = r.st.LastRuns(ctx); err != nil {
		return nil, fmt.Errorf("reading collector runs: %w", err)
	}
	sponsors, err := r.st.AllSponsors(ctx)
	if err != nil {
		return nil, fmt.Errorf("reading sponsors: %w", err)
	}
	if len(sponsors) > 0 {
		sh.sponsors = map[string]SponsorFacts{}
		for _, s := range sponsors {
			sh.sponsors[strings.ToLower(s.Login)] = SponsorFacts{Login: s.Login, HasListing: s.HasListing, Sponsors: s.Count,
				GoalKind: s.GoalKind, GoalTarget: s.GoalTarget, GoalPercent: float64(s.GoalPercent)}
		}
	}
	names := make([]string, len(targets))
	for i, t := range targets {
		names[i] = strings.ToLower(t.Repo)
	}
	list := strings.Join(names, "\n")
	pk := [2]int64{versions[store.AuthorsFacts], versions[store.SharedFacts]}
	if r.people != nil && list == r.peopleTargets && pk == r.peopleKey {
		sh.people = r.people
		return sh, nil
	}
	users, err := r.st.Users(ctx)
	if err != nil {
		return nil, fmt.Errorf("reading users: %w", err)
	}
	// Identities and learned domains are ecosystem-wide: a person's
	// e-mails and employer meet across projects. They are built from
	// each repository's distinct authors, not from its commits.
	var projects []string
	for _, t := range targets {
		// The repository's name, not its owner: fastjson.org is the
		// fastjson project's own domain, but hooli.com (owner of
		// hooli/streamkit) is the employer of the people it pays.
		if _, name, ok := strings.Cut(t.Repo, "/"); ok {
			projects = append(projects, name)
		}
	}
	var authorsErr error
	people := newPeople(func(observe func(login, email, name string)) {
		authorsErr = r.st.Authors(ctx, names, func(a store.Author) { observe(a.Login, a.Email, a.Name) })
	}, users, r.opts.Mailmap, affiliation.NewResolver(affiliation.Options{File: r.opts.Affiliations, Projects: projects}))
	if authorsErr != nil {
		return nil, authorsErr
	}
	r.people, r.peopleKey, r.peopleTargets = people, pk, list
	sh.people = people
	return sh, nil
}
