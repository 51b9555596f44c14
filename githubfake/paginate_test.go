package githubfake

import (
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/fundwatch/fundwatch/internal/replay"
)

func TestLinkHeader(t *testing.T) {
	t.Parallel()
	_, srv := newTestServer(t, Options{})
	asked := srv.URL + "/repos/acme/widget/commits"
	// As GitHub does, links lead through /repositories/{id}.
	_, body := get(t, srv.URL+"/repos/acme/widget")
	var repo struct{ ID int64 }
	if err := json.Unmarshal(body, &repo); err != nil || repo.ID == 0 {
		t.Fatalf("repository: %v %s", err, body)
	}
	u := fmt.Sprintf("%s/repositories/%d/commits", srv.URL, repo.ID)
	tests := []struct {
		query string
		want  string
	}{
		// 250 commits at 100 a page: 3 pages.
		{"per_page=100", `<` + u + `?per_page=100&page=2>; rel="next", <` + u + `?per_page=100&page=3>; rel="last"`},
		{"per_page=100&page=2", `<` + u + `?per_page=100&page=1>; rel="prev", <` + u + `?per_page=100&page=3>; rel="next", <` + u + `?per_page=100&page=3>; rel="last", <` + u + `?per_page=100&page=1>; rel="first"`},
		{"page=3&per_page=100", `<` + u + `?page=2&per_page=100>; rel="prev", <` + u + `?page=1&per_page=100>; rel="first"`},
		{"per_page=1000&page=3", `<` + u + `?per_page=1000&page=2>; rel="prev", <` + u + `?per_page=1000&page=1>; rel="first"`},
		// Other parameters are repeated verbatim.
		{"since=2020-01-01T00:00:00Z&per_page=200", `<` + u + `?since=2020-01-01T00:00:00Z&per_page=200&page=2>; rel="next", <` + u + `?since=2020-01-01T00:00:00Z&per_page=200&page=3>; rel="last"`},
		// Default per_page 30: 9 pages.
		{"", `<` + u + `?page=2>; rel="next", <` + u + `?page=9>; rel="last"`},
		{"per_page=0", `<` + u + `?per_page=0&page=2>; rel="next", <` + u + `?per_page=0&page=9>; rel="last"`},
		// One page: no header.
		{"per_page=100&until=2020-01-02T00:00:00Z", ""},
	}
	for _, tt := range tests {
		resp, body := get(t, asked+"?"+tt.query)
		if resp.StatusCode != 200 {
			t.Fatalf("%s: %d %s", tt.query, resp.StatusCode, body)
		}
		if got := resp.Header.Get("Link"); got != tt.want {
			t.Errorf("%s:\n got Link %s\nwant Link %s", tt.query, got, tt.want)
		}
	}
}

func TestPerPage(t *testing.T) {
	t.Parallel()
	_, srv := newTestServer(t, Options{})
	tests := []struct {
		query string
		n     int
	}{
		{"", 30}, {"per_page=5", 5}, {"per_page=100", 100}, {"per_page=101", 100}, {"per_page=1000", 100},
		{"per_page=-1", 30}, {"per_page=x", 30}, {"page=0", 30}, {"per_page=100&page=3", 50}, {"per_page=100&page=4", 0},
		{"per_page=100&page=99", 0},
	}
	for _, tt := range tests {
		var items []map[string]any
		getJSON(t, srv.URL+"/repos/acme/widget/commits?"+tt.query, 200, &items)
		if items == nil || len(items) != tt.n {
			t.Errorf("%q: %d items (nil %v), want %d", tt.query, len(items), items == nil, tt.n)
		}
	}
}

var nextRE = regexp.MustCompile(`<([^>]+)>; rel="next"`)

// TestWalkAllPages follows rel="next" from the first page and checks every
// item arrives exactly once, for every paginated endpoint.
func TestWalkAllPages(t *testing.T) {
	t.Parallel()
	_, srv := newTestServer(t, Options{})
	tests := []struct {
		path string
		key  string
		want int
	}{
		{"/repos/acme/widget/commits", "sha", testCommits},
		{"/repos/acme/widget/issues?state=all", "number", testIssues},
		{"/repos/acme/widget/issues?state=all&sort=updated&direction=asc", "number", testIssues},
		{"/repos/acme/widget/issues/comments", "id", 2 * testIssues},
		{"/repos/acme/widget/issues/comments?sort=updated&direction=desc", "id", 2 * testIssues},
		{"/repos/acme/widget/pulls?state=all", "number", testIssues / 3},
		{"/repos/acme/widget/releases", "id", testReleases},
		{"/repos/acme/widget/tags", "name", testReleases},
		{"/repos/acme/widget/contributors?anon=1", "contributions", -1},
		{"/orgs/acme/repos", "id", 2},
	}
	for _, tt := range tests {
		for _, perPage := range []int{1, 7, 30, 100} {
			t.Run(fmt.Sprintf("%s per_page=%d", tt.path, perPage), func(t *testing.T) {
				t.Parallel()
				u, _ := url.Parse(srv.URL + tt.path)
				q := u.Query()
				q.Set("per_page", strconv.Itoa(perPage))
				u.RawQuery = q.Encode()
				next := u.String()
				seen := map[string]int{}
				total, pages := 0, 0
				for next != "" {
					var items []map[string]any
					resp := getJSON(t, next, 200, &items)
					pages++
					if len(items) == 0 || len(items) > perPage {
						t.Fatalf("%s: %d items", next, len(items))
					}
					for _, it := range items {
						seen[fmt.Sprint(it[tt.key])]++
						total++
					}
					next = ""
					if m := nextRE.FindStringSubmatch(resp.Header.Get("Link")); m != nil {
						next = m[1]
					}
				}
				if tt.want >= 0 {
					if total != tt.want || len(seen) != tt.want {
						t.Errorf("walked %d items (%d distinct) in %d pages, want %d", total, len(seen), pages, tt.want)
					}
				}
				if wantPages := (total + perPage - 1) / perPage; pages != wantPages {
					t.Errorf("%d pages, want %d", pages, wantPages)
				}
			})
		}
	}
}

// The fake's Link headers have the shape of those recorded from
// api.github.com (internal/replay, paginate-issues): the same rels in the
// same order, through /repositories/{id}, the query kept in order.
func TestLinkHeaderLikeGitHub(t *testing.T) {
	t.Parallel()
	xs, err := replay.Scenario("paginate-issues")
	if err != nil {
		t.Fatal(err)
	}
	id := regexp.MustCompile(`/repositories/\d+/`)
	page := regexp.MustCompile(`page=\d+`)
	shape := func(link, origin string) string {
		link = strings.ReplaceAll(link, origin, "ORIGIN")
		return page.ReplaceAllString(id.ReplaceAllString(link, "/repositories/{id}/"), "page=N")
	}
	_, srv := newTestServer(t, Options{})
	for i, x := range xs[:2] { // the first page, and one in the middle
		want := shape(fmt.Sprint(x.Headers["link"]), "https://api.github.com")
		q := "per_page=3"
		if i == 1 {
			q += "&page=2"
		}
		resp, body := get(t, srv.URL+"/repos/acme/widget/issues?"+q)
		if resp.StatusCode != 200 {
			t.Fatalf("%d %s", resp.StatusCode, body)
		}
		if got := shape(resp.Header.Get("Link"), srv.URL); got != want {
			t.Errorf("page %d:\n fake   %s\n GitHub %s", i+1, got, want)
		}
	}
}
