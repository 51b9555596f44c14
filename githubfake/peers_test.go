package githubfake

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-github/v60/github"
)

// The same world can be measured by OpenSSF criticality_score: the fake
// answers the GraphQL queries it sends (internal/collector/github/
// queries.go, legacy/releases.go, the user batch of legacy/contributors.go)
// and the REST routes it reads (contributors, issues, issue comments,
// commits, /search/commits), with the totals and Link headers it counts
// from.
func TestPeerQueries(t *testing.T) {
	t.Parallel()
	_, srv := newGraphQLServer(t, Options{})
	const basic = `query($repositoryOwner: String!, $repositoryName: String!, $legacyCommitLookback: GitTimestamp!) {
  repository(owner: $repositoryOwner, name: $repositoryName) {
    name url mirrorUrl owner { login } licenseInfo { name } primaryLanguage { name } createdAt updatedAt
    defaultBranchRef { target { ... on Commit { authoredDate recentcommits: history(since: $legacyCommitLookback) { totalCount } } } }
    stargazerCount hasIssuesEnabled isArchived isDisabled isEmpty isMirror watchers { totalCount }
    tags: refs(refPrefix: "refs/tags/") { totalCount }
  }
}`
	resp, body := postGraphQL(t, srv.URL, "bearer t", basic, map[string]any{
		"repositoryOwner": "acme", "repositoryName": "widget", "legacyCommitLookback": "2000-01-01T00:00:00Z"})
	var basicData struct {
		Data struct {
			Repository struct {
				Name, URL        string
				Owner            struct{ Login string }
				DefaultBranchRef struct {
					Target struct {
						AuthoredDate  string
						RecentCommits struct{ TotalCount int } `json:"recentcommits"`
					}
				}
				StargazerCount int
				Tags           struct{ TotalCount int }
			}
		}
		Errors []any
	}
	if err := json.Unmarshal(body, &basicData); err != nil || resp.StatusCode != 200 || len(basicData.Errors) > 0 {
		t.Fatalf("basic repo data: %d %v %s", resp.StatusCode, err, body)
	}
	r := basicData.Data.Repository
	if r.Name != "widget" || !strings.HasSuffix(r.URL, "/acme/widget") || r.Owner.Login != "acme" ||
		r.DefaultBranchRef.Target.AuthoredDate == "" || r.DefaultBranchRef.Target.RecentCommits.TotalCount == 0 {
		t.Errorf("basic repo data: %s", body)
	}

	const releases = `query($perPage: Int!, $endCursor: String, $repositoryOwner: String!, $repositoryName: String!) {
  repository(owner: $repositoryOwner, name: $repositoryName) {
    releases(orderBy: {direction: DESC, field: CREATED_AT}, first: $perPage, after: $endCursor) {
      nodes { ... on Release { createdAt } } pageInfo { endCursor hasNextPage } totalCount
    }
  }
}`
	var cursor any
	seen, total := 0, -1
	var created []time.Time
	for range 100 {
		_, body := postGraphQL(t, srv.URL, "bearer t", releases, map[string]any{
			"perPage": 1, "endCursor": cursor, "repositoryOwner": "acme", "repositoryName": "widget"})
		var page struct {
			Data struct {
				Repository struct {
					Releases struct {
						Nodes    []struct{ CreatedAt string }
						PageInfo struct {
							EndCursor   string
							HasNextPage bool
						}
						TotalCount int
					}
				}
			}
			Errors []any
		}
		if err := json.Unmarshal(body, &page); err != nil || len(page.Errors) > 0 {
			t.Fatalf("releases: %v %s", err, body)
		}
		rel := page.Data.Repository.Releases
		seen += len(rel.Nodes)
		for _, n := range rel.Nodes {
			// criticality_score dates the releases by createdAt: a node
			// served as {} would count as a release made in year 1.
			at, err := time.Parse(time.RFC3339, n.CreatedAt)
			if err != nil || at.IsZero() {
				t.Fatalf("release node without createdAt: %s", body)
			}
			created = append(created, at)
		}
		total = rel.TotalCount
		if !rel.PageInfo.HasNextPage {
			break
		}
		cursor = rel.PageInfo.EndCursor
	}
	if total != testReleases || seen != total {
		t.Errorf("releases paged: saw %d of %d, want %d", seen, total, testReleases)
	}
	if !slices.IsSortedFunc(created, func(a, b time.Time) int { return b.Compare(a) }) {
		t.Errorf("releases not newest first: %v", created)
	}

	const users = `{ q0: user(login: "alice") { company } }`
	if _, body := postGraphQL(t, srv.URL, "bearer t", users, nil); strings.Contains(string(body), `"errors"`) {
		t.Errorf("user batch: %s", body)
	}

	// REST, as go-github v47 asks in criticality_score's legacy package:
	// one item a page, the total read from the Link header's last page
	// (go-github's Response.LastPage); a single page has no Link header,
	// and the tool counts the items.
	gh := newGoGitHub(t, srv.URL, "t")
	for _, c := range []struct {
		path       string
		last, item int // the Link header's last page, the items on the page
	}{
		// alice, bob, dependabot[bot] and the unlinked author.
		{"repos/acme/widget/contributors?anon=1&per_page=1", 4, 1},
		{"repos/acme/widget/contributors?per_page=100", 0, 3},
		{"repos/acme/widget/issues?per_page=1&since=2000-01-01T00%3A00%3A00Z&state=closed", testIssues / 2, 1},
		{"repos/acme/widget/issues?per_page=1&since=2000-01-01T00%3A00%3A00Z&state=all", testIssues, 1},
		{"repos/acme/widget/issues/comments?per_page=1&since=2000-01-01T00%3A00%3A00Z", 2 * testIssues, 1},
		{"repos/acme/widget/commits?per_page=1&until=2030-01-01T00%3A00%3A00Z", testCommits, 1},
	} {
		req, err := gh.NewRequest(http.MethodGet, c.path, nil)
		if err != nil {
			t.Fatal(err)
		}
		var items []json.RawMessage
		resp, err := gh.Do(context.Background(), req, &items)
		if err != nil {
			t.Errorf("%s: %v", c.path, err)
			continue
		}
		if resp.LastPage != c.last || len(items) != c.item {
			t.Errorf("%s: last page %d with %d items, want %d with %d (Link %q)",
				c.path, resp.LastPage, len(items), c.last, c.item, resp.Header.Get("Link"))
		}
	}
	resp, body = get(t, srv.URL+`/search/commits?q=%22acme%2Fwidget%22&per_page=1`)
	var found github.CommitsSearchResult
	if err := json.Unmarshal(body, &found); err != nil || resp.StatusCode != http.StatusOK || found.Total == nil {
		t.Errorf("/search/commits: %d %v %s", resp.StatusCode, err, body)
	}
}

// Search has its own rate-limit resource, as on GitHub: 30 a minute for a
// token, with its own headers, and core is not charged for it.
func TestSearchHasItsOwnLimit(t *testing.T) {
	t.Parallel()
	_, srv := newGraphQLServer(t, Options{})
	core := func() string {
		resp, _ := get(t, srv.URL+"/rate_limit", "Authorization", "token t")
		return resp.Header.Get("X-RateLimit-Used")
	}
	before := core()
	for i := 1; i <= 31; i++ {
		resp, _ := get(t, srv.URL+"/search/commits?q=widget", "Authorization", "token t")
		if resp.Header.Get("X-RateLimit-Resource") != "search" || resp.Header.Get("X-RateLimit-Limit") != "30" {
			t.Fatalf("search %d: resource %q, limit %q", i, resp.Header.Get("X-RateLimit-Resource"), resp.Header.Get("X-RateLimit-Limit"))
		}
		if want := http.StatusOK; i == 31 {
			if resp.StatusCode != http.StatusForbidden {
				t.Errorf("search 31 in a minute: %d, want 403", resp.StatusCode)
			}
		} else if resp.StatusCode != want {
			t.Fatalf("search %d: %d", i, resp.StatusCode)
		}
	}
	if after := core(); after != before {
		t.Errorf("core used %s before the searches, %s after", before, after)
	}
}
