package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// runsKept is how many runs per collector RecordRun keeps; older ones are
// pruned so the table stays small on a service that runs for years.
const runsKept = 1000

// RecordRun appends one collector run and prunes that collector's runs
// beyond the newest runsKept.
func (s *Store) RecordRun(ctx context.Context, r Run) error {
	if r.Collector == "" {
		return errors.New("store: record run: empty collector")
	}
	return s.write(ctx, "record run of "+r.Collector, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO runs (collector, started, finished, ok, error, repos, failed)
			VALUES (?, ?, ?, ?, ?, ?, ?)`,
			r.Collector, unix(r.Started), unix(r.Finished), r.OK, r.Error, r.Repos, r.Failed); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `DELETE FROM runs WHERE collector = ?1 AND id NOT IN (
			SELECT id FROM runs WHERE collector = ?1 ORDER BY started DESC, id DESC LIMIT ?2)`,
			r.Collector, runsKept)
		return err
	})
}

// LastRuns returns the latest run (by Started, then by insertion) of each
// collector, ordered by collector name.
func (s *Store) LastRuns(ctx context.Context) ([]Run, error) {
	return queryAll(ctx, s.db, "last runs", `SELECT collector, started, finished, ok, error, repos, failed
		FROM runs r WHERE id = (
			SELECT id FROM runs WHERE collector = r.collector ORDER BY started DESC, id DESC LIMIT 1)
		ORDER BY collector`, nil,
		func(rows *sql.Rows, r *Run) error {
			return rows.Scan(&r.Collector, utc{&r.Started}, utc{&r.Finished}, &r.OK, &r.Error, &r.Repos, &r.Failed)
		})
}

// RecordRepoAttempt records that collector tried repo at at. A nil err also
// makes at the last success and clears the last error; a non-nil err is
// stored as the last error and keeps the previous last success, so the age
// of the data already collected stays visible.
func (s *Store) RecordRepoAttempt(ctx context.Context, repo, collector string, at time.Time, err error) error {
	if repo == "" || collector == "" {
		return errors.New("store: record repo attempt: empty repo or collector")
	}
	var success any
	msg := ""
	if err == nil {
		success = unix(at)
	} else {
		msg = err.Error()
		if msg == "" {
			msg = "error"
		}
	}
	return s.write(ctx, "record attempt of "+collector+" on "+repo, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, recordAttempt, key(repo), collector, repo, unix(at), success, msg)
		return err
	})
}

// recordAttempt upserts one (repo, collector) status: a failure (no
// success time) keeps the last success.
const recordAttempt = `INSERT INTO repo_status (repo_key, collector, repo, last_attempt, last_success, last_error)
	VALUES (?, ?, ?, ?, ?, ?)
	ON CONFLICT (repo_key, collector) DO UPDATE SET
		repo = excluded.repo, last_attempt = excluded.last_attempt,
		last_success = coalesce(excluded.last_success, repo_status.last_success),
		last_error = excluded.last_error`

// RecordRepoSuccesses is RecordRepoAttempt of a success at at for each of
// repos, in one transaction: a run that finds most of the watch list
// unchanged records it at the cost of one commit, not one per repository.
func (s *Store) RecordRepoSuccesses(ctx context.Context, collector string, at time.Time, repos []string) error {
	if collector == "" {
		return errors.New("store: record repo successes: empty collector")
	}
	for _, r := range repos {
		if r == "" {
			return errors.New("store: record repo successes: empty repo")
		}
	}
	if len(repos) == 0 {
		return nil
	}
	return s.write(ctx, fmt.Sprintf("record %d successes of %s", len(repos), collector), func(tx *sql.Tx) error {
		stmt, err := tx.PrepareContext(ctx, recordAttempt)
		if err != nil {
			return err
		}
		defer stmt.Close()
		for _, r := range repos {
			if _, err := stmt.ExecContext(ctx, key(r), collector, r, unix(at), unix(at), ""); err != nil {
				return fmt.Errorf("%s: %w", r, err)
			}
		}
		return nil
	})
}

// RepoStatuses returns every (repo, collector) status, ordered by repo
// (case-insensitively) then collector.
func (s *Store) RepoStatuses(ctx context.Context) ([]RepoStatus, error) {
	return queryAll(ctx, s.db, "repo statuses", `SELECT repo, collector, last_attempt, last_success, last_error
		FROM repo_status ORDER BY repo_key, collector`, nil,
		func(rows *sql.Rows, st *RepoStatus) error {
			return rows.Scan(&st.Repo, &st.Collector, utc{&st.LastAttempt}, utc{&st.LastSuccess}, &st.LastError)
		})
}
