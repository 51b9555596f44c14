package scenario

// A repository's generation: its phases, the drafts of its issues and
// commits, and the final ordering and numbering.

import (
	"cmp"
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"
)

// phase is a PhaseSpec placed in time.
type phase struct {
	spec     *PhaseSpec
	from, to time.Time
	mergers  []*person
	respond  []*person
	by       []*person
}

type issueDraft struct {
	Issue
	seq      int
	comments []Comment
}

type commitDraft struct {
	Commit
	seq int
	pr  *issueDraft // the pull request that brought it, if any
}

type repoGen struct {
	x       *expander
	spec    *RepoSpec
	rng     *rand.Rand
	limit   time.Time // end, or when the repo was archived
	phases  []phase
	commits []*commitDraft
	issues  []*issueDraft
	seq     int
}

func (g *repoGen) phaseAt(t time.Time) *phase {
	for i := range g.phases {
		if !t.Before(g.phases[i].from) && t.Before(g.phases[i].to) {
			return &g.phases[i]
		}
	}
	return nil
}

func (x *expander) repo(rs *RepoSpec) *Repo {
	owner, name, _ := strings.Cut(rs.Repo, "/")
	r := &Repo{
		Owner: owner, Name: name, ID: 100_000_000 + int64(hash64("repo/"+rs.Repo)%800_000_000),
		Description: rs.Description, Homepage: rs.Homepage, Language: rs.Language, License: rs.License,
		DefaultBranch: cmp.Or(rs.DefaultBranch, "main"), Topics: slices.Clone(rs.Topics),
		HasIssues: !rs.NoIssues, Stars: rs.Stars, Forks: rs.Forks, Watchers: rs.Watchers,
		FundingYML: rs.Funding,
		Truth:      RepoTruth{Story: rs.Story, Tier: rs.Tier},
	}
	if r.Watchers == 0 {
		r.Watchers = rs.Stars/12 + 1
	}
	g := &repoGen{x: x, spec: rs, rng: x.rng("repo/" + rs.Repo), limit: x.end}
	if rs.Archived.Set {
		r.Archived, r.ArchivedAt = true, rs.Archived.At(x.end)
		g.limit = r.ArchivedAt
	}
	r.CreatedAt = rs.Phases[0].From.At(x.end).AddDate(0, 0, -14)
	if rs.Created.Set {
		r.CreatedAt = rs.Created.At(x.end)
	}
	for i := range rs.Phases {
		ps := &rs.Phases[i]
		ph := phase{spec: ps, from: ps.From.At(x.end), to: x.end}
		if ps.To.Set {
			ph.to = ps.To.At(x.end)
		}
		if ph.to.After(g.limit) {
			ph.to = g.limit
		}
		ph.mergers = x.persons(ps.Pulls.Mergers)
		if len(ph.mergers) == 0 {
			for _, c := range ps.Contributors {
				if p := x.people[c.Person]; p != nil && !p.bot {
					ph.mergers = append(ph.mergers, p)
				}
			}
		}
		if !ps.Issues.Response.None {
			ph.respond = x.persons(ps.Issues.Responders)
		}
		ph.by = x.persons(ps.Releases.By)
		if len(ph.by) == 0 && len(ph.mergers) > 0 {
			ph.by = ph.mergers[:1]
		}
		g.phases = append(g.phases, ph)
	}
	for i := range g.phases {
		if g.phases[i].from.Before(g.phases[i].to) {
			g.contributions(&g.phases[i])
			g.plainIssues(&g.phases[i])
		}
	}
	g.finish(r)
	for i := range g.phases {
		if g.phases[i].from.Before(g.phases[i].to) {
			g.releases(r, &g.phases[i])
		}
	}
	g.finishReleases(r)
	for _, e := range rs.Events {
		r.Truth.Events = append(r.Truth.Events, Event{Kind: e.Kind, Date: e.Date.At(x.end), Employer: e.Employer, Person: e.Person, Note: e.Note})
	}
	slices.SortStableFunc(r.Truth.Events, func(a, b Event) int { return a.Date.Compare(b.Date) })
	return r
}

func (g *repoGen) next() int { g.seq++; return g.seq }

// finish orders, numbers and identifies everything.
func (g *repoGen) finish(r *Repo) {
	slices.SortFunc(g.issues, func(a, b *issueDraft) int {
		return cmp.Or(a.CreatedAt.Compare(b.CreatedAt), cmp.Compare(a.seq, b.seq))
	})
	var comments []Comment
	for i, d := range g.issues {
		d.Number = i + 1
		for _, c := range d.comments {
			c.IssueNumber = d.Number
			comments = append(comments, c)
		}
		r.Issues = append(r.Issues, d.Issue)
	}
	slices.SortStableFunc(comments, func(a, b Comment) int { return a.CreatedAt.Compare(b.CreatedAt) })
	for i := range comments {
		comments[i].ID = r.ID*10_000_000 + int64(i+1)
	}
	r.Comments = comments

	slices.SortFunc(g.commits, func(a, b *commitDraft) int {
		return cmp.Or(a.CommitterDate.Compare(b.CommitterDate), a.AuthorDate.Compare(b.AuthorDate), cmp.Compare(a.seq, b.seq))
	})
	prev := ""
	for i, cd := range g.commits {
		if cd.pr != nil {
			cd.Message = fmt.Sprintf("%s (#%d)", cd.Message, cd.pr.Number)
		}
		sum := sha1.Sum([]byte(fmt.Sprintf("%d\x00%s\x00%d", g.x.spec.Seed, r.FullName(), i)))
		cd.SHA = hex.EncodeToString(sum[:])
		if prev != "" {
			cd.Parents = []string{prev}
		}
		prev = cd.SHA
		r.Commits = append(r.Commits, cd.Commit)
	}
}
