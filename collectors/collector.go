// Package collectors fetches facts from GitHub and writes them to the store.
// Collectors never judge what they fetch (that is analysis's job); they only
// make the store a faithful, incremental copy of what GitHub says.
//
// Each collector lives in its own file and registers itself by name, as
// node_exporter's do; the Runner wraps every run with the same bookkeeping.
package collectors

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"sync"
	"time"

	"github.com/google/go-github/v60/github"

	"github.com/fundwatch/fundwatch/ghrepo"
	"github.com/fundwatch/fundwatch/store"
)

// Env is what a collector needs to do its work.
type Env struct {
	GH    *github.Client
	Store *store.Store
	Log   *slog.Logger
	// Now is the instant collection windows (e.g. "people active in the
	// last year") are measured from; a demo pinned to a past date sets it.
	// Bookkeeping (run times, last success) always uses the wall clock,
	// since it says how old the data is, not what it is about.
	Now func() time.Time
	// Concurrency is how many repositories one collector works on at once.
	// The HTTP client separately bounds requests in flight per token.
	Concurrency int
	// Sleep waits for d or until ctx is done; tests may shorten it.
	Sleep func(ctx context.Context, d time.Duration) error
}

func (e *Env) now() time.Time {
	if e.Now != nil {
		return e.Now()
	}
	return time.Now()
}

func (e *Env) sleep(ctx context.Context, d time.Duration) error {
	if e.Sleep != nil {
		return e.Sleep(ctx, d)
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// Result summarises one run of one collector.
type Result struct {
	Repos  int   // repositories (or accounts) attempted
	Failed int   // of which failed
	Err    error // the failures, joined; nil when all succeeded
}

// Collector refreshes one kind of fact for the watched repositories.
type Collector interface {
	Name() string
	Collect(ctx context.Context, env *Env, repos []ghrepo.Name) Result
}

var registry = map[string]Collector{}

func register(c Collector) {
	if _, dup := registry[c.Name()]; dup {
		panic("collectors: duplicate registration of " + c.Name())
	}
	registry[c.Name()] = c
}

// peopleCollectors look up the people the repository collectors found
// (commit authors, owners), so a full pass runs them last.
var peopleCollectors = map[string]bool{"users": true, "sponsors": true}

// Names lists the registered collectors in the order a full pass runs them:
// the people collectors ("sponsors", "users") last.
func Names() []string {
	names := make([]string, 0, len(registry))
	for n := range registry {
		names = append(names, n)
	}
	sort.Slice(names, func(i, j int) bool {
		if peopleCollectors[names[i]] != peopleCollectors[names[j]] {
			return peopleCollectors[names[j]]
		}
		return names[i] < names[j]
	})
	return names
}

// Get returns the collector registered under name.
func Get(name string) (Collector, bool) {
	c, ok := registry[name]
	return c, ok
}

// perRepo adapts a function that refreshes one repository into a Collector:
// it fans out over the watch list, records each repository's attempt, and
// makes sure one failing repository never stops the others.
type perRepo struct {
	name string
	fn   func(ctx context.Context, env *Env, repo ghrepo.Name) error
}

func (p perRepo) Name() string { return p.name }

func (p perRepo) Collect(ctx context.Context, env *Env, repos []ghrepo.Name) Result {
	workers := env.Concurrency
	if workers < 1 {
		workers = 4
	}
	var (
		mu   sync.Mutex
		res  = Result{Repos: len(repos)}
		errs []error
		wg   sync.WaitGroup
		next = make(chan ghrepo.Name)
	)
	for i := 0; i < workers; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for repo := range next {
				err := p.fn(ctx, env, repo)
				if err != nil {
					err = fmt.Errorf("%s: %w", repo, err)
					env.Log.Warn("collection failed", "collector", p.name, "repo", repo.String(), "err", err)
				}
				// Record on a context that outlives a cancelled run, so
				// the attempt is not lost with it.
				if rerr := env.Store.RecordRepoAttempt(context.WithoutCancel(ctx), repo.String(), p.name, time.Now(), err); rerr != nil {
					env.Log.Error("recording repository status", "collector", p.name, "repo", repo.String(), "err", rerr)
				}
				if err != nil {
					mu.Lock()
					res.Failed++
					errs = append(errs, err)
					mu.Unlock()
				}
			}
		}()
	}
	for _, r := range repos {
		if ctx.Err() != nil {
			break
		}
		next <- r
	}
	close(next)
	wg.Wait()
	if ctx.Err() != nil {
		errs = append(errs, ctx.Err())
	}
	res.Err = errors.Join(errs...)
	return res
}
