package store

import (
	"context"
	"slices"
	"testing"
	"time"
)

// Every write to a repository's facts moves its version and no other's;
// profiles and sponsors move the shared one; a write that changes nothing
// (a stale profile) moves nothing.
func TestFactVersions(t *testing.T) {
	t.Parallel()
	s := openTest(t)
	ctx := context.Background()
	at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	versions := func() map[string]int64 {
		t.Helper()
		v, err := s.FactVersions(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	steps := []struct {
		name  string
		write func() error
		moved []string
	}{
		{"commits", func() error {
			return s.UpsertCommits(ctx, []Commit{{Repo: "A/x", SHA: "1", AuthorEmail: "a@x.org", AuthorTime: at}, {Repo: "A/x", SHA: "2", AuthorEmail: "a@x.org", AuthorTime: at}})
		}, []string{AuthorsFacts, "a/x"}},
		{"a known author again", func() error {
			return s.UpsertCommits(ctx, []Commit{{Repo: "a/x", SHA: "3", AuthorEmail: "a@x.org", AuthorTime: at}})
		}, []string{"a/x"}},
		{"issues", func() error {
			return s.UpsertIssues(ctx, []Issue{{Repo: "b/y", Number: 1, CreatedAt: at, UpdatedAt: at}})
		}, []string{"b/y"}},
		{"comments", func() error {
			return s.UpsertComments(ctx, []Comment{{Repo: "b/y", ID: 1, IssueNumber: 1, CreatedAt: at, UpdatedAt: at}})
		}, []string{"b/y"}},
		{"releases", func() error { return s.UpsertReleases(ctx, []Release{{Repo: "a/x", ID: 1, CreatedAt: at}}) }, []string{"a/x"}},
		{"metadata", func() error { return s.UpsertRepo(ctx, Repo{FullName: "b/y", CollectedAt: at}) }, []string{"b/y"}},
		{"a complete list", func() error { return s.SetCursor(ctx, Cursor{Repo: "a/x", Endpoint: CommitsCursor}) }, []string{"a/x"}},
		{"a profile", func() error { return s.UpsertUser(ctx, User{Login: "a", FetchedAt: at}) }, []string{SharedFacts}},
		{"a stale profile", func() error { return s.UpsertUser(ctx, User{Login: "a", FetchedAt: at.Add(-time.Hour)}) }, nil},
		{"a batch of profiles", func() error {
			return s.UpsertUsers(ctx, []User{{Login: "b", FetchedAt: at}, {Login: "a", FetchedAt: at.Add(-time.Hour)}})
		}, []string{SharedFacts}},
		{"a batch of stale profiles", func() error { return s.UpsertUsers(ctx, []User{{Login: "b", FetchedAt: at.Add(-time.Hour)}}) }, nil},
		{"sponsors", func() error { return s.UpsertSponsors(ctx, []Sponsors{{Login: "a", CollectedAt: at}}) }, []string{SharedFacts}},
		{"the same sponsors later", func() error {
			return s.UpsertSponsors(ctx, []Sponsors{{Login: "a", CollectedAt: at.Add(time.Hour)}})
		}, nil},
		{"more sponsors", func() error {
			return s.UpsertSponsors(ctx, []Sponsors{{Login: "a", HasListing: true, Count: 2, CollectedAt: at.Add(2 * time.Hour)}})
		}, []string{SharedFacts}},
		{"an email's login", func() error {
			return s.SetEmailLogins(ctx, []EmailLogin{{Email: "A@x.org", Login: "a", CheckedAt: at}})
		}, []string{AuthorsFacts, "a/x"}},
		{"the same login again", func() error {
			return s.SetEmailLogins(ctx, []EmailLogin{{Email: "a@x.org", Login: "a", CheckedAt: at}})
		}, nil},
	}
	for _, st := range steps {
		before := versions()
		if err := st.write(); err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		after := versions()
		var moved []string
		for k, v := range after {
			if v != before[k] {
				moved = append(moved, k)
			}
		}
		slices.Sort(moved)
		if !slices.Equal(moved, st.moved) {
			t.Errorf("%s moved %v, want %v", st.name, moved, st.moved)
		}
	}
	var got []Author
	if err := s.Authors(ctx, []string{"a/X"}, func(a Author) { got = append(got, a) }); err != nil {
		t.Fatal(err)
	}
	// The author as first stored (no login), and as known once the
	// email's login was learnt.
	want := []Author{{Repo: "a/x", Email: "a@x.org"}, {Repo: "a/x", Login: "a", Email: "a@x.org"}}
	if !slices.Equal(got, want) {
		t.Errorf("authors %+v, want %+v", got, want)
	}
}
