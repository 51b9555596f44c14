package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

const repoColumns = `full_name, github_id, description, stars, forks, watchers, open_issues,
	archived, disabled, fork, default_branch, license, owner_type, language,
	created_at, pushed_at, updated_at, funding_yml, has_funding_yml, collected_at, archived_at`

// UpsertRepo inserts or replaces the metadata of one repository, keyed by
// its full name (case-insensitively; the display form given last is kept).
// A row whose CollectedAt is newer than r.CollectedAt is left alone, so a
// slow, stale refresh cannot overwrite a fresher one.
func (s *Store) UpsertRepo(ctx context.Context, r Repo) error {
	if r.FullName == "" {
		return errors.New("store: upsert repo: empty full name")
	}
	return s.write(ctx, "upsert repo "+r.FullName, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO repos (repo_key, `+repoColumns+`)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (repo_key) DO UPDATE SET
				full_name = excluded.full_name, github_id = excluded.github_id,
				description = excluded.description, stars = excluded.stars,
				forks = excluded.forks, watchers = excluded.watchers,
				open_issues = excluded.open_issues, archived = excluded.archived,
				disabled = excluded.disabled, fork = excluded.fork,
				default_branch = excluded.default_branch, license = excluded.license,
				owner_type = excluded.owner_type, language = excluded.language,
				created_at = excluded.created_at, pushed_at = excluded.pushed_at,
				updated_at = excluded.updated_at, funding_yml = excluded.funding_yml,
				has_funding_yml = excluded.has_funding_yml, collected_at = excluded.collected_at,
				archived_at = excluded.archived_at
			WHERE excluded.collected_at IS NULL OR repos.collected_at IS NULL
				OR excluded.collected_at >= repos.collected_at`,
			key(r.FullName), r.FullName, r.GitHubID, r.Description, r.Stars, r.Forks, r.Watchers, r.OpenIssues,
			r.Archived, r.Disabled, r.Fork, r.DefaultBranch, r.License, r.OwnerType, r.Language,
			unix(r.CreatedAt), unix(r.PushedAt), unix(r.UpdatedAt), r.FundingYML, r.HasFundingYML, unix(r.CollectedAt), unix(r.ArchivedAt))
		if err != nil {
			return err
		}
		return bumpVersions(ctx, tx, key(r.FullName))
	})
}

func scanRepo(rows interface{ Scan(...any) error }, r *Repo) error {
	return rows.Scan(&r.FullName, &r.GitHubID, &r.Description, &r.Stars, &r.Forks, &r.Watchers, &r.OpenIssues,
		&r.Archived, &r.Disabled, &r.Fork, &r.DefaultBranch, &r.License, &r.OwnerType, &r.Language,
		utc{&r.CreatedAt}, utc{&r.PushedAt}, utc{&r.UpdatedAt}, &r.FundingYML, &r.HasFundingYML, utc{&r.CollectedAt}, utc{&r.ArchivedAt})
}

// Repo returns one repository by full name (case-insensitive); false when
// it has not been collected.
func (s *Store) Repo(ctx context.Context, fullName string) (Repo, bool, error) {
	var r Repo
	err := scanRepo(s.db.QueryRowContext(ctx, `SELECT `+repoColumns+` FROM repos WHERE repo_key = ?`, key(fullName)), &r)
	if errors.Is(err, sql.ErrNoRows) {
		return Repo{}, false, nil
	}
	if err != nil {
		return Repo{}, false, fmt.Errorf("store: repo %s: %w", fullName, err)
	}
	return r, true, nil
}

// Repos returns every collected repository, ordered by full name
// (case-insensitively).
func (s *Store) Repos(ctx context.Context) ([]Repo, error) {
	return queryAll(ctx, s.db, "repos", `SELECT `+repoColumns+` FROM repos ORDER BY repo_key`, nil,
		func(rows *sql.Rows, r *Repo) error { return scanRepo(rows, r) })
}
