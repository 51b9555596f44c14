package ghclient

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/google/go-github/v60/github"

	"github.com/fundwatch/fundwatch/internal/replay"
)

// The client against responses recorded from the real api.github.com
// (internal/replay): what GitHub really sends, not what fundwatch's fake
// thinks it sends.

const recordedToken = "0000000000000000000000000000000000000001"

type rateSeen struct {
	mu        sync.Mutex
	remaining map[string]int
}

func (r *rateSeen) Request(string, int, time.Duration) {}
func (r *rateSeen) RateLimit(resource string, _, remaining int, _ time.Time) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.remaining[resource] = remaining
}

func replayClient(t *testing.T, scenario string, aliases map[string]string) (*Client, *replay.Server, *rateSeen) {
	t.Helper()
	xs, err := replay.Scenario(scenario)
	if err != nil {
		t.Fatal(err)
	}
	srv := replay.New(t, xs)
	for k, v := range aliases {
		srv.Aliases[k] = v
	}
	seen := &rateSeen{remaining: map[string]int{}}
	c, err := New(Options{BaseURL: srv.URL, Token: recordedToken, Observer: seen})
	if err != nil {
		t.Fatal(err)
	}
	return c, srv, seen
}

func TestReplayGetRepository(t *testing.T) {
	t.Parallel()
	c, srv, seen := replayClient(t, "get-repository", nil)
	repo, resp, err := c.Repositories.Get(context.Background(), "octokit-fixture-org", "hello-world")
	if err != nil {
		t.Fatalf("%v (unmatched %v)", err, srv.Unmatched())
	}
	if repo.GetFullName() != "octokit-fixture-org/hello-world" || repo.GetID() == 0 || repo.GetDefaultBranch() == "" {
		t.Errorf("repository %s, id %d, default branch %q", repo.GetFullName(), repo.GetID(), repo.GetDefaultBranch())
	}
	if ETagOf(resp) == "" {
		t.Error("no ETag kept from GitHub's answer")
	}
	if seen.remaining["core"] != 4999 {
		t.Errorf("rate limit seen %v, want core 4999 from the headers", seen.remaining)
	}
}

// GitHub's Link header points at /repositories/{id}/issues, not the path
// asked; the client pages through all of it.
func TestReplayPaginateIssues(t *testing.T) {
	t.Parallel()
	c, srv, _ := replayClient(t, "paginate-issues", map[string]string{"/repositories/1000": "/repos/octokit-fixture-org/paginate-issues"})
	opts := &github.IssueListByRepoOptions{ListOptions: github.ListOptions{PerPage: 3}}
	var all []*github.Issue
	pages, last := 0, 0
	for {
		issues, resp, err := c.Issues.ListByRepo(context.Background(), "octokit-fixture-org", "paginate-issues", opts)
		if err != nil {
			t.Fatalf("page %d: %v (unmatched %v)", opts.Page, err, srv.Unmatched())
		}
		if pages == 0 {
			last = resp.LastPage
		}
		pages++
		all = append(all, issues...)
		if resp.NextPage == 0 {
			break
		}
		opts.Page = resp.NextPage
	}
	if pages != 5 || last != 5 || len(all) != 13 {
		t.Errorf("%d pages (last page %d), %d issues; want 5, 5, 13", pages, last, len(all))
	}
}

// A renamed repository answers 301 to /repositories/{id}; the client
// follows it on the same host and gets the repository under its new name.
func TestReplayRenamedRepository(t *testing.T) {
	t.Parallel()
	c, srv, _ := replayClient(t, "rename-repository", nil)
	repo, _, err := c.Repositories.Get(context.Background(), "octokit-fixture-org", "rename-repository")
	if err != nil {
		t.Fatalf("%v (unmatched %v)", err, srv.Unmatched())
	}
	if repo.GetName() != "rename-repository-newname" {
		t.Errorf("followed the redirect to %q", repo.GetName())
	}
}

// A 422 keeps GitHub's message and the field it names.
func TestReplayValidationError(t *testing.T) {
	t.Parallel()
	c, srv, _ := replayClient(t, "errors", nil)
	_, _, err := c.Issues.CreateLabel(context.Background(), "octokit-fixture-org", "errors", &github.Label{Name: github.String("foo"), Color: github.String("invalid")})
	var er *github.ErrorResponse
	if !errors.As(err, &er) || er.Response.StatusCode != http.StatusUnprocessableEntity || len(er.Errors) != 1 || er.Errors[0].Field != "color" {
		t.Errorf("err = %v (unmatched %v)", err, srv.Unmatched())
	}
}
