package collectors

import (
	"context"
	"strings"
	"sync"
	"time"

	"github.com/fundwatch/fundwatch/ghrepo"
	"github.com/fundwatch/fundwatch/store"
)

// RunObserver is told about every collector run (the exporter's
// self-metrics implement it). It must be safe for concurrent use.
type RunObserver interface {
	RunStarted(collector string)
	RunFinished(collector string, d time.Duration, failed int, err error)
	RunSkipped(collector string)
}

// Runner runs collectors with the bookkeeping every run needs: never two
// runs of one collector at once, each run recorded in the store and
// reported to the observer, and a hook after each run (to recompute the
// analysis snapshot).
//
// Before the per-repository REST collectors run, the Runner probes the
// watch list over GraphQL (one query per ProbeBatch repositories; RunAll
// probes once for all of them) and each collector then refreshes only the
// repositories that changed since its last successful refresh of them,
// that it never refreshed, or whose last attempt failed. A repository the
// probe could not check is refreshed in full.
type Runner struct {
	Env      *Env
	Observer RunObserver // optional
	// AfterRun, if set, is called after every completed run.
	AfterRun func(ctx context.Context, collector string)
	// NoProbe turns the change probe off: every run refreshes every
	// repository (unchanged lists still cost only free 304s).
	NoProbe bool
	// MaxSkip bounds how long an active repository that looks unchanged
	// may go without a detailed refresh; DefaultMaxSkip when 0.
	MaxSkip time.Duration
	// MaxSkipQuiet bounds it for a repository that has been quiet for a
	// long time (see forcedRefreshEvery): rarely changing repositories
	// are refreshed less often. DefaultMaxSkipQuiet when 0; never below
	// MaxSkip.
	MaxSkipQuiet time.Duration
	// ProbeReuse is how long a change probe serves the runs that start
	// after it: collectors whose schedules tick together (by default the
	// four hourly repository collectors, and releases every sixth hour)
	// share one probe instead of one each: one probe an hour, 24 a day.
	// DefaultProbeReuse when 0; negative: every run probes for itself. A
	// change the shared probe has not seen yet is picked up by the next
	// run.
	ProbeReuse time.Duration

	mu      sync.Mutex
	running map[string]bool

	probeMu      sync.Mutex // held while probing: runs starting together wait for one probe
	lastProbe    *Probe
	lastProbeAt  time.Time
	lastProbeKey string
}

// DefaultProbeReuse is how long a change probe serves later runs.
const DefaultProbeReuse = 5 * time.Minute

// sharedProbe returns a probe of repos made within ProbeReuse, or makes
// one.
func (r *Runner) sharedProbe(ctx context.Context, repos []ghrepo.Name) *Probe {
	reuse := r.ProbeReuse
	if reuse == 0 {
		reuse = DefaultProbeReuse
	}
	if reuse < 0 {
		return r.probe(ctx, repos)
	}
	var key strings.Builder
	for _, n := range repos {
		key.WriteString(n.Key())
		key.WriteByte('\n')
	}
	r.probeMu.Lock()
	defer r.probeMu.Unlock()
	if age := r.Env.clock().Sub(r.lastProbeAt); r.lastProbe != nil && r.lastProbeKey == key.String() && age < reuse {
		r.Env.Log.Debug("change probe reused", "age", age.Round(time.Second).String())
		return r.lastProbe
	}
	p := r.probe(ctx, repos)
	r.lastProbe, r.lastProbeAt, r.lastProbeKey = p, r.Env.clock(), key.String()
	return p
}

// Run runs the named collector over repos. It returns ran=false without
// doing anything when the same collector is still running: a slow run is
// never doubled by the next tick of its schedule.
func (r *Runner) Run(ctx context.Context, c Collector, repos []ghrepo.Name) (res Result, ran bool) {
	return r.run(ctx, c, repos, nil)
}

// run is Run with the probe of the pass, if it made one (nil: the run
// probes for itself when its collector wants one).
func (r *Runner) run(ctx context.Context, c Collector, repos []ghrepo.Name, probe *Probe) (res Result, ran bool) {
	name := c.Name()
	r.mu.Lock()
	if r.running == nil {
		r.running = map[string]bool{}
	}
	if r.running[name] {
		r.mu.Unlock()
		r.Env.Log.Info("collector still running; skipping this tick", "collector", name)
		if r.Observer != nil {
			r.Observer.RunSkipped(name)
		}
		return Result{}, false
	}
	r.running[name] = true
	r.mu.Unlock()
	defer func() {
		r.mu.Lock()
		delete(r.running, name)
		r.mu.Unlock()
	}()

	if r.Observer != nil {
		r.Observer.RunStarted(name)
	}
	start, started := time.Now(), r.Env.clock()
	if probe == nil && r.wantsProbe(ctx, c) {
		probe = r.sharedProbe(ctx, repos)
	}
	r.Env.Log.Debug("collector run started", "collector", name, "repos", len(repos))
	res = c.Collect(ctx, r.Env, repos, probe)
	took := time.Since(start)
	run := store.Run{Collector: name, Started: started, Finished: r.Env.clock(), OK: res.Err == nil, Repos: res.Repos, Failed: res.Failed}
	if res.Err != nil {
		run.Error = firstLine(res.Err.Error())
	}
	if ctx.Err() != nil {
		// Cancelled (a shutdown): what was stored stays, the rest is
		// for the next run; say so rather than show a bare error.
		run.OK = false
		run.Error = "interrupted: " + run.Error
		if res.Err == nil {
			run.Error = "interrupted before it finished"
		}
	}
	if err := r.Env.Store.RecordRun(context.WithoutCancel(ctx), run); err != nil {
		r.Env.Log.Error("recording collector run", "collector", name, "err", err)
	}
	if r.Observer != nil {
		r.Observer.RunFinished(name, took, res.Failed, res.Err)
	}
	level := r.Env.Log.Info
	if res.Err != nil {
		level = r.Env.Log.Warn
	}
	level("collector run finished", "collector", name, "duration", took.Round(time.Millisecond).String(),
		"attempted", res.Repos, "failed", res.Failed, "deferred", res.Deferred)
	if r.AfterRun != nil {
		r.AfterRun(ctx, name)
	}
	return res, true
}

// RunAll runs the given collectors once: the repository collectors
// concurrently, then the people collectors ("sponsors", "users"), which
// look up the people the others found. The repository collectors share
// one change probe, made first. It returns the result of each collector
// that ran.
func (r *Runner) RunAll(ctx context.Context, cs []Collector, repos []ghrepo.Name) map[string]Result {
	var (
		wg      sync.WaitGroup
		last    []Collector
		mu      sync.Mutex
		results = map[string]Result{}
	)
	var probe *Probe
	run := func(c Collector) {
		if res, ran := r.run(ctx, c, repos, probe); ran {
			mu.Lock()
			results[c.Name()] = res
			mu.Unlock()
		}
	}
	for _, c := range cs {
		if phaseOf(c.Name()) == PhaseRepositories && r.wantsProbe(ctx, c) {
			// One probe serves every repository collector of the pass.
			probe = r.sharedProbe(ctx, repos)
			break
		}
	}
	for _, c := range cs {
		if phaseOf(c.Name()) == PhasePeople {
			last = append(last, c)
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			run(c)
		}()
	}
	wg.Wait()
	for _, c := range last {
		if ctx.Err() == nil {
			run(c)
		}
	}
	return results
}

// wantsProbe reports whether a run of c needs a change probe: c is spared
// unchanged repositories and the probe is on.
func (r *Runner) wantsProbe(ctx context.Context, c Collector) bool {
	_, gated := c.(probeGated)
	return gated && !r.NoProbe && ctx.Err() == nil
}

func firstLine(s string) string {
	for i, c := range s {
		if c == '\n' {
			return s[:i]
		}
	}
	return s
}
