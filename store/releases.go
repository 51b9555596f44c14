package store

import (
	"context"
	"database/sql"
	"errors"
)

// UpsertReleases writes a batch of releases in one transaction, keyed by
// (repo, release id). Releases carry no update time, so the last write wins
// (a draft that gets published is replaced by its published form).
func (s *Store) UpsertReleases(ctx context.Context, rs []Release) error {
	if len(rs) == 0 {
		return nil
	}
	const q = `INSERT INTO releases (repo_key, repo, id, tag_name, name, author, author_key, draft,
		prerelease, created_at, published_at)
	VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
	ON CONFLICT (repo_key, id) DO UPDATE SET
		repo = excluded.repo, tag_name = excluded.tag_name, name = excluded.name,
		author = excluded.author, author_key = excluded.author_key, draft = excluded.draft,
		prerelease = excluded.prerelease, created_at = excluded.created_at,
		published_at = excluded.published_at`
	return s.write(ctx, "upsert releases", func(tx *sql.Tx) error {
		if err := batch(ctx, tx, "releases", q, rs, func(r Release) ([]any, error) {
			if r.Repo == "" || r.ID == 0 {
				return nil, errors.New("empty repo or id")
			}
			return []any{key(r.Repo), r.Repo, r.ID, r.TagName, r.Name, r.Author, key(r.Author), r.Draft,
				r.Prerelease, unix(r.CreatedAt), unix(r.PublishedAt)}, nil
		}); err != nil {
			return err
		}
		return bumpVersions(ctx, tx, repoKeys(rs, func(r Release) string { return r.Repo })...)
	})
}

// Releases returns the releases of repo ordered by publication time
// (creation time for drafts), then id.
func (s *Store) Releases(ctx context.Context, repo string) ([]Release, error) {
	return queryAll(ctx, s.db, "releases of "+repo, `SELECT repo, id, tag_name, name, author, draft,
		prerelease, created_at, published_at
		FROM releases WHERE repo_key = ? ORDER BY coalesce(published_at, created_at), id`, []any{key(repo)},
		func(rows *sql.Rows, r *Release) error {
			return rows.Scan(&r.Repo, &r.ID, &r.TagName, &r.Name, &r.Author, &r.Draft, &r.Prerelease,
				utc{&r.CreatedAt}, utc{&r.PublishedAt})
		})
}
