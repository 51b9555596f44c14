package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Reasons a repository is gone (RepoState.Gone).
const (
	GoneNotFound = "not_found" // GitHub answers 404: deleted, or made private
	GoneBlocked  = "blocked"   // GitHub answers 451: blocked for legal reasons
)

// RepoState is what GitHub says about a watched repository's name: whether
// it still serves it, and under which name it serves it now.
type RepoState struct {
	Repo      string    // the watched name
	Gone      string    // "", GoneNotFound or GoneBlocked
	GoneSince time.Time // when first seen gone; zero while served
	RenamedTo string    // current full name when the watched one redirects; "" otherwise
}

// SetRepoGone records that GitHub no longer serves repo (reason
// GoneNotFound or GoneBlocked), or serves it again (reason ""). GoneSince
// keeps the first time a reason was seen while it does not change.
func (s *Store) SetRepoGone(ctx context.Context, repo, reason string, at time.Time) error {
	if repo == "" {
		return errors.New("store: set repo gone: empty repo")
	}
	if reason != "" && reason != GoneNotFound && reason != GoneBlocked {
		return fmt.Errorf("store: set repo gone %s: unknown reason %q", repo, reason)
	}
	var since any
	if reason != "" {
		since = unix(at)
	}
	return s.write(ctx, "set state of "+repo, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO repo_state (repo_key, repo, gone, gone_since)
			VALUES (?, ?, ?, ?)
			ON CONFLICT (repo_key) DO UPDATE SET
				repo = excluded.repo, gone = excluded.gone,
				gone_since = CASE WHEN repo_state.gone = excluded.gone AND excluded.gone <> ''
					THEN repo_state.gone_since ELSE excluded.gone_since END`,
			key(repo), repo, reason, since)
		if err != nil {
			return err
		}
		return dropEmptyState(ctx, tx, repo)
	})
}

// SetRepoRenamed records the name GitHub now serves repo under ("" when the
// watched name is its own again).
func (s *Store) SetRepoRenamed(ctx context.Context, repo, renamedTo string) error {
	if repo == "" {
		return errors.New("store: set repo renamed: empty repo")
	}
	return s.write(ctx, "set new name of "+repo, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO repo_state (repo_key, repo, renamed_to)
			VALUES (?, ?, ?)
			ON CONFLICT (repo_key) DO UPDATE SET repo = excluded.repo, renamed_to = excluded.renamed_to`,
			key(repo), repo, renamedTo)
		if err != nil {
			return err
		}
		return dropEmptyState(ctx, tx, repo)
	})
}

// RepoStateOf returns the state of one repository (case-insensitive); the
// zero state (served, not renamed) when none was recorded.
func (s *Store) RepoStateOf(ctx context.Context, repo string) (RepoState, error) {
	st := RepoState{Repo: repo}
	err := s.db.QueryRowContext(ctx, `SELECT repo, gone, gone_since, renamed_to FROM repo_state WHERE repo_key = ?`,
		key(repo)).Scan(&st.Repo, &st.Gone, utc{&st.GoneSince}, &st.RenamedTo)
	if errors.Is(err, sql.ErrNoRows) {
		return RepoState{Repo: repo}, nil
	}
	if err != nil {
		return RepoState{}, fmt.Errorf("store: state of %s: %w", repo, err)
	}
	return st, nil
}

// RepoStates returns every recorded state that says something (gone or
// renamed), ordered by repo case-insensitively.
func (s *Store) RepoStates(ctx context.Context) ([]RepoState, error) {
	return queryAll(ctx, s.db, "repo states", `SELECT repo, gone, gone_since, renamed_to FROM repo_state
		WHERE gone <> '' OR renamed_to <> '' ORDER BY repo_key`, nil,
		func(rows *sql.Rows, st *RepoState) error {
			return rows.Scan(&st.Repo, &st.Gone, utc{&st.GoneSince}, &st.RenamedTo)
		})
}

// dropEmptyState deletes a row that no longer says anything, so a
// repository that came back looks exactly like one that never left.
func dropEmptyState(ctx context.Context, tx *sql.Tx, repo string) error {
	_, err := tx.ExecContext(ctx, `DELETE FROM repo_state WHERE repo_key = ? AND gone = '' AND renamed_to = ''`, key(repo))
	return err
}
