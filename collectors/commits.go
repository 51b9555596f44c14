package collectors

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/google/go-github/v60/github"

	"github.com/fundwatch/fundwatch/ghrepo"
	"github.com/fundwatch/fundwatch/store"
)

func init() { register(perRepo{name: "commits", fn: collectCommits}) }

// commitOverlap re-reads three days before the newest commit seen: a push
// can bring commits whose committer date is older than ones already read.
const commitOverlap = 72 * time.Hour

func collectCommits(ctx context.Context, env *Env, name ghrepo.Name) error {
	at := apiName(ctx, env, name)
	l := list[*github.RepositoryCommit]{
		repo:     name.String(),
		endpoint: "commits",
		overlap:  commitOverlap,
		emptyOn:  http.StatusConflict, // "Git Repository is empty."
		fetch: func(ctx context.Context, since time.Time, page int) ([]*github.RepositoryCommit, *github.Response, error) {
			return env.GH.Repositories.ListCommits(ctx, at.Owner, at.Repo, &github.CommitsListOptions{
				Since:       since,
				ListOptions: github.ListOptions{Page: page, PerPage: perPage},
			})
		},
		stamp: func(c *github.RepositoryCommit) time.Time { return ts(c.GetCommit().GetCommitter().Date) },
		save: func(ctx context.Context, cs []*github.RepositoryCommit) error {
			rows := make([]store.Commit, 0, len(cs))
			for _, c := range cs {
				rows = append(rows, commitRow(name.String(), c))
			}
			return env.Store.UpsertCommits(ctx, rows)
		},
	}
	_, err := l.sync(ctx, env)
	return err
}

func commitRow(repo string, c *github.RepositoryCommit) store.Commit {
	gc := c.GetCommit()
	msg, _, _ := strings.Cut(gc.GetMessage(), "\n")
	return store.Commit{
		Repo:        repo,
		SHA:         c.GetSHA(),
		AuthorName:  gc.GetAuthor().GetName(),
		AuthorEmail: gc.GetAuthor().GetEmail(),
		AuthorLogin: c.GetAuthor().GetLogin(),
		AuthorTime:  ts(gc.GetAuthor().Date),
		// The REST API converts dates to UTC, losing the author's offset;
		// only git history (a later collector) knows it.
		AuthorTZKnown:  false,
		CommitterName:  gc.GetCommitter().GetName(),
		CommitterEmail: gc.GetCommitter().GetEmail(),
		CommitterLogin: c.GetCommitter().GetLogin(),
		CommitterTime:  ts(gc.GetCommitter().Date),
		Parents:        len(c.Parents),
		Message:        msg,
	}
}
