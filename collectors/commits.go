package collectors

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/google/go-github/v60/github"

	"github.com/fundwatch/fundwatch/ghrepo"
	"github.com/fundwatch/fundwatch/gitmirror"
	"github.com/fundwatch/fundwatch/store"
)

func init() {
	register(Spec{Name: "commits", Schedule: "@every 1h", Phase: PhaseRepositories, GitMirrors: true,
		Help:        "commit history (over git mirrors, else REST) and the logins of recent authors",
		fingerprint: func(p probed) string { return "pushed=" + p.pushed() }}, perRepo{name: "commits", fn: collectCommits})
}

// commitOverlap re-reads three days before the newest commit seen: a push
// can bring commits whose committer date is older than ones already read.
const commitOverlap = 72 * time.Hour

// collectCommits reads the history over git when the Env has a mirror
// cache (no API quota at all, and the authors' time-zone offsets, which
// REST drops), else over REST. A git failure is a failed attempt, retried
// over git next run, while the history already stored stays exported with
// its age; it does not fall back to REST. Falling back would spend quota on
// what the next fetch brings for free, and would make the history depend
// on which source happened to read it: REST links every author's email to
// an account, git only those of recent authors (see resolveLogins). Where
// git is not usable at all, the Env has no cache and REST reads every
// repository.
func collectCommits(ctx context.Context, env *Env, name ghrepo.Name, _ *Probe) error {
	if env.Git != nil && env.CloneURL != nil {
		return collectCommitsGit(ctx, env, name)
	}
	return collectCommitsREST(ctx, env, name)
}

// gitCursor names the cursor of the history read over git: Since is the
// committer date from which the next read starts, ETag the mirror's HEAD
// after the last read (an unchanged HEAD needs no read at all).
const gitCursor = store.GitCursor

func collectCommitsGit(ctx context.Context, env *Env, name ghrepo.Name) error {
	m, err := syncMirror(ctx, env, apiName(ctx, env, name))
	if err != nil {
		return err
	}
	cur, _, err := env.Store.Cursor(ctx, name.String(), gitCursor)
	if err != nil {
		return err
	}
	head := m.Head()
	if head != "" && head == cur.ETag {
		return nil
	}
	cs, err := m.Log(ctx, cur.Since)
	if err != nil {
		return err
	}
	var newest time.Time
	for i := range cs {
		cs[i].Repo = name.String()
		newest = maxTime(newest, cs[i].CommitterTime)
	}
	loginErr := resolveLogins(ctx, env, name, cs)
	if err := env.Store.UpsertCommits(ctx, cs); err != nil {
		return err
	}
	if loginErr != nil {
		// The commits are stored; the cursor stays, so the next refresh
		// reads them again and asks about their emails again.
		return fmt.Errorf("commit logins: %w", loginErr)
	}
	next := store.Cursor{Repo: name.String(), Endpoint: gitCursor, Since: cur.Since, ETag: head}
	if s := newest.Add(-commitOverlap).Truncate(time.Second); !newest.IsZero() && s.After(cur.Since) {
		next.Since = s
	}
	return env.Store.SetCursor(ctx, next)
}

// syncMirror brings the mirror of name (the name GitHub serves it under)
// up to date. A sync that fails (a 5xx, a reset connection, a pack cut
// short) is tried again after a jittered backoff, as a REST request is.
func syncMirror(ctx context.Context, env *Env, name ghrepo.Name) (*gitmirror.Mirror, error) {
	var m *gitmirror.Mirror
	err := env.GH.Retry(ctx, "git fetch "+name.String(), func(ctx context.Context) error {
		var err error
		m, err = env.Git.Sync(ctx, name, env.CloneURL(name))
		return err
	})
	if err != nil {
		return nil, err
	}
	return m, nil
}

func maxTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

func collectCommitsREST(ctx context.Context, env *Env, name ghrepo.Name) error {
	at := apiName(ctx, env, name)
	l := list[*github.RepositoryCommit]{
		repo:     name.String(),
		endpoint: store.CommitsCursor,
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
