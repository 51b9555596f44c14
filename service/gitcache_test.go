package service

import (
	"context"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/fundwatch/fundwatch/config"
	"github.com/fundwatch/fundwatch/ghrepo"
	"github.com/fundwatch/fundwatch/githubfake"
	"github.com/fundwatch/fundwatch/githubfake/scenario"
	"github.com/fundwatch/fundwatch/gitmirror"
	"github.com/fundwatch/fundwatch/internal/tooltest"
	"github.com/fundwatch/fundwatch/shard"
)

var gitEnd = time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)

// gitWorld is the organisation acme (widget, gadget) and the user bob
// (tool), each repository with a short history.
func gitWorld() *scenario.World {
	w := &scenario.World{Name: "git cache", End: gitEnd, Users: map[string]*scenario.User{
		"acme":  {Login: "acme", ID: 1, Type: "Organization", CreatedAt: gitEnd.AddDate(-5, 0, 0)},
		"bob":   {Login: "bob", ID: 2, Type: "User", CreatedAt: gitEnd.AddDate(-5, 0, 0)},
		"alice": {Login: "alice", ID: 3, Type: "User", CreatedAt: gitEnd.AddDate(-5, 0, 0)},
	}}
	for i, name := range []string{"acme/widget", "acme/gadget", "bob/tool"} {
		owner, repo, _ := strings.Cut(name, "/")
		r := &scenario.Repo{Owner: owner, Name: repo, ID: int64(100 + i), DefaultBranch: "main", CreatedAt: gitEnd.AddDate(-2, 0, 0)}
		for c := range 20 {
			at := gitEnd.Add(-time.Duration(20-c) * 48 * time.Hour)
			r.Commits = append(r.Commits, scenario.Commit{SHA: fmt.Sprintf("%040x", i*1000+c+1), Message: fmt.Sprintf("change %d", c),
				AuthorName: "alice", AuthorEmail: "alice@example.org", AuthorLogin: "alice", AuthorDate: at,
				CommitterName: "alice", CommitterEmail: "alice@example.org", CommitterLogin: "alice", CommitterDate: at})
		}
		w.Repos = append(w.Repos, r)
	}
	return w
}

// gitApp is an App over a fake GitHub serving gitWorld, reading history
// over git into a cache beside its store, with only the commits collector
// and no change probe (the git cache is the subject here).
func gitApp(t *testing.T, watch ...config.WatchItem) (*App, *githubfake.Server) {
	t.Helper()
	tooltest.Require(t, "git", "git")
	if err := gitmirror.Available(); err != nil {
		t.Skip(err)
	}
	fake := githubfake.New(gitWorld(), githubfake.Options{GitDir: t.TempDir()})
	srv := httptest.NewServer(fake)
	t.Cleanup(func() { srv.Close(); fake.Close() })
	cfg := config.Default(ConfigOptions()...)
	cfg.GitHub.APIURL = srv.URL + "/"
	cfg.GitHub.Token = "test-token"
	cfg.Store.Path = filepath.Join(t.TempDir(), "fw.db")
	cfg.Collection.Probe = false
	for name, c := range cfg.Collectors {
		c.Enabled = name == "commits"
		cfg.Collectors[name] = c
	}
	for i := range watch {
		watch[i].Key = fmt.Sprintf("watch[%d]", i)
	}
	cfg.Watch = watch
	a, err := New(cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	if a.gitCache() == nil {
		t.Fatal("the app reads history over REST: the test proves nothing")
	}
	return a, fake
}

func repoItem(name string) config.WatchItem {
	return config.WatchItem{Kind: config.KindRepo, Repo: ghrepo.MustParse(name)}
}

func orgItem(account string) config.WatchItem {
	return config.WatchItem{Kind: config.KindOrg, Account: account}
}

// collect runs a collection and fails on any failed repository.
func collect(t *testing.T, a *App) {
	t.Helper()
	res, err := a.CollectOnce(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for name, r := range res {
		if r.Err != nil {
			t.Fatalf("%s: %v", name, r.Err)
		}
	}
}

// mirrors lists the repositories with a mirror in the app's cache.
func mirrors(t *testing.T, a *App) []string {
	t.Helper()
	var out []string
	for _, e := range []string{"acme/widget", "acme/gadget", "acme/old", "bob/tool", "bob/renamed"} {
		dir, err := a.gitCache().Path(ghrepo.MustParse(e))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := os.Stat(filepath.Join(dir, "HEAD")); err == nil {
			out = append(out, e)
		}
	}
	slices.Sort(out)
	return out
}

// selfValue is the value of a self-metric without labels, as a scrape
// gathers it.
func selfValue(t *testing.T, a *App, name string) float64 {
	t.Helper()
	mfs, err := a.live.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
		m := mf.GetMetric()[0]
		if m.GetCounter() != nil {
			return m.GetCounter().GetValue()
		}
		return m.GetGauge().GetValue()
	}
	t.Fatalf("%s is not served", name)
	return 0
}

// du is du's count of dir in bytes.
func du(t *testing.T, dir string) float64 {
	t.Helper()
	tooltest.Require(t, "du", "coreutils")
	out, err := exec.Command("du", "-s", "-B1", dir).Output()
	if err != nil {
		t.Fatal(err)
	}
	n, err := strconv.ParseFloat(strings.Fields(string(out))[0], 64)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// After a collection the cache's size and mirrors are exported, as du
// counts them, without a scrape computing anything.
func TestGitCacheMetricsAfterCollection(t *testing.T) {
	t.Parallel()
	a, _ := gitApp(t, repoItem("acme/widget"), repoItem("bob/tool"))
	if got := selfValue(t, a, "fundwatch_git_cache_mirrors"); got != 0 {
		t.Errorf("mirrors before any collection: %v", got)
	}
	collect(t, a)
	if got := selfValue(t, a, "fundwatch_git_cache_mirrors"); got != 2 {
		t.Errorf("fundwatch_git_cache_mirrors = %v, want 2", got)
	}
	if got, want := selfValue(t, a, "fundwatch_git_cache_bytes"), du(t, a.cfg.GitCacheDir()); got != want || got == 0 {
		t.Errorf("fundwatch_git_cache_bytes = %v, du says %v", got, want)
	}
}

// copyMirror plants a mirror of to in the cache, as the Cache would have
// cloned it (a copy of from's): a repository once watched.
func copyMirror(t *testing.T, a *App, from, to string) {
	t.Helper()
	src, _ := a.gitCache().Path(ghrepo.MustParse(from))
	dst, _ := a.gitCache().Path(ghrepo.MustParse(to))
	if err := os.CopyFS(dst, os.DirFS(src)); err != nil {
		t.Fatal(err)
	}
}

// Re-resolving the watch list removes the mirrors of repositories no
// longer watched, and only those: not on a failed resolution, not of an
// account listed from its last listing, not of a renamed repository, not
// anything in the cache the Cache did not make; a replica removes what is
// outside its share.
func TestRewatchRemovesUnwatchedMirrors(t *testing.T) {
	t.Parallel()
	all := []string{"acme/gadget", "acme/old", "acme/widget", "bob/tool"}
	// The share of replica 0 of 2, as the shard package hashes it.
	s0 := shard.Shard{I: 0, N: 2}
	var share0 []string
	for _, r := range all {
		if r != "acme/old" && s0.Owns(r) {
			share0 = append(share0, r)
		}
	}
	if len(share0) == 0 || len(share0) == 3 {
		t.Fatalf("replica 0 of 2 owns %v: the shard case proves nothing", share0)
	}
	for _, tc := range []struct {
		name    string
		watch   []config.WatchItem
		faults  string
		renamed [2]string // a rename the store knows: watched, now served as
		shard   shard.Shard
		fails   bool
		want    []string // mirrors left
		removed float64
	}{
		{name: "a repository item dropped", watch: []config.WatchItem{orgItem("acme")},
			want: []string{"acme/gadget", "acme/widget"}, removed: 2},
		{name: "resolution fails", watch: []config.WatchItem{orgItem("acme"), orgItem("ghost")}, fails: true,
			want: all},
		{name: "an org listed from its last listing", watch: []config.WatchItem{orgItem("acme")}, faults: "502@/orgs/{org}/repos",
			want: []string{"acme/gadget", "acme/old", "acme/widget"}, removed: 1},
		{name: "a renamed repository", watch: []config.WatchItem{orgItem("acme"), repoItem("bob/tool")}, renamed: [2]string{"bob/tool", "bob/renamed"},
			want: []string{"acme/gadget", "acme/widget", "bob/renamed", "bob/tool"}, removed: 1},
		{name: "a replica's share", watch: []config.WatchItem{orgItem("acme"), repoItem("bob/tool")}, shard: s0,
			want: share0, removed: float64(len(all) - len(share0))},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			a, fake := gitApp(t, orgItem("acme"), repoItem("bob/tool"))
			collect(t, a)
			copyMirror(t, a, "acme/widget", "acme/old") // acme's once, no longer listed
			if tc.renamed[0] != "" {
				if err := a.Store().SetRepoRenamed(context.Background(), tc.renamed[0], tc.renamed[1]); err != nil {
					t.Fatal(err)
				}
				copyMirror(t, a, "bob/tool", tc.renamed[1])
			}
			// What the Cache did not make: a user's file, a directory, and
			// links out of the cache to a mirror-shaped repository.
			cache := a.cfg.GitCacheDir()
			outside := t.TempDir()
			if err := os.CopyFS(filepath.Join(outside, "victim.git"), os.DirFS(filepath.Join(cache, "bob", "tool.git"))); err != nil {
				t.Fatal(err)
			}
			foreign := []string{"NOTES", "bob/keep", "evil", "bob/link.git"}
			for _, err := range []error{
				os.WriteFile(filepath.Join(cache, "NOTES"), []byte("mine\n"), 0o644),
				os.Mkdir(filepath.Join(cache, "bob", "keep"), 0o755),
				os.Symlink(outside, filepath.Join(cache, "evil")),
				os.Symlink(filepath.Join(outside, "victim.git"), filepath.Join(cache, "bob", "link.git")),
			} {
				if err != nil {
					t.Fatal(err)
				}
			}
			want := append([]string(nil), tc.want...)
			if tc.renamed[0] == "" {
				want = slices.DeleteFunc(want, func(s string) bool { return s == "bob/renamed" })
			}

			if tc.faults != "" {
				fake.SetFaults(githubfake.MustParseFaults(tc.faults))
			}
			a.cfg.Watch = tc.watch
			for i := range a.cfg.Watch {
				a.cfg.Watch[i].Key = fmt.Sprintf("watch[%d]", i)
			}
			a.cfg.Shard = tc.shard
			err := a.Rewatch(context.Background())
			if tc.fails != (err != nil) {
				t.Fatalf("Rewatch: %v, want failure %v", err, tc.fails)
			}
			if got := mirrors(t, a); !slices.Equal(got, want) {
				t.Errorf("mirrors left %v, want %v", got, want)
			}
			if got := selfValue(t, a, "fundwatch_git_mirrors_removed_total"); got != tc.removed {
				t.Errorf("fundwatch_git_mirrors_removed_total = %v, want %v", got, tc.removed)
			}
			if !tc.fails {
				if got := selfValue(t, a, "fundwatch_git_cache_mirrors"); got != float64(len(want)) {
					t.Errorf("fundwatch_git_cache_mirrors = %v after the prune, want %d", got, len(want))
				}
			}
			for _, f := range foreign {
				if _, err := os.Lstat(filepath.Join(cache, filepath.FromSlash(f))); err != nil {
					t.Errorf("%s, not the Cache's, did not survive: %v", f, err)
				}
			}
			if _, err := os.Stat(filepath.Join(outside, "victim.git", "HEAD")); err != nil {
				t.Errorf("a link was followed out of the cache: %v", err)
			}
		})
	}
}
