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
// the last write wins, except for the floor: it is written with the
// cursor's first row and kept by every later write, so that a caller
// moving the cursor can never claim history the store does not hold
// (LowerFloor moves it, back only).
func (s *Store) SetCursor(ctx context.Context, c Cursor) error {
	if c.Endpoint == "" {
		return errors.New("store: set cursor: empty endpoint")
	}
	return s.write(ctx, fmt.Sprintf("set cursor %s %s", c.Repo, c.Endpoint), func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO cursors (repo_key, endpoint, repo, since, etag, floor)
			VALUES (?, ?, ?, ?, ?, ?)
			ON CONFLICT (repo_key, endpoint) DO UPDATE SET
				repo = excluded.repo, since = excluded.since, etag = excluded.etag`,
			key(c.Repo), c.Endpoint, c.Repo, unix(c.Since), c.ETag, unix(c.Floor))
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
	err := s.db.QueryRowContext(ctx, `SELECT repo, endpoint, since, etag, floor FROM cursors
		WHERE repo_key = ? AND endpoint = ?`, key(repo), endpoint).Scan(&c.Repo, &c.Endpoint, utc{&c.Since}, &c.ETag, utc{&c.Floor})
	if errors.Is(err, sql.ErrNoRows) {
		return Cursor{}, false, nil
	}
	if err != nil {
		return Cursor{}, false, fmt.Errorf("store: cursor %s %s: %w", repo, endpoint, err)
	}
	return c, true, nil
}

// LowerFloor moves the floor of a cursor back to floor (zero: the list's
// beginning), once the list was read from there: a deeper read, after the
// user asked for more history than the first sync read. A floor is never
// moved forward (the items before it are still stored), and a cursor that
// does not exist or already reaches as far back is left as it is. It
// reports whether the floor moved.
func (s *Store) LowerFloor(ctx context.Context, repo, endpoint string, floor time.Time) (bool, error) {
	var moved bool
	err := s.write(ctx, fmt.Sprintf("lower floor %s %s", repo, endpoint), func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE cursors SET floor = ?1
			WHERE repo_key = ?2 AND endpoint = ?3 AND floor IS NOT NULL AND (?1 IS NULL OR floor > ?1)`,
			unix(floor), key(repo), endpoint)
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		if err != nil || n == 0 {
			return err
		}
		moved = true
		// More of the history is known: windows that started before the
		// old floor may now be computed.
		return bumpVersions(ctx, tx, key(repo))
	})
	return moved, err
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
