package collectors

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/google/go-github/v60/github"

	"github.com/fundwatch/fundwatch/ghrepo"
	"github.com/fundwatch/fundwatch/store"
)

func init() {
	// Hourly, as commits and repo: the runs of one hour share one change
	// probe, most of a day's GraphQL points. Every half hour, the probe
	// would run twice as often, 48 times a day (TestServeDayBudget).
	register(Spec{Name: "issues", Schedule: "@every 1h", Phase: PhaseRepositories,
		Help:        "issues and pull requests",
		fingerprint: func(p probed) string { return "pushed=" + p.pushed() + " open=" + p.open() }}, perRepo{name: "issues", fn: collectIssues})
}

// issues lists issues and pull requests together (GitHub's issues endpoint
// includes PRs, with merged_at), so pull requests need no calls of their own.
//
// A first sync lists what changed since the floor (Env.IssueHistory), and
// then, unless the change probe shows there are none, the issues still
// open that did not change since: the backlog counts an open issue however
// old it is. Later syncs list what changed since the cursor.
func collectIssues(ctx context.Context, env *Env, name ghrepo.Name, probe *Probe) error {
	at := apiName(ctx, env, name)
	fetch := func(ctx context.Context, state string, since time.Time, page int) ([]*github.Issue, *github.Response, error) {
		return env.GH.Issues.ListByRepo(ctx, at.Owner, at.Repo, &github.IssueListByRepoOptions{
			State:       state,
			Sort:        "updated",
			Direction:   "desc",
			Since:       since,
			ListOptions: github.ListOptions{Page: page, PerPage: perPage},
		})
	}
	listed := map[int]listedIssue{} // what the pages read said, by number
	save := func(ctx context.Context, is []*github.Issue) error {
		rows := make([]store.Issue, 0, len(is))
		for _, i := range is {
			row := store.Issue{
				Repo:      name.String(),
				Number:    i.GetNumber(),
				IsPull:    i.IsPullRequest(),
				Title:     i.GetTitle(),
				Author:    i.GetUser().GetLogin(),
				AuthorBot: i.GetUser().GetType() == "Bot",
				State:     i.GetState(),
				Comments:  i.GetComments(),
				CreatedAt: ts(i.CreatedAt),
				UpdatedAt: ts(i.UpdatedAt),
				ClosedAt:  ts(i.ClosedAt),
			}
			if i.PullRequestLinks != nil {
				row.MergedAt = ts(i.PullRequestLinks.MergedAt)
			}
			rows = append(rows, row)
			listed[row.Number] = listedIssue{open: row.State == "open", updated: row.UpdatedAt}
		}
		return env.Store.UpsertIssues(ctx, rows)
	}
	l := list[*github.Issue]{
		repo:     name.String(),
		endpoint: "issues",
		overlap:  time.Minute,
		emptyOn:  http.StatusGone, // "Issues are disabled for this repo"
		fetch: func(ctx context.Context, since time.Time, page int) ([]*github.Issue, *github.Response, error) {
			return fetch(ctx, "all", since, page)
		},
		stamp: func(i *github.Issue) time.Time { return ts(i.UpdatedAt) },
		save:  save,
		floor: env.issueFloor(),
		firstSync: func(ctx context.Context) error {
			if allOpenListed(probe, name, listed) {
				return nil
			}
			// Every open issue, most recently changed first: one
			// changed meanwhile moves to the front, so pages shift back
			// and repeat an issue rather than skip one (oldest first
			// would stop at the floor sooner, but could skip).
			_, err := readAll(ctx, env, "issues", func(ctx context.Context, page int) ([]*github.Issue, *github.Response, error) {
				return fetch(ctx, "open", time.Time{}, page)
			}, save)
			if err != nil {
				return fmt.Errorf("open issues: %w", err)
			}
			return nil
		},
	}
	_, err := l.sync(ctx, env)
	return err
}

// listedIssue is what a page said of an issue.
type listedIssue struct {
	open    bool
	updated time.Time
}

// probeClockSlack allows for our clock and GitHub's to differ when
// comparing the change probe's instant with GitHub's updated_at.
const probeClockSlack = 10 * time.Minute

// allOpenListed reports whether the pages a first sync read (listed) hold
// every issue and pull request that was open when the change probe of the
// run looked: as many of them are open as the probe counted, and none
// changed since the probe (an issue opened and another closed meanwhile
// would leave the counts equal and prove nothing). Then no open issue
// went unchanged since before the floor, and listing the open issues
// would read nothing new. Without a probe of the repository it cannot
// tell, and says no.
func allOpenListed(probe *Probe, repo ghrepo.Name, listed map[int]listedIssue) bool {
	want, at, ok := probe.openSeen(repo)
	if !ok {
		return false
	}
	open := 0
	for _, li := range listed {
		if !li.updated.Before(at.Add(-probeClockSlack)) {
			return false
		}
		if li.open {
			open++
		}
	}
	return open >= want
}
