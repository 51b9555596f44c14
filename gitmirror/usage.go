package gitmirror

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/fundwatch/fundwatch/ghrepo"
)

// Usage is what the cache takes on disk.
type Usage struct {
	// Bytes is the space of everything under Dir as du counts it
	// (allocated blocks of files and directories, symbolic links as
	// links, never what they point at).
	Bytes int64
	// Mirrors is how many mirrors the Cache made are there
	// (Dir/<owner>/<name>.git, see mirrorName).
	Mirrors int
}

// Usage walks Dir and says how much it takes. It costs a stat per file
// (a blob-less mirror holds a few packs and, between gcs, the loose
// objects of small fetches), so it is meant for once a collection pass,
// never per scrape. Files a concurrent sync removes while it walks are
// skipped. A Dir that does not exist yet takes nothing.
func (c *Cache) Usage() (Usage, error) {
	var u Usage
	root, err := c.root()
	if errors.Is(err, fs.ErrNotExist) {
		return u, nil
	}
	if err != nil {
		return u, err
	}
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil // removed under us by a sync or a prune
			}
			return err
		}
		info, err := d.Info() // WalkDir's entries are lstat'ed: links are not followed
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		if err != nil {
			return err
		}
		u.Bytes += diskUsage(info)
		if d.IsDir() {
			if _, ok := c.mirrorName(root, path); ok {
				u.Mirrors++
			}
		}
		return nil
	})
	if err != nil {
		return Usage{}, fmt.Errorf("gitmirror: measuring %s: %w", c.Dir, err)
	}
	return u, nil
}

// root is Dir with a symbolic link at Dir itself resolved: the user may
// point collection.git_cache at a link to another disk, and that one link
// is theirs to follow; links inside Dir never are.
func (c *Cache) root() (string, error) {
	if c.Dir == "" {
		return "", errors.New("gitmirror: Cache.Dir is not set")
	}
	info, err := os.Stat(c.Dir)
	if err != nil {
		return "", err
	}
	if !info.IsDir() {
		return "", fmt.Errorf("gitmirror: %s is not a directory", c.Dir)
	}
	return filepath.EvalSymlinks(c.Dir)
}

// mirrorName says whether path (under root) is a mirror the Cache made,
// and of which repository: a real directory (not a link) at
// root/<owner>/<name>.git, both parts lower case and valid GitHub names,
// exactly where Path puts that repository, that holds git's HEAD file
// and objects directory. Anything else in Dir (a user's file, a temporary
// clone, a lock file, a link, a directory named otherwise) is not one,
// so it is never counted as one nor removed.
func (c *Cache) mirrorName(root, path string) (ghrepo.Name, bool) {
	rel, err := filepath.Rel(root, path)
	if err != nil {
		return ghrepo.Name{}, false
	}
	owner, base, ok := strings.Cut(filepath.ToSlash(rel), "/")
	if !ok || strings.Contains(base, "/") || strings.HasPrefix(base, ".") || !strings.HasSuffix(base, ".git") {
		return ghrepo.Name{}, false
	}
	name, err := ghrepo.Parse(owner + "/" + strings.TrimSuffix(base, ".git"))
	if err != nil || name.Key() != name.String() {
		return ghrepo.Name{}, false
	}
	if p := filepath.Join(root, strings.ToLower(name.Owner), strings.ToLower(name.Repo)+".git"); p != path {
		return ghrepo.Name{}, false
	}
	for _, p := range []string{filepath.Join(root, owner), path} {
		if info, err := os.Lstat(p); err != nil || !info.IsDir() {
			return ghrepo.Name{}, false
		}
	}
	if info, err := os.Lstat(filepath.Join(path, "HEAD")); err != nil || !info.Mode().IsRegular() {
		return ghrepo.Name{}, false
	}
	if info, err := os.Lstat(filepath.Join(path, "objects")); err != nil || !info.IsDir() {
		return ghrepo.Name{}, false
	}
	return name, true
}

// Removed is a mirror Prune removed.
type Removed struct {
	Repo  ghrepo.Name // as the mirror's path names it: lower case
	Dir   string
	Bytes int64 // what it took, as Usage counts
}

// Prune removes the mirrors of the repositories keep does not want (it
// is given the name the mirror's path spells, in lower case). Only the
// Cache's own mirrors are candidates (see mirrorName): nothing else under
// Dir is touched, and no symbolic link is followed. A mirror that a Sync,
// Log or ReadFile holds, in this process or another sharing Dir, is left
// for a later Prune and reported in busy: removing it under a fetch would
// fail that fetch, and the lock would not stop a fetch that comes after.
// Each removal is logged with the repository and the bytes freed.
//
// The lock file beside a removed mirror stays: deleting a file others
// may be waiting to lock lets two of them lock different files of one
// name, and it is empty.
func (c *Cache) Prune(keep func(ghrepo.Name) bool) (removed []Removed, busy []ghrepo.Name, err error) {
	root, err := c.root()
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil, nil
	}
	if err != nil {
		return nil, nil, err
	}
	owners, err := os.ReadDir(root)
	if err != nil {
		return nil, nil, fmt.Errorf("gitmirror: %w", err)
	}
	var errs []error
	for _, o := range owners {
		if !o.IsDir() || strings.HasPrefix(o.Name(), ".") { // ReadDir lstats: a link is no directory here
			continue
		}
		entries, err := os.ReadDir(filepath.Join(root, o.Name()))
		if err != nil {
			errs = append(errs, err)
			continue
		}
		for _, e := range entries {
			if !e.IsDir() {
				continue
			}
			dir := filepath.Join(root, o.Name(), e.Name())
			name, ok := c.mirrorName(root, dir)
			if !ok || keep(name) {
				continue
			}
			r, held, err := c.remove(root, name, dir)
			switch {
			case err != nil:
				errs = append(errs, err)
			case held:
				busy = append(busy, name)
			default:
				removed = append(removed, r)
				c.logger().Info("removed the git mirror of a repository no longer watched",
					"repo", name.String(), "freed_bytes", r.Bytes)
			}
		}
	}
	if err := errors.Join(errs...); err != nil {
		return removed, busy, fmt.Errorf("gitmirror: pruning %s: %w", c.Dir, err)
	}
	return removed, busy, nil
}

// remove deletes one mirror under its lock; held is true, and nothing is
// done, when someone holds the lock.
func (c *Cache) remove(root string, name ghrepo.Name, dir string) (r Removed, held bool, err error) {
	// The lock is keyed by the path Sync uses (Dir as configured).
	lockDir, err := c.Path(name)
	if err != nil {
		return r, false, err
	}
	unlock, ok, err := c.tryLock(lockDir)
	if err != nil || !ok {
		return r, !ok && err == nil, err
	}
	defer unlock()
	// Checked again under the lock: a re-clone swaps the directory.
	if _, ok := c.mirrorName(root, dir); !ok {
		return r, false, nil
	}
	sub := &Cache{Dir: dir}
	u, err := sub.Usage()
	if err != nil {
		return r, false, err
	}
	if err := os.RemoveAll(dir); err != nil { // removes links, never follows them
		return r, false, err
	}
	c.cleanLeftovers(lockDir)
	return Removed{Repo: name, Dir: dir, Bytes: u.Bytes}, false, nil
}

// tryLock takes the mirror directory's lock (see lock) if no one holds
// it; ok is false if someone does.
func (c *Cache) tryLock(dir string) (unlock func(), ok bool, err error) {
	ch := c.lockChan(dir)
	select {
	case ch <- struct{}{}:
	default:
		return nil, false, nil
	}
	parent, base := filepath.Split(dir)
	unlockFile, ok, err := tryLockFile(filepath.Join(parent, "."+base+".lock"))
	if err != nil || !ok {
		<-ch
		return nil, false, err
	}
	return func() { unlockFile(); <-ch }, true, nil
}
