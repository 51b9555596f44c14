package e2e

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"math"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/fundwatch/fundwatch/collectors"
	"github.com/fundwatch/fundwatch/collectors/collectortest"
	"github.com/fundwatch/fundwatch/ghrepo"
	"github.com/fundwatch/fundwatch/githubfake"
	"github.com/fundwatch/fundwatch/scheduler"
)

// simClock is the simulated wall clock of a day of serve: the runner's
// bookkeeping, the data's now and the fake's rate-limit windows all read
// it, and only the simulation moves it.
type simClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *simClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *simClock) set(t time.Time) {
	c.mu.Lock()
	c.t = t
	c.mu.Unlock()
}

// runLog is the runner's observer in the simulation: runs per collector,
// and every error, so that a day that looks cheap because its runs failed
// fails instead.
type runLog struct {
	mu   sync.Mutex
	runs map[string]int
	errs []error
}

func (l *runLog) RunStarted(string) {}
func (l *runLog) RunSkipped(c string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.errs = append(l.errs, fmt.Errorf("%s: a tick was skipped, its last run still going", c))
}
func (l *runLog) RunFinished(c string, _ time.Duration, failed int, err error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.runs[c]++
	if err != nil || failed > 0 {
		l.errs = append(l.errs, fmt.Errorf("%s: %d failed: %v", c, failed, err))
	}
}

// serveDay is what a simulated day of serve cost.
type serveDay struct {
	n, changed, active int
	wakes              int            // instants at which runs started
	runs               map[string]int // per collector
	counted, rest      int            // REST requests: counted against the limit, and all (304s too)
	points             int            // GraphQL points
	probePoints        int            // of one probe of the watch list
	peoplePoints       int            // of the first pass of the people collectors, reading everyone
	peopleDay          int            // of the people collectors during the day
	maxDelay           time.Duration  // from a change to the end of the run that stored it, at most
}

// probeConnections is how many connections the change probe asks about
// per repository (open issues and open pull requests: counts only),
// what GitHub's score counts.
const probeConnections = 2

// probeRoundPoints is what one probe of n repositories costs by GitHub's
// documented formula: per query, its connection requests divided by 100,
// rounded, at least 1.
func probeRoundPoints(n int) int {
	points := 0
	for start := 0; start < n; start += collectors.ProbeBatch {
		size := min(collectors.ProbeBatch, n-start)
		points += max(1, int(math.Round(float64(probeConnections*size)/100)))
	}
	return points
}

// simulateServeDay runs serve's schedules over a simulated day against a
// world of n repositories: the schedules and collectors of the registry,
// the scheduler's own ticks (Replay: cron's Schedule.Next, the runs of one
// instant started together), the Runner as the service configures it
// (the default ProbeReuse, MaxSkip), with every clock on the simulated
// one. Before the day, serve's first pass syncs the world as it was at the
// day's start (not counted: that is a first sync, measured elsewhere).
// During the day every every-th repository changes once (a commit and a
// new issue), the changes spread evenly over the day, and every every-th
// repository from the middle of the stride had its last push two hours
// before the day, so its forced refresh (MaxSkip) falls due during it.
// The day counts every request of every collector, probes and people
// collectors included, and checks that every change was stored by the
// first run after it.
func simulateServeDay(t testing.TB, n, every int) serveDay {
	t.Helper()
	day0 := collectortest.End.Add(-24 * time.Hour)
	w := collectortest.ManyReposWorld(n, every)
	m := (n + every - 1) / every
	type change struct {
		at   time.Time
		repo string
		i    int
	}
	var changes []change
	active := map[string]bool{}
	for i, r := range w.Repos {
		switch i % every {
		case 0: // the world's change, moved into the day
			k := i / every
			at := day0.Add(time.Duration(2*k+1) * 24 * time.Hour / time.Duration(2*m)).Truncate(time.Second)
			c := &r.Commits[len(r.Commits)-1]
			c.AuthorDate, c.CommitterDate = at, at
			r.Issues[len(r.Issues)-1].CreatedAt = at
			changes = append(changes, change{at, r.FullName(), i})
		case every / 2:
			at := day0.Add(-2 * time.Hour)
			r.Commits = append(r.Commits, r.Commits[len(r.Commits)-1])
			c := &r.Commits[len(r.Commits)-1]
			c.SHA = fmt.Sprintf("%040x", 1<<40+i)
			c.AuthorDate, c.CommitterDate = at, at
			active[strings.ToLower(r.FullName())] = true
		}
	}

	clock := &simClock{t: day0}
	h, rr := collectortest.NewManyOpts(t, w, githubfake.Options{Limit: 1 << 30, GraphQLLimit: 1 << 30, Now: clock.now})
	h.Env.Now, h.Env.Clock = clock.now, clock.now
	h.Env.Concurrency = 4 // as serve
	h.Fake.SetHorizon(day0)
	log := &runLog{runs: map[string]int{}}
	// As service.New makes it: the default ProbeReuse and MaxSkip.
	runner := &collectors.Runner{Env: h.Env, Observer: log}
	var entries []scheduler.Entry
	var all []collectors.Collector
	for _, s := range collectors.Specs() {
		if s.Disabled {
			continue
		}
		c, _ := collectors.Get(s.Name)
		entries = append(entries, scheduler.Entry{Collector: c, Spec: s.Schedule})
		all = append(all, c)
	}
	sched, err := scheduler.New(runner, entries, func() []ghrepo.Name { return h.Repos },
		slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}

	ctx := context.Background()
	// serve's first pass (scheduler.Start), at the start of the day.
	runner.RunAll(ctx, all, h.Repos)
	if len(log.errs) > 0 {
		t.Fatalf("first pass: %v", log.errs)
	}
	day := serveDay{n: n, changed: len(changes), active: len(active), probePoints: probeRoundPoints(n)}
	day.peoplePoints = h.Fake.GraphQLPoints() - day.probePoints
	h.Fake.ResetCounts()
	rr.Reset()
	points0 := h.Fake.GraphQLPoints()
	log.runs = map[string]int{}

	// stored notes the changes the runs up to seen stored, and how long
	// after each change: each is looked for after every instant's runs
	// from the change on, until it is found.
	var pending []change
	next := 0
	var last time.Time
	stored := func(seen time.Time) {
		for ; next < len(changes) && !changes[next].at.After(seen); next++ {
			pending = append(pending, changes[next])
		}
		left := pending[:0]
		for _, c := range pending {
			cs, err := h.Store.Commits(ctx, c.repo, time.Time{}, time.Time{})
			if err != nil {
				t.Fatal(err)
			}
			is, err := h.Store.Issues(ctx, c.repo)
			if err != nil {
				t.Fatal(err)
			}
			if r := w.Repos[c.i]; len(cs) != len(r.Commits) || len(is) != len(r.Issues) {
				left = append(left, c)
				continue
			}
			day.maxDelay = max(day.maxDelay, seen.Sub(c.at))
		}
		pending = left
	}
	wakes := sched.Replay(ctx, day0, day0.Add(24*time.Hour), func(now time.Time) {
		if !last.IsZero() {
			stored(last)
		}
		last = now
		clock.set(now)
		h.Fake.SetHorizon(now)
	})
	stored(last)
	for _, c := range pending {
		t.Errorf("%s changed at %s: not stored by the end of the day", c.repo, c.at.Sub(day0))
	}
	if len(log.errs) > 0 {
		t.Fatalf("the day's runs: %v", log.errs)
	}
	day.wakes, day.runs = len(wakes), log.runs
	day.counted, day.rest = collectortest.CountedREST(h.Fake), collectortest.RESTRequests(h.Fake)
	day.points = h.Fake.GraphQLPoints() - points0

	// Per repository: a changed one costs its metadata (200), a page of
	// commits and one of issues (the cursors kept): 3 counted requests,
	// and a free 304 for comments; releases are not asked when it
	// changes, their count did not move. Its forced refreshes (MaxSkip:
	// 19.2 to 24 hours after the last refresh, by the hash of its name)
	// are free 304s: at least the releases' (refreshed last by the first
	// pass, and the change made the repository active), at most one per
	// collector. An active one, unchanged all day, is force-refreshed once
	// by each of the five repository collectors, every answer a free 304.
	// Any other repository (quiet for weeks: forced refreshes days apart)
	// costs nothing.
	changedRepo := map[string]bool{}
	for _, c := range changes {
		changedRepo[strings.ToLower(c.repo)] = true
	}
	for _, r := range w.Repos {
		key := strings.ToLower(r.FullName())
		lo, hi, counted := 0, 0, 0
		switch {
		case changedRepo[key]:
			lo, hi, counted = 5, 9, 3
		case active[key]:
			lo, hi = 5, 5
		}
		if got := rr.ByRepo[key]; got < lo || got > hi || rr.Counted[key] != counted {
			t.Errorf("%s: %d REST requests in the day (%d counted), want %d to %d (%d counted)", r.FullName(), got, rr.Counted[key], lo, hi, counted)
		}
	}
	if day.counted != 3*day.changed {
		t.Errorf("the day: %d counted REST requests, want %d (3 per changed repository): %v", day.counted, 3*day.changed, h.Fake.Requests())
	}
	// Every instant with runs of the repository collectors probes once
	// (the runs of one instant share it); the people collectors, once a
	// day, read again only the people whose day of the week it is
	// (collection.people_refresh): about a seventh of what they read in
	// the first pass, rounded up per batch.
	rounds := 0
	for _, at := range wakes {
		for _, e := range entries {
			if e.Collector.Name() != "users" && e.Collector.Name() != "sponsors" && dueAt(t, e.Spec, day0, at) {
				rounds++
				break
			}
		}
	}
	if day.runs["users"] != day.runs["sponsors"] {
		t.Errorf("the day: %d runs of users, %d of sponsors: want the same", day.runs["users"], day.runs["sponsors"])
	}
	day.peopleDay = day.points - rounds*day.probePoints
	if most := day.runs["users"] * (day.peoplePoints*4/(3*7) + 2); day.peopleDay < day.runs["users"] || day.peopleDay > most {
		t.Errorf("the day: %d GraphQL points, %d probes of %d points and %d for people; want people 1 to %d (about a seventh of the %d of the first pass)",
			day.points, rounds, day.probePoints, day.peopleDay, most, day.peoplePoints)
	}
	t.Logf("%d repositories, %d changed, %d active: %d instants, runs %v; %d REST requests (%d counted), %d GraphQL points (probe %d, people %d of %d in the first pass); slowest change stored %s after it",
		n, day.changed, day.active, day.wakes, day.runs, day.rest, day.counted, day.points, day.probePoints, day.peopleDay, day.peoplePoints, day.maxDelay)
	return day
}

// dueAt reports whether the schedule spec, started at from, ticks at at.
func dueAt(t testing.TB, spec string, from, at time.Time) bool {
	t.Helper()
	s, err := cron.ParseStandard(spec)
	if err != nil {
		t.Fatal(err)
	}
	for next := s.Next(from); !next.After(at); next = s.Next(next) {
		if next.Equal(at) {
			return true
		}
	}
	return false
}

// A simulated day of serve at the default schedules, on 500 repositories
// of which 10% change during the day: the exact per-repository costs of
// every collector and probe, and every change stored within its
// schedule's period. TestServeDayBudget10k holds the day to one token's
// hour at 10,000.
func TestServeDayBudget(t *testing.T) {
	t.Parallel()
	day := simulateServeDay(t, 500, 10)
	if day.maxDelay > time.Hour {
		t.Errorf("a change waited %s to be stored, beyond the hourly schedules", day.maxDelay)
	}
}

// The issue's target: a day of serve at the default schedules watching
// 10,000 repositories, 10% of them changing during the day, costs at most
// one token's hour: 5,000 counted REST requests and 5,000 GraphQL points,
// every probe and collector included. Minutes, so it runs as its own
// step of .ci/run (FUNDWATCH_SCALE=1).
func TestServeDayBudget10k(t *testing.T) {
	if os.Getenv("FUNDWATCH_SCALE") != "1" {
		t.Skip("simulates a day of 10,000 repositories: run with FUNDWATCH_SCALE=1 (.ci/run does)")
	}
	t.Parallel()
	day := simulateServeDay(t, 10_000, 10)
	if day.counted > 5000 || day.points > 5000 {
		t.Errorf("a day of serve on 10,000 repositories: %d counted REST requests and %d GraphQL points, over one token's hour (5,000 each)", day.counted, day.points)
	}
}

// BenchmarkServeDay10k is the simulated day of serve at 10,000
// repositories, 10% changed (TestServeDayBudget10k). Run it with
// -benchtime 1x.
func BenchmarkServeDay10k(b *testing.B) {
	if testing.Short() {
		b.Skip("simulates a day of 10,000 repositories")
	}
	for range b.N {
		day := simulateServeDay(b, 10_000, 10)
		b.ReportMetric(float64(day.counted), "day-counted-rest")
		b.ReportMetric(float64(day.points), "day-graphql-points")
		b.ReportMetric(float64(day.rest), "day-rest-requests")
		b.ReportMetric(float64(day.counted)/float64(day.n), "day-counted-rest/repo")
		b.ReportMetric(float64(day.points)/float64(day.n), "day-graphql-points/repo")
		b.ReportMetric(float64(day.wakes), "day-probe-rounds")
		b.ReportMetric(float64(day.peopleDay), "day-people-points")
	}
}
