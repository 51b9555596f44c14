package scenario

// Releases and their version tags.

import (
	"cmp"
	"fmt"
	"slices"
	"time"
)

func (g *repoGen) releases(r *Repo, ph *phase) {
	rel := ph.spec.Releases
	if !rel.Every.Set || len(ph.by) == 0 {
		return
	}
	every := rel.Every.D
	t := ph.from.Add(time.Duration(float64(every) * (firstReleaseFrom + (1-firstReleaseFrom)*g.rng.Float64())))
	for t.Before(ph.to) {
		r.Releases = append(r.Releases, Release{
			Author:      pick(g.rng, ph.by).user.Login,
			Prerelease:  g.rng.Float64() < rel.Prerelease,
			CreatedAt:   t.UTC().Truncate(time.Second),
			PublishedAt: t.Add(time.Duration(1+g.rng.IntN(30)) * time.Minute).UTC().Truncate(time.Second),
		})
		t = t.Add(time.Duration(float64(every) * (1 - releaseJitter + 2*releaseJitter*g.rng.Float64())))
	}
}

// finishReleases gives releases increasing semver tags in time order.
func (g *repoGen) finishReleases(r *Repo) {
	rels := r.Releases
	slices.SortStableFunc(rels, func(a, b Release) int { return a.CreatedAt.Compare(b.CreatedAt) })
	var maj, minr, pat int
	fmt.Sscanf(cmp.Or(g.spec.Version, "0.1.0"), "%d.%d.%d", &maj, &minr, &pat)
	first, pendingPre := true, false
	ci := 0
	var last string
	for i := range rels {
		rl := &rels[i]
		if rl.PublishedAt.After(g.limit) {
			rl.PublishedAt = rl.CreatedAt
		}
		if !first && !pendingPre {
			switch x := g.rng.Float64(); {
			case x < majorRelease && maj > 0:
				maj, minr, pat = maj+1, 0, 0
			case x < minorRelease:
				minr, pat = minr+1, 0
			default:
				pat++
			}
		}
		first = false
		v := fmt.Sprintf("v%d.%d.%d", maj, minr, pat)
		if rl.Prerelease && !pendingPre {
			v += "-rc.1"
			pendingPre = true
		} else {
			rl.Prerelease = false
			pendingPre = false
		}
		n := 0
		for ci < len(r.Commits) && !r.Commits[ci].CommitterDate.After(rl.CreatedAt) {
			ci++
			n++
		}
		rl.TagName, rl.Name = v, v
		rl.ID = r.ID*10_000 + int64(i+1)
		rl.Body = fmt.Sprintf("## What's changed\n\n%d commits", n)
		if last != "" {
			rl.Body += " since " + last
		}
		rl.Body += ".\n"
		last = v
	}
	r.Releases = rels
}
