package githubfake

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/fundwatch/fundwatch/githubfake/scenario"
)

// base is the start of the test world's history.
var base = time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)

const (
	testCommits  = 250 // widget commits, one every 6 hours
	testIssues   = 60  // widget issues and pull requests, one a day
	testReleases = 5   // published widget releases (plus one draft)
)

// testWorld builds a small world directly in Go:
//   - acme/widget: org-owned, 250 commits by alice, bob, an unlinked author
//     and dependabot[bot]; 60 issues (every third a pull request, every
//     second closed two days after creation), two comments each; releases;
//     a FUNDING.yml.
//   - alice/tool: user-owned, 3 commits, no issues.
//   - acme/empty: no commits, archived on day 100.
func testWorld() *scenario.World {
	cest := time.FixedZone("CEST", 2*3600)
	w := &scenario.World{
		Name: "test",
		End:  base.Add(400 * 24 * time.Hour),
		Users: map[string]*scenario.User{
			"alice":           {Login: "alice", ID: 101, Type: "User", Name: "Alice A", Company: "@acme", Email: "alice@acme.example", Blog: "https://alice.example", Location: "Berlin", CreatedAt: base.AddDate(-5, 0, 0), Orgs: []string{"acme"}},
			"bob":             {Login: "bob", ID: 102, Type: "User", CreatedAt: base.AddDate(-3, 0, 0)},
			"carol":           {Login: "carol", ID: 103, Type: "User", Name: "Carol", CreatedAt: base.Add(200 * 24 * time.Hour)},
			"dependabot[bot]": {Login: "dependabot[bot]", ID: 49699333, Type: "Bot", CreatedAt: base.AddDate(-2, 0, 0)},
			"acme":            {Login: "acme", ID: 900, Type: "Organization", Name: "Acme Corp", Bio: "We make things", CreatedAt: base.AddDate(-6, 0, 0)},
		},
		Employers: []scenario.Employer{{ID: "acme", Name: "Acme Corp", Domains: []string{"acme.example"}, Org: "acme"}},
	}
	widget := &scenario.Repo{
		Owner: "acme", Name: "widget", ID: 5001, Description: "A widget", Homepage: "https://widget.example",
		Language: "Go", License: "MIT", DefaultBranch: "main", Topics: []string{"widgets"},
		CreatedAt: base.Add(-time.Hour), HasIssues: true, Stars: 1200, Forks: 80, Watchers: 40,
		FundingYML: "github: [alice]\nopen_collective: widget\n",
	}
	authors := []struct{ name, email, login string }{
		{"Alice A", "alice@acme.example", "alice"},
		{"Bob B", "bob@gmail.example", "bob"},
		{"Dee Unlinked", "dee@home.example", ""},
		{"dependabot[bot]", "49699333+dependabot[bot]@users.noreply.github.com", "dependabot[bot]"},
	}
	prev := ""
	for i := range testCommits {
		a := authors[i%len(authors)]
		at := base.Add(time.Duration(i) * 6 * time.Hour)
		c := scenario.Commit{
			SHA:        fmt.Sprintf("%040x", i+1),
			Message:    fmt.Sprintf("change %d", i),
			AuthorName: a.name, AuthorEmail: a.email, AuthorLogin: a.login, AuthorDate: at.In(cest),
			CommitterName: a.name, CommitterEmail: a.email, CommitterLogin: a.login, CommitterDate: at.Add(time.Minute),
		}
		if prev != "" {
			c.Parents = []string{prev}
		}
		prev = c.SHA
		widget.Commits = append(widget.Commits, c)
	}
	people := []string{"alice", "bob", "carol", "dependabot[bot]"}
	for n := 1; n <= testIssues; n++ {
		created := base.Add(time.Duration(n) * 24 * time.Hour)
		is := scenario.Issue{Number: n, Title: fmt.Sprintf("issue %d", n), Body: "please @alice look", User: people[n%len(people)], CreatedAt: created, IsPull: n%3 == 0}
		if n%5 == 0 {
			is.Labels = []string{"bug"}
		}
		if n%2 == 0 {
			is.ClosedAt = created.Add(48 * time.Hour)
			is.ClosedBy = "alice"
			if is.IsPull {
				is.MergedAt = is.ClosedAt
				is.MergedBy = "alice"
			}
		}
		widget.Issues = append(widget.Issues, is)
		widget.Comments = append(widget.Comments,
			scenario.Comment{ID: int64(n*10 + 1), IssueNumber: n, User: "alice", Body: "looking", CreatedAt: created.Add(time.Hour), UpdatedAt: created.Add(time.Hour)},
			scenario.Comment{ID: int64(n*10 + 2), IssueNumber: n, User: "bob", Body: "me too", CreatedAt: created.Add(50 * time.Hour), UpdatedAt: created.Add(60 * time.Hour)},
		)
	}
	for k := 1; k <= testReleases; k++ {
		at := base.Add(time.Duration(k*30) * 24 * time.Hour)
		widget.Releases = append(widget.Releases, scenario.Release{ID: int64(7000 + k), TagName: fmt.Sprintf("v1.%d.0", k), Name: fmt.Sprintf("1.%d", k), Author: "alice", CreatedAt: at, PublishedAt: at.Add(time.Hour)})
	}
	widget.Releases = append(widget.Releases, scenario.Release{ID: 7999, TagName: "v2.0.0", Draft: true, Author: "alice", CreatedAt: base.Add(300 * 24 * time.Hour)})

	tool := &scenario.Repo{Owner: "alice", Name: "tool", ID: 5002, DefaultBranch: "master", CreatedAt: base, HasIssues: true}
	for i := range 3 {
		at := base.Add(time.Duration(i) * 24 * time.Hour)
		tool.Commits = append(tool.Commits, scenario.Commit{SHA: fmt.Sprintf("t%039x", i), AuthorName: "Alice A", AuthorEmail: "alice@acme.example", AuthorLogin: "alice", AuthorDate: at, CommitterName: "Alice A", CommitterEmail: "alice@acme.example", CommitterDate: at})
	}
	empty := &scenario.Repo{Owner: "acme", Name: "empty", ID: 5003, DefaultBranch: "main", CreatedAt: base, HasIssues: true, Archived: true, ArchivedAt: base.Add(100 * 24 * time.Hour)}
	w.Repos = []*scenario.Repo{empty, widget, tool}
	return w
}

// fakeClock is an injectable clock for rate-limit windows.
type fakeClock struct{ t time.Time }

func (c *fakeClock) now() time.Time          { return c.t }
func (c *fakeClock) advance(d time.Duration) { c.t = c.t.Add(d) }

// newTestServer starts the fake on loopback; the returned Server is the
// handler, for SetHorizon and counts.
func newTestServer(t *testing.T, opts Options) (*Server, *httptest.Server) {
	t.Helper()
	if opts.UnauthenticatedLimit == 0 {
		// Most tests walk many pages anonymously; the limit tests set their own.
		opts.UnauthenticatedLimit = 1 << 20
	}
	s := New(testWorld(), opts)
	ts := httptest.NewServer(s)
	t.Cleanup(ts.Close)
	return s, ts
}

// get performs a GET with optional headers ("Key", "Value", ...) and
// returns the response with its body read.
func get(t *testing.T, url string, hdr ...string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, body
}

// getJSON is get that requires a status and decodes the body into v.
func getJSON(t *testing.T, url string, wantStatus int, v any, hdr ...string) *http.Response {
	t.Helper()
	resp, body := get(t, url, hdr...)
	if resp.StatusCode != wantStatus {
		t.Fatalf("GET %s: status %d, want %d; body %s", url, resp.StatusCode, wantStatus, body)
	}
	if v != nil {
		if err := json.Unmarshal(body, v); err != nil {
			t.Fatalf("GET %s: decoding %s: %v", url, body, err)
		}
	}
	return resp
}

// widgetSHA is the SHA the fake gives acme/widget's commit i (0-based,
// oldest first).
func widgetSHA(s *Server, i int) string { return s.Commits("acme/widget")[i].SHA }
