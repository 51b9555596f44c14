package githubfake

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"

	gqlschema "github.com/fundwatch/fundwatch/ghgraphql/schema"
	"github.com/fundwatch/fundwatch/githubfake/scenario"
)

func sponsorWorld() *scenario.World {
	w := testWorld()
	w.Users["alice"].Sponsors = &scenario.Sponsors{HasListing: true, Public: 3, Private: 2,
		Goal: &scenario.SponsorsGoal{Kind: "TOTAL_SPONSORS_COUNT", TargetValue: 20, PercentComplete: 25, Title: "20 sponsors"}}
	w.Users["acme"].Sponsors = &scenario.Sponsors{HasListing: true, Public: 40}
	return w
}

func newGraphQLServer(t *testing.T, opts Options) (*Server, *httptest.Server) {
	t.Helper()
	s := New(sponsorWorld(), opts)
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	return s, srv
}

// postGraphQL sends a query as a GitHub client would and returns the
// response with its body.
func postGraphQL(t *testing.T, url, auth, query string, vars map[string]any) (*http.Response, []byte) {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, _ := http.NewRequest(http.MethodPost, url+"/graphql", bytes.NewReader(body))
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, b
}

func jsonEqual(t *testing.T, got []byte, want string) {
	t.Helper()
	var g, w any
	if err := json.Unmarshal(got, &g); err != nil {
		t.Fatalf("response is not JSON: %v\n%s", err, got)
	}
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatalf("bad want: %v", err)
	}
	if !reflect.DeepEqual(g, w) {
		t.Errorf("response\n  %s\nwant\n  %s", got, want)
	}
}

const sponsorsQuery = `query Q($who: String!, $org: String!) {
  rateLimit { cost limit remaining used nodeCount }
  me: repositoryOwner(login: $who) { ...owner }
  corp: repositoryOwner(login: $org) { ...owner }
  bob: user(login: "bob") { login hasSponsorsListing sponsorsListing { name } }
  nobody: repositoryOwner(login: "nobody") { login }
  ghost: user(login: "ghost") { login }
}
fragment owner on RepositoryOwner {
  __typename
  login
  ... on Sponsorable {
    hasSponsorsListing
    listing: sponsorsListing { name isPublic activeGoal { kind targetValue percentComplete title description } }
    sponsors(first: 1) { totalCount }
    all: sponsorshipsAsMaintainer(first: 1, includePrivate: true) { totalCount }
    public: sponsorshipsAsMaintainer(first: 1) { totalCount }
  }
  ... on User { company }
}`

func TestGraphQLSponsors(t *testing.T) {
	t.Parallel()
	if err := gqlschema.Validate(sponsorsQuery); err != nil {
		t.Fatal(err)
	}
	s, srv := newGraphQLServer(t, Options{})
	resp, body := postGraphQL(t, srv.URL, "bearer t", sponsorsQuery, map[string]any{"who": "alice", "org": "ACME"})
	if resp.StatusCode != 200 || resp.Header.Get("X-RateLimit-Resource") != "graphql" {
		t.Fatalf("status %d, resource %q", resp.StatusCode, resp.Header.Get("X-RateLimit-Resource"))
	}
	// 6 connections × 1 = 6 requests → 1 point; nodes 6.
	jsonEqual(t, body, `{
  "errors": [{"type": "NOT_FOUND", "path": ["ghost"], "locations": [{"line": 7, "column": 3}],
              "message": "Could not resolve to a User with the login of 'ghost'."}],
  "data": {
    "rateLimit": {"cost": 1, "limit": 5000, "remaining": 4999, "used": 1, "nodeCount": 6},
    "me": {"__typename": "User", "login": "alice", "hasSponsorsListing": true,
           "listing": {"name": "sponsors-alice", "isPublic": true,
                       "activeGoal": {"kind": "TOTAL_SPONSORS_COUNT", "targetValue": 20, "percentComplete": 25, "title": "20 sponsors", "description": null}},
           "sponsors": {"totalCount": 3}, "all": {"totalCount": 5}, "public": {"totalCount": 3}, "company": "@acme"},
    "corp": {"__typename": "Organization", "login": "acme", "hasSponsorsListing": true,
             "listing": {"name": "sponsors-acme", "isPublic": true, "activeGoal": null},
             "sponsors": {"totalCount": 40}, "all": {"totalCount": 40}, "public": {"totalCount": 40}},
    "bob": {"login": "bob", "hasSponsorsListing": false, "sponsorsListing": null},
    "nobody": null,
    "ghost": null
  }
}`)
	if s.GraphQLPoints() != 1 || s.Count(GraphQLRoute, 200) != 1 {
		t.Errorf("points %d, counted %d", s.GraphQLPoints(), s.Count(GraphQLRoute, 200))
	}
}

func TestGraphQLRepositoryProbe(t *testing.T) {
	t.Parallel()
	_, srv := newGraphQLServer(t, Options{})
	q := `{ w: repository(owner: "acme", name: "widget") {
  nameWithOwner pushedAt isArchived owner { login }
  issues { totalCount } open: issues(states: [OPEN]) { totalCount } openOne: issues(states: OPEN) { totalCount }
  pullRequests { totalCount } merged: pullRequests(states: MERGED) { totalCount } openPulls: pullRequests(states: OPEN) { totalCount }
  releases { totalCount }
} }`
	_, body := postGraphQL(t, srv.URL, "bearer t", q, nil)
	var got struct {
		Data struct {
			W struct {
				NameWithOwner string
				PushedAt      time.Time
				Owner         struct{ Login string }
				Issues, Open  struct{ TotalCount int }
				OpenOne       struct{ TotalCount int }
				PullRequests  struct{ TotalCount int }
				Merged        struct{ TotalCount int }
				OpenPulls     struct{ TotalCount int }
				Releases      struct{ TotalCount int }
			}
		}
		Errors []any
	}
	if err := json.Unmarshal(body, &got); err != nil || len(got.Errors) > 0 {
		t.Fatalf("%v %s", err, body)
	}
	w := got.Data.W
	if w.NameWithOwner != "acme/widget" || w.Owner.Login != "acme" || w.PushedAt.IsZero() ||
		w.Issues.TotalCount == 0 || w.Open.TotalCount > w.Issues.TotalCount || w.PullRequests.TotalCount == 0 ||
		w.Merged.TotalCount > w.PullRequests.TotalCount || w.Releases.TotalCount == 0 {
		t.Errorf("probe = %+v", w)
	}
	// The world's 40 issues and 20 pull requests, of which 20 and 10 are
	// open (as /issues and /pulls list them). A single state is a list
	// of one (GraphQL's input coercion): the change probe asks
	// `issues(states: OPEN)`, and counting every issue would hide closes.
	if w.Issues.TotalCount != 40 || w.Open.TotalCount != 20 || w.OpenOne.TotalCount != 20 ||
		w.PullRequests.TotalCount != 20 || w.OpenPulls.TotalCount != 10 || w.Merged.TotalCount > 10 || w.Merged.TotalCount == 0 {
		t.Errorf("counts: issues %d open %d (one state %d), pulls %d open %d merged %d; want 40, 20 (20), 20, 10 and some of the 10 closed merged",
			w.Issues.TotalCount, w.Open.TotalCount, w.OpenOne.TotalCount, w.PullRequests.TotalCount, w.OpenPulls.TotalCount, w.Merged.TotalCount)
	}
}

func TestGraphQLRefusals(t *testing.T) {
	t.Parallel()
	s, srv := newGraphQLServer(t, Options{})
	tests := []struct {
		name, auth, body string
		status           int
		want             string // substring of the body
	}{
		{"anonymous", "", `{"query":"{ viewer { login } }"}`, 401, `"message":"This endpoint requires you to be authenticated."`},
		{"bad json", "bearer t", `{"query":`, 400, `Problems parsing JSON`},
		{"no query", "bearer t", `{}`, 200, `A query attribute must be specified`},
		{"unknown field", "bearer t", `{"query":"{ user(login: \"alice\") {\n  sponsorsListing { monthlyPriceInDollars_nonexistent } } }"}`, 200,
			`{"errors":[{"locations":[{"column":21,"line":2}],"message":"Cannot query field \"monthlyPriceInDollars_nonexistent\" on type \"SponsorsListing\"."}]}`},
		{"missing variable", "bearer t", `{"query":"query($l: String!) { user(login: $l) { login } }"}`, 200, `must be defined`},
		{"missing first", "bearer t", `{"query":"{ user(login: \"alice\") { sponsors { nodes { __typename } } } }"}`, 200,
			`"type":"MISSING_PAGINATION_BOUNDARIES"`},
		{"first too big", "bearer t", `{"query":"query($n: Int) { user(login: \"alice\") { sponsors(first: $n) { totalCount } } }","variables":{"n":101}}`, 200,
			"Requesting 101 records on the `sponsors` connection exceeds the `first` limit of 100 records."},
		{"mutation", "bearer t", `{"query":"mutation { addStar(input: {starrableId: \"x\"}) { clientMutationId } }"}`, 200, `queries only`},
		{"not served yet", "bearer t", `{"query":"{ user(login: \"alice\") { bio } }"}`, 200, `githubfake does not serve User.bio yet`},
	}
	for _, tt := range tests {
		req, _ := http.NewRequest(http.MethodPost, srv.URL+"/graphql", strings.NewReader(tt.body))
		if tt.auth != "" {
			req.Header.Set("Authorization", tt.auth)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != tt.status || !strings.Contains(string(b), tt.want) {
			t.Errorf("%s: %d %s\nwant %d with %s", tt.name, resp.StatusCode, b, tt.status, tt.want)
		}
	}
	// Only the served query ("not served yet" still runs) costs a point.
	if s.GraphQLPoints() != 1 || s.Count(GraphQLRoute, 401) != 1 || s.Count(GraphQLRoute, 400) != 1 || s.Count(GraphQLRoute, 200) != len(tests)-2 {
		t.Errorf("points %d, counts %v", s.GraphQLPoints(), s.Requests())
	}
}

func TestGraphQLBudgetIsSeparate(t *testing.T) {
	t.Parallel()
	clock := &fakeClock{t: time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)}
	s, srv := newGraphQLServer(t, Options{Limit: 10, GraphQLLimit: 3, Window: time.Hour, Now: clock.now})
	q := `{ rateLimit { cost remaining } user(login: "alice") { login } }`
	for i := 1; i <= 4; i++ {
		resp, body := postGraphQL(t, srv.URL, "bearer t", q, nil)
		limit, remaining, used, reset := rateHeaders(resp)
		wantRem := max(0, 3-i)
		if resp.StatusCode != 200 || limit != 3 || remaining != wantRem || used != min(i, 3) || reset != clock.t.Add(time.Hour).Unix() {
			t.Errorf("query %d: %d limit %d remaining %d used %d reset %d", i, resp.StatusCode, limit, remaining, used, reset)
		}
		if i == 4 {
			jsonEqual(t, body, `{"errors":[{"type":"RATE_LIMITED","code":"graphql_rate_limit","message":"API rate limit already exceeded for user ID 1."}]}`)
		}
	}
	// REST's core budget is untouched by GraphQL points.
	resp, _ := get(t, srv.URL+"/repos/acme/widget", "Authorization", "bearer t")
	if _, remaining, _, _ := rateHeaders(resp); remaining != 9 || resp.Header.Get("X-RateLimit-Resource") != "core" {
		t.Errorf("core remaining %d after GraphQL use", remaining)
	}
	var rl struct {
		Resources map[string]struct{ Limit, Remaining, Used int }
	}
	getJSON(t, srv.URL+"/rate_limit", 200, &rl, "Authorization", "bearer t")
	if g := rl.Resources["graphql"]; g.Limit != 3 || g.Used != 3 || g.Remaining != 0 {
		t.Errorf("/rate_limit graphql = %+v", g)
	}
	if s.GraphQLPoints() != 3 || s.Count(GraphQLRoute, 200) != 4 {
		t.Errorf("points %d, counts %v", s.GraphQLPoints(), s.Requests())
	}
	clock.advance(time.Hour)
	if resp, _ := postGraphQL(t, srv.URL, "bearer t", q, nil); resp.Header.Get("X-RateLimit-Remaining") != "2" {
		t.Errorf("after reset: remaining %s", resp.Header.Get("X-RateLimit-Remaining"))
	}
}

// TestGraphQLCost checks the score against GitHub's documented method.
func TestGraphQLCost(t *testing.T) {
	t.Parallel()
	tests := []struct {
		query           string
		requests, nodes int
		points          int
	}{
		{`{ user(login: "a") { login } }`, 0, 0, 1},
		{`{ user(login: "a") { sponsors { totalCount } } }`, 1, 0, 1},
		// GitHub's first documented example: 1 + 50 requests, 50 + 50×10 nodes.
		{`{ viewer { repositories(first: 50) { nodes { issues(first: 10) { totalCount nodes { title } } } } } }`, 51, 550, 1},
		{`{ viewer { repositories(first: 100) { nodes { issues(first: 100) { nodes { comments(first: 50) { totalCount } } } } } } }`, 10101, 510100, 0},
		{`{ viewer { repositories(first: 100) { nodes { issues(first: 100) { nodes { comments(first: 40) { totalCount } } } } } } }`, 10101, 410100, 101},
		{`query { ...F } fragment F on Query { a: user(login: "a") { sponsors(first: 1) { totalCount } } b: user(login: "b") { sponsors(last: 1) { totalCount } } }`, 2, 2, 1},
	}
	sch, err := gqlschema.Schema()
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		doc, errs := gqlschema.Parse(tt.query)
		if len(errs) > 0 {
			t.Fatalf("%s: %v", tt.query, errs)
		}
		e := &executor{schema: sch}
		req, nodes, cerrs := e.cost(doc.Operations[0].SelectionSet, 1)
		if tt.points == 0 {
			if len(cerrs) == 0 || cerrs[0]["type"] != "MAX_NODE_LIMIT_EXCEEDED" {
				t.Errorf("%s: want node limit error, got %v", tt.query, cerrs)
			}
			continue
		}
		if len(cerrs) > 0 || req != tt.requests || nodes != tt.nodes || points(req) != tt.points {
			t.Errorf("%s: requests %d nodes %d points %d (%v), want %d %d %d", tt.query, req, nodes, points(req), cerrs, tt.requests, tt.nodes, tt.points)
		}
	}
}

// latestRelease is GitHub's latest release: the newest by creation that is
// neither a draft nor a pre-release; null without one. The change probe
// reads its ID where it read the release count.
func TestGraphQLLatestRelease(t *testing.T) {
	t.Parallel()
	at := func(d int) time.Time { return base.AddDate(0, 0, d) } // within the world
	tests := []struct {
		name     string
		releases []scenario.Release
		want     any // the databaseId, or nil
	}{
		{"none", nil, nil},
		{"only a draft and a pre-release", []scenario.Release{
			{ID: 1, TagName: "v1", Draft: true, CreatedAt: at(1)},
			{ID: 2, TagName: "v2-rc1", Prerelease: true, CreatedAt: at(2), PublishedAt: at(2)}}, nil},
		{"newest full release", []scenario.Release{
			{ID: 1, TagName: "v1", CreatedAt: at(1), PublishedAt: at(1)},
			{ID: 2, TagName: "v2", CreatedAt: at(3), PublishedAt: at(3)},
			{ID: 3, TagName: "v3-rc1", Prerelease: true, CreatedAt: at(4), PublishedAt: at(4)},
			{ID: 4, TagName: "v3", Draft: true, CreatedAt: at(5)}}, float64(2)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			w := testWorld()
			for _, r := range w.Repos {
				if r.FullName() == "acme/widget" {
					r.Releases = tt.releases
				}
			}
			srv := httptest.NewServer(New(w, Options{}))
			t.Cleanup(srv.Close)
			_, body := postGraphQL(t, srv.URL, "bearer t", `{ repository(owner: "acme", name: "widget") { latestRelease { databaseId } } }`, nil)
			var got struct {
				Data struct {
					Repository struct {
						LatestRelease map[string]any `json:"latestRelease"`
					} `json:"repository"`
				} `json:"data"`
				Errors []any `json:"errors"`
			}
			if err := json.Unmarshal(body, &got); err != nil || len(got.Errors) > 0 {
				t.Fatalf("%v %s", err, body)
			}
			var id any
			if l := got.Data.Repository.LatestRelease; l != nil {
				id = l["databaseId"]
			}
			if id != tt.want {
				t.Errorf("latestRelease = %s, want databaseId %v", body, tt.want)
			}
		})
	}
}
