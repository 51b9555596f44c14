package history

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/fundwatch/fundwatch/store"
)

// gitFormat separates fields with NUL, and -z ends each record with NUL too,
// so the output is a flat run of NUL-terminated fields, gitFields to a
// commit. NUL is the one byte that can appear neither in a name, an e-mail
// nor a subject (a unit separator or a tab can, and did break an earlier
// format). The first field of each record is checked to be a commit id, so a
// misaligned stream is an error rather than shifted data.
const gitFields = 9

var gitFormat = strings.Join([]string{"%H", "%P", "%an", "%ae", "%aI", "%cn", "%ce", "%cI", "%s"}, "%x00")

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
//     AuthorTZOffset (minutes east of UTC) with AuthorTZKnown set;
//     CommitterTime in UTC; Message is the subject (%s: the first paragraph,
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
	git := func(args ...string) *exec.Cmd {
		cmd := exec.CommandContext(ctx, "git", append([]string{"-C", dir}, args...)...)
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
	if err := git("rev-parse", "--verify", "--quiet", "HEAD^{commit}").Run(); err != nil {
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
	cmd := git("log", "--no-color", "--no-show-signature", "-z", "--format="+gitFormat, "HEAD", "--")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
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
	var out []store.Commit
	sc := bufio.NewScanner(stdout)
	sc.Buffer(make([]byte, 0, 1<<16), 16<<20)
	sc.Split(splitNUL)
	var f [gitFields]string
	n := 0
	for sc.Scan() {
		f[n] = sc.Text()
		if n == 0 {
			f[0] = strings.TrimPrefix(f[0], "\n")
			if !isSHA(f[0]) {
				return fail(fmt.Errorf("git log in %s: unexpected output %q where a commit id should be", dir, truncate(f[0])))
			}
		}
		if n++; n < gitFields {
			continue
		}
		n = 0
		c, err := parseGitRecord(f[:], repo)
		if err != nil {
			return fail(fmt.Errorf("git log in %s: commit %s: %w", dir, f[0], err))
		}
		out = append(out, c)
	}
	if err := sc.Err(); err != nil {
		return fail(fmt.Errorf("git log in %s: %w", dir, err))
	}
	if err := cmd.Wait(); err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, fmt.Errorf("git log in %s: %v: %s", dir, err, strings.TrimSpace(stderr.String()))
	}
	if n != 0 {
		return nil, fmt.Errorf("git log in %s: output ends inside the record of commit %s (%d of %d fields)", dir, f[0], n, gitFields)
	}
	return out, nil
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

func parseGitRecord(f []string, repo string) (store.Commit, error) {
	at, err := time.Parse(time.RFC3339, f[4])
	if err != nil {
		return store.Commit{}, fmt.Errorf("author date %q: %w", f[4], err)
	}
	ct, err := time.Parse(time.RFC3339, f[7])
	if err != nil {
		return store.Commit{}, fmt.Errorf("committer date %q: %w", f[7], err)
	}
	_, off := at.Zone()
	return store.Commit{
		Repo: repo, SHA: f[0], Parents: len(strings.Fields(f[1])),
		AuthorName: f[2], AuthorEmail: f[3],
		AuthorTime: at.In(zone(off)), AuthorTZKnown: true, AuthorTZOffset: off / 60,
		CommitterName: f[5], CommitterEmail: f[6], CommitterTime: ct.UTC(),
		Message: f[8],
	}, nil
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

func splitNUL(data []byte, atEOF bool) (int, []byte, error) {
	if i := bytes.IndexByte(data, 0); i >= 0 {
		return i + 1, data[:i], nil
	}
	if atEOF {
		if len(data) == 0 {
			return 0, nil, nil
		}
		return len(data), data, nil
	}
	return 0, nil, nil
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
