package collectors

import (
	"context"
	"time"

	"github.com/google/go-github/v60/github"

	"github.com/fundwatch/fundwatch/ghrepo"
	"github.com/fundwatch/fundwatch/store"
)

func init() {
	register(Spec{Name: "releases", Schedule: "@every 6h", Phase: PhaseRepositories,
		Help: "releases",
		// A new release moves GitHub's latest release whether or not it
		// pushed a tag. A pre-release, a deleted release that was not the
		// latest and an edited one wait for the forced refresh (a day
		// at most for an active repository): release droughts are
		// months long, and the count that told them at once cost a third
		// of every hourly probe.
		fingerprint: func(p probed) string { return "latest=" + p.latest() }}, perRepo{name: "releases", fn: collectReleases})
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
