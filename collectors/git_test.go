package collectors_test

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fundwatch/fundwatch/collectors"
	"github.com/fundwatch/fundwatch/ghrepo"
	"github.com/fundwatch/fundwatch/githubfake"
	"github.com/fundwatch/fundwatch/githubfake/scenario"
	"github.com/fundwatch/fundwatch/gitmirror"
	"github.com/fundwatch/fundwatch/internal/tooltest"
)

// withGit makes h's commits collector read history from git mirrors of
// the fake's repositories, kept in a temporary cache.
func withGit(t testing.TB, h *harness) {
	t.Helper()
	tooltest.Require(t, "git", "git")
	if err := gitmirror.Available(); err != nil {
		t.Skip(err)
	}
	t.Cleanup(func() { h.Fake.Close() })
	h.Env.Git = &gitmirror.Cache{Dir: t.TempDir()}
	url := h.Server.URL
	h.Env.CloneURL = func(n ghrepo.Name) string { return githubfake.CloneURL(url, n.String()) }
}

// newGitHarness serves w, reads history over git, runs the commits
// collector without the change probe (these tests are about git, not the
// probe) and waits no real time between retries.
func newGitHarness(t *testing.T, w *scenario.World) (*harness, collectors.Collector) {
	t.Helper()
	h := newHarness(t, w, githubfake.Options{})
	withGit(t, h)
	h.NoRetryWaits.Store(true)
	h.Runner.NoProbe = true
	commits, _ := collectors.Get("commits")
	return h, commits
}

// Over git, the history costs no REST request at all, keeps each author's
// UTC offset, and gets logins for the authors of the trailing year from
// GraphQL, asking about each email once.
func TestCommitsOverGit(t *testing.T) {
	t.Parallel()
	w := testWorld()
	for i := range w.Repos[0].Commits {
		// Authors in several time zones, as in real projects.
		c := &w.Repos[0].Commits[i]
		c.AuthorDate = c.AuthorDate.In(time.FixedZone("", (i%5-2)*3600+1800))
	}
	h, commits := newGitHarness(t, w)
	// One repository at a time, so that the second finds the emails the
	// first asked about (at once, both would ask: harmless, not exact).
	h.Env.Concurrency = 1
	if res, _ := h.Runner.Run(context.Background(), commits, h.Repos); res.Err != nil {
		t.Fatal(res.Err)
	}
	if n := h.Fake.Count("/repos/{owner}/{repo}/commits", http.StatusOK); n != 0 {
		t.Errorf("%d REST commit pages read; git should have read them all", n)
	}
	if n := h.Fake.Count(githubfake.GitUploadPackRoute, http.StatusOK); n == 0 {
		t.Fatal("no git fetch: the test proves nothing")
	}
	ctx := context.Background()
	for _, r := range w.Repos {
		got, err := h.Store.Commits(ctx, r.FullName(), time.Time{}, time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(r.Commits) {
			t.Fatalf("%s: %d commits stored, world has %d", r.FullName(), len(got), len(r.Commits))
		}
		served := h.Fake.Commits(r.FullName()) // named by their git object IDs
		bySHA := map[string]int{}
		for i, c := range served {
			bySHA[c.SHA] = i
		}
		for _, c := range got {
			i, ok := bySHA[c.SHA]
			if !ok {
				t.Fatalf("%s: stored commit %s is not in the world (SHAs must be git's, as REST's)", r.FullName(), c.SHA)
			}
			want := served[i]
			_, off := want.AuthorDate.Zone()
			if !c.AuthorTZKnown || c.AuthorTZOffset != off/60 || !c.AuthorTime.Equal(want.AuthorDate) {
				t.Fatalf("%s %s: author time %s (offset %d, known %v), want %s", r.FullName(), c.SHA[:8], c.AuthorTime, c.AuthorTZOffset, c.AuthorTZKnown, want.AuthorDate)
			}
			if c.AuthorEmail != want.AuthorEmail || c.AuthorName != want.AuthorName {
				t.Fatalf("%s %s: author %s <%s>, want %s <%s>", r.FullName(), c.SHA[:8], c.AuthorName, c.AuthorEmail, want.AuthorName, want.AuthorEmail)
			}
			// Every author of this world is active this year: all linked,
			// except the bot (GitHub links no account to its address).
			wantLogin := want.AuthorLogin
			if strings.HasSuffix(wantLogin, "[bot]") {
				wantLogin = ""
			}
			if c.AuthorLogin != wantLogin {
				t.Fatalf("%s %s: login %q, want %q", r.FullName(), c.SHA[:8], c.AuthorLogin, wantLogin)
			}
		}
	}
	// Both repositories have the same four authors: the first asks about
	// them, the second already knows.
	if q := h.Fake.Count(githubfake.GraphQLRoute, http.StatusOK); q != 1 {
		t.Errorf("%d login queries, want 1 (each email once, whatever the repository)", q)
	}

	// Nothing changed: the mirror is fetched again, nothing is read, no
	// login is asked.
	h.Fake.ResetCounts()
	if res, _ := h.Runner.Run(ctx, commits, h.Repos); res.Err != nil {
		t.Fatal(res.Err)
	}
	if n := h.Fake.Count(githubfake.GraphQLRoute, http.StatusOK); n != 0 {
		t.Errorf("%d GraphQL queries on an unchanged history", n)
	}
	for _, rc := range h.Fake.Requests() {
		if strings.HasPrefix(rc.Route, "/repos/") {
			t.Errorf("REST request on an unchanged history: %+v", rc)
		}
	}
}

// New commits arrive with a fetch. A git failure is a failed attempt of
// that repository alone, never read over REST instead (no quota spent on
// what the next fetch brings), and its history stays; the next run reads
// it over git.
func TestCommitsOverGitIncrementalAndFailure(t *testing.T) {
	t.Parallel()
	w := testWorld()
	h, commits := newGitHarness(t, w)
	ctx := context.Background()
	stored := func(repo string) int {
		cs, err := h.Store.Commits(ctx, repo, time.Time{}, time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		return len(cs)
	}
	restPages := func() int { return h.Fake.Count("/repos/{owner}/{repo}/commits", http.StatusOK) }
	syncs := &syncCounter{}
	h.Env.Git.Observe = syncs.GitSync

	// bob/tool cannot be cloned: it fails, acme/widget does not.
	h.Fake.SetHorizon(end.AddDate(0, -2, 0))
	h.Fake.SetFaults(githubfake.MustParseFaults("502@/bob/tool.git/*"))
	res, _ := h.Runner.Run(ctx, commits, h.Repos)
	if res.Failed != 1 || !strings.Contains(res.Err.Error(), "bob/tool") {
		t.Fatalf("with bob/tool's git failing: %+v, want it (alone) failed", res)
	}
	if n := h.Fake.Count(githubfake.GitUploadPackRoute, http.StatusBadGateway); n == 0 {
		t.Fatal("no git fault struck: the test proves nothing")
	}
	before := stored("acme/widget")
	if before == 0 || before == len(w.Repos[0].Commits) || stored("bob/tool") != 0 || restPages() != 0 {
		t.Fatalf("acme/widget %d commits (want some, not all), bob/tool %d (want 0), %d REST pages (want 0)",
			before, stored("bob/tool"), restPages())
	}

	// Later acme/widget's fetch fails: its history stays as it was.
	h.Fake.SetHorizon(end)
	h.Fake.SetFaults(githubfake.MustParseFaults("502@/acme/widget.git/*"))
	res, _ = h.Runner.Run(ctx, commits, h.Repos)
	if res.Failed != 1 || !strings.Contains(res.Err.Error(), "acme/widget") {
		t.Fatalf("with acme/widget's git failing: %+v, want it (alone) failed", res)
	}
	if n := stored("acme/widget"); n != before || restPages() != 0 {
		t.Errorf("acme/widget: %d commits after the failed fetch (want the %d stored before), %d REST pages (want 0)", n, before, restPages())
	}

	h.Fake.SetFaults(nil)
	if res, _ := h.Runner.Run(ctx, commits, h.Repos); res.Err != nil {
		t.Fatal(res.Err)
	}
	for _, r := range w.Repos {
		if n := stored(r.FullName()); n != len(r.Commits) {
			t.Errorf("%s: %d commits stored, world has %d", r.FullName(), n, len(r.Commits))
		}
	}
	// Every try was reported: each failing repository tried 4 times per
	// run (with backoff), the others once.
	if syncs.ok != 4 || syncs.failed != 8 {
		t.Errorf("observer saw %d good and %d failed syncs, want 4 and 8", syncs.ok, syncs.failed)
	}
}

// syncCounter counts the syncs a gitmirror.Cache reports (GitSync is its
// Observe).
type syncCounter struct {
	mu         sync.Mutex
	ok, failed int
}

func (c *syncCounter) GitSync(_ time.Duration, err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if err != nil {
		c.failed++
	} else {
		c.ok++
	}
}

// A login lookup that fails keeps the commits but not the cursor: the
// next refresh asks again, and every commit ends with its author's login.
func TestFailedLoginLookupIsRetried(t *testing.T) {
	t.Parallel()
	w := testWorld()
	h, commits := newGitHarness(t, w)
	ctx := context.Background()
	h.Fake.SetFaults(githubfake.MustParseFaults("502@" + githubfake.GraphQLRoute))
	res, _ := h.Runner.Run(ctx, commits, h.Repos)
	if res.Failed != len(h.Repos) {
		t.Fatalf("with GraphQL down: %+v, want every repository failed", res)
	}
	if n := h.Fake.Count("/repos/{owner}/{repo}/commits", http.StatusOK); n != 0 {
		t.Errorf("a failed login lookup fell back to %d REST commit pages", n)
	}
	cs, _ := h.Store.Commits(ctx, "acme/widget", time.Time{}, time.Time{})
	if len(cs) != len(w.Repos[0].Commits) {
		t.Fatalf("%d commits kept after the failed lookup, want %d", len(cs), len(w.Repos[0].Commits))
	}

	h.Fake.SetFaults(nil)
	if res, _ := h.Runner.Run(ctx, commits, h.Repos); res.Err != nil {
		t.Fatal(res.Err)
	}
	cs, _ = h.Store.Commits(ctx, "acme/widget", time.Time{}, time.Time{})
	for _, c := range cs {
		if c.AuthorLogin == "" && !strings.Contains(c.AuthorEmail, "dependabot") {
			t.Fatalf("commit %s by %s still has no login", c.SHA[:8], c.AuthorEmail)
		}
	}
}
