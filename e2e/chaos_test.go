package e2e

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/common/expfmt"

	"github.com/fundwatch/fundwatch/analysis"
	"github.com/fundwatch/fundwatch/collectors"
	"github.com/fundwatch/fundwatch/ghclient"
	"github.com/fundwatch/fundwatch/ghrepo"
	"github.com/fundwatch/fundwatch/githubfake"
	"github.com/fundwatch/fundwatch/githubfake/scenario"
	"github.com/fundwatch/fundwatch/gitmirror"
	"github.com/fundwatch/fundwatch/metrics"
	"github.com/fundwatch/fundwatch/store"
)

// chaosEnd pins the demo scenario's "now", as `fundwatch demo --demo.end`.
var chaosEnd = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)

// chaosFaults are injected into every route, GraphQL included: together
// about one request in five goes wrong, in every way the fake knows.
// Limits and slow answers are rarer because each one honestly stops the
// whole client for up to a second or two (go-github refuses requests
// until Retry-After or the reset has passed, in real time), but frequent
// enough that each kind strikes a sync of ~250 requests with near
// certainty (at 1.2%, a kind is missed one run in twenty; the test
// tolerates two missed kinds).
const chaosFaults = `500=0.02, 502=0.02, 503=0.015,
	reset=0.015, abort=0.015, slow(1500ms)=0.012,
	truncate=0.015, malformed=0.015,
	shift(7)=0.04,
	secondary403(1s)=0.012, secondary429(1s)=0.006, secondary429(none)=0.006,
	primary403(1ms)=0.012, primary429(1ms)=0.012`

// chaosIssueHistory is how far back the first sync reads issues and
// comments: from a floor, as by default (the open issues older than it
// listed apart, under faults too), but three years back rather than 395
// days, so that a sync still makes about as many requests as the fault
// rates were set for (185 without faults; the whole history 205, the
// default 108, with which a few kinds would seldom strike).
const chaosIssueHistory = 3 * 365 * 24 * time.Hour

// chaosRepos is the part of the demo the chaos test collects: a project
// of each kind of story (employer exit, handover, volunteer-critical,
// abandoned, archived, finished), leaving out the largest corporate ones,
// keeps it well under a minute.
var chaosRepos = []string{"fastjson/fastjson", "compresslib/lzkit", "mkessler/tinyyaml",
	"ptrenton/legacy-xml", "initech/tps-reports", "nsorensen/units"}

type chaosRig struct {
	fake   *githubfake.Server
	store  *store.Store
	runner *collectors.Runner
	repos  []ghrepo.Name
}

func newChaosRig(t *testing.T, w *scenario.World, repos []string, opts githubfake.Options) *chaosRig {
	t.Helper()
	rig := &chaosRig{fake: githubfake.New(w, opts)}
	srv := httptest.NewServer(rig.fake)
	t.Cleanup(srv.Close)
	st, err := store.Open(filepath.Join(t.TempDir(), "fw.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	// A short timeout, so a slow answer fails fast; the fake's slow
	// answers take longer than this.
	gh, err := ghclient.New(ghclient.Options{BaseURL: srv.URL, Token: "test-token", Timeout: time.Second,
		// Backoffs and Retry-After waits are honoured, 50 times faster.
		Backoff: func(ctx context.Context, d time.Duration) error {
			d = min(max(d/50, 5*time.Millisecond), 200*time.Millisecond)
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(d):
				return nil
			}
		}})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range repos {
		rig.repos = append(rig.repos, ghrepo.MustParse(r))
	}
	rig.store = st
	env := &collectors.Env{GH: gh, Store: st, Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Now: func() time.Time { return w.End }, Concurrency: 4, IssueHistory: chaosIssueHistory}
	// History over git, as serve and collect read it where git is usable:
	// the faults a git server or the network can produce strike the
	// fetches too.
	if gitmirror.Available() == nil {
		t.Cleanup(func() { rig.fake.Close() })
		env.Git = &gitmirror.Cache{Dir: t.TempDir()}
		env.CloneURL = func(n ghrepo.Name) string { return githubfake.CloneURL(srv.URL, n.String()) }
	}
	rig.runner = &collectors.Runner{Env: env}
	return rig
}

// pass runs every collector once, the repository collectors concurrently
// and then the people collectors, as a full pass of `fundwatch collect`
// does, and reports whether every one of them succeeded on everything.
func (rig *chaosRig) pass(t *testing.T) (ok bool, failed []string) {
	t.Helper()
	var (
		mu   sync.Mutex
		wg   sync.WaitGroup
		last []collectors.Collector
	)
	run := func(c collectors.Collector) {
		res, _ := rig.runner.Run(context.Background(), c, rig.repos)
		if res.Err != nil {
			mu.Lock()
			failed = append(failed, fmt.Sprintf("%s: %d of %d failed: %s", c.Name(), res.Failed, res.Repos, firstLine(res.Err)))
			mu.Unlock()
		}
	}
	for _, n := range collectors.Names() {
		c, _ := collectors.Get(n)
		if n == "users" || n == "sponsors" {
			last = append(last, c)
			continue
		}
		wg.Add(1)
		go func() { defer wg.Done(); run(c) }()
	}
	wg.Wait()
	for _, c := range last {
		run(c)
	}
	return len(failed) == 0, failed
}

func firstLine(err error) string {
	s, _, _ := strings.Cut(err.Error(), "\n")
	return s
}

// converge repeats full passes until one succeeds everywhere and every
// repository's last attempt by every collector succeeded.
func (rig *chaosRig) converge(t *testing.T, maxPasses int) int {
	t.Helper()
	for p := 1; p <= maxPasses; p++ {
		ok, failed := rig.pass(t)
		if ok {
			sts, err := rig.store.RepoStatuses(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range sts {
				if s.LastError != "" {
					t.Fatalf("pass %d succeeded but %s/%s last failed: %s", p, s.Repo, s.Collector, s.LastError)
				}
			}
			return p
		}
		t.Logf("pass %d: %s", p, strings.Join(failed, "; "))
	}
	t.Fatalf("no fault-free pass after %d passes", maxPasses)
	return 0
}

func (rig *chaosRig) dump(t *testing.T) string {
	t.Helper()
	var b bytes.Buffer
	if err := rig.store.Dump(context.Background(), &b); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// snapshot is the analysis of the collected facts, with what depends on
// when and how fast collection ran (run bookkeeping, per-repository
// attempt times, the metadata's collection time, the computation's
// duration) cleared: what is left must only depend on the facts.
func (rig *chaosRig) snapshot(t *testing.T, w *scenario.World) *analysis.Snapshot {
	t.Helper()
	var targets []analysis.Target
	for _, r := range rig.repos {
		tier := ""
		for _, wr := range w.Repos {
			if strings.EqualFold(wr.FullName(), r.String()) {
				tier = wr.Truth.Tier
			}
		}
		targets = append(targets, analysis.Target{Repo: r.String(), Tier: tier})
	}
	snap, err := analysis.Compute(context.Background(), rig.store, targets, w.End, analysis.Options{})
	if err != nil {
		t.Fatal(err)
	}
	snap.Took, snap.Runs = 0, nil
	for i := range snap.Repos {
		snap.Repos[i].Status = nil
		snap.Repos[i].Meta.CollectedAt = time.Time{}
	}
	return snap
}

// exposition renders a snapshot as the exporter serves it, for a readable
// diff when two snapshots differ.
func exposition(t *testing.T, snap *analysis.Snapshot) string {
	t.Helper()
	// Every family: these tests check what each series says.
	sel, err := metrics.NewSelection([]string{metrics.OptInAll})
	if err != nil {
		t.Fatal(err)
	}
	exp := metrics.NewSnapshotSelecting(sel)
	exp.Update(snap)
	reg := prometheus.NewRegistry()
	reg.MustRegister(exp)
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	for _, mf := range mfs {
		if _, err := expfmt.MetricFamilyToText(&b, mf); err != nil {
			t.Fatal(err)
		}
	}
	return b.String()
}

// firstDiff shows where two texts part, line by line.
func firstDiff(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := 0; i < max(len(al), len(bl)); i++ {
		var x, y string
		if i < len(al) {
			x = al[i]
		}
		if i < len(bl) {
			y = bl[i]
		}
		if x != y {
			return fmt.Sprintf("line %d:\n  clean: %s\n  chaos: %s", i+1, x, y)
		}
	}
	return "no difference"
}

// Collection through a GitHub that fails one request in seven, in every
// way it can, repeated until it converges, must end with exactly what a
// collection without faults stores and concludes.
func TestChaosConvergesToTheFaultFreeResult(t *testing.T) {
	if testing.Short() {
		t.Skip("chaos collection takes several seconds")
	}
	t.Parallel()
	w, err := scenario.Demo(chaosEnd)
	if err != nil {
		t.Fatal(err)
	}
	seed := uint64(20261101)
	if s := os.Getenv("FUNDWATCH_CHAOS_SEED"); s != "" {
		if seed, err = strconv.ParseUint(s, 10, 64); err != nil {
			t.Fatalf("FUNDWATCH_CHAOS_SEED: %v", err)
		}
	}
	faults := githubfake.MustParseFaults(chaosFaults)

	var (
		clean, chaos *chaosRig
		wg           sync.WaitGroup
		cleanPasses  int
		chaosPasses  int
		took         [2]time.Duration
	)
	wg.Add(2)
	go func() {
		defer wg.Done()
		start := time.Now()
		clean = newChaosRig(t, w, chaosRepos, githubfake.Options{})
		cleanPasses = clean.converge(t, 1)
		took[0] = time.Since(start)
	}()
	go func() {
		defer wg.Done()
		start := time.Now()
		chaos = newChaosRig(t, w, chaosRepos, githubfake.Options{Faults: faults, FaultSeed: seed})
		chaosPasses = chaos.converge(t, 25)
		took[1] = time.Since(start)
	}()
	wg.Wait()
	if t.Failed() {
		return
	}

	var kinds []string
	for _, fc := range chaos.fake.Faults() {
		kinds = append(kinds, fmt.Sprintf("%s %d", fc.Kind, fc.Count))
	}
	injected, total := chaos.fake.FaultsInjected(), chaos.fake.Total()
	t.Logf("seed %d: %d faults injected in %d requests (%.1f%%), converged after %d passes in %s (fault-free: %d requests, %d pass, %s)",
		seed, injected, total, 100*float64(injected)/float64(total), chaosPasses, took[1].Round(time.Millisecond),
		clean.fake.Total(), cleanPasses, took[0].Round(time.Millisecond))
	t.Logf("faults by kind: %s", strings.Join(kinds, ", "))
	if len(kinds) < len(githubfake.FaultKinds)-2 {
		t.Errorf("only %d of %d fault kinds were injected; the test proves less than it claims", len(kinds), len(githubfake.FaultKinds))
	}

	// Faulted requests are counted like the others, by route and status.
	for _, fc := range chaos.fake.Faults() {
		if status, err := strconv.Atoi(string(fc.Kind)); err == nil {
			n := 0
			for _, rc := range chaos.fake.Requests() {
				if rc.Status == status {
					n += rc.Count
				}
			}
			if n < fc.Count {
				t.Errorf("%d faults %s injected, %d requests counted with status %d", fc.Count, fc.Kind, n, status)
			}
		}
	}

	if a, b := clean.dump(t), chaos.dump(t); a != b {
		t.Errorf("stores differ after convergence, %s", firstDiff(a, b))
	}
	a, b := clean.snapshot(t, w), chaos.snapshot(t, w)
	if !reflect.DeepEqual(a, b) {
		t.Errorf("analysis snapshots differ after convergence, %s", firstDiff(exposition(t, a), exposition(t, b)))
	}
	if len(a.Repos) != len(chaosRepos) || a.Repos[0].Analysis == nil {
		t.Errorf("the fault-free snapshot has no analysis: %+v", a.Repos)
	}
}
