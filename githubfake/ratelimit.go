package githubfake

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// caller identifies a rate-limit bucket. The Authorization value is only
// kept as a hash: the fake must never be able to echo a token back.
type caller struct {
	key          string
	authed       bool
	ip           string
	installation bool // an App installation: InstallationLimit
}

func callerOf(r *http.Request) caller {
	ip := r.RemoteAddr
	if host, _, err := net.SplitHostPort(r.RemoteAddr); err == nil {
		ip = host
	}
	if id, ok := identityOf(r); ok {
		// The owner of the token (apps.go): an installation, or a user
		// whose tokens share a bucket.
		return caller{key: id.key, authed: true, ip: ip, installation: id.installation != 0}
	}
	if auth := r.Header.Get("Authorization"); auth != "" {
		// "token X", "Bearer X" and "Basic ..." all identify the caller by
		// credential, as GitHub does (per user, not per connection).
		sum := sha256.Sum256([]byte(auth))
		return caller{key: "auth:" + hex.EncodeToString(sum[:]), authed: true, ip: ip}
	}
	return caller{key: "ip:" + ip, ip: ip}
}

// bucket is one caller's fixed window: it starts at the caller's first
// request and resets Window later, like GitHub's primary limit.
type bucket struct {
	start time.Time
	used  int
}

type limiter struct {
	opts    Options
	mu      sync.Mutex
	buckets map[string]*bucket
}

func newLimiter(opts Options) *limiter {
	return &limiter{opts: opts, buckets: map[string]*bucket{}}
}

// rateState is what the x-ratelimit-* headers report.
type rateState struct {
	limit, used, remaining int
	reset                  int64 // epoch seconds of the window end
}

func (l *limiter) limitFor(c caller) int {
	if c.installation {
		return l.opts.InstallationLimit
	}
	if c.authed {
		return l.opts.Limit
	}
	return l.opts.UnauthenticatedLimit
}

// current returns c's bucket, starting a fresh window when the old one has
// ended. create=false leaves a caller without a bucket untouched.
func (l *limiter) current(c caller, now time.Time, create bool) *bucket {
	b := l.buckets[c.key]
	if b != nil && !now.Before(b.start.Add(l.opts.Window)) {
		b = nil
	}
	if b == nil {
		b = &bucket{start: now}
		if create {
			l.buckets[c.key] = b
		}
	}
	return b
}

func (l *limiter) state(c caller, b *bucket) rateState {
	limit := l.limitFor(c)
	rem := limit - b.used
	if rem < 0 {
		rem = 0
	}
	return rateState{limit: limit, used: b.used, remaining: rem, reset: b.start.Add(l.opts.Window).Unix()}
}

// charge takes one request from c's bucket. free requests (authorised 304s)
// are not charged. ok is false when the bucket is exhausted: the caller gets
// a 403 and the request is not charged either.
func (l *limiter) charge(c caller, free bool) (st rateState, ok bool) {
	n := 1
	if free {
		n = 0
	}
	return l.chargeN(c, n)
}

// chargeN takes n units (requests, or GraphQL points) from c's bucket, all
// or nothing: a query costing more than what is left is refused whole, as
// GitHub refuses it.
func (l *limiter) chargeN(c caller, n int) (st rateState, ok bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.current(c, l.opts.Now(), true)
	if n == 0 {
		return l.state(c, b), true
	}
	if b.used+n > l.limitFor(c) {
		return l.state(c, b), false
	}
	b.used += n
	return l.state(c, b), true
}

// peek reports c's state without charging or starting a window.
func (l *limiter) peek(c caller) rateState {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.state(c, l.current(c, l.opts.Now(), false))
}

func setRateHeaders(h http.Header, st rateState, resource string) {
	h.Set("X-RateLimit-Limit", strconv.Itoa(st.limit))
	h.Set("X-RateLimit-Remaining", strconv.Itoa(st.remaining))
	h.Set("X-RateLimit-Used", strconv.Itoa(st.used))
	h.Set("X-RateLimit-Reset", strconv.FormatInt(st.reset, 10))
	h.Set("X-RateLimit-Resource", resource)
}

const rateLimitDocs = "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api"

// rateLimitExceededBody is GitHub's 403 body. go-github recognises it (403
// with x-ratelimit-remaining: 0) as a *github.RateLimitError. Every token
// maps to user ID 1: the fake has no accounts behind tokens.
func rateLimitExceededBody(c caller) obj {
	msg := "API rate limit exceeded for user ID 1."
	if !c.authed {
		msg = fmt.Sprintf("API rate limit exceeded for %s. (But here's the good news: Authenticated requests get a higher rate limit. Check out the documentation for more details.)", c.ip)
	}
	return obj{"message": msg, "documentation_url": rateLimitDocs}
}

// rateLimitBody is the /rate_limit document. core, graphql and search are
// enforced by the fake; the other resources report a full, untouched
// bucket.
func rateLimitBody(st, gql, search rateState, opts Options) obj {
	core := obj{"limit": st.limit, "used": st.used, "remaining": st.remaining, "reset": st.reset, "resource": "core"}
	now := opts.Now()
	full := func(resource string, limit int, window time.Duration) obj {
		return obj{"limit": limit, "used": 0, "remaining": limit, "reset": now.Add(window).Unix(), "resource": resource}
	}
	return obj{
		"resources": obj{
			"core":                 core,
			"graphql":              obj{"limit": gql.limit, "used": gql.used, "remaining": gql.remaining, "reset": gql.reset, "resource": "graphql"},
			"search":               obj{"limit": search.limit, "used": search.used, "remaining": search.remaining, "reset": search.reset, "resource": "search"},
			"code_search":          full("code_search", 10, time.Minute),
			"integration_manifest": full("integration_manifest", 5000, time.Hour),
		},
		"rate": core,
	}
}
