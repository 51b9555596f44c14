// Package store is fundwatch's one write path: it keeps the facts the
// collectors gather from GitHub (repos, commits, issues, comments, releases,
// users) and the collectors' own bookkeeping (cursors, ETags, runs, per-repo
// status) in an embedded SQLite database, and hands them back to analysis.
//
// Conventions every method follows:
//
//   - Each write method is one transaction. Writes are idempotent upserts on
//     natural keys (repo full name; repo+sha; repo+number; repo+comment id;
//     repo+release id; login), so re-running a sync never double-counts.
//   - Repo full names and logins are case-insensitive keys (GitHub treats
//     them so); the display form last written is kept and returned.
//   - Times are stored as unix seconds (sub-second precision is dropped) and
//     returned in UTC; the zero time.Time is stored as NULL and comes back
//     zero. The one exception is Commit.AuthorTime, returned in the author's
//     own time.FixedZone when AuthorTZKnown (see Store.Commits).
//   - The database runs in WAL mode with synchronous=NORMAL: a committed
//     transaction survives a process crash; a power loss may drop the last
//     few commits but never corrupts the file.
//
// Concurrency: a Store is safe for use by many goroutines. Writes are
// serialised inside the process (so collectors writing at once never see
// SQLITE_BUSY) and start with BEGIN IMMEDIATE under a busy timeout (so a
// second process, e.g. a `fundwatch collect` beside `serve`, waits instead of
// failing). Reads run concurrently with each other and with the writer.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" database/sql driver
)

const (
	// busyTimeout is how long a connection waits on a lock held by another
	// connection or process before giving up with SQLITE_BUSY.
	busyTimeout = 30 * time.Second
	// maxOpenConns bounds the pool: one writer at a time plus readers. WAL
	// lets readers proceed while a write is in progress.
	maxOpenConns = 8
)

// Store is an open fundwatch database.
type Store struct {
	db   *sql.DB
	path string
	// wsem serialises write transactions in this process. It is a channel,
	// not a mutex, so a waiting writer honours its context.
	wsem chan struct{}
}

// Open opens (creating if needed, parent directory included) the database at
// path and migrates it to the schema this binary knows. It fails, naming the
// path, when the database was written by a newer fundwatch.
func Open(path string) (*Store, error) { return open(path, 0) }

// open opens the store at path migrated up to schema version upTo (0: the
// newest); tests open older schemas to check what a migration does to the
// rows it finds.
func open(path string, upTo int) (*Store, error) {
	if path == "" {
		return nil, errors.New("store: empty database path")
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("store %s: %w", path, err)
	}
	if err := os.MkdirAll(filepath.Dir(abs), 0o755); err != nil {
		return nil, fmt.Errorf("store %s: create parent directory: %w", path, err)
	}
	db, err := sql.Open("sqlite", dsn(abs))
	if err != nil {
		return nil, fmt.Errorf("store %s: %w", path, err)
	}
	db.SetMaxOpenConns(maxOpenConns)
	db.SetMaxIdleConns(maxOpenConns)
	db.SetConnMaxIdleTime(0)
	db.SetConnMaxLifetime(0)
	s := &Store{db: db, path: path, wsem: make(chan struct{}, 1)}

	ctx := context.Background()
	if err := s.checkPragmas(ctx); err != nil {
		db.Close()
		if why := accessProblem(abs); why != "" {
			return nil, fmt.Errorf("store %s: %s (%w)", path, why, err)
		}
		return nil, fmt.Errorf("store %s: %w", path, err)
	}
	if err := s.migrate(ctx, upTo); err != nil {
		db.Close()
		return nil, fmt.Errorf("store %s: %w", path, err)
	}
	return s, nil
}

// accessProblem says why SQLite could not open the file at abs when the
// reason is the file system's ("unable to open database file (14)" says
// nothing): a file this user cannot read or write, or a directory it
// cannot write (SQLite writes its -wal and -shm files next to the store).
// "" when none of these is the cause.
func accessProblem(abs string) string {
	dir := filepath.Dir(abs)
	if fi, err := os.Stat(abs); err == nil {
		if fi.IsDir() {
			return "it is a directory, not a file"
		}
		if f, err := os.OpenFile(abs, os.O_RDWR, 0); err != nil {
			return fmt.Sprintf("this user (uid %d) cannot read and write the file: %v", os.Getuid(), err)
		} else {
			f.Close()
		}
	}
	probe, err := os.CreateTemp(dir, ".fundwatch-write-check-*")
	if err != nil {
		return fmt.Sprintf("this user (uid %d) cannot create files in %s (SQLite needs to, for its -wal and -shm files): %v", os.Getuid(), dir, err)
	}
	probe.Close()
	os.Remove(probe.Name())
	return ""
}

// dsn builds a file: URI for modernc.org/sqlite. The path is escaped so that
// '?', '#' or '%' in a directory name cannot be read as URI syntax; the
// _pragma parameters run on every new pooled connection.
func dsn(abs string) string {
	u := url.URL{Scheme: "file", Path: filepath.ToSlash(abs)}
	q := url.Values{}
	q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", busyTimeout.Milliseconds()))
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "synchronous(NORMAL)")
	q.Add("_pragma", "foreign_keys(1)")
	// BEGIN IMMEDIATE takes the write lock up front: a deferred transaction
	// that reads and then writes can fail with SQLITE_BUSY(_SNAPSHOT) in WAL
	// mode without the busy handler ever being consulted.
	q.Set("_txlock", "immediate")
	// url.URL renders "file:///abs"; SQLite accepts that form.
	return u.String() + "?" + q.Encode()
}

// checkPragmas verifies that the connection really runs as configured; a
// filesystem without shared memory support silently keeps journal_mode=delete.
func (s *Store) checkPragmas(ctx context.Context) error {
	var mode string
	if err := s.db.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil {
		return fmt.Errorf("read journal_mode: %w", err)
	}
	if !strings.EqualFold(mode, "wal") {
		return fmt.Errorf("journal_mode is %q, want wal", mode)
	}
	var fk int
	if err := s.db.QueryRowContext(ctx, "PRAGMA foreign_keys").Scan(&fk); err != nil {
		return fmt.Errorf("read foreign_keys: %w", err)
	}
	if fk != 1 {
		return errors.New("foreign_keys is off")
	}
	return nil
}

// Close closes the database. Everything committed is on disk.
func (s *Store) Close() error {
	if err := s.db.Close(); err != nil {
		return fmt.Errorf("store %s: close: %w", s.path, err)
	}
	return nil
}

// Path returns the path the Store was opened with.
func (s *Store) Path() string { return s.path }

// write runs fn in one write transaction, serialised with the other writers
// of this Store. what names the operation in errors.
func (s *Store) write(ctx context.Context, what string, fn func(tx *sql.Tx) error) error {
	if err := s.inTx(ctx, fn); err != nil {
		return fmt.Errorf("store: %s: %w", what, err)
	}
	return nil
}

// inTx is write without the error prefix.
func (s *Store) inTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	select {
	case s.wsem <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	defer func() { <-s.wsem }()

	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// countedTables are the tables Counts reports, in a fixed order.
var countedTables = []string{
	"repos", "commits", "issues", "comments", "releases",
	"users", "user_orgs", "sponsors", "cursors", "etags", "runs", "repo_status", "repo_state",
}

// Counts returns the number of rows per table, for logs and tests.
func (s *Store) Counts(ctx context.Context) (map[string]int, error) {
	parts := make([]string, len(countedTables))
	for i, t := range countedTables {
		parts[i] = "(SELECT count(*) FROM " + t + ")"
	}
	dest := make([]any, len(countedTables))
	ns := make([]int, len(countedTables))
	for i := range ns {
		dest[i] = &ns[i]
	}
	if err := s.db.QueryRowContext(ctx, "SELECT "+strings.Join(parts, ", ")).Scan(dest...); err != nil {
		return nil, fmt.Errorf("store: counts: %w", err)
	}
	m := make(map[string]int, len(countedTables))
	for i, t := range countedTables {
		m[t] = ns[i]
	}
	return m, nil
}

// key is the case-insensitive form of a repo full name or login.
func key(s string) string { return strings.ToLower(s) }

// inChunks calls fn with the keys (lower-cased) in chunks, each with its
// placeholders ("?,?,?") for an IN list: SQLite bounds the parameters of
// one statement (32,766), and a lookup by many keys must stay under it.
func inChunks(keys []string, fn func(in string, args []any) error) error {
	const chunk = 500
	for start := 0; start < len(keys); start += chunk {
		part := keys[start:min(start+chunk, len(keys))]
		args := make([]any, len(part))
		for i, k := range part {
			args[i] = key(k)
		}
		if err := fn(strings.TrimSuffix(strings.Repeat("?,", len(part)), ","), args); err != nil {
			return err
		}
	}
	return nil
}

// unix encodes t for an INTEGER column: unix seconds, NULL for the zero time.
func unix(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.Unix()
}

// unixBound encodes a range bound; the zero time means unbounded.
func unixBound(t time.Time, unbounded int64) int64 {
	if t.IsZero() {
		return unbounded
	}
	return t.Unix()
}

// utc is an sql.Scanner that decodes a unix-seconds column into a UTC
// time.Time, NULL into the zero time.
type utc struct{ t *time.Time }

func (u utc) Scan(v any) error {
	switch v := v.(type) {
	case nil:
		*u.t = time.Time{}
	case int64:
		*u.t = time.Unix(v, 0).UTC()
	default:
		return fmt.Errorf("time column holds %T, want integer", v)
	}
	return nil
}

// queryAll runs q and appends one scanned value per row.
func queryAll[T any](ctx context.Context, db *sql.DB, what, q string, args []any, scan func(*sql.Rows, *T) error) ([]T, error) {
	rows, err := db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("store: %s: %w", what, err)
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		var v T
		if err := scan(rows, &v); err != nil {
			return nil, fmt.Errorf("store: %s: %w", what, err)
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: %s: %w", what, err)
	}
	return out, nil
}

// batch runs one prepared statement over every element of xs inside tx.
// args validates an element and returns its statement arguments; errors name
// the element's index.
func batch[T any](ctx context.Context, tx *sql.Tx, what, q string, xs []T, args func(T) ([]any, error)) error {
	stmt, err := tx.PrepareContext(ctx, q)
	if err != nil {
		return fmt.Errorf("prepare: %w", err)
	}
	defer stmt.Close()
	for i, x := range xs {
		a, err := args(x)
		if err != nil {
			return fmt.Errorf("%s[%d]: %w", what, i, err)
		}
		if _, err := stmt.ExecContext(ctx, a...); err != nil {
			return fmt.Errorf("%s[%d]: %w", what, i, err)
		}
	}
	return nil
}
