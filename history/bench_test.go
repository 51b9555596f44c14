package history

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// BenchmarkReadTSVSamba reads the 143k-commit samba history from memory
// (the gzip file is read once, outside the loop).
func BenchmarkReadTSVSamba(b *testing.B) {
	path := filepath.Join(dataDir, "samba-team__samba.commits.tsv.gz")
	raw, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		b.Skipf("%s is not here", path)
	}
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.SetBytes(int64(len(raw)))
	var n int
	for b.Loop() {
		cs, err := ReadTSV(bytes.NewReader(raw), path, "samba-team/samba")
		if err != nil {
			b.Fatal(err)
		}
		n += len(cs)
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "commits/s")
	b.ReportMetric(float64(n)/float64(b.N), "commits/op")
}

// BenchmarkReadGit reads a bare repository of 5,000 commits (one merge in
// a hundred), made once with git fast-import.
func BenchmarkReadGit(b *testing.B) {
	requireGit(b)
	const commits = 5000
	dir := filepath.Join(b.TempDir(), "bench.git")
	git(b, b.TempDir(), nil, "init", "-q", "--bare", "--initial-branch=main", dir)
	var s strings.Builder
	offsets := []string{"+0000", "+0530", "-0800", "+0100", "+0900", "-0300", "+1245"}
	for i := 1; i <= commits; i++ {
		when := 1500000000 + int64(i)*3600
		msg := fmt.Sprintf("commit %d: change the thing, with a subject of ordinary length\n\nand a body\n", i)
		fmt.Fprintf(&s, "commit refs/heads/main\nmark :%d\n", i)
		fmt.Fprintf(&s, "author Author %d <author%d@example.org> %d %s\n", i%97, i%97, when, offsets[i%len(offsets)])
		fmt.Fprintf(&s, "committer Committer <committer@example.net> %d +0000\n", when+60)
		fmt.Fprintf(&s, "data %d\n%s\n", len(msg), msg)
		if i > 1 {
			fmt.Fprintf(&s, "from :%d\n", i-1)
		}
		if i%100 == 0 {
			fmt.Fprintf(&s, "merge :%d\n", i-50)
		}
		s.WriteString("\n")
	}
	cmd := exec.Command("git", "-C", dir, "fast-import", "--quiet")
	cmd.Stdin = strings.NewReader(s.String())
	if out, err := cmd.CombinedOutput(); err != nil {
		b.Fatalf("git fast-import: %v\n%s", err, out)
	}
	ctx := context.Background()
	b.ReportAllocs()
	var n int
	for b.Loop() {
		cs, err := ReadGit(ctx, dir, "bench/repo")
		if err != nil {
			b.Fatal(err)
		}
		if len(cs) != commits {
			b.Fatalf("read %d commits, want %d", len(cs), commits)
		}
		n += len(cs)
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "commits/s")
}
