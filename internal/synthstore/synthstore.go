// Package synthstore makes synthetic repositories of a realistic size and
// stores them as the collectors would: what the benchmarks of a refresh
// and of a whole serve at 10,000 repositories read. For tests only.
package synthstore

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/fundwatch/fundwatch/store"
)

// Repo is one repository's facts as the store holds them.
type Repo struct {
	Meta     store.Repo
	Commits  []store.Commit
	Issues   []store.Issue
	Comments []store.Comment
	Releases []store.Release
	Users    []store.User
}

// MidSized is a mid-sized repository: 40 people (a few paid by two
// employers, the rest volunteers and unknowns), ~1,500 commits over three
// years, ~400 issues and pull requests with ~1,200 comments, 24 releases.
// The same seed gives the same repository.
func MidSized(seed uint64, repo string, at time.Time) Repo {
	rng := rand.New(rand.NewPCG(seed, 7))
	r := Repo{Meta: store.Repo{FullName: repo, CreatedAt: at.AddDate(-6, 0, 0)}}
	for p := range 40 {
		company := ""
		switch {
		case p < 6:
			company = "Acme Corp"
		case p < 10:
			company = "@globex"
		}
		r.Users = append(r.Users, store.User{Login: fmt.Sprintf("u%d", p), Company: company})
	}
	span := 3 * 365 * 24 * time.Hour
	for i := range 1500 {
		p := int(rng.ExpFloat64()*6) % 40
		t := at.Add(-time.Duration(rng.Int64N(int64(span))))
		r.Commits = append(r.Commits, store.Commit{Repo: repo, SHA: fmt.Sprintf("%s-%d", repo, i), AuthorLogin: fmt.Sprintf("u%d", p),
			AuthorEmail: fmt.Sprintf("u%d@users.noreply.github.com", p), AuthorTime: t, AuthorTZKnown: true, AuthorTZOffset: 60 * (p%24 - 12)})
	}
	// The store returns commits in time order.
	slices.SortFunc(r.Commits, func(a, b store.Commit) int { return a.AuthorTime.Compare(b.AuthorTime) })
	var cid int64
	for n := 1; n <= 400; n++ {
		opened := at.Add(-time.Duration(rng.Int64N(int64(span))))
		is := store.Issue{Repo: repo, Number: n, IsPull: n%3 == 0, Author: fmt.Sprintf("u%d", rng.IntN(40)), CreatedAt: opened, UpdatedAt: opened}
		if rng.IntN(4) > 0 {
			is.ClosedAt = opened.Add(time.Duration(rng.Int64N(int64(60 * 24 * time.Hour))))
			if is.IsPull {
				is.MergedAt = is.ClosedAt
			}
		}
		r.Issues = append(r.Issues, is)
		for range rng.IntN(6) {
			cid++
			r.Comments = append(r.Comments, store.Comment{Repo: repo, ID: cid, IssueNumber: n, Author: fmt.Sprintf("u%d", rng.IntN(10)),
				CreatedAt: opened.Add(time.Duration(rng.Int64N(int64(30 * 24 * time.Hour))))})
		}
	}
	for k := range 24 {
		pub := at.Add(-time.Duration(k) * 45 * 24 * time.Hour)
		r.Releases = append(r.Releases, store.Release{Repo: repo, ID: int64(k + 1), TagName: fmt.Sprintf("v1.%d", k), CreatedAt: pub, PublishedAt: pub})
	}
	return r
}

// Name is the i-th distinct repository's name.
func Name(i int) string { return fmt.Sprintf("org%d/repo%d", i, i) }

// Distinct is MidSized with people of its own: all but the ten most
// active of its 40 authors are this repository's alone, as in a real
// watch list (a few people meet across projects, most do not).
func Distinct(i int, at time.Time) Repo {
	r := MidSized(uint64(i), Name(i), at)
	own := func(login string) string {
		if n, err := strconv.Atoi(strings.TrimPrefix(login, "u")); err == nil && n >= 10 {
			return fmt.Sprintf("r%d-%s", i, login)
		}
		return login
	}
	for j := range r.Commits {
		c := &r.Commits[j]
		c.AuthorLogin = own(c.AuthorLogin)
		c.AuthorEmail = c.AuthorLogin + "@users.noreply.github.com"
		c.AuthorName = "Person " + c.AuthorLogin
	}
	for j := range r.Issues {
		r.Issues[j].Author = own(r.Issues[j].Author)
	}
	for j := range r.Users {
		r.Users[j].Login = own(r.Users[j].Login)
	}
	return r
}

// Fill writes n distinct mid-sized repositories (Distinct 0..n-1) into
// st, as the collectors would: metadata, commits, issues, comments,
// releases, the cursors saying each list was read completely, and the
// authors' profiles. It returns their names.
func Fill(ctx context.Context, st *store.Store, n int, at time.Time) ([]string, error) {
	var names []string
	seenUser := map[string]bool{}
	for i := range n {
		r := Distinct(i, at)
		names = append(names, r.Meta.FullName)
		meta := r.Meta
		meta.CollectedAt = at
		for _, err := range []error{
			st.UpsertRepo(ctx, meta),
			st.UpsertCommits(ctx, r.Commits),
			st.UpsertIssues(ctx, r.Issues),
			st.UpsertComments(ctx, r.Comments),
			st.UpsertReleases(ctx, r.Releases),
		} {
			if err != nil {
				return nil, fmt.Errorf("%s: %w", r.Meta.FullName, err)
			}
		}
		for _, e := range []string{store.CommitsCursor, "issues", "comments", "releases"} {
			if err := st.SetCursor(ctx, store.Cursor{Repo: r.Meta.FullName, Endpoint: e}); err != nil {
				return nil, err
			}
		}
		var users []store.User
		for _, u := range r.Users {
			if !seenUser[u.Login] {
				seenUser[u.Login] = true
				u.FetchedAt = at
				users = append(users, u)
			}
		}
		if err := st.UpsertUsers(ctx, users); err != nil {
			return nil, err
		}
	}
	return names, nil
}

// BenchRepos is how many repositories a benchmark of a refresh or of
// serve stores: FUNDWATCH_BENCH_REPOS, or def.
func BenchRepos(tb testing.TB, def int) int {
	s := os.Getenv("FUNDWATCH_BENCH_REPOS")
	if s == "" {
		return def
	}
	v, err := strconv.Atoi(s)
	if err != nil || v <= 0 {
		tb.Fatalf("FUNDWATCH_BENCH_REPOS=%q: want a positive number", s)
	}
	return v
}

// BenchStore returns the path of a store holding the Distinct
// repositories 0..n-1 as of at, building it unless it is there: under
// FUNDWATCH_BENCH_STORE when set (kept for the next run, and shared by
// the refresh and serve benchmarks: at 10,000 repositories it takes
// most of an hour to build), else in tb's temporary directory. It is
// built under another name and renamed when complete, so an interrupted
// build is never taken for a store.
func BenchStore(tb testing.TB, n int, at time.Time) string {
	tb.Helper()
	dir := os.Getenv("FUNDWATCH_BENCH_STORE")
	if dir == "" {
		dir = tb.TempDir()
	}
	path := filepath.Join(dir, fmt.Sprintf("refresh-%d.db", n))
	if _, err := os.Stat(path); err == nil {
		return path
	}
	building := path + ".building"
	for _, f := range []string{building, building + "-wal", building + "-shm"} {
		_ = os.Remove(f)
	}
	st, err := store.Open(building)
	if err != nil {
		tb.Fatal(err)
	}
	start := time.Now()
	if _, err := Fill(context.Background(), st, n, at); err != nil {
		st.Close()
		tb.Fatal(err)
	}
	if err := st.Close(); err != nil {
		tb.Fatal(err)
	}
	// Closing checkpoints the write-ahead log; what is left of it (if
	// anything) goes along, the main file last.
	for _, suffix := range []string{"-wal", "-shm", ""} {
		if _, err := os.Stat(building + suffix); err == nil || suffix == "" {
			if err := os.Rename(building+suffix, path+suffix); err != nil {
				tb.Fatal(err)
			}
		}
	}
	tb.Logf("stored %d repositories in %s", n, time.Since(start).Round(time.Second))
	return path
}
