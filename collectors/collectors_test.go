package collectors_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/fundwatch/fundwatch/collectors"
	"github.com/fundwatch/fundwatch/collectors/collectortest"
	"github.com/fundwatch/fundwatch/githubfake"
	"github.com/fundwatch/fundwatch/githubfake/scenario"
	"github.com/fundwatch/fundwatch/store"
)

var end = collectortest.End

func testWorld() *scenario.World { return collectortest.World() }

type harness = collectortest.Harness

func newHarness(t testing.TB, w *scenario.World, opts githubfake.Options, repos ...string) *harness {
	t.Helper()
	return collectortest.New(t, w, opts, repos...)
}

// countsOf returns the number of stored facts per table; run bookkeeping
// is left out, since every run legitimately adds to it.
func countsOf(t *testing.T, st *store.Store) map[string]int {
	t.Helper()
	c, err := st.Counts(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	delete(c, "runs")
	delete(c, "repo_status")
	return c
}

// withStatus counts the requests the fake answered with status, any route.
func withStatus(f *githubfake.Server, status int) int {
	n := 0
	for _, rc := range f.Requests() {
		if rc.Status == status {
			n += rc.Count
		}
	}
	return n
}

// Asked for the whole history (collection.issue_history: all), a first
// sync stores everything the world holds.
func TestFirstSyncStoresTheWholeWorld(t *testing.T) {
	t.Parallel()
	w := testWorld()
	h := newHarness(t, w, githubfake.Options{})
	h.Env.IssueHistory = collectors.WholeHistory
	h.SyncAll(t)
	ctx := context.Background()
	for _, r := range w.Repos {
		cs, err := h.Store.Commits(ctx, r.FullName(), time.Time{}, time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		if len(cs) != len(r.Commits) {
			t.Errorf("%s: stored %d commits, world has %d", r.FullName(), len(cs), len(r.Commits))
		}
		is, _ := h.Store.Issues(ctx, r.FullName())
		if len(is) != len(r.Issues) {
			t.Errorf("%s: stored %d issues, world has %d", r.FullName(), len(is), len(r.Issues))
		}
		merged := 0
		for _, i := range is {
			if !i.MergedAt.IsZero() {
				merged++
			}
		}
		if merged == 0 {
			t.Errorf("%s: no merged pull requests stored", r.FullName())
		}
		cm, _ := h.Store.Comments(ctx, r.FullName())
		if len(cm) != len(r.Comments) {
			t.Errorf("%s: stored %d comments, world has %d", r.FullName(), len(cm), len(r.Comments))
		}
		for _, c := range cm {
			if c.IssueNumber == 0 {
				t.Fatalf("%s: comment %d without issue number", r.FullName(), c.ID)
			}
		}
		rs, _ := h.Store.Releases(ctx, r.FullName())
		if len(rs) != len(r.Releases) {
			t.Errorf("%s: stored %d releases, world has %d", r.FullName(), len(rs), len(r.Releases))
		}
		meta, ok, _ := h.Store.Repo(ctx, r.FullName())
		if !ok || meta.Stars != r.Stars || meta.HasFundingYML != (r.FundingYML != "") || meta.FundingYML != r.FundingYML {
			t.Errorf("%s: stored metadata %+v", r.FullName(), meta)
		}
	}
	u, ok, _ := h.Store.User(ctx, "alice")
	if !ok || u.Company != "@acme" || len(u.Orgs) != 1 || u.Orgs[0] != "acme" {
		t.Errorf("alice stored as %+v", u)
	}
	// A GitHub App has no profile to read: the analysis knows it by its
	// "[bot]" login.
	if b, ok, _ := h.Store.User(ctx, "dependabot[bot]"); ok {
		t.Errorf("dependabot stored as %+v", b)
	}
}

// The request budget of a first sync: one request per page of data, one
// more per list longer than a page to learn the ETag of its advanced
// cursor, FUNDING.yml only where the probe saw one, and the per-account
// lookups. Anything above means a collector wastes quota. Issues and
// comments are read back to the floor (and the open issues older than it
// in a listing of their own), or, asked for, their whole history.
func TestFirstSyncRequestBudget(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name    string
		history time.Duration
	}{
		{"default history", 0},
		{"whole history", collectors.WholeHistory},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			w := testWorld()
			h := newHarness(t, w, githubfake.Options{})
			h.Env.IssueHistory = tt.history
			h.SyncAll(t)
			if got, want := h.Fake.Total(), firstSyncBudget(w, issueFloor(tt.history)); got != want {
				t.Errorf("first sync made %d requests, budget is %d:\n%v", got, want, h.Fake.Requests())
			}
		})
	}
}

// firstSyncBudget is what a first sync of the test world should cost,
// issues and comments read back to floor (zero: all of them).
func firstSyncBudget(w *scenario.World, floor time.Time) int {
	pages := func(n int) int { return (n + 99) / 100 }
	// A list that fit on one page keeps its cursor; a longer one moves
	// it and primes the moved request's ETag.
	withPriming := func(n int) int {
		if pages(n) > 1 {
			return pages(n) + 1
		}
		return pages(n)
	}
	want := 0
	for _, r := range w.Repos {
		want++ // repository
		if r.FundingYML != "" {
			want++ // FUNDING.yml, which the probe saw
		}
		want += withPriming(len(r.Commits))
		issues, comments := sinceFloor(r, floor)
		want += withPriming(len(issues))
		want += withPriming(len(comments))
		open, stale := 0, false
		for _, is := range r.Issues {
			if is.ClosedAt.IsZero() && is.MergedAt.IsZero() {
				open++
				stale = stale || issueUpdated(r, is).Before(floor)
			}
		}
		if stale {
			want += pages(open) // every open issue, where some are older than the floor
		}
		want += pages(len(r.Releases)) // no since: no priming
	}
	want += 1 // the 3 active humans' profiles and organisations, in one GraphQL batch (the bot is none)
	want += 1 // sponsors: owners acme, bob and authors alice, carol in one GraphQL batch
	// The change probe: syncAll runs each of the 5 repository collectors
	// on its own (as their schedules do), and each run probes the 2 repos
	// first, in one GraphQL query. On a first sync nothing was refreshed
	// before, so the probe spares nothing: the REST budget above is unchanged.
	want += 5
	return want
}

// issueFloor is where a first sync at the harness's clock reads issues
// and comments back to, with Env.IssueHistory history: the analysis' year
// window and a month by default, at the start of the UTC day.
func issueFloor(history time.Duration) time.Time {
	switch {
	case history < 0:
		return time.Time{}
	case history == 0:
		history = collectors.DefaultActiveWindow + collectors.IssueHistoryMargin
	}
	return end.Add(-history).Truncate(24 * time.Hour)
}

// issueUpdated is when GitHub says is was last changed: opened, closed,
// merged, or commented on.
func issueUpdated(r *scenario.Repo, is scenario.Issue) time.Time {
	u := is.CreatedAt
	for _, t := range []time.Time{is.ClosedAt, is.MergedAt} {
		if t.After(u) {
			u = t
		}
	}
	for _, c := range r.Comments {
		if c.IssueNumber == is.Number && c.UpdatedAt.After(u) {
			u = c.UpdatedAt
		}
	}
	return u
}

// sinceFloor are the issues and comments of r changed at or after floor.
func sinceFloor(r *scenario.Repo, floor time.Time) (issues []scenario.Issue, comments []scenario.Comment) {
	for _, is := range r.Issues {
		if !issueUpdated(r, is).Before(floor) {
			issues = append(issues, is)
		}
	}
	for _, c := range r.Comments {
		if !c.CreatedAt.Before(floor) || !c.UpdatedAt.Before(floor) {
			comments = append(comments, c)
		}
	}
	return issues, comments
}

func TestSecondSyncWithNothingChangedIsAllNotModified(t *testing.T) {
	t.Parallel()
	h := newHarness(t, testWorld(), githubfake.Options{})
	h.SyncAll(t)
	before := countsOf(t, h.Store)
	h.Fake.ResetCounts()
	h.SyncAll(t)
	if h.Fake.Total() == 0 {
		t.Fatal("second sync made no requests at all")
	}
	for _, rc := range h.Fake.Requests() {
		// GraphQL has no conditional requests: each of the 5
		// repository collectors probes the watch list first (1 query
		// each); the probe shows nothing changed, so they make no REST
		// request at all. Profiles and sponsors, read minutes ago, are
		// not asked again (collection.people_refresh). Any REST
		// request must be a 304.
		if rc.Route == githubfake.GraphQLRoute && rc.Status == http.StatusOK && rc.Count == 5 {
			continue
		}
		if rc.Status != http.StatusNotModified {
			t.Errorf("second sync: %d × %s answered %d, want only 304", rc.Count, rc.Route, rc.Status)
		}
	}
	if after := countsOf(t, h.Store); fmt.Sprint(after) != fmt.Sprint(before) {
		t.Errorf("store changed on an unchanged sync: %v → %v", before, after)
	}
}

func TestIncrementalSyncFetchesOnlyWhatChanged(t *testing.T) {
	t.Parallel()
	w := testWorld()
	h := newHarness(t, w, githubfake.Options{})
	h.Env.IssueHistory = collectors.WholeHistory // to compare with the whole world
	h.Fake.SetHorizon(end.AddDate(0, 0, -20))
	h.SyncAll(t)
	h.Fake.SetHorizon(end)
	h.Fake.ResetCounts()
	h.SyncAll(t)
	ctx := context.Background()
	for _, r := range w.Repos {
		cs, _ := h.Store.Commits(ctx, r.FullName(), time.Time{}, time.Time{})
		if len(cs) != len(r.Commits) {
			t.Errorf("%s: %d commits after catching up, want %d", r.FullName(), len(cs), len(r.Commits))
		}
		is, _ := h.Store.Issues(ctx, r.FullName())
		closed := 0
		for _, i := range is {
			if i.State == "closed" {
				closed++
			}
		}
		wantClosed := 0
		for _, i := range r.Issues {
			if !i.ClosedAt.IsZero() {
				wantClosed++
			}
		}
		if closed != wantClosed {
			t.Errorf("%s: %d closed issues after catching up, want %d (updates to known issues missed)", r.FullName(), closed, wantClosed)
		}
	}
	// 20 days of changes fit on one page per list: no list is re-read.
	if n := h.Fake.Count("/repos/{owner}/{repo}/commits", http.StatusOK); n > 2*len(w.Repos) {
		t.Errorf("catching up on 20 days read %d commit pages; want at most 2 per repo", n)
	}
}

func TestRestartKeepsEverythingCollected(t *testing.T) {
	t.Parallel()
	h := newHarness(t, testWorld(), githubfake.Options{})
	h.SyncAll(t)
	before := countsOf(t, h.Store)
	if err := h.Store.Close(); err != nil {
		t.Fatal(err)
	}
	h.Open(t)
	if after := countsOf(t, h.Store); fmt.Sprint(after) != fmt.Sprint(before) {
		t.Fatalf("after restart the store holds %v, before %v", after, before)
	}
	// The validators survived too: nothing is downloaded again.
	h.Fake.ResetCounts()
	h.SyncAll(t)
	// GraphQL (the sponsors batch) has no conditional requests.
	if n := withStatus(h.Fake, http.StatusOK) - h.Fake.Count(githubfake.GraphQLRoute, http.StatusOK); n != 0 {
		t.Errorf("after restart %d REST requests were answered 200; want all 304", n)
	}
}

func TestExhaustedRateLimitPausesUntilReset(t *testing.T) {
	t.Parallel()
	w := testWorld()
	window := 2 * time.Second
	// A low limit, so that it is hit however slowly the machine runs.
	h := newHarness(t, w, githubfake.Options{Limit: 3, Window: window}, "acme/widget")
	start := time.Now()
	h.SyncAll(t) // fails the test on any error
	took := time.Since(start)
	// The sync needed several windows' worth of requests. go-github
	// remembers a response with no requests left and refuses the next
	// call itself until the reset, so the fake may see no 403 at all;
	// either way the collector must wait, not fail.
	if n := h.Fake.Total(); n <= 2*3 {
		t.Fatalf("only %d requests: the limit of 3 per window was not exhausted; the test proves nothing", n)
	}
	if took < window {
		t.Errorf("sync finished in %s, before the %s window could reset", took, window)
	}
	cs, _ := h.Store.Commits(context.Background(), "acme/widget", time.Time{}, time.Time{})
	if len(cs) != len(w.Repos[0].Commits) {
		t.Errorf("stored %d commits, want %d", len(cs), len(w.Repos[0].Commits))
	}
}

func TestOneBadRepositoryNeverStopsTheOthers(t *testing.T) {
	t.Parallel()
	w := testWorld()
	h := newHarness(t, w, githubfake.Options{}, "acme/widget", "nobody/missing", "bob/tool")
	c, _ := collectors.Get("commits")
	res, _ := h.Runner.Run(context.Background(), c, h.Repos)
	if res.Failed != 1 || res.Repos != 3 || res.Err == nil {
		t.Fatalf("result %+v, want 1 of 3 failed", res)
	}
	ctx := context.Background()
	for _, r := range w.Repos {
		cs, _ := h.Store.Commits(ctx, r.FullName(), time.Time{}, time.Time{})
		if len(cs) != len(r.Commits) {
			t.Errorf("%s: %d commits, want %d", r.FullName(), len(cs), len(r.Commits))
		}
	}
	sts, err := h.Store.RepoStatuses(ctx)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, s := range sts {
		if s.Repo == "nobody/missing" {
			found = true
			if s.LastError == "" || !s.LastSuccess.IsZero() {
				t.Errorf("status of the missing repo: %+v", s)
			}
		}
	}
	if !found {
		t.Error("no status recorded for the failing repository")
	}
}

// The users collector fetches the profiles of people active in the
// analysis's year window (Env.ActiveWindow), not a window of its own.
func TestUsersFollowTheActiveWindow(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name   string
		window time.Duration
		some   bool
	}{
		{"default year", 0, true},
		{"an hour", time.Hour, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t, testWorld(), githubfake.Options{})
			h.Env.ActiveWindow = tt.window
			for _, name := range []string{"commits", "users"} {
				c, _ := collectors.Get(name)
				if res, _ := h.Runner.Run(context.Background(), c, h.Repos); res.Err != nil {
					t.Fatal(res.Err)
				}
			}
			us, err := h.Store.Users(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if n := len(us); (n > 0) != tt.some {
				t.Errorf("%d profiles fetched with an active window of %v", n, tt.window)
			}
		})
	}
}

// GitHub's REST answer says only whether a repository is archived; the
// change probe's GraphQL archivedAt says since when, which is what an
// analysis of a past instant (the backfill, a timeline) needs.
func TestArchivedDateComesFromTheProbe(t *testing.T) {
	t.Parallel()
	w, err := scenario.Demo(time.Date(2025, 6, 30, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	var archived *scenario.Repo
	for _, r := range w.Repos {
		if r.Archived {
			archived = r
		}
	}
	if archived == nil {
		t.Fatal("the demo has no archived repository")
	}
	h := newHarness(t, w, githubfake.Options{}, archived.FullName())
	h.SyncAll(t)
	meta, ok, err := h.Store.Repo(context.Background(), archived.FullName())
	if err != nil || !ok {
		t.Fatalf("%s not stored: %v", archived.FullName(), err)
	}
	if !meta.Archived || !meta.ArchivedAt.Equal(archived.ArchivedAt.Truncate(time.Second)) {
		t.Errorf("stored archived %v since %v, want since %v", meta.Archived, meta.ArchivedAt, archived.ArchivedAt)
	}
}

// A second sync with nothing changed moves none of the analysis' fact
// versions: no repository's facts, no profile, no sponsors. The refresh
// after it re-analyses nothing.
func TestUnchangedSyncMovesNoFactVersion(t *testing.T) {
	t.Parallel()
	h := newHarness(t, testWorld(), githubfake.Options{})
	h.SyncAll(t)
	ctx := context.Background()
	before, err := h.Store.FactVersions(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if before[store.SharedFacts] == 0 {
		t.Fatal("the first sync stored no profile or sponsors")
	}
	h.SyncAll(t)
	after, err := h.Store.FactVersions(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(after) != fmt.Sprint(before) {
		t.Errorf("fact versions moved on an unchanged sync: %v → %v", before, after)
	}
}
