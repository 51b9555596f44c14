package collectors

import (
	"context"
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
type Runner struct {
	Env      *Env
	Observer RunObserver // optional
	// AfterRun, if set, is called after every completed run.
	AfterRun func(ctx context.Context, collector string)

	mu      sync.Mutex
	running map[string]bool
}

// Run runs the named collector over repos. It returns ran=false without
// doing anything when the same collector is still running: a slow run is
// never doubled by the next tick of its schedule.
func (r *Runner) Run(ctx context.Context, c Collector, repos []ghrepo.Name) (res Result, ran bool) {
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
	start := time.Now()
	r.Env.Log.Debug("collector run started", "collector", name, "repos", len(repos))
	res = c.Collect(ctx, r.Env, repos)
	took := time.Since(start)
	run := store.Run{Collector: name, Started: start, Finished: time.Now(), OK: res.Err == nil, Repos: res.Repos, Failed: res.Failed}
	if res.Err != nil {
		run.Error = firstLine(res.Err.Error())
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
		"attempted", res.Repos, "failed", res.Failed)
	if r.AfterRun != nil {
		r.AfterRun(ctx, name)
	}
	return res, true
}

// RunAll runs the given collectors once: the repository collectors
// concurrently, then the people collectors ("sponsors", "users"), which
// look up the people the others found.
func (r *Runner) RunAll(ctx context.Context, cs []Collector, repos []ghrepo.Name) {
	var (
		wg   sync.WaitGroup
		last []Collector
	)
	for _, c := range cs {
		if peopleCollectors[c.Name()] {
			last = append(last, c)
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			r.Run(ctx, c, repos)
		}()
	}
	wg.Wait()
	for _, c := range last {
		if ctx.Err() == nil {
			r.Run(ctx, c, repos)
		}
	}
}

func firstLine(s string) string {
	for i, c := range s {
		if c == '\n' {
			return s[:i]
		}
	}
	return s
}
