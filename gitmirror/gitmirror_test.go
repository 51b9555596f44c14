package gitmirror

import (
	"context"
	"errors"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fundwatch/fundwatch/ghrepo"
	"github.com/fundwatch/fundwatch/githubfake"
	"github.com/fundwatch/fundwatch/githubfake/scenario"
	"github.com/fundwatch/fundwatch/internal/tooltest"
	"github.com/fundwatch/fundwatch/store"
)

var base = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)

const widgetCommits = 60 // one every 12 hours from base

const funding = "github: [alice]\ncustom: [\"https://widget.example/donate\"]\n"

// world is acme/widget (60 commits by four authors in four time zones,
// a FUNDING.yml) and acme/empty (no commits).
func world() *scenario.World {
	zones := []*time.Location{time.FixedZone("", 2*3600), time.FixedZone("", -7*3600),
		time.FixedZone("", 5*3600+30*60), time.UTC}
	authors := []struct{ name, email string }{
		{"Alice A", "alice@acme.example"}, {"Bob B", "bob@gmail.example"},
		{"Zoë Ñandú", "zoe@例え.jp"}, {"dependabot[bot]", "49699333+dependabot[bot]@users.noreply.github.com"},
	}
	widget := &scenario.Repo{Owner: "acme", Name: "widget", ID: 1, DefaultBranch: "main", CreatedAt: base.Add(-time.Hour), FundingYML: funding}
	for i := range widgetCommits {
		a := authors[i%len(authors)]
		at := base.Add(time.Duration(i) * 12 * time.Hour)
		widget.Commits = append(widget.Commits, scenario.Commit{
			SHA: fmt.Sprint(i), Message: fmt.Sprintf("change %d\n\nwith a body", i),
			AuthorName: a.name, AuthorEmail: a.email, AuthorDate: at.In(zones[i%len(zones)]),
			CommitterName: "Cy Committer", CommitterEmail: "cy@acme.example", CommitterDate: at.Add(time.Minute),
		})
	}
	empty := &scenario.Repo{Owner: "acme", Name: "empty", ID: 2, DefaultBranch: "main", CreatedAt: base}
	return &scenario.World{Name: "gitmirror", End: base.AddDate(0, 2, 0), Repos: []*scenario.Repo{empty, widget}}
}

type rig struct {
	fake  *githubfake.Server
	url   string
	cache *Cache
}

func newRig(t *testing.T) *rig {
	t.Helper()
	tooltest.Require(t, "git", "git")
	fake := githubfake.New(world(), githubfake.Options{GitDir: t.TempDir()})
	srv := httptest.NewServer(fake)
	t.Cleanup(func() { srv.Close(); fake.Close() })
	return &rig{fake: fake, url: srv.URL, cache: &Cache{Dir: t.TempDir(), Timeout: time.Minute}}
}

func (r *rig) sync(t *testing.T, name string) *Mirror {
	t.Helper()
	m, err := r.cache.Sync(context.Background(), ghrepo.MustParse(name), githubfake.CloneURL(r.url, name))
	if err != nil {
		t.Fatalf("Sync(%s): %v", name, err)
	}
	return m
}

func logOf(t *testing.T, m *Mirror, since time.Time) []store.Commit {
	t.Helper()
	cs, err := m.Log(context.Background(), since)
	if err != nil {
		t.Fatalf("Log: %v", err)
	}
	return cs
}

// sameAsWorld checks that got (newest first) is the fake's first n
// commits of acme/widget: ids, parents, identities, dates and offsets.
func sameAsWorld(t *testing.T, r *rig, got []store.Commit, from, n int) {
	t.Helper()
	want := r.fake.Commits("acme/widget")[from:n]
	if len(got) != len(want) {
		t.Fatalf("read %d commits, want %d", len(got), len(want))
	}
	for i, w := range want {
		g := got[len(got)-1-i]
		_, woff := w.AuthorDate.Zone()
		subject, _, _ := strings.Cut(w.Message, "\n")
		if g.SHA != w.SHA || g.Parents != len(w.Parents) || g.Repo != "acme/widget" ||
			g.AuthorName != w.AuthorName || g.AuthorEmail != w.AuthorEmail ||
			!g.AuthorTime.Equal(w.AuthorDate) || !g.AuthorTZKnown || g.AuthorTZOffset*60 != woff ||
			g.CommitterName != w.CommitterName || g.CommitterEmail != w.CommitterEmail ||
			!g.CommitterTime.Equal(w.CommitterDate) || g.Message != subject {
			t.Fatalf("commit %d:\n got %+v\nwant %+v", from+i, g, w)
		}
	}
}

// A first Sync clones; Log is the world's history with its offsets; a
// Sync after the horizon moved fetches, and Log since the last committer
// date (less an overlap) reads only what is new.
func TestSyncAndLog(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	r.fake.SetHorizon(base.Add(20 * 12 * time.Hour)) // commits 0..19
	m := r.sync(t, "acme/widget")
	if want := filepath.Join(r.cache.Dir, "acme", "widget.git"); m.Dir() != want {
		t.Errorf("Dir = %s, want %s", m.Dir(), want)
	}
	first := logOf(t, m, time.Time{})
	sameAsWorld(t, r, first, 0, 20)
	if m.Head() != first[0].SHA {
		t.Errorf("Head = %s, newest commit %s", m.Head(), first[0].SHA)
	}
	if first[1].AuthorTZOffset != 330 || first[2].AuthorTZOffset != -420 {
		t.Errorf("offsets %d, %d; want +05:30 and -07:00", first[1].AuthorTZOffset, first[2].AuthorTZOffset)
	}
	// Fetched, not cloned again: what is in the mirror stays.
	keep := filepath.Join(m.Dir(), "keep")
	if err := os.WriteFile(keep, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	r.fake.SetHorizon(base.Add(30 * 12 * time.Hour)) // commits 0..29
	m2 := r.sync(t, "acme/widget")
	if _, err := os.Stat(keep); err != nil {
		t.Errorf("the second Sync cloned again: %v", err)
	}
	// Since the newest commit read less 36 hours: that one and the three
	// before it again (the overlap), and the ten new ones.
	since := first[0].CommitterTime.Add(-36 * time.Hour)
	sameAsWorld(t, r, logOf(t, m2, since), 16, 30)
	sameAsWorld(t, r, logOf(t, m2, time.Time{}), 0, 30)
	// The first Mirror still reads the head it synced.
	sameAsWorld(t, r, logOf(t, m, time.Time{}), 0, 20)

	// Nothing new: the head stays.
	if m3 := r.sync(t, "acme/widget"); m3.Head() != m2.Head() {
		t.Errorf("head moved without new commits: %s -> %s", m2.Head(), m3.Head())
	}
	// Mirrors are per repository, whatever the case of the name.
	if m4 := r.sync(t, "ACME/Widget"); m4.Dir() != m.Dir() || m4.Head() != m2.Head() {
		t.Errorf("ACME/Widget: %s %s", m4.Dir(), m4.Head())
	}
}

// Files are read from the synced head; their content is fetched once.
func TestReadFile(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	m := r.sync(t, "acme/widget")
	before := r.fake.Count(githubfake.GitUploadPackRoute, 0)
	got, found, err := m.ReadFile(context.Background(), ".github/FUNDING.yml")
	if err != nil || !found || got != funding {
		t.Fatalf("FUNDING.yml = %q, %v, %v", got, found, err)
	}
	if n := r.fake.Count(githubfake.GitUploadPackRoute, 0) - before; n != 1 {
		t.Errorf("%d fetches for the file's content, want 1", n)
	}
	if got, found, err = m.ReadFile(context.Background(), ".github/FUNDING.yml"); err != nil || !found || got != funding {
		t.Fatalf("FUNDING.yml again = %q, %v, %v", got, found, err)
	}
	if n := r.fake.Count(githubfake.GitUploadPackRoute, 0) - before; n != 1 {
		t.Errorf("read again: %d fetches in all, want the first only", n)
	}
	for _, p := range []string{"README.md", ".github", ".github/funding.yml", ".github/FUNDING.yml/x", "*"} {
		if got, found, err := m.ReadFile(context.Background(), p); err != nil || found || got != "" {
			t.Errorf("ReadFile(%q) = %q, %v, %v; want not found", p, got, found, err)
		}
	}
	for _, p := range []string{"", "/etc/passwd", "../x", "a//b", "./a", ".github/../x", ":(glob)*", "a\x00b", `a\b`} {
		if _, _, err := m.ReadFile(context.Background(), p); err == nil {
			t.Errorf("ReadFile(%q) accepted", p)
		}
	}
	e := r.sync(t, "acme/empty")
	if got, found, err := e.ReadFile(context.Background(), ".github/FUNDING.yml"); err != nil || found || got != "" {
		t.Errorf("empty repository: %q, %v, %v", got, found, err)
	}
}

// An empty repository mirrors empty; once it has commits, Sync gets them.
// A repository that loses its branch is mirrored empty again.
func TestEmptyRepository(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	if m := r.sync(t, "acme/empty"); m.Head() != "" || len(logOf(t, m, time.Time{})) != 0 {
		t.Errorf("acme/empty: head %q", m.Head())
	}
	r.fake.SetHorizon(base.Add(-time.Minute)) // widget exists, without commits yet
	if m := r.sync(t, "acme/widget"); m.Head() != "" {
		t.Errorf("widget before its first commit: head %q", m.Head())
	}
	r.fake.SetHorizon(base.Add(5 * 12 * time.Hour))
	sameAsWorld(t, r, logOf(t, r.sync(t, "acme/widget"), time.Time{}), 0, 5)
	r.fake.SetRepoState("acme/widget", githubfake.RepoState{Condition: githubfake.RepoEmpty})
	if m := r.sync(t, "acme/widget"); m.Head() != "" || len(logOf(t, m, time.Time{})) != 0 {
		t.Errorf("emptied repository: head %q", m.Head())
	}
}

// A mirror that is broken in any of the ways a crash or a disk can break
// it is cloned again, and reads the whole history.
func TestBrokenMirrorIsRecloned(t *testing.T) {
	t.Parallel()
	breakages := map[string]func(t *testing.T, dir string){
		"packs deleted": func(t *testing.T, dir string) {
			packs, _ := filepath.Glob(filepath.Join(dir, "objects", "pack", "*"))
			if len(packs) == 0 {
				t.Fatal("no packs to delete")
			}
			for _, p := range packs {
				os.Remove(p)
			}
		},
		"an empty directory": func(t *testing.T, dir string) {
			os.RemoveAll(dir)
			os.Mkdir(dir, 0o755)
		},
		"a file": func(t *testing.T, dir string) {
			os.RemoveAll(dir)
			os.WriteFile(dir, []byte("junk"), 0o644)
		},
		"HEAD names no branch": func(t *testing.T, dir string) {
			os.WriteFile(filepath.Join(dir, "HEAD"), []byte("ref: refs/heads/gone\n"), 0o644)
		},
		"config lost": func(t *testing.T, dir string) {
			os.Remove(filepath.Join(dir, "config"))
		},
		"a half clone left beside it": func(t *testing.T, dir string) {
			os.RemoveAll(dir)
			os.MkdirAll(filepath.Join(filepath.Dir(dir), ".widget.git.clone-123", "widget.git", "objects"), 0o755)
		},
	}
	for name, breakIt := range breakages {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			r := newRig(t)
			m := r.sync(t, "acme/widget")
			breakIt(t, m.Dir())
			m = r.sync(t, "acme/widget")
			sameAsWorld(t, r, logOf(t, m, time.Time{}), 0, widgetCommits)
			if left, _ := filepath.Glob(filepath.Join(filepath.Dir(m.Dir()), ".*clone-*")); len(left) != 0 {
				t.Errorf("left behind: %v", left)
			}
		})
	}
}

// A commit lost from the middle of the history passes Sync's quick
// check; Log fails on it without fetching, and the next Sync clones again.
func TestLogFailureMakesNextSyncCheck(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	m := r.sync(t, "acme/widget")
	old := r.fake.Commits("acme/widget")[10].SHA
	// Unpack, so one commit can be removed, then remove it.
	if _, err := r.cache.git(context.Background(), m.Dir(), local, "repack", "-a", "-d", "--no-write-bitmap-index"); err != nil {
		t.Fatal(err)
	}
	packs, _ := filepath.Glob(filepath.Join(m.Dir(), "objects", "pack", "*.pack"))
	for _, p := range packs {
		moved := filepath.Join(t.TempDir(), "p.pack")
		if err := os.Rename(p, moved); err != nil {
			t.Fatal(err)
		}
		f, err := os.Open(moved)
		if err != nil {
			t.Fatal(err)
		}
		cmd := r.cache.command(context.Background(), m.Dir(), local, "unpack-objects", "-q")
		cmd.Stdin = f
		out, err := cmd.CombinedOutput()
		f.Close()
		if err != nil {
			t.Fatalf("unpack-objects: %v %s", err, out)
		}
		os.Remove(strings.TrimSuffix(p, ".pack") + ".idx")
		os.Remove(strings.TrimSuffix(p, ".pack") + ".promisor")
	}
	if err := os.Remove(filepath.Join(m.Dir(), "objects", old[:2], old[2:])); err != nil {
		t.Fatal(err)
	}
	before := r.fake.Count(githubfake.GitUploadPackRoute, 0)
	if _, err := m.Log(context.Background(), time.Time{}); err == nil {
		t.Fatal("Log read a history with a commit missing")
	}
	if n := r.fake.Count(githubfake.GitUploadPackRoute, 0); n != before {
		t.Errorf("Log fetched %d times", n-before)
	}
	m = r.sync(t, "acme/widget")
	sameAsWorld(t, r, logOf(t, m, time.Time{}), 0, widgetCommits)
	if _, err := os.Stat(filepath.Join(m.Dir(), suspectFile)); err == nil {
		t.Error("the mark of suspicion stayed")
	}
}

func TestSyncErrors(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	ctx := context.Background()
	// Names that are not GitHub's never reach the file system.
	for _, n := range []ghrepo.Name{{}, {Owner: "..", Repo: "x"}, {Owner: "a", Repo: ".."}, {Owner: "a/b", Repo: "c"},
		{Owner: "a", Repo: "../../etc"}, {Owner: "a", Repo: "b.git"}, {Owner: "-a", Repo: "b"}} {
		if _, err := r.cache.Sync(ctx, n, githubfake.CloneURL(r.url, "acme/widget")); err == nil {
			t.Errorf("Sync(%q) accepted", n)
		}
	}
	if entries, _ := os.ReadDir(r.cache.Dir); len(entries) != 0 {
		t.Errorf("bad names left %v in the cache", entries)
	}
	name := ghrepo.MustParse("acme/widget")
	for _, u := range []string{"file:///etc", "ext::sh -c id", "ssh://git@example.org/a/b.git", "https://user:s3cret-token@example.org/a/b.git", "%zz", "https:///a"} {
		_, err := r.cache.Sync(ctx, name, u)
		if err == nil {
			t.Errorf("clone URL %q accepted", u)
		} else if strings.Contains(err.Error(), "s3cret") {
			t.Errorf("the error shows the token: %v", err)
		}
	}
	// A repository GitHub does not know: the error names it.
	_, err := r.cache.Sync(ctx, ghrepo.MustParse("acme/gone"), githubfake.CloneURL(r.url, "acme/gone"))
	if err == nil || !strings.HasPrefix(err.Error(), "gitmirror: acme/gone: ") || !strings.Contains(err.Error(), "not found") {
		t.Errorf("missing repository: %v", err)
	}
	t.Logf("a missing repository: %v", err)
	// A canceled context.
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := r.cache.Sync(cctx, name, githubfake.CloneURL(r.url, "acme/widget")); !errors.Is(err, context.Canceled) {
		t.Errorf("canceled: %v", err)
	}
	if _, err := (&Cache{}).Sync(ctx, name, githubfake.CloneURL(r.url, "acme/widget")); err == nil {
		t.Error("a Cache without Dir synced")
	}
}

// A failed fetch (the server, the network) is an error and leaves the
// mirror as it was: no re-clone; the next Sync goes on from it.
func TestFetchFailureKeepsMirror(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	r.fake.SetHorizon(base.Add(10 * 12 * time.Hour))
	m := r.sync(t, "acme/widget")
	keep := filepath.Join(m.Dir(), "keep")
	if err := os.WriteFile(keep, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	r.fake.SetHorizon(base.Add(20 * 12 * time.Hour))
	for _, f := range []string{"502@" + githubfake.GitUploadPackRoute, "reset@" + githubfake.GitRefsRoute} {
		r.fake.SetFaults(githubfake.MustParseFaults(f))
		_, err := r.cache.Sync(context.Background(), ghrepo.MustParse("acme/widget"), githubfake.CloneURL(r.url, "acme/widget"))
		if err == nil || !strings.HasPrefix(err.Error(), "gitmirror: acme/widget: git fetch: ") {
			t.Errorf("fetch under %s: %v", f, err)
		}
		t.Logf("under %s: %v", f, err)
	}
	r.fake.SetFaults(nil)
	m = r.sync(t, "acme/widget")
	if _, err := os.Stat(keep); err != nil {
		t.Errorf("a failed fetch led to a re-clone: %v", err)
	}
	sameAsWorld(t, r, logOf(t, m, time.Time{}), 0, 20)
}

// Concurrent Syncs of one repository take turns: one clones, the others
// fetch, and all see the same head.
func TestConcurrentSyncs(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	var wg sync.WaitGroup
	heads := make([]string, 6)
	errs := make([]error, 6)
	for i := range heads {
		wg.Go(func() {
			m, err := r.cache.Sync(context.Background(), ghrepo.MustParse("acme/widget"), githubfake.CloneURL(r.url, "acme/widget"))
			if err == nil {
				heads[i] = m.Head()
			}
			errs[i] = err
		})
	}
	wg.Wait()
	for i := range heads {
		if errs[i] != nil || heads[i] != heads[0] || heads[0] == "" {
			t.Errorf("sync %d: head %q, err %v", i, heads[i], errs[i])
		}
	}
}

// The lock spans processes: a file lock held elsewhere makes Sync wait.
func TestSyncWaitsForFileLock(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	dir, _ := r.cache.Path(ghrepo.MustParse("acme/widget"))
	os.MkdirAll(filepath.Dir(dir), 0o755)
	unlock, err := lockFile(context.Background(), filepath.Join(filepath.Dir(dir), ".widget.git.lock"))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	if _, err := r.cache.Sync(ctx, ghrepo.MustParse("acme/widget"), githubfake.CloneURL(r.url, "acme/widget")); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Sync under another's lock: %v", err)
	}
	unlock()
	r.sync(t, "acme/widget")
}

func TestAvailable(t *testing.T) {
	tooltest.Require(t, "git", "git")
	if err := Available(); err != nil {
		t.Fatal(err)
	}
}

func TestParseVersion(t *testing.T) {
	for _, tc := range []struct {
		in           string
		major, minor int
		ok           bool
	}{
		{"git version 2.39.5", 2, 39, true},
		{"git version 2.39.3 (Apple Git-146)", 2, 39, true},
		{"git version 2.45.0.windows.1", 2, 45, true},
		{"git version 3.0", 3, 0, true},
		{"git version x", 0, 0, false},
		{"hub version 2.14", 0, 0, false},
	} {
		major, minor, ok := parseVersion(tc.in)
		if major != tc.major || minor != tc.minor || ok != tc.ok {
			t.Errorf("parseVersion(%q) = %d, %d, %v", tc.in, major, minor, ok)
		}
	}
}
