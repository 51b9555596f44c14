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
	"net/http"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/google/go-github/v60/github"

	"github.com/fundwatch/fundwatch/ghclient"
	"github.com/fundwatch/fundwatch/ghrepo"
	"github.com/fundwatch/fundwatch/gitmirror"
	"github.com/fundwatch/fundwatch/store"
)

// Env is what a collector needs to do its work.
type Env struct {
	// GH sends every request, and owns their retries, waits and budget
	// decisions (ghclient.Call, Query).
	GH    *ghclient.Client
	Store *store.Store
	Log   *slog.Logger
	// Now is the instant collection windows (e.g. "people active in the
	// last year") are measured from; a demo pinned to a past date sets it.
	// Bookkeeping (run times, last success) always uses the wall clock,
	// since it says how old the data is, not what it is about.
	Now func() time.Time
	// Clock is that wall clock: run and attempt times, probe marks, how
	// long a probe is reused and how long a repository went without a
	// refresh. nil is time.Now; a simulation of a day of serve sets it to
	// advance time without waiting.
	Clock func() time.Time
	// Concurrency is how many repositories one collector works on at once.
	// The HTTP client separately bounds requests in flight per token.
	Concurrency int
	// Git, when set, keeps a bare blob-less mirror of each repository, and
	// the commits collector reads history from it instead of the REST
	// API. CloneURL gives a repository's git URL; both or neither.
	Git      *gitmirror.Cache
	CloneURL func(ghrepo.Name) string
	// ActiveWindow is how far back a person's commits make their profile
	// and sponsors worth fetching: the analysis's year window
	// (windows.year), so that collection and analysis agree on who is
	// active. DefaultActiveWindow when zero.
	ActiveWindow time.Duration
	// IssueHistory is how far back from a repository's first sync its
	// issues and comments are read (collection.issue_history); later
	// syncs read what changed since, as ever. 0 reads what the analysis
	// reads them over: its year window (ActiveWindow), the longest window
	// of responsiveness, lifecycle and criticality, plus
	// IssueHistoryMargin. WholeHistory reads them all.
	IssueHistory time.Duration
	// PeopleRefresh is how often the users and sponsors collectors read a
	// person they have read before (collection.people_refresh; see
	// personDue). DefaultPeopleRefresh when zero.
	PeopleRefresh time.Duration
}

// DefaultActiveWindow is the analysis's default year window.
const DefaultActiveWindow = 365 * 24 * time.Hour

// WholeHistory as Env.IssueHistory reads every issue and comment on a
// first sync, for users who want responsiveness backfilled for years.
const WholeHistory time.Duration = -1

// IssueHistoryMargin is read beyond the analysis' year window on a first
// sync: the analysis of an instant up to a month before the first sync
// (analyze --at, the last weeks of a backfill) still has its year of
// issues. Small on purpose: every day of history costs pages of issues
// and of comments on every repository.
const IssueHistoryMargin = 30 * 24 * time.Hour

// activeSince is where the active window starts.
func (e *Env) activeSince() time.Time {
	return e.now().Add(-e.activeWindow())
}

func (e *Env) activeWindow() time.Duration {
	if e.ActiveWindow <= 0 {
		return DefaultActiveWindow
	}
	return e.ActiveWindow
}

// issueFloor is where a first sync of issues and comments starts reading
// (zero: at the beginning): now less the history to read, at the start of
// its UTC day, so that the issues and the comments of one repository,
// collected minutes or hours apart, share one floor.
func (e *Env) issueFloor() time.Time {
	h := e.IssueHistory
	switch {
	case h < 0:
		return time.Time{}
	case h == 0:
		h = e.activeWindow() + IssueHistoryMargin
	}
	return e.now().Add(-h).UTC().Truncate(24 * time.Hour)
}

func (e *Env) now() time.Time {
	if e.Now != nil {
		return e.Now()
	}
	return time.Now()
}

// clock is the bookkeeping wall clock (Clock).
func (e *Env) clock() time.Time {
	if e.Clock != nil {
		return e.Clock()
	}
	return time.Now()
}

// Result summarises one run of one collector.
type Result struct {
	Repos  int   // repositories (or accounts) attempted
	Failed int   // of which failed
	Err    error // the failures, joined; nil when all succeeded
	// Unchanged counts the repositories the change probe showed unchanged
	// since this collector's last refresh: verified fresh (a success)
	// without a request of their own.
	Unchanged int
	// Deferred counts the repositories (or accounts) left for the next
	// run because the GitHub budget was spent (ghclient.ErrBudgetReserved):
	// neither failed nor refreshed. Their last attempt and success stay
	// as they were, so their data keeps being exported with its age.
	Deferred int
}

// Collector refreshes one kind of fact for the watched repositories.
type Collector interface {
	Name() string
	// Collect refreshes repos. probe is the change probe of the run (nil:
	// none), for the collectors it can spare work.
	Collect(ctx context.Context, env *Env, repos []ghrepo.Name, probe *Probe) Result
}

// Phase orders a full pass: the repository collectors run first, sharing
// one change probe; the people collectors then look up the people the
// others found (commit authors, owners).
type Phase int

// The phases, in run order.
const (
	PhaseRepositories Phase = iota
	PhasePeople
)

// Spec is everything about a collector, declared once, in its own file:
// cmd builds the default config, the --collector.<name> flags and the
// schedules from these, and the probe asks the fingerprint.
type Spec struct {
	Name string
	// Schedule is the default cron schedule (the config may set another).
	Schedule string
	Phase    Phase
	// Disabled collectors run only when the config enables them.
	Disabled bool
	// Help says what it collects, for --help and docs.
	Help string
	// GitMirrors is true of a collector whose runs clone, fetch and
	// prune git mirrors: the service measures the mirror cache's size
	// after each of its runs (never per scrape).
	GitMirrors bool
	// fingerprint is the part of what the change probe saw that the
	// collector depends on: when it is the same as at its last refresh,
	// the refresh would fetch nothing new. nil depends on everything.
	fingerprint func(p probed) string
}

type registered struct {
	spec Spec
	c    Collector
}

var registry = map[string]registered{}

func register(s Spec, c Collector) {
	if s.Name != c.Name() {
		panic("collectors: spec " + s.Name + " registers collector " + c.Name())
	}
	if _, dup := registry[s.Name]; dup {
		panic("collectors: duplicate registration of " + s.Name)
	}
	registry[s.Name] = registered{s, c}
}

// Specs lists the registered collectors' specs in the order a full pass
// runs them: by phase, then by name.
func Specs() []Spec {
	out := make([]Spec, 0, len(registry))
	for _, r := range registry {
		out = append(out, r.spec)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Phase != out[j].Phase {
			return out[i].Phase < out[j].Phase
		}
		return out[i].Name < out[j].Name
	})
	return out
}

// Names lists the registered collectors in the order a full pass runs them
// (see Specs).
func Names() []string {
	var names []string
	for _, s := range Specs() {
		names = append(names, s.Name)
	}
	return names
}

// phaseOf is the phase of the named collector (repositories if unknown).
func phaseOf(name string) Phase { return registry[name].spec.Phase }

// SpecOf returns the spec of the collector registered under name.
func SpecOf(name string) (Spec, bool) {
	r, ok := registry[name]
	return r.spec, ok
}

// Get returns the collector registered under name.
func Get(name string) (Collector, bool) {
	r, ok := registry[name]
	return r.c, ok
}

// perRepo adapts a function that refreshes one repository into a Collector:
// it fans out over the watch list, records each repository's attempt, and
// makes sure one failing repository never stops the others. When the run
// carries a change probe (see Runner), a repository the probe shows
// unchanged since this collector's last successful refresh is not fetched:
// its attempt is recorded as a success, since it was verified fresh.
type perRepo struct {
	name string
	fn   func(ctx context.Context, env *Env, repo ghrepo.Name, probe *Probe) error
}

func (p perRepo) Name() string { return p.name }

func (p perRepo) Collect(ctx context.Context, env *Env, repos []ghrepo.Name, probe *Probe) Result {
	repos = stalestFirst(ctx, env, p.name, repos)
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
		// The marks are read once and the unchanged repositories'
		// successes written at once: at 10,000 repositories and a probe
		// an hour, one by one they were a million single-row reads and
		// commits a day.
		marks     = probe.marks(ctx, env, p.name)
		unchanged []string
	)
	for i := 0; i < workers; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for repo := range next {
				skip, fp := probe.unchanged(env, marks, repo, p.name)
				if skip {
					mu.Lock()
					res.Unchanged++
					unchanged = append(unchanged, repo.String())
					mu.Unlock()
					continue
				}
				err := p.fn(ctx, env, repo, probe)
				if errors.Is(err, ghclient.ErrBudgetReserved) {
					// Not the repository's failure: every credential is
					// spent. Nothing is recorded, so its status, data and
					// age stay as they were; the next run picks it up.
					mu.Lock()
					res.Deferred++
					mu.Unlock()
					continue
				}
				err = noteRepoState(ctx, env, repo, err)
				noteRefresh(ctx, env, repo, p.name, fp, err)
				if err != nil {
					err = fmt.Errorf("%s: %w", repo, err)
					env.Log.Warn("collection failed", "collector", p.name, "repo", repo.String(), "err", err)
				}
				// Record on a context that outlives a cancelled run, so
				// the attempt is not lost with it.
				if rerr := env.Store.RecordRepoAttempt(context.WithoutCancel(ctx), repo.String(), p.name, env.clock(), err); rerr != nil {
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
	// Verified fresh: recorded as successes, on a context that outlives a
	// cancelled run, so they are not lost with it.
	if err := env.Store.RecordRepoSuccesses(context.WithoutCancel(ctx), p.name, env.clock(), unchanged); err != nil {
		env.Log.Error("recording repository statuses", "collector", p.name, "repos", len(unchanged), "err", err)
	}
	if ctx.Err() != nil {
		errs = append(errs, ctx.Err())
	}
	res.Err = errors.Join(errs...)
	if res.Deferred > 0 {
		env.Log.Info("GitHub rate limit budget spent; repositories left for the next run",
			"collector", p.name, "deferred", res.Deferred, "repos", len(repos))
	}
	if probe != nil {
		env.Log.Debug("change probe spared unchanged repositories", "collector", p.name,
			"unchanged", res.Unchanged, "repos", len(repos))
	}
	return res
}

// stalestFirst orders repos by when collector last refreshed each of them,
// never first, then oldest: when the budget runs out mid-run, the
// repositories deferred to the next run are the freshest ones, and a budget
// that is always short does not starve the same tail of the watch list.
// Ties keep the watch-list order. Should the statuses not be readable, the
// order is left as it is.
func stalestFirst(ctx context.Context, env *Env, collector string, repos []ghrepo.Name) []ghrepo.Name {
	sts, err := env.Store.RepoStatuses(ctx)
	if err != nil {
		env.Log.Warn("reading repository statuses; collecting in watch-list order", "collector", collector, "err", err)
		return repos
	}
	last := make(map[string]time.Time, len(repos))
	for _, st := range sts {
		if st.Collector == collector {
			last[strings.ToLower(st.Repo)] = st.LastSuccess
		}
	}
	out := slices.Clone(repos)
	slices.SortStableFunc(out, func(a, b ghrepo.Name) int {
		return last[strings.ToLower(a.String())].Compare(last[strings.ToLower(b.String())])
	})
	return out
}

// noteRepoState records what one attempt says about the repository
// itself. GitHub answering 404 (deleted, or made private) or 451 (blocked)
// on the repository's own paths marks it gone: the attempt still fails,
// so its last success keeps saying how old the data is, and everything
// collected before stays and keeps being exported. Any success shows it
// is served again. It returns err, explained when the repository is gone.
func noteRepoState(ctx context.Context, env *Env, repo ghrepo.Name, err error) error {
	if ctx.Err() != nil {
		return err
	}
	reason := ""
	var er *github.ErrorResponse
	if errors.As(err, &er) && er.Response != nil {
		switch er.Response.StatusCode {
		case http.StatusNotFound:
			reason = store.GoneNotFound
		case http.StatusUnavailableForLegalReasons:
			reason = store.GoneBlocked
		}
	}
	if err != nil && reason == "" {
		return err // a failure that says nothing about the repository
	}
	prev, serr := env.Store.RepoStateOf(ctx, repo.String())
	if serr != nil {
		return errors.Join(err, serr)
	}
	if prev.Gone != reason {
		if serr := env.Store.SetRepoGone(context.WithoutCancel(ctx), repo.String(), reason, env.now()); serr != nil {
			return errors.Join(err, serr)
		}
		switch reason {
		case "":
			env.Log.Info("repository is served again", "repo", repo.String(), "was", prev.Gone)
		default:
			env.Log.Warn("repository gone from GitHub; its collected data is kept and exported as it was",
				"repo", repo.String(), "reason", reason)
		}
	}
	switch reason {
	case store.GoneNotFound:
		return fmt.Errorf("repository gone: GitHub answers 404 (deleted, or private): %w", err)
	case store.GoneBlocked:
		return fmt.Errorf("repository blocked: GitHub answers 451 (unavailable for legal reasons): %w", err)
	}
	return nil
}

// apiName is the name to ask GitHub about a watched repository by: the
// name it was renamed or transferred to, once the repo collector has seen
// that, so requests go there directly rather than through a redirect.
// Facts are still stored, and reported, under the watched name.
func apiName(ctx context.Context, env *Env, name ghrepo.Name) ghrepo.Name {
	st, err := env.Store.RepoStateOf(ctx, name.String())
	if err != nil || st.RenamedTo == "" {
		return name
	}
	n, err := ghrepo.Parse(st.RenamedTo)
	if err != nil {
		return name
	}
	return n
}
