package collectors_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fundwatch/fundwatch/collectors"
	"github.com/fundwatch/fundwatch/ghclient"
	"github.com/fundwatch/fundwatch/ghgraphql/schema"
	"github.com/fundwatch/fundwatch/ghrepo"
	"github.com/fundwatch/fundwatch/githubfake"
	"github.com/fundwatch/fundwatch/githubfake/scenario"
	"github.com/fundwatch/fundwatch/store"
)

// Every query text the sponsors collector can send is one GitHub accepts.
func TestSponsorsQueriesValidate(t *testing.T) {
	t.Parallel()
	for n := 1; n <= collectors.SponsorsBatch; n++ {
		if err := schema.Validate(collectors.SponsorsQuery(n)); err != nil {
			t.Fatalf("SponsorsQuery(%d): %v", n, err)
		}
	}
}

// Every query text the users collector can send is one GitHub accepts.
func TestUsersQueriesValidate(t *testing.T) {
	t.Parallel()
	for n := 1; n <= collectors.UsersBatch; n++ {
		if err := schema.Validate(collectors.UsersQuery(n)); err != nil {
			t.Fatalf("UsersQuery(%d): %v", n, err)
		}
	}
}

// sponsorLogins is the number of accounts sponsorsWorld asks about:
// owners acme and bob, authors alice, bob, carol, the unknown "ghost" and
// the extra people (dependabot[bot] is left out).
const sponsorLogins = 120

// sponsorsWorld is testWorld plus enough recent commit authors with
// varied Sponsors profiles to need three batches, and one author whose
// account GitHub does not know.
func sponsorsWorld() *scenario.World {
	w := testWorld()
	w.Users["alice"].Sponsors = &scenario.Sponsors{HasListing: true, Public: 3, Private: 2,
		Goal: &scenario.SponsorsGoal{Kind: "TOTAL_SPONSORS_COUNT", TargetValue: 50, PercentComplete: 10, Title: "50 sponsors"}}
	w.Users["acme"].Sponsors = &scenario.Sponsors{HasListing: true, Public: 40, Private: 7}
	r := w.Repos[0]
	add := func(login string, i int) {
		at := end.AddDate(0, -1, 0).Add(time.Duration(i) * time.Minute)
		r.Commits = append(r.Commits, scenario.Commit{
			SHA: fmt.Sprintf("%040x", 900000+i), Message: "work", AuthorName: login, AuthorEmail: login + "@example.org",
			AuthorLogin: login, AuthorDate: at, CommitterName: login, CommitterEmail: login + "@example.org", CommitterDate: at,
		})
	}
	add("ghost", 0)
	for i := range sponsorLogins - 5 {
		login := fmt.Sprintf("p%03d", i)
		u := &scenario.User{Login: login, ID: int64(5000 + i), Type: "User", CreatedAt: end.AddDate(-4, 0, 0)}
		switch i % 4 {
		case 1:
			u.Sponsors = &scenario.Sponsors{HasListing: true}
		case 2:
			u.Sponsors = &scenario.Sponsors{HasListing: true, Public: i, Private: i % 3,
				Goal: &scenario.SponsorsGoal{Kind: "MONTHLY_SPONSORSHIP_AMOUNT", TargetValue: 1000, PercentComplete: i % 100, Title: "$1000 per month"}}
		}
		w.Users[login] = u
		add(login, i+1)
	}
	return w
}

// truth is what the store must hold after a full collection.
func truth(w *scenario.World, logins []string) []store.Sponsors {
	var out []store.Sponsors
	for _, l := range logins {
		u := w.Users[l]
		if u == nil {
			continue // unknown to GitHub: no row
		}
		row := store.Sponsors{Login: u.Login}
		if sp := u.Sponsors; sp != nil {
			row.HasListing, row.Count, row.Private = true, sp.Total(), sp.Private
			if g := sp.Goal; g != nil {
				row.GoalKind, row.GoalTarget, row.GoalPercent, row.GoalTitle = g.Kind, g.TargetValue, g.PercentComplete, g.Title
			}
		}
		out = append(out, row)
	}
	return out
}

// slidingClock is the wall clock moved ahead by every pause: collectors
// measure a pause against the wall clock (GitHub's reset is an absolute
// time), and the fake must then see that much time gone by.
type slidingClock struct {
	mu     sync.Mutex
	offset time.Duration
}

func (c *slidingClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return time.Now().Add(c.offset)
}

func (c *slidingClock) advance(d time.Duration) {
	c.mu.Lock()
	c.offset += d
	c.mu.Unlock()
}

type pointsObserver struct {
	mu     sync.Mutex
	points int
	gqlRem int
}

func (o *pointsObserver) Request(string, int, time.Duration) {}
func (o *pointsObserver) RateLimit(resource string, _, remaining int, _ time.Time) {
	if resource == "graphql" {
		o.mu.Lock()
		o.gqlRem = remaining
		o.mu.Unlock()
	}
}
func (o *pointsObserver) GraphQLCost(p int) { o.mu.Lock(); o.points += p; o.mu.Unlock() }

type sponsorsHarness struct {
	fake  *githubfake.Server
	fail  atomic.Bool // answer /graphql with 502
	env   *collectors.Env
	obs   *pointsObserver
	repos []ghrepo.Name
	slept time.Duration
}

func newSponsorsHarness(t *testing.T, w *scenario.World, opts githubfake.Options, sleep func(time.Duration)) *sponsorsHarness {
	t.Helper()
	h := &sponsorsHarness{fake: githubfake.New(w, opts), obs: &pointsObserver{}}
	srv := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		if h.fail.Load() && r.URL.Path == "/graphql" {
			http.Error(rw, `{"message":"Server Error"}`, http.StatusBadGateway)
			return
		}
		h.fake.ServeHTTP(rw, r)
	}))
	t.Cleanup(srv.Close)
	st, err := store.Open(filepath.Join(t.TempDir(), "fw.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	gh, err := ghclient.New(ghclient.Options{BaseURL: srv.URL, Token: "t", Observer: h.obs,
		Backoff: func(_ context.Context, d time.Duration) error {
			h.slept += d
			if sleep != nil {
				sleep(d)
			}
			return nil
		}})
	if err != nil {
		t.Fatal(err)
	}
	h.env = &collectors.Env{GH: gh, Store: st, Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Now: func() time.Time { return end }, Concurrency: 2}
	for _, r := range w.Repos {
		h.repos = append(h.repos, ghrepo.MustParse(r.FullName()))
	}
	// Sponsors reads the commit authors the commits collector stored.
	commits, _ := collectors.Get("commits")
	if res := commits.Collect(context.Background(), h.env, h.repos, nil); res.Err != nil {
		t.Fatal(res.Err)
	}
	h.fake.ResetCounts()
	return h
}

func (h *sponsorsHarness) collect(t *testing.T) collectors.Result {
	t.Helper()
	c, ok := collectors.Get("sponsors")
	if !ok {
		t.Fatal("sponsors collector not registered")
	}
	return c.Collect(context.Background(), h.env, h.repos, nil)
}

func (h *sponsorsHarness) stored(t *testing.T) []store.Sponsors {
	t.Helper()
	rows, err := h.env.Store.AllSponsors(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for i := range rows {
		if rows[i].CollectedAt.IsZero() {
			t.Errorf("%s stored without a collection time", rows[i].Login)
		}
		rows[i].CollectedAt = time.Time{}
	}
	return rows
}

func allLogins(w *scenario.World) []string {
	logins := []string{"acme", "alice", "bob", "carol", "ghost"}
	for i := range sponsorLogins - 5 {
		logins = append(logins, fmt.Sprintf("p%03d", i))
	}
	return logins
}

// A full collection stores exactly the world's truth, at an exact cost:
// 120 accounts at 50 per query are 3 queries; each asks 2 connections per
// account (≤100 requests), so each costs 1 point.
func TestSponsorsCollectsTruthWithinBudget(t *testing.T) {
	t.Parallel()
	w := sponsorsWorld()
	h := newSponsorsHarness(t, w, githubfake.Options{}, nil)
	res := h.collect(t)
	if res.Err != nil || res.Repos != sponsorLogins || res.Failed != 0 {
		t.Fatalf("result %+v", res)
	}
	if got, want := h.stored(t), truth(w, allLogins(w)); !reflect.DeepEqual(got, want) {
		t.Errorf("stored %d rows:\n%+v\nwant %d:\n%+v", len(got), got, len(want), want)
	}
	if n, total := h.fake.Count(githubfake.GraphQLRoute, http.StatusOK), h.fake.Total(); n != 3 || total != 3 {
		t.Errorf("%d GraphQL queries, %d requests in all; want 3 and 3: %v", n, total, h.fake.Requests())
	}
	if p := h.fake.GraphQLPoints(); p != 3 || h.obs.points != 3 {
		t.Errorf("points: fake charged %d, observer saw %d; want 3", p, h.obs.points)
	}
	if h.obs.gqlRem != 5000-3 {
		t.Errorf("graphql remaining reported %d, want %d", h.obs.gqlRem, 5000-3)
	}
	if h.slept != 0 {
		t.Errorf("collection slept %v", h.slept)
	}
}

// An exhausted point budget does not hold the run until GitHub's reset an
// hour away: the accounts it could not pay for are left for the next run
// (deferred, not failed), the others are stored, and nothing waits.
func TestSponsorsDefersOnExhaustedBudget(t *testing.T) {
	t.Parallel()
	w := sponsorsWorld()
	clock := &slidingClock{}
	h := newSponsorsHarness(t, w, githubfake.Options{GraphQLLimit: 2, Window: time.Hour, Now: clock.now}, clock.advance)
	res := h.collect(t)
	paid := 2 * collectors.SponsorsBatch
	if res.Err != nil || res.Failed != 0 || res.Deferred != sponsorLogins-paid {
		t.Fatalf("result %+v, want %d deferred", res, sponsorLogins-paid)
	}
	if got, want := h.stored(t), truth(w, allLogins(w)[:paid]); !reflect.DeepEqual(got, want) {
		t.Errorf("stored %d rows, want %d", len(got), len(want))
	}
	// 2 queries charged; the client did not send the third.
	if n, p := h.fake.Count(githubfake.GraphQLRoute, http.StatusOK), h.fake.GraphQLPoints(); n != 2 || p != 2 {
		t.Errorf("%d queries, %d points; want 2 and 2", n, p)
	}
	if h.slept != 0 {
		t.Errorf("paused %v; want no wait", h.slept)
	}
}

// A failed fetch never replaces good data, and reports every account of
// the failed batches.
func TestSponsorsFailureKeepsGoodData(t *testing.T) {
	t.Parallel()
	w := sponsorsWorld()
	h := newSponsorsHarness(t, w, githubfake.Options{}, nil)
	if res := h.collect(t); res.Err != nil {
		t.Fatal(res.Err)
	}
	good := h.stored(t)
	h.fail.Store(true)
	// A period later, when everyone is read again.
	h.env.Clock = func() time.Time { return time.Now().Add(collectors.DefaultPeopleRefresh) }
	res := h.collect(t)
	if res.Err == nil || res.Failed != sponsorLogins || !strings.Contains(res.Err.Error(), "502") {
		t.Errorf("result %+v", res)
	}
	if got := h.stored(t); !reflect.DeepEqual(got, good) {
		t.Errorf("a failed run changed the store")
	}
}

// Read once, an account is read again a collection.people_refresh later,
// (spread over its days: TestPersonDueSpreadsAWeek), not every run: a
// second run the same day asks nothing, a period later everyone.
func TestSponsorsReadAgainOnceAPeriod(t *testing.T) {
	t.Parallel()
	h := newSponsorsHarness(t, sponsorsWorld(), githubfake.Options{}, nil)
	t0 := time.Now()
	for _, step := range []struct {
		name     string
		after    time.Duration
		min, max int // accounts read
	}{
		{"first", 0, sponsorLogins, sponsorLogins},
		{"the same day", time.Hour, 0, 0},
		{"a period later", collectors.DefaultPeopleRefresh, sponsorLogins, sponsorLogins},
	} {
		h.env.Clock = func() time.Time { return t0.Add(step.after) }
		res := h.collect(t)
		if res.Err != nil || res.Repos < step.min || res.Repos > step.max {
			t.Errorf("%s run: %+v, want %d to %d accounts read", step.name, res, step.min, step.max)
		}
	}
}

// The fake refuses what GitHub would refuse, so a broken query cannot
// pass a test.
func TestSponsorsBrokenQueryIsRejected(t *testing.T) {
	t.Parallel()
	h := newSponsorsHarness(t, sponsorsWorld(), githubfake.Options{}, nil)
	gql, err := h.env.GH.GraphQL(), error(nil)
	if err != nil {
		t.Fatal(err)
	}
	broken := strings.Replace(collectors.SponsorsQuery(1), "hasSponsorsListing", "hasSponsorsListing_nonexistent", 1)
	_, err = gql.Do(context.Background(), broken, map[string]any{"l0": "alice"}, nil)
	if err == nil || !strings.Contains(err.Error(), `Cannot query field "hasSponsorsListing_nonexistent" on type "Sponsorable"`) {
		t.Errorf("broken query: err = %v", err)
	}
	if h.fake.GraphQLPoints() != 0 {
		t.Errorf("a refused query cost %d points", h.fake.GraphQLPoints())
	}
}
