// Package scheduler runs collectors on their cron schedules. It owns the
// timing only: what a run does, and the guarantee that one collector never
// runs twice at once, belong to collectors.Runner.
package scheduler

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/fundwatch/fundwatch/collectors"
	"github.com/fundwatch/fundwatch/ghrepo"
)

// Entry is one scheduled collector.
type Entry struct {
	Collector collectors.Collector
	// Spec is a cron expression (5 fields) or a descriptor such as
	// "@every 1h" or "@daily".
	Spec string
}

// Scheduler runs entries on their schedules.
type Scheduler struct {
	runner  *collectors.Runner
	repos   func() []ghrepo.Name
	cron    *cron.Cron
	log     *slog.Logger
	entries []Entry
	// jobs are the entries' parsed schedules and jobs, as given to cron,
	// for Replay.
	jobs []job
	// ctx is Start's: every scheduled run gets it, so cancelling it (a
	// shutdown) cancels the runs under way instead of waiting them out.
	// Set before the schedules start, read only by their jobs.
	ctx context.Context
}

// New validates every schedule and returns a scheduler that has not started.
// repos is called at each run, so a reloaded watch list takes effect on the
// next tick.
func New(runner *collectors.Runner, entries []Entry, repos func() []ghrepo.Name, log *slog.Logger) (*Scheduler, error) {
	s := &Scheduler{runner: runner, repos: repos, log: log, cron: cron.New(), entries: entries}
	for _, e := range entries {
		sched, err := cron.ParseStandard(e.Spec)
		if err != nil {
			return nil, fmt.Errorf("collector %s: schedule %q: %w", e.Collector.Name(), e.Spec, err)
		}
		c := e.Collector
		run := func() {
			if s.ctx.Err() != nil {
				return // shutting down: no new run
			}
			s.runner.Run(s.ctx, c, s.repos())
		}
		s.cron.Schedule(sched, cron.FuncJob(run))
		s.jobs = append(s.jobs, job{sched, run})
	}
	return s, nil
}

type job struct {
	sched cron.Schedule
	run   func()
}

// Start runs one full pass of every collector (so a fresh start serves data
// without waiting for the first tick), then starts the schedules. It
// returns when the first pass is done or ctx is cancelled. Cancelling ctx
// cancels the scheduled runs too; Stop then waits for them to wind down.
func (s *Scheduler) Start(ctx context.Context) {
	s.ctx = ctx
	cs := make([]collectors.Collector, 0, len(s.entries))
	for _, e := range s.entries {
		cs = append(cs, e.Collector)
	}
	s.runner.RunAll(ctx, cs, s.repos())
	if ctx.Err() != nil {
		return
	}
	s.cron.Start()
	for _, e := range s.cron.Entries() {
		s.log.Debug("scheduled", "next", e.Next)
	}
}

// Stop stops the schedules and waits for running jobs to finish.
func (s *Scheduler) Stop() {
	<-s.cron.Stop().Done()
}

// Replay runs the schedules from from until until on a simulated clock,
// without waiting: it does what cron's loop would do in that time, for
// tests that measure what a day of serve costs. As cron does, it computes
// each entry's next time with its Schedule.Next from the instant its
// schedules started (from: the end of Start's first pass, which Replay does
// not make), wakes at the earliest, starts every entry due then at once,
// each in its own goroutine, with the same job the schedules run (so runs
// that tick together share a change probe exactly as in serve), and
// computes their next times from that instant. advance is called with
// each instant before its runs start (to move the clocks the runs read);
// Replay waits for the runs of an instant to finish before the next, as
// runs shorter than the time between ticks do. It returns the instants
// it woke at.
func (s *Scheduler) Replay(ctx context.Context, from, until time.Time, advance func(time.Time)) []time.Time {
	s.ctx = ctx
	next := make([]time.Time, len(s.jobs))
	for i, j := range s.jobs {
		next[i] = j.sched.Next(from)
	}
	var woke []time.Time
	for ctx.Err() == nil {
		now := time.Time{}
		for _, t := range next {
			if !t.IsZero() && (now.IsZero() || t.Before(now)) {
				now = t
			}
		}
		if now.IsZero() || now.After(until) {
			break
		}
		advance(now)
		woke = append(woke, now)
		var wg sync.WaitGroup
		for i, j := range s.jobs {
			if next[i].After(now) || next[i].IsZero() {
				continue
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				j.run()
			}()
			next[i] = j.sched.Next(now)
		}
		wg.Wait()
	}
	return woke
}
