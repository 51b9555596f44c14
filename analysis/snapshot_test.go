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
		commit("2", "ALICE", "other@x.org", 20*day), // same login, other case: one author
		commit("3", "", "bob@x.org", 100*day),       // unlinked: identified by e-mail
		commit("4", "", "Bob@X.org", 200*day),
		commit("5", "carol", "c@x.org", 400*day), // outside both windows
		commit("6", "dave", "d@x.org", -2*day),   // after the instant: ignored
	}))
	must(st.SetCursor(ctx, store.Cursor{Repo: "a/active", Endpoint: "commits", ETag: `W/"x"`}))
	// a/partial: metadata known, history not yet read completely.
	must(st.UpsertRepo(ctx, store.Repo{FullName: "a/partial"}))
	must(st.UpsertCommits(ctx, []store.Commit{{Repo: "a/partial", SHA: "9", AuthorTime: at.Add(-day)}}))

	snap, err := Compute(ctx, st, []Target{{Repo: "a/active", Tier: "critical"}, {Repo: "a/partial"}, {Repo: "a/never"}}, at)
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		repo               string
		collected, commits bool
		last               time.Time
		windows            []WindowStats
	}{
		{"a/active", true, true, at.Add(-10 * day), []WindowStats{{"90d", 2, 1}, {"365d", 4, 2}}},
		{"a/partial", true, false, time.Time{}, nil},
		{"a/never", false, false, time.Time{}, nil},
	}
	for i, w := range want {
		r := snap.Repos[i]
		if r.Repo != w.repo || r.Collected != w.collected || r.CommitsCollected != w.commits || !r.LastCommit.Equal(w.last) {
			t.Errorf("%s: collected=%v commits=%v last=%s", r.Repo, r.Collected, r.CommitsCollected, r.LastCommit)
		}
		if len(r.Windows) != len(w.windows) {
			t.Errorf("%s: windows %+v, want %+v", r.Repo, r.Windows, w.windows)
			continue
		}
		for j := range w.windows {
			if r.Windows[j] != w.windows[j] {
				t.Errorf("%s: window %+v, want %+v", r.Repo, r.Windows[j], w.windows[j])
			}
		}
	}
}
