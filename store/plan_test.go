package store

import (
	"strings"
	"testing"
)

// TestQueryPlansUseIndexes guards the read paths against full table scans
// and temporary sorts, which would turn analysis of a large watch list slow.
func TestQueryPlansUseIndexes(t *testing.T) {
	t.Parallel()
	s := openTest(t)
	tests := []struct {
		name, query string
		args        []any
	}{
		{"commits unbounded", `SELECT sha FROM commits WHERE repo_key = ? ORDER BY author_time, sha`, []any{"o/r"}},
		{"commits window", `SELECT sha FROM commits WHERE repo_key = ? AND author_time >= ? AND author_time < ? ORDER BY author_time, sha`, []any{"o/r", 0, 1}},
		{"issues", `SELECT number FROM issues WHERE repo_key = ? ORDER BY number`, []any{"o/r"}},
		{"comments", `SELECT id FROM comments WHERE repo_key = ? ORDER BY created_at, id`, []any{"o/r"}},
		{"active commit authors", `SELECT author_login_key FROM commits WHERE author_login_key <> '' AND author_time >= ?`, []any{0}},
		{"active committers", `SELECT committer_login_key FROM commits WHERE committer_login_key <> '' AND committer_time >= ?`, []any{0}},
		{"active issue authors", `SELECT author_key FROM issues WHERE author_key <> '' AND created_at >= ?`, []any{0}},
		{"active commenters", `SELECT author_key FROM comments WHERE author_key <> '' AND created_at >= ?`, []any{0}},
		{"repo", `SELECT full_name FROM repos WHERE repo_key = ?`, []any{"o/r"}},
		{"user orgs", `SELECT org FROM user_orgs WHERE login_key = ? ORDER BY pos`, []any{"u"}},
		// Full reads: a scan in key order, no sort.
		{"all user orgs", `SELECT login_key, org FROM user_orgs ORDER BY login_key, pos`, nil},
		{"all users", `SELECT login FROM users ORDER BY login_key`, nil},
		{"all repos", `SELECT full_name FROM repos ORDER BY repo_key`, nil},
		{"all statuses", `SELECT repo FROM repo_status ORDER BY repo_key, collector`, nil},
		{"cursor", `SELECT since FROM cursors WHERE repo_key = ? AND endpoint = ?`, []any{"o/r", "issues"}},
		{"last run", `SELECT id FROM runs WHERE collector = ? ORDER BY started DESC, id DESC LIMIT 1`, []any{"c"}},
	}
	// The whole ActiveLogins query: every branch searches its index (the
	// final ORDER BY of a UNION needs its own sort, which is fine).
	rows, err := s.db.Query("EXPLAIN QUERY PLAN"+activeLoginsQuery, 0)
	must(t, err)
	searches := 0
	for rows.Next() {
		var id, parent, notused int
		var detail string
		must(t, rows.Scan(&id, &parent, &notused, &detail))
		if strings.HasPrefix(detail, "SCAN") {
			t.Errorf("ActiveLogins: %s", detail)
		}
		if strings.HasPrefix(detail, "SEARCH") && strings.Contains(detail, "_active") {
			searches++
		}
	}
	rows.Close()
	if searches != 4 {
		t.Errorf("ActiveLogins: %d index searches, want 4", searches)
	}

	for _, tt := range tests {
		rows, err := s.db.Query("EXPLAIN QUERY PLAN "+tt.query, tt.args...)
		must(t, err)
		var plan []string
		for rows.Next() {
			var id, parent, notused int
			var detail string
			must(t, rows.Scan(&id, &parent, &notused, &detail))
			plan = append(plan, detail)
		}
		must(t, rows.Err())
		rows.Close()
		p := strings.Join(plan, "; ")
		full := tt.args == nil
		if (!full && !strings.Contains(p, "SEARCH")) || strings.Contains(p, "TEMP B-TREE") {
			t.Errorf("%s: plan %q, want an index search (or a full scan in key order) without a temporary sort", tt.name, p)
		}
	}
}
