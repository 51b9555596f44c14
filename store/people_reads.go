package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// PeopleReads returns when each of logins was last read from GitHub for
// kind ("users", "sponsors"), by lower-case login; a login never read is
// absent. What was read is not in it: a read that found nothing new
// writes no profile, and still counts here.
func (s *Store) PeopleReads(ctx context.Context, kind string, logins []string) (map[string]time.Time, error) {
	out := make(map[string]time.Time, len(logins))
	err := inChunks(logins, func(in string, args []any) error {
		type read struct {
			login string
			at    time.Time
		}
		rs, err := queryAll(ctx, s.db, "people reads", `SELECT login_key, read_at FROM people_reads WHERE kind = ? AND login_key IN (`+in+`)`,
			append([]any{kind}, args...), func(rows *sql.Rows, r *read) error { return rows.Scan(&r.login, utc{&r.at}) })
		if err != nil {
			return err
		}
		for _, r := range rs {
			out[r.login] = r.at
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// MarkPeopleRead records that logins were read from GitHub for kind at
// at, in one transaction. It moves no fact version: reading is not a
// change of what is known.
func (s *Store) MarkPeopleRead(ctx context.Context, kind string, logins []string, at time.Time) error {
	if len(logins) == 0 {
		return nil
	}
	return s.write(ctx, fmt.Sprintf("mark %d %s read", len(logins), kind), func(tx *sql.Tx) error {
		for _, l := range logins {
			if _, err := tx.ExecContext(ctx, `INSERT INTO people_reads (kind, login_key, read_at) VALUES (?, ?, ?)
				ON CONFLICT (kind, login_key) DO UPDATE SET read_at = max(read_at, excluded.read_at)`, kind, key(l), at.Unix()); err != nil {
				return fmt.Errorf("%s: %w", l, err)
			}
		}
		return nil
	})
}
