package store

import (
	"context"

	"fmt"
	"io"
	"strings"
)

// dumpTables are the collected facts, with the columns that record when
// fundwatch fetched something (wall-clock bookkeeping, different in every
// run) left out. Cursors, ETags, runs and per-repo status are bookkeeping
// too and are not part of a dump.
var dumpTables = []struct {
	table   string
	exclude []string
}{
	{"repos", []string{"collected_at"}},
	{"commits", nil},
	{"issues", nil},
	{"comments", nil},
	{"releases", nil},
	{"users", []string{"fetched_at"}},
	{"user_orgs", nil},
	{"sponsors", []string{"collected_at"}},
	{"email_logins", []string{"checked_at"}},
	// What GitHub says of the watched names; when it was first seen gone
	// depends on when fundwatch looked.
	{"repo_state", []string{"gone_since"}},
}

// Dump writes every collected fact in a canonical text form (tables in a
// fixed order, rows sorted, one line each), so that two stores holding the
// same facts give the same bytes however and in whatever order they were
// collected: what crash and chaos tests compare.
func (s *Store) Dump(ctx context.Context, w io.Writer) error {
	for _, t := range dumpTables {
		cols, err := s.columns(ctx, t.table)
		if err != nil {
			return err
		}
		var keep []string
		for _, c := range cols {
			if !contains(t.exclude, c) {
				keep = append(keep, c)
			}
		}
		q := fmt.Sprintf("SELECT %s FROM %s ORDER BY %s", strings.Join(keep, ", "), t.table, strings.Join(keep, ", "))
		rows, err := s.db.QueryContext(ctx, q)
		if err != nil {
			return fmt.Errorf("dump %s: %w", t.table, err)
		}
		fmt.Fprintf(w, "# %s (%s)\n", t.table, strings.Join(keep, ", "))
		vals := make([]any, len(keep))
		ptrs := make([]any, len(keep))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		for rows.Next() {
			if err := rows.Scan(ptrs...); err != nil {
				rows.Close()
				return err
			}
			for i, v := range vals {
				if i > 0 {
					io.WriteString(w, "\t")
				}
				if b, ok := v.([]byte); ok {
					v = string(b)
				}
				fmt.Fprintf(w, "%q", fmt.Sprint(v))
			}
			io.WriteString(w, "\n")
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return err
		}
	}
	return nil
}

func (s *Store) columns(ctx context.Context, table string) ([]string, error) {
	rows, err := s.db.QueryContext(ctx, "SELECT name FROM pragma_table_info(?) ORDER BY cid", table)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("dump: no table %s", table)
	}
	return out, rows.Err()
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// IntegrityCheck runs SQLite's full integrity check (structure, indexes,
// constraints) and returns an error listing what it found.
func (s *Store) IntegrityCheck(ctx context.Context) error {
	rows, err := s.db.QueryContext(ctx, "PRAGMA integrity_check")
	if err != nil {
		return err
	}
	defer rows.Close()
	var problems []string
	for rows.Next() {
		var r string
		if err := rows.Scan(&r); err != nil {
			return err
		}
		if r != "ok" {
			problems = append(problems, r)
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if len(problems) > 0 {
		return fmt.Errorf("integrity check: %s", strings.Join(problems, "; "))
	}
	var fk int
	if err := s.db.QueryRowContext(ctx, "SELECT count(*) FROM pragma_foreign_key_check").Scan(&fk); err != nil {
		return err
	}
	if fk > 0 {
		return fmt.Errorf("integrity check: %d foreign key violations", fk)
	}
	return nil
}
