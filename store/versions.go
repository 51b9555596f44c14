package store

import (
	"context"
	"database/sql"
	"fmt"
)

// SharedFacts is the fact_versions key of what every analysis shares:
// profiles and sponsors.
const SharedFacts = "*people"

// AuthorsFacts is the fact_versions key of the authors table: it moves
// when a repository gets an author (login, e-mail, name) it did not have,
// which is when who is who across the watch list may change.
const AuthorsFacts = "*authors"

// bumpVersions counts one more write to the facts of each key (a repo_key,
// or SharedFacts), inside the writing transaction: a refresh that sees the
// same count sees the same facts.
func bumpVersions(ctx context.Context, tx *sql.Tx, keys ...string) error {
	seen := map[string]bool{}
	for _, k := range keys {
		if seen[k] {
			continue
		}
		seen[k] = true
		if _, err := tx.ExecContext(ctx, `INSERT INTO fact_versions (key, version) VALUES (?, 1)
			ON CONFLICT (key) DO UPDATE SET version = version + 1`, k); err != nil {
			return fmt.Errorf("fact version of %s: %w", k, err)
		}
	}
	return nil
}

// repoKeys are the repo_keys of a batch's items.
func repoKeys[T any](items []T, repo func(T) string) []string {
	out := make([]string, 0, 1)
	for _, it := range items {
		out = append(out, key(repo(it)))
	}
	return out
}

// noteAuthors records the distinct authors of the stored commits made
// with email (any case), as they are stored now: after SetEmailLogins gave
// them the login the e-mail is linked to.
func noteAuthors(ctx context.Context, tx *sql.Tx, email string) error {
	q := `INSERT OR IGNORE INTO authors (repo_key, login, email, name)
		SELECT DISTINCT repo_key, author_login, author_email, author_name FROM commits
		WHERE lower(author_email) = ?`
	res, err := tx.ExecContext(ctx, q, key(email))
	if err != nil {
		return fmt.Errorf("authors of %s: %w", email, err)
	}
	if n, _ := res.RowsAffected(); n > 0 {
		return bumpVersions(ctx, tx, AuthorsFacts)
	}
	return nil
}

// FactVersions returns the write count of every repository's facts (by
// lower-case full name) and of the shared facts (SharedFacts). A key
// never written is absent (version 0).
func (s *Store) FactVersions(ctx context.Context) (map[string]int64, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT key, version FROM fact_versions`)
	if err != nil {
		return nil, fmt.Errorf("store: fact versions: %w", err)
	}
	defer rows.Close()
	out := map[string]int64{}
	for rows.Next() {
		var k string
		var v int64
		if err := rows.Scan(&k, &v); err != nil {
			return nil, fmt.Errorf("store: fact versions: %w", err)
		}
		out[k] = v
	}
	return out, rows.Err()
}

// Author is one distinct commit author of a repository, as the commits
// name them.
type Author struct {
	Repo               string // lower-case full name
	Login, Email, Name string
}

// Authors calls fn with every distinct commit author of every repository
// in repos (full names, any case), in a stable order: what identities are
// built from, without reading the commits themselves.
func (s *Store) Authors(ctx context.Context, repos []string, fn func(Author)) error {
	want := make(map[string]bool, len(repos))
	for _, r := range repos {
		want[key(r)] = true
	}
	rows, err := s.db.QueryContext(ctx, `SELECT repo_key, login, email, name FROM authors ORDER BY repo_key, login, email, name`)
	if err != nil {
		return fmt.Errorf("store: authors: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var a Author
		if err := rows.Scan(&a.Repo, &a.Login, &a.Email, &a.Name); err != nil {
			return fmt.Errorf("store: authors: %w", err)
		}
		if want[a.Repo] {
			fn(a)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store: authors: %w", err)
	}
	return nil
}

// repoKeysOf runs a query returning repo_keys.
func repoKeysOf(ctx context.Context, tx *sql.Tx, q string, args ...any) ([]string, error) {
	rows, err := tx.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var k string
		if err := rows.Scan(&k); err != nil {
			return nil, err
		}
		out = append(out, k)
	}
	return out, rows.Err()
}
