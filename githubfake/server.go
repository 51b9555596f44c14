// Package githubfake is a fake GitHub REST API that serves a scenario.World
// through GitHub's real paths, JSON shapes, pagination, conditional requests
// and primary rate limits. fundwatch's tests and `fundwatch demo` point real
// go-github clients at it, so every behaviour a collector depends on (Link
// headers, ETag/304, x-ratelimit-* headers, 403 on exhaustion, "as of" views of
// a changing world) must look like api.github.com from the client's side.
//
// It also misbehaves on demand, as GitHub and the network do: Options.Faults
// (see Fault, ParseFaults) inject 5xx answers, secondary and primary limits,
// slow answers, dropped connections, cut or non-JSON bodies and lists that
// change between pages into a seeded share of the requests, and
// Options.RepoStates make a repository deleted (404), blocked (451), empty
// (409 on /commits) or renamed (301 to /repositories/{id}). It serves no
// /stats endpoint: fundwatch avoids /stats (its 202 "still computing" can
// last long on quiet repositories) and computes activity from commits.
//
// Shapes follow GitHub's OpenAPI description in testdata/github-api/ (checked
// by the conformance test) and what go-github v60 decodes.
//
// Commits are named by their real git object IDs (githistory.go), and the
// same histories are served over git's smart HTTP protocol at
// /{owner}/{repo}.git by the real `git http-backend` (git.go), so that
// clones, REST and GraphQL agree.
package githubfake

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/fundwatch/fundwatch/githubfake/scenario"
)

// Options tune the fake's rate limits and clock. Zero values take GitHub's
// defaults.
type Options struct {
	// Limit is the primary limit per window for authenticated callers; default 5000.
	Limit int
	// UnauthenticatedLimit is the limit per window per remote IP; default 60.
	UnauthenticatedLimit int
	// Window is the length of a rate-limit window; default 1h.
	Window time.Duration
	// Now is the clock for rate-limit windows; default time.Now. It does not
	// move the world's horizon (see SetHorizon).
	Now func() time.Time
	// GraphQLLimit is the GraphQL point budget per window, kept apart from
	// the REST limit as GitHub keeps it; default 5000.
	GraphQLLimit int
	// Faults are injected into the requests they select (see Fault); the
	// first fault that strikes a request wins. SetFaults changes them.
	Faults []Fault
	// FaultSeed seeds the generator deciding which requests are faulted,
	// so a run is reproducible (up to the order in which concurrent
	// requests arrive).
	FaultSeed uint64
	// RepoStates gives repository names a condition (deleted, blocked,
	// empty, renamed), by "owner/name"; SetRepoState changes them.
	RepoStates map[string]RepoState
	// Apps are the GitHub Apps whose JWTs POST
	// /app/installations/{installation_id}/access_tokens accepts, by App
	// ID (apps.go). The fake's clock checks the JWTs' iat and exp.
	Apps map[int64]App
	// InstallationLimit is the primary limit per window of each App
	// installation, whose tokens share one bucket; default 5000.
	InstallationLimit int
	// TokenUsers maps tokens to the login of the user owning them:
	// tokens of one user share one rate-limit bucket, as GitHub counts
	// them, and GET /user names that user. Every other token is a user
	// of its own.
	TokenUsers map[string]string
	// GitDir is where the repository served over git (git.go) is built on
	// the first git request; default a temporary directory that Close
	// removes.
	GitDir string
}

// Server is an http.Handler serving a World the way api.github.com would.
type Server struct {
	idx      *worldIndex
	limiter  *limiter
	gql      *limiter // GraphQL points; same window, its own budget
	search   *limiter // the search resource: 30 a minute (10 unauthenticated), as GitHub's
	gqlSpent atomic.Int64
	counts   counter
	reqSeq   atomic.Uint64
	faults   *faults
	states   repoStates
	git      gitServe // the history over git's smart HTTP (git.go)

	mu   sync.RWMutex // guards snap; a snapshot itself is immutable
	snap *snapshot

	// apps knows App installations and who tokens belong to (apps.go).
	apps *apps
}

// New indexes w once (sorting commits, comments, releases) and serves it as
// of w.End. w must not be modified afterwards.
func New(w *scenario.World, opts Options) *Server {
	if opts.Limit <= 0 {
		opts.Limit = 5000
	}
	if opts.UnauthenticatedLimit <= 0 {
		opts.UnauthenticatedLimit = 60
	}
	if opts.Window <= 0 {
		opts.Window = time.Hour
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.GraphQLLimit <= 0 {
		opts.GraphQLLimit = 5000
	}
	if opts.InstallationLimit <= 0 {
		opts.InstallationLimit = 5000
	}
	gqlOpts := opts
	// Anonymous GraphQL is refused with 401 before any charge, so the
	// anonymous limit only shows in /rate_limit, where GitHub reports the
	// same figure.
	gqlOpts.Limit, gqlOpts.UnauthenticatedLimit = opts.GraphQLLimit, opts.GraphQLLimit
	gqlOpts.InstallationLimit = opts.GraphQLLimit
	searchOpts := opts
	searchOpts.Limit, searchOpts.UnauthenticatedLimit, searchOpts.InstallationLimit = 30, 10, 30
	searchOpts.Window = time.Minute
	s := &Server{
		idx:     newWorldIndex(w),
		limiter: newLimiter(opts),
		gql:     newLimiter(gqlOpts),
		search:  newLimiter(searchOpts),
		faults:  newFaults(opts.Faults, opts.FaultSeed),
		apps:    newApps(opts),
	}
	s.git.dir = opts.GitDir
	for name, st := range opts.RepoStates {
		s.SetRepoState(name, st)
	}
	s.snap = s.idx.snapshotAt(w.End)
	return s
}

// SetHorizon makes the server answer as GitHub would have at instant t:
// later commits, issues, comments and releases are invisible and states are
// rolled back. The new view is built before it is swapped in, so concurrent
// requests see either the old or the new world, never a mix.
func (s *Server) SetHorizon(t time.Time) {
	snap := s.idx.snapshotAt(t)
	s.mu.Lock()
	s.snap = snap
	s.mu.Unlock()
	s.syncGitRefs()
}

func (s *Server) snapshot() *snapshot {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.snap
}

// route is one templated GitHub path. Segments in braces are parameters; a
// final "{path...}" takes the rest of the path (contents API).
type route struct {
	template string // as counted and reported, e.g. ".../contents/{path}"
	pattern  string // as matched; defaults to template
	segs     []string
	handle   func(*reqCtx) *response
}

var routes = func() []route {
	rs := []route{
		{template: "/rate_limit"}, // handled specially: it reads the limiter
		{template: authenticatedUserRoute, handle: handleAuthenticatedUser},
		{template: "/repos/{owner}/{repo}", handle: handleRepo},
		{template: "/repos/{owner}/{repo}/commits", handle: handleCommits},
		{template: "/repos/{owner}/{repo}/contributors", handle: handleContributors},
		{template: "/repos/{owner}/{repo}/issues", handle: handleIssues},
		{template: "/repos/{owner}/{repo}/issues/comments", handle: handleIssueComments},
		{template: "/repos/{owner}/{repo}/pulls", handle: handlePulls},
		{template: "/repos/{owner}/{repo}/releases", handle: handleReleases},
		{template: "/repos/{owner}/{repo}/tags", handle: handleTags},
		{template: "/repos/{owner}/{repo}/contents/{path}", pattern: "/repos/{owner}/{repo}/contents/{path...}", handle: handleContents},
		{template: "/users/{username}", handle: handleUser},
		{template: "/users/{username}/orgs", handle: handleUserOrgs},
		{template: "/users/{username}/repos", handle: handleUserRepos},
		{template: "/orgs/{org}", handle: handleOrg},
		{template: "/orgs/{org}/repos", handle: handleOrgRepos},
		{template: "/search/commits", handle: handleSearchCommits},
	}
	// GitHub serves every repository path under /repositories/{id} too:
	// that is where the redirect of a renamed repository points.
	for _, r := range rs {
		if rest, ok := strings.CutPrefix(r.template, "/repos/{owner}/{repo}"); ok {
			twin := route{template: "/repositories/{id}" + rest, handle: r.handle}
			if r.pattern != "" {
				twin.pattern = "/repositories/{id}" + strings.TrimPrefix(r.pattern, "/repos/{owner}/{repo}")
			}
			rs = append(rs, twin)
		}
	}
	for i := range rs {
		if rs[i].pattern == "" {
			rs[i].pattern = rs[i].template
		}
		rs[i].segs = strings.Split(strings.TrimPrefix(rs[i].pattern, "/"), "/")
	}
	return rs
}()

// unknownRoute is the Route under which requests to paths the fake does not
// serve are counted.
const unknownRoute = "unknown"

// enterprisePrefix is accepted and stripped so clients configured with
// go-github's WithEnterpriseURLs also work.
const enterprisePrefix = "/api/v3"

// enterpriseGraphQL is GitHub Enterprise Server's GraphQL path; api.github.com
// serves it at /graphql.
const enterpriseGraphQL = "/api/graphql"

func matchRoute(path string) (*route, map[string]string) {
	parts := strings.Split(strings.TrimPrefix(path, "/"), "/")
	for i := range routes {
		rt := &routes[i]
		params, ok := matchSegs(rt.segs, parts)
		if ok {
			return rt, params
		}
	}
	return nil, nil
}

func matchSegs(segs, parts []string) (map[string]string, bool) {
	var params map[string]string
	for i, seg := range segs {
		if strings.HasSuffix(seg, "...}") {
			rest := strings.Join(parts[i:], "/")
			if i >= len(parts) || rest == "" {
				return nil, false
			}
			if params == nil {
				params = map[string]string{}
			}
			params[seg[1:len(seg)-4]] = rest
			return params, true
		}
		if i >= len(parts) {
			return nil, false
		}
		if strings.HasPrefix(seg, "{") {
			if parts[i] == "" {
				return nil, false
			}
			if params == nil {
				params = map[string]string{}
			}
			params[seg[1:len(seg)-1]] = parts[i]
			continue
		}
		if seg != parts[i] {
			return nil, false
		}
	}
	return params, len(parts) == len(segs)
}

// reqCtx is what a handler needs: the request, its path parameters, the world
// view it must answer from, and the absolute base for the URLs it builds.
type reqCtx struct {
	r      *http.Request
	params map[string]string
	query  url.Values
	// shift is how many items were inserted at the head of the list being
	// read since its page 1 (FaultShift).
	shift int
	snap  *snapshot
	idx   *worldIndex
	// base is "http://host[/api/v3]": API URLs in bodies and Link headers are
	// built from the host the client used, so they work on loopback.
	base string
	// web is the origin used for html_url values.
	web string
	// states are the repository conditions (GraphQL consults them; REST
	// answers them before a handler runs).
	states *repoStates
}

// response is a handler's answer before conditional-request and rate-limit
// processing.
type response struct {
	status       int
	body         []byte
	link         string
	lastModified time.Time
	location     string // Location of a redirect
}

// ServeHTTP answers one request: route, render from the current snapshot,
// apply If-None-Match, charge the caller's rate-limit bucket, count.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	r, done := s.authenticate(w, r) // installation tokens, GET /user (apps.go)
	if done {
		return
	}
	path := r.URL.Path
	prefix := ""
	if strings.HasPrefix(path, enterprisePrefix+"/") {
		prefix = enterprisePrefix
		path = strings.TrimPrefix(path, enterprisePrefix)
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	if r.URL.Path == "/graphql" || r.URL.Path == enterpriseGraphQL {
		s.serveGraphQL(w, r, scheme)
		return
	}
	if s.serveGit(w, r) { // git's smart HTTP on the web host (git.go)
		return
	}
	c := &reqCtx{
		r:     r,
		query: r.URL.Query(),
		snap:  s.snapshot(),
		idx:   s.idx,
		base:  scheme + "://" + r.Host + prefix,
		web:   scheme + "://" + r.Host,
	}

	rt, params := matchRoute(path)
	routeName := unknownRoute
	if rt != nil {
		routeName = rt.template
	}
	requestID := fmt.Sprintf("FAKE:%08X", s.reqSeq.Add(1))
	fault := s.faults.pick(routeName, path, func(k FaultKind) bool { return k != FaultShift || pageOf(r) > 1 })
	if fault != nil && s.beforeServing(w, r, fault, routeName) {
		return
	}
	c.shift = s.listShift(r, fault)
	h := w.Header()
	var resp *response
	replaced := false // by a fault: neither charged nor rate-headed here
	if fault != nil {
		var fh http.Header
		if resp, fh = s.faultResponse(fault, r, false, requestID); resp != nil {
			replaced = true
			s.faults.count(fault.Kind)
			for k, v := range fh {
				h[k] = v
			}
		}
	}
	byID := rt != nil && strings.HasPrefix(rt.template, "/repositories/")
	switch {
	case resp != nil:
	case rt == nil:
		resp = notFound()
	case byID && !s.resolveRepositoryID(params):
		resp = notFound()
	case r.Method != http.MethodGet && r.Method != http.MethodHead:
		w.Header().Set("Allow", "GET, HEAD")
		resp = errorResponse(http.StatusMethodNotAllowed, "Method Not Allowed", docsURL)
	case rt.template == "/rate_limit":
		// GitHub does not charge /rate_limit against any limit.
		st := s.limiter.peek(callerOf(r))
		resp = jsonResponse(http.StatusOK, rateLimitBody(st, s.gql.peek(callerOf(r)), s.search.peek(callerOf(r)), s.limiter.opts))
	default:
		c.params = params
		if resp = s.repoStateResponse(c, rt, path, byID); resp == nil {
			resp = rt.handle(c)
		}
	}

	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("X-GitHub-Media-Type", "github.v3; format=json")
	h.Set("X-GitHub-Request-Id", requestID)
	// GitHub varies representations by these; caches must too.
	h.Set("Vary", "Accept, Authorization, Cookie, X-GitHub-OTP")

	status := resp.status
	var etag string
	if status == http.StatusOK {
		etag = etagOf(resp.body)
		if notModified(r, etag, resp.lastModified) {
			status = http.StatusNotModified
		}
	}

	caller := callerOf(r)
	// Search has its own resource, as on GitHub: its own bucket and
	// headers, never charged to core.
	lim, resource := s.limiter, "core"
	if strings.HasPrefix(routeName, "/search/") {
		lim, resource = s.search, "search"
	}
	var st rateState
	if routeName == "/rate_limit" || replaced {
		st = lim.peek(caller)
	} else {
		// An authorised 304 costs nothing (GitHub: "Best practices"), so it
		// is served even from an exhausted bucket.
		free := caller.authed && status == http.StatusNotModified
		var ok bool
		st, ok = lim.charge(caller, free)
		if !ok {
			status = http.StatusForbidden
			resp = jsonResponse(status, rateLimitExceededBody(caller))
			etag = ""
		}
	}
	if h.Get("X-RateLimit-Remaining") == "" { // an injected exhaustion set its own
		setRateHeaders(h, st, resource)
	}

	body, abort := resp.body, false
	if fault != nil && !replaced {
		var mangled bool
		if body, abort, mangled = s.mangleBody(fault, status, body); mangled {
			s.faults.count(fault.Kind)
		}
	}
	if etag != "" {
		h.Set("ETag", etag)
		h.Set("Cache-Control", "private, max-age=60, s-maxage=60")
	}
	if !resp.lastModified.IsZero() && (status == http.StatusOK || status == http.StatusNotModified) {
		h.Set("Last-Modified", resp.lastModified.UTC().Format(http.TimeFormat))
	}
	if resp.link != "" && status == http.StatusOK {
		h.Set("Link", resp.link)
	}
	s.counts.add(routeName, status)

	switch status {
	case http.StatusNotModified, http.StatusNoContent:
		h.Del("Content-Type")
		w.WriteHeader(status)
	default:
		if resp.location != "" {
			h.Set("Location", resp.location)
		}
		if abort {
			// Announce the whole body, send part of it, drop the line.
			h.Set("Content-Length", strconv.Itoa(len(resp.body)))
			w.WriteHeader(status)
			_, _ = w.Write(body)
			if fl, ok := w.(http.Flusher); ok {
				fl.Flush()
			}
			panic(http.ErrAbortHandler)
		}
		h.Set("Content-Length", strconv.Itoa(len(body)))
		w.WriteHeader(status)
		if r.Method != http.MethodHead {
			_, _ = w.Write(body)
		}
	}
}

const docsURL = "https://docs.github.com/rest"

// marshal renders v as compact JSON without HTML escaping, like GitHub.
func marshal(v any) []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		// Only programming errors (unsupported types) get here.
		panic(fmt.Sprintf("githubfake: encoding response: %v", err))
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
}

func jsonResponse(status int, v any) *response {
	return &response{status: status, body: marshal(v)}
}

func errorResponse(status int, msg, doc string) *response {
	return jsonResponse(status, obj{"message": msg, "documentation_url": doc})
}

func notFound() *response {
	return errorResponse(http.StatusNotFound, "Not Found", docsURL)
}

// validationFailed is GitHub's 422 for a bad query parameter.
func validationFailed(resource, field string) *response {
	return jsonResponse(http.StatusUnprocessableEntity, obj{
		"message":           "Validation Failed",
		"errors":            []obj{{"resource": resource, "field": field, "code": "invalid"}},
		"documentation_url": docsURL,
	})
}

// obj is a JSON object; encoding/json sorts its keys, which keeps bodies (and
// so ETags) deterministic.
type obj = map[string]any

// ts formats a time the way the REST API does: RFC 3339 in UTC with "Z".
func ts(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05Z") }

// tsOrNull is ts for nullable timestamps: the zero time is JSON null.
func tsOrNull(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return ts(t)
}

// strOrNull renders an unset profile field as null, as GitHub does.
func strOrNull(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// nodeID builds a legacy GraphQL global id ("04:User1" base64-encoded), the
// format the REST API still returns for older objects.
func nodeID(typ string, id any) string {
	raw := fmt.Sprintf("0%d:%s%v", len(typ), typ, id)
	return base64.StdEncoding.EncodeToString([]byte(raw))
}

// syntheticID derives a stable positive id for things the world does not
// number (labels, unknown users), so repeated requests agree.
func syntheticID(parts ...string) int64 {
	h := fnv.New64a()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return int64(h.Sum64()>>34) + 1 // 30 bits: fits every client's int
}

// parseTime reads an ISO 8601 timestamp parameter (since/until).
func parseTime(v string) (time.Time, bool) {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02"} {
		if t, err := time.Parse(layout, v); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

func atOrBefore(t, h time.Time) bool { return !t.After(h) }

func maxTime(ts ...time.Time) time.Time {
	var m time.Time
	for _, t := range ts {
		if t.After(m) {
			m = t
		}
	}
	return m
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
