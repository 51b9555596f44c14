package store

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// The same facts stored in a different order, at a different time, give
// the same dump; a different fact gives a different one.
func TestDumpIsCanonical(t *testing.T) {
	ctx := context.Background()
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	c1 := Commit{Repo: "a/b", SHA: "1", AuthorEmail: "x@y.org", AuthorTime: at}
	c2 := Commit{Repo: "a/b", SHA: "2", AuthorEmail: "z@y.org", AuthorTime: at.Add(time.Hour)}
	dump := func(commits []Commit, collected time.Time) string {
		st, err := Open(filepath.Join(t.TempDir(), "fw.db"))
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		if err := st.UpsertRepo(ctx, Repo{FullName: "a/b", Stars: 3, CollectedAt: collected}); err != nil {
			t.Fatal(err)
		}
		if err := st.UpsertCommits(ctx, commits); err != nil {
			t.Fatal(err)
		}
		if err := st.IntegrityCheck(ctx); err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		if err := st.Dump(ctx, &b); err != nil {
			t.Fatal(err)
		}
		return b.String()
	}
	a := dump([]Commit{c1, c2}, at)
	b := dump([]Commit{c2, c1}, at.Add(24*time.Hour))
	if a != b {
		t.Errorf("dumps differ:\n%s\n---\n%s", a, b)
	}
	c2.AuthorEmail = "other@y.org"
	if c := dump([]Commit{c1, c2}, at); c == a {
		t.Error("a changed fact does not change the dump")
	}
	if !strings.Contains(a, "# commits (") || !strings.Contains(a, `"x@y.org"`) || strings.Contains(a, "collected_at") {
		t.Errorf("dump:\n%s", a)
	}
}
