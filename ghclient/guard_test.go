package ghclient

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// A server that echoes the request's headers in its error bodies, as some
// proxies and misconfigured endpoints do: the token never reaches an error
// text (which is logged and stored), whatever the status, written as is or
// URL-encoded. It also echoes Authorization into response headers
// fundwatch reads: X-RateLimit-Resource becomes a label of /metrics and a
// key of the pool's quotas (only GitHub's resource names are kept, the
// rest is "other"), and the ETag is stored and sent back.
func TestEchoedSecretsAreScrubbed(t *testing.T) {
	t.Parallel()
	const token = "ghp_EchoEchoT0kenLeak1234567890abcdefghij"
	for _, status := range []int{http.StatusOK, http.StatusUnauthorized, http.StatusInternalServerError, http.StatusUnprocessableEntity, http.StatusNotFound} {
		t.Run(fmt.Sprint(status), func(t *testing.T) {
			t.Parallel()
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				var echo strings.Builder
				for k, v := range r.Header {
					fmt.Fprintf(&echo, "%s: %s; ", k, strings.Join(v, ","))
				}
				auth := r.Header.Get("Authorization")
				w.Header().Set("Content-Type", "application/json")
				w.Header().Set("X-RateLimit-Limit", "5000")
				w.Header().Set("X-RateLimit-Remaining", "4000")
				w.Header().Set("X-RateLimit-Reset", "1700000000")
				w.Header().Set("X-RateLimit-Resource", auth)
				w.Header().Set("ETag", `W/"`+auth+`"`)
				w.WriteHeader(status)
				if status == http.StatusOK {
					fmt.Fprintf(w, `{"full_name": "o/r", "description": %q}`, echo.String())
					return
				}
				fmt.Fprintf(w, `{"message": "bad request: %s (query %s)", "documentation_url": "https://docs.github.com/rest?t=%s"}`,
					echo.String(), url.QueryEscape("token="+token), url.QueryEscape(token))
			}))
			defer srv.Close()
			obs := &resourceRecorder{}
			c, err := New(Options{BaseURL: srv.URL, Token: token, Observer: obs})
			if err != nil {
				t.Fatal(err)
			}
			repo, resp, err := c.Repositories.Get(context.Background(), "o", "r")
			leaks := func(s string) bool { return strings.Contains(s, token) || strings.Contains(s, token[4:20]) }
			if status == http.StatusOK {
				if err != nil {
					t.Fatal(err)
				}
				if leaks(repo.GetDescription()) {
					t.Errorf("the token is in the body: %q", repo.GetDescription())
				}
			} else {
				if err == nil {
					t.Fatal("no error")
				}
				if leaks(err.Error()) {
					t.Errorf("the token is in the error: %v", err)
				}
				if !strings.Contains(err.Error(), redactedText) {
					t.Errorf("the error does not show where the secret was: %v", err)
				}
			}
			for k, v := range resp.Header {
				if leaks(strings.Join(v, ",")) {
					t.Errorf("the token is in the response header %s: %q", k, v)
				}
			}
			if got := obs.seen(); len(got) == 0 || slices.ContainsFunc(got, func(r string) bool { return r != "other" }) {
				t.Errorf("resources observed %q, want only \"other\"", got)
			}
		})
	}
}

// resourceRecorder is an Observer and PoolObserver keeping the rate-limit
// resources it is told of.
type resourceRecorder struct {
	mu        sync.Mutex
	resources []string
}

func (r *resourceRecorder) add(resource string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.resources = append(r.resources, resource)
}

func (r *resourceRecorder) seen() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.resources)
}

func (r *resourceRecorder) Request(string, int, time.Duration) {}
func (r *resourceRecorder) RateLimit(resource string, _, _ int, _ time.Time) {
	r.add(resource)
}
func (r *resourceRecorder) CredentialRateLimit(_, resource string, _, _ int, _ time.Time) {
	r.add(resource)
}
func (r *resourceRecorder) Pacing(_, resource string, _ time.Duration) { r.add(resource) }
func (r *resourceRecorder) SecondaryLimit(string, time.Duration)       {}
func (r *resourceRecorder) Deferred(resource string)                   { r.add(resource) }

// Only GitHub's rate-limit resource names are kept from the header;
// anything else is one fixed name, so a hostile or broken server can
// neither grow the quotas nor choose a label value.
func TestResourceNamesAreBounded(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ header, want string }{
		{"", "core"}, // inferred from the route
		{"core", "core"},
		{"graphql", "graphql"},
		{"search", "search"},
		{"code_search", "code_search"},
		{"dependency_sbom", "dependency_sbom"},
		{"audit_log_streaming", "audit_log_streaming"},
		{"Core", "other"},
		{"core ", "other"},
		{"Bearer ghp_x", "other"},
		{"a\nb", "other"},
		{strings.Repeat("x", 5000), "other"},
	} {
		resp := &http.Response{Header: http.Header{}}
		if c.header != "" {
			resp.Header.Set("X-RateLimit-Resource", c.header)
		}
		if got := resourceOfHeader(resp, "core"); got != c.want {
			t.Errorf("X-RateLimit-Resource %.40q: %.40q, want %q", c.header, got, c.want)
		}
	}
}

// A REST body that never ends is refused at MaxBodyBytes with an error
// naming the route, rather than read into memory until the timeout.
func TestEndlessBodyIsRefused(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"name": "`))
		chunk := []byte(strings.Repeat("a", 1<<16))
		for range MaxBodyBytes/len(chunk) + 2 {
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	}))
	defer srv.Close()
	c, err := New(Options{BaseURL: srv.URL, Token: "ghp_x1234567890"})
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = c.Repositories.Get(context.Background(), "o", "r")
	if !errors.Is(err, ErrBodyTooLarge) || !strings.Contains(err.Error(), "GET /repos/{owner}/{repo}") {
		t.Errorf("err = %v, want ErrBodyTooLarge naming the route", err)
	}
}
