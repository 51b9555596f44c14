package collectors

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/fundwatch/fundwatch/ghclient"
	"github.com/fundwatch/fundwatch/ghrepo"
	"github.com/fundwatch/fundwatch/githubfake"
	"github.com/fundwatch/fundwatch/githubfake/scenario"
	"github.com/fundwatch/fundwatch/store"
)

// budgetWorld has four repositories, each with a page of releases and
// three pages of issues.
func budgetWorld() *scenario.World {
	end := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	w := &scenario.World{Name: "budget", End: end, Users: map[string]*scenario.User{}}
	for i := range 4 {
		r := &scenario.Repo{Owner: "acme", Name: fmt.Sprintf("r%d", i), ID: int64(100 + i), DefaultBranch: "main",
			CreatedAt: end.AddDate(-2, 0, 0), HasIssues: true}
		for n := 1; n <= 250; n++ {
			r.Issues = append(r.Issues, scenario.Issue{Number: n, Title: "issue", User: "alice", CreatedAt: end.Add(-time.Duration(300-n) * time.Hour)})
		}
		for n := range 3 {
			at := end.AddDate(0, -n-1, 0)
			r.Releases = append(r.Releases, scenario.Release{ID: int64(1000*i + n + 1), TagName: fmt.Sprintf("v1.%d", n), Author: "alice", CreatedAt: at, PublishedAt: at})
		}
		w.Repos = append(w.Repos, r)
	}
	return w
}

// Every credential spent in the middle of a run: the run ends at once
// rather than wait an hour for the reset, GitHub never had to refuse a
// request, the repositories left over fail with ErrBudgetReserved (for
// the Runner to record as deferred, not failed), and what earlier runs
// stored stays as it was.
func TestSpentBudgetsEndARunPromptly(t *testing.T) {
	t.Parallel()
	w := budgetWorld()
	fake := githubfake.New(w, githubfake.Options{Limit: 12, Window: time.Hour})
	srv := httptest.NewServer(fake)
	t.Cleanup(srv.Close)
	// Two tokens of 12 requests an hour; below half, the pacer would
	// space the rest ten minutes apart: each spends 7, then is spent.
	var (
		mu      sync.Mutex
		longest time.Duration
	)
	gh, err := ghclient.New(ghclient.Options{BaseURL: srv.URL, Credentials: []ghclient.Credential{
		{Name: "a", Token: "tok-a"}, {Name: "b", Token: "tok-b"}},
		Backoff: func(ctx context.Context, d time.Duration) error {
			mu.Lock()
			longest = max(longest, d)
			mu.Unlock()
			return ctx.Err()
		}})
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(filepath.Join(t.TempDir(), "fw.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	// The whole history: four requests of issues a repository (three
	// pages, a priming one), so that the 10 requests left after the
	// releases refresh some repositories and not others. From a floor,
	// without a probe, the open issues would be listed too (three more
	// pages) and two repositories read at once could both run out.
	env := &Env{GH: gh, Store: st, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Now: func() time.Time { return w.End },
		Concurrency: 2, IssueHistory: WholeHistory}
	runner := &Runner{Env: env, NoProbe: true}
	var repos []ghrepo.Name
	for _, r := range w.Repos {
		repos = append(repos, ghrepo.MustParse(r.FullName()))
	}
	ctx := context.Background()
	if res, _ := runner.Run(ctx, registry["releases"].c, repos); res.Err != nil {
		t.Fatalf("releases: %v", res.Err)
	}
	start := time.Now()
	res, _ := runner.Run(ctx, registry["issues"].c, repos)
	if took := time.Since(start); took > 10*time.Second || longest > gh.MaxWait() {
		t.Errorf("the run took %s and waited up to %s: want it to end promptly", took, longest)
	}
	// Whatever the Runner makes of them, the repositories left over were
	// left for want of budget, and nothing else failed.
	var errs []error
	if u, ok := res.Err.(interface{ Unwrap() []error }); ok {
		errs = u.Unwrap()
	}
	if len(errs) != res.Failed {
		t.Fatalf("%d errors for %d failures: %v", len(errs), res.Failed, res.Err)
	}
	for _, err := range errs {
		if !errors.Is(err, ghclient.ErrBudgetReserved) {
			t.Errorf("failure %v, want ErrBudgetReserved", err)
		}
	}
	sts, err := st.RepoStatuses(ctx)
	if err != nil {
		t.Fatal(err)
	}
	refreshed := 0
	for _, s := range sts {
		if s.Collector == "issues" && !s.LastSuccess.IsZero() {
			refreshed++
		}
	}
	if refreshed == 0 || refreshed == len(repos) {
		t.Fatalf("%d of %d repositories refreshed: want the budget spent in the middle of the run", refreshed, len(repos))
	}
	if n := fake.Count("/repos/{owner}/{repo}/issues", http.StatusForbidden); n != 0 {
		t.Errorf("GitHub refused %d requests: the pool should have stopped first", n)
	}
	for _, r := range w.Repos {
		if rs, err := st.Releases(ctx, r.FullName()); err != nil || len(rs) != len(r.Releases) {
			t.Errorf("%s: %d releases (%v), want the %d stored before", r.FullName(), len(rs), err, len(r.Releases))
		}
	}
}
