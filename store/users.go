package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"time"
)

// UpsertUser inserts or replaces one profile, keyed by login
// (case-insensitively), and replaces its organisation memberships with
// u.Orgs. A stored profile with a newer FetchedAt is kept, orgs included.
func (s *Store) UpsertUser(ctx context.Context, u User) error {
	return s.UpsertUsers(ctx, []User{u})
}

// UpsertUsers is UpsertUser of many profiles in one transaction: a batch
// of profiles costs one commit (and one bump of the shared facts'
// version), not one each.
func (s *Store) UpsertUsers(ctx context.Context, us []User) error {
	for _, u := range us {
		if u.Login == "" {
			return errors.New("store: upsert users: empty login")
		}
	}
	if len(us) == 0 {
		return nil
	}
	return s.write(ctx, fmt.Sprintf("upsert %d users", len(us)), func(tx *sql.Tx) error {
		changed := false
		for _, u := range us {
			c, err := upsertUser(ctx, tx, u)
			if err != nil {
				return fmt.Errorf("user %s: %w", u.Login, err)
			}
			changed = changed || c
		}
		if !changed {
			return nil
		}
		return bumpVersions(ctx, tx, SharedFacts)
	})
}

// upsertUser writes one profile and its orgs in tx; false when the stored
// one is newer and was kept.
func upsertUser(ctx context.Context, tx *sql.Tx, u User) (bool, error) {
	k := key(u.Login)
	res, err := tx.ExecContext(ctx, `INSERT INTO users (login_key, login, github_id, type, name, company,
		email, location, blog, created_at, fetched_at)
	VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
	ON CONFLICT (login_key) DO UPDATE SET
		login = excluded.login, github_id = excluded.github_id, type = excluded.type,
		name = excluded.name, company = excluded.company, email = excluded.email,
		location = excluded.location, blog = excluded.blog, created_at = excluded.created_at,
		fetched_at = excluded.fetched_at
	WHERE excluded.fetched_at IS NULL OR users.fetched_at IS NULL
		OR excluded.fetched_at >= users.fetched_at`,
		k, u.Login, u.GitHubID, u.Type, u.Name, u.Company, u.Email, u.Location, u.Blog,
		unix(u.CreatedAt), unix(u.FetchedAt))
	if err != nil {
		return false, err
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return false, err // stale: the stored profile is newer
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM user_orgs WHERE login_key = ?`, k); err != nil {
		return false, err
	}
	for i, org := range u.Orgs {
		if org == "" {
			continue
		}
		// Duplicates (case-insensitive) keep their first position.
		if _, err := tx.ExecContext(ctx, `INSERT INTO user_orgs (login_key, org, pos) VALUES (?, ?, ?)
			ON CONFLICT DO NOTHING`, k, org, i); err != nil {
			return false, fmt.Errorf("org %q: %w", org, err)
		}
	}
	return true, nil
}

const userColumns = `login, github_id, type, name, company, email, location, blog, created_at, fetched_at`

func scanUser(row interface{ Scan(...any) error }, u *User) error {
	return row.Scan(&u.Login, &u.GitHubID, &u.Type, &u.Name, &u.Company, &u.Email, &u.Location, &u.Blog,
		utc{&u.CreatedAt}, utc{&u.FetchedAt})
}

// User returns one profile by login (case-insensitive); false when it has
// not been fetched. Orgs is in the order last given, nil when none.
func (s *Store) User(ctx context.Context, login string) (User, bool, error) {
	var u User
	err := scanUser(s.db.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE login_key = ?`, key(login)), &u)
	if errors.Is(err, sql.ErrNoRows) {
		return User{}, false, nil
	}
	if err != nil {
		return User{}, false, fmt.Errorf("store: user %s: %w", login, err)
	}
	u.Orgs, err = queryAll(ctx, s.db, "orgs of "+login,
		`SELECT org FROM user_orgs WHERE login_key = ? ORDER BY pos`, []any{key(login)},
		func(rows *sql.Rows, org *string) error { return rows.Scan(org) })
	if err != nil {
		return User{}, false, err
	}
	return u, true, nil
}

// UsersByLogin returns the stored profiles of logins (with their orgs),
// keyed by lower-cased login; a login never fetched is absent. Two
// queries for the lot, where User costs two each.
func (s *Store) UsersByLogin(ctx context.Context, logins []string) (map[string]User, error) {
	out := make(map[string]User, len(logins))
	err := inChunks(logins, func(in string, args []any) error {
		us, err := queryAll(ctx, s.db, "users by login", `SELECT `+userColumns+` FROM users WHERE login_key IN (`+in+`)`, args,
			func(rows *sql.Rows, u *User) error { return scanUser(rows, u) })
		if err != nil {
			return err
		}
		for _, u := range us {
			out[key(u.Login)] = u
		}
		type userOrg struct{ login, org string }
		orgs, err := queryAll(ctx, s.db, "orgs of users", `SELECT login_key, org FROM user_orgs WHERE login_key IN (`+in+`) ORDER BY login_key, pos`, args,
			func(rows *sql.Rows, o *userOrg) error { return rows.Scan(&o.login, &o.org) })
		if err != nil {
			return err
		}
		for _, o := range orgs {
			if u, ok := out[o.login]; ok {
				u.Orgs = append(u.Orgs, o.org)
				out[o.login] = u
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Users returns every stored profile with its orgs, ordered by login
// (case-insensitively).
func (s *Store) Users(ctx context.Context) ([]User, error) {
	us, err := queryAll(ctx, s.db, "users", `SELECT `+userColumns+` FROM users ORDER BY login_key`, nil,
		func(rows *sql.Rows, u *User) error { return scanUser(rows, u) })
	if err != nil || len(us) == 0 {
		return us, err
	}
	idx := make(map[string]int, len(us))
	for i, u := range us {
		idx[key(u.Login)] = i
	}
	type userOrg struct{ login, org string }
	orgs, err := queryAll(ctx, s.db, "user orgs", `SELECT login_key, org FROM user_orgs ORDER BY login_key, pos`, nil,
		func(rows *sql.Rows, o *userOrg) error { return rows.Scan(&o.login, &o.org) })
	if err != nil {
		return nil, err
	}
	for _, o := range orgs {
		if i, ok := idx[o.login]; ok {
			us[i].Orgs = append(us[i].Orgs, o.org)
		}
	}
	return us, nil
}

// ActiveLogins returns the distinct logins, lower-cased and sorted, that
// authored a commit (by author time), committed one (by committer time),
// opened an issue or pull request, or commented at or after since. A zero
// since means all time; rows whose time is unknown never count. Bots are
// included; analysis tells them apart.
func (s *Store) ActiveLogins(ctx context.Context, since time.Time) ([]string, error) {
	t := unixBound(since, math.MinInt64)
	return queryAll(ctx, s.db, "active logins", activeLoginsQuery, []any{t},
		func(rows *sql.Rows, login *string) error { return rows.Scan(login) })
}

// activeLoginsQuery is served by the partial covering indexes *_active.
const activeLoginsQuery = `
	SELECT author_login_key FROM commits WHERE author_login_key <> '' AND author_time >= ?1
	UNION SELECT committer_login_key FROM commits WHERE committer_login_key <> '' AND committer_time >= ?1
	UNION SELECT author_key FROM issues WHERE author_key <> '' AND created_at >= ?1
	UNION SELECT author_key FROM comments WHERE author_key <> '' AND created_at >= ?1
	ORDER BY 1`
