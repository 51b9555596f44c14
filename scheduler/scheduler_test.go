package scheduler_test

import (
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fundwatch/fundwatch/collectors"
	"github.com/fundwatch/fundwatch/ghrepo"
	"github.com/fundwatch/fundwatch/scheduler"
	"github.com/fundwatch/fundwatch/store"
)

// slow is a collector that takes longer than its schedule's period.
type slow struct {
	name           string
	runs, inFlight atomic.Int32
	maxInFlight    atomic.Int32
	took           time.Duration
}

func (s *slow) Name() string { return s.name }

func (s *slow) Collect(ctx context.Context, _ *collectors.Env, _ []ghrepo.Name, _ *collectors.Probe) collectors.Result {
	n := s.inFlight.Add(1)
	for {
		m := s.maxInFlight.Load()
		if n <= m || s.maxInFlight.CompareAndSwap(m, n) {
			break
		}
	}
	s.runs.Add(1)
	time.Sleep(s.took)
	s.inFlight.Add(-1)
	return collectors.Result{}
}

type skips struct {
	mu sync.Mutex
	n  map[string]int
}

func (s *skips) RunStarted(string)                             {}
func (s *skips) RunFinished(string, time.Duration, int, error) {}
func (s *skips) RunSkipped(c string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.n[c]++
}

func TestScheduleRunsAtStartAndNeverOverlaps(t *testing.T) {
	st, err := store.Open(filepath.Join(t.TempDir(), "fw.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	obs := &skips{n: map[string]int{}}
	runner := &collectors.Runner{Env: &collectors.Env{Store: st, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}, Observer: obs}
	c := &slow{name: "slow", took: 2500 * time.Millisecond}
	quick := &slow{name: "quick"}
	s, err := scheduler.New(runner, []scheduler.Entry{{Collector: c, Spec: "@every 1s"}, {Collector: quick, Spec: "@every 1s"}},
		func() []ghrepo.Name { return nil }, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	s.Start(context.Background())
	if c.runs.Load() != 1 || quick.runs.Load() != 1 {
		t.Fatalf("after the start-up pass: %d and %d runs, want 1 each", c.runs.Load(), quick.runs.Load())
	}
	time.Sleep(4 * time.Second)
	s.Stop()
	if m := c.maxInFlight.Load(); m != 1 {
		t.Errorf("slow collector ran %d times at once", m)
	}
	if quick.runs.Load() < 3 {
		t.Errorf("quick collector ran %d times in 4s on @every 1s", quick.runs.Load())
	}
	obs.mu.Lock()
	defer obs.mu.Unlock()
	if obs.n["slow"] == 0 {
		t.Error("no tick of the slow collector was skipped")
	}
	runs, err := st.LastRuns(context.Background())
	if err != nil || len(runs) != 2 {
		t.Errorf("stored runs %v, err %v", runs, err)
	}
}

func TestBadScheduleIsRejected(t *testing.T) {
	t.Parallel()
	_, err := scheduler.New(&collectors.Runner{}, []scheduler.Entry{{Collector: &slow{name: "x"}, Spec: "every hour"}},
		func() []ghrepo.Name { return nil }, slog.Default())
	if err == nil || !strings.Contains(err.Error(), `collector x: schedule "every hour"`) {
		t.Errorf("err = %v", err)
	}
}

// blocker returns at once on its first run (the start-up pass) and, on
// the next (a scheduled tick), says it started and waits for its context.
type blocker struct {
	runs      atomic.Int32
	started   chan struct{}
	cancelled chan struct{}
}

func (b *blocker) Name() string { return "blocker" }

func (b *blocker) Collect(ctx context.Context, _ *collectors.Env, _ []ghrepo.Name, _ *collectors.Probe) collectors.Result {
	if b.runs.Add(1) == 1 {
		return collectors.Result{}
	}
	close(b.started)
	<-ctx.Done()
	close(b.cancelled)
	return collectors.Result{Err: ctx.Err()}
}

// Cancelling Start's context cancels a scheduled run under way, Stop waits
// for it, and the run is recorded as interrupted: a shutdown does not wait
// out a pass, nor lose its record.
func TestCancelStopsTheRunUnderWay(t *testing.T) {
	st, err := store.Open(filepath.Join(t.TempDir(), "fw.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	runner := &collectors.Runner{Env: &collectors.Env{Store: st, Log: log}}
	b := &blocker{started: make(chan struct{}), cancelled: make(chan struct{})}
	s, err := scheduler.New(runner, []scheduler.Entry{{Collector: b, Spec: "@every 1s"}}, func() []ghrepo.Name { return nil }, log)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	s.Start(ctx)
	<-b.started // a scheduled run is under way
	cancel()
	s.Stop()
	select {
	case <-b.cancelled:
	default:
		t.Fatal("Stop returned, but the run never saw its context cancelled")
	}
	runs, err := st.LastRuns(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var last store.Run
	for _, r := range runs {
		if r.Collector == "blocker" && r.Finished.After(last.Finished) {
			last = r
		}
	}
	if last.OK || !strings.HasPrefix(last.Error, "interrupted") {
		t.Errorf("last run recorded as %+v, want interrupted", last)
	}
}

// Replay runs a day of schedules on a simulated clock, as cron would in
// real time: every tick of each schedule, the entries due at one instant
// started together, and no real waiting.
func TestReplayRunsADayOfTicks(t *testing.T) {
	st, err := store.Open(filepath.Join(t.TempDir(), "fw.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var (
		mu  sync.Mutex
		now time.Time
		at  = map[string][]time.Time{}
	)
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	runner := &collectors.Runner{Env: &collectors.Env{Store: st, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Clock: clock}}
	var entries []scheduler.Entry
	for _, e := range []struct{ name, spec string }{{"half", "@every 30m"}, {"hourly", "@every 1h"}, {"daily", "@every 24h"}, {"cron", "15 */6 * * *"}} {
		entries = append(entries, scheduler.Entry{Collector: &stamp{name: e.name, clock: clock, mu: &mu, at: at}, Spec: e.spec})
	}
	s, err := scheduler.New(runner, entries, func() []ghrepo.Name { return nil }, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	from := time.Date(2025, 6, 1, 0, 0, 0, 0, time.Local)
	woke := s.Replay(context.Background(), from, from.Add(24*time.Hour), func(t time.Time) { mu.Lock(); now = t; mu.Unlock() })
	if len(woke) != 48+4 {
		t.Errorf("woke %d times, want 52 (every half hour, and at a quarter past every sixth hour)", len(woke))
	}
	for name, want := range map[string]int{"half": 48, "hourly": 24, "daily": 1, "cron": 4} {
		if got := len(at[name]); got != want {
			t.Errorf("%s ran %d times, want %d", name, got, want)
		}
	}
	for i, h := range at["hourly"] {
		if want := from.Add(time.Duration(i+1) * time.Hour); !h.Equal(want) || !at["half"][2*i+1].Equal(want) {
			t.Errorf("hourly run %d at %s, half-hourly at %s, want both at %s", i, h, at["half"][2*i+1], want)
		}
	}
}

// stamp is a collector that notes the simulated time of each run.
type stamp struct {
	name  string
	clock func() time.Time
	mu    *sync.Mutex
	at    map[string][]time.Time
}

func (s *stamp) Name() string { return s.name }

func (s *stamp) Collect(context.Context, *collectors.Env, []ghrepo.Name, *collectors.Probe) collectors.Result {
	t := s.clock()
	s.mu.Lock()
	s.at[s.name] = append(s.at[s.name], t)
	s.mu.Unlock()
	return collectors.Result{}
}
