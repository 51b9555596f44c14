package store

import (
	"context"
	"database/sql"
	"errors"
)

// UpsertIssues writes a batch of issues and pull requests in one
// transaction, keyed by (repo, number). A row is replaced unless the stored
// UpdatedAt is newer than the incoming one, so an out-of-order page from a
// slow collector cannot reopen a closed issue.
func (s *Store) UpsertIssues(ctx context.Context, is []Issue) error {
	if len(is) == 0 {
		return nil
	}
	const q = `INSERT INTO issues (repo_key, repo, number, is_pull, title, author, author_key, author_bot,
		state, comments, created_at, updated_at, closed_at, merged_at)
	VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
	ON CONFLICT (repo_key, number) DO UPDATE SET
		repo = excluded.repo, is_pull = excluded.is_pull, title = excluded.title,
		author = excluded.author, author_key = excluded.author_key, author_bot = excluded.author_bot,
		state = excluded.state, comments = excluded.comments, created_at = excluded.created_at,
		updated_at = excluded.updated_at, closed_at = excluded.closed_at, merged_at = excluded.merged_at
	WHERE excluded.updated_at IS NULL OR issues.updated_at IS NULL
		OR excluded.updated_at >= issues.updated_at`
	return s.write(ctx, "upsert issues", func(tx *sql.Tx) error {
		if err := batch(ctx, tx, "issues", q, is, func(i Issue) ([]any, error) {
			if i.Repo == "" || i.Number <= 0 {
				return nil, errors.New("empty repo or number")
			}
			return []any{key(i.Repo), i.Repo, i.Number, i.IsPull, i.Title, i.Author, key(i.Author), i.AuthorBot,
				i.State, i.Comments, unix(i.CreatedAt), unix(i.UpdatedAt), unix(i.ClosedAt), unix(i.MergedAt)}, nil
		}); err != nil {
			return err
		}
		return bumpVersions(ctx, tx, repoKeys(is, func(i Issue) string { return i.Repo })...)
	})
}

// Issues returns the issues and pull requests of repo, ordered by number.
func (s *Store) Issues(ctx context.Context, repo string) ([]Issue, error) {
	return queryAll(ctx, s.db, "issues of "+repo, `SELECT repo, number, is_pull, title, author, author_bot,
		state, comments, created_at, updated_at, closed_at, merged_at
		FROM issues WHERE repo_key = ? ORDER BY number`, []any{key(repo)},
		func(rows *sql.Rows, i *Issue) error {
			return rows.Scan(&i.Repo, &i.Number, &i.IsPull, &i.Title, &i.Author, &i.AuthorBot, &i.State,
				&i.Comments, utc{&i.CreatedAt}, utc{&i.UpdatedAt}, utc{&i.ClosedAt}, utc{&i.MergedAt})
		})
}

// UpsertComments writes a batch of issue and pull-request comments in one
// transaction, keyed by (repo, comment id). As with issues, a stored row
// with a newer UpdatedAt is kept.
func (s *Store) UpsertComments(ctx context.Context, cs []Comment) error {
	if len(cs) == 0 {
		return nil
	}
	const q = `INSERT INTO comments (repo_key, repo, id, issue_number, author, author_key, author_bot,
		created_at, updated_at)
	VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
	ON CONFLICT (repo_key, id) DO UPDATE SET
		repo = excluded.repo, issue_number = excluded.issue_number, author = excluded.author,
		author_key = excluded.author_key, author_bot = excluded.author_bot,
		created_at = excluded.created_at, updated_at = excluded.updated_at
	WHERE excluded.updated_at IS NULL OR comments.updated_at IS NULL
		OR excluded.updated_at >= comments.updated_at`
	return s.write(ctx, "upsert comments", func(tx *sql.Tx) error {
		if err := batch(ctx, tx, "comments", q, cs, func(c Comment) ([]any, error) {
			if c.Repo == "" || c.ID == 0 {
				return nil, errors.New("empty repo or id")
			}
			return []any{key(c.Repo), c.Repo, c.ID, c.IssueNumber, c.Author, key(c.Author), c.AuthorBot,
				unix(c.CreatedAt), unix(c.UpdatedAt)}, nil
		}); err != nil {
			return err
		}
		return bumpVersions(ctx, tx, repoKeys(cs, func(c Comment) string { return c.Repo })...)
	})
}

// Comments returns the comments of repo, ordered by creation time then id.
func (s *Store) Comments(ctx context.Context, repo string) ([]Comment, error) {
	return queryAll(ctx, s.db, "comments of "+repo, `SELECT repo, id, issue_number, author, author_bot,
		created_at, updated_at
		FROM comments WHERE repo_key = ? ORDER BY created_at, id`, []any{key(repo)},
		func(rows *sql.Rows, c *Comment) error {
			return rows.Scan(&c.Repo, &c.ID, &c.IssueNumber, &c.Author, &c.AuthorBot,
				utc{&c.CreatedAt}, utc{&c.UpdatedAt})
		})
}
