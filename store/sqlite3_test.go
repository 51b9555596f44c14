package store

import (
	"context"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/fundwatch/fundwatch/internal/tooltest"
)

// The standard `sqlite3 fw.db 'PRAGMA integrity_check'` an operator would
// run says ok on a store with data in it: Debian's sqlite3 3.40 once
// reported false corruption on every store (user_orgs, see migration 8).
func TestSQLite3ToolFindsTheStoreIntact(t *testing.T) {
	sqlite3 := tooltest.Require(t, "sqlite3", "sqlite3")
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "fw.db")
	st, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	if err := st.UpsertRepo(ctx, Repo{FullName: "a/b", Stars: 3, CollectedAt: at}); err != nil {
		t.Fatal(err)
	}
	if err := st.UpsertCommits(ctx, []Commit{{Repo: "a/b", SHA: "1", AuthorEmail: "x@y.org", AuthorLogin: "Ann", AuthorTime: at}}); err != nil {
		t.Fatal(err)
	}
	if err := st.UpsertUser(ctx, User{Login: "Ann", Company: "Acme", Orgs: []string{"Acme", "kubernetes"}, FetchedAt: at}); err != nil {
		t.Fatal(err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(sqlite3, path, "PRAGMA integrity_check; PRAGMA foreign_key_check;").CombinedOutput()
	if err != nil || strings.TrimSpace(string(out)) != "ok" {
		t.Errorf("sqlite3 integrity_check: %v\n%s", err, out)
	}
}
