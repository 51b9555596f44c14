package e2e

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/fundwatch/fundwatch/analysis"
	"github.com/fundwatch/fundwatch/collectors/collectortest"
	"github.com/fundwatch/fundwatch/githubfake"
	"github.com/fundwatch/fundwatch/store"
)

// The Refresher reads the store repository by repository and keeps the
// analyses of the unchanged ones; what it serves must be exactly what
// loading the whole store at once computes, and a repository whose facts
// changed must be analysed again, alone.
func TestRefresherMatchesTheWholeStoreAndReusesTheUnchanged(t *testing.T) {
	t.Parallel()
	h := collectortest.New(t, collectortest.World(), githubfake.Options{})
	h.SyncAll(t)
	ctx := context.Background()
	ts := targets(h)
	at := collectortest.End
	asJSON := func(a *analysis.Analysis) string {
		b, err := json.Marshal(a)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	whole := func(at time.Time) *analysis.Snapshot {
		t.Helper()
		hist, err := analysis.Load(ctx, h.Store, ts, analysis.Options{})
		if err != nil {
			t.Fatal(err)
		}
		return hist.At(at)
	}
	same := func(what string, got, want *analysis.Snapshot) {
		t.Helper()
		for i := range want.Repos {
			if g, w := asJSON(got.Repos[i].Analysis), asJSON(want.Repos[i].Analysis); g != w {
				t.Errorf("%s: %s differs:\n got %.300s\nwant %.300s", what, want.Repos[i].Repo, g, w)
			}
		}
	}
	r := analysis.NewRefresher(h.Store, analysis.Options{})
	compute := func(at time.Time, analysed, reused int) *analysis.Snapshot {
		t.Helper()
		snap, stats, err := r.Compute(ctx, ts, at)
		if err != nil {
			t.Fatal(err)
		}
		if stats.Analysed != analysed || stats.Reused != reused {
			t.Errorf("as of %s: analysed %d, reused %d; want %d, %d", at, stats.Analysed, stats.Reused, analysed, reused)
		}
		return snap
	}
	n := len(ts)
	first := compute(at, n, 0)
	same("first refresh", first, whole(at))
	same("nothing changed", compute(at.Add(time.Hour), 0, n), first)

	// A new commit in one repository: only it is analysed again.
	changed := ts[0].Repo
	if err := h.Store.UpsertCommits(ctx, []store.Commit{{Repo: changed, SHA: "f00d", AuthorName: "New Person",
		AuthorEmail: "new@example.net", AuthorTime: at.Add(-time.Hour)}}); err != nil {
		t.Fatal(err)
	}
	after := compute(at, 1, n-1)
	fresh := whole(at)
	if g, w := asJSON(after.Repos[0].Analysis), asJSON(fresh.Repos[0].Analysis); g != w {
		t.Errorf("the changed repository's analysis is not the fresh one")
	}
	if after.Repos[0].Analysis.Commits != first.Repos[0].Analysis.Commits+1 {
		t.Errorf("%s: %d commits, want one more than %d", changed, after.Repos[0].Analysis.Commits, first.Repos[0].Analysis.Commits)
	}
	// A new day: everything is analysed again (windows moved).
	same("next day", compute(at.Add(24*time.Hour), n, 0), whole(at.Add(24*time.Hour)))
}
