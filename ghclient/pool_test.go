package ghclient_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-github/v60/github"

	"github.com/fundwatch/fundwatch/ghclient"
	"github.com/fundwatch/fundwatch/githubfake"
	"github.com/fundwatch/fundwatch/githubfake/scenario"
)

// clock is a fake clock shared by the pool and the fake GitHub: waiting
// moves it forward instead of sleeping. Concurrent sleepers do not add
// up: each moves the clock to the instant it would wake, at least.
type clock struct {
	mu    sync.Mutex
	t     time.Time
	slept time.Duration // the longest single wait asked for
}

// newClock starts at the wall clock's time: go-github and ghinstallation
// read the wall clock themselves.
func newClock() *clock { return &clock{t: time.Now().Truncate(time.Second)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Sleep(ctx context.Context, d time.Duration) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if at := c.t.Add(d); at.After(c.t) {
		c.t = at
	}
	c.slept = max(c.slept, d)
	return ctx.Err()
}

func (c *clock) longestWait() time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.slept
}

func world() *scenario.World {
	end := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	return &scenario.World{Name: "pool", End: end, Users: map[string]*scenario.User{},
		Repos: []*scenario.Repo{{Owner: "acme", Name: "widget", ID: 1, DefaultBranch: "main", CreatedAt: end.AddDate(-1, 0, 0), HasIssues: true}}}
}

// seen records who sent each request the fake answered, and when.
type seen struct {
	mu   sync.Mutex
	clk  *clock
	auth []string
	at   []time.Time
}

func (s *seen) wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.auth = append(s.auth, r.Header.Get("Authorization"))
		s.at = append(s.at, s.clk.Now())
		s.mu.Unlock()
		h.ServeHTTP(w, r)
	})
}

func (s *seen) count(auth string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, a := range s.auth {
		if a == auth {
			n++
		}
	}
	return n
}

// poolObs records what the pool reports per credential.
type poolObs struct {
	mu        sync.Mutex
	remaining map[string]int
	limits    map[string]int
	secondary map[string]time.Duration
	deferred  int
	pacing    map[string]time.Duration
}

func newPoolObs() *poolObs {
	return &poolObs{remaining: map[string]int{}, limits: map[string]int{}, secondary: map[string]time.Duration{}, pacing: map[string]time.Duration{}}
}

func (o *poolObs) Request(string, int, time.Duration)    {}
func (o *poolObs) RateLimit(string, int, int, time.Time) {}
func (o *poolObs) Deferred(string)                       { o.mu.Lock(); o.deferred++; o.mu.Unlock() }
func (o *poolObs) Pacing(cred, res string, iv time.Duration) {
	o.mu.Lock()
	o.pacing[cred+"/"+res] = max(o.pacing[cred+"/"+res], iv)
	o.mu.Unlock()
}
func (o *poolObs) SecondaryLimit(cred string, wait time.Duration) {
	o.mu.Lock()
	o.secondary[cred] = wait
	o.mu.Unlock()
}
func (o *poolObs) CredentialRateLimit(cred, res string, limit, remaining int, _ time.Time) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.remaining[cred+"/"+res], o.limits[cred+"/"+res] = remaining, limit
}

type rig struct {
	fake *githubfake.Server
	url  string
	clk  *clock
	seen *seen
	obs  *poolObs
}

// newRig serves a small world with opts (its clock set to the rig's);
// wrap, if not nil, stands between the client and the fake.
func newRig(t *testing.T, opts githubfake.Options, wrap func(http.Handler) http.Handler) *rig {
	t.Helper()
	r := &rig{clk: newClock(), obs: newPoolObs()}
	opts.Now = r.clk.Now
	r.fake = githubfake.New(world(), opts)
	r.seen = &seen{clk: r.clk}
	var h http.Handler = r.fake
	if wrap != nil {
		h = wrap(h)
	}
	srv := httptest.NewServer(r.seen.wrap(h))
	t.Cleanup(srv.Close)
	r.url = srv.URL + "/"
	return r
}

func (r *rig) client(t *testing.T, pacing ghclient.Pacing, creds ...ghclient.Credential) *ghclient.Client {
	t.Helper()
	gh, err := ghclient.New(ghclient.Options{BaseURL: r.url, Credentials: creds, Observer: r.obs,
		Pacing: &pacing, Now: r.clk.Now, Sleep: r.clk.Sleep, Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return gh
}

func tokens(names ...string) []ghclient.Credential {
	out := make([]ghclient.Credential, len(names))
	for i, n := range names {
		out[i] = ghclient.Credential{Name: n, Token: "tok-" + n}
	}
	return out
}

// run sends n requests from workers goroutines and returns the errors.
func run(gh *ghclient.Client, n, workers int) []error {
	var (
		mu   sync.Mutex
		errs []error
		wg   sync.WaitGroup
		jobs = make(chan int)
	)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range jobs {
				_, _, err := gh.Repositories.Get(context.Background(), "acme", "widget")
				if err != nil {
					mu.Lock()
					errs = append(errs, err)
					mu.Unlock()
				}
			}
		}()
	}
	for i := range n {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	return errs
}

// A run needing more than one window of two tokens spreads over both,
// paces the second half of each window instead of spending it at once,
// never reaches GitHub's own refusal, and finishes.
func TestPoolSpreadsARunOverTokensAndTime(t *testing.T) {
	t.Parallel()
	const limit, window, requests = 60, 5 * time.Minute, 200
	r := newRig(t, githubfake.Options{Limit: limit, Window: window}, nil)
	// The pacer spaces the paced half of a window 12.5s apart; it may run
	// ahead by the requests in flight, so a window can be spent a little
	// before its reset: MaxWait covers that.
	gh := r.client(t, ghclient.Pacing{PaceBelow: 0.5, Reserve: 0.1, MaxWait: 3 * time.Minute}, tokens("a", "b")...)
	start := r.clk.Now()
	if errs := run(gh, requests, 6); len(errs) > 0 {
		t.Fatalf("%d requests failed, first: %v", len(errs), errs[0])
	}
	if n := r.fake.Count("/repos/{owner}/{repo}", http.StatusForbidden); n != 0 {
		t.Errorf("GitHub refused %d requests: the pool overspent", n)
	}
	a, b := r.seen.count("Bearer tok-a"), r.seen.count("Bearer tok-b")
	if a+b != requests || a < requests/3 || b < requests/3 {
		t.Errorf("requests per token: a %d, b %d; want %d spread over both", a, b, requests)
	}
	// Each window allows 2×54 requests: the run needs two, and within
	// the first, only the unpaced half goes out at once.
	if took := r.clk.Now().Sub(start); took < window {
		t.Errorf("the run took %s of the clock, want at least a window (%s)", took, window)
	}
	early := 0
	for _, at := range r.seen.at {
		if at.Sub(start) < window/10 {
			early++
		}
	}
	// Unpaced, all 108 would go at once; paced, about half of them (and
	// those the pacer ran ahead by).
	if spendable := 2 * (limit - limit/10); early >= spendable*3/4 {
		t.Errorf("%d of %d requests in the first tenth of the window: its second half was not paced", early, spendable)
	}
	if r.obs.pacing["a/core"] == 0 || r.obs.pacing["b/core"] == 0 {
		t.Errorf("the pacer's spacing was not reported: %v", r.obs.pacing)
	}
}

// secondaryOn answers the first request of one token with GitHub's
// secondary limit and passes everything else to the fake.
func secondaryOn(auth string, retryAfter string) func(http.Handler) http.Handler {
	return func(h http.Handler) http.Handler {
		var once sync.Once
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			hit := false
			if r.Header.Get("Authorization") == auth {
				once.Do(func() { hit = true })
			}
			if !hit {
				h.ServeHTTP(w, r)
				return
			}
			if retryAfter != "" {
				w.Header().Set("Retry-After", retryAfter)
			}
			w.Header().Set("X-RateLimit-Remaining", "4000")
			w.WriteHeader(http.StatusForbidden)
			fmt.Fprint(w, `{"message": "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.", "documentation_url": "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits"}`)
		})
	}
}

// A secondary limit rests the credential that hit it (Retry-After, or a
// minute without it) and the request goes to another at once: the caller
// never sees it and nobody waits.
func TestSecondaryLimitRestsOneCredentialOnly(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name, retryAfter string
		rest             time.Duration
	}{
		{"Retry-After", "120", 2 * time.Minute},
		{"no Retry-After", "", time.Minute},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := newRig(t, githubfake.Options{}, secondaryOn("Bearer tok-a", tt.retryAfter))
			gh := r.client(t, ghclient.DefaultPacing, tokens("a", "b")...)
			if errs := run(gh, 20, 1); len(errs) > 0 {
				t.Fatalf("%d requests failed, first: %v", len(errs), errs[0])
			}
			if a, b := r.seen.count("Bearer tok-a"), r.seen.count("Bearer tok-b"); a != 1 || b != 20 {
				t.Errorf("requests: a %d, b %d; want a's one refused request, then all on b", a, b)
			}
			if w := r.clk.longestWait(); w != 0 {
				t.Errorf("a request waited %s", w)
			}
			if r.obs.secondary["a"] != tt.rest {
				t.Errorf("secondary limit reported %v, want a resting %s", r.obs.secondary, tt.rest)
			}
			r.clk.Sleep(context.Background(), tt.rest+time.Second)
			run(gh, 10, 1)
			if a := r.seen.count("Bearer tok-a"); a < 2 {
				t.Errorf("after its rest, a is not used again (%d requests)", a)
			}
		})
	}
}

// When every credential is down to its reserve (or so near it that the
// pacer would wait longer than MaxWait between requests), requests fail
// at once with ErrBudgetReserved rather than waiting for the reset.
func TestSpentBudgetsRefuseAtOnce(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name    string
		pacing  ghclient.Pacing
		workers int
		sent    int // requests GitHub sees per token
	}{
		// Reserve 2 of 10: 8 each.
		{"reserve", ghclient.Pacing{PaceBelow: 0.0001, Reserve: 0.2, MaxWait: time.Minute}, 4, 8},
		// Below half, the pacer spaces what is left of an hour's 10
		// half an hour apart: after the first paced request (the 7th),
		// the next would wait more than MaxWait. One worker: with more,
		// the pacer may run ahead by the requests in flight.
		{"pacing too thin", ghclient.Pacing{PaceBelow: 0.5, Reserve: 0.2, MaxWait: time.Minute}, 1, 7},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := newRig(t, githubfake.Options{Limit: 10, Window: time.Hour}, nil)
			gh := r.client(t, tt.pacing, tokens("a", "b")...)
			start := time.Now()
			errs := run(gh, 40, tt.workers)
			if len(errs) != 40-2*tt.sent {
				t.Fatalf("%d requests failed, want %d", len(errs), 40-2*tt.sent)
			}
			for _, err := range errs {
				if !errors.Is(err, ghclient.ErrBudgetReserved) || !strings.Contains(err.Error(), "rate limit") {
					t.Fatalf("error %v, want ErrBudgetReserved", err)
				}
			}
			if a, b := r.seen.count("Bearer tok-a"), r.seen.count("Bearer tok-b"); a != tt.sent || b != tt.sent {
				t.Errorf("requests: a %d, b %d; want %d each", a, b, tt.sent)
			}
			if w := r.clk.longestWait(); w > time.Minute || time.Since(start) > 5*time.Second {
				t.Errorf("waited %s (of the clock), %s (real): want a prompt refusal", w, time.Since(start))
			}
			if r.obs.deferred != len(errs) {
				t.Errorf("%d refusals reported, want %d", r.obs.deferred, len(errs))
			}
		})
	}
}

// A reset within MaxWait is waited for rather than refused.
func TestNearResetIsWaitedFor(t *testing.T) {
	t.Parallel()
	r := newRig(t, githubfake.Options{Limit: 5, Window: 30 * time.Second}, nil)
	// The reserve keeps go-github from seeing a quota of 0: it would
	// refuse requests itself until the reset, on the wall clock.
	gh := r.client(t, ghclient.Pacing{PaceBelow: 0.0001, Reserve: 0.2, MaxWait: time.Minute}, tokens("a")...)
	if errs := run(gh, 12, 2); len(errs) > 0 {
		t.Fatalf("%d failed: %v", len(errs), errs[0])
	}
	if n := r.fake.Count("/repos/{owner}/{repo}", http.StatusForbidden); n != 0 {
		t.Errorf("%d requests were refused by GitHub", n)
	}
}

// A credential GitHub does not accept (a revoked token) rests; the others
// carry the run.
func TestRefusedCredentialRests(t *testing.T) {
	t.Parallel()
	r := newRig(t, githubfake.Options{}, nil)
	gh := r.client(t, ghclient.DefaultPacing, ghclient.Credential{Name: "revoked", Token: "ghs_" + strings.Repeat("r", 36)},
		ghclient.Credential{Name: "good", Token: "tok-good"})
	if errs := run(gh, 10, 1); len(errs) > 0 {
		t.Fatalf("%d failed: %v", len(errs), errs[0])
	}
	if n := r.seen.count("token ghs_"+strings.Repeat("r", 36)) + r.seen.count("Bearer ghs_"+strings.Repeat("r", 36)); n != 1 {
		t.Errorf("the revoked token was tried %d times, want once", n)
	}
}

// An ETag one credential received is sent by whichever credential takes
// the next request, and GitHub answers it with a free 304.
func TestETagWorksAcrossCredentials(t *testing.T) {
	t.Parallel()
	r := newRig(t, githubfake.Options{}, nil)
	gh := r.client(t, ghclient.DefaultPacing, tokens("a", "b")...)
	ctx := context.Background()
	_, resp, err := gh.Repositories.Get(ctx, "acme", "widget")
	if err != nil {
		t.Fatal(err)
	}
	etag := ghclient.ETagOf(resp)
	for range 6 {
		_, resp, err := ghclient.Call(ctx, gh, ghclient.Req{What: "repo", ETag: etag}, func(ctx context.Context) (*github.Repository, *github.Response, error) {
			return gh.Repositories.Get(ctx, "acme", "widget")
		})
		if !ghclient.NotModified(resp) {
			t.Fatalf("conditional request: %v", err)
		}
	}
	if a, b := r.seen.count("Bearer tok-a"), r.seen.count("Bearer tok-b"); a == 0 || b == 0 {
		t.Errorf("requests: a %d, b %d; want the 304s from both", a, b)
	}
	if r.obs.remaining["a/core"]+r.obs.remaining["b/core"] != 2*5000-1 {
		t.Errorf("remaining %v: the 304s were charged", r.obs.remaining)
	}
}

// Identify finds tokens of one user (GET /user) and makes them one
// budget: two of alice's tokens do not double her limit.
func TestIdentifyMergesTokensOfOneUser(t *testing.T) {
	t.Parallel()
	r := newRig(t, githubfake.Options{Limit: 10, Window: time.Hour,
		TokenUsers: map[string]string{"tok-a1": "alice", "tok-a2": "Alice", "tok-b": "bob"}}, nil)
	gh := r.client(t, ghclient.Pacing{PaceBelow: 0.0001, Reserve: 0, MaxWait: time.Minute}, tokens("a1", "a2", "b")...)
	groups, err := gh.Pool().Identify(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(groups) != "[[a1 a2]]" {
		t.Errorf("groups %v, want [[a1 a2]]", groups)
	}
	// GET /user cost one request of each user's quota (two of alice's).
	errs := run(gh, 30, 3)
	if sent := 30 - len(errs); sent != (10-2)+(10-1) {
		t.Errorf("%d requests sent, want alice's 8 left and bob's 9 left (a1 %d, a2 %d, b %d; errors %v)", sent,
			r.seen.count("Bearer tok-a1"), r.seen.count("Bearer tok-a2"), r.seen.count("Bearer tok-b"), errs[0])
	}
	if a1, a2 := r.seen.count("Bearer tok-a1"), r.seen.count("Bearer tok-a2"); a1 < 3 || a2 < 3 {
		t.Errorf("alice's tokens sent %d and %d requests: want both used", a1, a2)
	}
	if n := r.fake.Count("/repos/{owner}/{repo}", http.StatusForbidden); n != 0 {
		t.Errorf("%d requests were refused by GitHub: the shared budget was overspent", n)
	}
	// One token, or none but an App: nothing to ask.
	single := r.client(t, ghclient.DefaultPacing, tokens("solo")...)
	if g, err := single.Pool().Identify(context.Background()); g != nil || err != nil || r.seen.count("Bearer tok-solo") != 0 {
		t.Errorf("Identify with one token: %v %v", g, err)
	}
}

// appKey is a GitHub App's private key, PEM.
var appKey = sync.OnceValues(func() (*rsa.PrivateKey, []byte) {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	return k, pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(k)})
})

// A GitHub App installation authenticates through ghinstallation against
// the fake's access_tokens endpoint (also under GitHub Enterprise's
// /api/v3), spends the installation's own budget, and keeps its token
// until it nears expiry.
func TestAppInstallation(t *testing.T) {
	t.Parallel()
	key, pemKey := appKey()
	for _, prefix := range []string{"", "api/v3/"} {
		t.Run("base "+prefix, func(t *testing.T) {
			t.Parallel()
			r := newRig(t, githubfake.Options{InstallationLimit: 7,
				Apps: map[int64]githubfake.App{12: {PublicKey: &key.PublicKey, Installations: []int64{34}}}}, nil)
			gh, err := ghclient.New(ghclient.Options{BaseURL: r.url + prefix, Observer: r.obs, Now: r.clk.Now, Sleep: r.clk.Sleep,
				Credentials: []ghclient.Credential{{Name: "installation-34", App: &ghclient.App{AppID: 12, InstallationID: 34, PrivateKey: pemKey}}}})
			if err != nil {
				t.Fatal(err)
			}
			if errs := run(gh, 3, 1); len(errs) > 0 {
				t.Fatal(errs[0])
			}
			if n := r.fake.Count(githubfake.AccessTokensRoute, http.StatusCreated); n != 1 {
				t.Errorf("%d installation tokens issued, want 1", n)
			}
			if r.obs.limits["installation-34/core"] != 7 || r.obs.remaining["installation-34/core"] != 4 {
				t.Errorf("installation quota %v %v, want 4 of 7 left", r.obs.limits, r.obs.remaining)
			}
		})
	}
}

// An App whose key GitHub does not accept fails with ErrCredentialRejected,
// naming the installation and never quoting the key.
func TestAppWithAWrongKey(t *testing.T) {
	t.Parallel()
	key, _ := appKey()
	other, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	otherPEM := pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(other)})
	r := newRig(t, githubfake.Options{Apps: map[int64]githubfake.App{12: {PublicKey: &key.PublicKey, Installations: []int64{34}}}}, nil)
	gh, err := ghclient.New(ghclient.Options{BaseURL: r.url,
		Credentials: []ghclient.Credential{{Name: "installation-34", App: &ghclient.App{AppID: 12, InstallationID: 34, PrivateKey: otherPEM}}}})
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = gh.Repositories.Get(context.Background(), "acme", "widget")
	if !errors.Is(err, ghclient.ErrCredentialRejected) || !strings.Contains(err.Error(), "installation 34") {
		t.Fatalf("err = %v, want ErrCredentialRejected naming the installation", err)
	}
	for _, line := range strings.Split(string(otherPEM), "\n")[1:4] {
		if strings.Contains(err.Error(), line) {
			t.Errorf("the error quotes the key: %v", err)
		}
	}
	// A key that is not a key is refused when the client is built.
	if _, err := ghclient.New(ghclient.Options{BaseURL: r.url,
		Credentials: []ghclient.Credential{{Name: "x", App: &ghclient.App{AppID: 12, InstallationID: 34, PrivateKey: []byte("not a key")}}}}); err == nil {
		t.Error("a bad key was accepted")
	}
}

// Tokens and an App installation together: separate budgets.
func TestTokensAndAppTogether(t *testing.T) {
	t.Parallel()
	key, pemKey := appKey()
	r := newRig(t, githubfake.Options{Limit: 10, Window: time.Hour, InstallationLimit: 10,
		Apps: map[int64]githubfake.App{12: {PublicKey: &key.PublicKey, Installations: []int64{34}}}}, nil)
	gh := r.client(t, ghclient.Pacing{PaceBelow: 0.0001, Reserve: 0, MaxWait: time.Minute},
		ghclient.Credential{Name: "token", Token: "tok-1"},
		ghclient.Credential{Name: "installation-34", App: &ghclient.App{AppID: 12, InstallationID: 34, PrivateKey: pemKey}})
	errs := run(gh, 25, 2)
	if sent := 25 - len(errs); sent != 20 {
		t.Errorf("%d requests sent, want 10 on each budget", sent)
	}
}

// GraphQL queries spread over credentials like REST requests, on the
// separate graphql budget.
func TestGraphQLSpreads(t *testing.T) {
	t.Parallel()
	r := newRig(t, githubfake.Options{GraphQLLimit: 4, Window: time.Hour}, nil)
	gh := r.client(t, ghclient.Pacing{PaceBelow: 0.0001, Reserve: 0, MaxWait: time.Minute}, tokens("a", "b")...)
	g, err := gh.GraphQL(), error(nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 8 {
		var data struct{ RateLimit struct{ Cost int } }
		if _, err := g.Do(context.Background(), "query { rateLimit { cost remaining } }", nil, &data); err != nil {
			t.Fatalf("query %d: %v", i, err)
		}
	}
	_, err = g.Do(context.Background(), "query { rateLimit { cost } }", nil, nil)
	if !errors.Is(err, ghclient.ErrBudgetReserved) {
		t.Errorf("ninth query: %v, want ErrBudgetReserved", err)
	}
	if r.obs.remaining["a/graphql"] != 0 || r.obs.remaining["b/graphql"] != 0 {
		t.Errorf("graphql remaining %v, want both spent", r.obs.remaining)
	}
}
