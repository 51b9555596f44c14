package ghclient

import (
	"github.com/google/go-github/v60/github"

	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestRoute(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ path, want string }{
		{"/repos/curl/curl", "/repos/{owner}/{repo}"},
		{"/repos/curl/curl/commits", "/repos/{owner}/{repo}/commits"},
		{"/repos/curl/curl/issues", "/repos/{owner}/{repo}/issues"},
		{"/repos/curl/curl/issues/comments", "/repos/{owner}/{repo}/issues/comments"},
		{"/repos/curl/curl/issues/42/comments", "/repos/{owner}/{repo}/issues/{issue_number}/comments"},
		{"/repos/curl/curl/contents/.github/FUNDING.yml", "/repos/{owner}/{repo}/contents/{path}"},
		{"/repos/a/b/commits/abc123", "/repos/{owner}/{repo}/commits/{ref}"},
		{"/repositories/1300192/issues", "/repositories/{id}/issues"},
		{"/repositories/1300192", "/repositories/{id}"},
		{"/repos/only-owner", "/repos/{other}"},
		{"/users/octocat", "/users/{username}"},
		{"/users/octocat/orgs", "/users/{username}/orgs"},
		{"/orgs/github/repos", "/orgs/{org}/repos"},
		{"/rate_limit", "/rate_limit"},
		{"/app/installations/42/access_tokens", "/app/installations/{installation_id}/access_tokens"},
		{"/api/v3/app/installations/42/access_tokens", "/app/installations/{installation_id}/access_tokens"},
		{"/user", "/user"},
		{"/api/v3/repos/a/b", "/repos/{owner}/{repo}"},
		{"/", "/"},
	} {
		if got := Route(c.path); got != c.want {
			t.Errorf("Route(%q) = %q, want %q", c.path, got, c.want)
		}
	}
}

type recorder struct {
	mu       sync.Mutex
	requests []string
	limits   []int
}

func (r *recorder) Request(route string, status int, _ time.Duration) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.requests = append(r.requests, route+" "+http.StatusText(status))
}

func (r *recorder) RateLimit(_ string, _, remaining int, _ time.Time) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.limits = append(r.limits, remaining)
}

func TestTransportAuthenticatesConditionsAndObserves(t *testing.T) {
	t.Parallel()
	const token = "s3cr3t-token-value"
	var gotAuth, gotINM string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		gotAuth, gotINM = r.Header.Get("Authorization"), r.Header.Get("If-None-Match")
		w.Header().Set("X-RateLimit-Limit", "5000")
		w.Header().Set("X-RateLimit-Remaining", "4321")
		w.Header().Set("X-RateLimit-Reset", "1700000000")
		if gotINM == `W/"v1"` {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("ETag", `W/"v1"`)
		w.Write([]byte(`{"login":"octocat"}`))
	}))
	defer srv.Close()
	rec := &recorder{}
	c, err := New(Options{BaseURL: srv.URL, Token: token, Observer: rec})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	u, resp, err := c.Users.Get(ctx, "octocat")
	if err != nil || u.GetLogin() != "octocat" {
		t.Fatalf("get: %v %v", u, err)
	}
	if gotAuth != "Bearer "+token {
		t.Errorf("Authorization = %q", gotAuth)
	}
	etag := ETagOf(resp)
	_, resp, _ = Call(ctx, c, Req{What: "user", ETag: etag}, func(ctx context.Context) (*github.User, *github.Response, error) {
		return c.Users.Get(ctx, "octocat")
	})
	if gotINM != etag || !NotModified(resp) {
		t.Errorf("conditional request: If-None-Match %q, status %d", gotINM, resp.StatusCode)
	}
	if strings.Join(rec.requests, ",") != "/users/{username} OK,/users/{username} Not Modified" {
		t.Errorf("observed %v", rec.requests)
	}
	if len(rec.limits) != 2 || rec.limits[0] != 4321 {
		t.Errorf("rate limits observed %v", rec.limits)
	}
}

func TestTokenNeverFollowsARedirectToAnotherHost(t *testing.T) {
	t.Parallel()
	const token = "s3cr3t-token-value"
	leaked := make(chan string, 1)
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		leaked <- r.Header.Get("Authorization")
	}))
	defer other.Close()
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL+"/elsewhere", http.StatusMovedPermanently)
	}))
	defer api.Close()
	c, _ := New(Options{BaseURL: api.URL, Token: token})
	_, _, err := c.Users.Get(context.Background(), "x")
	if err == nil {
		t.Fatal("a cross-host redirect was followed")
	}
	if strings.Contains(err.Error(), token) {
		t.Errorf("error contains the token: %v", err)
	}
	select {
	case a := <-leaked:
		t.Errorf("the other host received a request (Authorization %q)", a)
	default:
	}
}

func TestBadBaseURL(t *testing.T) {
	t.Parallel()
	for _, u := range []string{"ftp://x/", "::not a url"} {
		if _, err := New(Options{BaseURL: u}); err == nil || !strings.Contains(err.Error(), "github api url") {
			t.Errorf("New(%q): %v", u, err)
		}
	}
}

func TestRequestsInFlightAreBounded(t *testing.T) {
	t.Parallel()
	var (
		mu       sync.Mutex
		cur, max int
	)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		cur++
		if cur > max {
			max = cur
		}
		mu.Unlock()
		time.Sleep(20 * time.Millisecond)
		mu.Lock()
		cur--
		mu.Unlock()
		w.Write([]byte(`{}`))
	}))
	defer srv.Close()
	c, _ := New(Options{BaseURL: srv.URL, MaxInFlight: 3})
	var wg sync.WaitGroup
	for i := 0; i < 12; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c.Users.Get(context.Background(), "x")
		}()
	}
	wg.Wait()
	if max > 3 || max == 0 {
		t.Errorf("max in flight = %d, want 1..3", max)
	}
}
