package history

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/fundwatch/fundwatch/internal/gitobj"
	"github.com/fundwatch/fundwatch/store"
)

// BenchmarkIngestGitSamba is the ingest target of the "Scale" issue: the
// samba history (143k commits) read from git into []store.Commit, against
// the plain `git log` with the same arguments writing to /dev/null. It
// reports both rates and their ratio (ingest time / git log time; the
// target is at most 1.5).
//
// The repository is made once from the pseudonymised TSV with git
// fast-import and cached under os.TempDir(), keyed by the TSV file's hash:
// same authors, e-mail domains, dates and offsets, merges where samba has
// them (their second parents are stand-ins: the TSV has only counts), and
// a synthetic subject of ordinary length.
func BenchmarkIngestGitSamba(b *testing.B) {
	src := filepath.Join(dataDir, "samba-team__samba.commits.tsv.gz")
	if _, err := os.Stat(src); errors.Is(err, os.ErrNotExist) {
		b.Skipf("%s is not here", src)
	}
	requireGit(b)
	dir := sambaRepo(b, src)
	ctx := b.Context()

	// Each round reads the history, then (off the clock) runs the same git
	// log into /dev/null: interleaved, both see the same machine load.
	plain := func() time.Duration {
		devNull, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
		if err != nil {
			b.Fatal(err)
		}
		defer devNull.Close()
		cmd := exec.CommandContext(ctx, "git", append([]string{"-C", dir}, gitLogArgs(time.Time{}, "HEAD")...)...)
		cmd.Stdout = devNull
		start := time.Now()
		if err := cmd.Run(); err != nil {
			b.Fatal(err)
		}
		return time.Since(start)
	}
	var n int
	var gitlog time.Duration
	b.ReportAllocs()
	for b.Loop() {
		cs, err := ReadGit(ctx, dir, "samba-team/samba")
		if err != nil {
			b.Fatal(err)
		}
		n = len(cs)
		b.StopTimer()
		gitlog += plain()
		b.StartTimer()
	}
	ingest := b.Elapsed()
	b.ReportMetric(float64(n*b.N)/ingest.Seconds(), "commits/s")
	b.ReportMetric(float64(n*b.N)/gitlog.Seconds(), "gitlog-commits/s")
	b.ReportMetric(ingest.Seconds()/gitlog.Seconds(), "ingest/gitlog")
}

// sambaRepo returns the bare repository made from the TSV history src,
// building it on first use.
func sambaRepo(b *testing.B, src string) string {
	b.Helper()
	raw, err := os.ReadFile(src)
	if err != nil {
		b.Fatal(err)
	}
	sum := sha256.Sum256(raw)
	dir := filepath.Join(os.TempDir(), "fundwatch-bench-samba-"+hex.EncodeToString(sum[:8])+".git")
	if _, err := os.Stat(filepath.Join(dir, "fundwatch-complete")); err == nil {
		return dir
	}
	cs, err := ReadTSVFile(src, "samba-team/samba")
	if err != nil {
		b.Fatal(err)
	}
	slices.Reverse(cs) // oldest first
	tmp, err := os.MkdirTemp(os.TempDir(), "fundwatch-bench-samba-build-")
	if err != nil {
		b.Fatal(err)
	}
	defer os.RemoveAll(tmp)
	repo := filepath.Join(tmp, "r.git")
	git(b, tmp, nil, "init", "-q", "--bare", "--initial-branch=main", repo)
	cmd := exec.Command("git", "-C", repo, "fast-import", "--quiet", "--done")
	stdin, err := cmd.StdinPipe()
	if err != nil {
		b.Fatal(err)
	}
	if out, err := startAndFeed(cmd, stdin, func(w *bufio.Writer) { sambaStream(w, cs) }); err != nil {
		b.Fatalf("git fast-import: %v\n%s", err, out)
	}
	if err := os.WriteFile(filepath.Join(repo, "fundwatch-complete"), nil, 0o644); err != nil {
		b.Fatal(err)
	}
	os.RemoveAll(dir) // a half-built one, from an interrupted run
	if err := os.Rename(repo, dir); err != nil {
		b.Fatal(err)
	}
	return dir
}

func startAndFeed(cmd *exec.Cmd, stdin io.WriteCloser, feed func(*bufio.Writer)) ([]byte, error) {
	var out safeBuffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	w := bufio.NewWriterSize(stdin, 1<<20)
	feed(w)
	w.Flush()
	stdin.Close()
	err := cmd.Wait()
	return out.b, err
}

type safeBuffer struct{ b []byte }

func (s *safeBuffer) Write(p []byte) (int, error) { s.b = append(s.b, p...); return len(p), nil }

// sambaStream writes cs (oldest first) as one branch: each commit the
// child of the one before, merges with their other parents a few
// commits back.
func sambaStream(w *bufio.Writer, cs []store.Commit) {
	sig := func(name, email string, t time.Time) string {
		return gitobj.Signature{Name: name, Email: email, When: t}.String()
	}
	for i, c := range cs {
		mark := i + 1
		msg := fmt.Sprintf("s3: pseudonymised change %s of an ordinary subject length\n\nA body line or two, as commits have.\n", c.SHA[:12])
		fmt.Fprintf(w, "commit refs/heads/main\nmark :%d\nauthor %s\ncommitter %s\ndata %d\n%s\n",
			mark, sig(c.AuthorName, c.AuthorEmail, c.AuthorTime),
			sig("Committer "+c.CommitterEmail[:4], c.CommitterEmail, c.CommitterTime), len(msg), msg)
		if i > 0 {
			w.WriteString("from :" + strconv.Itoa(mark-1) + "\n")
		}
		for p := 1; p < c.Parents && mark-1-p > 0; p++ {
			w.WriteString("merge :" + strconv.Itoa(mark-1-p) + "\n")
		}
		w.WriteString("\n")
	}
	w.WriteString("done\n")
}

// BenchmarkParseGitLog is the parser alone, on 100,000 commits of
// synthetic git log output held in memory: what the ingest adds to git's
// own work.
func BenchmarkParseGitLog(b *testing.B) {
	var out []byte
	for i := range 100_000 {
		out = fmt.Appendf(out, "%040x\x00%040x\x00Author %d\x00author%d@example.org\x00%d +0200\x00Committer\x00committer@example.net\x00%d +0000\x00"+
			"s3: a subject of an ordinary length for commit %d\x00", i+1, i, i%300, i%300, 1500000000+i*600, 1500000060+i*600, i)
	}
	b.SetBytes(int64(len(out)))
	b.ReportAllocs()
	for b.Loop() {
		cs, err := parseGitLog(bytes.NewReader(out), "o/r")
		if err != nil || len(cs) != 100_000 {
			b.Fatal(len(cs), err)
		}
	}
	b.ReportMetric(100_000*float64(b.N)/b.Elapsed().Seconds(), "commits/s")
}
