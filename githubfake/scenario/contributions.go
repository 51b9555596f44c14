package scenario

// Contributions: commits, pull requests and their reviews and merges.

import (
	"cmp"
	"math"
	"slices"
	"strings"
	"time"
)

// contributions writes the commits of one phase, some of them through pull
// requests.
func (g *repoGen) contributions(ph *phase) {
	months := float64(ph.to.Sub(ph.from)) / float64(month)
	rs := g.spec
	for _, c := range ph.spec.Contributors {
		var members []*person
		if c.Person != "" {
			members = []*person{g.x.people[c.Person]}
		} else {
			all := g.x.crowds[c.Crowd]
			n := c.People
			if n == 0 {
				n = min(len(all), 40)
			}
			for _, i := range g.rng.Perm(len(all))[:n] {
				members = append(members, all[i])
			}
		}
		weights := make([]float64, len(members))
		total := 0.0
		for i := range members {
			weights[i] = 1 / math.Pow(float64(i+1), crewShareExponent)
			total += weights[i]
		}
		n := poisson(g.rng, c.Rate*months)
		for range n {
			m := members[0]
			if len(members) > 1 {
				r := g.rng.Float64() * total
				for i, w := range weights {
					if r -= w; r < 0 {
						m = members[i]
						break
					}
				}
			}
			t0 := uniform(g.rng, ph.from, ph.to)
			habit := c.Habit
			if habit == "" {
				switch {
				case m.bot:
					habit = "any"
				case !c.Unpaid && m.jobAt(t0) != nil:
					habit = "office"
				default:
					habit = "evening"
				}
			}
			at := place(g.rng, t0, habit, m.loc, ph.from, ph.to)
			var j *job
			if !c.Unpaid && !m.bot {
				j = m.jobAt(at)
			}
			pr := ph.spec.Pulls.Share
			switch {
			case c.PR != nil:
				pr = *c.PR
			case m.bot:
				pr = 0
			case c.Crowd != "":
				pr = 1
			}
			msg := commitMessage(g.rng, rs.Messages)
			if m.bot {
				msg = botMessage(g.rng, m.user.Login, rs.Language)
			}
			email := m.email(g.rng, j)
			cd := &commitDraft{seq: g.next(), Commit: Commit{
				Message: msg, AuthorName: m.user.Name, AuthorEmail: email, AuthorLogin: m.login(email),
				AuthorDate: at, TruthBot: m.bot,
			}}
			if m.bot && cd.AuthorName == "" {
				cd.AuthorName = m.user.Login
			}
			if j != nil {
				cd.TruthEmployer = j.employer
			}
			if g.rng.Float64() < pr {
				if !g.pullRequest(ph, m, cd) {
					continue
				}
			} else {
				cd.CommitterName, cd.CommitterEmail, cd.CommitterLogin = cd.AuthorName, cd.AuthorEmail, cd.AuthorLogin
				cd.CommitterDate = at
				if g.rng.Float64() < 0.1 { // amended or rebased later
					if t := at.Add(lognormal(g.rng, 2*time.Hour, 1)); t.Before(g.limit) {
						cd.CommitterDate = t
					}
				}
			}
			g.commits = append(g.commits, cd)
		}
	}
}

// pullRequest turns a commit into a merged pull request. It reports false
// when the PR is still open at the end (the commit is then not on the
// default branch).
func (g *repoGen) pullRequest(ph *phase, author *person, cd *commitDraft) bool {
	created := cd.AuthorDate.Add(time.Duration(2+g.rng.IntN(120)) * time.Minute).UTC()
	if !created.Before(g.limit) {
		created = cd.AuthorDate.UTC()
	}
	pd := &issueDraft{seq: g.next(), Issue: Issue{
		Title: cd.Message, User: author.user.Login, CreatedAt: created, IsPull: true,
		Body: "This change " + strings.ToLower(cd.Message) + ".",
	}}
	if author.bot {
		pd.Labels = []string{"dependencies"}
		pd.Body = "Bumps the dependency to the latest version. Release notes and commits are linked below."
	}
	g.issues = append(g.issues, pd)
	median := cmp.Or(ph.spec.Pulls.Merge.D, 24*time.Hour)
	if author.bot {
		median /= 2
	}
	merged := created.Add(lognormal(g.rng, median, 1))
	mph := g.phaseAt(merged)
	var mergers []*person
	if mph != nil {
		mergers = mph.mergers
	}
	cands := others(mergers, author)
	if len(cands) == 0 && slices.Contains(mergers, author) {
		cands = []*person{author}
	}
	if len(cands) == 0 || !merged.Before(g.limit) {
		pd.Draft = !author.bot && g.rng.Float64() < unmergedDraft
		return false
	}
	merger := pick(g.rng, cands)
	if merger != author && g.rng.Float64() < reviewed {
		rt := created.Add(time.Duration(float64(merged.Sub(created)) * (reviewFrom + reviewSpan*g.rng.Float64())))
		g.comment(pd, merger, rt, pick(g.rng, responses))
		if !author.bot && g.rng.Float64() < reviewAnswered {
			g.comment(pd, author, rt.Add(merged.Sub(rt)/2), pick(g.rng, replies))
		}
	}
	pd.MergedAt, pd.MergedBy = merged, merger.user.Login
	pd.ClosedAt, pd.ClosedBy = merged, merger.user.Login
	cd.pr = pd
	cd.CommitterDate = merged
	if g.rng.Float64() < mergedInWeb {
		cd.CommitterName, cd.CommitterEmail, cd.CommitterLogin = "GitHub", "noreply@github.com", WebFlow
	} else {
		e := merger.email(g.rng, merger.jobAt(merged))
		cd.CommitterName, cd.CommitterEmail, cd.CommitterLogin = merger.user.Name, e, merger.login(e)
		cd.CommitterDate = merged.In(merger.loc)
	}
	// Some contributions are turned down; they leave a closed PR behind.
	rej := defaultRejected
	if ph.spec.Pulls.Rejected != nil {
		rej = *ph.spec.Pulls.Rejected
	}
	if !author.bot && g.rng.Float64() < rej {
		at := created.Add(time.Duration(g.rng.IntN(240)) * time.Hour)
		if at.Before(g.limit) {
			title, _ := issueTitle(g.rng)
			rd := &issueDraft{seq: g.next(), Issue: Issue{Title: "Fix: " + strings.ToLower(title), User: author.user.Login, CreatedAt: at, IsPull: true, Body: "Proposed fix."}}
			g.issues = append(g.issues, rd)
			closed := at.Add(lognormal(g.rng, 2*median, 1))
			if closed.Before(g.limit) {
				g.comment(rd, merger, closed, "Thanks, but we'd rather not take this change; see the contributing guide.")
				rd.ClosedAt, rd.ClosedBy = closed, merger.user.Login
			}
		}
	}
	return true
}

func (g *repoGen) comment(d *issueDraft, p *person, at time.Time, body string) {
	at = at.UTC().Truncate(time.Second)
	d.comments = append(d.comments, Comment{User: p.user.Login, Body: body, CreatedAt: at, UpdatedAt: at})
}
