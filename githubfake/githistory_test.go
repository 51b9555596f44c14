package githubfake

import (
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/fundwatch/fundwatch/githubfake/scenario"
	"github.com/fundwatch/fundwatch/internal/gitobj"
	"github.com/fundwatch/fundwatch/internal/tooltest"
)

// The scenario's SHAs and parents become git's; the World is untouched.
func TestGitHistoryRewrite(t *testing.T) {
	t.Parallel()
	at := func(h int) time.Time { return base.Add(time.Duration(h) * time.Hour) }
	c := func(sha string, h int, parents ...string) scenario.Commit {
		return scenario.Commit{SHA: sha, Parents: parents, Message: "m " + sha, AuthorName: "A", AuthorEmail: "a@x.example",
			AuthorDate: at(h), CommitterName: "C", CommitterEmail: "c@x.example", CommitterDate: at(h)}
	}
	r := &scenario.Repo{Owner: "o", Name: "r", Commits: []scenario.Commit{
		c("d", 3, "b", "c"), // a merge of b and c
		c("a", 0),
		c("b", 1, "a"),
		c("c", 2, "nowhere"), // unknown parent: dropped, so its predecessor
		c("e", 4, "f"),       // a later commit as parent: dropped
		c("f", 5, "e", "e"),  // the same parent twice: once
	}}
	orig := r.Commits[0]
	orig.Parents = slices.Clone(orig.Parents)
	rg := newRepoGit(r)
	got := gitHistory(r, rg)
	if !reflect.DeepEqual(r.Commits[0], orig) {
		t.Errorf("the world's commit changed: %+v", r.Commits[0])
	}
	var ids []string
	for _, cm := range got {
		ids = append(ids, cm.SHA)
		if want := gitobj.CommitID(gitCommit(cm, gitobj.EmptyTree)); cm.SHA != want {
			t.Errorf("%s: SHA %s, its object's ID %s", cm.Message, cm.SHA, want)
		}
	}
	wantParents := [][]string{nil, {ids[0]}, {ids[1]}, {ids[1], ids[2]}, {ids[3]}, {ids[4]}}
	wantMsgs := []string{"m a", "m b", "m c", "m d", "m e", "m f"}
	for i, cm := range got {
		if cm.Message != wantMsgs[i] {
			t.Fatalf("order: commit %d is %q, want %q", i, cm.Message, wantMsgs[i])
		}
		if !reflect.DeepEqual(cm.Parents, wantParents[i]) {
			t.Errorf("%s: parents %v, want %v", cm.Message, cm.Parents, wantParents[i])
		}
	}

	// fast-import, merge included, names them alike (buildGit checks).
	tooltest.Require(t, "git", "git")
	s := New(&scenario.World{End: at(10), Repos: []*scenario.Repo{r}}, Options{GitDir: t.TempDir()})
	if _, _, err := s.gitRoot(0); err != nil {
		t.Fatal(err)
	}
}

func TestRepoGitTree(t *testing.T) {
	t.Parallel()
	if rg := newRepoGit(&scenario.Repo{}); rg.tree != gitobj.EmptyTree || rg.funding != "" {
		t.Errorf("no FUNDING.yml: %+v", rg)
	}
	// git mktree of .github/FUNDING.yml = "github: [alice]\n" (see
	// internal/gitobj's test for the comparison with git itself).
	rg := newRepoGit(&scenario.Repo{FundingYML: "github: [alice]\n"})
	if rg.funding != gitobj.BlobID([]byte("github: [alice]\n")) || rg.tree == gitobj.EmptyTree {
		t.Errorf("FUNDING.yml: %+v", rg)
	}
}

func TestGitSignature(t *testing.T) {
	t.Parallel()
	s := gitSignature("A <b>\nc", "x>@y", time.Date(1960, 1, 1, 0, 0, 0, 0, time.FixedZone("", 3600)))
	if s.String() != "A bc <x@y> 0 +0100" {
		t.Errorf("signature = %q", s.String())
	}
}

// Building the demo world's repository checks, through fast-import's
// marks, that git names every commit (and FUNDING.yml blob) of every
// repository exactly as New did.
func TestGitDemoIDs(t *testing.T) {
	t.Parallel()
	tooltest.Require(t, "git", "git")
	w, err := scenario.Demo(time.Date(2025, 6, 30, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	s := New(w, Options{GitDir: t.TempDir()})
	if _, _, err := s.gitRoot(-1); err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, r := range w.Repos {
		n += len(r.Commits)
	}
	t.Logf("%d repositories, %d commits: IDs agree", len(w.Repos), n)
}
