package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"strconv"
	"strings"
	"time"
)

// migrationFS holds the schema migrations, one file per version, named
// NNNN_description.sql. A migration is never edited once released: change
// the schema by adding the next file.
//
//go:embed migrations/*.sql
var migrationFS embed.FS

type migration struct {
	version int
	name    string
	sql     string
}

// migrations returns the embedded migrations in version order, checking that
// versions run 1, 2, 3, ... without gaps or duplicates.
func migrations() ([]migration, error) {
	entries, err := fs.ReadDir(migrationFS, "migrations")
	if err != nil {
		return nil, err
	}
	var ms []migration
	for _, e := range entries { // ReadDir sorts by name
		num, name, ok := strings.Cut(strings.TrimSuffix(e.Name(), ".sql"), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil {
			return nil, fmt.Errorf("migration file %s: want NNNN_name.sql", e.Name())
		}
		if v != len(ms)+1 {
			return nil, fmt.Errorf("migration file %s: version %d, want %d", e.Name(), v, len(ms)+1)
		}
		b, err := migrationFS.ReadFile(path.Join("migrations", e.Name()))
		if err != nil {
			return nil, err
		}
		ms = append(ms, migration{version: v, name: name, sql: string(b)})
	}
	return ms, nil
}

// SchemaVersion is the newest schema version this binary knows.
func SchemaVersion() int {
	ms, err := migrations()
	if err != nil || len(ms) == 0 {
		return 0
	}
	return ms[len(ms)-1].version
}

// migrate brings the database to schema version upTo (0: the newest known
// schema), each migration in its own transaction together with its
// schema_migrations row, so a crash leaves the database at a version
// boundary. Two processes opening the same new file at once are safe: the
// write lock is taken before the version is read (BEGIN IMMEDIATE), so the
// second sees the first's work.
func (s *Store) migrate(ctx context.Context, upTo int) error {
	ms, err := migrations()
	if err != nil {
		return fmt.Errorf("embedded migrations: %w", err)
	}
	known := ms[len(ms)-1].version

	if err := s.inTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
			version    INTEGER NOT NULL PRIMARY KEY,
			name       TEXT    NOT NULL,
			applied_at INTEGER NOT NULL
		) STRICT`)
		return err
	}); err != nil {
		return fmt.Errorf("create schema_migrations: %w", err)
	}

	for _, m := range ms {
		if upTo > 0 && m.version > upTo {
			break
		}
		err := s.inTx(ctx, func(tx *sql.Tx) error {
			var cur int
			if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(version), 0) FROM schema_migrations`).Scan(&cur); err != nil {
				return err
			}
			if cur > known {
				return &FutureSchemaError{Version: cur, Known: known}
			}
			if cur >= m.version {
				return nil // already applied
			}
			if cur != m.version-1 {
				return fmt.Errorf("schema version %d cannot be migrated to %d", cur, m.version)
			}
			if _, err := tx.ExecContext(ctx, m.sql); err != nil {
				return err
			}
			_, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`,
				m.version, m.name, time.Now().Unix())
			return err
		})
		var future *FutureSchemaError
		if errors.As(err, &future) {
			return err
		}
		if err != nil {
			return fmt.Errorf("migration %04d_%s: %w", m.version, m.name, err)
		}
	}
	return nil
}

// FutureSchemaError reports a database written by a newer fundwatch, whose
// schema this binary cannot read safely. Open returns it wrapped, with the
// path.
type FutureSchemaError struct {
	Version int // schema version recorded in the database
	Known   int // newest version this binary knows
}

func (e *FutureSchemaError) Error() string {
	return fmt.Sprintf("database schema version %d is newer than this fundwatch knows (%d): upgrade fundwatch or use another database file", e.Version, e.Known)
}
