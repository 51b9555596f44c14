// Package ghclient builds the go-github client fundwatch's collectors use: it
// adds the token, sends conditional requests, reads GitHub's rate-limit
// headers on every response and reports each request to an Observer, so cost
// and quota are measured in one place rather than in every collector.
package ghclient

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/google/go-github/v60/github"
)

// Observer receives one call per HTTP response from GitHub. Implementations
// must be safe for concurrent use.
type Observer interface {
	// Request reports one served request: its templated route (never a raw
	// URL, so label values stay bounded), the status code (0 for transport
	// errors) and how long it took.
	Request(route string, status int, d time.Duration)
	// RateLimit reports the quota GitHub announced in the response headers.
	RateLimit(resource string, limit, remaining int, reset time.Time)
}

// Options configure a client.
type Options struct {
	// BaseURL of the REST API, e.g. "https://api.github.com/".
	BaseURL string
	// Token authenticates requests; empty means unauthenticated (60/hour).
	Token string
	// Timeout bounds one HTTP request; 0 means 30s.
	Timeout time.Duration
	// Observer, if not nil, sees every response.
	Observer Observer
	// UserAgent identifies fundwatch to GitHub (GitHub requires one).
	UserAgent string
	// MaxInFlight bounds concurrent requests on this token; 0 means 8.
	// GitHub's secondary limits punish one token used by many workers at
	// once, whatever the number of collectors running.
	MaxInFlight int
}

// New returns a go-github client talking to opts.BaseURL.
func New(opts Options) (*github.Client, error) {
	base, err := url.Parse(opts.BaseURL)
	if err != nil {
		return nil, fmt.Errorf("github api url %q: %w", opts.BaseURL, err)
	}
	if base.Scheme != "http" && base.Scheme != "https" {
		return nil, fmt.Errorf("github api url %q: scheme must be http or https", opts.BaseURL)
	}
	if !strings.HasSuffix(base.Path, "/") {
		base.Path += "/"
	}
	inFlight := opts.MaxInFlight
	if inFlight <= 0 {
		inFlight = 8
	}
	timeout := opts.Timeout
	if timeout == 0 {
		timeout = 30 * time.Second
	}
	hc := &http.Client{
		Timeout: timeout,
		Transport: &transport{
			base:  http.DefaultTransport,
			token: opts.Token,
			obs:   opts.Observer,
			slots: make(chan struct{}, inFlight),
		},
		// A redirect must never carry the token to another host; GitHub's
		// own redirects (renamed repositories) stay on the API host.
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) > 0 && req.URL.Host != via[0].URL.Host {
				return fmt.Errorf("%w: from %s to another host %s", ErrRedirectRefused, via[0].URL.Host, req.URL.Host)
			}
			if len(via) >= 5 {
				return fmt.Errorf("%w: stopped after %d redirects", ErrRedirectRefused, len(via))
			}
			return nil
		},
	}
	c := github.NewClient(hc)
	c.BaseURL = base
	if opts.UserAgent != "" {
		c.UserAgent = opts.UserAgent
	}
	return c, nil
}

// ErrRedirectRefused is wrapped by the error of a request whose redirect
// was not followed (to another host, or too many): retrying cannot help.
var ErrRedirectRefused = errors.New("redirect refused")

type etagKey struct{}

// WithETag returns a context whose GET request is made conditional on etag:
// GitHub answers 304 without a body, and without spending quota, when
// nothing changed. An empty etag leaves the request unconditional.
func WithETag(ctx context.Context, etag string) context.Context {
	if etag == "" {
		return ctx
	}
	return context.WithValue(ctx, etagKey{}, etag)
}

// NotModified reports whether a go-github call was answered 304.
func NotModified(resp *github.Response) bool {
	return resp != nil && resp.Response != nil && resp.StatusCode == http.StatusNotModified
}

// ETagOf returns the validator of a response, exactly as received.
func ETagOf(resp *github.Response) string {
	if resp == nil || resp.Response == nil {
		return ""
	}
	return resp.Header.Get("ETag")
}

type transport struct {
	base  http.RoundTripper
	token string
	obs   Observer
	slots chan struct{}
}

func (t *transport) RoundTrip(req *http.Request) (*http.Response, error) {
	// RoundTrippers must not modify the caller's request.
	req = req.Clone(req.Context())
	if t.token != "" {
		req.Header.Set("Authorization", "Bearer "+t.token)
	}
	req.Header.Set("X-GitHub-Api-Version", "2022-11-28")
	if etag, ok := req.Context().Value(etagKey{}).(string); ok && req.Method == http.MethodGet {
		req.Header.Set("If-None-Match", etag)
	}
	select {
	case t.slots <- struct{}{}:
	case <-req.Context().Done():
		return nil, req.Context().Err()
	}
	start := time.Now()
	resp, err := t.base.RoundTrip(req)
	<-t.slots
	if t.obs == nil {
		return resp, err
	}
	route := Route(req.URL.Path)
	if err != nil {
		t.obs.Request(route, 0, time.Since(start))
		return nil, scrub(err, t.token)
	}
	t.obs.Request(route, resp.StatusCode, time.Since(start))
	if lim, rem, reset, ok := rateHeaders(resp.Header); ok {
		res := resp.Header.Get("X-Ratelimit-Resource")
		if res == "" {
			res = "core"
		}
		t.obs.RateLimit(res, lim, rem, reset)
	}
	return resp, nil
}

// scrub keeps the token out of transport errors, which net/http may build
// from request details.
func scrub(err error, token string) error {
	if token == "" || !strings.Contains(err.Error(), token) {
		return err
	}
	return fmt.Errorf("%s", strings.ReplaceAll(err.Error(), token, "<redacted>"))
}

func rateHeaders(h http.Header) (limit, remaining int, reset time.Time, ok bool) {
	l, err1 := strconv.Atoi(h.Get("X-Ratelimit-Limit"))
	r, err2 := strconv.Atoi(h.Get("X-Ratelimit-Remaining"))
	s, err3 := strconv.ParseInt(h.Get("X-Ratelimit-Reset"), 10, 64)
	if err1 != nil || err2 != nil || err3 != nil {
		return 0, 0, time.Time{}, false
	}
	return l, r, time.Unix(s, 0), true
}

// Route maps a request path to GitHub's templated route, e.g.
// "/repos/curl/curl/commits" → "/repos/{owner}/{repo}/commits", so metrics
// labelled by route stay bounded whatever the watch list holds. A base path
// such as "/api/v3" (GitHub Enterprise) is dropped.
func Route(path string) string {
	if path == "/api/graphql" { // GitHub Enterprise Server's GraphQL path
		return "/graphql"
	}
	path = strings.TrimPrefix(path, "/api/v3")
	parts := strings.Split(strings.Trim(path, "/"), "/")
	if len(parts) == 0 || parts[0] == "" {
		return "/"
	}
	switch parts[0] {
	case "repos", "repositories":
		// /repositories/{id}/... is where GitHub redirects the old name
		// of a renamed or transferred repository.
		var (
			out  []string
			rest []string
		)
		switch {
		case parts[0] == "repositories" && len(parts) >= 2:
			out, rest = []string{"repositories", "{id}"}, parts[2:]
		case parts[0] == "repos" && len(parts) >= 3:
			out, rest = []string{"repos", "{owner}", "{repo}"}, parts[3:]
		default:
			return "/" + parts[0] + "/{other}"
		}
		switch {
		case len(rest) == 0:
		case rest[0] == "contents":
			out = append(out, "contents", "{path}")
			rest = nil
		case rest[0] == "issues" && len(rest) >= 2 && rest[1] != "comments":
			out = append(out, "issues", "{issue_number}")
			rest = rest[2:]
		case rest[0] == "pulls" && len(rest) >= 2:
			out = append(out, "pulls", "{pull_number}")
			rest = rest[2:]
		case rest[0] == "commits" && len(rest) >= 2:
			out = append(out, "commits", "{ref}")
			rest = rest[2:]
		}
		out = append(out, rest...)
		return "/" + strings.Join(out, "/")
	case "users", "orgs":
		if len(parts) == 1 {
			return "/" + parts[0]
		}
		name := "{username}"
		if parts[0] == "orgs" {
			name = "{org}"
		}
		return "/" + strings.Join(append([]string{parts[0], name}, parts[2:]...), "/")
	}
	return "/" + strings.Join(parts, "/")
}
