package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"time"
)

// Sponsors is one account's GitHub Sponsors facts, as GraphQL gave them.
type Sponsors struct {
	Login      string
	HasListing bool
	// Count is the active sponsorships, private ones included; Private is
	// how many of them are private.
	Count   int
	Private int
	// Goal is the listing's active goal; GoalKind "" means none.
	GoalKind    string // TOTAL_SPONSORS_COUNT or MONTHLY_SPONSORSHIP_AMOUNT
	GoalTarget  int
	GoalPercent int
	GoalTitle   string
	CollectedAt time.Time
}

// UpsertSponsors stores the facts of each account, keyed by login
// (case-insensitively). Callers pass only what GitHub answered: a failed
// fetch has nothing to pass, so good data is never replaced by a failure.
// A stored row collected later than the new one is kept.
func (s *Store) UpsertSponsors(ctx context.Context, rows []Sponsors) error {
	if len(rows) == 0 {
		return nil
	}
	return s.write(ctx, "upsert sponsors", func(tx *sql.Tx) error {
		// The shared facts move only when some account's facts do: a
		// daily refresh that finds everything as it was leaves the
		// analyses of every repository as they are.
		changed := false
		for _, r := range rows {
			var prev Sponsors
			err := tx.QueryRowContext(ctx, `SELECT has_listing, sponsors_count, private_count, goal_kind, goal_target,
				goal_percent, goal_title FROM sponsors WHERE login_key = ?`, key(r.Login)).Scan(&prev.HasListing, &prev.Count,
				&prev.Private, &prev.GoalKind, &prev.GoalTarget, &prev.GoalPercent, &prev.GoalTitle)
			if err != nil || prev.HasListing != r.HasListing || prev.Count != r.Count || prev.Private != r.Private ||
				prev.GoalKind != r.GoalKind || prev.GoalTarget != r.GoalTarget || prev.GoalPercent != r.GoalPercent || prev.GoalTitle != r.GoalTitle {
				changed = true
				break
			}
		}
		if err := batch(ctx, tx, "sponsors", `INSERT INTO sponsors (login_key, login, has_listing, sponsors_count,
			private_count, goal_kind, goal_target, goal_percent, goal_title, collected_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (login_key) DO UPDATE SET
			login = excluded.login, has_listing = excluded.has_listing,
			sponsors_count = excluded.sponsors_count, private_count = excluded.private_count,
			goal_kind = excluded.goal_kind, goal_target = excluded.goal_target,
			goal_percent = excluded.goal_percent, goal_title = excluded.goal_title,
			collected_at = excluded.collected_at
		WHERE excluded.collected_at >= sponsors.collected_at`, rows, func(r Sponsors) ([]any, error) {
			switch {
			case r.Login == "":
				return nil, errors.New("empty login")
			case r.CollectedAt.IsZero():
				return nil, fmt.Errorf("%s: no collection time", r.Login)
			case r.Count < 0 || r.Private < 0 || r.Private > r.Count:
				return nil, fmt.Errorf("%s: %d sponsors of which %d private", r.Login, r.Count, r.Private)
			}
			return []any{key(r.Login), r.Login, r.HasListing, r.Count, r.Private, r.GoalKind, r.GoalTarget,
				r.GoalPercent, r.GoalTitle, r.CollectedAt.Unix()}, nil
		}); err != nil {
			return err
		}
		if !changed {
			return nil
		}
		return bumpVersions(ctx, tx, SharedFacts)
	})
}

const sponsorsColumns = `login, has_listing, sponsors_count, private_count, goal_kind, goal_target, goal_percent, goal_title, collected_at`

func scanSponsors(row interface{ Scan(...any) error }, r *Sponsors) error {
	return row.Scan(&r.Login, &r.HasListing, &r.Count, &r.Private, &r.GoalKind, &r.GoalTarget, &r.GoalPercent,
		&r.GoalTitle, utc{&r.CollectedAt})
}

// SponsorsOf returns one account's facts (case-insensitive login); false
// when never collected.
func (s *Store) SponsorsOf(ctx context.Context, login string) (Sponsors, bool, error) {
	var r Sponsors
	err := scanSponsors(s.db.QueryRowContext(ctx, `SELECT `+sponsorsColumns+` FROM sponsors WHERE login_key = ?`, key(login)), &r)
	if errors.Is(err, sql.ErrNoRows) {
		return Sponsors{}, false, nil
	}
	if err != nil {
		return Sponsors{}, false, fmt.Errorf("store: sponsors of %s: %w", login, err)
	}
	return r, true, nil
}

// AllSponsors returns every stored row, ordered by login (case-insensitively).
func (s *Store) AllSponsors(ctx context.Context) ([]Sponsors, error) {
	return queryAll(ctx, s.db, "sponsors", `SELECT `+sponsorsColumns+` FROM sponsors ORDER BY login_key`, nil,
		func(rows *sql.Rows, r *Sponsors) error { return scanSponsors(rows, r) })
}

// CommitAuthorLogins returns the distinct logins, lower-cased and sorted,
// linked to the author of a commit authored at or after since (zero: all
// time). Unlike ActiveLogins it leaves out people who only open issues or
// comment: they are users, not maintainers. Bots are included.
func (s *Store) CommitAuthorLogins(ctx context.Context, since time.Time) ([]string, error) {
	return queryAll(ctx, s.db, "commit author logins",
		`SELECT DISTINCT author_login_key FROM commits WHERE author_login_key <> '' AND author_time >= ? ORDER BY 1`,
		[]any{unixBound(since, math.MinInt64)},
		func(rows *sql.Rows, login *string) error { return rows.Scan(login) })
}
