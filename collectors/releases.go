package collectors

import (
	"context"
	"strconv"
	"time"

	"github.com/google/go-github/v60/github"

	"github.com/fundwatch/fundwatch/ghrepo"
	"github.com/fundwatch/fundwatch/store"
)

func init() {
	register(Spec{Name: "releases", Schedule: "@every 6h", Phase: PhaseRepositories,
		Help: "releases",
		// Publishing a release moves the count whether or not it pushed a
		// tag; an edited release waits for the forced refresh.
		fingerprint: func(p probed) string { return "releases=" + strconv.Itoa(p.Releases.TotalCount) }}, perRepo{name: "releases", fn: collectReleases})
}

// releases has no `since`: the cursor keeps only the ETag of page 1, which
// changes whenever a release is published (newest first).
func collectReleases(ctx context.Context, env *Env, name ghrepo.Name, _ *Probe) error {
	at := apiName(ctx, env, name)
	l := list[*github.RepositoryRelease]{
		repo:     name.String(),
		endpoint: "releases",
		fetch: func(ctx context.Context, _ time.Time, page int) ([]*github.RepositoryRelease, *github.Response, error) {
			return env.GH.Repositories.ListReleases(ctx, at.Owner, at.Repo, &github.ListOptions{Page: page, PerPage: perPage})
		},
		save: func(ctx context.Context, rs []*github.RepositoryRelease) error {
			rows := make([]store.Release, 0, len(rs))
			for _, r := range rs {
				rows = append(rows, store.Release{
					Repo:        name.String(),
					ID:          r.GetID(),
					TagName:     r.GetTagName(),
					Name:        r.GetName(),
					Author:      r.GetAuthor().GetLogin(),
					Draft:       r.GetDraft(),
					Prerelease:  r.GetPrerelease(),
					CreatedAt:   ts(r.CreatedAt),
					PublishedAt: ts(r.PublishedAt),
				})
			}
			return env.Store.UpsertReleases(ctx, rows)
		},
	}
	_, err := l.sync(ctx, env)
	return err
}
