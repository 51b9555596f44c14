package analysis

import (
	"sort"
	"time"
)

// Handover is a newcomer taking over most of the work from the previous
// dominant person within about a year.
type Handover struct {
	Newcomer              string    `json:"newcomer"` // identity ID; reports only, never a metric label
	Previous              string    `json:"previous"`
	NewcomerFirstCommit   time.Time `json:"newcomer_first_commit"`
	PreviousBaselineShare float64   `json:"previous_baseline_share"`
	PreviousRecentShare   float64   `json:"previous_recent_share"`
	NewcomerBaselineShare float64   `json:"newcomer_baseline_share"`
	NewcomerRecentShare   float64   `json:"newcomer_recent_share"`
}

type shares struct {
	total int
	by    map[string]int
}

// humanShares counts human commits by the key of each (a person, or an
// actor: see actorOf); commits without one count in the total only.
func humanShares(cs []Contribution, key func(Contribution) string) shares {
	s := shares{by: map[string]int{}}
	for _, c := range cs {
		if c.Class == Bot {
			continue
		}
		s.total++
		if k := key(c); k != "" {
			s.by[k]++
		}
	}
	return s
}

func personOf(c Contribution) string { return c.Person }

func (s shares) of(person string) float64 {
	if s.total == 0 {
		return 0
	}
	return float64(s.by[person]) / float64(s.total)
}

func (s shares) top() (string, float64) {
	best, n := "", 0
	for p, k := range s.by {
		if k > n || (k == n && p < best) {
			best, n = p, k
		}
	}
	return best, s.of(best)
}

// handovers finds the xz pattern: in the baseline year one person did most
// of the work; now a newcomer, with no history before the baseline year and
// little in it, does most of it, and the previous person's share has at
// least halved. ok is false when either window has too little work.
func handovers(all []Contribution, baseFrom, baseTo, recentFrom, at time.Time, p *Params) (hs []Handover, ok bool) {
	base := humanShares(window(all, baseFrom, baseTo), personOf)
	recent := humanShares(window(all, recentFrom, at), personOf)
	if base.total < p.Handover.MinRecentCommits || recent.total < p.Handover.MinRecentCommits {
		return nil, false
	}
	prev, prevShare := base.top()
	if prevShare < p.Handover.MinPreviousShare {
		return nil, true
	}
	// Names only veto: a "newcomer" whose name was at work before is the
	// same person at a new address (a new employer, a personal domain),
	// and a previous maintainer whose name still does the work has not
	// faded. Neither ever makes a handover.
	first := map[string]time.Time{}
	actor := map[string]string{} // person → actor (name, else person)
	for _, c := range all {
		if c.Class == Bot || c.Person == "" || c.Time.After(at) {
			continue
		}
		a := actorOf(c)
		actor[c.Person] = a
		for _, k := range []string{c.Person, a} {
			if f, seen := first[k]; !seen || c.Time.Before(f) {
				first[k] = c.Time
			}
		}
	}
	recentActors := humanShares(window(all, recentFrom, at), actorOf)
	// A single maintainer's quiet quarter is not fading: the previous
	// person must have faded over the last year (baseTo, at] too.
	yearActors := humanShares(window(all, baseTo, at), actorOf)
	var candidates []string
	for person := range recent.by {
		candidates = append(candidates, person)
	}
	sort.Strings(candidates)
	for _, n := range candidates {
		if n == prev || recent.of(n) < p.Handover.MinNewcomerRecentShare {
			continue
		}
		if !first[n].After(baseFrom) || base.of(n) > p.Handover.MaxNewcomerBaselineShare {
			continue
		}
		if recent.of(prev) > prevShare*p.Handover.MaxPreviousRecentRatio {
			continue
		}
		if actor[n] == actor[prev] || !first[actor[n]].After(baseFrom) ||
			recentActors.of(actor[prev]) > prevShare*p.Handover.MaxPreviousRecentRatio ||
			yearActors.of(actor[prev]) > prevShare*p.Handover.MaxPreviousRecentRatio {
			continue
		}
		hs = append(hs, Handover{
			Newcomer: n, Previous: prev, NewcomerFirstCommit: first[n],
			PreviousBaselineShare: prevShare, PreviousRecentShare: recent.of(prev),
			NewcomerBaselineShare: base.of(n), NewcomerRecentShare: recent.of(n),
		})
	}
	return hs, true
}
