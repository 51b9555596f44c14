package analysis

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/fundwatch/fundwatch/store"
)

func TestComputeWindowsAndAvailability(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st, err := store.Open(filepath.Join(t.TempDir(), "fw.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	at := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	day := 24 * time.Hour
	commit := func(sha, login, email string, ago time.Duration) store.Commit {
		return store.Commit{Repo: "a/active", SHA: sha, AuthorLogin: login, AuthorEmail: email, AuthorTime: at.Add(-ago)}
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(st.UpsertRepo(ctx, store.Repo{FullName: "a/active", Stars: 5}))
	must(st.UpsertCommits(ctx, []store.Commit{
		commit("1", "alice", "alice@x.org", 10*day),
		commit("2", "ALICE", "other@x.org", 20*day), // same login, other case: one person
		commit("3", "", "bob@x.org", 100*day),       // unlinked: identified by e-mail
		commit("4", "", "Bob@X.org", 200*day),
		commit("5", "carol", "c@x.org", 400*day), // only in the baseline year
		commit("6", "dave", "d@x.org", -2*day),   // after the instant: ignored
		commit("7", "dependabot[bot]", "49699333+dependabot[bot]@users.noreply.github.com", 5*day),
	}))
	must(st.SetCursor(ctx, store.Cursor{Repo: "a/active", Endpoint: "commits", ETag: `W/"x"`}))
	// a/partial: metadata known, history not yet read completely.
	must(st.UpsertRepo(ctx, store.Repo{FullName: "a/partial"}))
	must(st.UpsertCommits(ctx, []store.Commit{{Repo: "a/partial", SHA: "9", AuthorTime: at.Add(-day)}}))

	snap, err := Compute(ctx, st, []Target{{Repo: "a/active", Tier: "critical"}, {Repo: "a/partial"}, {Repo: "a/never"}}, at, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if r := snap.Repos[1]; !r.Collected || r.CommitsCollected || r.Analysis != nil {
		t.Errorf("a/partial: %+v", r)
	}
	if r := snap.Repos[2]; r.Collected || r.CommitsCollected || r.Analysis != nil {
		t.Errorf("a/never: %+v", r)
	}
	a := snap.Repos[0].Analysis
	if a == nil {
		t.Fatal("a/active: no analysis")
	}
	if !a.LastCommit.Equal(at.Add(-5 * day)) {
		t.Errorf("last commit %s", a.LastCommit)
	}
	for _, w := range []struct {
		name             string
		commits, authors int
		bots             int
	}{
		{"recent", 3, 1, 1}, {"year", 5, 2, 1}, {"baseline", 1, 1, 0},
	} {
		ws, ok := a.Window(w.name)
		if !ok || ws.Commits != w.commits || ws.Authors != w.authors || ws.ByClass[Bot].Commits != w.bots {
			t.Errorf("%s: %+v, want commits %d authors %d bots %d", w.name, ws, w.commits, w.authors, w.bots)
		}
	}
	// Issues were never collected: responsiveness is unavailable, not 0.
	if a.Responsiveness != nil {
		t.Error("responsiveness computed without collected issues")
	}
}
