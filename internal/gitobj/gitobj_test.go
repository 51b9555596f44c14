package gitobj

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/fundwatch/fundwatch/internal/tooltest"
)

// The IDs are git's: checked against constants git itself prints, and
// against `git hash-object` when git is installed.
func TestBlobID(t *testing.T) {
	for _, tc := range []struct{ content, want string }{
		{"", "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391"},
		{"hello\n", "ce013625030ba8dba906f756967f9e9ca394464a"},
	} {
		if got := BlobID([]byte(tc.content)); got != tc.want {
			t.Errorf("BlobID(%q) = %s, want %s", tc.content, got, tc.want)
		}
	}
	if got := Hash("tree", nil); got != EmptyTree {
		t.Errorf("empty tree = %s, want %s", got, EmptyTree)
	}
	if got, err := TreeID(nil); err != nil || got != EmptyTree {
		t.Errorf("TreeID(nil) = %s, %v; want %s", got, err, EmptyTree)
	}
	tooltest.Require(t, "git", "git")
	content := "github: [alice]\nopen_collective: tinyyaml\n"
	cmd := exec.Command("git", "hash-object", "--stdin")
	cmd.Stdin = strings.NewReader(content)
	out, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	if got, want := BlobID([]byte(content)), strings.TrimSpace(string(out)); got != want {
		t.Errorf("BlobID = %s, git hash-object = %s", got, want)
	}
}

func TestOffset(t *testing.T) {
	for _, tc := range []struct {
		sec  int
		want string
	}{
		{0, "+0000"}, {2 * 3600, "+0200"}, {-(9*3600 + 30*60), "-0930"}, {12*3600 + 45*60, "+1245"},
		{-14 * 3600, "-1400"}, {5*3600 + 30*60 + 17, "+0530"}, // seconds cannot be stored
	} {
		if got := Offset(time.Unix(0, 0).In(time.FixedZone("", tc.sec))); got != tc.want {
			t.Errorf("Offset(%ds) = %s, want %s", tc.sec, got, tc.want)
		}
	}
}

func TestTreeBodyRejects(t *testing.T) {
	blob := BlobID(nil)
	for _, tc := range []struct {
		name    string
		entries []TreeEntry
	}{
		{"empty name", []TreeEntry{{ModeFile, "", blob}}},
		{"slash", []TreeEntry{{ModeFile, "a/b", blob}}},
		{"dotdot", []TreeEntry{{ModeTree, "..", EmptyTree}}},
		{"nul", []TreeEntry{{ModeFile, "a\x00", blob}}},
		{"mode", []TreeEntry{{"100664", "a", blob}}},
		{"short id", []TreeEntry{{ModeFile, "a", blob[:39]}}},
		{"upper-case id", []TreeEntry{{ModeFile, "a", strings.Repeat("G", 40)}}},
		{"twice", []TreeEntry{{ModeFile, "a", blob}, {ModeFile, "a", blob}}},
	} {
		if _, err := TreeID(tc.entries); err == nil {
			t.Errorf("%s: TreeID accepted %q", tc.name, tc.entries)
		}
	}
}

func TestCommitCheck(t *testing.T) {
	ok := Commit{Tree: EmptyTree, Author: Signature{"A", "a@x", time.Unix(1, 0)}, Committer: Signature{"C", "c@x", time.Unix(1, 0)}}
	if err := ok.Check(); err != nil {
		t.Fatalf("Check(%+v) = %v", ok, err)
	}
	for name, mutate := range map[string]func(*Commit){
		"tree":        func(c *Commit) { c.Tree = "x" },
		"parent":      func(c *Commit) { c.Parents = []string{EmptyTree[:10]} },
		"name <":      func(c *Commit) { c.Author.Name = "A <b" },
		"email >":     func(c *Commit) { c.Committer.Email = "c>@x" },
		"newline":     func(c *Commit) { c.Author.Name = "A\nparent " + EmptyTree },
		"before 1970": func(c *Commit) { c.Author.When = time.Unix(-1, 0) },
	} {
		c := ok
		mutate(&c)
		if err := c.Check(); err == nil {
			t.Errorf("%s: Check accepted %+v", name, c)
		}
	}
}

func TestNormalizeMessage(t *testing.T) {
	for in, want := range map[string]string{"": "", "a": "a\n", "a\n": "a\n", "a\n\nb": "a\n\nb\n", "a\n\n": "a\n\n"} {
		if got := NormalizeMessage(in); got != want {
			t.Errorf("NormalizeMessage(%q) = %q, want %q", in, got, want)
		}
	}
}

// gitIn runs git in dir with input, isolated from the user's
// configuration, and returns its trimmed output.
func gitIn(t *testing.T, dir, input string, env []string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Stdin = strings.NewReader(input)
	cmd.Env = append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL=/dev/null", "HOME="+dir)
	cmd.Env = append(cmd.Env, env...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return strings.TrimSpace(string(out))
}

// Trees and commits agree with git mktree and git commit-tree, and with
// what git fast-import stores for the same stream (the fake builds its
// repository that way).
func TestTreeAndCommitIDsMatchGit(t *testing.T) {
	tooltest.Require(t, "git", "git")
	dir := filepath.Join(t.TempDir(), "r.git")
	gitIn(t, "/", "", nil, "init", "-q", "--bare", dir)
	hashObject := func(content string) string {
		return gitIn(t, dir, content, nil, "hash-object", "-w", "--stdin")
	}
	funding := "github: [alice]\n"
	blob := hashObject(funding)
	if got := BlobID([]byte(funding)); got != blob {
		t.Fatalf("BlobID = %s, git = %s", got, blob)
	}
	readme := hashObject("hi\n")
	mktree := func(es []TreeEntry) string {
		var in strings.Builder
		for _, e := range es {
			kind := "blob"
			if e.Mode == ModeTree {
				kind = "tree"
			}
			in.WriteString(e.Mode + " " + kind + " " + e.ID + "\t" + e.Name + "\n")
		}
		return gitIn(t, dir, in.String(), nil, "mktree")
	}
	github := []TreeEntry{{ModeFile, "FUNDING.yml", blob}}
	sub := mktree(github)
	// ".github" (a tree) sorts as ".github/", after ".github-x" ('-' < '/')
	// and before ".github0"; files sort by their plain name.
	root := []TreeEntry{
		{ModeTree, ".github", sub}, {ModeFile, ".github-x", readme}, {ModeFile, ".github0", readme},
		{ModeExec, "run.sh", readme}, {ModeFile, "README", readme}, {ModeTree, "a", EmptyTree},
	}
	for _, es := range [][]TreeEntry{github, root, {root[1], root[0]}, {root[2], root[0]}} {
		want := mktree(es)
		got, err := TreeID(es)
		if err != nil || got != want {
			t.Errorf("TreeID(%v) = %s, %v; git mktree = %s", es, got, err, want)
		}
	}

	cest := time.FixedZone("CEST", 2*3600)
	ist := time.FixedZone("IST", 5*3600+30*60)
	nst := time.FixedZone("NST", -(3*3600 + 30*60))
	rootTree := mktree([]TreeEntry{{ModeTree, ".github", sub}}) // written, for commit-tree
	c1 := Commit{
		Tree:      rootTree,
		Author:    Signature{"Alice A", "alice@acme.example", time.Date(2020, 3, 1, 10, 0, 0, 0, cest)},
		Committer: Signature{"Bob B", "bob@gmail.example", time.Date(2020, 3, 1, 9, 30, 0, 0, nst)},
		Message:   NormalizeMessage("first\n\nwith a body"),
	}
	c2 := Commit{
		Tree:      EmptyTree,
		Parents:   []string{CommitID(c1)},
		Author:    Signature{"Ünïcode Ñame", "u@x.example", time.Date(2021, 1, 2, 3, 4, 5, 0, ist)},
		Committer: Signature{"Cy", "cy@x.example", time.Date(2021, 1, 2, 3, 4, 5, 0, time.UTC)},
		Message:   NormalizeMessage("second"),
	}
	c3 := Commit{Tree: EmptyTree, Parents: []string{CommitID(c2), CommitID(c1)}, Author: c2.Author, Committer: c2.Committer, Message: "merge\n"}
	for _, c := range []Commit{c1, c2, c3} {
		if err := c.Check(); err != nil {
			t.Fatal(err)
		}
		args := []string{"commit-tree", c.Tree, "-F", "-"}
		for _, p := range c.Parents {
			args = append(args, "-p", p)
		}
		env := []string{
			"GIT_AUTHOR_NAME=" + c.Author.Name, "GIT_AUTHOR_EMAIL=" + c.Author.Email,
			"GIT_AUTHOR_DATE=" + strings.TrimPrefix(c.Author.String(), c.Author.Name+" <"+c.Author.Email+"> "),
			"GIT_COMMITTER_NAME=" + c.Committer.Name, "GIT_COMMITTER_EMAIL=" + c.Committer.Email,
			"GIT_COMMITTER_DATE=" + strings.TrimPrefix(c.Committer.String(), c.Committer.Name+" <"+c.Committer.Email+"> "),
		}
		// commit-tree -F keeps the message as given (no cleanup).
		if got, want := CommitID(c), gitIn(t, dir, c.Message, env, args...); got != want {
			t.Errorf("CommitID = %s, git commit-tree = %s\n%s", got, want, c.Body())
		}
		if got, want := string(c.Body()), gitIn(t, dir, "", nil, "cat-file", "commit", CommitID(c)); strings.TrimSpace(got) != want {
			t.Errorf("body:\n%s\ngit cat-file:\n%s", got, want)
		}
	}

	// fast-import: the same commits, and an empty message and an empty
	// author name, which only it accepts.
	c4 := Commit{Tree: EmptyTree, Parents: []string{CommitID(c3)},
		Author: Signature{"", "anon@x.example", time.Unix(1700000000, 0).UTC()}, Committer: c2.Committer}
	var s strings.Builder
	s.WriteString("blob\nmark :1\ndata " + strconv.Itoa(len(funding)) + "\n" + funding + "\n")
	mark := map[string]string{}
	for i, c := range []Commit{c1, c2, c3, c4} {
		mark[CommitID(c)] = ":" + strconv.Itoa(10+i)
		s.WriteString("commit refs/heads/main\nmark " + mark[CommitID(c)] + "\n")
		s.WriteString("author " + c.Author.String() + "\ncommitter " + c.Committer.String() + "\n")
		s.WriteString("data " + strconv.Itoa(len(c.Message)) + "\n" + c.Message + "\n")
		for j, p := range c.Parents {
			if j == 0 {
				s.WriteString("from " + mark[p] + "\n")
			} else {
				s.WriteString("merge " + mark[p] + "\n")
			}
		}
		if i == 0 {
			s.WriteString("M 100644 :1 .github/FUNDING.yml\n")
		} else if i == 1 {
			s.WriteString("deleteall\n")
		}
		s.WriteString("\n")
	}
	fi := filepath.Join(t.TempDir(), "fi.git")
	gitIn(t, "/", "", nil, "init", "-q", "--bare", fi)
	gitIn(t, fi, s.String(), nil, "fast-import", "--quiet")
	log := gitIn(t, fi, "", nil, "log", "--format=%H", "main")
	want := strings.Join([]string{CommitID(c4), CommitID(c3), CommitID(c2), CommitID(c1)}, "\n")
	if log != want {
		t.Errorf("fast-import made\n%s\nCommitID says\n%s", log, want)
	}
}
