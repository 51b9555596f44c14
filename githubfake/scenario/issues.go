package scenario

// Issues: who opens them, who answers, who closes them.

import (
	"cmp"
	"time"
)

// crowdWeight is how much more often a crowd files issues than one named
// person: maintainers open some issues, users most.
const crowdWeight = 8

// plainIssues files the phase's issues and answers them the way the phase
// in force at answer time says.
func (g *repoGen) plainIssues(ph *phase) {
	is := ph.spec.Issues
	if is.Rate <= 0 || g.spec.NoIssues {
		return
	}
	var pool []*person
	var weights []float64
	for _, a := range is.Authors {
		if ms, ok := g.x.crowds[a]; ok {
			for _, m := range ms {
				pool = append(pool, m)
				weights = append(weights, crowdWeight/float64(len(ms)))
			}
		} else {
			pool = append(pool, g.x.people[a])
			weights = append(weights, 1)
		}
	}
	total := 0.0
	for _, w := range weights {
		total += w
	}
	months := float64(ph.to.Sub(ph.from)) / float64(month)
	for range poisson(g.rng, is.Rate*months) {
		r := g.rng.Float64() * total
		author := pool[len(pool)-1]
		for i, w := range weights {
			if r -= w; r < 0 {
				author = pool[i]
				break
			}
		}
		at := uniform(g.rng, ph.from, ph.to).UTC().Truncate(time.Second)
		title, kind := issueTitle(g.rng)
		d := &issueDraft{seq: g.next(), Issue: Issue{Title: title, User: author.user.Login, CreatedAt: at,
			Body: "Steps to reproduce, expected and actual behaviour are below."}}
		if len(is.Labels) > 0 && g.rng.Float64() < labelled {
			d.Labels = append(d.Labels, kind)
			if g.rng.Float64() < secondLabel {
				if l := pick(g.rng, is.Labels); l != kind {
					d.Labels = append(d.Labels, l)
				}
			}
		}
		g.issues = append(g.issues, d)
		g.answer(ph, d, author)
	}
}

func (g *repoGen) answer(ph *phase, d *issueDraft, author *person) {
	is := ph.spec.Issues
	answered := defaultAnswered
	if is.Answered != nil {
		answered = *is.Answered
	}
	if len(ph.respond) == 0 || g.rng.Float64() >= answered {
		if g.rng.Float64() < solvedByReporter {
			if t := d.CreatedAt.Add(lognormal(g.rng, 10*24*time.Hour, 1)); t.Before(g.limit) {
				g.comment(d, author, t, "Never mind, found the problem on my side.")
				d.ClosedAt, d.ClosedBy = t.UTC().Truncate(time.Second), author.user.Login
			}
		}
		return
	}
	rt := d.CreatedAt.Add(lognormal(g.rng, is.Response.D, 1))
	rph := g.phaseAt(rt)
	if rph == nil || !rt.Before(g.limit) {
		return
	}
	cands := others(rph.respond, author)
	if len(cands) == 0 {
		return
	}
	resp := pick(g.rng, cands)
	g.comment(d, resp, rt, pick(g.rng, responses))
	last := rt
	if g.rng.Float64() < reporterReplies {
		if t := last.Add(lognormal(g.rng, reporterReplyAfter, 1)); t.Before(g.limit) {
			g.comment(d, author, t, pick(g.rng, replies))
			last = t
			if g.rng.Float64() < followedUp {
				if t := last.Add(lognormal(g.rng, is.Response.D, 1)); t.Before(g.limit) {
					g.comment(d, resp, t, pick(g.rng, responses))
					last = t
				}
			}
		}
	}
	closeShare := defaultClosed
	if is.Close != nil {
		closeShare = *is.Close
	}
	if g.rng.Float64() < closeShare {
		t := last.Add(lognormal(g.rng, cmp.Or(is.CloseAfter.D, defaultCloseAfter), 1))
		if t.Before(g.limit) {
			d.ClosedAt, d.ClosedBy = t.UTC().Truncate(time.Second), resp.user.Login
			d.Locked = g.rng.Float64() < lockedOnClose
		}
	}
}
