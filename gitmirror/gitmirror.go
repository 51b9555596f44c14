// Package gitmirror keeps a bare, blob-less mirror of each watched GitHub
// repository on disk and reads commit history from it. A fetch costs no
// API quota, brings only what is new, and the history it holds keeps each
// author's UTC offset, which the REST API drops.
//
// A mirror is `git clone --bare --filter=blob:none --single-branch`: every
// commit and tree of the default branch and no file contents (those are
// fetched one by one when read, see ReadFile). It is updated with `git
// fetch` of the remote's HEAD and read with `git log` (history.ReadGitWith).
//
// A refresh reads only what is new by passing Log the newest committer
// date it has seen less an overlap (as the REST collector's since= does)
// rather than a range from the previous head (prev..HEAD): a range is
// exact after a fast-forward, but a force push makes it read the whole
// rewritten history anyway, and a date is a cursor the REST fallback
// shares.
//
// Git runs isolated: no system or global configuration, no terminal
// prompt or askpass program, only the http and https transports, and no
// credentials at all: repositories are public, so a token never reaches
// git's arguments, environment, logs or errors.
package gitmirror

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/fundwatch/fundwatch/ghrepo"
	"github.com/fundwatch/fundwatch/history"
	"github.com/fundwatch/fundwatch/store"
)

// Cache keeps one mirror per repository under Dir, at
// Dir/<owner>/<name>.git in lower case (GitHub names are case-insensitive,
// so two spellings share one mirror). The zero Cache with Dir set is
// ready; a Cache must not be copied once used.
type Cache struct {
	// Dir holds the mirrors; it is created when missing.
	Dir string
	// Timeout bounds one clone, fetch or lazy file fetch (the context can
	// end it sooner); zero means DefaultTimeout.
	Timeout time.Duration
	// Log receives a line for every clone and re-clone; nil discards them.
	Log *slog.Logger
	// Observe, if set, is told of every Sync: how long its git work took
	// (waiting for another sync of the repository not included) and its
	// error, nil on success. It must be safe for concurrent use.
	Observe func(d time.Duration, err error)

	mu    sync.Mutex
	locks map[string]chan struct{} // per mirror directory: held by one Sync, Log or ReadFile
}

// DefaultTimeout bounds a clone or fetch when Cache.Timeout is zero: a
// first blob-less clone of a large history (samba's 143k commits) takes a
// minute or two.
const DefaultTimeout = 30 * time.Minute

// MinGitVersion is the oldest git gitmirror runs: 2.32 is the first to
// honour GIT_CONFIG_GLOBAL, which keeps the user's configuration (and its
// credential helpers) out; partial clone is older.
var MinGitVersion = [2]int{2, 32}

// Available reports whether git is installed and new enough.
func Available() error {
	path, err := exec.LookPath("git")
	if err != nil {
		return fmt.Errorf("gitmirror: git is not installed: %w", err)
	}
	out, err := exec.Command(path, "version").Output()
	if err != nil {
		return fmt.Errorf("gitmirror: git version: %w", err)
	}
	v := strings.TrimSpace(string(out))
	major, minor, ok := parseVersion(v)
	if !ok {
		return fmt.Errorf("gitmirror: cannot read the version of git from %q", v)
	}
	if major < MinGitVersion[0] || major == MinGitVersion[0] && minor < MinGitVersion[1] {
		return fmt.Errorf("gitmirror: %s is too old: need git %d.%d or newer", v, MinGitVersion[0], MinGitVersion[1])
	}
	return nil
}

// parseVersion reads "git version 2.39.5" (and vendor suffixes such as
// "2.39.3 (Apple Git-146)" or "2.45.0.windows.1").
func parseVersion(s string) (major, minor int, ok bool) {
	s, ok = strings.CutPrefix(s, "git version ")
	if !ok {
		return 0, 0, false
	}
	parts := strings.SplitN(strings.Fields(s + " ")[0], ".", 3)
	if len(parts) < 2 {
		return 0, 0, false
	}
	major, err1 := strconv.Atoi(parts[0])
	minor, err2 := strconv.Atoi(parts[1])
	return major, minor, err1 == nil && err2 == nil
}

// Mirror is one repository's mirror as of its last Sync.
type Mirror struct {
	cache *Cache
	repo  ghrepo.Name
	dir   string
	url   string
	head  string
}

// Head is the commit the default branch pointed at when the mirror was
// synced; "" for an empty repository.
func (m *Mirror) Head() string { return m.head }

// Dir is the mirror's directory.
func (m *Mirror) Dir() string { return m.dir }

// Repo is the repository mirrored.
func (m *Mirror) Repo() ghrepo.Name { return m.repo }

// Path returns the directory of repo's mirror: Dir/<owner>/<name>.git,
// lower-cased. The name is checked by ghrepo's rules first, so nothing
// in it can climb out of Dir.
func (c *Cache) Path(repo ghrepo.Name) (string, error) {
	name, err := ghrepo.Parse(repo.String())
	if err != nil {
		return "", fmt.Errorf("gitmirror: %w", err)
	}
	if c.Dir == "" {
		return "", errors.New("gitmirror: Cache.Dir is not set")
	}
	return filepath.Join(c.Dir, strings.ToLower(name.Owner), strings.ToLower(name.Repo)+".git"), nil
}

// Sync brings repo's mirror up to date with cloneURL (an http or https
// URL without credentials, such as the REST API's clone_url) and returns
// it: a clone when there is none, else a fetch of the remote's default
// branch. A mirror that is not a whole repository (a directory without
// git's files, a HEAD that names no commit, commits missing, one a Log
// found broken) is cloned again, as is one whose remote lost its branch
// (an emptied repository or a renamed default branch). A clone is made in
// a temporary directory and moved into place, so an interrupted one never
// leaves a half mirror. Syncs of one repository never run together, in
// this process or in others sharing Dir.
func (c *Cache) Sync(ctx context.Context, repo ghrepo.Name, cloneURL string) (*Mirror, error) {
	dir, err := c.Path(repo)
	if err != nil {
		return nil, err
	}
	if err := checkURL(cloneURL); err != nil {
		return nil, fmt.Errorf("gitmirror: %s: %w", repo, err)
	}
	unlock, err := c.lock(ctx, dir)
	if err != nil {
		return nil, fmt.Errorf("gitmirror: %s: waiting for another sync: %w", repo, err)
	}
	defer unlock()
	m := &Mirror{cache: c, repo: repo, dir: dir, url: cloneURL}
	start := time.Now()
	err = c.sync(ctx, m)
	if c.Observe != nil {
		c.Observe(time.Since(start), err)
	}
	if err != nil {
		return nil, fmt.Errorf("gitmirror: %s: %w", repo, err)
	}
	return m, nil
}

// checkURL accepts http and https URLs without user information: a token
// in a URL would end up in git's argv, its config and its error messages.
func checkURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return errors.New("clone URL does not parse") // the parse error repeats the URL
	}
	if u.User != nil {
		return errors.New("clone URL carries credentials; gitmirror reads public repositories only")
	}
	if u.Scheme != "https" && u.Scheme != "http" || u.Host == "" {
		return fmt.Errorf("clone URL %q is not an http(s) URL", u.Redacted())
	}
	return nil
}

// suspectFile marks a mirror a Log could not read: the next Sync checks
// every commit before trusting it.
const suspectFile = "fundwatch-suspect"

func (c *Cache) sync(ctx context.Context, m *Mirror) error {
	c.cleanLeftovers(m.dir)
	if _, err := os.Stat(m.dir); errors.Is(err, os.ErrNotExist) {
		return c.clone(ctx, m, "")
	}
	_, err := os.Stat(filepath.Join(m.dir, suspectFile))
	deep := err == nil
	st, problem := c.inspect(ctx, m, deep)
	switch {
	case ctx.Err() != nil:
		return ctx.Err()
	case problem != "":
		return c.clone(ctx, m, problem)
	case st.empty:
		// Nothing to keep, and a clone learns the default branch.
		return c.clone(ctx, m, "")
	}
	if st.url != m.url {
		if _, err := c.git(ctx, m.dir, local, "config", "remote.origin.url", m.url); err != nil {
			return err
		}
	}
	fctx, cancel := c.timeout(ctx)
	defer cancel()
	// The remote's HEAD, whatever its branch is called now, into ours.
	_, ferr := c.git(fctx, m.dir, network, "fetch", "--quiet", "--prune", "--no-tags", "--no-write-fetch-head",
		"origin", "+HEAD:"+st.branch)
	if ferr != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if strings.Contains(ferr.Error(), "couldn't find remote ref") {
			return c.clone(ctx, m, "the remote has no default branch any more")
		}
		if _, problem := c.inspect(ctx, m, true); problem != "" {
			return c.clone(ctx, m, problem)
		}
		return ferr
	}
	if err := c.readHead(ctx, m); err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return c.clone(ctx, m, "HEAD names no commit after a fetch")
	}
	if deep {
		os.Remove(filepath.Join(m.dir, suspectFile))
	}
	return nil
}

// mirrorState is what inspect learns of a mirror.
type mirrorState struct {
	url, branch string // origin's URL, the branch HEAD names
	empty       bool   // no refs at all
}

// inspect says what is wrong with the mirror, "" if nothing: it must be a
// bare repository with an origin and a HEAD naming a branch, and that
// branch must be a commit that is here, unless there are no refs at all.
// deep walks every commit of HEAD too, which reads the whole history
// once. Nothing is fetched to make up for a missing object: that would be
// a round trip per object.
func (c *Cache) inspect(ctx context.Context, m *Mirror, deep bool) (st mirrorState, problem string) {
	if out, err := c.git(ctx, m.dir, local, "rev-parse", "--is-bare-repository"); err != nil || strings.TrimSpace(out) != "true" {
		return st, "not a bare git repository"
	}
	url, err := c.git(ctx, m.dir, local, "config", "--get", "remote.origin.url")
	if err != nil {
		return st, "no origin remote"
	}
	st.url = strings.TrimSpace(url)
	branch, err := c.git(ctx, m.dir, local, "symbolic-ref", "--quiet", "HEAD")
	if err != nil {
		return st, "HEAD is not a branch"
	}
	st.branch = strings.TrimSpace(branch)
	if _, err := c.git(ctx, m.dir, local, "rev-parse", "--verify", "--quiet", "HEAD^{commit}"); err != nil {
		if c.hasRefs(ctx, m) {
			return st, "HEAD names no commit"
		}
		st.empty = true
		return st, ""
	}
	if deep {
		if _, err := c.git(ctx, m.dir, local, "rev-list", "--count", "HEAD"); err != nil {
			return st, "commits are missing"
		}
	}
	return st, ""
}

func (c *Cache) hasRefs(ctx context.Context, m *Mirror) bool {
	out, err := c.git(ctx, m.dir, local, "for-each-ref", "--count=1", "--format=%(refname)")
	return err == nil && strings.TrimSpace(out) != ""
}

// readHead records the commit HEAD names, "" when there are no refs.
func (c *Cache) readHead(ctx context.Context, m *Mirror) error {
	m.head = ""
	out, err := c.git(ctx, m.dir, local, "rev-parse", "--verify", "--quiet", "HEAD^{commit}")
	if err != nil {
		if !c.hasRefs(ctx, m) {
			return nil
		}
		return fmt.Errorf("HEAD names no commit: %w", err)
	}
	m.head = strings.TrimSpace(out)
	return nil
}

// clone makes the mirror anew in a temporary directory beside it and
// swaps it in; why says why an existing one is replaced.
func (c *Cache) clone(ctx context.Context, m *Mirror, why string) error {
	if why != "" {
		c.logger().Warn("re-cloning git mirror", "repo", m.repo.String(), "reason", why)
	} else {
		c.logger().Info("cloning git mirror", "repo", m.repo.String())
	}
	parent, base := filepath.Split(m.dir)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return err
	}
	tmp, err := os.MkdirTemp(parent, "."+base+".clone-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	target := filepath.Join(tmp, base)
	cctx, cancel := c.timeout(ctx)
	defer cancel()
	if _, err := c.git(cctx, tmp, network, "clone", "--quiet", "--bare", "--filter=blob:none", "--single-branch", "--no-tags",
		"--", m.url, target); err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return err
	}
	if _, err := os.Stat(m.dir); err == nil {
		old := filepath.Join(tmp, "old")
		if err := os.Rename(m.dir, old); err != nil {
			return err
		}
	}
	if err := os.Rename(target, m.dir); err != nil {
		return err
	}
	return c.readHead(ctx, m)
}

// cleanLeftovers removes what an interrupted clone left beside dir.
func (c *Cache) cleanLeftovers(dir string) {
	parent, base := filepath.Split(dir)
	left, _ := filepath.Glob(filepath.Join(parent, "."+base+".clone-*"))
	for _, l := range left {
		os.RemoveAll(l)
	}
}

func (c *Cache) logger() *slog.Logger {
	if c.Log == nil {
		return slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	return c.Log
}

func (c *Cache) timeout(ctx context.Context) (context.Context, context.CancelFunc) {
	d := c.Timeout
	if d <= 0 {
		d = DefaultTimeout
	}
	return context.WithTimeout(ctx, d)
}

// lockChan is the in-process half of dir's lock: a channel of one.
func (c *Cache) lockChan(dir string) chan struct{} {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.locks == nil {
		c.locks = map[string]chan struct{}{}
	}
	ch := c.locks[dir]
	if ch == nil {
		ch = make(chan struct{}, 1)
		c.locks[dir] = ch
	}
	return ch
}

// lock takes the mirror directory's lock: a channel for this process, a
// file lock beside the mirror for others sharing Dir.
func (c *Cache) lock(ctx context.Context, dir string) (func(), error) {
	ch := c.lockChan(dir)
	select {
	case ch <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	parent, base := filepath.Split(dir)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		<-ch
		return nil, err
	}
	unlockFile, err := lockFile(ctx, filepath.Join(parent, "."+base+".lock"))
	if err != nil {
		<-ch
		return nil, err
	}
	return func() { unlockFile(); <-ch }, nil
}

// Log reads the mirror's history from the head Sync fetched: every commit
// reachable from it whose committer date is at or after since (zero: all),
// newest first, with the authors' offsets (see history.ReadGitWith for
// the fields, and for how since treats commits behind an older one).
// Repo is the repository's name as given to Sync; logins are not known.
// It never touches the network: a commit missing from the mirror is an
// error (and makes the next Sync check the mirror and clone it again if
// need be), not a fetch per object.
func (m *Mirror) Log(ctx context.Context, since time.Time) ([]store.Commit, error) {
	if m.head == "" {
		return nil, nil
	}
	unlock, err := m.cache.lock(ctx, m.dir)
	if err != nil {
		return nil, fmt.Errorf("gitmirror: %s: %w", m.repo, err)
	}
	defer unlock()
	cs, err := history.ReadGitWith(ctx, m.dir, m.repo.String(), history.GitOptions{
		Since: since, Rev: m.head, Config: configFor(local), Env: gitEnv(),
	})
	if err != nil {
		if ctx.Err() == nil {
			_ = os.WriteFile(filepath.Join(m.dir, suspectFile), []byte(err.Error()+"\n"), 0o644)
		}
		return nil, fmt.Errorf("gitmirror: %s: %w", m.repo, err)
	}
	return cs, nil
}

// MaxFileSize bounds what ReadFile returns.
const MaxFileSize = 1 << 20

// ReadFile returns the content of the file at path (slash-separated,
// relative to the repository's root, e.g. ".github/FUNDING.yml") as of
// the synced head. found is false when there is no such file (or it is
// a directory, or the repository is empty). The mirror has no file
// contents: this one is fetched from the remote, once, and kept.
func (m *Mirror) ReadFile(ctx context.Context, path string) (content string, found bool, err error) {
	if err := checkPath(path); err != nil {
		return "", false, fmt.Errorf("gitmirror: %s: %w", m.repo, err)
	}
	if m.head == "" {
		return "", false, nil
	}
	unlock, err := m.cache.lock(ctx, m.dir)
	if err != nil {
		return "", false, fmt.Errorf("gitmirror: %s: %w", m.repo, err)
	}
	defer unlock()
	fail := func(err error) (string, bool, error) {
		return "", false, fmt.Errorf("gitmirror: %s: reading %s: %w", m.repo, path, err)
	}
	// ls-tree reads trees only, which the mirror has: no fetch to learn
	// whether the file exists.
	out, err := m.cache.git(ctx, m.dir, local, "ls-tree", "-z", "--full-tree", m.head, "--", path)
	if err != nil {
		return fail(err)
	}
	entry, _, _ := strings.Cut(out, "\x00")
	meta, name, ok := strings.Cut(entry, "\t")
	fields := strings.Fields(meta)
	if !ok || name != path || len(fields) != 3 || fields[1] != "blob" {
		return "", false, nil
	}
	fctx, cancel := m.cache.timeout(ctx)
	defer cancel()
	cmd := m.cache.command(fctx, m.dir, network, "cat-file", "blob", fields[2])
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return fail(err)
	}
	if err := cmd.Start(); err != nil {
		return fail(err)
	}
	data, rerr := io.ReadAll(io.LimitReader(stdout, MaxFileSize+1))
	if len(data) > MaxFileSize {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		return fail(fmt.Errorf("larger than %d bytes", MaxFileSize))
	}
	if err := cmd.Wait(); err != nil {
		if ctx.Err() != nil {
			return fail(ctx.Err())
		}
		return fail(fmt.Errorf("git cat-file: %v: %s", err, lastLines(stderr.String())))
	}
	if rerr != nil {
		return fail(rerr)
	}
	return string(data), true, nil
}

// checkPath accepts a plain relative path: no empty, "." or ".."
// components, no leading slash, no NUL, no pathspec magic.
func checkPath(p string) error {
	if p == "" || strings.HasPrefix(p, "/") || strings.HasPrefix(p, ":") || strings.ContainsAny(p, "\x00\\") {
		return fmt.Errorf("path %q is not a relative slash-separated path", p)
	}
	for _, part := range strings.Split(p, "/") {
		if part == "" || part == "." || part == ".." {
			return fmt.Errorf("path %q is not a relative slash-separated path", p)
		}
	}
	return nil
}

// access is what a git command may reach.
type access int

const (
	local   access = iota // the mirror only: a missing object is an error
	network               // the remote too, over http(s)
)

// configFor is the -c settings for an access: transports are allowed by
// name (never file://, ext:: or ssh), and a local command gets none, so a
// missing object in the partial clone fails instead of being fetched.
func configFor(a access) []string {
	cfg := []string{"protocol.allow=never", "core.askPass=", "credential.helper=",
		// A fetch's gc --auto in the foreground: a detached one could still
		// be writing when a re-clone moves the directory.
		"gc.autoDetach=false"}
	if a == network {
		cfg = append(cfg, "protocol.https.allow=always", "protocol.http.allow=always")
	}
	return cfg
}

// gitEnvDrop are variables, beyond those pointing git at another
// repository (history.Environ drops them), that would give git
// configuration, credentials helpers or tracing of ours it must not have.
var gitEnvDrop = []string{"GIT_CONFIG", "GIT_CONFIG_COUNT",
	"GIT_CONFIG_PARAMETERS", "GIT_ASKPASS", "SSH_ASKPASS", "GIT_SSH", "GIT_SSH_COMMAND", "GIT_PROXY_COMMAND",
	"GIT_TRACE", "GIT_TRACE_PACKET", "GIT_TRACE_CURL", "GIT_CURL_VERBOSE"}

// gitEnv is the isolation every git command gets on top of the
// process's environment (HTTP proxies and the like still apply).
func gitEnv() []string {
	return []string{"GIT_TERMINAL_PROMPT=0", "GIT_ASKPASS=", "SSH_ASKPASS=", "GIT_CONFIG_NOSYSTEM=1",
		"GIT_CONFIG_GLOBAL=" + os.DevNull, "GIT_LITERAL_PATHSPECS=1", "LC_ALL=C"}
}

func (c *Cache) command(ctx context.Context, dir string, a access, args ...string) *exec.Cmd {
	full := []string{}
	for _, kv := range configFor(a) {
		full = append(full, "-c", kv)
	}
	cmd := exec.CommandContext(ctx, "git", append(full, args...)...)
	cmd.Dir = dir
	cmd.Env = append(history.Environ(gitEnvDrop...), gitEnv()...)
	killGroup(cmd)
	return cmd
}

// git runs a git command in dir and returns its output; the error has
// the command's last lines of stderr.
func (c *Cache) git(ctx context.Context, dir string, a access, args ...string) (string, error) {
	cmd := c.command(ctx, dir, a, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			return "", fmt.Errorf("git %s: %w", args[0], ctx.Err())
		}
		return "", fmt.Errorf("git %s: %v: %s", args[0], err, lastLines(stderr.String()))
	}
	return stdout.String(), nil
}

// lastLines keeps the end of git's stderr: the fatal line is last.
func lastLines(s string) string {
	s = strings.TrimSpace(s)
	lines := strings.Split(s, "\n")
	if len(lines) > 3 {
		lines = lines[len(lines)-3:]
	}
	return strings.Join(lines, "; ")
}
