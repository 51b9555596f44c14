package collectors_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/fundwatch/fundwatch/collectors"
	"github.com/fundwatch/fundwatch/collectors/collectortest"
	"github.com/fundwatch/fundwatch/ghgraphql/schema"
	"github.com/fundwatch/fundwatch/ghrepo"
	"github.com/fundwatch/fundwatch/githubfake"
	"github.com/fundwatch/fundwatch/githubfake/scenario"
)

// Every query text the change probe can send is one GitHub accepts.
func TestProbeQueriesValidate(t *testing.T) {
	t.Parallel()
	for n := 1; n <= collectors.ProbeBatch; n++ {
		if err := schema.Validate(collectors.ProbeQuery(n)); err != nil {
			t.Fatalf("ProbeQuery(%d): %v", n, err)
		}
	}
}

// A full batch of the change probe costs one point, as GitHub scores it
// (githubfake counts as GitHub documents): ProbeBatch is as many
// repositories as one point buys.
func TestProbeCostsOnePointABatch(t *testing.T) {
	t.Parallel()
	h, rr := collectortest.NewMany(t, collectortest.ManyReposWorld(collectors.ProbeBatch, 10))
	h.Runner.ProbeReuse = -1
	c, _ := collectors.Get("releases")
	if res, _ := h.Runner.Run(context.Background(), c, h.Repos); res.Err != nil {
		t.Fatal(res.Err)
	}
	if rr.GraphQL != 1 || h.Fake.GraphQLPoints() != 1 {
		t.Errorf("a probe of %d repositories: %d queries, %d points; want 1 and 1", collectors.ProbeBatch, rr.GraphQL, h.Fake.GraphQLPoints())
	}
}

// repoCollectors are the per-repository REST collectors, which the probe
// gates.
func repoCollectors() []collectors.Collector {
	var cs []collectors.Collector
	for _, s := range collectors.Specs() {
		if s.Phase == collectors.PhaseRepositories {
			c, _ := collectors.Get(s.Name)
			cs = append(cs, c)
		}
	}
	return cs
}

// runRepoCollectors is one pass of the repository collectors as the
// service makes it (RunAll: one probe for all of them), failing on any
// error; it returns each collector's result.
func runRepoCollectors(t testing.TB, h *harness) map[string]collectors.Result {
	t.Helper()
	out := h.Runner.RunAll(context.Background(), repoCollectors(), h.Repos)
	if len(out) != len(repoCollectors()) {
		t.Fatalf("%d collectors ran, want %d", len(out), len(repoCollectors()))
	}
	for name, res := range out {
		if res.Err != nil {
			t.Fatalf("%s: %v", name, res.Err)
		}
	}
	return out
}

// The budget of a daily refresh on one token: with 500 small repositories
// of which 10% changed since the last sync, the refresh probes them all in
// one GraphQL query per ProbeBatch (1 point each: three counts for each of
// 49 repositories, 147 requests, round to 1),
// makes no REST request at all for the 450 unchanged ones, and a bounded
// handful for each changed one — and still ends with the whole world.
func TestRefreshBudgetOnlyChangedRepos(t *testing.T) {
	t.Parallel()
	checkRefreshBudget(t, 500, 10, false)
}

// With history over git, a changed repository costs one counted REST
// request less (no commit page), and an unchanged one still none: git
// costs no API quota.
func TestRefreshBudgetOverGit(t *testing.T) {
	t.Parallel()
	checkRefreshBudget(t, 100, 10, true)
}

// The issue's target, at full size: a daily refresh of 10,000 repositories
// of which 10% changed fits one token's hour, 5,000 counted REST requests
// and 5,000 GraphQL points, with the same exact per-repository costs as at
// 500. About a minute and a half, so it runs as its own step of .ci/run
// (FUNDWATCH_SCALE=1, with its own timeout) rather than inside every
// `go test ./...`; the same per-repository costs are checked at 500
// repositories here every time. BenchmarkDailyRefresh reports the figures.
func TestDailyRefreshBudget10k(t *testing.T) {
	if os.Getenv("FUNDWATCH_SCALE") != "1" {
		t.Skip("syncs 10,000 repositories twice: run with FUNDWATCH_SCALE=1 (.ci/run does)")
	}
	t.Parallel()
	rest, points := checkRefreshBudget(t, 10_000, 10, false)
	if rest > 5000 || points > 5000 {
		t.Errorf("daily refresh of 10,000 repositories: %d counted REST requests and %d GraphQL points, over one token's hour (5,000 each)", rest, points)
	}
}

// checkRefreshBudget syncs a world of n repositories, lets every every-th
// change, refreshes, and checks the exact cost of both passes, reading
// history over git or REST. It returns the refresh's counted REST requests
// and GraphQL points.
func checkRefreshBudget(t *testing.T, n, every int, git bool) (counted, points int) {
	w := collectortest.ManyReposWorld(n, every)
	h, rr := collectortest.NewMany(t, w)
	// Lists per repository over REST: commits (unless over git), issues,
	// comments, releases.
	lists := 4
	if git {
		withGit(t, h)
		lists = 3
	}
	h.Fake.SetHorizon(end.Add(-collectortest.ProbeQuiet))
	first := runRepoCollectors(t, h)
	for name, res := range first {
		if res.Unchanged != 0 {
			t.Errorf("first sync: %s skipped %d repositories it never refreshed", name, res.Unchanged)
		}
	}
	batches := (n + collectors.ProbeBatch - 1) / collectors.ProbeBatch
	firstREST := collectortest.RESTRequests(h.Fake)
	// A first sync costs, per repository: metadata, and one page of each
	// list: 5 REST requests (4 over git). No FUNDING.yml request: the
	// probe saw there is none. No priming: each list fit on one page.
	if firstREST != (1+lists)*n {
		t.Errorf("first sync: %d REST requests, want %d", firstREST, (1+lists)*n)
	}
	switch {
	case !git && rr.GraphQL != batches:
		t.Errorf("first sync: %d GraphQL queries, want %d", rr.GraphQL, batches)
	case git && rr.GraphQL < batches+20:
		// The probe, and the logins of the 20 owners who commit.
		t.Errorf("first sync over git: %d GraphQL queries, want at least %d", rr.GraphQL, batches+20)
	}

	h.Fake.SetHorizon(end)
	h.Fake.ResetCounts()
	rr.Reset()
	points = h.Fake.GraphQLPoints()
	res := runRepoCollectors(t, h)
	points = h.Fake.GraphQLPoints() - points
	counted = collectortest.CountedREST(h.Fake)

	changed := map[string]bool{}
	for i, r := range w.Repos {
		if i%every == 0 {
			changed[strings.ToLower(r.FullName())] = true
		}
	}
	for name, r := range res {
		want := n - len(changed)
		if name == "releases" {
			want = n // a push without a new release leaves releases alone
		}
		if r.Unchanged != want || r.Repos != n {
			t.Errorf("refresh: %s %+v, want %d of %d unchanged", name, r, want, n)
		}
	}
	rest := 0
	for repo, k := range rr.ByRepo {
		rest += k
		if !changed[repo] {
			t.Errorf("refresh: %d REST requests for %s, which did not change", k, repo)
		}
	}
	for repo := range changed {
		if rr.ByRepo[repo] == 0 {
			t.Errorf("refresh: %s changed but was not refreshed", repo)
		}
	}
	// Per changed repository: metadata 200 (FUNDING.yml's blob did not
	// change: not read); commits and issues one page each, the cursor
	// kept; comments one free 304 (the probe cannot see comments, but
	// pushedAt and the open counts moved). Releases: not asked, their
	// count did not move.
	// Over git, no commit page: the mirror's fetch costs no quota, and
	// the new commit's author is known already.
	perChanged, countedPerChanged := 4, 3
	if git {
		perChanged, countedPerChanged = 3, 2
	}
	if rest != perChanged*len(changed) {
		t.Errorf("refresh: %d REST requests, want %d (%d per changed repository): %v", rest, perChanged*len(changed), perChanged, h.Fake.Requests())
	}
	if counted != countedPerChanged*len(changed) {
		t.Errorf("refresh: %d counted REST requests, want %d (%d per changed repository): %v", counted, countedPerChanged*len(changed), countedPerChanged, h.Fake.Requests())
	}
	if rr.GraphQL != batches || points != batches {
		t.Errorf("refresh: %d GraphQL queries costing %d points, want %d and %d", rr.GraphQL, points, batches, batches)
	}
	t.Logf("%d repos, %d changed: first sync %.2f REST/repo; refresh %.3f REST/repo, %.3f GraphQL points/repo (%d queries)",
		n, len(changed), float64(firstREST)/float64(n), float64(rest)/float64(n), float64(points)/float64(n), rr.GraphQL)

	ctx := context.Background()
	for _, r := range w.Repos {
		cs, _ := h.Store.Commits(ctx, r.FullName(), time.Time{}, time.Time{})
		is, _ := h.Store.Issues(ctx, r.FullName())
		if len(cs) != len(r.Commits) || len(is) != len(r.Issues) {
			t.Fatalf("%s: %d commits and %d issues stored, world has %d and %d", r.FullName(), len(cs), len(is), len(r.Commits), len(r.Issues))
		}
	}
	// Unchanged repositories were verified fresh: their last success moved.
	sts, err := h.Store.RepoStatuses(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range sts {
		if s.LastError != "" || s.LastSuccess.Before(s.LastAttempt) {
			t.Fatalf("status %+v: want a success at the last attempt", s)
		}
	}
	return counted, points
}

// A probe that fails never makes a repository look unchanged: every
// repository is refreshed in full, as without a probe.
func TestFailedProbeRefreshesEverything(t *testing.T) {
	t.Parallel()
	h := newHarness(t, testWorld(), githubfake.Options{})
	h.NoRetryWaits.Store(true)
	runRepoCollectors(t, h)
	h.Fake.SetFaults(githubfake.MustParseFaults("502@" + githubfake.GraphQLRoute))
	h.Fake.ResetCounts()
	for name, res := range runRepoCollectors(t, h) {
		if res.Unchanged != 0 {
			t.Errorf("%s skipped %d repositories on a failed probe", name, res.Unchanged)
		}
	}
	if n := h.Fake.Count(githubfake.GraphQLRoute, http.StatusBadGateway); n == 0 {
		t.Fatal("the probe never failed; the test proves nothing")
	}
	// Every list of every repository was asked again (all unchanged: 304).
	if n := h.Fake.Count("/repos/{owner}/{repo}/commits", http.StatusNotModified); n != len(h.Repos) {
		t.Errorf("%d commit lists asked, want %d", n, len(h.Repos))
	}
}

// A repository whose last refresh failed is refreshed on the next run even
// though the probe shows it unchanged; the others are spared.
func TestFailedRefreshIsRetriedDespiteProbe(t *testing.T) {
	t.Parallel()
	h := newHarness(t, testWorld(), githubfake.Options{})
	h.NoRetryWaits.Store(true)
	runRepoCollectors(t, h)
	releases, _ := collectors.Get("releases")
	h.Fake.SetFaults(githubfake.MustParseFaults("502@/repos/bob/tool/releases"))
	// Nothing changed, so the probe spares both repositories: the fault
	// is never reached. Forget bob/tool's last refresh the way a failure
	// does, by failing it once without the probe.
	h.Runner.NoProbe = true
	if res, _ := h.Runner.Run(context.Background(), releases, h.Repos); res.Failed != 1 {
		t.Fatalf("releases without probe: %+v, want bob/tool failed", res)
	}
	h.Runner.NoProbe = false
	h.Fake.SetFaults(nil)
	h.Fake.ResetCounts()
	res, _ := h.Runner.Run(context.Background(), releases, h.Repos)
	if res.Err != nil || res.Unchanged != 1 {
		t.Errorf("releases: %+v, want acme/widget spared and bob/tool refreshed", res)
	}
	if n := h.Fake.Count("/repos/{owner}/{repo}/releases", http.StatusOK) + h.Fake.Count("/repos/{owner}/{repo}/releases", http.StatusNotModified); n != 1 {
		t.Errorf("%d release lists asked, want 1 (bob/tool's)", n)
	}
}

// A repository unchanged for longer than MaxSkip is refreshed anyway: the
// probe does not see comments or edits, a periodic refresh (of free 304s
// where nothing changed) does.
func TestMaxSkipForcesRefresh(t *testing.T) {
	t.Parallel()
	h := newHarness(t, testWorld(), githubfake.Options{})
	runRepoCollectors(t, h)
	h.Runner.MaxSkip, h.Runner.MaxSkipQuiet = time.Nanosecond, time.Nanosecond
	for name, res := range runRepoCollectors(t, h) {
		if res.Unchanged != 0 {
			t.Errorf("%s spared %d repositories refreshed longer than MaxSkip ago", name, res.Unchanged)
		}
	}
}

// Scheduling by volatility: of two repositories that both look unchanged
// and were refreshed equally long ago, the one that changed recently is
// refreshed again (MaxSkip), the one quiet for months is spared until
// MaxSkipQuiet.
func TestQuietRepositoriesAreRefreshedLessOften(t *testing.T) {
	t.Parallel()
	w := collectortest.ManyReposWorld(2, 2) // p00000 pushed a day before end; p00001 quiet for over a month
	h, _ := collectortest.NewMany(t, w)
	active := end.Add(-24 * time.Hour)
	// The data's now is just after the active repository's last push, so
	// it has been quiet for under 4·MaxSkip.
	h.Env.Now = func() time.Time { return active.Add(100 * time.Millisecond) }
	h.Runner.MaxSkip, h.Runner.MaxSkipQuiet = 30*time.Millisecond, time.Hour
	runRepoCollectors(t, h)
	time.Sleep(40 * time.Millisecond) // both refreshes are now older than MaxSkip
	h.Fake.ResetCounts()
	res := runRepoCollectors(t, h)
	if u := res["commits"].Unchanged; u != 1 {
		t.Fatalf("commits spared %d repositories, want 1 (the quiet one)", u)
	}
	if n := h.Fake.Count("/repos/{owner}/{repo}/commits", http.StatusNotModified); n != 1 {
		t.Errorf("%d commit lists asked again, want 1 (the active repository's, a free 304): %v", n, h.Fake.Requests())
	}
}

// FUNDING.yml is read only when the blob the probe sees on the default
// branch differs from the one last read: a push that leaves the file alone
// costs no contents request, a repository without one never costs one.
func TestFundingFileReadOnlyWhenItsBlobChanges(t *testing.T) {
	t.Parallel()
	checkFundingFileReads(t, false)
}

// Over git, the file is read from the mirror: no contents request at all.
func TestFundingFileOverGit(t *testing.T) {
	t.Parallel()
	checkFundingFileReads(t, true)
}

func checkFundingFileReads(t *testing.T, git bool) {
	world := func(first string) *scenario.World {
		w := collectortest.ManyReposWorld(3, 1) // every repository gets a push before end
		w.Repos[0].FundingYML = first
		w.Repos[1].FundingYML = "github: [bee]\n"
		return w
	}
	repoC, _ := collectors.Get("repo")
	run := func(h *harness) {
		t.Helper()
		if res, _ := h.Runner.Run(context.Background(), repoC, h.Repos); res.Err != nil {
			t.Fatal(res.Err)
		}
	}
	// Reads of the file: contents requests, or over git (no request:
	// counted by the syncs reading it).
	contents := func(h *harness) int { return h.Fake.Count("/repos/{owner}/{repo}/contents/{path}", http.StatusOK) }
	wantReads := func(h *harness, syncs *syncCounter, n int, what string) {
		t.Helper()
		got := contents(h)
		if git {
			if got != 0 {
				t.Errorf("%s: %d contents requests over git, want 0", what, got)
			}
			got, syncs.ok = syncs.ok, 0
		}
		if got != n {
			t.Fatalf("%s: FUNDING.yml read %d times, want %d: %v", what, got, n, h.Fake.Requests())
		}
	}
	h, _ := collectortest.NewMany(t, world("github: [ant]\n"))
	syncs := &syncCounter{}
	if git {
		withGit(t, h)
		h.Env.Git.Observe = syncs.GitSync
	}
	h.Fake.SetHorizon(end.Add(-collectortest.ProbeQuiet))
	run(h)
	wantReads(h, syncs, 2, "first sync (the repositories that have one)")

	// The same repositories after a push each; only the first changed its
	// FUNDING.yml. Served by a new fake (the file is not versioned by the
	// horizon), collected into the same store.
	h.Fake = githubfake.New(world("github: [ant, cat]\n"), githubfake.Options{Limit: 1 << 30, GraphQLLimit: 1 << 30})
	h.Server = httptest.NewServer(h.Fake)
	t.Cleanup(h.Server.Close)
	cache := h.Env.Git
	h.Open(t)
	if git {
		// The same mirrors, fetched from the new fake.
		t.Cleanup(func() { h.Fake.Close() })
		h.Env.Git = cache
		url := h.Server.URL
		h.Env.CloneURL = func(n ghrepo.Name) string { return githubfake.CloneURL(url, n.String()) }
	}
	run(h)
	if n := h.Fake.Count("/repos/{owner}/{repo}", http.StatusOK); n != 3 {
		t.Fatalf("metadata read %d times after the pushes, want 3: %v", n, h.Fake.Requests())
	}
	wantReads(h, syncs, 1, "after the pushes (the one that changed)")
	ctx := context.Background()
	for i, want := range []string{"github: [ant, cat]\n", "github: [bee]\n", ""} {
		r, ok, err := h.Store.Repo(ctx, h.Repos[i].String())
		if err != nil || !ok || r.FundingYML != want || r.HasFundingYML != (want != "") {
			t.Errorf("%s: FUNDING.yml stored as %q (has=%v, %v), want %q", h.Repos[i], r.FundingYML, r.HasFundingYML, err, want)
		}
	}
}

// Collectors whose schedules tick together share one change probe: the
// runs that start within ProbeReuse of a probe use it instead of probing
// again; a later run probes afresh.
func TestRunsStartingTogetherShareAProbe(t *testing.T) {
	t.Parallel()
	h := newHarness(t, testWorld(), githubfake.Options{})
	h.Runner.ProbeReuse = time.Hour
	runRepoCollectors(t, h) // a first pass; its probe is shared by its collectors
	h.Fake.ResetCounts()
	for _, name := range []string{"issues", "comments", "repo", "commits"} {
		c, _ := collectors.Get(name)
		if res, _ := h.Runner.Run(context.Background(), c, h.Repos); res.Err != nil {
			t.Fatal(res.Err)
		}
	}
	if n := h.Fake.Count(githubfake.GraphQLRoute, http.StatusOK); n != 0 {
		t.Errorf("%d probes for four runs within the reuse time of the last, want 0", n)
	}
	h.Runner.ProbeReuse = -1
	c, _ := collectors.Get("issues")
	h.Runner.Run(context.Background(), c, h.Repos)
	if n := h.Fake.Count(githubfake.GraphQLRoute, http.StatusOK); n != 1 {
		t.Errorf("%d probes for a run after the reuse time, want 1", n)
	}
}
