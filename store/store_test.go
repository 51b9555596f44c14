package store

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"
)

var (
	ctx = context.Background()
	t0  = time.Date(2024, 3, 10, 12, 0, 0, 0, time.UTC)
)

func openTest(t testing.TB) *Store {
	t.Helper()
	s, err := Open(filepath.Join(t.TempDir(), "sub", "dir", "fundwatch.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func integrityOK(t testing.TB, s *Store) {
	t.Helper()
	var res string
	must(t, s.db.QueryRow("PRAGMA integrity_check").Scan(&res))
	if res != "ok" {
		t.Fatalf("integrity_check: %s", res)
	}
	rows, err := s.db.Query("PRAGMA foreign_key_check")
	must(t, err)
	defer rows.Close()
	if rows.Next() {
		t.Fatal("foreign_key_check reports violations")
	}
}

func TestOpenMigratesEmpty(t *testing.T) {
	t.Parallel()
	s := openTest(t)
	if !strings.HasSuffix(s.Path(), filepath.Join("sub", "dir", "fundwatch.db")) {
		t.Errorf("Path() = %q", s.Path())
	}
	var v, n int
	must(t, s.db.QueryRow("SELECT max(version), count(*) FROM schema_migrations").Scan(&v, &n))
	if v != SchemaVersion() || n != SchemaVersion() || v < 1 {
		t.Errorf("schema_migrations: max %d, rows %d; want %d", v, n, SchemaVersion())
	}
	pragmas := map[string]string{"journal_mode": "wal", "foreign_keys": "1", "synchronous": "1", "busy_timeout": "30000"}
	for p, want := range pragmas {
		var got string
		must(t, s.db.QueryRow("PRAGMA "+p).Scan(&got))
		if got != want {
			t.Errorf("PRAGMA %s = %s, want %s", p, got, want)
		}
	}
	counts, err := s.Counts(ctx)
	must(t, err)
	for table, c := range counts {
		if c != 0 {
			t.Errorf("%s has %d rows in a new database", table, c)
		}
	}
	if len(counts) != len(countedTables) {
		t.Errorf("Counts has %d tables, want %d", len(counts), len(countedTables))
	}
	integrityOK(t, s)
}

func TestOpenErrorsNameThePath(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	// A file where the parent directory should be.
	blocker := filepath.Join(dir, "file")
	s, err := Open(blocker)
	must(t, err)
	must(t, s.Close())
	path := filepath.Join(blocker, "x.db")
	if _, err := Open(path); err == nil || !strings.Contains(err.Error(), path) {
		t.Errorf("Open(%q) error = %v, want it to name the path", path, err)
	}
	if _, err := Open(""); err == nil {
		t.Error("Open(\"\") succeeded")
	}
}

func TestFutureSchemaVersion(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "future.db")
	s, err := Open(path)
	must(t, err)
	_, err = s.db.Exec("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, 'from_the_future', 0)",
		SchemaVersion()+1)
	must(t, err)
	must(t, s.Close())

	_, err = Open(path)
	if err == nil {
		t.Fatal("Open of a database from a newer binary succeeded")
	}
	var future *FutureSchemaError
	if !errors.As(err, &future) || future.Version != SchemaVersion()+1 || future.Known != SchemaVersion() {
		t.Errorf("error = %v, want a FutureSchemaError", err)
	}
	for _, want := range []string{path, "newer", fmt.Sprint(SchemaVersion() + 1)} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
}

func TestPathWithURISyntax(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "a?b#c%20d", "x.db")
	s, err := Open(path)
	must(t, err)
	must(t, s.UpsertRepo(ctx, Repo{FullName: "o/r"}))
	must(t, s.Close())
	s, err = Open(path)
	must(t, err)
	defer s.Close()
	if _, ok, err := s.Repo(ctx, "o/r"); !ok || err != nil {
		t.Fatalf("repo lost after reopen of %q: %v", path, err)
	}
}

// world is one of everything, for round-trip and restart tests.
type world struct {
	repos    []Repo
	commits  []Commit
	issues   []Issue
	comments []Comment
	releases []Release
	users    []User
	cursors  []Cursor
	etags    []ETag
	runs     []Run
}

func testWorld() world {
	tz := time.FixedZone("", 2*3600)
	return world{
		repos: []Repo{
			{FullName: "Acme/Rocket", GitHubID: 7, Description: "goes up", Stars: 1200, Forks: 30, Watchers: 40,
				OpenIssues: 12, Archived: false, Fork: false, DefaultBranch: "main", License: "MIT",
				OwnerType: "Organization", Language: "Go", CreatedAt: t0.AddDate(-5, 0, 0), PushedAt: t0,
				UpdatedAt: t0, FundingYML: "github: [alice]\n", HasFundingYML: true, CollectedAt: t0},
			{FullName: "bob/tool", Archived: true, Disabled: true, Fork: true, OwnerType: "User"},
		},
		commits: []Commit{
			{Repo: "Acme/Rocket", SHA: "aaa", AuthorName: "Alice", AuthorEmail: "alice@acme.com", AuthorLogin: "Alice",
				AuthorTime: t0.Add(-time.Hour).In(tz), AuthorTZKnown: true, AuthorTZOffset: 120,
				CommitterName: "GitHub", CommitterEmail: "noreply@github.com", CommitterLogin: "web-flow",
				CommitterTime: t0, Parents: 2, Message: "Merge pull request #1"},
			{Repo: "Acme/Rocket", SHA: "bbb", AuthorName: "Bob", AuthorEmail: "bob@example.org",
				AuthorTime: t0, CommitterTime: t0, Parents: 1, Message: "fix"},
		},
		issues: []Issue{
			{Repo: "Acme/Rocket", Number: 1, IsPull: true, Title: "add thrust", Author: "Alice", State: "closed",
				Comments: 2, CreatedAt: t0.AddDate(0, -1, 0), UpdatedAt: t0, ClosedAt: t0, MergedAt: t0},
			{Repo: "Acme/Rocket", Number: 2, Title: "it fell", Author: "dependabot[bot]", AuthorBot: true,
				State: "open", CreatedAt: t0, UpdatedAt: t0},
		},
		comments: []Comment{
			{Repo: "Acme/Rocket", ID: 900, IssueNumber: 2, Author: "carol", CreatedAt: t0.Add(time.Minute),
				UpdatedAt: t0.Add(time.Minute)},
			{Repo: "Acme/Rocket", ID: 901, IssueNumber: 2, Author: "github-actions[bot]", AuthorBot: true,
				CreatedAt: t0.Add(2 * time.Minute)},
		},
		releases: []Release{
			{Repo: "Acme/Rocket", ID: 55, TagName: "v1.0.0", Name: "One", Author: "Alice", CreatedAt: t0.AddDate(0, -2, 0),
				PublishedAt: t0.AddDate(0, -2, 0)},
			{Repo: "Acme/Rocket", ID: 56, TagName: "v1.1.0", Draft: true, Prerelease: true, CreatedAt: t0},
		},
		users: []User{
			{Login: "Alice", GitHubID: 1, Type: "User", Name: "Alice A.", Company: "@acme", Email: "alice@acme.com",
				Location: "Berlin", Blog: "https://alice.dev", CreatedAt: t0.AddDate(-10, 0, 0),
				Orgs: []string{"acme", "Zeta"}, FetchedAt: t0},
			{Login: "dependabot[bot]", Type: "Bot"},
		},
		cursors: []Cursor{
			{Repo: "Acme/Rocket", Endpoint: "issues", Since: t0, ETag: `W/"abc"`},
			{Repo: "", Endpoint: "sponsors"},
		},
		etags: []ETag{{URL: "/repos/acme/rocket?per_page=100", ETag: `"x1"`}},
		runs: []Run{
			{Collector: "commits", Started: t0, Finished: t0.Add(time.Minute), OK: true, Repos: 2},
			{Collector: "issues", Started: t0, Finished: t0.Add(time.Minute), Error: "boom", Repos: 2, Failed: 1},
		},
	}
}

func (w world) write(t testing.TB, s *Store) {
	t.Helper()
	for _, r := range w.repos {
		must(t, s.UpsertRepo(ctx, r))
	}
	must(t, s.UpsertCommits(ctx, w.commits))
	must(t, s.UpsertIssues(ctx, w.issues))
	must(t, s.UpsertComments(ctx, w.comments))
	must(t, s.UpsertReleases(ctx, w.releases))
	for _, u := range w.users {
		must(t, s.UpsertUser(ctx, u))
	}
	for _, c := range w.cursors {
		must(t, s.SetCursor(ctx, c))
	}
	for _, e := range w.etags {
		must(t, s.SetETag(ctx, e.URL, e.ETag))
	}
	for _, r := range w.runs {
		must(t, s.RecordRun(ctx, r))
	}
}

// check reads everything back and compares it with w.
func (w world) check(t testing.TB, s *Store) {
	t.Helper()
	eq := func(what string, got, want any) {
		t.Helper()
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s:\n got %+v\nwant %+v", what, got, want)
		}
	}
	repos, err := s.Repos(ctx)
	must(t, err)
	eq("Repos", repos, w.repos)

	commits, err := s.Commits(ctx, "acme/rocket", time.Time{}, time.Time{})
	must(t, err)
	if len(commits) != len(w.commits) {
		t.Fatalf("Commits: %d, want %d", len(commits), len(w.commits))
	}
	for i := range commits {
		// time.Time from FixedZone is compared by instant and offset.
		g, x := commits[i], w.commits[i]
		if !g.AuthorTime.Equal(x.AuthorTime) || !g.CommitterTime.Equal(x.CommitterTime) {
			t.Errorf("commit %s times: got %v/%v want %v/%v", g.SHA, g.AuthorTime, g.CommitterTime, x.AuthorTime, x.CommitterTime)
		}
		_, goff := g.AuthorTime.Zone()
		_, xoff := x.AuthorTime.Zone()
		if goff != xoff {
			t.Errorf("commit %s offset: got %d want %d", g.SHA, goff, xoff)
		}
		g.AuthorTime, g.CommitterTime, x.AuthorTime, x.CommitterTime = time.Time{}, time.Time{}, time.Time{}, time.Time{}
		eq("commit "+g.SHA, g, x)
	}

	issues, err := s.Issues(ctx, "acme/rocket")
	must(t, err)
	eq("Issues", issues, w.issues)
	comments, err := s.Comments(ctx, "ACME/ROCKET")
	must(t, err)
	eq("Comments", comments, w.comments)
	releases, err := s.Releases(ctx, "Acme/Rocket")
	must(t, err)
	eq("Releases", releases, w.releases)

	users, err := s.Users(ctx)
	must(t, err)
	eq("Users", users, w.users)
	for _, u := range w.users {
		got, ok, err := s.User(ctx, strings.ToUpper(u.Login))
		must(t, err)
		if !ok {
			t.Errorf("User(%s) not found", u.Login)
		}
		eq("User "+u.Login, got, u)
	}
	for _, c := range w.cursors {
		got, ok, err := s.Cursor(ctx, c.Repo, c.Endpoint)
		must(t, err)
		if !ok {
			t.Errorf("Cursor(%q, %q) not found", c.Repo, c.Endpoint)
		}
		eq("Cursor", got, c)
	}
	for _, e := range w.etags {
		got, ok, err := s.ETag(ctx, e.URL)
		must(t, err)
		if !ok || got != e.ETag {
			t.Errorf("ETag(%s) = %q, %v; want %q", e.URL, got, ok, e.ETag)
		}
	}
	runs, err := s.LastRuns(ctx)
	must(t, err)
	eq("LastRuns", runs, w.runs)
}

func TestRoundTripAndRestart(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "restart.db")
	w := testWorld()
	s, err := Open(path)
	must(t, err)
	w.write(t, s)
	w.check(t, s)
	before, err := s.Counts(ctx)
	must(t, err)
	// No Close: a crash leaves the WAL behind; a second process (or the
	// restarted one) must see every committed transaction.
	s2, err := Open(path)
	must(t, err)
	w.check(t, s2)
	must(t, s2.Close())
	must(t, s.Close())

	s, err = Open(path)
	must(t, err)
	defer s.Close()
	w.check(t, s)
	after, err := s.Counts(ctx)
	must(t, err)
	if !reflect.DeepEqual(before, after) {
		t.Errorf("counts changed across restart: %v -> %v", before, after)
	}
	var n int
	must(t, s.db.QueryRow("SELECT count(*) FROM schema_migrations").Scan(&n))
	if n != SchemaVersion() {
		t.Errorf("schema_migrations has %d rows after reopen, want %d", n, SchemaVersion())
	}
	integrityOK(t, s)
}

func TestIdempotentUpserts(t *testing.T) {
	t.Parallel()
	s := openTest(t)
	w := testWorld()
	w.runs = nil // runs are a log, not facts: each RecordRun appends
	w.write(t, s)
	first, err := s.Counts(ctx)
	must(t, err)
	w.write(t, s)
	// Same facts under other spellings of the keys.
	for i := range w.commits {
		w.commits[i].Repo = strings.ToLower(w.commits[i].Repo)
	}
	for i := range w.users {
		w.users[i].Login = strings.ToUpper(w.users[i].Login)
	}
	w.write(t, s)
	second, err := s.Counts(ctx)
	must(t, err)
	if !reflect.DeepEqual(first, second) {
		t.Errorf("counts after re-upsert: %v, want %v", second, first)
	}
	for _, table := range []string{"repos", "commits", "issues", "comments", "releases", "users", "user_orgs", "cursors", "etags"} {
		if first[table] == 0 {
			t.Errorf("%s: no rows written", table)
		}
	}
}

func TestNewerDataReplaces(t *testing.T) {
	t.Parallel()
	s := openTest(t)
	const repo = "o/r"
	open := Issue{Repo: repo, Number: 1, Title: "bug", Author: "a", State: "open", CreatedAt: t0, UpdatedAt: t0}
	closed := open
	closed.State, closed.Title, closed.Comments = "closed", "bug (fixed)", 3
	closed.UpdatedAt, closed.ClosedAt = t0.Add(time.Hour), t0.Add(time.Hour)

	tests := []struct {
		name  string
		write []Issue
		want  Issue
	}{
		{"open", []Issue{open}, open},
		{"open then closed", []Issue{open, closed}, closed},
		{"stale open after closed is ignored", []Issue{closed, open}, closed},
		{"same update twice", []Issue{closed, closed}, closed},
	}
	for i, tt := range tests {
		r := fmt.Sprintf("%s%d", repo, i)
		for _, is := range tt.write {
			is.Repo = r
			must(t, s.UpsertIssues(ctx, []Issue{is}))
		}
		got, err := s.Issues(ctx, r)
		must(t, err)
		want := tt.want
		want.Repo = r
		if len(got) != 1 || !reflect.DeepEqual(got[0], want) {
			t.Errorf("%s: got %+v, want %+v", tt.name, got, want)
		}
	}

	// Repo metadata: a newer collection replaces, an older one does not.
	must(t, s.UpsertRepo(ctx, Repo{FullName: repo, Stars: 1, CollectedAt: t0}))
	must(t, s.UpsertRepo(ctx, Repo{FullName: "O/R", Stars: 2, CollectedAt: t0.Add(time.Hour)}))
	must(t, s.UpsertRepo(ctx, Repo{FullName: repo, Stars: 1, CollectedAt: t0}))
	r, ok, err := s.Repo(ctx, repo)
	must(t, err)
	if !ok || r.Stars != 2 || r.FullName != "O/R" {
		t.Errorf("repo = %+v, %v; want stars 2 and display name O/R", r, ok)
	}

	// Users: orgs are replaced, not merged; a stale fetch changes nothing.
	must(t, s.UpsertUser(ctx, User{Login: "u", Company: "old", Orgs: []string{"a", "b"}, FetchedAt: t0}))
	must(t, s.UpsertUser(ctx, User{Login: "U", Company: "new", Orgs: []string{"c", "C", "a"}, FetchedAt: t0.Add(time.Hour)}))
	must(t, s.UpsertUser(ctx, User{Login: "u", Company: "stale", Orgs: []string{"z"}, FetchedAt: t0}))
	u, _, err := s.User(ctx, "u")
	must(t, err)
	if u.Company != "new" || u.Login != "U" || !reflect.DeepEqual(u.Orgs, []string{"c", "a"}) {
		t.Errorf("user = %+v; want company new, orgs [c a]", u)
	}
	must(t, s.UpsertUser(ctx, User{Login: "u", FetchedAt: t0.Add(2 * time.Hour)}))
	u, _, err = s.User(ctx, "u")
	must(t, err)
	if u.Orgs != nil {
		t.Errorf("orgs after upsert without orgs = %v, want nil", u.Orgs)
	}

	// Many profiles at once: the same rules, one transaction; read back
	// by login, case-insensitively, orgs in order, the unknown absent.
	must(t, s.UpsertUsers(ctx, []User{
		{Login: "v", Company: "acme", Orgs: []string{"x", "y"}, FetchedAt: t0},
		{Login: "W", Company: "globex", FetchedAt: t0},
		{Login: "u", Company: "stale", FetchedAt: t0}, // older than the stored one: kept
	}))
	byLogin, err := s.UsersByLogin(ctx, []string{"V", "w", "u", "nobody"})
	must(t, err)
	if len(byLogin) != 3 || byLogin["v"].Company != "acme" || !reflect.DeepEqual(byLogin["v"].Orgs, []string{"x", "y"}) ||
		byLogin["w"].Login != "W" || byLogin["w"].Orgs != nil || byLogin["u"].Company == "stale" {
		t.Errorf("users by login = %+v", byLogin)
	}
	if err := s.UpsertUsers(ctx, []User{{Login: "ok"}, {}}); err == nil {
		t.Error("a batch with an empty login was stored")
	} else if _, known, _ := s.User(ctx, "ok"); known {
		t.Error("a refused batch stored part of itself")
	}

	// Comments: edited body -> newer UpdatedAt replaces.
	c := Comment{Repo: repo, ID: 5, IssueNumber: 1, Author: "a", CreatedAt: t0, UpdatedAt: t0}
	must(t, s.UpsertComments(ctx, []Comment{c}))
	c.UpdatedAt, c.IssueNumber = t0.Add(time.Minute), 2
	must(t, s.UpsertComments(ctx, []Comment{c}))
	cs, err := s.Comments(ctx, repo)
	must(t, err)
	if len(cs) != 1 || !reflect.DeepEqual(cs[0], c) {
		t.Errorf("comments = %+v, want [%+v]", cs, c)
	}

	// Releases: a draft that gets published.
	rel := Release{Repo: repo, ID: 9, TagName: "v1", Draft: true, CreatedAt: t0}
	must(t, s.UpsertReleases(ctx, []Release{rel}))
	rel.Draft, rel.PublishedAt = false, t0.Add(time.Hour)
	must(t, s.UpsertReleases(ctx, []Release{rel}))
	rs, err := s.Releases(ctx, repo)
	must(t, err)
	if len(rs) != 1 || !reflect.DeepEqual(rs[0], rel) {
		t.Errorf("releases = %+v, want [%+v]", rs, rel)
	}
}

func TestCommitMergeAcrossSources(t *testing.T) {
	t.Parallel()
	local := t0.In(time.FixedZone("", -5*3600))
	fromGit := Commit{Repo: "o/r", SHA: "abc", AuthorName: "Ann", AuthorEmail: "ann@x.org", AuthorTime: local,
		AuthorTZKnown: true, AuthorTZOffset: -300, CommitterName: "Ann", CommitterEmail: "ann@x.org",
		CommitterTime: t0, Parents: 1, Message: "init"}
	fromREST := Commit{Repo: "o/r", SHA: "abc", AuthorName: "Ann", AuthorEmail: "ann@x.org", AuthorLogin: "ann",
		AuthorTime: t0, CommitterLogin: "ann", CommitterTime: t0, Parents: 1}
	want := fromGit
	want.AuthorLogin, want.CommitterLogin = "ann", "ann"

	for _, order := range [][]Commit{{fromGit, fromREST}, {fromREST, fromGit}} {
		s := openTest(t)
		for _, c := range order {
			must(t, s.UpsertCommits(ctx, []Commit{c}))
		}
		got, err := s.Commits(ctx, "o/r", time.Time{}, time.Time{})
		must(t, err)
		if len(got) != 1 {
			t.Fatalf("got %d commits", len(got))
		}
		if got[0].AuthorTime.Hour() != local.Hour() || !got[0].AuthorTime.Equal(t0) {
			t.Errorf("author time = %v, want %v", got[0].AuthorTime, local)
		}
		got[0].AuthorTime = local
		if !reflect.DeepEqual(got[0], want) {
			t.Errorf("merged commit:\n got %+v\nwant %+v", got[0], want)
		}
	}
}

func TestTimeRoundTrip(t *testing.T) {
	t.Parallel()
	s := openTest(t)
	tests := []struct {
		name      string
		in        time.Time
		tzKnown   bool
		tzMinutes int
		want      time.Time // instant
		wantOff   int       // seconds east of UTC of the returned AuthorTime
	}{
		{"zero", time.Time{}, false, 0, time.Time{}, 0},
		{"utc", t0, false, 0, t0, 0},
		{"nanoseconds dropped", t0.Add(999 * time.Millisecond), false, 0, t0, 0},
		{"non-UTC input, unknown offset", t0.In(time.FixedZone("X", 3600)), false, 0, t0, 0},
		{"known +05:45", t0.In(time.FixedZone("", 345*60)), true, 345, t0, 345 * 60},
		{"known -03:30", t0.In(time.FixedZone("", -210*60)), true, -210, t0, -210 * 60},
		{"known +00:00", t0, true, 0, t0, 0},
		{"odd offset +00:07", t0, true, 7, t0, 7 * 60},
		{"before 1970", time.Date(1969, 7, 20, 20, 17, 40, 0, time.UTC), false, 0, time.Date(1969, 7, 20, 20, 17, 40, 0, time.UTC), 0},
		{"unix epoch is not zero", time.Unix(0, 0), false, 0, time.Unix(0, 0).UTC(), 0},
	}
	for i, tt := range tests {
		repo := fmt.Sprintf("o/r%d", i)
		must(t, s.UpsertCommits(ctx, []Commit{{Repo: repo, SHA: "s", AuthorTime: tt.in, AuthorTZKnown: tt.tzKnown,
			AuthorTZOffset: tt.tzMinutes, CommitterTime: tt.in}}))
		must(t, s.UpsertIssues(ctx, []Issue{{Repo: repo, Number: 1, CreatedAt: tt.in, ClosedAt: tt.in}}))
		cs, err := s.Commits(ctx, repo, time.Time{}, time.Time{})
		must(t, err)
		is, err := s.Issues(ctx, repo)
		must(t, err)
		if len(cs) != 1 || len(is) != 1 {
			t.Fatalf("%s: %d commits, %d issues", tt.name, len(cs), len(is))
		}
		c := cs[0]
		if !c.AuthorTime.Equal(tt.want) || c.AuthorTime.IsZero() != tt.want.IsZero() {
			t.Errorf("%s: author time %v, want %v", tt.name, c.AuthorTime, tt.want)
		}
		if _, off := c.AuthorTime.Zone(); off != tt.wantOff {
			t.Errorf("%s: author offset %ds, want %ds", tt.name, off, tt.wantOff)
		}
		if c.AuthorTZKnown != tt.tzKnown || c.AuthorTZOffset != tt.tzMinutes {
			t.Errorf("%s: tz %v %d, want %v %d", tt.name, c.AuthorTZKnown, c.AuthorTZOffset, tt.tzKnown, tt.tzMinutes)
		}
		for what, got := range map[string]time.Time{"committer": c.CommitterTime, "created": is[0].CreatedAt, "closed": is[0].ClosedAt} {
			if got != tt.want.UTC() && !(tt.want.IsZero() && got.IsZero()) {
				t.Errorf("%s: %s time %v (%v), want %v in UTC", tt.name, what, got, got.Location(), tt.want)
			}
		}
		if !is[0].UpdatedAt.IsZero() || !is[0].MergedAt.IsZero() {
			t.Errorf("%s: unset times came back non-zero", tt.name)
		}
	}
}

func TestCommitsRange(t *testing.T) {
	t.Parallel()
	s := openTest(t)
	day := func(d int) time.Time { return t0.AddDate(0, 0, d) }
	must(t, s.UpsertCommits(ctx, []Commit{
		{Repo: "o/r", SHA: "d2b", AuthorTime: day(2)},
		{Repo: "o/r", SHA: "d0", AuthorTime: day(0)},
		{Repo: "o/r", SHA: "d2a", AuthorTime: day(2)},
		{Repo: "o/r", SHA: "d5", AuthorTime: day(5)},
		{Repo: "o/r", SHA: "none"},
		{Repo: "o/other", SHA: "x", AuthorTime: day(2)},
	}))
	tests := []struct {
		name     string
		from, to time.Time
		want     string
	}{
		{"unbounded", time.Time{}, time.Time{}, "none d0 d2a d2b d5"},
		{"from inclusive", day(2), time.Time{}, "d2a d2b d5"},
		{"to exclusive", time.Time{}, day(2), "d0"},
		{"window", day(1), day(5), "d2a d2b"},
		{"empty", day(3), day(4), ""},
	}
	for _, tt := range tests {
		cs, err := s.Commits(ctx, "O/R", tt.from, tt.to)
		must(t, err)
		var got []string
		for _, c := range cs {
			got = append(got, c.SHA)
		}
		if strings.Join(got, " ") != tt.want {
			t.Errorf("%s: got %v, want %s", tt.name, got, tt.want)
		}
	}
}

func TestCursorsAndETags(t *testing.T) {
	t.Parallel()
	s := openTest(t)
	if _, ok, err := s.Cursor(ctx, "o/r", "issues"); ok || err != nil {
		t.Errorf("missing cursor: ok %v err %v", ok, err)
	}
	tests := []Cursor{
		{Repo: "O/R", Endpoint: "issues", Since: t0, ETag: `W/"1"`},
		{Repo: "o/r", Endpoint: "issues", Since: t0.Add(time.Hour), ETag: `W/"2"`}, // replaces, key is case-insensitive
		{Repo: "o/r", Endpoint: "comments"},
		{Repo: "", Endpoint: "probe", Since: t0},
	}
	for _, c := range tests {
		must(t, s.SetCursor(ctx, c))
		got, ok, err := s.Cursor(ctx, strings.ToUpper(c.Repo), c.Endpoint)
		must(t, err)
		if !ok || got != c {
			t.Errorf("Cursor round trip: got %+v %v, want %+v", got, ok, c)
		}
	}
	counts, err := s.Counts(ctx)
	must(t, err)
	if counts["cursors"] != 3 {
		t.Errorf("cursors = %d, want 3", counts["cursors"])
	}
	if err := s.SetCursor(ctx, Cursor{Repo: "o/r"}); err == nil {
		t.Error("SetCursor without endpoint succeeded")
	}

	const url = "/repos/o/r/issues?state=all&per_page=100"
	if _, ok, err := s.ETag(ctx, url); ok || err != nil {
		t.Errorf("missing etag: ok %v err %v", ok, err)
	}
	for _, e := range []string{`"a"`, `W/"b"`} {
		must(t, s.SetETag(ctx, url, e))
		got, ok, err := s.ETag(ctx, url)
		must(t, err)
		if !ok || got != e {
			t.Errorf("ETag = %q %v, want %q", got, ok, e)
		}
	}
	must(t, s.SetETag(ctx, url, ""))
	if _, ok, _ := s.ETag(ctx, url); ok {
		t.Error("SetETag(url, \"\") did not forget the url")
	}
}

func TestRecordRepoAttempt(t *testing.T) {
	t.Parallel()
	s := openTest(t)
	boom := errors.New("502 bad gateway")
	steps := []struct {
		at   time.Time
		err  error
		want RepoStatus
	}{
		{t0, boom, RepoStatus{Repo: "O/R", Collector: "issues", LastAttempt: t0, LastError: boom.Error()}},
		{t0.Add(time.Hour), nil, RepoStatus{Repo: "O/R", Collector: "issues", LastAttempt: t0.Add(time.Hour), LastSuccess: t0.Add(time.Hour)}},
		{t0.Add(2 * time.Hour), boom, RepoStatus{Repo: "O/R", Collector: "issues", LastAttempt: t0.Add(2 * time.Hour), LastSuccess: t0.Add(time.Hour), LastError: boom.Error()}},
		{t0.Add(3 * time.Hour), nil, RepoStatus{Repo: "O/R", Collector: "issues", LastAttempt: t0.Add(3 * time.Hour), LastSuccess: t0.Add(3 * time.Hour)}},
	}
	for i, st := range steps {
		must(t, s.RecordRepoAttempt(ctx, "O/R", "issues", st.at, st.err))
		got, err := s.RepoStatuses(ctx)
		must(t, err)
		if len(got) != 1 || got[0] != st.want {
			t.Errorf("step %d: got %+v, want %+v", i, got, st.want)
		}
	}
	must(t, s.RecordRepoAttempt(ctx, "a/b", "commits", t0, nil))
	must(t, s.RecordRepoAttempt(ctx, "o/r", "commits", t0, nil))
	got, err := s.RepoStatuses(ctx)
	must(t, err)
	var keys []string
	for _, st := range got {
		keys = append(keys, st.Repo+" "+st.Collector)
	}
	if want := "a/b commits,o/r commits,O/R issues"; strings.Join(keys, ",") != want {
		t.Errorf("statuses %v, want %s", keys, want)
	}
}

// A batch of successes is each repository's RecordRepoAttempt of a
// success: it clears the last error and keeps other collectors' rows.
func TestRecordRepoSuccesses(t *testing.T) {
	t.Parallel()
	s := openTest(t)
	must(t, s.RecordRepoAttempt(ctx, "O/R", "issues", t0, errors.New("502")))
	must(t, s.RecordRepoAttempt(ctx, "o/r", "commits", t0, nil))
	at := t0.Add(time.Hour)
	must(t, s.RecordRepoSuccesses(ctx, "issues", at, []string{"o/r", "a/b"}))
	got, err := s.RepoStatuses(ctx)
	must(t, err)
	want := []RepoStatus{
		{Repo: "a/b", Collector: "issues", LastAttempt: at, LastSuccess: at},
		{Repo: "o/r", Collector: "commits", LastAttempt: t0, LastSuccess: t0},
		{Repo: "o/r", Collector: "issues", LastAttempt: at, LastSuccess: at},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("statuses %+v, want %+v", got, want)
	}
	if err := s.RecordRepoSuccesses(ctx, "issues", at, []string{"x/y", ""}); err == nil {
		t.Error("a batch with an empty repository was recorded")
	}
	must(t, s.RecordRepoSuccesses(ctx, "issues", at, nil))
}

// ProbeMarks is ProbeMarkOf of every repository of one collector.
func TestProbeMarks(t *testing.T) {
	t.Parallel()
	s := openTest(t)
	must(t, s.SetProbeMark(ctx, "O/R", "issues", "fp1", t0))
	must(t, s.SetProbeMark(ctx, "a/b", "issues", "fp2", t0.Add(time.Hour)))
	must(t, s.SetProbeMark(ctx, "o/r", "commits", "fp3", t0))
	got, err := s.ProbeMarks(ctx, "issues")
	must(t, err)
	want := map[string]ProbeMark{"o/r": {Fingerprint: "fp1", RefreshedAt: t0}, "a/b": {Fingerprint: "fp2", RefreshedAt: t0.Add(time.Hour)}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("marks %+v, want %+v", got, want)
	}
	for repo, m := range want {
		one, ok, err := s.ProbeMarkOf(ctx, repo, "issues")
		if err != nil || !ok || one != m {
			t.Errorf("ProbeMarkOf(%s) = %+v %v %v, want %+v", repo, one, ok, err, m)
		}
	}
}

func TestLastRuns(t *testing.T) {
	t.Parallel()
	s := openTest(t)
	runs := []Run{
		{Collector: "issues", Started: t0, OK: true},
		{Collector: "commits", Started: t0.Add(time.Hour), Error: "late"},
		{Collector: "commits", Started: t0, OK: true}, // recorded later, started earlier
		{Collector: "issues", Started: t0.Add(time.Hour), Finished: t0.Add(2 * time.Hour), OK: true, Repos: 3},
	}
	for _, r := range runs {
		must(t, s.RecordRun(ctx, r))
	}
	got, err := s.LastRuns(ctx)
	must(t, err)
	want := []Run{runs[1], runs[3]}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("LastRuns:\n got %+v\nwant %+v", got, want)
	}
}

func TestRunsPruned(t *testing.T) {
	t.Parallel()
	s := openTest(t)
	for i := range runsKept + 5 {
		must(t, s.RecordRun(ctx, Run{Collector: "c", Started: t0.Add(time.Duration(i) * time.Minute)}))
	}
	must(t, s.RecordRun(ctx, Run{Collector: "d", Started: t0}))
	counts, err := s.Counts(ctx)
	must(t, err)
	if counts["runs"] != runsKept+1 {
		t.Errorf("runs = %d, want %d", counts["runs"], runsKept+1)
	}
}

func TestActiveLogins(t *testing.T) {
	t.Parallel()
	s := openTest(t)
	old, recent := t0.AddDate(-1, 0, 0), t0.AddDate(0, 0, 1)
	must(t, s.UpsertCommits(ctx, []Commit{
		{Repo: "o/r", SHA: "1", AuthorLogin: "Alice", AuthorTime: recent, CommitterLogin: "web-flow", CommitterTime: recent},
		{Repo: "o/r", SHA: "2", AuthorLogin: "oldtimer", AuthorTime: old, CommitterLogin: "Rebaser", CommitterTime: recent},
		{Repo: "o/r", SHA: "3", AuthorName: "no login", AuthorTime: recent},
		{Repo: "o/r", SHA: "4", AuthorLogin: "alice", AuthorTime: t0}, // boundary: at since
	}))
	must(t, s.UpsertIssues(ctx, []Issue{
		{Repo: "o/r", Number: 1, Author: "Reporter", CreatedAt: recent},
		{Repo: "o/r", Number: 2, Author: "ancient", CreatedAt: old, UpdatedAt: recent},
	}))
	must(t, s.UpsertComments(ctx, []Comment{
		{Repo: "x/y", ID: 1, Author: "helper", CreatedAt: t0},
		{Repo: "x/y", ID: 2, Author: "", CreatedAt: recent},
	}))
	tests := []struct {
		since time.Time
		want  []string
	}{
		{t0, []string{"alice", "helper", "rebaser", "reporter", "web-flow"}},
		{time.Time{}, []string{"alice", "ancient", "helper", "oldtimer", "rebaser", "reporter", "web-flow"}},
		{recent.Add(time.Second), nil},
	}
	for _, tt := range tests {
		got, err := s.ActiveLogins(ctx, tt.since)
		must(t, err)
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("ActiveLogins(%v) = %v, want %v", tt.since, got, tt.want)
		}
	}
}

func TestValidation(t *testing.T) {
	t.Parallel()
	s := openTest(t)
	tests := []struct {
		name string
		err  error
	}{
		{"repo", s.UpsertRepo(ctx, Repo{})},
		{"commit without sha", s.UpsertCommits(ctx, []Commit{{Repo: "o/r", SHA: "ok"}, {Repo: "o/r"}})},
		{"issue without number", s.UpsertIssues(ctx, []Issue{{Repo: "o/r"}})},
		{"comment without id", s.UpsertComments(ctx, []Comment{{Repo: "o/r"}})},
		{"release without repo", s.UpsertReleases(ctx, []Release{{ID: 1}})},
		{"user", s.UpsertUser(ctx, User{})},
		{"etag", s.SetETag(ctx, "", "x")},
		{"run", s.RecordRun(ctx, Run{})},
		{"attempt", s.RecordRepoAttempt(ctx, "", "c", t0, nil)},
	}
	for _, tt := range tests {
		if tt.err == nil {
			t.Errorf("%s: invalid input accepted", tt.name)
		}
	}
	// The failed batch is rolled back whole: commit "ok" was not kept.
	counts, err := s.Counts(ctx)
	must(t, err)
	if counts["commits"] != 0 {
		t.Errorf("a failed batch left %d commits", counts["commits"])
	}
	if err := s.UpsertCommits(ctx, []Commit{{Repo: "o/r", SHA: "1"}, {Repo: "o/r"}}); err == nil || !strings.Contains(err.Error(), "commits[1]") {
		t.Errorf("error %v does not name the element", err)
	}
}

func TestConcurrentWriters(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "concurrent.db")
	s, err := Open(path)
	must(t, err)
	defer s.Close()
	// A second Store on the same file stands in for a second process: its
	// writes contend through SQLite's locks, not the in-process semaphore.
	other, err := Open(path)
	must(t, err)
	defer other.Close()

	const writers, rounds, batchSize = 8, 30, 50
	var wg sync.WaitGroup
	errs := make(chan error, writers*rounds*4)
	for w := range writers {
		st := s
		if w%2 == 1 {
			st = other
		}
		wg.Go(func() {
			repo := fmt.Sprintf("o/r%d", w)
			for r := range rounds {
				cs := make([]Commit, batchSize)
				for i := range cs {
					cs[i] = Commit{Repo: repo, SHA: fmt.Sprintf("%d-%d", r, i), AuthorLogin: "dev", AuthorTime: t0}
				}
				errs <- st.UpsertCommits(ctx, cs)
				errs <- st.UpsertIssues(ctx, []Issue{{Repo: repo, Number: r + 1, UpdatedAt: t0}})
				errs <- st.RecordRepoAttempt(ctx, repo, "commits", t0, nil)
				errs <- st.UpsertUser(ctx, User{Login: fmt.Sprintf("u%d", w), Orgs: []string{"x", "y"}, FetchedAt: t0.Add(time.Duration(r) * time.Second)})
			}
		})
	}
	// Readers alongside the writers.
	for range 4 {
		wg.Go(func() {
			for range rounds {
				if _, err := s.ActiveLogins(ctx, time.Time{}); err != nil {
					errs <- err
				}
				if _, err := other.Counts(ctx); err != nil {
					errs <- err
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	counts, err := s.Counts(ctx)
	must(t, err)
	want := map[string]int{"commits": writers * rounds * batchSize, "issues": writers * rounds,
		"repo_status": writers, "users": writers, "user_orgs": writers * 2}
	for table, n := range want {
		if counts[table] != n {
			t.Errorf("%s = %d, want %d", table, counts[table], n)
		}
	}
	integrityOK(t, s)
}

func TestContextCancelled(t *testing.T) {
	t.Parallel()
	s := openTest(t)
	c, cancel := context.WithCancel(ctx)
	cancel()
	if err := s.UpsertCommits(c, []Commit{{Repo: "o/r", SHA: "1"}}); !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
}

func TestLastCommitTime(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, err := Open(filepath.Join(t.TempDir(), "fw.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, ok, err := s.LastCommitTime(ctx, "a/b", time.Time{}); err != nil || ok {
		t.Fatalf("empty repo: ok=%v err=%v", ok, err)
	}
	base := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	var cs []Commit
	for i := 0; i < 5; i++ {
		cs = append(cs, Commit{Repo: "a/b", SHA: string(rune('a' + i)), AuthorTime: base.AddDate(0, i, 0)})
	}
	if err := s.UpsertCommits(ctx, cs); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		before time.Time
		want   time.Time
		ok     bool
	}{
		{time.Time{}, base.AddDate(0, 4, 0), true},
		{base.AddDate(0, 2, 0), base.AddDate(0, 1, 0), true},
		{base, time.Time{}, false},
	} {
		got, ok, err := s.LastCommitTime(ctx, "A/B", c.before)
		if err != nil || ok != c.ok || !got.Equal(c.want) {
			t.Errorf("before %s: got %s ok=%v err=%v, want %s ok=%v", c.before, got, ok, err, c.want, c.ok)
		}
	}
}

func TestCommitAuthorBotFlagIsKept(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, err := Open(filepath.Join(t.TempDir(), "fw.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	at := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	if err := s.UpsertCommits(ctx, []Commit{{Repo: "a/b", SHA: "1", AuthorTime: at, AuthorBot: true}, {Repo: "a/b", SHA: "2", AuthorTime: at}}); err != nil {
		t.Fatal(err)
	}
	// A later source that knows nothing of bots must not clear the flag.
	if err := s.UpsertCommits(ctx, []Commit{{Repo: "a/b", SHA: "1", AuthorTime: at, AuthorLogin: "x"}}); err != nil {
		t.Fatal(err)
	}
	cs, err := s.Commits(ctx, "a/b", time.Time{}, time.Time{})
	if err != nil || len(cs) != 2 || !cs[0].AuthorBot || cs[1].AuthorBot || cs[0].AuthorLogin != "x" {
		t.Fatalf("got %+v, %v", cs, err)
	}
}

// A store the user may not write says why, not only SQLite's "unable to
// open database file (14)".
func TestOpenSaysWhyItCannot(t *testing.T) {
	t.Parallel()
	if os.Getuid() == 0 {
		t.Skip("root can write anywhere: file permissions cannot be tested")
	}
	dir := t.TempDir()
	if err := os.Chmod(dir, 0o500); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Chmod(dir, 0o700) })
	_, err := Open(filepath.Join(dir, "fw.db"))
	if err == nil || !strings.Contains(err.Error(), "cannot create files in") {
		t.Errorf("err = %v, want the reason", err)
	}
}

func TestOpenADirectory(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	_, err := Open(dir)
	if err == nil || !strings.Contains(err.Error(), "is a directory") {
		t.Errorf("err = %v, want it to say the path is a directory", err)
	}
}

// Lookups by many keys go in chunks under SQLite's parameter bound: every
// profile and every email answer comes back across the chunks' edges.
func TestLookupsAcrossChunks(t *testing.T) {
	t.Parallel()
	s := openTest(t)
	const n = 1201 // three chunks of 500
	var (
		us     []User
		logins []string
		els    []EmailLogin
		emails []string
	)
	for i := range n {
		l := fmt.Sprintf("User%d", i)
		us = append(us, User{Login: l, Orgs: []string{"org"}, FetchedAt: t0})
		logins = append(logins, strings.ToLower(l))
		e := fmt.Sprintf("u%d@example.com", i)
		els = append(els, EmailLogin{Email: e, Login: l, CheckedAt: t0})
		emails = append(emails, e)
	}
	must(t, s.UpsertUsers(ctx, us))
	must(t, s.SetEmailLogins(ctx, els))
	byLogin, err := s.UsersByLogin(ctx, logins)
	must(t, err)
	byEmail, err := s.EmailLogins(ctx, emails)
	must(t, err)
	if len(byLogin) != n || len(byEmail) != n || len(byLogin["user1200"].Orgs) != 1 || byEmail["u500@example.com"].Login != "User500" {
		t.Errorf("%d profiles and %d email answers of %d", len(byLogin), len(byEmail), n)
	}
}
