package githubfake

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/fundwatch/fundwatch/githubfake/scenario"
	"github.com/fundwatch/fundwatch/internal/gitobj"
)

func TestRoutingAndCounting(t *testing.T) {
	t.Parallel()
	s, srv := newTestServer(t, Options{})
	tests := []struct {
		method, path string
		status       int
		route        string
	}{
		{"GET", "/repos/acme/widget", 200, "/repos/{owner}/{repo}"},
		{"GET", "/repos/ACME/Widget", 200, "/repos/{owner}/{repo}"}, // case-insensitive like GitHub
		{"GET", "/api/v3/repos/acme/widget", 200, "/repos/{owner}/{repo}"},
		{"GET", "/repos/acme/nope", 404, "/repos/{owner}/{repo}"},
		{"GET", "/repos/acme/nope/commits", 404, "/repos/{owner}/{repo}/commits"},
		{"GET", "/repos/acme/empty/commits", 409, "/repos/{owner}/{repo}/commits"},
		{"GET", "/repos/acme/empty/contributors", 204, "/repos/{owner}/{repo}/contributors"},
		{"GET", "/repos/acme/widget/contents/README.md", 404, "/repos/{owner}/{repo}/contents/{path}"},
		{"GET", "/repos/alice/tool/contents/.github/FUNDING.yml", 404, "/repos/{owner}/{repo}/contents/{path}"},
		{"GET", "/repos/acme/widget/issues?state=bogus", 422, "/repos/{owner}/{repo}/issues"},
		{"GET", "/repos/acme/widget/commits?since=yesterday", 422, "/repos/{owner}/{repo}/commits"},
		{"GET", "/repos/acme/widget/commits?sha=deadbeef", 404, "/repos/{owner}/{repo}/commits"},
		{"GET", "/users/nobody", 404, "/users/{username}"},
		{"GET", "/orgs/alice", 404, "/orgs/{org}"}, // a user is not an org
		{"GET", "/orgs/acme", 200, "/orgs/{org}"},
		{"GET", "/repos/acme/widget/stats/contributors", 404, "unknown"},
		{"GET", "/", 404, "unknown"},
		{"POST", "/repos/acme/widget/issues", 405, "/repos/{owner}/{repo}/issues"},
		{"DELETE", "/repos/acme/widget", 405, "/repos/{owner}/{repo}"},
	}
	for _, tt := range tests {
		req, _ := http.NewRequest(tt.method, srv.URL+tt.path, nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != tt.status {
			t.Errorf("%s %s: status %d, want %d", tt.method, tt.path, resp.StatusCode, tt.status)
		}
		if resp.Header.Get("X-RateLimit-Limit") == "" {
			t.Errorf("%s %s: no rate-limit headers", tt.method, tt.path)
		}
	}
	want := map[[2]any]int{}
	for _, tt := range tests {
		want[[2]any{tt.route, tt.status}]++
	}
	got := s.Requests()
	for i := 1; i < len(got); i++ {
		a, b := got[i-1], got[i]
		if a.Route > b.Route || (a.Route == b.Route && a.Status >= b.Status) {
			t.Errorf("Requests() not sorted: %v before %v", a, b)
		}
	}
	if len(got) != len(want) {
		t.Errorf("Requests() = %v, want %d distinct entries", got, len(want))
	}
	for _, rc := range got {
		if want[[2]any{rc.Route, rc.Status}] != rc.Count {
			t.Errorf("count %s %d = %d, want %d", rc.Route, rc.Status, rc.Count, want[[2]any{rc.Route, rc.Status}])
		}
	}
	if n := s.Count("/repos/{owner}/{repo}", 0); n != 5 {
		t.Errorf("Count(repo, any) = %d, want 5", n)
	}
	if n := s.Count("/repos/{owner}/{repo}", 200); n != 3 {
		t.Errorf("Count(repo, 200) = %d, want 3", n)
	}
	if s.Total() != len(tests) {
		t.Errorf("Total() = %d, want %d", s.Total(), len(tests))
	}
	s.ResetCounts()
	if s.Total() != 0 || len(s.Requests()) != 0 {
		t.Errorf("after ResetCounts: total %d, %v", s.Total(), s.Requests())
	}
}

func TestNotFoundBody(t *testing.T) {
	t.Parallel()
	_, srv := newTestServer(t, Options{})
	for _, p := range []string{"/repos/acme/nope", "/users/nobody", "/nothing/here"} {
		resp, body := get(t, srv.URL+p)
		if resp.StatusCode != 404 || string(body) != `{"documentation_url":"https://docs.github.com/rest","message":"Not Found"}` {
			t.Errorf("GET %s: %d %s", p, resp.StatusCode, body)
		}
		if ct := resp.Header.Get("Content-Type"); ct != "application/json; charset=utf-8" {
			t.Errorf("GET %s: content type %q", p, ct)
		}
	}
}

func TestRepo(t *testing.T) {
	t.Parallel()
	_, srv := newTestServer(t, Options{})
	var repo map[string]any
	getJSON(t, srv.URL+"/repos/acme/widget", 200, &repo)
	lastCommit := base.Add(time.Duration(testCommits-1)*6*time.Hour + time.Minute)
	// Open at End: odd-numbered issues and pulls (every second is closed).
	wantOpen := float64(testIssues / 2)
	checks := map[string]any{
		"full_name":         "acme/widget",
		"id":                float64(5001),
		"node_id":           "MDEwOlJlcG9zaXRvcnk1MDAx", // "010:Repository5001"
		"url":               srv.URL + "/repos/acme/widget",
		"html_url":          srv.URL + "/acme/widget",
		"pushed_at":         lastCommit.Format(time.RFC3339),
		"open_issues_count": wantOpen,
		"open_issues":       wantOpen,
		"stargazers_count":  float64(1200),
		"watchers_count":    float64(1200),
		"subscribers_count": float64(40),
		"archived":          false,
		"default_branch":    "main",
		"description":       "A widget",
	}
	for k, want := range checks {
		if repo[k] != want {
			t.Errorf("%s = %v, want %v", k, repo[k], want)
		}
	}
	if lic := repo["license"].(map[string]any); lic["key"] != "mit" || lic["spdx_id"] != "MIT" {
		t.Errorf("license = %v", lic)
	}
	if o := repo["owner"].(map[string]any); o["login"] != "acme" || o["type"] != "Organization" {
		t.Errorf("owner = %v", o)
	}
	if repo["organization"] == nil {
		t.Error("org-owned repository without organization")
	}

	var empty map[string]any
	getJSON(t, srv.URL+"/repos/acme/empty", 200, &empty)
	if empty["archived"] != true || empty["license"] != nil || empty["description"] != nil {
		t.Errorf("acme/empty: archived %v license %v description %v", empty["archived"], empty["license"], empty["description"])
	}
}

func TestCommits(t *testing.T) {
	t.Parallel()
	s, srv := newTestServer(t, Options{})
	date := func(i int) time.Time { return base.Add(time.Duration(i)*6*time.Hour + time.Minute) }
	tests := []struct {
		name  string
		query string
		first int // index of the newest commit expected
		n     int
	}{
		{"all", "", testCommits - 1, testCommits},
		{"since inclusive", "since=" + date(200).Format(time.RFC3339), testCommits - 1, 50},
		{"until inclusive", "until=" + date(9).Format(time.RFC3339), 9, 10},
		{"window", "since=" + date(100).Format(time.RFC3339) + "&until=" + date(119).Format(time.RFC3339), 119, 20},
		{"since with offset", "since=" + strings.ReplaceAll(date(240).In(time.FixedZone("", 3600)).Format(time.RFC3339), "+", "%2B"), testCommits - 1, 10},
		{"until before history", "until=2019-01-01T00:00:00Z", -1, 0},
		{"sha", "sha=" + widgetSHA(s, 49), 49, 50},
		{"branch", "sha=main", testCommits - 1, testCommits},
		{"author login", "author=bob", 249, 63},
		{"author email", "author=dee@home.example", 246, 62},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var all []map[string]any
			for page := 1; ; page++ {
				var items []map[string]any
				getJSON(t, fmt.Sprintf("%s/repos/acme/widget/commits?%s&per_page=100&page=%d", srv.URL, tt.query, page), 200, &items)
				if len(items) == 0 {
					break
				}
				all = append(all, items...)
			}
			if len(all) != tt.n {
				t.Fatalf("%d commits, want %d", len(all), tt.n)
			}
			if tt.n == 0 {
				return
			}
			if sha := all[0]["sha"]; sha != widgetSHA(s, tt.first) {
				t.Errorf("newest = %v, want commit %d", sha, tt.first)
			}
			for i := 1; i < len(all); i++ {
				a := all[i-1]["commit"].(map[string]any)["committer"].(map[string]any)["date"].(string)
				b := all[i]["commit"].(map[string]any)["committer"].(map[string]any)["date"].(string)
				if a < b {
					t.Fatalf("not newest first: %s before %s", a, b)
				}
			}
		})
	}

	var page []map[string]any
	getJSON(t, srv.URL+"/repos/acme/widget/commits?per_page=4", 200, &page)
	// Commit 247 is by dependabot, 246 by the unlinked author.
	if a := page[2]["author"].(map[string]any); a["login"] != "dependabot[bot]" || a["type"] != "Bot" {
		t.Errorf("bot author = %v", a)
	}
	if page[3]["author"] != nil || page[3]["committer"] != nil {
		t.Errorf("unlinked author = %v, want null", page[3]["author"])
	}
	// The author date was written in +02:00; REST reports UTC.
	got := page[0]["commit"].(map[string]any)["author"].(map[string]any)["date"]
	if want := base.Add(249 * 6 * time.Hour).Format("2006-01-02T15:04:05Z"); got != want {
		t.Errorf("author date = %v, want %v", got, want)
	}
	if p := page[0]["parents"].([]any); len(p) != 1 || p[0].(map[string]any)["sha"] != widgetSHA(s, 248) {
		t.Errorf("parents = %v", p)
	}
}

func TestContributors(t *testing.T) {
	t.Parallel()
	_, srv := newTestServer(t, Options{})
	var linked, anon []map[string]any
	getJSON(t, srv.URL+"/repos/acme/widget/contributors", 200, &linked)
	getJSON(t, srv.URL+"/repos/acme/widget/contributors?anon=true", 200, &anon)
	// 250 commits over 4 authors round-robin: alice and bob 63, dee and the bot 62.
	if len(linked) != 3 || linked[0]["login"] != "alice" || linked[0]["contributions"] != float64(63) ||
		linked[1]["login"] != "bob" || linked[2]["login"] != "dependabot[bot]" || linked[2]["contributions"] != float64(62) {
		t.Errorf("contributors = %v", linked)
	}
	if len(anon) != 4 {
		t.Fatalf("anon contributors: %d, want 4", len(anon))
	}
	var found bool
	for _, c := range anon {
		if c["type"] == "Anonymous" {
			found = true
			if c["email"] != "dee@home.example" || c["name"] != "Dee Unlinked" || c["contributions"] != float64(62) {
				t.Errorf("anonymous contributor = %v", c)
			}
		}
	}
	if !found {
		t.Error("anon=true lists no anonymous contributor")
	}
}

func TestIssuesAndPulls(t *testing.T) {
	t.Parallel()
	_, srv := newTestServer(t, Options{})
	day := func(n int) time.Time { return base.Add(time.Duration(n) * 24 * time.Hour) }
	type want struct {
		n     int
		first float64 // number of the first item
	}
	tests := []struct {
		path string
		want want
	}{
		{"/issues?per_page=100", want{30, 59}}, // default: open, newest first
		{"/issues?state=closed&per_page=100", want{30, 60}},
		{"/issues?state=all&per_page=100", want{60, 60}},
		{"/issues?state=all&direction=asc&per_page=100", want{60, 1}},
		{"/issues?state=all&labels=bug&per_page=100", want{12, 60}},
		{"/issues?state=all&labels=bug,nope", want{0, 0}},
		{"/issues?state=all&creator=BOB&per_page=100", want{15, 57}},
		{"/issues?state=all&assignee=*", want{0, 0}},
		{"/issues?state=all&mentioned=alice&per_page=100", want{60, 60}},
		// Issue n is last updated on day n+2 (bob's edit at +60h on day n+2.5).
		{"/issues?state=all&sort=updated&direction=asc&since=" + day(50).Format(time.RFC3339) + "&per_page=100", want{13, 48}},
		{"/issues?state=all&since=" + day(50).Format(time.RFC3339) + "&per_page=100", want{13, 60}},
		{"/pulls?state=all&per_page=100", want{20, 60}},
		{"/pulls?per_page=100", want{10, 57}},
		{"/pulls?state=all&sort=updated&per_page=100", want{20, 3}}, // updated: ascending by default
		{"/pulls?state=all&base=other", want{0, 0}},
		{"/pulls?state=all&head=acme:pr-3", want{1, 3}},
	}
	for _, tt := range tests {
		var items []map[string]any
		getJSON(t, srv.URL+"/repos/acme/widget"+tt.path, 200, &items)
		if len(items) != tt.want.n {
			t.Errorf("%s: %d items, want %d", tt.path, len(items), tt.want.n)
			continue
		}
		if tt.want.n > 0 && items[0]["number"] != tt.want.first {
			t.Errorf("%s: first #%v, want #%v", tt.path, items[0]["number"], tt.want.first)
		}
	}

	var issues []map[string]any
	getJSON(t, srv.URL+"/repos/acme/widget/issues?state=all&direction=asc&per_page=6", 200, &issues)
	// #3 is an open pull request, #6 a merged one, #2 a closed issue.
	pr3 := issues[2]["pull_request"].(map[string]any)
	if pr3["merged_at"] != nil || pr3["url"] != srv.URL+"/repos/acme/widget/pulls/3" {
		t.Errorf("#3 pull_request = %v", pr3)
	}
	if pr6 := issues[5]["pull_request"].(map[string]any); pr6["merged_at"] != day(8).Format(time.RFC3339) {
		t.Errorf("#6 merged_at = %v", pr6["merged_at"])
	}
	if _, ok := issues[1]["pull_request"]; ok {
		t.Error("#2 is an issue but has pull_request")
	}
	i2 := issues[1]
	if i2["state"] != "closed" || i2["closed_at"] != day(4).Format(time.RFC3339) || i2["comments"] != float64(2) ||
		i2["updated_at"] != day(2).Add(60*time.Hour).Format(time.RFC3339) || i2["state_reason"] != "completed" {
		t.Errorf("#2 = state %v closed_at %v comments %v updated_at %v", i2["state"], i2["closed_at"], i2["comments"], i2["updated_at"])
	}
	if u := issues[0]["user"].(map[string]any); u["login"] != "bob" || issues[0]["author_association"] != "CONTRIBUTOR" {
		t.Errorf("#1 user %v association %v", u["login"], issues[0]["author_association"])
	}
	if issues[3]["author_association"] != "MEMBER" { // #4 by alice, public member of acme
		t.Errorf("#4 association %v, want MEMBER", issues[3]["author_association"])
	}

	var pulls []map[string]any
	getJSON(t, srv.URL+"/repos/acme/widget/pulls?state=closed&per_page=1", 200, &pulls)
	if p := pulls[0]; p["number"] != float64(60) || p["merged_at"] != day(62).Format(time.RFC3339) || p["state"] != "closed" || p["draft"] != false {
		t.Errorf("newest closed pull = %v", p)
	}
}

func TestIssueComments(t *testing.T) {
	t.Parallel()
	_, srv := newTestServer(t, Options{})
	day := func(n int) time.Time { return base.Add(time.Duration(n) * 24 * time.Hour) }
	// Default order is by creation: compute the 101st comment from the world.
	cs := slices.Clone(testWorld().Repos[1].Comments)
	slices.SortStableFunc(cs, func(a, b scenario.Comment) int { return a.CreatedAt.Compare(b.CreatedAt) })
	tests := []struct {
		query string
		n     int
		first float64 // id
	}{
		{"per_page=100", 100, 11},
		{"per_page=100&page=2", 20, float64(cs[100].ID)},
		{"per_page=100&direction=desc", 100, 11}, // direction ignored without sort
		{"per_page=100&sort=created&direction=desc", 100, 602},
		// since is by updated_at: alice's comments on #58-60 (day n + 1h)
		// and bob's on #56-60 (edited at day n + 60h).
		{"sort=updated&direction=asc&since=" + day(58).Format(time.RFC3339), 8, 581},
		{"sort=updated&since=" + day(58).Format(time.RFC3339), 8, 581},
		{"sort=updated&direction=desc&since=" + day(58).Format(time.RFC3339), 8, 602},
		{"since=" + day(58).Format(time.RFC3339), 8, 581},
	}
	for _, tt := range tests {
		var items []map[string]any
		getJSON(t, srv.URL+"/repos/acme/widget/issues/comments?"+tt.query, 200, &items)
		if len(items) != tt.n || items[0]["id"] != tt.first {
			t.Errorf("%s: %d items first id %v, want %d first %v", tt.query, len(items), items[0]["id"], tt.n, tt.first)
		}
	}
	var items []map[string]any
	getJSON(t, srv.URL+"/repos/acme/widget/issues/comments?per_page=3", 200, &items)
	if c := items[1]; c["issue_url"] != srv.URL+"/repos/acme/widget/issues/2" || c["html_url"] != srv.URL+"/acme/widget/issues/2#issuecomment-21" {
		t.Errorf("comment 21 = %v", c)
	}
	if c := items[2]; c["id"] != float64(31) || c["html_url"] != srv.URL+"/acme/widget/pull/3#issuecomment-31" {
		t.Errorf("comment 31 (on a pull request) = %v", c)
	}
}

func TestReleasesAndTags(t *testing.T) {
	t.Parallel()
	s, srv := newTestServer(t, Options{})
	var rels, tags []map[string]any
	getJSON(t, srv.URL+"/repos/acme/widget/releases", 200, &rels)
	getJSON(t, srv.URL+"/repos/acme/widget/tags", 200, &tags)
	if len(rels) != testReleases || rels[0]["tag_name"] != "v1.5.0" || rels[4]["tag_name"] != "v1.1.0" {
		t.Fatalf("releases (draft must be hidden, newest first): %v", rels)
	}
	if rels[0]["published_at"] != base.Add(150*24*time.Hour+time.Hour).Format(time.RFC3339) {
		t.Errorf("published_at = %v", rels[0]["published_at"])
	}
	if len(tags) != testReleases || tags[0]["name"] != "v1.5.0" {
		t.Fatalf("tags = %v", tags)
	}
	// v1.1.0 is created on day 30 = 120 commits in: its tag points at
	// commit 119 (committed a minute after its slot).
	if sha := tags[4]["commit"].(map[string]any)["sha"]; sha != widgetSHA(s, 119) {
		t.Errorf("v1.1.0 tag sha = %v", sha)
	}
}

func TestContents(t *testing.T) {
	t.Parallel()
	_, srv := newTestServer(t, Options{})
	var f map[string]any
	getJSON(t, srv.URL+"/repos/acme/widget/contents/.github/FUNDING.yml", 200, &f)
	raw, err := base64.StdEncoding.DecodeString(strings.ReplaceAll(f["content"].(string), "\n", ""))
	if err != nil {
		t.Fatal(err)
	}
	want := testWorld().Repos[1].FundingYML
	if string(raw) != want || f["encoding"] != "base64" || f["type"] != "file" || f["name"] != "FUNDING.yml" ||
		f["path"] != ".github/FUNDING.yml" || f["size"] != float64(len(want)) {
		t.Errorf("contents = %v (decoded %q)", f, raw)
	}
	if f["sha"] != gitobj.BlobID([]byte(want)) {
		t.Errorf("sha = %v", f["sha"])
	}
}

func TestUsersAndOrgs(t *testing.T) {
	t.Parallel()
	_, srv := newTestServer(t, Options{})
	tests := []struct {
		path   string
		checks map[string]any
	}{
		{"/users/alice", map[string]any{"login": "alice", "type": "User", "company": "@acme", "name": "Alice A", "email": "alice@acme.example", "location": "Berlin", "public_repos": float64(1), "id": float64(101)}},
		{"/users/ALICE", map[string]any{"login": "alice"}},
		{"/users/bob", map[string]any{"company": nil, "name": nil, "email": nil, "blog": ""}},
		{"/users/dependabot[bot]", map[string]any{"type": "Bot", "html_url": srv.URL + "/apps/dependabot"}},
		{"/users/acme", map[string]any{"type": "Organization", "public_repos": float64(2)}},
		{"/orgs/acme", map[string]any{"login": "acme", "type": "Organization", "name": "Acme Corp", "description": "We make things", "public_repos": float64(2)}},
	}
	for _, tt := range tests {
		var u map[string]any
		getJSON(t, srv.URL+tt.path, 200, &u)
		for k, want := range tt.checks {
			if u[k] != want {
				t.Errorf("%s: %s = %v, want %v", tt.path, k, u[k], want)
			}
		}
	}
	var orgs, repos, userRepos []map[string]any
	getJSON(t, srv.URL+"/users/alice/orgs", 200, &orgs)
	if len(orgs) != 1 || orgs[0]["login"] != "acme" || orgs[0]["id"] != float64(900) {
		t.Errorf("alice's orgs = %v", orgs)
	}
	getJSON(t, srv.URL+"/orgs/acme/repos?sort=full_name", 200, &repos)
	if len(repos) != 2 || repos[0]["full_name"] != "acme/empty" || repos[1]["full_name"] != "acme/widget" {
		t.Errorf("acme repos = %v", repos)
	}
	getJSON(t, srv.URL+"/users/alice/repos", 200, &userRepos)
	if len(userRepos) != 1 || userRepos[0]["full_name"] != "alice/tool" {
		t.Errorf("alice repos = %v", userRepos)
	}
}
