package analysis

import (
	"sort"
	"time"
)

// EmployerExit is an employer that carried a large share of the work in
// the baseline year and has (almost) stopped, along with its people.
type EmployerExit struct {
	Employer        string    `json:"employer"`
	BaselineShare   float64   `json:"baseline_share"`
	RecentShare     float64   `json:"recent_share"`
	BaselineCommits int       `json:"baseline_commits"`
	RecentCommits   int       `json:"recent_commits"`
	LastActive      time.Time `json:"last_active"`
	// RetainedShare is the part of the employer's baseline work done by
	// people still active in the recent window (under any employer).
	RetainedShare float64 `json:"retained_share"`
}

// employerExits compares the baseline window with the recent one. The
// retained-share test is what tells an exit from people changing jobs: if
// those who did the employer's work are still here (paid by someone else, or
// on their own time), the employer's share fell but the work did not leave.
// ok is false when the baseline has too little human work to judge.
func employerExits(all []Contribution, baseFrom, baseTo, recentFrom, at time.Time, p *Params) (exits []EmployerExit, ok bool) {
	base := window(all, baseFrom, baseTo)
	recent := window(all, recentFrom, at)
	var baseHuman, recentHuman int
	baseBy := map[string]int{}
	baseByPerson := map[string]map[string]int{} // employer → person → commits
	for _, c := range base {
		if c.Class == Bot {
			continue
		}
		baseHuman++
		if c.Class == Paid {
			baseBy[c.Employer]++
			if baseByPerson[c.Employer] == nil {
				baseByPerson[c.Employer] = map[string]int{}
			}
			baseByPerson[c.Employer][c.Person]++
		}
	}
	if baseHuman < p.EmployerExit.MinBaselineCommits {
		return nil, false
	}
	recentBy := map[string]int{}
	active := map[string]bool{}
	for _, c := range recent {
		if c.Class == Bot {
			continue
		}
		recentHuman++
		active[c.Person] = true
		if c.Class == Paid {
			recentBy[c.Employer]++
		}
	}
	lastActive := map[string]time.Time{}
	for _, c := range all {
		if c.Class == Paid && !c.Time.After(at) && c.Time.After(lastActive[c.Employer]) {
			lastActive[c.Employer] = c.Time
		}
	}
	for emp, n := range baseBy {
		share := float64(n) / float64(baseHuman)
		if share < p.EmployerExit.MinBaselineShare || n < p.EmployerExit.MinBaselineCommits {
			continue
		}
		recentShare := 0.0
		if recentHuman > 0 {
			recentShare = float64(recentBy[emp]) / float64(recentHuman)
		}
		if recentShare > p.EmployerExit.MaxRecentShare {
			continue
		}
		retained := 0
		for person, k := range baseByPerson[emp] {
			if active[person] {
				retained += k
			}
		}
		retainedShare := float64(retained) / float64(n)
		if retainedShare > p.EmployerExit.MaxRetainedShare {
			continue
		}
		exits = append(exits, EmployerExit{
			Employer: emp, BaselineShare: share, RecentShare: recentShare,
			BaselineCommits: n, RecentCommits: recentBy[emp],
			LastActive: lastActive[emp], RetainedShare: retainedShare,
		})
	}
	sort.Slice(exits, func(i, j int) bool { return exits[i].BaselineShare > exits[j].BaselineShare })
	return exits, true
}
