package analysis

import (
	"sort"
	"time"

	"github.com/fundwatch/fundwatch/analysis/affiliation"
)

// EmployerExit is an employer that carried a large share of the work in
// the baseline year and has (almost) stopped, along with its people.
type EmployerExit struct {
	// Employer is the name its latest baseline work was attributed to;
	// Names are every name of the same employer through acquisitions
	// (github, microsoft), when there is more than one.
	Employer string   `json:"employer"`
	Names    []string `json:"names,omitempty"`
	// Inferred is true for an organisation inferred from its people's
	// e-mail domain (named by the domain), not known from the built-in
	// list, the affiliation file or profiles.
	Inferred bool `json:"inferred"`
	// Since is the first instant of the monthly scan at which the exit
	// was seen; it holds from then until its cause is gone.
	Since time.Time `json:"since"`
	// The baseline figures are those of when the exit was first seen;
	// the recent ones are as of the analysis.
	BaselineShare   float64   `json:"baseline_share"`
	RecentShare     float64   `json:"recent_share"`
	BaselineCommits int       `json:"baseline_commits"`
	RecentCommits   int       `json:"recent_commits"`
	LastActive      time.Time `json:"last_active"`
	// RetainedShare is the part of the employer's baseline work done by
	// people still active at a real pace in the recent window (under any
	// employer or address), when the exit was first seen.
	RetainedShare float64 `json:"retained_share"`
}

// exitScanner answers, for any instant, which employers exited. It is
// built once per history; each instant costs a few binary searches per
// employer, so an analysis can replay the whole history month by month.
type exitScanner struct {
	p  *Params
	cs []Contribution // sorted by time
	// human are the times of human contributions.
	human []time.Time
	// byLineage are the times of each employer's paid work, by lineage
	// (acquired employers count as their buyer, from any date).
	byLineage map[string][]time.Time
	inferred  map[string]bool // lineage → inferred organisation
}

// actorOf is who did a contribution for the vetoes: the name where there is
// one, else the person. It only ever tells who kept working (no exit, no
// newcomer), never how many people there are.
func actorOf(c Contribution) string {
	if c.actor != "" {
		return c.actor
	}
	if c.Name != "" {
		return "name:" + c.Name
	}
	if c.Person != "" {
		return "person:" + c.Person
	}
	return ""
}

func newExitScanner(cs []Contribution, p *Params) *exitScanner {
	s := &exitScanner{p: p, cs: cs, byLineage: map[string][]time.Time{}, inferred: map[string]bool{}}
	for _, c := range cs {
		if c.Class == Bot {
			continue
		}
		s.human = append(s.human, c.Time)
		if c.Class == Paid {
			l := affiliation.Lineage(c.Employer)
			s.byLineage[l] = append(s.byLineage[l], c.Time)
			if c.Source == affiliation.SourceInferred {
				s.inferred[l] = true
			}
		}
	}
	return s
}

// count returns how many of the sorted times fall in (from, to].
func count(ts []time.Time, from, to time.Time) int {
	lo := sort.Search(len(ts), func(i int) bool { return ts[i].After(from) })
	hi := sort.Search(len(ts), func(i int) bool { return ts[i].After(to) })
	return hi - lo
}

func days(d time.Duration) float64 { return d.Hours() / 24 }

// recentFrom is where the recent window starts at t: the last 90 days, or
// further back (up to a year) until it holds min_recent_commits human
// commits. ok is false when even the year holds fewer: the recent work of
// a project that quiet cannot be judged.
func (s *exitScanner) recentFrom(t time.Time) (time.Time, bool) {
	recent, year := time.Duration(s.p.Windows.Recent), time.Duration(s.p.Windows.Year)
	from := t.Add(-recent)
	need := s.p.EmployerExit.MinRecentCommits
	hi := sort.Search(len(s.human), func(i int) bool { return s.human[i].After(t) })
	if count(s.human, from, t) >= need || need <= 0 {
		return from, true
	}
	if hi < need {
		return time.Time{}, false
	}
	// The need-th latest commit opens the window (the window is open at
	// its start, so start just before it).
	start := s.human[hi-need].Add(-time.Nanosecond)
	if start.Before(t.Add(-year)) {
		return time.Time{}, false
	}
	return start, true
}

// candidate is an exit as the test sees it at one instant.
type candidate struct {
	exit      EmployerExit
	basePace  float64 // the employer's baseline commits a day
	baseHuman int     // the project's baseline human commits
}

// at tests every employer at instant t. ok is false when the baseline or
// the recent window has too little work to judge.
func (s *exitScanner) at(t time.Time) (map[string]candidate, bool) {
	p := s.p
	year, baseline := time.Duration(p.Windows.Year), time.Duration(p.Windows.Baseline)
	baseTo := t.Add(-year)
	baseFrom := baseTo.Add(-baseline)
	baseHuman := count(s.human, baseFrom, baseTo)
	if baseHuman < p.EmployerExit.MinBaselineCommits {
		return nil, false
	}
	recentFrom, ok := s.recentFrom(t)
	if !ok {
		return nil, false
	}
	recentHuman := count(s.human, recentFrom, t)
	recentDays, baseDays := days(t.Sub(recentFrom)), days(baseline)
	var out map[string]candidate
	for l, ts := range s.byLineage {
		n := count(ts, baseFrom, baseTo)
		share := float64(n) / float64(baseHuman)
		if n < p.EmployerExit.MinBaselineCommits || share < p.EmployerExit.MinBaselineShare {
			continue
		}
		r := count(ts, recentFrom, t)
		recentShare := 0.0
		if recentHuman > 0 {
			recentShare = float64(r) / float64(recentHuman)
		}
		basePace := float64(n) / baseDays
		pace := float64(r) / recentDays / basePace
		// A small share alone does not say it left: others may just have
		// had a burst. Its own pace must have fallen below the pace that
		// says it is back (return_pace), the other side of the hold.
		if recentShare <= p.EmployerExit.MaxRecentShare && pace >= p.EmployerExit.ReturnPace {
			continue
		}
		if recentShare > p.EmployerExit.MaxRecentShare {
			// Only a trickle may be left of it: its own pace fell to
			// max_recent_pace of its baseline pace, and at most half as
			// far as the rest of the project's. The rest must have had a
			// baseline to compare with: a one-company project that goes
			// quiet for a while has not lost its company.
			rest := baseHuman - n
			if rest < p.EmployerExit.MinBaselineCommits {
				continue
			}
			restPace := float64(recentHuman-r) / recentDays / (float64(rest) / baseDays)
			if pace > p.EmployerExit.MaxRecentPace || pace > restPace/2 {
				continue
			}
		}
		// Either way it lost people: fewer of its people work for it now
		// than in the same stretch a year before. A team that only slowed
		// down is not leaving, nor is one whose people come in bursts
		// months apart and had the same lull a year ago: work counted in
		// people, not in share alone.
		if s.people(l, recentFrom, t) >= s.people(l, recentFrom.Add(-year), t.Add(-year)) {
			continue
		}
		// An exit whose cause is already gone by the test that ends a
		// held one (the others as busy as the project was) is not
		// one: the test that starts an exit must not pass where the test
		// that ends it does, or it turns on and off at once.
		if s.gone(l, candidate{basePace: basePace, baseHuman: baseHuman}, t) {
			continue
		}
		retained := s.retained(l, baseFrom, baseTo, recentFrom, t)
		if retained > p.EmployerExit.MaxRetainedShare {
			continue
		}
		e := EmployerExit{Employer: l, Inferred: s.inferred[l], BaselineShare: share, RecentShare: recentShare,
			BaselineCommits: n, RecentCommits: r, RetainedShare: retained}
		s.describe(&e, l, baseFrom, t)
		if out == nil {
			out = map[string]candidate{}
		}
		out[l] = candidate{exit: e, basePace: basePace, baseHuman: baseHuman}
	}
	return out, true
}

// people counts the actors who did paid work for lineage l in (from, to].
func (s *exitScanner) people(l string, from, to time.Time) int {
	seen := map[string]bool{}
	for _, c := range window(s.cs, from, to) {
		if c.Class == Paid && affiliation.Lineage(c.Employer) == l {
			seen[actorOf(c)] = true
		}
	}
	return len(seen)
}

// retained is the share of lineage l's baseline work made by actors who
// still work on the project for someone else (or for themselves): in the
// recent window, their work outside l kept at least min_retained_pace of
// their baseline pace, or of their baseline share of the project. People
// who moved on together took the work with them: no exit. Work still
// credited to l does not count: an employer whose own pace collapsed has
// not retained anything by keeping a trickle.
func (s *exitScanner) retained(l string, baseFrom, baseTo, recentFrom, t time.Time) float64 {
	byActor := map[string]int{} // l's baseline work by actor
	baseAll := map[string]int{} // each actor's baseline work
	baseHuman := 0
	for _, c := range window(s.cs, baseFrom, baseTo) {
		if c.Class == Bot {
			continue
		}
		baseHuman++
		a := actorOf(c)
		if a == "" {
			continue
		}
		baseAll[a]++
		if c.Class == Paid && affiliation.Lineage(c.Employer) == l {
			byActor[a]++
		}
	}
	total := 0
	for _, n := range byActor {
		total += n
	}
	if total == 0 || baseHuman == 0 {
		return 0
	}
	outside := map[string]int{} // each actor's recent work not for l
	recentHuman := 0
	for _, c := range window(s.cs, recentFrom, t) {
		if c.Class == Bot {
			continue
		}
		recentHuman++
		if c.Class == Paid && affiliation.Lineage(c.Employer) == l {
			continue
		}
		if a := actorOf(c); byActor[a] > 0 {
			outside[a]++
		}
	}
	baseDays, recentDays := days(baseTo.Sub(baseFrom)), days(t.Sub(recentFrom))
	min := s.p.EmployerExit.MinRetainedPace
	kept := 0
	for a, n := range byActor {
		r := outside[a]
		if r == 0 {
			continue
		}
		pace := float64(r) / recentDays / (float64(baseAll[a]) / baseDays)
		part := (float64(r) / float64(recentHuman)) / (float64(baseAll[a]) / float64(baseHuman))
		if pace >= min || part >= min {
			kept += n
		}
	}
	return float64(kept) / float64(total)
}

// describe fills in the employer's names (its latest baseline name first)
// and its last paid commit up to t.
func (s *exitScanner) describe(e *EmployerExit, l string, baseFrom, t time.Time) {
	seen := map[string]bool{}
	var latest string
	for _, c := range window(s.cs, baseFrom, t) {
		if c.Class == Paid && affiliation.Lineage(c.Employer) == l {
			if !seen[c.Employer] {
				seen[c.Employer] = true
			}
			latest = c.Employer
			e.LastActive = c.Time
		}
	}
	if latest != "" {
		e.Employer = latest
	}
	if len(seen) > 1 {
		for n := range seen {
			e.Names = append(e.Names, n)
		}
		sort.Strings(e.Names)
	}
}

// scanInstants are the instants an exit is followed through up to at: the
// first of every month from when the history first has a baseline year,
// and at itself. Calendar months, not steps back from at, so that
// analyses at different instants see the same past.
func scanInstants(first, at time.Time, p *Params) []time.Time {
	start := first.Add(time.Duration(p.Windows.Year) + time.Duration(p.Windows.Baseline)).UTC()
	m := time.Date(start.Year(), start.Month(), 1, 0, 0, 0, 0, time.UTC)
	var out []time.Time
	for ; m.Before(at); m = m.AddDate(0, 1, 0) {
		out = append(out, m)
	}
	return append(out, at)
}

// employerExits follows every employer through the history up to at and
// returns the exits that hold at at. An exit holds from the first instant
// its test passes until its cause is gone: the employer back at
// return_pace of its baseline pace, or the project's last year again as
// busy as its baseline year was. In between it stays reported however
// thin the baseline gets, so an exit does not turn "unavailable" in the
// very months after it, nor flap as windows slide. ok is false when no
// exit holds and the test cannot be made at at.
func employerExits(cs []Contribution, at time.Time, p *Params) (exits []EmployerExit, ok bool) {
	if len(cs) == 0 {
		return nil, false
	}
	s := newExitScanner(cs, p)
	if len(s.human) == 0 {
		return nil, false
	}
	held := map[string]candidate{}
	judged := false
	for _, t := range scanInstants(s.human[0], at, p) {
		cands, ok := s.at(t)
		judged = ok
		for l, c := range cands {
			if h, on := held[l]; on {
				// Keep what was seen at the start; update the rest.
				c.exit.Since, c.exit.BaselineShare, c.exit.BaselineCommits, c.exit.RetainedShare =
					h.exit.Since, h.exit.BaselineShare, h.exit.BaselineCommits, h.exit.RetainedShare
				c.basePace, c.baseHuman = h.basePace, h.baseHuman
			} else {
				c.exit.Since = t
			}
			held[l] = c
		}
		for l, h := range held {
			if _, still := cands[l]; still {
				continue
			}
			if s.gone(l, h, t) {
				delete(held, l)
				continue
			}
			s.refresh(&h.exit, l, t)
			held[l] = h
		}
	}
	for _, h := range held {
		exits = append(exits, h.exit)
	}
	sort.Slice(exits, func(i, j int) bool {
		if exits[i].BaselineShare != exits[j].BaselineShare {
			return exits[i].BaselineShare > exits[j].BaselineShare
		}
		return exits[i].Employer < exits[j].Employer
	})
	return exits, judged || len(exits) > 0
}

// gone reports whether the cause of a held exit is gone at t.
func (s *exitScanner) gone(l string, h candidate, t time.Time) bool {
	recent, year := time.Duration(s.p.Windows.Recent), time.Duration(s.p.Windows.Year)
	n := count(s.byLineage[l], t.Add(-recent), t)
	if n >= s.p.EmployerExit.MinRecentCommits && float64(n)/days(recent) >= s.p.EmployerExit.ReturnPace*h.basePace {
		return true
	}
	// The others filled the gap: the rest of the project did as much in
	// the last year as the whole project in the baseline year. The
	// employer's own work counts for nothing here: the months before it
	// left fill a year as well, and a project that is busier only because
	// of them has not made up for its going.
	return count(s.human, t.Add(-year), t)-count(s.byLineage[l], t.Add(-year), t) >= h.baseHuman
}

// refresh updates a held exit's recent figures at t.
func (s *exitScanner) refresh(e *EmployerExit, l string, t time.Time) {
	from := t.Add(-time.Duration(s.p.Windows.Recent))
	if f, ok := s.recentFrom(t); ok {
		from = f
	}
	e.RecentCommits = count(s.byLineage[l], from, t)
	e.RecentShare = 0
	if n := count(s.human, from, t); n > 0 {
		e.RecentShare = float64(e.RecentCommits) / float64(n)
	}
	if ts := s.byLineage[l]; len(ts) > 0 {
		i := sort.Search(len(ts), func(i int) bool { return ts[i].After(t) })
		if i > 0 {
			e.LastActive = ts[i-1]
		}
	}
}
