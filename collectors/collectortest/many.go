package collectortest

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fundwatch/fundwatch/ghrepo"
	"github.com/fundwatch/fundwatch/githubfake"
	"github.com/fundwatch/fundwatch/githubfake/scenario"
)

// ProbeQuiet is how long before the world's end the many-repos world is
// quiet: a first sync at end-ProbeQuiet sees everything but the changes.
const ProbeQuiet = 7 * 24 * time.Hour

// ManyReposWorld is n small repositories (a few commits, issues, a
// comment, a release each), owned by 20 accounts, each with two
// contributors of its own: 2n+20 people active in the last year, whose
// profiles and sponsors the people collectors read. Every changeEvery-th
// repository (i % changeEvery == 0) changes in the last ProbeQuiet: one
// more commit and one new issue, a day before the End.
func ManyReposWorld(n, changeEvery int) *scenario.World {
	w := &scenario.World{Name: "many", End: End, Users: map[string]*scenario.User{}}
	for i := range 20 {
		login := fmt.Sprintf("o%02d", i)
		w.Users[login] = &scenario.User{Login: login, ID: int64(i + 1), Type: "User", CreatedAt: End.AddDate(-6, 0, 0)}
	}
	sha := 0
	commit := func(r *scenario.Repo, who string, at time.Time) {
		sha++
		r.Commits = append(r.Commits, scenario.Commit{SHA: fmt.Sprintf("%040x", sha), Message: "change",
			AuthorName: who, AuthorEmail: who + "@example.org", AuthorLogin: who, AuthorDate: at,
			CommitterName: who, CommitterEmail: who + "@example.org", CommitterLogin: who, CommitterDate: at})
	}
	for i := range n {
		owner := fmt.Sprintf("o%02d", i%20)
		r := &scenario.Repo{Owner: owner, Name: fmt.Sprintf("p%05d", i), ID: int64(10000 + i), DefaultBranch: "main",
			HasIssues: true, CreatedAt: End.AddDate(-2, 0, 0), Stars: i % 50, License: "MIT"}
		old := End.Add(-ProbeQuiet).AddDate(0, -1, 0)
		for c, who := range []string{owner, fmt.Sprintf("c%05da", i), fmt.Sprintf("c%05db", i)} {
			if w.Users[who] == nil {
				w.Users[who] = &scenario.User{Login: who, ID: int64(100 + len(w.Users)), Type: "User", CreatedAt: End.AddDate(-4, 0, 0)}
			}
			commit(r, who, old.Add(time.Duration(c)*24*time.Hour))
		}
		r.Issues = []scenario.Issue{
			{Number: 1, Title: "bug", User: owner, CreatedAt: old, ClosedAt: old.Add(time.Hour)},
			{Number: 2, Title: "fix", User: owner, CreatedAt: old.Add(2 * time.Hour), IsPull: true},
		}
		r.Comments = []scenario.Comment{{ID: int64(i + 1), IssueNumber: 1, User: owner,
			CreatedAt: old.Add(30 * time.Minute), UpdatedAt: old.Add(30 * time.Minute), Body: "thanks"}}
		r.Releases = []scenario.Release{{ID: int64(i + 1), TagName: "v1.0.0", Author: owner, CreatedAt: old, PublishedAt: old}}
		if i%changeEvery == 0 {
			at := End.Add(-24 * time.Hour)
			commit(r, owner, at)
			r.Issues = append(r.Issues, scenario.Issue{Number: 3, Title: "new", User: owner, CreatedAt: at})
		}
		w.Repos = append(w.Repos, r)
	}
	return w
}

// RESTRequests is the number of REST requests the fake served: all but
// GraphQL's and git's.
func RESTRequests(f *githubfake.Server) int {
	n := 0
	for _, rc := range f.Requests() {
		switch rc.Route {
		case githubfake.GraphQLRoute, githubfake.GitRefsRoute, githubfake.GitUploadPackRoute:
		default:
			n += rc.Count
		}
	}
	return n
}

// CountedREST is the number of REST requests the fake counted against the
// rate limit: all but GraphQL's and the free 304s.
func CountedREST(f *githubfake.Server) int {
	n := 0
	for _, rc := range f.Requests() {
		switch {
		case rc.Route == githubfake.GraphQLRoute, rc.Route == githubfake.GitRefsRoute, rc.Route == githubfake.GitUploadPackRoute:
		case rc.Status != http.StatusNotModified:
			n += rc.Count
		}
	}
	return n
}

// RepoRequests counts the REST requests the fake is sent per repository
// (lower-case owner/name), and the GraphQL ones apart.
type RepoRequests struct {
	mu      sync.Mutex
	ByRepo  map[string]int
	Counted map[string]int // answers other than 304, which the limit counts
	GraphQL int
}

// statusWriter remembers the status of the answer it writes.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	w.status = code
	w.ResponseWriter.WriteHeader(code)
}

func (rr *RepoRequests) Wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		repo := ""
		rr.mu.Lock()
		if parts := strings.Split(strings.TrimPrefix(r.URL.Path, "/"), "/"); len(parts) >= 3 && parts[0] == "repos" {
			repo = strings.ToLower(parts[1] + "/" + parts[2])
			rr.ByRepo[repo]++
		} else if r.URL.Path == "/graphql" {
			rr.GraphQL++
		}
		rr.mu.Unlock()
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		h.ServeHTTP(sw, r)
		if repo != "" && sw.status != http.StatusNotModified {
			rr.mu.Lock()
			rr.Counted[repo]++
			rr.mu.Unlock()
		}
	})
}

func (rr *RepoRequests) Reset() {
	rr.mu.Lock()
	rr.ByRepo, rr.Counted, rr.GraphQL = map[string]int{}, map[string]int{}, 0
	rr.mu.Unlock()
}

// NewMany serves w with a rate limit no test run reaches, records
// requests per repository, and watches every repository of w.
func NewMany(t testing.TB, w *scenario.World) (*Harness, *RepoRequests) {
	t.Helper()
	return NewManyOpts(t, w, githubfake.Options{Limit: 1 << 30, GraphQLLimit: 1 << 30})
}

// NewManyOpts is NewMany serving w with opts.
func NewManyOpts(t testing.TB, w *scenario.World, opts githubfake.Options) (*Harness, *RepoRequests) {
	t.Helper()
	rr := &RepoRequests{}
	rr.Reset()
	h := &Harness{Fake: githubfake.New(w, opts),
		Path: filepath.Join(t.TempDir(), "fw.db")}
	h.Server = httptest.NewServer(rr.Wrap(h.Fake))
	t.Cleanup(h.Server.Close)
	for _, r := range w.Repos {
		h.Repos = append(h.Repos, ghrepo.MustParse(r.FullName()))
	}
	h.Open(t)
	h.Env.Concurrency = 8
	return h, rr
}
