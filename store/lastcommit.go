package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"time"
)

// LastCommitTime returns the author time of the newest commit of repo
// authored before `before` (zero = no bound); ok is false when there is
// none. It reads one index entry, so "last commit" never loads a history.
func (s *Store) LastCommitTime(ctx context.Context, repo string, before time.Time) (t time.Time, ok bool, err error) {
	var sec sql.NullInt64
	err = s.db.QueryRowContext(ctx,
		`SELECT MAX(author_time) FROM commits WHERE repo_key = ? AND author_time < ?`,
		key(repo), unixBound(before, math.MaxInt64)).Scan(&sec)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && !sec.Valid) {
		return time.Time{}, false, nil
	}
	if err != nil {
		return time.Time{}, false, fmt.Errorf("store: last commit of %s: %w", repo, err)
	}
	return time.Unix(sec.Int64, 0).UTC(), true, nil
}
