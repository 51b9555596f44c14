package githubfake

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/fundwatch/fundwatch/githubfake/scenario"
	"github.com/fundwatch/fundwatch/internal/gitobj"
	"github.com/fundwatch/fundwatch/internal/tooltest"
)

// gitClient runs the git client isolated from the user's configuration.
type gitClient struct {
	t    *testing.T
	home string
}

func newGitClient(t *testing.T) *gitClient {
	t.Helper()
	tooltest.Require(t, "git", "git")
	return &gitClient{t: t, home: t.TempDir()}
}

func (g *gitClient) cmd(dir string, args ...string) *exec.Cmd {
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), gitEnv(g.home)...)
	return cmd
}

// run runs git and fails the test on error.
func (g *gitClient) run(dir string, args ...string) string {
	g.t.Helper()
	out, err := g.cmd(dir, args...).CombinedOutput()
	if err != nil {
		g.t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return strings.TrimSpace(string(out))
}

// fails runs git expecting an error, and returns its output.
func (g *gitClient) fails(dir string, args ...string) string {
	g.t.Helper()
	out, err := g.cmd(dir, args...).CombinedOutput()
	if err == nil {
		g.t.Fatalf("git %s succeeded:\n%s", strings.Join(args, " "), out)
	}
	return string(out)
}

// clone makes a bare blob-less clone of fullName and returns its directory.
func (g *gitClient) clone(srvURL, fullName string) string {
	g.t.Helper()
	dir := filepath.Join(g.t.TempDir(), "mirror.git")
	g.run(g.home, "clone", "--quiet", "--bare", "--filter=blob:none", CloneURL(srvURL, fullName), dir)
	return dir
}

// logOf is the history of HEAD, oldest first, one line a commit in a
// format comparable with wantLog.
func (g *gitClient) logOf(dir string) []string {
	g.t.Helper()
	out := g.run(dir, "log", "--reverse", "--format=%H %P|%an|%ae|%aI|%cn|%ce|%cI|%T|%B%x00", "HEAD")
	var lines []string
	for _, rec := range strings.Split(out, "\x00") {
		if rec = strings.Trim(rec, "\n"); rec != "" {
			lines = append(lines, rec)
		}
	}
	return lines
}

// gitISO is %aI's layout: RFC 3339 that writes UTC as +00:00.
const gitISO = "2006-01-02T15:04:05-07:00"

func wantLog(s *Server, fullName string, n int) []string {
	ri := s.idx.repoByName[strings.ToLower(fullName)]
	var lines []string
	for _, c := range s.Commits(fullName)[:n] {
		cd := c.CommitterDate
		lines = append(lines, strings.Join([]string{
			c.SHA + " " + strings.Join(c.Parents, " "), // %P is empty for a root
			c.AuthorName, c.AuthorEmail, c.AuthorDate.Format(gitISO),
			c.CommitterName, c.CommitterEmail, cd.Format(gitISO), ri.git.tree, strings.TrimRight(c.Message, "\n"),
		}, "|"))
	}
	return lines
}

func sameLines(t *testing.T, what string, got, want []string) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d commits, want %d", what, len(got), len(want))
	}
	for i := range got {
		if got[i] != want[i] {
			t.Fatalf("%s: commit %d:\n got %s\nwant %s", what, i, got[i], want[i])
		}
	}
}

// A blob-less bare clone over the fake's git endpoint has the world's
// history, named as REST names it, with the authors' offsets; reading
// FUNDING.yml fetches its blob lazily. Git requests are counted and cost
// no API quota.
func TestGitClone(t *testing.T) {
	t.Parallel()
	g := newGitClient(t)
	s, srv := newTestServer(t, Options{UnauthenticatedLimit: 5})
	t.Cleanup(func() { s.Close() })
	dir := g.clone(srv.URL, "acme/widget")
	sameLines(t, "acme/widget", g.logOf(dir), wantLog(s, "acme/widget", testCommits))
	if head := g.run(dir, "symbolic-ref", "HEAD"); head != "refs/heads/main" {
		t.Errorf("HEAD = %s, want refs/heads/main", head)
	}
	if refs := g.run(dir, "for-each-ref", "--format=%(refname)"); refs != "refs/heads/main" {
		t.Errorf("refs = %q: another repository's refs leak through", refs)
	}
	// The offset is the author's: commits were written in +02:00.
	if off := g.run(dir, "log", "-1", "--format=%ad", "--date=format:%z", "HEAD"); off != "+0200" {
		t.Errorf("author offset = %s", off)
	}
	// The REST repository's clone_url is where git reads it.
	var repo map[string]any
	getJSON(t, srv.URL+"/repos/acme/widget", 200, &repo)
	if repo["clone_url"] != CloneURL(srv.URL, "acme/widget") {
		t.Errorf("clone_url = %v, want %s", repo["clone_url"], CloneURL(srv.URL, "acme/widget"))
	}
	// The REST newest commit is git's HEAD.
	var page []map[string]any
	getJSON(t, srv.URL+"/repos/acme/widget/commits?per_page=1", 200, &page)
	if head := g.run(dir, "rev-parse", "HEAD"); page[0]["sha"] != head {
		t.Errorf("REST newest %v, git HEAD %s", page[0]["sha"], head)
	}
	// blob:none: no blob yet; cat-file fetches it from the fake.
	if n := g.run(dir, "rev-list", "--objects", "--missing=print", "HEAD"); !strings.Contains(n, "?"+gitobj.BlobID([]byte(s.idx.repoByName["acme/widget"].repo.FundingYML))) {
		t.Errorf("FUNDING.yml blob is not missing after a blob-less clone:\n%s", n)
	}
	if got := g.run(dir, "cat-file", "blob", "HEAD:.github/FUNDING.yml"); got != strings.TrimSpace(testWorld().Repos[1].FundingYML) {
		t.Errorf("FUNDING.yml = %q", got)
	}

	if n := s.Count(GitRefsRoute, 200); n < 1 {
		t.Errorf("info/refs counted %d times", n)
	}
	if n := s.Count(GitUploadPackRoute, 200); n < 2 {
		t.Errorf("upload-pack counted %d times, want the clone and the lazy blob fetch", n)
	}
	// Anonymous REST has a limit of 5 here, of which 2 were spent above:
	// the git requests were not charged.
	resp, _ := get(t, srv.URL+"/rate_limit")
	if resp.StatusCode != 200 {
		t.Fatal(resp.Status)
	}
	var rl map[string]any
	getJSON(t, srv.URL+"/rate_limit", 200, &rl)
	if used := rl["resources"].(map[string]any)["core"].(map[string]any)["used"]; used != float64(2) {
		t.Errorf("REST quota used %v after git requests, want 2", used)
	}
}

// Every repository of the world, whatever its shape (parentless and
// message-less commits, no FUNDING.yml), clones to the commits REST
// reports; repositories without commits clone empty.
func TestGitAllRepos(t *testing.T) {
	t.Parallel()
	g := newGitClient(t)
	s, srv := newTestServer(t, Options{})
	t.Cleanup(func() { s.Close() })
	dir := g.clone(srv.URL, "alice/tool")
	sameLines(t, "alice/tool", g.logOf(dir), wantLog(s, "alice/tool", 3))
	if head := g.run(dir, "symbolic-ref", "HEAD"); head != "refs/heads/master" {
		t.Errorf("alice/tool HEAD = %s, want its default branch master", head)
	}
	if tree := g.run(dir, "rev-parse", "HEAD^{tree}"); tree != gitobj.EmptyTree {
		t.Errorf("alice/tool tree = %s, want the empty tree", tree)
	}
	empty := g.clone(srv.URL, "acme/empty")
	if refs := g.run(empty, "for-each-ref"); refs != "" {
		t.Errorf("acme/empty has refs %s", refs)
	}
}

// The served branch follows the horizon; a fetch after it moves brings
// exactly the new commits.
func TestGitHorizon(t *testing.T) {
	t.Parallel()
	g := newGitClient(t)
	s, srv := newTestServer(t, Options{})
	t.Cleanup(func() { s.Close() })
	s.SetHorizon(base.Add(10 * 24 * time.Hour)) // before the first git request
	dir := g.clone(srv.URL, "acme/widget")
	sameLines(t, "day 10", g.logOf(dir), wantLog(s, "acme/widget", 40))

	s.SetHorizon(base.Add(20 * 24 * time.Hour))
	g.run(dir, "fetch", "--quiet", "--prune", "origin", "+refs/heads/main:refs/heads/main")
	sameLines(t, "day 20", g.logOf(dir), wantLog(s, "acme/widget", 80))
	if n := g.run(dir, "rev-list", "--count", "HEAD~40..HEAD"); n != "40" {
		t.Errorf("%s new commits", n)
	}

	// Back in time: the branch moves back (a forced update).
	s.SetHorizon(base.Add(5 * 24 * time.Hour))
	g.run(dir, "fetch", "--quiet", "--prune", "origin", "+refs/heads/main:refs/heads/main")
	sameLines(t, "day 5", g.logOf(dir), wantLog(s, "acme/widget", 20))

	// Before the repository existed: not found.
	s.SetHorizon(base.Add(-2 * time.Hour))
	if out := g.fails(dir, "fetch", "--quiet", "origin"); !strings.Contains(out, "not found") {
		t.Errorf("fetch before creation: %s", out)
	}
}

// Repository conditions hold for git: deleted is 404, blocked 451,
// renamed redirects to the new name, empty has no refs.
func TestGitRepoStates(t *testing.T) {
	t.Parallel()
	g := newGitClient(t)
	s, srv := newTestServer(t, Options{RepoStates: map[string]RepoState{
		"acme/gone":    {Condition: RepoDeleted},
		"acme/widget":  {Condition: RepoBlocked},
		"acme/old":     {Condition: RepoRenamed, To: "alice/tool"},
		"alice/tool":   {},
		"acme/nothere": {},
	}})
	t.Cleanup(func() { s.Close() })
	tmp := t.TempDir()
	for _, tc := range []struct{ repo, want string }{
		{"acme/gone", "not found"},
		{"acme/nothere", "not found"},
		{"acme/widget", "451"},
	} {
		out := g.fails(tmp, "clone", "--bare", CloneURL(srv.URL, tc.repo), filepath.Join(tmp, strings.ReplaceAll(tc.repo, "/", "_")))
		if !strings.Contains(out, tc.want) {
			t.Errorf("clone %s: want %q in\n%s", tc.repo, tc.want, out)
		}
	}
	dir := g.clone(srv.URL, "acme/old")
	sameLines(t, "renamed", g.logOf(dir), wantLog(s, "alice/tool", 3))
	if n := s.Count(GitRefsRoute, http.StatusMovedPermanently); n != 1 {
		t.Errorf("%d redirects counted", n)
	}

	s.SetRepoState("alice/tool", RepoState{Condition: RepoEmpty})
	if refs := g.run(g.clone(srv.URL, "alice/tool"), "for-each-ref"); refs != "" {
		t.Errorf("an empty repository has refs %s", refs)
	}
}

// Injected server errors and dropped connections strike git requests;
// rate-limit faults do not (git costs no API quota).
func TestGitFaults(t *testing.T) {
	t.Parallel()
	g := newGitClient(t)
	s, srv := newTestServer(t, Options{Faults: MustParseFaults("502@" + GitRefsRoute + ", secondary403=1")})
	t.Cleanup(func() { s.Close() })
	tmp := t.TempDir()
	if out := g.fails(tmp, "clone", "--bare", CloneURL(srv.URL, "acme/widget"), filepath.Join(tmp, "a")); !strings.Contains(out, "502") {
		t.Errorf("clone under 502: %s", out)
	}
	if n := s.Count(GitRefsRoute, 502); n != 1 {
		t.Errorf("502 counted %d times", n)
	}
	s.SetFaults(MustParseFaults("abort@" + GitUploadPackRoute + ", secondary429"))
	if out := g.fails(tmp, "clone", "--bare", CloneURL(srv.URL, "acme/widget"), filepath.Join(tmp, "b")); out == "" {
		t.Error("no error from an aborted pack")
	}
	s.SetFaults(MustParseFaults("secondary403, primary403, truncate, malformed"))
	g.clone(srv.URL, "acme/widget")
	if fc := s.Faults(); len(fc) != 2 || fc[0].Kind != Fault502 || fc[1].Kind != FaultAbort {
		t.Errorf("faults injected: %v", fc)
	}
}

// Without git installed, git requests fail with 503 and a reason, and
// REST keeps working.
func TestGitMissing(t *testing.T) {
	s := New(testWorld(), Options{})
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	t.Setenv("PATH", t.TempDir())
	resp, body := get(t, CloneURL(srv.URL, "acme/widget")+"/info/refs?service=git-upload-pack")
	if resp.StatusCode != http.StatusServiceUnavailable || !strings.Contains(string(body), "git is not installed") {
		t.Errorf("without git: %d %s", resp.StatusCode, body)
	}
	if resp, _ := get(t, srv.URL+"/repos/acme/widget"); resp.StatusCode != 200 {
		t.Errorf("REST without git: %d", resp.StatusCode)
	}
}

func TestGitRequestPaths(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		path            string
		owner, repo, op string
		ok              bool
	}{
		{"/acme/widget.git/info/refs", "acme", "widget", "info/refs", true},
		{"/acme/widget.git/git-upload-pack", "acme", "widget", "git-upload-pack", true},
		{"/acme/widget.git/objects/info/packs", "acme", "widget", "objects/info/packs", true},
		{"/acme/widget/info/refs", "", "", "", false},
		{"/acme/.git/info/refs", "", "", "", false},
		{"/repos/acme/widget", "", "", "", false},
		{"/acme/widget.git", "", "", "", false},
	} {
		owner, repo, op, ok := gitRequest(tc.path)
		if owner != tc.owner || repo != tc.repo || op != tc.op || ok != tc.ok {
			t.Errorf("gitRequest(%q) = %q %q %q %v", tc.path, owner, repo, op, ok)
		}
	}
}

// manyRepos is a world of n repositories of 5 commits each, every second
// one with a FUNDING.yml.
func manyRepos(n int) *scenario.World {
	w := &scenario.World{Name: "many", End: base.AddDate(1, 0, 0), Users: map[string]*scenario.User{}}
	for i := range n {
		r := &scenario.Repo{Owner: fmt.Sprintf("o%02d", i%20), Name: fmt.Sprintf("p%05d", i), ID: int64(10000 + i), DefaultBranch: "main", CreatedAt: base}
		if i%2 == 0 {
			r.FundingYML = fmt.Sprintf("github: [o%02d]\n", i%20)
		}
		for c := range 5 {
			at := base.Add(time.Duration(i*5+c) * time.Minute)
			r.Commits = append(r.Commits, scenario.Commit{SHA: fmt.Sprint(c), Message: fmt.Sprintf("change %d", c),
				AuthorName: r.Owner, AuthorEmail: r.Owner + "@example.org", AuthorDate: at,
				CommitterName: r.Owner, CommitterEmail: r.Owner + "@example.org", CommitterDate: at})
		}
		w.Repos = append(w.Repos, r)
	}
	return w
}

// BenchmarkGitWorld measures, for worlds of many repositories, indexing
// them (New: hashing every commit), building the one repository they are
// served from (the first git request), and then a blob-less clone of one
// of them.
func BenchmarkGitWorld(b *testing.B) {
	tooltest.Require(b, "git", "git")
	for _, n := range []int{100, 1000, 10000} {
		w := manyRepos(n)
		b.Run(fmt.Sprintf("repos=%d", n), func(b *testing.B) {
			var newT, buildT, cloneT time.Duration
			for b.Loop() {
				t0 := time.Now()
				s := New(w, Options{})
				t1 := time.Now()
				srv := httptest.NewServer(s)
				resp, err := http.Get(CloneURL(srv.URL, "o00/p00000") + "/info/refs?service=git-upload-pack")
				if err != nil || resp.StatusCode != 200 {
					b.Fatal(err, resp)
				}
				resp.Body.Close()
				t2 := time.Now()
				dir := filepath.Join(b.TempDir(), "m.git")
				cmd := exec.Command("git", "clone", "--quiet", "--bare", "--filter=blob:none", CloneURL(srv.URL, fmt.Sprintf("o%02d/p%05d", (n-1)%20, n-1)), dir)
				cmd.Env = append(os.Environ(), gitEnv(b.TempDir())...)
				if out, err := cmd.CombinedOutput(); err != nil {
					b.Fatalf("%v\n%s", err, out)
				}
				t3 := time.Now()
				srv.Close()
				s.Close()
				newT += t1.Sub(t0)
				buildT += t2.Sub(t1)
				cloneT += t3.Sub(t2)
			}
			nf := float64(b.N)
			b.ReportMetric(newT.Seconds()*1e3/nf, "ms-new")
			b.ReportMetric(buildT.Seconds()*1e3/nf, "ms-build")
			b.ReportMetric(cloneT.Seconds()*1e3/nf, "ms-clone")
		})
	}
}
