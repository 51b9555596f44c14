package githubfake

import (
	"slices"
	"strings"
	"time"

	"github.com/fundwatch/fundwatch/githubfake/scenario"
	"github.com/fundwatch/fundwatch/internal/gitobj"
)

// The fake names commits by their real git object IDs, so that REST,
// GraphQL and the git protocol (git.go) agree on every SHA. The scenario's
// own SHAs are placeholders: New replaces them, in copies it keeps (the
// World is not modified), by the ID of the commit git would store for:
//
//   - tree: the repository's one tree, holding .github/FUNDING.yml with
//     FundingYML when that is not empty, else the empty tree (the files do
//     not change over history, so every commit has the same tree);
//   - parents: the scenario's parents, mapped to their new IDs; parents
//     that are not an earlier commit of the repository (in history order,
//     committer date ascending) are dropped, since git can only point
//     backwards; a commit left without parents gets its predecessor, so
//     the history is one line from the first commit, as the REST handlers
//     assume ("reachable from sha" is "committed no later than sha");
//   - author and committer: the scenario's names, e-mails and dates, each
//     date with its own UTC offset (the committer date falls back to the
//     author date, as REST shows it); see gitSignature for what git cannot
//     store;
//   - message: the scenario's message ending in one newline, as `git
//     commit` stores it (gitobj.NormalizeMessage): REST shows it without.
//
// The same gitobj.Commit values feed the fast-import stream that
// materializes the repository (gitStream), so the IDs git computes there
// are these.

// repoGit is what the git side knows of a repository beyond its commits.
type repoGit struct {
	tree    string // root tree ID, shared by every commit
	funding string // blob ID of .github/FUNDING.yml; "" when absent
}

func newRepoGit(r *scenario.Repo) repoGit {
	if r.FundingYML == "" {
		return repoGit{tree: gitobj.EmptyTree}
	}
	blob := gitobj.BlobID([]byte(r.FundingYML))
	github, err := gitobj.TreeID([]gitobj.TreeEntry{{Mode: gitobj.ModeFile, Name: "FUNDING.yml", ID: blob}})
	if err != nil {
		panic("githubfake: " + err.Error()) // fixed names and a computed ID: cannot fail
	}
	root, err := gitobj.TreeID([]gitobj.TreeEntry{{Mode: gitobj.ModeTree, Name: ".github", ID: github}})
	if err != nil {
		panic("githubfake: " + err.Error())
	}
	return repoGit{tree: root, funding: blob}
}

// gitHistory returns copies of r's commits in history order (committer
// date ascending, ties in scenario order) with SHA and Parents rewritten
// to git object IDs.
func gitHistory(r *scenario.Repo, rg repoGit) []*scenario.Commit {
	copies := slices.Clone(r.Commits)
	commits := make([]*scenario.Commit, len(copies))
	for i := range copies {
		commits[i] = &copies[i]
	}
	slices.SortStableFunc(commits, func(a, b *scenario.Commit) int {
		return a.CommitterDate.Compare(b.CommitterDate)
	})
	// Old SHAs to positions; a duplicate keeps its first position.
	pos := make(map[string]int, len(commits))
	for i, c := range commits {
		if _, dup := pos[c.SHA]; !dup {
			pos[c.SHA] = i
		}
	}
	for i, c := range commits {
		var parents []string
		for _, p := range c.Parents {
			if j, ok := pos[p]; ok && j < i && !slices.Contains(parents, commits[j].SHA) {
				// commits[j] is already rewritten: j < i.
				parents = append(parents, commits[j].SHA)
			}
		}
		if len(parents) == 0 && i > 0 {
			parents = []string{commits[i-1].SHA}
		}
		c.Parents = parents
		c.SHA = gitobj.CommitID(gitCommit(c, rg.tree))
	}
	return commits
}

// gitCommit is the commit object of c (whose Parents are already git IDs).
func gitCommit(c *scenario.Commit, tree string) gitobj.Commit {
	committed := c.CommitterDate
	if committed.IsZero() {
		committed = c.AuthorDate
	}
	return gitobj.Commit{
		Tree:      tree,
		Parents:   c.Parents,
		Author:    gitSignature(c.AuthorName, c.AuthorEmail, c.AuthorDate),
		Committer: gitSignature(c.CommitterName, c.CommitterEmail, committed),
		Message:   gitobj.NormalizeMessage(c.Message),
	}
}

// gitSignature is an identity as git can store it: '<', '>' and line
// breaks would end or split the header line (fast-import refuses them),
// so they are dropped; a date before 1970 (git's raw dates are unsigned)
// becomes the epoch. Only hand-written worlds get either; generated ones
// never do.
func gitSignature(name, email string, t time.Time) gitobj.Signature {
	if t.Unix() < 0 {
		t = time.Unix(0, 0).In(t.Location())
	}
	return gitobj.Signature{Name: identClean(name), Email: identClean(email), When: t}
}

func identClean(s string) string {
	if !strings.ContainsAny(s, "<>\n\r\x00") {
		return s
	}
	return strings.Map(func(r rune) rune {
		switch r {
		case '<', '>', '\n', '\r', 0:
			return -1
		}
		return r
	}, s)
}

// Commits returns the commits of the repository fullName (any case) as
// the fake serves them: all of them whatever the horizon, oldest first
// (the order of the history, committer date ascending), with SHA and
// Parents the git object IDs that REST, GraphQL and git report. Tests use
// it to compare what a client read with the world. nil for an unknown
// repository; the commits are copies the caller may keep.
func (s *Server) Commits(fullName string) []scenario.Commit {
	ri := s.idx.repoByName[strings.ToLower(fullName)]
	if ri == nil {
		return nil
	}
	out := make([]scenario.Commit, len(ri.commits))
	for i, c := range ri.commits {
		out[i] = *c
		out[i].Parents = slices.Clone(c.Parents)
	}
	return out
}
