package analysis

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/fundwatch/fundwatch/analysis/responsiveness"
	"github.com/fundwatch/fundwatch/store"
)

// Facts are the collected facts of one repository an analysis reads.
type Facts struct {
	Repo    string
	Meta    *store.Repo // nil when metadata was never collected
	Commits []store.Commit
	// IssuesCollected is false when issues and comments were never read
	// (e.g. analysing a bare git history): responsiveness is then
	// unavailable, not "nobody answers".
	IssuesCollected bool
	// IssuesFrom is where the issues and comments collected are complete
	// (what a first sync read back to, collection.issue_history): every
	// one changed at or after it is here, of those changed only before
	// it none, but the issues still open. Zero: their whole history. A
	// window that starts before it is unavailable, not zero.
	IssuesFrom        time.Time
	Issues            []store.Issue
	Comments          []store.Comment
	ReleasesCollected bool
	Releases          []store.Release
	// Tier is the user's declared criticality ("" = none).
	Tier string
	// Sponsors is what GitHub Sponsors shows per account (lower-case
	// login), for every account the sponsors collector read; nil when it
	// never ran (unknown, not "none"). The funding analysis picks the
	// project's owner, maintainers and FUNDING.yml accounts from it.
	Sponsors map[string]SponsorFacts
	// Grants from the user's grants file for this repository.
	Grants []Grant
}

// Lifecycle is where a project is in its life. The states, in the order
// they are decided:
//   - archived: GitHub says so (from its archivedAt on, when known);
//   - abandoned: no commit in the last year, and of the issues opened in the
//     last year at least 90% got no answer by anyone but their author;
//   - inert: no commit in the last year otherwise (issues still answered,
//     or none arrive, or issues were not collected, or not back a year:
//     then the abandoned reason is unavailable);
//   - declining: last year's commits below declining_ratio of the year
//     before, when that year had at least declining_min_previous; held
//     until back at declining_release_ratio (held.go);
//   - active: at least active_min_commits_recent commits in the last 90
//     days; held until fewer than active_release_commits_recent;
//   - stable: some commits in the last year, at a low but not falling rate
//     (the finished-but-fine project).
type Lifecycle string

// Lifecycle states.
const (
	Active    Lifecycle = "active"
	Stable    Lifecycle = "stable"
	Declining Lifecycle = "declining"
	Inert     Lifecycle = "inert"
	Abandoned Lifecycle = "abandoned"
	Archived  Lifecycle = "archived"
)

// LifecycleStates in report order.
var LifecycleStates = []Lifecycle{Active, Stable, Declining, Inert, Abandoned, Archived}

// Reason is one drift-risk reason that holds, said in words.
type Reason struct {
	ID     string  `json:"id"`
	Title  string  `json:"title"`
	Detail string  `json:"detail"`
	Weight float64 `json:"weight"`
	// Since is when a held reason (employer_exit, volunteer_only,
	// bus_factor_one, declining) turned on, on the monthly scan; zero for
	// the others.
	Since time.Time `json:"since,omitzero"`
}

// Risk is the drift risk of a repository.
type Risk struct {
	Score   float64  `json:"score"`
	Reasons []Reason `json:"reasons"`
	// Unavailable lists reasons that could not be evaluated (and so did
	// not raise the score).
	Unavailable []string `json:"unavailable,omitempty"`
}

// Analysis is everything fundwatch concludes about one repository as of
// an instant.
type Analysis struct {
	Repo       string        `json:"repo"`
	AsOf       time.Time     `json:"as_of"`
	Commits    int           `json:"commits_total"`
	LastCommit time.Time     `json:"last_commit"`
	Windows    []WindowStats `json:"windows"`
	// The headline figures, from the last-year window (and the baseline
	// year for comparison).
	BusFactor      Value `json:"bus_factor"`
	ElephantFactor Value `json:"elephant_factor"`
	// ProfileCoverage is the share of commits made under a GitHub login
	// in the baseline and last year whose author's profile is known;
	// below affiliation.min_profile_coverage, who pays is unavailable.
	ProfileCoverage   Value          `json:"profile_coverage"`
	AffiliationOK     bool           `json:"affiliation_available"`
	PaidRatio         Value          `json:"paid_ratio"`
	PaidRatioBaseline Value          `json:"paid_ratio_baseline"`
	EmployerExits     []EmployerExit `json:"employer_exits"`
	ExitsAvailable    bool           `json:"employer_exits_available"`
	Handovers         []Handover     `json:"handovers"`
	HandoverAvailable bool           `json:"handovers_available"`
	Lifecycle         Lifecycle      `json:"lifecycle"`
	// Responsiveness over the recent window and the last year; nil when
	// issues were not collected.
	Responsiveness     *responsiveness.Stats `json:"responsiveness,omitempty"`
	ResponsivenessYear *responsiveness.Stats `json:"responsiveness_year,omitempty"`
	Risk               Risk                  `json:"risk"`
	Criticality        Criticality           `json:"criticality"`
	Funding            Funding               `json:"funding"`
	Gap                Gap                   `json:"funding_gap"`
	// Quarters is the work by class over the last three years (empty
	// while who pays is unknown: see AffiliationOK).
	Quarters []Quarter `json:"quarters,omitempty"`

	// held are the window signals followed through the history (held.go),
	// which the reasons and the lifecycle read instead of the bare
	// thresholds.
	held heldSignals
}

// Window names, by role: the label values of every windowed metric. The
// durations behind them are params (windows.recent, windows.year,
// windows.baseline); the names stay when those are tuned, so dashboards,
// alerts and the labels of one series never disagree with another's.
const (
	WindowRecent   = "recent"   // the last windows.recent (90 days by default)
	WindowYear     = "year"     // the last windows.year (365 days)
	WindowBaseline = "baseline" // the windows.baseline before the year
)

// Window returns the named window's stats.
func (a *Analysis) Window(name string) (WindowStats, bool) {
	for _, w := range a.Windows {
		if w.Window == name {
			return w, true
		}
	}
	return WindowStats{}, false
}

// Analyze computes every signal of one repository as of at. Only facts
// dated at or before at are used, so replaying past dates gives history.
func Analyze(f Facts, people *People, at time.Time, p *Params) *Analysis {
	commits := make([]store.Commit, 0, len(f.Commits))
	for _, c := range f.Commits {
		if !c.AuthorTime.IsZero() && !c.AuthorTime.After(at) {
			commits = append(commits, c)
		}
	}
	// The store returns commits in time order; sorting 250-byte structs
	// is a fifth of an analysis, so only sort what is not sorted yet.
	byTime := func(a, b store.Commit) int { return a.AuthorTime.Compare(b.AuthorTime) }
	if !slices.IsSortedFunc(commits, byTime) {
		slices.SortStableFunc(commits, byTime)
	}
	return analyze(f, people, commits, people.Classify(commits), at, p)
}

// analyze is Analyze of commits (up to at, in time order) attributed as
// cs, which it may change.
func analyze(f Facts, people *People, commits []store.Commit, cs []Contribution, at time.Time, p *Params) *Analysis {
	inferOrganisations(cs, at, p)

	recent, year, baseline := time.Duration(p.Windows.Recent), time.Duration(p.Windows.Year), time.Duration(p.Windows.Baseline)
	a := &Analysis{Repo: f.Repo, AsOf: at, Commits: len(cs)}
	if len(cs) > 0 {
		a.LastCommit = cs[len(cs)-1].Time
	}
	baseTo := at.Add(-year)
	baseFrom := baseTo.Add(-baseline)
	a.Windows = []WindowStats{
		windowStats(WindowRecent, cs, at.Add(-recent), at, p.TopEmployers),
		windowStats(WindowYear, cs, at.Add(-year), at, p.TopEmployers),
		windowStats(WindowBaseline, cs, baseFrom, baseTo, p.TopEmployers),
	}
	a.ProfileCoverage = profileCoverage(commits, people, baseFrom, at)
	a.AffiliationOK = !a.ProfileCoverage.OK || a.ProfileCoverage.V >= p.Affiliation.MinProfileCoverage
	for i := range a.Windows {
		w := &a.Windows[i]
		w.Affiliated = a.AffiliationOK
		if !w.Affiliated {
			w.PaidShare, w.ElephantFactor, w.Employers = Value{}, Value{}, nil
		}
	}
	yearW, baseW := a.Windows[1], a.Windows[2]
	a.BusFactor, a.ElephantFactor, a.PaidRatio = yearW.BusFactor, yearW.ElephantFactor, yearW.PaidShare
	a.PaidRatioBaseline = baseW.PaidShare
	if a.AffiliationOK {
		a.EmployerExits, a.ExitsAvailable = employerExits(cs, at, p)
	}
	a.Handovers, a.HandoverAvailable = handovers(cs, baseFrom, baseTo, at.Add(-recent), at, p)
	a.held = holdSignals(cs, at, a.AffiliationOK, p)

	if f.IssuesCollected {
		in := responsiveness.Input{Issues: f.Issues, Comments: f.Comments, Releases: f.Releases,
			From: f.IssuesFrom, IsBot: people.isBotLogin}
		r := responsiveness.Compute(in, at, recent)
		ry := responsiveness.Compute(in, at, year)
		a.Responsiveness, a.ResponsivenessYear = &r, &ry
	}
	a.Lifecycle = lifecycle(f.Meta, a)
	if a.Lifecycle == Archived {
		// Retired by its owner (reported as abandoned): there is no more
		// work whose payers could leave or change hands, so exits and
		// handovers are settled (those already held stay), not
		// "unavailable" for lack of recent work.
		a.ExitsAvailable, a.HandoverAvailable = true, true
	}
	a.Risk = risk(f, a, p)
	a.Criticality = criticalityOf(f, cs, a, at, f.Tier, p)
	a.Funding = fundingOf(f, a, at, p, maintainerLogins(cs, people, at.Add(-time.Duration(p.Windows.Year)), at))
	a.Gap = gapOf(a.Criticality, a.Risk, a.Funding, p)
	if a.AffiliationOK {
		a.Quarters = quarters(cs, at, 12)
	}
	return a
}

// profileCoverage is the share of human commits in (from, to] made under
// a GitHub login whose profile is known. Unavailable (and no obstacle)
// when no commit carries a login, as in a plain git history.
func profileCoverage(commits []store.Commit, people *People, from, to time.Time) Value {
	var withLogin, known int
	for _, c := range commits {
		if c.AuthorLogin == "" || !c.AuthorTime.After(from) || c.AuthorTime.After(to) || c.AuthorBot || people.isBotLogin(c.AuthorLogin) {
			continue
		}
		withLogin++
		if _, ok := people.Users[strings.ToLower(c.AuthorLogin)]; ok {
			known++
		}
	}
	if withLogin == 0 {
		return Value{}
	}
	return some(float64(known) / float64(withLogin))
}

func (p *People) isBotLogin(login string) bool {
	if login == "" {
		return false
	}
	person := p.Dir.Lookup(login, "")
	if person != nil && person.Bot {
		return true
	}
	u := p.Users[strings.ToLower(login)]
	return strings.HasSuffix(strings.ToLower(login), "[bot]") || (u != nil && u.Type == "Bot")
}

// lifecycle decides the state from the analysis' windows and its held
// signals (declining and active hold with hysteresis: held.go).
func lifecycle(meta *store.Repo, a *Analysis) Lifecycle {
	w365, _ := a.Window(WindowYear)
	switch {
	case meta != nil && meta.Archived && (meta.ArchivedAt.IsZero() || !a.AsOf.Before(meta.ArchivedAt)):
		// Archived since ArchivedAt; an analysis of an instant before
		// that sees the project as it was then.
		return Archived
	case w365.Commits == 0:
		if r := a.ResponsivenessYear; r != nil && r.UnansweredRatio.OK && r.UnansweredRatio.V >= 0.9 {
			return Abandoned
		}
		return Inert
	case a.held.Declining.On:
		return Declining
	case a.held.Active.On:
		return Active
	default:
		return Stable
	}
}

// exitDetail says what an exit is, in a reason's words: who (an inferred
// organisation said so, an acquired one by all its names), how much it did
// then and now, and since when.
func exitDetail(e EmployerExit, p *Params) string {
	who := e.Employer
	if len(e.Names) > 1 {
		who += " (also " + strings.Join(slices.DeleteFunc(slices.Clone(e.Names), func(n string) bool { return n == e.Employer }), ", ") + ")"
	}
	if e.Inferred {
		who += " (an organisation inferred from its people's e-mail domain)"
	}
	return fmt.Sprintf("%s did %s of human commits in the baseline year and %s recently; the people it paid left too (last active %s; exit seen since %s)",
		who, pct(e.BaselineShare), pct(e.RecentShare), day(e.LastActive), day(e.Since))
}

func pct(v float64) string { return fmt.Sprintf("%.0f%%", 100*v) }

func day(t time.Time) string { return t.UTC().Format(time.DateOnly) }

func humanDuration(d time.Duration) string {
	switch {
	case d >= 48*time.Hour:
		return fmt.Sprintf("%.0f days", d.Hours()/24)
	case d >= 2*time.Hour:
		return fmt.Sprintf("%.0f hours", d.Hours())
	default:
		return fmt.Sprintf("%.0f minutes", d.Minutes())
	}
}

// risk evaluates every reason. A reason whose inputs are unavailable is
// listed as unavailable and never raises the score.
func risk(f Facts, a *Analysis, p *Params) Risk {
	var r Risk
	add := func(id, detail string) {
		r.Reasons = append(r.Reasons, Reason{ID: id, Title: p.Signals[id].Title, Detail: detail, Weight: p.Weights[id]})
	}
	unavailable := func(id string) { r.Unavailable = append(r.Unavailable, id) }
	yearW, _ := a.Window(WindowYear)
	human := yearW.Commits - yearW.ByClass[Bot].Commits

	// employer_exit
	if !a.ExitsAvailable {
		unavailable("employer_exit")
	}
	for _, e := range a.EmployerExits {
		add("employer_exit", exitDetail(e, p))
		r.Reasons[len(r.Reasons)-1].Since = e.Since
	}
	// volunteer_only
	switch vo := a.held.VolunteerOnly; {
	case !yearW.PaidShare.OK && !vo.On || !vo.Available():
		unavailable("volunteer_only")
	case vo.On && human < p.VolunteerOnly.MinCommits:
		add("volunteer_only", fmt.Sprintf("too little work to judge now (%d human commits in the last year); no employer was known for the work when last judged", human))
	case vo.On:
		// Unknown is not volunteer: say what is known, and weigh a
		// reason that rests on not knowing less than one that rests on
		// known volunteers.
		volunteer := float64(yearW.ByClass[Volunteer].Commits) / float64(human)
		unknown := float64(yearW.ByClass[Unknown].Commits) / float64(human)
		if unknown > volunteer {
			add("volunteer_only", fmt.Sprintf("no employer is known for the work: paid share %s of %d human commits in the last year; "+
				"%s are by people whose affiliation is unknown, %s by known volunteers", pct(yearW.PaidShare.V), human, pct(unknown), pct(volunteer)))
			r.Reasons[len(r.Reasons)-1].Weight *= p.VolunteerOnly.UnknownWeight
		} else {
			add("volunteer_only", fmt.Sprintf("known volunteers do the work: %s of %d human commits in the last year, paid share %s",
				pct(volunteer), human, pct(yearW.PaidShare.V)))
		}
	}
	// bus_factor_one
	switch bf := a.held.BusFactorOne; {
	case !bf.Available():
		unavailable("bus_factor_one")
	case bf.On && yearW.BusFactor.V == 1:
		add("bus_factor_one", fmt.Sprintf("one person made at least half of the last year's %d human commits", human))
	case bf.On && human == 0:
		add("bus_factor_one", "no human commits in the last year; one person made at least half of the work when last judged")
	case bf.On:
		add("bus_factor_one", fmt.Sprintf("the top person's share of the last year's %d human commits is not yet below %s (bus factor %.0f)",
			human, pct(p.BusFactorOne.ReleaseTopShare), yearW.BusFactor.V))
	}
	// handover
	if !a.HandoverAvailable {
		unavailable("handover")
	}
	for _, h := range a.Handovers {
		add("handover", fmt.Sprintf("a newcomer (first commit %s) now makes %s of recent commits; the previous dominant maintainer fell from %s to %s",
			day(h.NewcomerFirstCommit), pct(h.NewcomerRecentShare), pct(h.PreviousBaselineShare), pct(h.PreviousRecentShare)))
	}
	// unresponsive
	if rs := a.Responsiveness; rs == nil || (!rs.FirstResponseMedianSeconds.OK && !rs.UnansweredRatio.OK) {
		unavailable("unresponsive")
	} else {
		maxWait := time.Duration(p.Unresponsive.MaxFirstResponse)
		med := time.Duration(rs.FirstResponseMedianSeconds.V * float64(time.Second))
		switch {
		case rs.UnansweredRatio.OK && rs.UnansweredRatio.V > p.Unresponsive.MaxUnansweredRatio:
			add("unresponsive", fmt.Sprintf("%s of the issues opened in the last 90 days got no answer", pct(rs.UnansweredRatio.V)))
		case rs.FirstResponseMedianSeconds.OK && med > maxWait:
			add("unresponsive", fmt.Sprintf("median first response on issues opened in the last 90 days is %s (threshold %s)",
				humanDuration(med), humanDuration(maxWait)))
		}
	}
	// release_drought
	if rs := a.Responsiveness; rs == nil || rs.LastRelease.IsZero() {
		unavailable("release_drought")
	} else if age := a.AsOf.Sub(rs.LastRelease); age > time.Duration(p.ReleaseDrought.MaxAge) {
		add("release_drought", fmt.Sprintf("last release %s, %s ago", day(rs.LastRelease), humanDuration(age)))
	}
	// abandoned / declining
	switch a.Lifecycle {
	case Archived:
		// The owner retired it: the strongest "no longer maintained"
		// there is, and dated.
		detail := "archived by its owner: read-only, no longer maintained"
		if f.Meta != nil && !f.Meta.ArchivedAt.IsZero() {
			detail = fmt.Sprintf("archived by its owner on %s: read-only, no longer maintained", day(f.Meta.ArchivedAt))
		}
		add("abandoned", detail)
		if f.Meta != nil {
			r.Reasons[len(r.Reasons)-1].Since = f.Meta.ArchivedAt
		}
	case Abandoned:
		detail := "no commits in the last year and issues go unanswered"
		if !a.LastCommit.IsZero() {
			detail = fmt.Sprintf("no commits since %s, and issues opened in the last year go unanswered", day(a.LastCommit))
		}
		add("abandoned", detail)
	case Declining:
		base, _ := a.Window(WindowBaseline)
		add("declining", fmt.Sprintf("commits fell from %d in the year before to %d in the last year", base.Commits, yearW.Commits))
	case Inert:
		// No commits, and the year's issues were collected from a later
		// floor on: whether anyone answers them, abandoned or inert,
		// cannot be told.
		if ry := a.ResponsivenessYear; ry != nil && !ry.IssuesKnown {
			unavailable("abandoned")
		}
	}
	// The held reasons say since when.
	for i := range r.Reasons {
		switch r.Reasons[i].ID {
		case "volunteer_only":
			r.Reasons[i].Since = a.held.VolunteerOnly.Since
		case "bus_factor_one":
			r.Reasons[i].Since = a.held.BusFactorOne.Since
		case "declining":
			r.Reasons[i].Since = a.held.Declining.Since
		}
	}
	// backlog_growth
	if rs := a.Responsiveness; rs == nil || !rs.BacklogGrowth.OK {
		unavailable("backlog_growth")
	} else if rs.BacklogGrowth.V > p.BacklogGrowth.MaxGrowth {
		add("backlog_growth", fmt.Sprintf("open issues and pull requests grew %s in 90 days (%d → %d)",
			pct(rs.BacklogGrowth.V), rs.BacklogBefore, rs.Backlog))
	}

	// Noisy-OR: one factor per distinct reason id (two exits do not
	// count twice).
	seen := map[string]bool{}
	keep := 1.0
	for _, rs := range r.Reasons {
		if !seen[rs.ID] {
			seen[rs.ID] = true
			keep *= 1 - rs.Weight
		}
	}
	r.Score = math.Round((1-keep)*1000) / 1000
	return r
}
