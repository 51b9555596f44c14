package history

import (
	"context"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"github.com/fundwatch/fundwatch/internal/tooltest"
	"github.com/fundwatch/fundwatch/store"
)

// requireGit skips t unless git is on PATH, and isolates git from the
// user's and the system's configuration (and from a GIT_DIR the test run
// may have inherited), for the test's own git commands and ReadGit's alike.
func requireGit(t testing.TB) {
	t.Helper()
	tooltest.Require(t, "git", "git") // ReadGit shells out to git
	home := t.TempDir()
	cfg := filepath.Join(home, "gitconfig")
	if err := os.WriteFile(cfg, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("HOME", home)
	t.Setenv("XDG_CONFIG_HOME", home)
	t.Setenv("GIT_CONFIG_GLOBAL", cfg)
	t.Setenv("GIT_CONFIG_NOSYSTEM", "1")
	for _, k := range []string{"GIT_DIR", "GIT_WORK_TREE", "GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL",
		"GIT_AUTHOR_DATE", "GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL", "GIT_COMMITTER_DATE"} {
		t.Setenv(k, "") // restores the old value after the test
		os.Unsetenv(k)
	}
}

// git runs git in dir with extra environment, failing t on error.
func git(t testing.TB, dir string, env []string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return strings.TrimSpace(string(out))
}

// initRepo makes an empty repository with main as its initial branch.
func initRepo(t testing.TB, args ...string) string {
	t.Helper()
	dir := t.TempDir()
	git(t, dir, nil, append([]string{"init", "-q", "--initial-branch=main"}, args...)...)
	return dir
}

type gitCommit struct {
	authorName, authorEmail, authorDate string
	committerDate                       string // authorDate when empty
	message                             string
}

// commit records an empty commit in dir and returns its id.
func commit(t testing.TB, dir string, c gitCommit) string {
	t.Helper()
	if c.committerDate == "" {
		c.committerDate = c.authorDate
	}
	if c.authorName == "" {
		c.authorName, c.authorEmail = "Ann Author", "ann@example.org"
	}
	env := []string{
		"GIT_AUTHOR_NAME=" + c.authorName, "GIT_AUTHOR_EMAIL=" + c.authorEmail, "GIT_AUTHOR_DATE=" + c.authorDate,
		"GIT_COMMITTER_NAME=Cy Committer", "GIT_COMMITTER_EMAIL=cy@example.net", "GIT_COMMITTER_DATE=" + c.committerDate,
	}
	git(t, dir, env, "commit", "-q", "--allow-empty", "--allow-empty-message", "-m", c.message)
	return git(t, dir, nil, "rev-parse", "HEAD")
}

func readGit(t *testing.T, dir string) []store.Commit {
	t.Helper()
	cs, err := ReadGit(context.Background(), dir, "owner/name")
	if err != nil {
		t.Fatalf("ReadGit(%s): %v", dir, err)
	}
	return cs
}

func bySubject(t *testing.T, cs []store.Commit) map[string]store.Commit {
	t.Helper()
	m := map[string]store.Commit{}
	for _, c := range cs {
		if _, dup := m[c.Message]; dup {
			t.Fatalf("two commits with subject %q", c.Message)
		}
		m[c.Message] = c
	}
	return m
}

// TestReadGitAuthorTimes checks that each author's own offset survives,
// including where the author's local date differs from the UTC date.
func TestReadGitAuthorTimes(t *testing.T) {
	requireGit(t)
	tests := []struct {
		name       string
		authorDate string // as given to git
		committer  string // committer date as given to git
		utc        string // the author instant in UTC
		local      string // the author's wall clock
		offset     int    // minutes east of UTC
	}{
		{"east, local evening, same UTC day", "2024-03-01T23:30:00+05:30", "2024-03-02T01:00:00+00:00",
			"2024-03-01T18:00:00Z", "2024-03-01 23:30", 330},
		{"west, local evening, UTC next day", "2024-03-01T20:30:00-0800", "2024-03-01T21:00:00-0800",
			"2024-03-02T04:30:00Z", "2024-03-01 20:30", -480},
		{"far east, local after midnight, UTC day before", "2024-03-02T00:15:00+1300", "2024-03-02T00:20:00+1300",
			"2024-03-01T11:15:00Z", "2024-03-02 00:15", 780},
		{"half-hour west", "2024-03-02T05:00:00-09:30", "2024-03-02T15:00:00+01:00",
			"2024-03-02T14:30:00Z", "2024-03-02 05:00", -570},
		{"quarter-hour east", "2024-03-03T06:05:00+05:45", "2024-03-03T06:05:00+05:45",
			"2024-03-03T00:20:00Z", "2024-03-03 06:05", 345},
		{"UTC", "2024-03-04T00:00:00+0000", "2024-03-04T00:00:00+0000",
			"2024-03-04T00:00:00Z", "2024-03-04 00:00", 0},
		{"+14:00 across a year", "2000-01-01T09:59:59+14:00", "2024-03-05T00:00:00+00:00",
			"1999-12-31T19:59:59Z", "2000-01-01 09:59", 840},
	}
	dir := initRepo(t)
	for _, tc := range tests {
		commit(t, dir, gitCommit{authorDate: tc.authorDate, committerDate: tc.committer, message: tc.name})
	}
	got := bySubject(t, readGit(t, dir))
	if len(got) != len(tests) {
		t.Fatalf("got %d commits, want %d", len(got), len(tests))
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, ok := got[tc.name]
			if !ok {
				t.Fatalf("no commit with subject %q", tc.name)
			}
			wantUTC, _ := time.Parse(time.RFC3339, tc.utc)
			if !c.AuthorTime.Equal(wantUTC) {
				t.Errorf("AuthorTime = %v, want the instant %v", c.AuthorTime, wantUTC)
			}
			if local := c.AuthorTime.Format("2006-01-02 15:04"); local != tc.local {
				t.Errorf("AuthorTime wall clock = %s, want the author's %s", local, tc.local)
			}
			if _, off := c.AuthorTime.Zone(); off != tc.offset*60 {
				t.Errorf("AuthorTime zone offset = %ds, want %ds", off, tc.offset*60)
			}
			if !c.AuthorTZKnown || c.AuthorTZOffset != tc.offset {
				t.Errorf("AuthorTZKnown, AuthorTZOffset = %v, %d, want true, %d", c.AuthorTZKnown, c.AuthorTZOffset, tc.offset)
			}
			wantCT, err := time.Parse(time.RFC3339, normalizeOffset(tc.committer))
			if err != nil {
				t.Fatal(err)
			}
			if !c.CommitterTime.Equal(wantCT) || c.CommitterTime.Location() != time.UTC {
				t.Errorf("CommitterTime = %v, want %v in UTC", c.CommitterTime, wantCT.UTC())
			}
			if c.Repo != "owner/name" || c.AuthorName != "Ann Author" || c.AuthorEmail != "ann@example.org" ||
				c.CommitterName != "Cy Committer" || c.CommitterEmail != "cy@example.net" {
				t.Errorf("identity fields wrong: %+v", c)
			}
		})
	}
}

// normalizeOffset turns git's "+0530" into RFC 3339's "+05:30".
func normalizeOffset(s string) string {
	if n := len(s); n > 5 && (s[n-5] == '+' || s[n-5] == '-') {
		return s[:n-2] + ":" + s[n-2:]
	}
	return s
}

func TestReadGitOrderAndParents(t *testing.T) {
	requireGit(t)
	dir := initRepo(t)
	d := func(day int) string { return time.Date(2024, 1, day, 12, 0, 0, 0, time.UTC).Format(time.RFC3339) }
	root := commit(t, dir, gitCommit{authorDate: d(1), message: "root"})
	commit(t, dir, gitCommit{authorDate: d(2), message: "main 1"})
	git(t, dir, nil, "checkout", "-q", "-b", "side", root)
	commit(t, dir, gitCommit{authorDate: d(3), message: "side 1"})
	commit(t, dir, gitCommit{authorDate: d(4), message: "side 2"})
	git(t, dir, nil, "checkout", "-q", "-b", "other", root)
	commit(t, dir, gitCommit{authorDate: d(5), message: "other 1"})
	git(t, dir, nil, "checkout", "-q", "main")
	env := []string{"GIT_AUTHOR_NAME=Ann Author", "GIT_AUTHOR_EMAIL=ann@example.org", "GIT_AUTHOR_DATE=" + d(6),
		"GIT_COMMITTER_NAME=Cy Committer", "GIT_COMMITTER_EMAIL=cy@example.net", "GIT_COMMITTER_DATE=" + d(6)}
	git(t, dir, env, "merge", "-q", "--no-ff", "-m", "merge side", "side")
	commit(t, dir, gitCommit{authorDate: d(7), message: "main 2"})
	env[2], env[5] = "GIT_AUTHOR_DATE="+d(8), "GIT_COMMITTER_DATE="+d(8)
	git(t, dir, nil, "checkout", "-q", "-b", "third", root)
	commit(t, dir, gitCommit{authorDate: d(7), committerDate: d(7)[:11] + "13:00:00Z", message: "third 1"})
	git(t, dir, nil, "checkout", "-q", "main")
	git(t, dir, env, "merge", "-q", "--no-ff", "-m", "octopus", "other", "third")
	// A branch HEAD does not reach is not read.
	git(t, dir, nil, "checkout", "-q", "-b", "unmerged", root)
	commit(t, dir, gitCommit{authorDate: d(9), message: "unmerged"})
	git(t, dir, nil, "checkout", "-q", "main")

	cs := readGit(t, dir)
	var subjects []string
	parents := map[string]int{}
	for _, c := range cs {
		subjects = append(subjects, c.Message)
		parents[c.Message] = c.Parents
		if len(c.SHA) != 40 || !isSHA(c.SHA) {
			t.Errorf("SHA %q is not a commit id", c.SHA)
		}
	}
	// git log's default order: newest commit date first.
	want := []string{"octopus", "third 1", "main 2", "merge side", "other 1", "side 2", "side 1", "main 1", "root"}
	if !reflect.DeepEqual(subjects, want) {
		t.Errorf("subjects = %q, want %q", subjects, want)
	}
	wantParents := map[string]int{"octopus": 3, "third 1": 1, "main 2": 1, "merge side": 2, "other 1": 1,
		"side 2": 1, "side 1": 1, "main 1": 1, "root": 0}
	if !reflect.DeepEqual(parents, wantParents) {
		t.Errorf("parents = %v, want %v", parents, wantParents)
	}
	if cs[len(cs)-1].SHA != root {
		t.Errorf("last commit %s, want the root %s", cs[len(cs)-1].SHA, root)
	}
}

// TestReadGitIdentities covers names, e-mails and subjects with bytes that
// could be taken for separators.
func TestReadGitIdentities(t *testing.T) {
	requireGit(t)
	tests := []struct {
		name, email, message string
		wantName, wantSubj   string
	}{
		{"Zoë Ñandú 李雷", "zoë@例え.jp", "unicode: ünïcödé ✓", "Zoë Ñandú 李雷", "unicode: ünïcödé ✓"},
		{"Tab\tInside", "tab\tmail@example.org", "a\ttab in the subject", "Tab\tInside", "a\ttab in the subject"},
		{"Unit\x1fSeparator", "us@example.org", "field\x1fseparator\x1e in subject", "Unit\x1fSeparator", "field\x1fseparator\x1e in subject"},
		{"Multi Line", "ml@example.org", "first line\nsecond line\n\nbody\x00not", "Multi Line", "first line second line"},
		{"Empty Subject", "empty@example.org", "", "Empty Subject", ""},
		{"  Padded  ", "pad@example.org", "padded name", "Padded", "padded name"},
		{"\U0001F600 Emoji", "emoji@xn--ls8h.la", "emoji \U0001F680", "\U0001F600 Emoji", "emoji \U0001F680"},
	}
	dir := initRepo(t)
	for i, tc := range tests {
		msg := tc.message
		if i := strings.IndexByte(msg, 0); i >= 0 {
			msg = msg[:i] // git will not take a NUL in an argument
		}
		date := time.Date(2024, 5, 1+i, 8, 0, 0, 0, time.FixedZone("", 2*3600)).Format(time.RFC3339)
		commit(t, dir, gitCommit{authorName: tc.name, authorEmail: tc.email, authorDate: date, message: msg})
	}
	cs := readGit(t, dir)
	if len(cs) != len(tests) {
		t.Fatalf("got %d commits, want %d", len(cs), len(tests))
	}
	for i, tc := range tests {
		c := cs[len(cs)-1-i] // newest first
		if c.AuthorName != tc.wantName || c.AuthorEmail != tc.email || c.Message != tc.wantSubj {
			t.Errorf("commit %d: name, email, subject = %q, %q, %q; want %q, %q, %q",
				i, c.AuthorName, c.AuthorEmail, c.Message, tc.wantName, tc.email, tc.wantSubj)
		}
		if c.AuthorTZOffset != 120 {
			t.Errorf("commit %d: offset %d, want 120", i, c.AuthorTZOffset)
		}
	}
}

func TestReadGitBareClone(t *testing.T) {
	requireGit(t)
	src := initRepo(t)
	for i, d := range []string{"2023-06-01T23:59:00-0700", "2023-06-02T00:01:00+0900", "2023-06-03T12:00:00+0000"} {
		commit(t, src, gitCommit{authorDate: d, message: "c" + string(rune('0'+i))})
	}
	bare := filepath.Join(t.TempDir(), "mirror.git")
	git(t, src, nil, "clone", "-q", "--bare", src, bare)
	want := readGit(t, src)
	got := readGit(t, bare)
	if len(got) != 3 || !reflect.DeepEqual(got, want) {
		t.Errorf("bare clone read\n%+v\nwant the source's\n%+v", got, want)
	}
	// A relative path works too.
	wd, _ := os.Getwd()
	rel, err := filepath.Rel(wd, bare)
	if err == nil {
		if got := readGit(t, rel); !reflect.DeepEqual(got, want) {
			t.Errorf("bare clone by relative path %s differs", rel)
		}
	}
}

func TestReadGitEmpty(t *testing.T) {
	requireGit(t)
	for _, args := range [][]string{nil, {"--bare"}} {
		dir := initRepo(t, args...)
		cs, err := ReadGit(context.Background(), dir, "o/r")
		if err != nil || cs != nil {
			t.Errorf("empty repository (init %q): got %d commits, err %v; want none and no error", args, len(cs), err)
		}
	}
}

func TestReadGitUnbornHeadWithRefs(t *testing.T) {
	requireGit(t)
	dir := initRepo(t)
	commit(t, dir, gitCommit{authorDate: "2024-01-01T00:00:00+00:00", message: "only"})
	git(t, dir, nil, "symbolic-ref", "HEAD", "refs/heads/gone")
	_, err := ReadGit(context.Background(), dir, "o/r")
	want := dir + ": HEAD (refs/heads/gone) does not name a commit, but the repository has refs such as refs/heads/main"
	if err == nil || err.Error() != want {
		t.Errorf("err = %v, want %q", err, want)
	}
}

func TestReadGitNotARepo(t *testing.T) {
	requireGit(t)
	plain := t.TempDir()
	// A plain directory inside a work tree is not that work tree's history.
	outer := initRepo(t)
	commit(t, outer, gitCommit{authorDate: "2024-01-01T00:00:00+00:00", message: "outer"})
	nested := filepath.Join(outer, "sub")
	if err := os.Mkdir(nested, 0o755); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(plain, "file")
	if err := os.WriteFile(file, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(plain, "missing")
	tests := []struct {
		dir, want string
	}{
		{plain, plain + " is not a git repository: "},
		{nested, nested + " is not a git repository: "},
		{file, file + " is not a directory"},
		{missing, "stat " + missing + ": no such file or directory"},
	}
	for _, tc := range tests {
		cs, err := ReadGit(context.Background(), tc.dir, "o/r")
		if err == nil || !strings.HasPrefix(err.Error(), tc.want) || cs != nil {
			t.Errorf("ReadGit(%s) = %d commits, %v; want an error starting %q", tc.dir, len(cs), err, tc.want)
		}
	}
}

// TestReadGitIgnoresGitDir checks that a GIT_DIR in the environment (as in
// a hook) does not make ReadGit read another repository.
func TestReadGitIgnoresGitDir(t *testing.T) {
	requireGit(t)
	a, b := initRepo(t), initRepo(t)
	commit(t, a, gitCommit{authorDate: "2024-01-01T00:00:00+00:00", message: "in a"})
	commit(t, b, gitCommit{authorDate: "2024-01-01T00:00:00+00:00", message: "in b"})
	t.Setenv("GIT_DIR", filepath.Join(b, ".git"))
	cs := readGit(t, a)
	if len(cs) != 1 || cs[0].Message != "in a" {
		t.Errorf("with GIT_DIR=%s, read %+v; want the one commit of %s", os.Getenv("GIT_DIR"), cs, a)
	}
}

// Since keeps the commits committed at or after it; Rev reads another
// commit's history than HEAD's; Config reaches git.
func TestReadGitWith(t *testing.T) {
	requireGit(t)
	dir := initRepo(t)
	d := func(day int) string { return time.Date(2024, 1, day, 12, 0, 0, 0, time.UTC).Format(time.RFC3339) }
	var shas []string
	for day := 1; day <= 5; day++ {
		shas = append(shas, commit(t, dir, gitCommit{authorDate: d(day), message: "day " + strconv.Itoa(day)}))
	}
	subjects := func(o GitOptions) []string {
		t.Helper()
		cs, err := ReadGitWith(context.Background(), dir, "o/r", o)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, c := range cs {
			out = append(out, c.Message)
		}
		return out
	}
	since := time.Date(2024, 1, 3, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name string
		o    GitOptions
		want []string
	}{
		{"all", GitOptions{}, []string{"day 5", "day 4", "day 3", "day 2", "day 1"}},
		{"since is inclusive", GitOptions{Since: since}, []string{"day 5", "day 4", "day 3"}},
		{"since a second later", GitOptions{Since: since.Add(time.Second)}, []string{"day 5", "day 4"}},
		{"since in another zone", GitOptions{Since: since.In(time.FixedZone("", -5*3600))}, []string{"day 5", "day 4", "day 3"}},
		{"rev", GitOptions{Rev: shas[1]}, []string{"day 2", "day 1"}},
		{"rev and since", GitOptions{Rev: shas[3], Since: since}, []string{"day 4", "day 3"}},
		{"config", GitOptions{Config: []string{"log.showSignature=true"}}, []string{"day 5", "day 4", "day 3", "day 2", "day 1"}},
	} {
		if got := subjects(tc.o); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
	for _, rev := range []string{"--all", "nosuch", strings.Repeat("0", 40)} {
		if _, err := ReadGitWith(context.Background(), dir, "o/r", GitOptions{Rev: rev}); err == nil || !strings.Contains(err.Error(), "is not a commit") {
			t.Errorf("Rev %q: err %v", rev, err)
		}
	}
}

func TestReadGitCanceled(t *testing.T) {
	requireGit(t)
	dir := initRepo(t)
	commit(t, dir, gitCommit{authorDate: "2024-01-01T00:00:00+00:00", message: "x"})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := ReadGit(ctx, dir, "o/r"); !errors.Is(err, context.Canceled) {
		t.Errorf("canceled context: err = %v, want context.Canceled", err)
	}
}

// parseGitLog takes apart what git log writes, whatever the read sizes,
// and says where output is not what it asked for.
func TestParseGitLog(t *testing.T) {
	sha := strings.Repeat("ab", 20)
	rec := func(parents, name, adate, cdate, subject string) string {
		return strings.Join([]string{sha, parents, name, "e@x.org", adate, "Cy", "c@x.org", cdate, subject}, "\x00") + "\x00"
	}
	at := time.Date(2023, 11, 14, 22, 13, 20, 0, time.UTC) // 1700000000
	tests := []struct {
		name, in string
		want     []store.Commit // nil with wantErr
		wantErr  string
	}{
		{"empty", "", nil, ""},
		{"one", rec("", "Ann", "1700000000 +0530", "1700000060 -0800", "subject"), []store.Commit{{
			Repo: "o/r", SHA: sha, AuthorName: "Ann", AuthorEmail: "e@x.org",
			AuthorTime: at.In(time.FixedZone("", 330*60)), AuthorTZKnown: true, AuthorTZOffset: 330,
			CommitterName: "Cy", CommitterEmail: "c@x.org", CommitterTime: at.Add(time.Minute), Message: "subject"}}, ""},
		{"merge and newline before a record", rec(sha+" "+sha+" "+sha, "", "1700000000 -0000", "1700000000 +0000", "") + "\n" + rec(sha, "B", "0 +1400", "0 +0000", "s"), []store.Commit{
			{Repo: "o/r", SHA: sha, Parents: 3, AuthorEmail: "e@x.org", AuthorTime: at, AuthorTZKnown: true,
				CommitterName: "Cy", CommitterEmail: "c@x.org", CommitterTime: at},
			{Repo: "o/r", SHA: sha, Parents: 1, AuthorName: "B", AuthorEmail: "e@x.org", AuthorTime: time.Unix(0, 0).In(time.FixedZone("", 14*3600)),
				AuthorTZKnown: true, AuthorTZOffset: 840, CommitterName: "Cy", CommitterEmail: "c@x.org", CommitterTime: time.Unix(0, 0).UTC(), Message: "s"},
		}, ""},
		{"an offset no clock has", rec("", "A", "1700000000 +0075", "1700000000 +0000", "s"), []store.Commit{{
			Repo: "o/r", SHA: sha, AuthorName: "A", AuthorEmail: "e@x.org", AuthorTime: at,
			CommitterName: "Cy", CommitterEmail: "c@x.org", CommitterTime: at, Message: "s"}}, ""},
		{"cut inside a record", rec("", "A", "1700000000 +0000", "1700000000 +0000", "s")[:50], nil, "output ends inside the record of commit " + sha + " (4 of 9 fields)"},
		{"cut after a field", rec("", "A", "1700000000 +0000", "1700000000 +0000", "s")[:44], nil, "output ends inside the record of commit " + sha + " (3 of 9 fields)"},
		{"no NUL at all", "fatal: something", nil, `unexpected output "fatal: something" where a commit id should be`},
		{"shifted", "\x00" + rec("", "A", "1 +0000", "1 +0000", "s"), nil, `unexpected output "" where a commit id should be`},
		{"bad author date", rec("", "A", "yesterday", "1 +0000", "s"), nil, "commit " + sha + `: author date "yesterday" is not git's raw date`},
		{"bad committer offset", rec("", "A", "1 +0000", "1 0000", "s"), nil, "commit " + sha + `: committer date "1 0000" is not git's raw date`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			// One byte at a time too: fields then span every read.
			for _, r := range []io.Reader{strings.NewReader(tc.in), iotest.OneByteReader(strings.NewReader(tc.in))} {
				got, err := parseGitLog(r, "o/r")
				if tc.wantErr != "" {
					if err == nil || err.Error() != tc.wantErr || got != nil {
						t.Fatalf("got %d commits, err %v; want error %q", len(got), err, tc.wantErr)
					}
					continue
				}
				if err != nil {
					t.Fatal(err)
				}
				if len(got) != len(tc.want) {
					t.Fatalf("got %d commits, want %d", len(got), len(tc.want))
				}
				for i := range got {
					g, w := got[i], tc.want[i]
					_, goff := g.AuthorTime.Zone()
					_, woff := w.AuthorTime.Zone()
					if !g.AuthorTime.Equal(w.AuthorTime) || goff != woff || !g.CommitterTime.Equal(w.CommitterTime) ||
						g.CommitterTime.Location() != time.UTC {
						t.Errorf("commit %d times: %v, %v; want %v, %v", i, g.AuthorTime, g.CommitterTime, w.AuthorTime, w.CommitterTime)
					}
					g.AuthorTime, g.CommitterTime, w.AuthorTime, w.CommitterTime = time.Time{}, time.Time{}, time.Time{}, time.Time{}
					if !reflect.DeepEqual(g, w) {
						t.Errorf("commit %d:\n got %+v\nwant %+v", i, g, w)
					}
				}
			}
		})
	}
}

// TestReadGitGitDirAndWorktree checks that stopping discovery at dir still
// lets dir be a .git directory or a linked work tree (whose .git is a file).
func TestReadGitGitDirAndWorktree(t *testing.T) {
	requireGit(t)
	dir := initRepo(t)
	commit(t, dir, gitCommit{authorDate: "2024-01-01T00:00:00+00:00", message: "x"})
	wt := filepath.Join(t.TempDir(), "wt")
	git(t, dir, nil, "worktree", "add", "-q", wt)
	for _, d := range []string{filepath.Join(dir, ".git"), wt} {
		if cs := readGit(t, d); len(cs) != 1 {
			t.Errorf("ReadGit(%s) read %d commits, want 1", d, len(cs))
		}
	}
}
