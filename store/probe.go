package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// ProbeMark is what the change probe remembers of one collector's last
// successful detailed refresh of one repository.
type ProbeMark struct {
	Fingerprint string    // as the probe saw it just before that refresh
	RefreshedAt time.Time // when that refresh finished
}

// SetProbeMark records that collector refreshed repo in full, after a probe
// that saw fingerprint.
func (s *Store) SetProbeMark(ctx context.Context, repo, collector, fingerprint string, at time.Time) error {
	if repo == "" || collector == "" {
		return errors.New("store: set probe mark: empty repo or collector")
	}
	return s.write(ctx, "set probe mark of "+collector+" on "+repo, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO repo_probe (repo_key, collector, repo, fingerprint, refreshed_at)
			VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (repo_key, collector) DO UPDATE SET
				repo = excluded.repo, fingerprint = excluded.fingerprint, refreshed_at = excluded.refreshed_at`,
			key(repo), collector, repo, fingerprint, at.Unix())
		return err
	})
}

// ClearProbeMark forgets collector's mark on repo (after a failed refresh),
// so the next run refreshes it whatever the probe says.
func (s *Store) ClearProbeMark(ctx context.Context, repo, collector string) error {
	return s.write(ctx, "clear probe mark of "+collector+" on "+repo, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM repo_probe WHERE repo_key = ? AND collector = ?`, key(repo), collector)
		return err
	})
}

// ProbeMarks returns every mark of collector, keyed by lower-cased repo:
// one query for a run over the whole watch list, where ProbeMarkOf costs
// one per repository.
func (s *Store) ProbeMarks(ctx context.Context, collector string) (map[string]ProbeMark, error) {
	type row struct {
		repo string
		m    ProbeMark
	}
	rows, err := queryAll(ctx, s.db, "probe marks of "+collector,
		`SELECT repo_key, fingerprint, refreshed_at FROM repo_probe WHERE collector = ?`, []any{collector},
		func(rows *sql.Rows, r *row) error { return rows.Scan(&r.repo, &r.m.Fingerprint, utc{&r.m.RefreshedAt}) })
	if err != nil {
		return nil, err
	}
	out := make(map[string]ProbeMark, len(rows))
	for _, r := range rows {
		out[r.repo] = r.m
	}
	return out, nil
}

// ProbeMarkOf returns collector's mark on repo (case-insensitive); false
// when there is none.
func (s *Store) ProbeMarkOf(ctx context.Context, repo, collector string) (ProbeMark, bool, error) {
	var m ProbeMark
	err := s.db.QueryRowContext(ctx, `SELECT fingerprint, refreshed_at FROM repo_probe WHERE repo_key = ? AND collector = ?`,
		key(repo), collector).Scan(&m.Fingerprint, utc{&m.RefreshedAt})
	if errors.Is(err, sql.ErrNoRows) {
		return ProbeMark{}, false, nil
	}
	if err != nil {
		return ProbeMark{}, false, fmt.Errorf("store: probe mark of %s on %s: %w", collector, repo, err)
	}
	return m, true, nil
}
