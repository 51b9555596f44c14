package collectors

import (
	"context"
	"net/http"
	"time"

	"github.com/google/go-github/v60/github"

	"github.com/fundwatch/fundwatch/ghrepo"
	"github.com/fundwatch/fundwatch/store"
)

func init() {
	register(Spec{Name: "issues", Schedule: "@every 30m", Phase: PhaseRepositories,
		Help:        "issues and pull requests",
		fingerprint: func(p probed) string { return "pushed=" + p.pushed() + " open=" + p.open() }}, perRepo{name: "issues", fn: collectIssues})
}

// issues lists issues and pull requests together (GitHub's issues endpoint
// includes PRs, with merged_at), so pull requests need no calls of their own.
func collectIssues(ctx context.Context, env *Env, name ghrepo.Name, _ *Probe) error {
	at := apiName(ctx, env, name)
	l := list[*github.Issue]{
		repo:     name.String(),
		endpoint: "issues",
		overlap:  time.Minute,
		emptyOn:  http.StatusGone, // "Issues are disabled for this repo"
		fetch: func(ctx context.Context, since time.Time, page int) ([]*github.Issue, *github.Response, error) {
			return env.GH.Issues.ListByRepo(ctx, at.Owner, at.Repo, &github.IssueListByRepoOptions{
				State:       "all",
				Sort:        "updated",
				Direction:   "desc",
				Since:       since,
				ListOptions: github.ListOptions{Page: page, PerPage: perPage},
			})
		},
		stamp: func(i *github.Issue) time.Time { return ts(i.UpdatedAt) },
		save: func(ctx context.Context, is []*github.Issue) error {
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
			}
			return env.Store.UpsertIssues(ctx, rows)
		},
	}
	_, err := l.sync(ctx, env)
	return err
}
