package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"time"
)

// upsertCommit merges a commit into its row. A commit is immutable, but the
// sources that report it know different parts of it: the git mirror knows
// the author's time-zone offset and no login, REST knows logins and reports
// UTC. So a later write replaces every field it knows and keeps the stored
// value of each field it leaves empty (names, emails, logins, message, times,
// and the offset when AuthorTZKnown is false). A commit written without a
// login gets the one its email is known to be linked to (email_logins);
// SetEmailLogins fills in commits stored before the answer. Between the
// two, a commit ends with its login whichever write comes first.
const upsertCommit = `INSERT INTO commits (
	repo_key, repo, sha, author_name, author_email, author_login, author_login_key,
	author_time, author_tz_known, author_tz_offset,
	committer_name, committer_email, committer_login, committer_login_key,
	committer_time, parents, message, author_bot)
VALUES (?1, ?2, ?3, ?4, ?5,
	coalesce(nullif(?6, ''), (SELECT login FROM email_logins WHERE email_key = lower(?5)), ''),
	coalesce(nullif(?7, ''), (SELECT lower(login) FROM email_logins WHERE email_key = lower(?5)), ''),
	?8, ?9, ?10, ?11, ?12,
	coalesce(nullif(?13, ''), (SELECT login FROM email_logins WHERE email_key = lower(?12)), ''),
	coalesce(nullif(?14, ''), (SELECT lower(login) FROM email_logins WHERE email_key = lower(?12)), ''),
	?15, ?16, ?17, ?18)
ON CONFLICT (repo_key, sha) DO UPDATE SET
	repo                = excluded.repo,
	author_name         = iif(excluded.author_name <> '', excluded.author_name, commits.author_name),
	author_email        = iif(excluded.author_email <> '', excluded.author_email, commits.author_email),
	author_login        = iif(excluded.author_login <> '', excluded.author_login, commits.author_login),
	author_login_key    = iif(excluded.author_login <> '', excluded.author_login_key, commits.author_login_key),
	author_time         = coalesce(excluded.author_time, commits.author_time),
	author_tz_offset    = iif(excluded.author_tz_known, excluded.author_tz_offset, commits.author_tz_offset),
	author_tz_known     = max(excluded.author_tz_known, commits.author_tz_known),
	committer_name      = iif(excluded.committer_name <> '', excluded.committer_name, commits.committer_name),
	committer_email     = iif(excluded.committer_email <> '', excluded.committer_email, commits.committer_email),
	committer_login     = iif(excluded.committer_login <> '', excluded.committer_login, commits.committer_login),
	committer_login_key = iif(excluded.committer_login <> '', excluded.committer_login_key, commits.committer_login_key),
	committer_time      = coalesce(excluded.committer_time, commits.committer_time),
	parents             = excluded.parents,
	message             = iif(excluded.message <> '', excluded.message, commits.message),
	author_bot          = max(excluded.author_bot, commits.author_bot)`

// UpsertCommits writes a batch of commits in one transaction, keyed by
// (repo, sha). See upsertCommit for how a commit already stored is merged.
// Callers ingesting a long history may pass it whole: 100k commits take about
// a second; other writers wait meanwhile.
func (s *Store) UpsertCommits(ctx context.Context, cs []Commit) error {
	if len(cs) == 0 {
		return nil
	}
	return s.write(ctx, "upsert commits", func(tx *sql.Tx) error {
		if err := batch(ctx, tx, "commits", upsertCommit, cs, commitArgs); err != nil {
			return err
		}
		// Each distinct author of the batch, with the login its e-mail is
		// known by when the commit names none (as the upsert does).
		type author struct{ repo, login, email, name string }
		seen := map[author]bool{}
		added := false
		for _, c := range cs {
			a := author{key(c.Repo), c.AuthorLogin, c.AuthorEmail, c.AuthorName}
			if seen[a] {
				continue
			}
			seen[a] = true
			res, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO authors (repo_key, login, email, name)
				VALUES (?1, coalesce(nullif(?2, ''), (SELECT login FROM email_logins WHERE email_key = lower(?3)), ''), ?3, ?4)`,
				a.repo, a.login, a.email, a.name)
			if err != nil {
				return fmt.Errorf("authors: %w", err)
			}
			if n, _ := res.RowsAffected(); n > 0 {
				added = true
			}
		}
		if added {
			if err := bumpVersions(ctx, tx, AuthorsFacts); err != nil {
				return err
			}
		}
		return bumpVersions(ctx, tx, repoKeys(cs, func(c Commit) string { return c.Repo })...)
	})
}

func commitArgs(c Commit) ([]any, error) {
	if c.Repo == "" || c.SHA == "" {
		return nil, errors.New("empty repo or sha")
	}
	tz := 0
	if c.AuthorTZKnown {
		tz = c.AuthorTZOffset
	}
	return []any{
		key(c.Repo), c.Repo, c.SHA, c.AuthorName, c.AuthorEmail, c.AuthorLogin, key(c.AuthorLogin),
		unix(c.AuthorTime), c.AuthorTZKnown, tz,
		c.CommitterName, c.CommitterEmail, c.CommitterLogin, key(c.CommitterLogin),
		unix(c.CommitterTime), c.Parents, c.Message, c.AuthorBot,
	}, nil
}

// Commits returns the commits of repo whose author time is in [from, to),
// ordered by author time then sha. A zero from or to leaves that side
// unbounded; commits without an author time are returned (first) only when
// both are zero.
//
// Times come back in UTC, except AuthorTime when AuthorTZKnown: it is then in
// time.FixedZone("", AuthorTZOffset*60), so AuthorTime.Hour() and .Weekday()
// are the author's local wall clock (what the working-hours test needs). The
// instant is the same either way; call .UTC() for UTC calendar arithmetic,
// and do not add the offset again.
func (s *Store) Commits(ctx context.Context, repo string, from, to time.Time) ([]Commit, error) {
	q := `SELECT repo, sha, author_name, author_email, author_login, author_time, author_tz_known,
		author_tz_offset, committer_name, committer_email, committer_login, committer_time, parents, message, author_bot
		FROM commits WHERE repo_key = ?`
	args := []any{key(repo)}
	if !from.IsZero() || !to.IsZero() {
		q += ` AND author_time >= ? AND author_time < ?`
		args = append(args, unixBound(from, math.MinInt64), unixBound(to, math.MaxInt64))
	}
	q += ` ORDER BY author_time, sha`
	return queryAll(ctx, s.db, "commits of "+repo, q, args, func(rows *sql.Rows, c *Commit) error {
		err := rows.Scan(&c.Repo, &c.SHA, &c.AuthorName, &c.AuthorEmail, &c.AuthorLogin, utc{&c.AuthorTime},
			&c.AuthorTZKnown, &c.AuthorTZOffset, &c.CommitterName, &c.CommitterEmail, &c.CommitterLogin,
			utc{&c.CommitterTime}, &c.Parents, &c.Message, &c.AuthorBot)
		if err == nil && c.AuthorTZKnown && !c.AuthorTime.IsZero() {
			c.AuthorTime = c.AuthorTime.In(fixedZone(c.AuthorTZOffset))
		}
		return err
	})
}

// AuthoredCommits returns the commits of repo with only what an analysis
// reads of them (repo, sha, the author's name, e-mail, login, time and
// offset, whether a bot): no committer, parents or message, which are
// most of a commit's bytes. Ordered by author time then sha.
func (s *Store) AuthoredCommits(ctx context.Context, repo string) ([]Commit, error) {
	q := `SELECT repo, sha, author_name, author_email, author_login, author_time, author_tz_known,
		author_tz_offset, author_bot
		FROM commits WHERE repo_key = ? ORDER BY author_time, sha`
	return queryAll(ctx, s.db, "commits of "+repo, q, []any{key(repo)}, func(rows *sql.Rows, c *Commit) error {
		err := rows.Scan(&c.Repo, &c.SHA, &c.AuthorName, &c.AuthorEmail, &c.AuthorLogin, utc{&c.AuthorTime},
			&c.AuthorTZKnown, &c.AuthorTZOffset, &c.AuthorBot)
		if err == nil && c.AuthorTZKnown && !c.AuthorTime.IsZero() {
			c.AuthorTime = c.AuthorTime.In(fixedZone(c.AuthorTZOffset))
		}
		return err
	})
}

// fixedZone returns the zone for an offset in minutes east of UTC, shared
// for the common offsets so that reading 100k commits does not allocate 100k
// zones.
func fixedZone(minutes int) *time.Location {
	if minutes >= -16*60 && minutes <= 16*60 && minutes%15 == 0 {
		return commonZones[minutes/15+64]
	}
	return time.FixedZone("", minutes*60)
}

var commonZones = func() []*time.Location {
	zs := make([]*time.Location, 129)
	for i := range zs {
		zs[i] = time.FixedZone("", (i-64)*15*60)
	}
	return zs
}()
