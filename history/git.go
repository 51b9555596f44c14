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

// Environ is the process environment for running git: without the
// variables that would make it read another repository (gitEnvDrop) and
// without those named in drop.
func Environ(drop ...string) []string {
	var env []string
next:
	for _, kv := range os.Environ() {
		for _, k := range slices.Concat(gitEnvDrop, drop) {
			if strings.HasPrefix(kv, k+"=") {
				continue next
			}
		}
		env = append(env, kv)
	}
	return env
}

// ReadGit reads the history of HEAD in a local clone or bare repository
// with `git log`, parsing its output as git writes it. It needs no
// network and no API quota, and keeps author offsets.
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
	// git writes into a file, which is read as it grows, rather than into
	// a pipe: git log writes each commit with a write of its own, and on
	// the virtual machines we run on a pipe write (waking the reader) made
	// the ingest of samba's 143k commits 1.7 times as slow as git log to
	// /dev/null, even with a reader that read rarely; a file write costs
	// what a /dev/null write does. The file is unlinked at once, so it
	// goes with the process; it briefly holds the output (36 MB for samba).
	logFile, err := os.CreateTemp("", "fundwatch-gitlog-")
	if err != nil {
		return nil, err
	}
	in, err := os.Open(logFile.Name())
	if err != nil {
		logFile.Close()
		os.Remove(logFile.Name())
		return nil, err
	}
	defer in.Close()
	if os.Remove(logFile.Name()) != nil {
		defer os.Remove(logFile.Name()) // where open files cannot be removed
	}
	cmd.Stdout = logFile
	err = cmd.Start()
	logFile.Close() // git has its own descriptor
	if err != nil {
		return nil, fmt.Errorf("git log in %s: %w", dir, err)
	}
	done := make(chan struct{})
	var waitErr error
	go func() {
		waitErr = cmd.Wait()
		close(done)
	}()
	out, perr := parseGitLog(&followReader{f: in, done: done}, repo)
	if perr != nil {
		_ = cmd.Process.Kill()
	}
	<-done
	// The context's error is preferred to the symptoms of the kill it
	// caused.
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	if perr != nil {
		return nil, fmt.Errorf("git log in %s: %w", dir, perr)
	}
	if waitErr != nil {
		return nil, fmt.Errorf("git log in %s: %v: %s", dir, waitErr, strings.TrimSpace(stderr.String()))
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
	env := Environ()
	if parent := filepath.Dir(abs); parent != abs {
		env = append(env, "GIT_CEILING_DIRECTORIES="+parent)
	}
	return env, nil
}

// parseGitLog reads the output of gitLogArgs: records of gitFields
// NUL-terminated fields. It is the ingest's hot loop (see
// BenchmarkIngestGitSamba), and on a machine with few cores its garbage
// collection competes with git itself for the CPU, so it allocates little:
// the text of 4,096 commits goes into one string that their string fields
// share (not one string per field, nor one per commit), commits are
// gathered in chunks and copied once into a slice of the right size
// (append's growth by a quarter would allocate and copy five times the
// final slice: a 143k-commit history is 32 MB of store.Commit), and dates
// (git's raw "seconds offset") and parents are read straight from the
// bytes.
func parseGitLog(r io.Reader, repo string) ([]store.Commit, error) {
	br := bufio.NewReaderSize(r, 1<<18)
	var (
		chunks [][]store.Commit
		p      chunkParser
		n      int // fields of the current record read so far
	)
	p.repo = repo
	for {
		b, err := br.ReadSlice(0)
		switch {
		case err == nil:
			p.text = append(p.text, b[:len(b)-1]...)
		case errors.Is(err, bufio.ErrBufferFull):
			if p.text = append(p.text, b...); len(p.text)-p.start > maxGitRecord {
				return nil, fmt.Errorf("a commit of more than %d bytes of output", maxGitRecord)
			}
			continue
		case err == io.EOF:
			if len(b) == 0 {
				if n == 0 {
					if len(p.commits) > 0 {
						chunks = append(chunks, p.flush())
					}
					return concat(chunks), nil
				}
				return nil, fmt.Errorf("output ends inside the record of commit %s (%d of %d fields)", p.field(0), n, gitFields)
			}
			// A last field without its NUL: git was cut short, or this
			// is not git log's output at all.
			p.text = append(p.text, b...)
		default:
			return nil, err
		}
		p.ends[n] = len(p.text)
		if n == 0 {
			// -z separates records with NUL only; tolerate a newline too.
			if p.ends[0] > p.start && p.text[p.start] == '\n' {
				copy(p.text[p.start:], p.text[p.start+1:])
				p.text = p.text[:len(p.text)-1]
				p.ends[0]--
			}
			if !isSHABytes(p.text[p.start:p.ends[0]]) {
				return nil, fmt.Errorf("unexpected output %q where a commit id should be", truncate(string(p.text[p.start:p.ends[0]])))
			}
		}
		if err == io.EOF {
			return nil, fmt.Errorf("output ends inside the record of commit %s (%d of %d fields)", p.field(0), n+1, gitFields)
		}
		if n++; n < gitFields {
			continue
		}
		n = 0
		if err := p.record(); err != nil {
			return nil, fmt.Errorf("commit %s: %w", p.field(0), err)
		}
		if len(p.commits) == chunkLen || len(p.text) > maxChunkText {
			chunks = append(chunks, p.flush())
		}
	}
}

const (
	chunkLen     = 4096
	maxChunkText = 256 << 20 // keeps offsets well inside int32
)

// maxGitRecord bounds one commit's output (names, e-mails, subject).
const maxGitRecord = 16 << 20

// chunkParser gathers up to chunkLen commits: their fields' text back to
// back in text, their other fields parsed into commits, and where each
// string field lies in text, filled in by flush.
type chunkParser struct {
	repo    string
	text    []byte
	start   int            // where the current record begins in text
	ends    [gitFields]int // where its fields end
	commits []store.Commit
	spans   [][gitFields + 1]int32 // per commit: its record's start, then its fields' ends
}

// field is the current record's i-th field, for error messages.
func (p *chunkParser) field(i int) string {
	from := p.start
	if i > 0 {
		from = p.ends[i-1]
	}
	return string(p.text[from:p.ends[i]])
}

// record parses the current record's dates and parents; its strings wait
// for flush.
func (p *chunkParser) record() error {
	f := func(i int) []byte {
		from := p.start
		if i > 0 {
			from = p.ends[i-1]
		}
		return p.text[from:p.ends[i]]
	}
	asec, aoff, ok := parseRawDate(f(4))
	if !ok {
		return fmt.Errorf("author date %q is not git's raw date", f(4))
	}
	csec, _, ok := parseRawDate(f(7))
	if !ok {
		return fmt.Errorf("committer date %q is not git's raw date", f(7))
	}
	parents := 0
	if ps := f(1); len(ps) > 0 {
		parents = 1 + bytes.Count(ps, []byte{' '})
	}
	c := store.Commit{Repo: p.repo, Parents: parents, CommitterTime: time.Unix(csec, 0).UTC()}
	if aoff.known {
		c.AuthorTime = time.Unix(asec, 0).In(zone(aoff.minutes * 60))
		c.AuthorTZKnown, c.AuthorTZOffset = true, aoff.minutes
	} else {
		c.AuthorTime = time.Unix(asec, 0).UTC()
	}
	if p.commits == nil {
		p.commits = make([]store.Commit, 0, chunkLen)
		p.spans = make([][gitFields + 1]int32, 0, chunkLen)
	}
	p.commits = append(p.commits, c)
	var sp [gitFields + 1]int32
	sp[0] = int32(p.start)
	for i, e := range p.ends {
		sp[i+1] = int32(e)
	}
	p.spans = append(p.spans, sp)
	p.start = len(p.text)
	return nil
}

// flush gives the gathered commits their strings, all slices of one, and
// starts a new chunk.
func (p *chunkParser) flush() []store.Commit {
	s := string(p.text)
	for i := range p.commits {
		sp, c := &p.spans[i], &p.commits[i]
		c.SHA = s[sp[0]:sp[1]]
		c.AuthorName, c.AuthorEmail = s[sp[2]:sp[3]], s[sp[3]:sp[4]]
		c.CommitterName, c.CommitterEmail = s[sp[5]:sp[6]], s[sp[6]:sp[7]]
		c.Message = s[sp[8]:sp[9]]
	}
	out := p.commits
	p.commits, p.spans, p.text, p.start = nil, p.spans[:0], p.text[:0], 0
	return out
}

func concat(chunks [][]store.Commit) []store.Commit {
	total := 0
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
	return out
}

// followReader reads a file another process is writing, like tail -f:
// at its end it waits for more until done is closed (the writer has
// exited), then reads what is left.
type followReader struct {
	f    *os.File
	done <-chan struct{}
}

// followPoll is how long followReader waits at the end of the file: git
// writes samba's history at about 30 MB/s, so a poll finds tens of
// kilobytes.
const followPoll = 2 * time.Millisecond

func (r *followReader) Read(p []byte) (int, error) {
	for {
		n, err := r.f.Read(p)
		if n > 0 || err != io.EOF {
			return n, err
		}
		select {
		case <-r.done:
			return r.f.Read(p) // all written: what is left, then EOF
		case <-time.After(followPoll):
		}
	}
}

// rawOffset is a UTC offset as git stores it: known is false for one no
// clock has (minutes of 60 or more, or beyond ±16 hours), which broken
// tools have written into real histories; its instant is still right.
type rawOffset struct {
	minutes int
	known   bool
}

// parseRawDate reads git's raw date, "1700000000 +0200".
func parseRawDate(b []byte) (sec int64, off rawOffset, ok bool) {
	i := bytes.IndexByte(b, ' ')
	if i <= 0 || i+2 > len(b) {
		return 0, off, false
	}
	neg := b[0] == '-'
	digits := b[:i]
	if neg {
		digits = digits[1:]
	}
	sec, ok = parseDigits(digits, 18)
	if !ok {
		return 0, off, false
	}
	if neg {
		sec = -sec
	}
	tz := b[i+1:]
	sign := 1
	switch tz[0] {
	case '-':
		sign = -1
	case '+':
	default:
		return 0, off, false
	}
	hhmm, ok := parseDigits(tz[1:], 9)
	if !ok {
		return 0, off, false
	}
	h, m := int(hhmm/100), int(hhmm%100)
	if m < 60 && h <= 16 {
		off = rawOffset{minutes: sign * (h*60 + m), known: true}
	}
	return sec, off, true
}

// parseDigits reads 1 to max decimal digits.
func parseDigits(b []byte, max int) (int64, bool) {
	if len(b) == 0 || len(b) > max {
		return 0, false
	}
	var n int64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	return n, true
}

// isSHA reports whether s is a SHA-1 or SHA-256 commit id in hex.
func isSHA(s string) bool { return isSHABytes([]byte(s)) }

func isSHABytes(s []byte) bool {
	if len(s) != 40 && len(s) != 64 {
		return false
	}
	for _, c := range s {
		if !isLowerHex[c] {
			return false
		}
	}
	return true
}

var isLowerHex = func() (t [256]bool) {
	for _, c := range "0123456789abcdef" {
		t[c] = true
	}
	return t
}()

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
