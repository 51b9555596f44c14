package gitmirror

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/fundwatch/fundwatch/ghrepo"
	"github.com/fundwatch/fundwatch/internal/tooltest"
)

// duBytes is du's count of dir in bytes: the oracle Usage must agree with.
func duBytes(t *testing.T, dir string) int64 {
	t.Helper()
	tooltest.Require(t, "du", "coreutils")
	out, err := exec.Command("du", "-s", "-B1", dir).Output()
	if err != nil {
		t.Fatal(err)
	}
	n, err := strconv.ParseInt(strings.Fields(string(out))[0], 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// Usage counts the Cache's mirrors and everything the directory takes,
// as du does; an empty or missing cache takes nothing.
func TestUsage(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	missing := &Cache{Dir: filepath.Join(t.TempDir(), "not-yet")}
	if u, err := missing.Usage(); err != nil || u != (Usage{}) {
		t.Fatalf("Usage of a missing cache = %+v, %v", u, err)
	}
	r.sync(t, "acme/widget")
	r.sync(t, "acme/empty")
	// Not mirrors: counted in the bytes, not as mirrors.
	if err := os.WriteFile(filepath.Join(r.cache.Dir, "README"), []byte("mine\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	u, err := r.cache.Usage()
	if err != nil {
		t.Fatal(err)
	}
	if u.Mirrors != 2 {
		t.Errorf("Usage counts %d mirrors, want 2", u.Mirrors)
	}
	if want := duBytes(t, r.cache.Dir); u.Bytes != want {
		t.Errorf("Usage counts %d bytes, du %d", u.Bytes, want)
	}
}

// Prune removes only the mirrors of repositories not kept, and only
// what the Cache made: files and directories of others, links (into the
// cache or out of it) and what they point at all survive; a mirror whose
// lock someone holds is left for later.
func TestPrune(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	widget := r.sync(t, "acme/widget")
	r.sync(t, "acme/empty")
	dir := r.cache.Dir

	// A bare repository outside the cache, shaped as a mirror, reached
	// through links: a link as an owner and a link as a mirror.
	outside := t.TempDir()
	target := filepath.Join(outside, "victim.git")
	if out, err := exec.Command("git", "init", "--quiet", "--bare", target).CombinedOutput(); err != nil {
		t.Fatalf("git init: %v: %s", err, out)
	}
	survivors := map[string]func() error{
		"README":                func() error { return os.WriteFile(filepath.Join(dir, "README"), []byte("mine\n"), 0o644) },
		"acme/notes.txt":        func() error { return os.WriteFile(filepath.Join(dir, "acme", "notes.txt"), []byte("mine\n"), 0o644) },
		"acme/Upper.git":        func() error { return os.CopyFS(filepath.Join(dir, "acme", "Upper.git"), os.DirFS(widget.Dir())) },
		"acme/plain":            func() error { return os.MkdirAll(filepath.Join(dir, "acme", "plain", "objects"), 0o755) },
		"acme/notgit.git":       func() error { return os.MkdirAll(filepath.Join(dir, "acme", "notgit.git"), 0o755) },
		"acme/link.git":         func() error { return os.Symlink(target, filepath.Join(dir, "acme", "link.git")) },
		"evil":                  func() error { return os.Symlink(outside, filepath.Join(dir, "evil")) },
		".hidden/x.git":         func() error { return os.CopyFS(filepath.Join(dir, ".hidden", "x.git"), os.DirFS(widget.Dir())) },
		"acme/widget.git":       nil, // kept
		"acme/.widget.git.lock": nil,
	}
	for name, make := range survivors {
		if make == nil {
			continue
		}
		if err := make(); err != nil {
			t.Fatalf("making %s: %v", name, err)
		}
	}
	// A second unwatched mirror, copied as the Cache would have cloned
	// it, whose lock another process holds.
	busyDir := filepath.Join(dir, "other", "busy.git")
	if err := os.CopyFS(busyDir, os.DirFS(widget.Dir())); err != nil {
		t.Fatal(err)
	}
	unlock, err := lockFile(context.Background(), filepath.Join(dir, "other", ".busy.git.lock"))
	if err != nil {
		t.Fatal(err)
	}

	before := duBytes(t, filepath.Join(dir, "acme", "empty.git"))
	keep := func(n ghrepo.Name) bool { return n.Key() == "acme/widget" }
	removed, busy, err := r.cache.Prune(keep)
	if err != nil {
		t.Fatal(err)
	}
	if len(removed) != 1 || removed[0].Repo.String() != "acme/empty" || removed[0].Bytes != before {
		t.Errorf("removed %+v, want acme/empty's %d bytes", removed, before)
	}
	if len(busy) != 1 || busy[0].String() != "other/busy" {
		t.Errorf("busy %v, want other/busy", busy)
	}
	if _, err := os.Lstat(filepath.Join(dir, "acme", "empty.git")); !os.IsNotExist(err) {
		t.Errorf("acme/empty's mirror is still there: %v", err)
	}
	for name := range survivors {
		if _, err := os.Lstat(filepath.Join(dir, filepath.FromSlash(name))); err != nil {
			t.Errorf("%s did not survive the prune: %v", name, err)
		}
	}
	if _, err := os.Stat(filepath.Join(target, "HEAD")); err != nil {
		t.Errorf("the repository a link points at was touched: %v", err)
	}
	if _, err := os.Stat(busyDir); err != nil {
		t.Errorf("a mirror under another's lock was removed: %v", err)
	}

	// Once the lock is free, the next prune removes it; the kept mirror
	// still reads.
	unlock()
	if removed, busy, err = r.cache.Prune(keep); err != nil || len(removed) != 1 || removed[0].Repo.String() != "other/busy" || len(busy) != 0 {
		t.Errorf("second prune: removed %+v, busy %v, %v; want other/busy removed", removed, busy, err)
	}
	if u, err := r.cache.Usage(); err != nil || u.Mirrors != 1 {
		t.Errorf("after pruning: %+v, %v; want the one kept mirror", u, err)
	}
	if cs := logOf(t, r.sync(t, "acme/widget"), base); len(cs) != widgetCommits {
		t.Errorf("the kept mirror reads %d commits, want %d", len(cs), widgetCommits)
	}
}
