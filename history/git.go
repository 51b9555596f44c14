package history

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"time"

	"github.com/fundwatch/fundwatch/store"
)

// gitFormat separates fields with NUL (-z ends records with NUL too, so
// records are told apart by their field count).
const gitFields = 9

var gitFormat = strings.Join([]string{"%H", "%P", "%an", "%ae", "%aI", "%cn", "%ce", "%cI", "%s"}, "%x1f")

// ReadGit reads the history of HEAD in a local clone or bare repository
// with `git log`, streaming its output. It needs no network and no API
// quota, and keeps author offsets.
func ReadGit(ctx context.Context, dir, repo string) ([]store.Commit, error) {
	if st, err := os.Stat(dir); err != nil {
		return nil, err
	} else if !st.IsDir() {
		return nil, fmt.Errorf("%s is not a directory", dir)
	}
	if out, err := exec.CommandContext(ctx, "git", "-C", dir, "rev-parse", "--git-dir").CombinedOutput(); err != nil {
		return nil, fmt.Errorf("%s is not a git repository: %s", dir, strings.TrimSpace(string(out)))
	}
	// An empty repository has no HEAD commit: no history, not an error.
	if err := exec.CommandContext(ctx, "git", "-C", dir, "rev-parse", "--verify", "--quiet", "HEAD").Run(); err != nil {
		return nil, nil
	}
	cmd := exec.CommandContext(ctx, "git", "-C", dir, "log", "--no-color", "-z", "--format="+gitFormat, "HEAD")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("git log in %s: %w", dir, err)
	}
	var out []store.Commit
	sc := bufio.NewScanner(stdout)
	sc.Buffer(make([]byte, 0, 1<<16), 16<<20)
	sc.Split(splitNUL)
	var perr error
	for sc.Scan() {
		rec := strings.TrimPrefix(sc.Text(), "\n")
		f := strings.Split(rec, "\x1f")
		if len(f) != gitFields {
			perr = fmt.Errorf("git log in %s: unexpected record %q", dir, truncate(rec))
			break
		}
		c, err := parseGitRecord(f, repo)
		if err != nil {
			perr = fmt.Errorf("git log in %s: commit %s: %w", dir, f[0], err)
			break
		}
		out = append(out, c)
	}
	if perr != nil {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		return nil, perr
	}
	if err := sc.Err(); err != nil {
		_ = cmd.Wait()
		return nil, fmt.Errorf("git log in %s: %w", dir, err)
	}
	if err := cmd.Wait(); err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, fmt.Errorf("git log in %s: %v: %s", dir, err, strings.TrimSpace(stderr.String()))
	}
	return out, nil
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
	parents := 0
	if p := strings.TrimSpace(f[1]); p != "" {
		parents = len(strings.Fields(p))
	}
	return store.Commit{
		Repo: repo, SHA: f[0], Parents: parents,
		AuthorName: f[2], AuthorEmail: f[3], AuthorTime: at, AuthorTZKnown: true, AuthorTZOffset: off / 60,
		CommitterName: f[5], CommitterEmail: f[6], CommitterTime: ct.UTC(),
		Message: f[8],
	}, nil
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
