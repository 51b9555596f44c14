package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// SetCursor records the incremental position of one collector endpoint on
// one repository (Repo "" for global scopes), keyed by (repo, endpoint);
// the last write wins.
func (s *Store) SetCursor(ctx context.Context, c Cursor) error {
	if c.Endpoint == "" {
		return errors.New("store: set cursor: empty endpoint")
	}
	return s.write(ctx, fmt.Sprintf("set cursor %s %s", c.Repo, c.Endpoint), func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO cursors (repo_key, endpoint, repo, since, etag)
			VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (repo_key, endpoint) DO UPDATE SET
				repo = excluded.repo, since = excluded.since, etag = excluded.etag`,
			key(c.Repo), c.Endpoint, c.Repo, unix(c.Since), c.ETag)
		if err != nil || c.Repo == "" {
			return err
		}
		// A list read completely makes its facts count (see
		// analysis.loadFacts): the repository's facts changed.
		return bumpVersions(ctx, tx, key(c.Repo))
	})
}

// Cursor returns the cursor of one repository (case-insensitive) and
// endpoint; false when none was set, i.e. the collector must start from the
// beginning.
func (s *Store) Cursor(ctx context.Context, repo, endpoint string) (Cursor, bool, error) {
	var c Cursor
	err := s.db.QueryRowContext(ctx, `SELECT repo, endpoint, since, etag FROM cursors
		WHERE repo_key = ? AND endpoint = ?`, key(repo), endpoint).Scan(&c.Repo, &c.Endpoint, utc{&c.Since}, &c.ETag)
	if errors.Is(err, sql.ErrNoRows) {
		return Cursor{}, false, nil
	}
	if err != nil {
		return Cursor{}, false, fmt.Errorf("store: cursor %s %s: %w", repo, endpoint, err)
	}
	return c, true, nil
}

// SetETag caches the validator of one GET URL (path and query, no host).
// An empty etag forgets the URL.
func (s *Store) SetETag(ctx context.Context, url, etag string) error {
	if url == "" {
		return errors.New("store: set etag: empty url")
	}
	return s.write(ctx, "set etag "+url, func(tx *sql.Tx) error {
		if etag == "" {
			_, err := tx.ExecContext(ctx, `DELETE FROM etags WHERE url = ?`, url)
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO etags (url, etag, updated_at) VALUES (?, ?, ?)
			ON CONFLICT (url) DO UPDATE SET etag = excluded.etag, updated_at = excluded.updated_at`,
			url, etag, time.Now().Unix())
		return err
	})
}

// ETag returns the cached validator of url; false when none is cached. URLs
// are compared exactly (query order matters).
func (s *Store) ETag(ctx context.Context, url string) (string, bool, error) {
	var etag string
	err := s.db.QueryRowContext(ctx, `SELECT etag FROM etags WHERE url = ?`, url).Scan(&etag)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("store: etag %s: %w", url, err)
	}
	return etag, true, nil
}

// Cursors of the commit history: the REST list's, and the git mirror's
// (Since a committer date, ETag the mirror's HEAD after the last read). A
// history is complete once either exists: each is written only after its
// source was read to the end.
const (
	CommitsCursor = "commits"
	GitCursor     = "git"
)
