package collectors

import (
	"context"
	"path"
	"strconv"
	"time"

	"github.com/google/go-github/v60/github"

	"github.com/fundwatch/fundwatch/ghrepo"
	"github.com/fundwatch/fundwatch/store"
)

func init() {
	// Hourly, as commits and repo: the runs of one hour share one change
	// probe, most of a day's GraphQL points. Every half hour, the probe
	// would run twice as often, 48 times a day (TestServeDayBudget).
	register(Spec{Name: "comments", Schedule: "@every 1h", Phase: PhaseRepositories,
		Help:        "issue and pull-request comments (first responses)",
		fingerprint: func(p probed) string { return "pushed=" + p.pushed() + " open=" + p.open() }}, perRepo{name: "comments", fn: collectComments})
}

// comments reads the repository-wide comment stream, never one call per
// issue: first-response times need every comment, and per-issue calls would
// cost one request for each of thousands of issues.
func collectComments(ctx context.Context, env *Env, name ghrepo.Name, _ *Probe) error {
	at := apiName(ctx, env, name)
	sort, dir := "updated", "desc"
	l := list[*github.IssueComment]{
		repo:     name.String(),
		endpoint: "comments",
		overlap:  time.Minute,
		// Back to the issues' floor on a first sync: first responses
		// are judged on issues opened in the analysis' windows, whose
		// comments all came after the floor.
		floor: env.issueFloor(),
		fetch: func(ctx context.Context, since time.Time, page int) ([]*github.IssueComment, *github.Response, error) {
			opts := &github.IssueListCommentsOptions{
				Sort:        &sort,
				Direction:   &dir,
				ListOptions: github.ListOptions{Page: page, PerPage: perPage},
			}
			if !since.IsZero() {
				opts.Since = &since
			}
			return env.GH.Issues.ListComments(ctx, at.Owner, at.Repo, 0, opts)
		},
		stamp: func(c *github.IssueComment) time.Time { return ts(c.UpdatedAt) },
		save: func(ctx context.Context, cs []*github.IssueComment) error {
			rows := make([]store.Comment, 0, len(cs))
			for _, c := range cs {
				rows = append(rows, store.Comment{
					Repo:        name.String(),
					ID:          c.GetID(),
					IssueNumber: issueNumber(c.GetIssueURL()),
					Author:      c.GetUser().GetLogin(),
					AuthorBot:   c.GetUser().GetType() == "Bot",
					CreatedAt:   ts(c.CreatedAt),
					UpdatedAt:   ts(c.UpdatedAt),
				})
			}
			return env.Store.UpsertComments(ctx, rows)
		},
	}
	_, err := l.sync(ctx, env)
	return err
}

// issueNumber takes the number from a comment's issue_url
// (".../repos/o/r/issues/123"); 0 when it has none.
func issueNumber(u string) int {
	n, err := strconv.Atoi(path.Base(u))
	if err != nil {
		return 0
	}
	return n
}
