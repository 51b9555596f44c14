package githubfake

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/google/go-github/v60/github"
)

// newGoGitHub returns a real go-github v60 client pointed at the fake.
func newGoGitHub(t *testing.T, srvURL, token string) *github.Client {
	t.Helper()
	c := github.NewClient(nil)
	if token != "" {
		c = c.WithAuthToken(token)
	}
	u, err := url.Parse(srvURL + "/")
	if err != nil {
		t.Fatal(err)
	}
	c.BaseURL = u
	return c
}

func TestGoGitHubClient(t *testing.T) {
	t.Parallel()
	s, srv := newTestServer(t, Options{})
	gh := newGoGitHub(t, srv.URL, "test-token")
	ctx := context.Background()

	repo, resp, err := gh.Repositories.Get(ctx, "acme", "widget")
	if err != nil {
		t.Fatal(err)
	}
	if repo.GetFullName() != "acme/widget" || repo.GetOwner().GetType() != "Organization" || repo.GetLicense().GetSPDXID() != "MIT" ||
		repo.GetStargazersCount() != 1200 || repo.GetPushedAt().IsZero() || resp.Rate.Limit != 5000 || resp.Rate.Remaining != 4999 {
		t.Errorf("repo %+v rate %+v", repo, resp.Rate)
	}

	// Walk commits with NextPage; LastPage is right on the first page.
	var shas []string
	opt := &github.CommitsListOptions{ListOptions: github.ListOptions{PerPage: 40}}
	for {
		commits, resp, err := gh.Repositories.ListCommits(ctx, "acme", "widget", opt)
		if err != nil {
			t.Fatal(err)
		}
		if opt.Page == 0 && (resp.LastPage != 7 || resp.NextPage != 2 || resp.FirstPage != 0) {
			t.Errorf("first page: next %d last %d first %d", resp.NextPage, resp.LastPage, resp.FirstPage)
		}
		for _, c := range commits {
			shas = append(shas, c.GetSHA())
		}
		if resp.NextPage == 0 {
			if resp.PrevPage != 6 || resp.FirstPage != 1 {
				t.Errorf("last page: prev %d first %d", resp.PrevPage, resp.FirstPage)
			}
			break
		}
		opt.Page = resp.NextPage
	}
	uniq := map[string]bool{}
	for _, sha := range shas {
		uniq[sha] = true
	}
	if len(shas) != testCommits || len(uniq) != testCommits {
		t.Errorf("walked %d commits (%d distinct), want %d", len(shas), len(uniq), testCommits)
	}

	// since/until through go-querystring's time encoding.
	since := base.Add(200 * 6 * time.Hour)
	commits, _, err := gh.Repositories.ListCommits(ctx, "acme", "widget", &github.CommitsListOptions{Since: since, Until: since.Add(24 * time.Hour), ListOptions: github.ListOptions{PerPage: 100}})
	if err != nil || len(commits) != 4 {
		t.Errorf("since/until: %d commits, %v", len(commits), err)
	} else if c := commits[0]; c.GetAuthor().GetLogin() != "dependabot[bot]" || c.GetCommit().GetAuthor().GetEmail() == "" || len(c.Parents) != 1 {
		t.Errorf("newest commit in window = %+v", c)
	}

	issues, _, err := gh.Issues.ListByRepo(ctx, "acme", "widget", &github.IssueListByRepoOptions{State: "all", Sort: "updated", Direction: "asc", Since: base.Add(58 * 24 * time.Hour), ListOptions: github.ListOptions{PerPage: 100}})
	if err != nil || len(issues) == 0 {
		t.Fatalf("issues: %d, %v", len(issues), err)
	}
	for _, is := range issues {
		if is.GetUpdatedAt().Before(base.Add(58 * 24 * time.Hour)) {
			t.Errorf("#%d updated %v before since", is.GetNumber(), is.GetUpdatedAt())
		}
		if is.GetNumber()%3 == 0 != is.IsPullRequest() {
			t.Errorf("#%d: IsPullRequest %v", is.GetNumber(), is.IsPullRequest())
		}
	}

	comments, _, err := gh.Issues.ListComments(ctx, "acme", "widget", 0, &github.IssueListCommentsOptions{Sort: github.String("created"), Direction: github.String("asc")})
	if err != nil || len(comments) != 30 || comments[0].GetUser().GetLogin() != "alice" || comments[0].GetAuthorAssociation() != "MEMBER" {
		t.Errorf("repo-wide comments: %d, %v", len(comments), err)
	}

	pulls, _, err := gh.PullRequests.List(ctx, "acme", "widget", &github.PullRequestListOptions{State: "closed"})
	if err != nil || len(pulls) != 10 || pulls[0].GetMergedAt().IsZero() || pulls[0].GetUser().GetLogin() == "" || pulls[0].GetBase().GetRepo().GetFullName() != "acme/widget" {
		t.Errorf("closed pulls: %d, %v", len(pulls), err)
	}

	rels, _, err := gh.Repositories.ListReleases(ctx, "acme", "widget", nil)
	if err != nil || len(rels) != testReleases || rels[0].GetTagName() != "v1.5.0" || rels[0].GetPublishedAt().IsZero() {
		t.Errorf("releases: %d, %v", len(rels), err)
	}
	tags, _, err := gh.Repositories.ListTags(ctx, "acme", "widget", nil)
	if err != nil || len(tags) != testReleases || tags[0].GetCommit().GetSHA() == "" {
		t.Errorf("tags: %d, %v", len(tags), err)
	}
	contribs, _, err := gh.Repositories.ListContributors(ctx, "acme", "widget", &github.ListContributorsOptions{Anon: "true"})
	if err != nil || len(contribs) != 4 {
		t.Errorf("contributors: %d, %v", len(contribs), err)
	}

	file, _, _, err := gh.Repositories.GetContents(ctx, "acme", "widget", ".github/FUNDING.yml", nil)
	if err != nil {
		t.Fatal(err)
	}
	if content, err := file.GetContent(); err != nil || content != testWorld().Repos[1].FundingYML {
		t.Errorf("FUNDING.yml = %q, %v", content, err)
	}
	_, _, resp, err = gh.Repositories.GetContents(ctx, "acme", "widget", "README.md", nil)
	if resp == nil || resp.StatusCode != http.StatusNotFound {
		t.Errorf("README.md: %v", err)
	}

	alice, _, err := gh.Users.Get(ctx, "alice")
	if err != nil || alice.GetCompany() != "@acme" || alice.GetType() != "User" || alice.GetCreatedAt().IsZero() {
		t.Errorf("alice = %+v, %v", alice, err)
	}
	bot, _, err := gh.Users.Get(ctx, "dependabot[bot]")
	if err != nil || bot.GetType() != "Bot" {
		t.Errorf("bot = %+v, %v", bot, err)
	}
	orgs, _, err := gh.Organizations.List(ctx, "alice", nil)
	if err != nil || len(orgs) != 1 || orgs[0].GetLogin() != "acme" {
		t.Errorf("alice's orgs = %v, %v", orgs, err)
	}
	org, _, err := gh.Organizations.Get(ctx, "acme")
	if err != nil || org.GetName() != "Acme Corp" || org.GetPublicRepos() != 2 {
		t.Errorf("org = %+v, %v", org, err)
	}
	orgRepos, _, err := gh.Repositories.ListByOrg(ctx, "acme", nil)
	if err != nil || len(orgRepos) != 2 {
		t.Errorf("org repos = %d, %v", len(orgRepos), err)
	}
	userRepos, _, err := gh.Repositories.ListByUser(ctx, "alice", nil)
	if err != nil || len(userRepos) != 1 {
		t.Errorf("user repos = %d, %v", len(userRepos), err)
	}

	_, _, err = gh.Repositories.Get(ctx, "acme", "nope")
	var errResp *github.ErrorResponse
	if !errors.As(err, &errResp) || errResp.Response.StatusCode != 404 || errResp.Message != "Not Found" {
		t.Errorf("unknown repo: %v", err)
	}

	before := s.Count("/repos/{owner}/{repo}", 0)
	limits, _, err := gh.RateLimit.Get(ctx)
	if err != nil || limits.GetCore().Limit != 5000 || limits.GetCore().Remaining >= 5000 || limits.GetSearch().Limit != 30 || limits.GetGraphQL() == nil {
		t.Errorf("rate limits = %+v, %v", limits, err)
	}
	if s.Count("/repos/{owner}/{repo}", 0) != before || s.Count("/rate_limit", 200) != 1 {
		t.Errorf("counts: %v", s.Requests())
	}
}

// TestGoGitHubRateLimitError exhausts the limit through go-github, which
// must recognise GitHub's 403 as *github.RateLimitError with the reset time.
func TestGoGitHubRateLimitError(t *testing.T) {
	t.Parallel()
	clock := &fakeClock{t: time.Now().Truncate(time.Second)}
	s, srv := newTestServer(t, Options{Limit: 2, Now: clock.now})
	gh := newGoGitHub(t, srv.URL, "test-token")
	ctx := context.Background()
	for i := range 2 {
		if _, _, err := gh.Users.Get(ctx, "alice"); err != nil {
			t.Fatalf("request %d: %v", i, err)
		}
	}
	// go-github remembers remaining=0 and would refuse locally; a fresh
	// client with the same token makes the fake answer the 403 itself.
	gh = newGoGitHub(t, srv.URL, "test-token")
	_, resp, err := gh.Users.Get(ctx, "alice")
	var rle *github.RateLimitError
	if !errors.As(err, &rle) {
		t.Fatalf("error %T %v, want *github.RateLimitError", err, err)
	}
	if rle.Rate.Remaining != 0 || rle.Rate.Limit != 2 || !rle.Rate.Reset.Time.Equal(clock.t.Add(time.Hour)) || resp.StatusCode != http.StatusForbidden {
		t.Errorf("rate limit error = %+v", rle.Rate)
	}
	if s.Count("/users/{username}", http.StatusForbidden) != 1 {
		t.Errorf("counts = %v", s.Requests())
	}
	if rle.Message != "API rate limit exceeded for user ID 1." {
		t.Errorf("message = %q", rle.Message)
	}
}

// TestGoGitHubConditional sends go-github requests with If-None-Match, the
// way fundwatch's collectors do through a caching transport.
func TestGoGitHubConditional(t *testing.T) {
	t.Parallel()
	s, srv := newTestServer(t, Options{})
	etags := map[string]string{}
	tr := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		if tag := etags[r.URL.String()]; tag != "" {
			r.Header.Set("If-None-Match", tag)
		}
		resp, err := http.DefaultTransport.RoundTrip(r)
		if err == nil && resp.StatusCode == 200 {
			etags[r.URL.String()] = resp.Header.Get("ETag")
		}
		return resp, err
	})
	gh := github.NewClient(&http.Client{Transport: tr}).WithAuthToken("tok")
	gh.BaseURL = mustParse(t, srv.URL+"/")
	ctx := context.Background()
	_, resp, err := gh.Users.Get(ctx, "alice")
	if err != nil {
		t.Fatal(err)
	}
	remaining := resp.Rate.Remaining
	_, resp, err = gh.Users.Get(ctx, "alice")
	if resp == nil || resp.StatusCode != http.StatusNotModified {
		t.Fatalf("second request: %v %v", resp, err)
	}
	if resp.Rate.Remaining != remaining {
		t.Errorf("304 charged: remaining %d -> %d", remaining, resp.Rate.Remaining)
	}
	if s.Count("/users/{username}", 304) != 1 || s.Count("/users/{username}", 200) != 1 {
		t.Errorf("counts = %v", s.Requests())
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func mustParse(t *testing.T, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}
