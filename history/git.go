package history

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/fundwatch/fundwatch/store"
)

// gitFormat separates fields with NUL, and -z ends each record with NUL too,
// so the output is a flat run of NUL-terminated fields, gitFields to a
// commit. NUL is the one byte that can appear neither in a name, an e-mail
// nor a subject (a unit separator or a tab can, and did break an earlier
// format). The first field of each record is checked to be a commit id, so a
// misaligned stream is an error rather than shifted data. Dates are
// --date=raw ("1700000000 +0200"): the cheapest to take apart, and the
// offset exactly as git stores it.
const gitFields = 9

var gitFormat = strings.Join([]string{"%H", "%P", "%an", "%ae", "%ad", "%cn", "%ce", "%cd", "%s"}, "%x00")

// gitEnvDrop are variables that would make git read another repository than
// dir, or look for one above it.
var gitEnvDrop = []string{
	"GIT_DIR", "GIT_WORK_TREE", "GIT_COMMON_DIR", "GIT_OBJECT_DIRECTORY",
	"GIT_ALTERNATE_OBJECT_DIRECTORIES", "GIT_NAMESPACE", "GIT_INDEX_FILE",
	"GIT_CEILING_DIRECTORIES", "GIT_DISCOVERY_ACROSS_FILESYSTEM",
}

// ReadGit reads the history of HEAD in a local clone or bare repository
// with `git log`, streaming its output. It needs no network and no API
// quota, and keeps author offsets.
//
// What it returns:
//   - every commit reachable from HEAD, in git log's default order (newest
//     commit date first): merge commits are included, with Parents >= 2, and
//     so are the commits of the branches they merged, as in the TSV files;
//   - AuthorTime in a fixed zone of the author's own offset, which is also in
//     AuthorTZOffset (minutes east of UTC) with AuthorTZKnown set (not set,
//     and AuthorTime in UTC, for an offset no clock has, such as +0075 or
//     +2500, which broken tools have written); CommitterTime in UTC; Message is the subject (%s: the first paragraph,
//     its lines joined by spaces). Names and e-mails are as recorded, not
//     passed through .mailmap.
//
// dir itself must be the work tree or the bare repository: git is not let
// look in its parents, so a plain directory inside some other checkout is
// "not a git repository" rather than silently that checkout's history, and
// GIT_DIR and the like in the environment are ignored. An empty repository
// (no refs at all) has no history: ReadGit returns no commits and no error.
// A repository with refs whose HEAD names a branch that does not exist is
// an error, since reading nothing would hide a broken mirror.
func ReadGit(ctx context.Context, dir, repo string) ([]store.Commit, error) {
	return ReadGitWith(ctx, dir, repo, GitOptions{})
}

// GitOptions narrow what ReadGitWith reads and how it runs git.
type GitOptions struct {
	// Since keeps the commits whose committer date is at or after it; zero
	// reads the whole history. It is git's --max-age, which also stops the
	// walk at older commits: a commit reachable only through an older one
	// (a committer clock far behind its parent's) is not read. Callers
	// re-reading with an overlap (a few days before the newest commit
	// seen) lose nothing to ordinary clock skew.
	Since time.Time
	// Config are "name=value" settings given to every git command ReadGit
	// runs (as -c), e.g. protocol.allow=never so that a partial clone with
	// a missing object fails instead of fetching it.
	Config []string
	// Env are extra "NAME=value" environment variables for git.
	Env []string
	// Rev is the commit whose history is read instead of HEAD's (a commit
	// id, say): a mirror reads the head it has just fetched, whatever
	// moves HEAD meanwhile. It must name a commit.
	Rev string
}

// ReadGitWith is ReadGit with options.
func ReadGitWith(ctx context.Context, dir, repo string, o GitOptions) ([]store.Commit, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if st, err := os.Stat(dir); err != nil {
		return nil, err
	} else if !st.IsDir() {
		return nil, fmt.Errorf("%s is not a directory", dir)
	}
	env, err := gitEnv(dir)
	if err != nil {
		return nil, err
	}
	env = append(env, o.Env...)
	pre := []string{"-C", dir}
	for _, kv := range o.Config {
		pre = append(pre, "-c", kv)
	}
	git := func(args ...string) *exec.Cmd {
		cmd := exec.CommandContext(ctx, "git", append(slices.Clip(pre), args...)...)
		cmd.Env = env
		return cmd
	}
	if out, err := git("rev-parse", "--git-dir").CombinedOutput(); err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		if msg := strings.TrimSpace(string(out)); msg != "" {
			return nil, fmt.Errorf("%s is not a git repository: %s", dir, msg)
		}
		return nil, fmt.Errorf("%s is not a git repository: git rev-parse: %w", dir, err)
	}
	rev := "HEAD"
	if o.Rev != "" {
		if strings.HasPrefix(o.Rev, "-") || git("rev-parse", "--verify", "--quiet", o.Rev+"^{commit}").Run() != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			return nil, fmt.Errorf("%s: %q is not a commit there", dir, o.Rev)
		}
		rev = o.Rev
	} else if err := git("rev-parse", "--verify", "--quiet", "HEAD^{commit}").Run(); err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		// No HEAD commit: empty, unless there are refs HEAD fails to name.
		out, ferr := git("for-each-ref", "--count=1", "--format=%(refname)").Output()
		if ferr != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			return nil, fmt.Errorf("git for-each-ref in %s: %w", dir, ferr)
		}
		if ref := strings.TrimSpace(string(out)); ref != "" {
			head, _ := git("symbolic-ref", "--quiet", "HEAD").Output()
			return nil, fmt.Errorf("%s: HEAD (%s) does not name a commit, but the repository has refs such as %s",
				dir, strings.TrimSpace(string(head)), ref)
		}
		return nil, nil
	}
	cmd := git(gitLogArgs(o.Since, rev)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	// Our own pipe rather than StdoutPipe, to make it larger (growPipe).
	stdout, pw, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	defer stdout.Close()
	growPipe(pw)
	// Blocking reads: a read waits in the kernel for git's next write,
	// rather than going through the poller's wake-up for every chunk.
	_ = stdout.Fd()
	cmd.Stdout = pw
	err = cmd.Start()
	pw.Close() // git holds the write end now; its exit is our EOF
	if err != nil {
		return nil, fmt.Errorf("git log in %s: %w", dir, err)
	}
	// fail stops git (which may be blocked writing to the pipe) before
	// waiting for it, and prefers the context's error to the symptoms of
	// the kill it caused.
	fail := func(err error) ([]store.Commit, error) {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, err
	}
	out, err := parseGitLog(stdout, repo)
	if err != nil {
		return fail(fmt.Errorf("git log in %s: %w", dir, err))
	}
	if err := cmd.Wait(); err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, fmt.Errorf("git log in %s: %v: %s", dir, err, strings.TrimSpace(stderr.String()))
	}
	return out, nil
}

// gitLogArgs is the git log that ReadGitWith parses.
func gitLogArgs(since time.Time, rev string) []string {
	args := []string{"log", "--no-color", "--no-show-signature", "-z", "--date=raw", "--format=" + gitFormat}
	if !since.IsZero() {
		args = append(args, "--max-age="+strconv.FormatInt(since.Unix(), 10))
	}
	return append(args, rev, "--")
}

// gitEnv is the environment for git in dir: the caller's, less what would
// point git elsewhere, with discovery stopped at dir's parent.
func gitEnv(dir string) ([]string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	var env []string
next:
	for _, kv := range os.Environ() {
		for _, k := range gitEnvDrop {
			if strings.HasPrefix(kv, k+"=") {
				continue next
			}
		}
		env = append(env, kv)
	}
	if parent := filepath.Dir(abs); parent != abs {
		env = append(env, "GIT_CEILING_DIRECTORIES="+parent)
	}
	return env, nil
}

// parseGitLog reads the output of gitLogArgs: records of gitFields
// NUL-terminated fields. It is the ingest's hot loop (see
// BenchmarkIngestGitSamba), so it reads fields straight out of a large
// buffer and makes one string per commit, which the commit's string
// fields share, rather than one per field; dates come as git's raw
// "seconds offset" and are taken apart by hand.
func parseGitLog(r io.Reader, repo string) ([]store.Commit, error) {
	br := bufio.NewReaderSize(r, 1<<18)
	var (
		// Commits are gathered in chunks and copied once into a slice of
		// the right size: append's growth by a quarter would allocate and
		// copy five times the final slice (a 143k-commit history is 32 MB
		// of store.Commit).
		chunks [][]store.Commit
		chunk  []store.Commit
		rec    []byte // the current record's fields, back to back
		ends   [gitFields]int
		n      int // fields of the current record read so far
	)
	const chunkLen = 4096
	finish := func() []store.Commit {
		total := len(chunk)
		for _, c := range chunks {
			total += len(c)
		}
		if total == 0 {
			return nil
		}
		out := make([]store.Commit, 0, total)
		for _, c := range chunks {
			out = append(out, c...)
		}
		return append(out, chunk...)
	}
	for {
		b, err := br.ReadSlice(0)
		switch {
		case err == nil:
			rec = append(rec, b[:len(b)-1]...)
		case errors.Is(err, bufio.ErrBufferFull):
			if rec = append(rec, b...); len(rec) > maxGitRecord {
				return nil, fmt.Errorf("a commit of more than %d bytes of output", maxGitRecord)
			}
			continue
		case err == io.EOF:
			if len(b) == 0 {
				if n == 0 {
					return finish(), nil
				}
				return nil, fmt.Errorf("output ends inside the record of commit %s (%d of %d fields)", rec[:ends[0]], n, gitFields)
			}
			// A last field without its NUL: git was cut short, or this
			// is not git log's output at all.
			rec = append(rec, b...)
		default:
			return nil, err
		}
		ends[n] = len(rec)
		if n == 0 {
			// -z separates records with NUL only; tolerate a newline too.
			if len(rec) > 0 && rec[0] == '\n' {
				rec = rec[1:]
				ends[0]--
			}
			if !isSHA(string(rec)) {
				return nil, fmt.Errorf("unexpected output %q where a commit id should be", truncate(string(rec)))
			}
		}
		if err == io.EOF {
			return nil, fmt.Errorf("output ends inside the record of commit %s (%d of %d fields)", rec[:ends[0]], n+1, gitFields)
		}
		if n++; n < gitFields {
			continue
		}
		f := fieldsOf(string(rec), &ends, n)
		c, err := parseGitRecord(f, repo)
		if err != nil {
			return nil, fmt.Errorf("commit %s: %w", f[0], err)
		}
		if len(chunk) == chunkLen {
			chunks = append(chunks, chunk)
			chunk = nil
		}
		if chunk == nil {
			chunk = make([]store.Commit, 0, chunkLen)
		}
		chunk = append(chunk, c)
		rec, n = rec[:0], 0
	}
}

// maxGitRecord bounds one commit's output (names, e-mails, subject).
const maxGitRecord = 16 << 20

// fieldsOf cuts s, the record's first n fields back to back, at ends.
func fieldsOf(s string, ends *[gitFields]int, n int) [gitFields]string {
	var f [gitFields]string
	from := 0
	for i := range n {
		f[i] = s[from:ends[i]]
		from = ends[i]
	}
	return f
}

func parseGitRecord(f [gitFields]string, repo string) (store.Commit, error) {
	asec, aoff, ok := parseRawDate(f[4])
	if !ok {
		return store.Commit{}, fmt.Errorf("author date %q is not git's raw date", f[4])
	}
	csec, _, ok := parseRawDate(f[7])
	if !ok {
		return store.Commit{}, fmt.Errorf("committer date %q is not git's raw date", f[7])
	}
	parents := 0
	if f[1] != "" {
		parents = 1 + strings.Count(f[1], " ")
	}
	c := store.Commit{
		Repo: repo, SHA: f[0], Parents: parents,
		AuthorName: f[2], AuthorEmail: f[3],
		CommitterName: f[5], CommitterEmail: f[6], CommitterTime: time.Unix(csec, 0).UTC(),
		Message: f[8],
	}
	if aoff.known {
		c.AuthorTime = time.Unix(asec, 0).In(zone(aoff.minutes * 60))
		c.AuthorTZKnown, c.AuthorTZOffset = true, aoff.minutes
	} else {
		c.AuthorTime = time.Unix(asec, 0).UTC()
	}
	return c, nil
}

// rawOffset is a UTC offset as git stores it: known is false for one no
// clock has (minutes of 60 or more, or beyond ±16 hours), which broken
// tools have written into real histories; its instant is still right.
type rawOffset struct {
	minutes int
	known   bool
}

// parseRawDate reads git's raw date, "1700000000 +0200".
func parseRawDate(s string) (sec int64, off rawOffset, ok bool) {
	i := strings.IndexByte(s, ' ')
	if i <= 0 || i+2 > len(s) {
		return 0, off, false
	}
	sec, err := strconv.ParseInt(s[:i], 10, 64)
	if err != nil {
		return 0, off, false
	}
	tz := s[i+1:]
	sign := 1
	switch tz[0] {
	case '-':
		sign = -1
	case '+':
	default:
		return 0, off, false
	}
	hhmm, err := strconv.Atoi(tz[1:])
	if err != nil || hhmm < 0 {
		return 0, off, false
	}
	h, m := hhmm/100, hhmm%100
	if m < 60 && h <= 16 {
		off = rawOffset{minutes: sign * (h*60 + m), known: true}
	}
	return sec, off, true
}

// isSHA reports whether s is a SHA-1 or SHA-256 commit id in hex.
func isSHA(s string) bool {
	if len(s) != 40 && len(s) != 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

func truncate(s string) string {
	if len(s) > 80 {
		return s[:80] + "..."
	}
	return s
}

// zone returns a fixed zone for an offset in seconds east of UTC, shared
// for the usual quarter-hour offsets so that 100k commits do not carry 100k
// zones.
func zone(sec int) *time.Location {
	if sec%(15*60) == 0 && sec >= -16*3600 && sec <= 16*3600 {
		return zones[sec/(15*60)+64]
	}
	return time.FixedZone("", sec)
}

var zones = func() []*time.Location {
	zs := make([]*time.Location, 129)
	for i := range zs {
		zs[i] = time.FixedZone("", (i-64)*15*60)
	}
	return zs
}()
