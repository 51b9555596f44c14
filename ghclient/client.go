// Package ghclient is fundwatch's one way to GitHub: a Client that adds the
// tokens, spreads requests over them, paces them, sends conditional
// requests, reads GitHub's rate-limit headers on every response, reports
// each request to an Observer, and owns every retry, wait and budget
// decision (Call, Query). Collectors decide what to ask; how to ask, and
// when to give up, is decided here, once.
package ghclient

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/google/go-github/v60/github"
)

// Observer receives one call per HTTP response from GitHub. Implementations
// must be safe for concurrent use. An Observer that also implements
// PoolObserver follows each credential; GraphQLObserver, GraphQL costs.
type Observer interface {
	// Request reports one served request: its templated route (never a raw
	// URL, so label values stay bounded), the status code (0 for transport
	// errors) and how long it took.
	Request(route string, status int, d time.Duration)
	// RateLimit reports the quota left for the resource: what GitHub
	// announced in the response headers, summed over the credentials of
	// the pool (their limits, what is left of them; the first reset).
	RateLimit(resource string, limit, remaining int, reset time.Time)
}

// Options configure a client.
type Options struct {
	// BaseURL of the REST API, e.g. "https://api.github.com/".
	BaseURL string
	// Token is shorthand for one Credential named "token", placed first.
	Token string
	// Credentials the requests are spread over (see Pool). With neither
	// Token nor Credentials, requests are unauthenticated (60/hour).
	Credentials []Credential
	// Timeout bounds one HTTP request; 0 means 30s.
	Timeout time.Duration
	// Observer, if not nil, sees every response.
	Observer Observer
	// UserAgent identifies fundwatch to GitHub (GitHub requires one).
	UserAgent string
	// MaxInFlight bounds concurrent requests per credential; 0 means 4.
	// GitHub's secondary limits punish one credential used by many
	// workers at once, whatever the number of collectors running.
	MaxInFlight int
	// Pacing shapes how the quota is spent; nil means DefaultPacing.
	Pacing *Pacing
	// Now and Sleep are the pool's clock; nil means the real one. Tests
	// pass a fake clock shared with githubfake, so waiting for the pacer
	// or a reset takes no time.
	Now   func() time.Time
	Sleep func(ctx context.Context, d time.Duration) error
	// Transport sends the requests; nil means http.DefaultTransport.
	Transport http.RoundTripper
	// Logger receives the retries' and waits' log lines; nil discards them.
	Logger *slog.Logger
	// Backoff waits between the tries of one request (Call, Query): for
	// d, or until ctx is done. nil waits on the wall clock; tests shorten
	// it.
	Backoff func(ctx context.Context, d time.Duration) error
}

// Client is go-github's client (embedded: every REST service), its GraphQL
// sibling and the Pool both send through, and Call and Query, which retry
// and wait as GitHub asks.
type Client struct {
	*github.Client
	pool    *Pool
	gql     *GraphQL
	log     *slog.Logger
	backoff func(ctx context.Context, d time.Duration) error
}

// Pool is the client's credential pool.
func (c *Client) Pool() *Pool { return c.pool }

// GraphQL is the client's GraphQL endpoint, for a query sent without
// Query's retries (tests, one-off lookups).
func (c *Client) GraphQL() *GraphQL { return c.gql }

// MaxWait is the longest the client waits for a reset before refusing a
// request with ErrBudgetReserved.
func (c *Client) MaxWait() time.Duration { return c.pool.pacing.MaxWait }

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// DefaultMaxInFlight is the in-flight bound per credential.
const DefaultMaxInFlight = 4

// apiVersion is the REST API version fundwatch is written against.
const apiVersion = "2022-11-28"

// New returns a client talking to opts.BaseURL, its requests spread over
// opts' credentials by a Pool.
func New(opts Options) (*Client, error) {
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
	pool, err := newPool(opts, base.String())
	if err != nil {
		return nil, err
	}
	timeout := opts.Timeout
	if timeout == 0 {
		timeout = 30 * time.Second
	}
	hc := &http.Client{
		// No http.Client.Timeout: it would also bound the time a request
		// waits for a credential (the pacer, a secondary limit). The
		// transport bounds each request once it is sent instead.
		Transport: &transport{pool: pool, obs: opts.Observer, timeout: timeout},
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
	gh := github.NewClient(hc)
	gh.BaseURL = base
	if opts.UserAgent != "" {
		gh.UserAgent = opts.UserAgent
	}
	endpoint, err := GraphQLURL(base.String())
	if err != nil {
		return nil, err
	}
	c := &Client{Client: gh, pool: pool, log: opts.Logger, backoff: opts.Backoff,
		gql: &GraphQL{hc: hc, url: endpoint, userAgent: gh.UserAgent, obs: opts.Observer, pool: pool}}
	if c.log == nil {
		c.log = slog.New(slog.DiscardHandler)
	}
	if c.backoff == nil {
		c.backoff = sleepCtx
	}
	return c, nil
}

func newPool(opts Options, base string) (*Pool, error) {
	p := &Pool{
		base:        base,
		userAgent:   opts.UserAgent,
		obs:         opts.Observer,
		pacing:      DefaultPacing,
		maxInFlight: opts.MaxInFlight,
		now:         opts.Now,
		sleep:       opts.Sleep,
		wake:        make(chan struct{}),
	}
	p.pobs, _ = opts.Observer.(PoolObserver)
	if opts.Pacing != nil {
		p.pacing = *opts.Pacing
	}
	if p.maxInFlight <= 0 {
		p.maxInFlight = DefaultMaxInFlight
	}
	if p.now == nil {
		p.now = time.Now
	}
	rt := opts.Transport
	if rt == nil {
		rt = http.DefaultTransport
	}
	rt = &guard{rt: rt}
	creds := opts.Credentials
	if opts.Token != "" {
		creds = append([]Credential{{Name: "token", Token: opts.Token}}, creds...)
	}
	if len(creds) == 0 {
		creds = []Credential{{Name: "anonymous"}}
	}
	seen := map[string]bool{}
	for _, c := range creds {
		if c.Name == "" || seen[c.Name] {
			return nil, fmt.Errorf("credential names must be unique and not empty, got %q twice or empty", c.Name)
		}
		seen[c.Name] = true
		cr, err := newCred(c, rt, base, opts.Observer)
		if err != nil {
			return nil, err
		}
		p.budgets = append(p.budgets, &budget{name: c.Name, creds: []*cred{cr}, quotas: map[string]*quota{}})
	}
	return p, nil
}

// ErrRedirectRefused is wrapped by the error of a request whose redirect
// was not followed (to another host, or too many): retrying cannot help.
var ErrRedirectRefused = errors.New("redirect refused")

type etagKey struct{}

// withETag returns a context whose GET request the transport makes
// conditional on etag (see Req.ETag). An empty etag leaves the request
// unconditional.
func withETag(ctx context.Context, etag string) context.Context {
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
	pool    *Pool
	obs     Observer
	timeout time.Duration // of one request, from sending to the end of its body
}

// RoundTrip sends req on a credential of the pool. When that credential
// answers with a rate limit (primary or secondary) or is refused, and
// another credential can take the request without waiting for a reset,
// the request goes there instead and the caller never sees the refusal;
// otherwise the refusal is returned as GitHub sent it, for the caller to
// wait or give up.
func (t *transport) RoundTrip(req *http.Request) (*http.Response, error) {
	// RoundTrippers must not modify the caller's request.
	req = req.Clone(req.Context())
	req.Header.Del("Authorization")
	req.Header.Set("X-GitHub-Api-Version", apiVersion)
	if etag, ok := req.Context().Value(etagKey{}).(string); ok && req.Method == http.MethodGet {
		// GitHub's validators do not depend on the credential: whichever
		// one sends it, an unchanged answer is a free 304.
		req.Header.Set("If-None-Match", etag)
	}
	ctx := req.Context()
	resource := resourceOf(req.URL.Path)
	route := Route(req.URL.Path)
	served, _ := ctx.Value(servedKey{}).(*servedBy)
	rewindable := req.Body == nil || req.Body == http.NoBody || req.GetBody != nil
	attempts := t.pool.size()
	var (
		last    *http.Response
		lastErr error
		retry   bool
	)
	for attempt := 0; ; attempt++ {
		b, c, err := t.pool.acquire(ctx, resource, retry)
		if err != nil {
			if errors.Is(err, errNoAlternative) {
				if last != nil {
					t.pool.present(last.Header, resource, true)
					return last, nil
				}
				return nil, lastErr
			}
			if last != nil {
				last.Body.Close()
			}
			if errors.Is(err, ErrBudgetReserved) {
				t.pool.deferred(resource)
			}
			return nil, err
		}
		if last != nil {
			_, _ = io.Copy(io.Discard, io.LimitReader(last.Body, 64<<10))
			last.Body.Close()
			last = nil
		}
		sendCtx, cancel := context.WithTimeout(ctx, t.timeout)
		send := req.WithContext(sendCtx)
		if attempt > 0 {
			send = req.Clone(sendCtx)
			if req.GetBody != nil {
				if send.Body, err = req.GetBody(); err != nil {
					cancel()
					t.pool.settle(b, c, resource, nil, answered, 0)
					return nil, err
				}
			}
		}
		start := time.Now()
		resp, err := c.send(send)
		took := time.Since(start)
		if err != nil {
			cancel()
		} else {
			resp.Body = &cancelOnClose{ReadCloser: resp.Body, cancel: cancel}
		}
		v, ra := answered, time.Duration(0)
		switch {
		case err == nil:
			v, ra = judge(resp)
		case errors.Is(err, ErrCredentialRejected):
			v = refused
		}
		t.pool.settle(b, c, resource, resp, v, ra)
		if served != nil {
			served.set(b)
		}
		if err != nil {
			if t.obs != nil {
				t.obs.Request(route, 0, took)
			}
			if v != refused || !rewindable || attempt+1 >= attempts {
				return nil, err
			}
			lastErr, retry = err, true
			continue
		}
		if t.obs != nil {
			t.obs.Request(route, resp.StatusCode, took)
		}
		if v == answered || !rewindable || attempt+1 >= attempts {
			t.pool.present(resp.Header, resource, v != answered)
			return resp, nil
		}
		last, lastErr, retry = resp, nil, true
	}
}

// cancelOnClose ends a request's timeout when its body is closed.
type cancelOnClose struct {
	io.ReadCloser
	cancel context.CancelFunc
}

func (c *cancelOnClose) Close() error {
	err := c.ReadCloser.Close()
	c.cancel()
	return err
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
	case "app":
		// /app/installations/{installation_id}/access_tokens: an App's
		// installation tokens (ghinstallation).
		if len(parts) >= 3 && parts[1] == "installations" {
			parts[2] = "{installation_id}"
		}
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
