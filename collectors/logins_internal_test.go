package collectors

import (
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/fundwatch/fundwatch/ghclient"
	"github.com/fundwatch/fundwatch/ghgraphql/schema"
	"github.com/fundwatch/fundwatch/ghrepo"
	"github.com/fundwatch/fundwatch/githubfake"
	"github.com/fundwatch/fundwatch/githubfake/scenario"
	"github.com/fundwatch/fundwatch/store"
)

func TestLoginQueriesValidate(t *testing.T) {
	for n := 1; n <= LoginBatch; n++ {
		if err := schema.Validate(LoginQuery(n)); err != nil {
			t.Fatalf("LoginQuery(%d): %v", n, err)
		}
	}
}

func TestNoreplyLogin(t *testing.T) {
	for _, tc := range []struct{ email, want string }{
		{"12345+octocat@users.noreply.github.com", "octocat"},
		{"octocat@users.noreply.github.com", "octocat"},
		{"49699333+dependabot[bot]@users.noreply.github.com", "dependabot[bot]"},
		{"1+Mixed-Case@Users.Noreply.GitHub.com", "Mixed-Case"},
		{"octocat@github.com", ""},
		{"a+b+c@users.noreply.github.com", ""},
		{"-bad@users.noreply.github.com", ""},
		{"octocat@users.noreply.github.com.evil.example", ""},
		{"", ""},
	} {
		if got := noreplyLogin(tc.email); got != tc.want {
			t.Errorf("noreplyLogin(%q) = %q, want %q", tc.email, got, tc.want)
		}
	}
}

// Commits read over git carry no logins: resolveLogins gets them from
// GitHub for the authors of the trailing year, at one GraphQL point per
// 100 commits asked, each email once; older authors are not looked up
// unless they are also recent.
func TestResolveLoginsAsksGitHubOncePerRecentEmail(t *testing.T) {
	end := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	w, err := scenario.Demo(end)
	if err != nil {
		t.Fatal(err)
	}
	fake := githubfake.New(w, githubfake.Options{})
	srv := httptest.NewServer(fake)
	defer srv.Close()
	gh, err := ghclient.New(ghclient.Options{BaseURL: srv.URL, Token: "test-token"})
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(filepath.Join(t.TempDir(), "fw.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	env := &Env{GH: gh, Store: st, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Now: func() time.Time { return end },
		// Not the default year: lookups follow the analysis's window.
		ActiveWindow: 200 * 24 * time.Hour}

	// The demo repository with the most commits.
	var repo *scenario.Repo
	for _, r := range w.Repos {
		if repo == nil || len(r.Commits) > len(repo.Commits) {
			repo = r
		}
	}
	name := ghrepo.MustParse(repo.FullName())
	served := fake.Commits(repo.FullName()) // named by their git object IDs
	asGit := func() []store.Commit {
		out := make([]store.Commit, len(served))
		for i, c := range served {
			out[i] = store.Commit{Repo: repo.FullName(), SHA: c.SHA, AuthorName: c.AuthorName, AuthorEmail: c.AuthorEmail,
				AuthorTime: c.AuthorDate, CommitterName: c.CommitterName, CommitterEmail: c.CommitterEmail, CommitterTime: c.CommitterDate}
		}
		return out
	}
	recent := map[string]bool{}
	for _, c := range served {
		if end.Sub(c.AuthorDate) <= env.ActiveWindow {
			recent[strings.ToLower(c.AuthorEmail)] = true
			recent[strings.ToLower(c.CommitterEmail)] = true
		}
	}

	cs := asGit()
	if err := resolveLogins(context.Background(), env, name, cs); err != nil {
		t.Fatal(err)
	}
	queries := fake.Count(githubfake.GraphQLRoute, 200)
	if queries == 0 {
		t.Fatal("no login lookups: the test proves nothing")
	}
	if pts := fake.GraphQLPoints(); pts != queries {
		t.Errorf("%d points for %d queries, want 1 each", pts, queries)
	}
	resolved := 0
	for i, c := range served {
		got := cs[i].AuthorLogin
		want := ""
		if recent[strings.ToLower(c.AuthorEmail)] || noreplyLogin(c.AuthorEmail) != "" {
			want = c.AuthorLogin
			if u := w.Users[c.AuthorLogin]; noreplyLogin(c.AuthorEmail) == "" && (u == nil || u.Type != "User") {
				want = "" // GitActor.user is a User: bots have none
			}
		}
		if got != want {
			t.Fatalf("commit %s by %s <%s> on %s: login %q, want %q", c.SHA[:8], c.AuthorName, c.AuthorEmail,
				c.AuthorDate.Format(time.DateOnly), got, want)
		}
		if got != "" {
			resolved++
		}
	}
	t.Logf("%d commits, %d with logins, %d GraphQL queries", len(cs), resolved, queries)

	// Asked once: the next refresh knows every recent email already.
	fake.ResetCounts()
	again := asGit()
	if err := resolveLogins(context.Background(), env, name, again); err != nil {
		t.Fatal(err)
	}
	if n := fake.Total(); n != 0 {
		t.Errorf("second resolution made %d requests, want 0: %v", n, fake.Requests())
	}
	for i := range cs {
		if again[i].AuthorLogin != cs[i].AuthorLogin {
			t.Fatalf("commit %s: login %q the second time, %q the first", cs[i].SHA, again[i].AuthorLogin, cs[i].AuthorLogin)
		}
	}
}
