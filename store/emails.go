package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// EmailLogin is what GitHub said about one commit email.
type EmailLogin struct {
	Email     string
	Login     string // "" when the email is linked to no account
	CheckedAt time.Time
}

// SetEmailLogins records answers about commit emails (case-insensitive),
// and gives every stored commit made with a linked email and still without
// a login that login: an email names one account wherever it was used, so
// the logins of a history do not depend on which repository happened to
// ask about the email first.
func (s *Store) SetEmailLogins(ctx context.Context, rows []EmailLogin) error {
	if len(rows) == 0 {
		return nil
	}
	return s.write(ctx, "set email logins", func(tx *sql.Tx) error {
		for _, r := range rows {
			if r.Email == "" {
				return errors.New("store: set email login: empty email")
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO email_logins (email_key, email, login, checked_at)
				VALUES (?, ?, ?, ?)
				ON CONFLICT (email_key) DO UPDATE SET
					email = excluded.email, login = excluded.login, checked_at = excluded.checked_at`,
				key(r.Email), r.Email, r.Login, r.CheckedAt.Unix()); err != nil {
				return err
			}
			if r.Login == "" {
				continue
			}
			// The repositories whose commits get a login now have new
			// facts, and an author known by it.
			repos, err := repoKeysOf(ctx, tx, `SELECT DISTINCT repo_key FROM commits WHERE lower(author_email) = ? AND author_login = ''`, key(r.Email))
			if err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `UPDATE commits SET author_login = ?, author_login_key = ?
				WHERE lower(author_email) = ? AND author_login = ''`, r.Login, key(r.Login), key(r.Email)); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `UPDATE commits SET committer_login = ?, committer_login_key = ?
				WHERE lower(committer_email) = ? AND committer_login = ''`, r.Login, key(r.Login), key(r.Email)); err != nil {
				return err
			}
			if len(repos) > 0 {
				if err := noteAuthors(ctx, tx, r.Email); err != nil {
					return err
				}
				if err := bumpVersions(ctx, tx, repos...); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

// EmailLogins returns what is known of each of emails, keyed by the lower-
// case email: an answer recorded with SetEmailLogins, or else a login some
// stored commit (from REST, which reports logins) links the email to.
// Emails nothing is known of are absent.
func (s *Store) EmailLogins(ctx context.Context, emails []string) (map[string]EmailLogin, error) {
	out := make(map[string]EmailLogin, len(emails))
	err := inChunks(emails, func(in string, args []any) error {
		// Answers recorded, then emails REST already linked in commits
		// stored before: those count where no answer links the email.
		for _, q := range []struct{ what, sql string }{
			{"email logins", `SELECT email_key, email, login, checked_at FROM email_logins WHERE email_key IN (` + in + `)`},
			{"email logins from commits", `SELECT lower(author_email), max(author_email), max(author_login), max(author_time)
				FROM commits WHERE lower(author_email) IN (` + in + `) AND author_login <> '' GROUP BY lower(author_email)`},
		} {
			err := s.scanEmailLogins(ctx, q.sql, args, func(k string, r EmailLogin) {
				if prev, ok := out[k]; !ok || prev.Login == "" && prev.CheckedAt.Before(r.CheckedAt) {
					out[k] = r
				}
			})
			if err != nil {
				return fmt.Errorf("store: %s: %w", q.what, err)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// scanEmailLogins runs q, whose rows are (email key, email, login, time),
// and hands each row to fn.
func (s *Store) scanEmailLogins(ctx context.Context, q string, args []any, fn func(string, EmailLogin)) error {
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var (
			k string
			r EmailLogin
		)
		if err := rows.Scan(&k, &r.Email, &r.Login, utc{&r.CheckedAt}); err != nil {
			return err
		}
		fn(k, r)
	}
	return rows.Err()
}
