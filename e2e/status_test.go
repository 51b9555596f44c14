package e2e

import (
	"context"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/fundwatch/fundwatch/analysis"
	"github.com/fundwatch/fundwatch/collectors"
	"github.com/fundwatch/fundwatch/collectors/collectortest"
	"github.com/fundwatch/fundwatch/githubfake"
	"github.com/fundwatch/fundwatch/store"
)

// runAll runs every collector once and returns the failures by collector.
func runAll(t *testing.T, h *collectortest.Harness) map[string]collectors.Result {
	t.Helper()
	out := map[string]collectors.Result{}
	for _, n := range collectors.Names() {
		c, _ := collectors.Get(n)
		res, _ := h.Runner.Run(context.Background(), c, h.Repos)
		out[n] = res
	}
	return out
}

func targets(h *collectortest.Harness) []analysis.Target {
	var ts []analysis.Target
	for _, r := range h.Repos {
		ts = append(ts, analysis.Target{Repo: r.String()})
	}
	return ts
}

// snapshotAt analyses what h stored, as of at.
func snapshotAt(t *testing.T, h *collectortest.Harness, at time.Time) *analysis.Snapshot {
	t.Helper()
	snap, err := analysis.Compute(context.Background(), h.Store, targets(h), at, analysis.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return snap
}

// series parses the exporter's text output into series → value.
func series(t *testing.T, snap *analysis.Snapshot) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, line := range strings.Split(exposition(t, snap), "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		i := strings.LastIndexByte(line, ' ')
		out[line[:i]] = line[i+1:]
	}
	return out
}

func repoOf(snap *analysis.Snapshot, repo string) analysis.Repo {
	for _, r := range snap.Repos {
		if r.Repo == repo {
			return r
		}
	}
	return analysis.Repo{}
}

// A renamed (or transferred) repository is followed: its data is
// collected from the new name and reported under the watched one.
func TestRenamedRepositoryIsFollowed(t *testing.T) {
	t.Parallel()
	w := collectortest.World()
	h := collectortest.New(t, w, githubfake.Options{RepoStates: map[string]githubfake.RepoState{
		"acme/old-widget": {Condition: githubfake.RepoRenamed, To: "acme/widget"},
	}}, "acme/old-widget", "bob/tool")
	h.SyncAll(t)
	ctx := context.Background()
	cs, _ := h.Store.Commits(ctx, "acme/old-widget", time.Time{}, time.Time{})
	if len(cs) != len(w.Repos[0].Commits) {
		t.Errorf("%d commits stored under the watched name, want %d", len(cs), len(w.Repos[0].Commits))
	}
	if cs, _ := h.Store.Commits(ctx, "acme/widget", time.Time{}, time.Time{}); len(cs) != 0 {
		t.Errorf("%d commits stored under the new name; everything belongs to the watched one", len(cs))
	}
	st, _ := h.Store.RepoStateOf(ctx, "acme/old-widget")
	if st.RenamedTo != "acme/widget" || st.Gone != "" {
		t.Errorf("state %+v, want renamed to acme/widget", st)
	}
	if meta, ok, _ := h.Store.Repo(ctx, "acme/old-widget"); !ok || meta.Stars != w.Repos[0].Stars {
		t.Errorf("metadata under the watched name: %+v", meta)
	}
	got := series(t, snapshotAt(t, h, collectortest.End))
	if got[`fundwatch_repo_renamed_info{new_name="acme/widget",repo="acme/old-widget"}`] != "1" {
		t.Errorf("no renamed_info series; got %v", got)
	}
	if got[`fundwatch_repo_stars{repo="acme/old-widget"}`] == "" {
		t.Error("the watched name exports no stars")
	}
	// Once the new name is known, lists go there directly: only the
	// metadata request still asks the old name (to notice another move).
	h.Fake.ResetCounts()
	h.SyncAll(t)
	for _, rc := range h.Fake.Requests() {
		if rc.Status == http.StatusMovedPermanently && rc.Route != "/repos/{owner}/{repo}" {
			t.Errorf("%d × %s still redirected after the rename was recorded", rc.Count, rc.Route)
		}
	}
}

// A repository GitHub stops serving (404 deleted, 451 blocked) is reported
// gone; its last good signals stay, as of when it went, and the others are
// collected as usual. When it comes back, it is ordinary again.
func TestGoneRepositoryKeepsItsSignals(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		cond   githubfake.RepoCondition
		reason string
	}{{githubfake.RepoDeleted, store.GoneNotFound}, {githubfake.RepoBlocked, store.GoneBlocked}} {
		t.Run(string(tt.cond), func(t *testing.T) {
			t.Parallel()
			h := collectortest.New(t, collectortest.World(), githubfake.Options{})
			h.NoRetryWaits.Store(true)
			h.SyncAll(t)
			before := series(t, snapshotAt(t, h, collectortest.End))
			key := `{reason="` + tt.reason + `",repo="bob/tool"}`
			if before["fundwatch_repo_gone"+key] != "0" {
				t.Fatalf("before: gone = %q, want 0", before["fundwatch_repo_gone"+key])
			}

			h.Fake.SetRepoState("bob/tool", githubfake.RepoState{Condition: tt.cond})
			for name, res := range runAll(t, h) {
				if name == "users" || name == "sponsors" {
					continue
				}
				if res.Failed != 1 || !strings.Contains(res.Err.Error(), "bob/tool") {
					t.Errorf("%s: %+v, want bob/tool (only) failed", name, res)
				}
			}
			ctx := context.Background()
			st, _ := h.Store.RepoStateOf(ctx, "bob/tool")
			if st.Gone != tt.reason || !st.GoneSince.Equal(collectortest.End) {
				t.Errorf("state %+v, want gone %s since %s", st, tt.reason, collectortest.End)
			}
			snap := snapshotAt(t, h, collectortest.End)
			after := series(t, snap)
			if after["fundwatch_repo_gone"+key] != "1" {
				t.Errorf("after: gone = %q, want 1", after["fundwatch_repo_gone"+key])
			}
			for k, v := range before {
				switch {
				case strings.HasPrefix(k, "fundwatch_repo_gone"), strings.HasPrefix(k, "fundwatch_collector_"),
					strings.HasPrefix(k, "fundwatch_snapshot_"):
				case strings.HasPrefix(k, "fundwatch_repo_last_attempt_success") && strings.Contains(k, `repo="bob/tool"`):
					if after[k] != "0" {
						t.Errorf("%s = %s, want 0", k, after[k])
					}
				case strings.HasPrefix(k, "fundwatch_repo_last_success_timestamp_seconds") && strings.Contains(k, `repo="bob/tool"`):
					if after[k] != v {
						t.Errorf("%s moved from %s to %s on a failure", k, v, after[k])
					}
				case strings.HasPrefix(k, "fundwatch_repo_oldest_success_timestamp_seconds") && strings.Contains(k, `repo="bob/tool"`):
					if after[k] != v {
						t.Errorf("%s moved from %s to %s on a failure", k, v, after[k])
					}
				case strings.HasPrefix(k, "fundwatch_repo_last_"), strings.HasPrefix(k, "fundwatch_repo_oldest_success"):
					// The other repositories were refreshed again.
				default:
					if after[k] != v {
						t.Errorf("%s = %q after the repository went, was %s", k, after[k], v)
					}
				}
			}
			// Time passing does not age a gone repository into
			// "abandoned": it is analysed as of when it went.
			later := repoOf(snapshotAt(t, h, collectortest.End.AddDate(2, 0, 0)), "bob/tool")
			if now := repoOf(snap, "bob/tool"); !reflect.DeepEqual(later.Analysis, now.Analysis) {
				t.Errorf("two years on, the gone repository's lifecycle is %s (was %s)", later.Analysis.Lifecycle, now.Analysis.Lifecycle)
			}
			if widget := repoOf(snapshotAt(t, h, collectortest.End.AddDate(2, 0, 0)), "acme/widget"); widget.Analysis.Lifecycle == repoOf(snap, "acme/widget").Analysis.Lifecycle {
				t.Logf("note: acme/widget's lifecycle did not change in two years either (%s)", widget.Analysis.Lifecycle)
			}

			h.Fake.SetRepoState("bob/tool", githubfake.RepoState{})
			h.SyncAll(t)
			if st, _ := h.Store.RepoStateOf(ctx, "bob/tool"); st.Gone != "" {
				t.Errorf("served again, state %+v", st)
			}
			if got := series(t, snapshotAt(t, h, collectortest.End))["fundwatch_repo_gone"+key]; got != "0" {
				t.Errorf("served again: gone = %s, want 0", got)
			}
		})
	}
}

// An empty repository answers /commits with 409: that is an empty
// history, completely collected, not an error.
func TestEmptyRepositoryHasNoCommits(t *testing.T) {
	t.Parallel()
	h := collectortest.New(t, collectortest.World(), githubfake.Options{RepoStates: map[string]githubfake.RepoState{
		"bob/tool": {Condition: githubfake.RepoEmpty},
	}})
	h.SyncAll(t) // fails on any error
	if h.Fake.Count("/repos/{owner}/{repo}/commits", http.StatusConflict) == 0 {
		t.Fatal("the fake never answered 409; the test proves nothing")
	}
	ctx := context.Background()
	if cs, _ := h.Store.Commits(ctx, "bob/tool", time.Time{}, time.Time{}); len(cs) != 0 {
		t.Errorf("%d commits stored for an empty repository", len(cs))
	}
	r := repoOf(snapshotAt(t, h, collectortest.End), "bob/tool")
	if !r.CommitsCollected || r.Analysis == nil {
		t.Errorf("an empty repository's history counts as collected: %+v", r)
	}
	if got := series(t, snapshotAt(t, h, collectortest.End))[`fundwatch_repo_commits_available{repo="bob/tool"}`]; got != "1" {
		t.Errorf("commits_available = %q, want 1", got)
	}
}

// A collection that fails midway never turns an exported value into zero
// (or makes it vanish): values stay at their last good level, the failed
// attempts say 0, and their last success does not move.
func TestFailedCollectionNeverZeroesMetrics(t *testing.T) {
	t.Parallel()
	h := collectortest.New(t, collectortest.World(), githubfake.Options{})
	h.NoRetryWaits.Store(true)
	// Nothing changes in this world between runs, so the change probe
	// would spare every repository and the faulted REST requests would
	// never be made: this test is about failures of the detailed refresh,
	// so every run refreshes in full.
	h.Runner.NoProbe = true
	h.SyncAll(t)
	before := series(t, snapshotAt(t, h, collectortest.End))

	for _, spec := range []string{
		// Midway: metadata and commits succeed, the rest breaks in
		// different ways.
		"503@/repos/{owner}/{repo}/issues, reset@/repos/{owner}/{repo}/issues/comments, 502@/repos/bob/tool/releases, secondary429(none)@/users/*",
		// Then nothing gets through at all.
		"reset",
	} {
		h.Fake.SetFaults(githubfake.MustParseFaults(spec))
		results := runAll(t, h)
		failed := map[string]bool{} // "repo collector"
		sts, _ := h.Store.RepoStatuses(context.Background())
		for _, s := range sts {
			if s.LastError != "" {
				failed[s.Repo+" "+s.Collector] = true
			}
		}
		if len(failed) == 0 {
			t.Fatalf("%s: nothing failed (%v); the test proves nothing", spec, results)
		}
		after := series(t, snapshotAt(t, h, collectortest.End))
		for k, v := range before {
			a, ok := after[k]
			if !ok {
				t.Errorf("%s: %s vanished after a failed collection", spec, k)
				continue
			}
			var repo, coll string
			if i := strings.Index(k, `repo="`); i >= 0 {
				repo = k[i+6 : i+6+strings.IndexByte(k[i+6:], '"')]
			}
			if i := strings.Index(k, `collector="`); i >= 0 {
				coll = k[i+11 : i+11+strings.IndexByte(k[i+11:], '"')]
			}
			switch {
			case strings.HasPrefix(k, "fundwatch_collector_"), strings.HasPrefix(k, "fundwatch_snapshot_"):
			case strings.HasPrefix(k, "fundwatch_repo_last_attempt_success"):
				if want := map[bool]string{true: "0", false: "1"}[failed[repo+" "+coll]]; a != want {
					t.Errorf("%s: %s = %s, want %s", spec, k, a, want)
				}
			case strings.HasPrefix(k, "fundwatch_repo_last_success_timestamp_seconds"):
				if failed[repo+" "+coll] && a != v {
					t.Errorf("%s: %s moved from %s to %s on a failure", spec, k, v, a)
				}
			default:
				if a != v {
					t.Errorf("%s: %s = %s after a failed collection, was %s", spec, k, a, v)
				}
			}
		}
		for k := range after {
			if _, ok := before[k]; !ok && !strings.HasPrefix(k, "fundwatch_collector_") {
				t.Errorf("%s: new series %s after a failed collection", spec, k)
			}
		}
		before = after // what succeeded in this round moved its last success
	}
}
