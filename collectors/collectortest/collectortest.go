// Package collectortest runs the real collectors against githubfake
// into a real store: the harness the collectors' own tests use, and the
// end-to-end tests of what consumes their facts (e2e). For tests only.
package collectortest

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fundwatch/fundwatch/collectors"
	"github.com/fundwatch/fundwatch/ghclient"
	"github.com/fundwatch/fundwatch/ghrepo"
	"github.com/fundwatch/fundwatch/githubfake"
	"github.com/fundwatch/fundwatch/githubfake/scenario"
	"github.com/fundwatch/fundwatch/store"
)

// End is the horizon of World, and the harness's clock.
var End = time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)

// World is small but needs several pages of every list: two
// repositories (acme/widget, bob/tool), four people and a bot.
func World() *scenario.World {
	w := &scenario.World{Name: "test", End: End, Users: map[string]*scenario.User{}}
	addUser := func(login, typ, company string, orgs ...string) {
		w.Users[login] = &scenario.User{Login: login, ID: int64(len(w.Users) + 1), Type: typ, Company: company, Orgs: orgs,
			CreatedAt: End.AddDate(-5, 0, 0)}
	}
	addUser("acme", "Organization", "")
	addUser("alice", "User", "@acme", "acme")
	addUser("bob", "User", "")
	addUser("carol", "User", "Initech")
	addUser("dependabot[bot]", "Bot", "")
	people := []string{"alice", "bob", "carol", "dependabot[bot]"}
	for ri, name := range []string{"acme/widget", "bob/tool"} {
		owner, repo := "acme", "widget"
		if ri == 1 {
			owner, repo = "bob", "tool"
		}
		_ = name
		r := &scenario.Repo{Owner: owner, Name: repo, ID: int64(100 + ri), DefaultBranch: "main", HasIssues: true,
			CreatedAt: End.AddDate(-3, 0, 0), Stars: 10 * (ri + 1), Forks: ri + 1, License: "MIT"}
		if ri == 0 {
			r.FundingYML = "github: [alice]\nopen_collective: widget\n"
		}
		n := 230 + 40*ri
		for i := 0; i < n; i++ {
			who := people[i%len(people)]
			at := End.Add(-time.Duration(n-i) * 36 * time.Hour)
			r.Commits = append(r.Commits, scenario.Commit{
				SHA: fmt.Sprintf("%040x", ri*100000+i+1), Message: fmt.Sprintf("change %d\n\ndetails", i),
				AuthorName: who, AuthorEmail: who + "@example.org", AuthorLogin: who, AuthorDate: at,
				CommitterName: who, CommitterEmail: who + "@example.org", CommitterLogin: who, CommitterDate: at,
			})
		}
		var cid int64 = int64(ri) * 1000000
		for i := 1; i <= 130; i++ {
			at := End.Add(-time.Duration(140-i) * 96 * time.Hour)
			is := scenario.Issue{Number: i, Title: fmt.Sprintf("issue %d", i), User: people[i%3], CreatedAt: at, IsPull: i%4 == 0}
			if i%3 == 0 {
				is.ClosedAt = at.Add(48 * time.Hour)
				if is.IsPull {
					is.MergedAt = is.ClosedAt
				}
			}
			r.Issues = append(r.Issues, is)
			cid++
			r.Comments = append(r.Comments, scenario.Comment{ID: cid, IssueNumber: i, User: people[(i+1)%3],
				CreatedAt: at.Add(5 * time.Hour), UpdatedAt: at.Add(5 * time.Hour), Body: "thanks"})
		}
		for i := 0; i < 12; i++ {
			at := End.AddDate(0, -12+i, 0)
			r.Releases = append(r.Releases, scenario.Release{ID: int64(ri*1000 + i + 1), TagName: fmt.Sprintf("v1.%d.0", i),
				Author: "alice", CreatedAt: at, PublishedAt: at})
		}
		w.Repos = append(w.Repos, r)
	}
	return w
}

// Harness is a fake GitHub serving a world, a store, and the collectors'
// environment and runner wired to both.
type Harness struct {
	Fake   *githubfake.Server
	Store  *store.Store
	Path   string // of the store
	Env    *collectors.Env
	Runner *collectors.Runner
	Repos  []ghrepo.Name
	Server *httptest.Server
	// NoRetryWaits, when set, makes the client retry at once instead of
	// backing off (tests about what is retried, not when).
	NoRetryWaits atomic.Bool
}

// New serves w with opts and opens a store; repos are the watched
// repositories (all of w's by default).
func New(t testing.TB, w *scenario.World, opts githubfake.Options, repos ...string) *Harness {
	t.Helper()
	h := &Harness{Fake: githubfake.New(w, opts), Path: filepath.Join(t.TempDir(), "fw.db")}
	h.Server = httptest.NewServer(h.Fake)
	t.Cleanup(h.Server.Close)
	if len(repos) == 0 {
		for _, r := range w.Repos {
			repos = append(repos, r.FullName())
		}
	}
	for _, r := range repos {
		h.Repos = append(h.Repos, ghrepo.MustParse(r))
	}
	h.Open(t)
	return h
}

// Open (re)opens the store and the client, as a restarted process would.
func (h *Harness) Open(t testing.TB) {
	t.Helper()
	st, err := store.Open(h.Path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	gh, err := ghclient.New(ghclient.Options{BaseURL: h.Server.URL, Token: "test-token",
		Backoff: func(ctx context.Context, d time.Duration) error {
			if h.NoRetryWaits.Load() {
				return ctx.Err()
			}
			t := time.NewTimer(d)
			defer t.Stop()
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-t.C:
				return nil
			}
		}})
	if err != nil {
		t.Fatal(err)
	}
	h.Store = st
	h.Env = &collectors.Env{GH: gh, Store: st, Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Now: func() time.Time { return End }, Concurrency: 2}
	// Every run probes for itself, as runs hours apart do: the tests
	// count each run's requests.
	h.Runner = &collectors.Runner{Env: h.Env, ProbeReuse: -1}
}

// SyncAll runs every registered collector once, in registration order,
// failing the test on any error.
func (h *Harness) SyncAll(t testing.TB) {
	t.Helper()
	var all []collectors.Collector
	for _, n := range collectors.Names() {
		c, _ := collectors.Get(n)
		all = append(all, c)
	}
	for _, c := range all {
		res, ran := h.Runner.Run(context.Background(), c, h.Repos)
		if !ran {
			t.Fatalf("%s did not run", c.Name())
		}
		if res.Err != nil {
			t.Fatalf("%s: %v", c.Name(), res.Err)
		}
	}
}
