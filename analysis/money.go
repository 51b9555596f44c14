package analysis

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/fundwatch/fundwatch/analysis/criticality"
	"github.com/fundwatch/fundwatch/analysis/funding"
)

// SponsorFacts is what GitHub Sponsors shows of one account.
type SponsorFacts struct {
	Login      string `json:"login"`
	HasListing bool   `json:"has_listing"`
	Sponsors   int    `json:"sponsors"` // public and private
	// The listing's active goal, when public.
	GoalKind    string  `json:"goal_kind,omitempty"`
	GoalTarget  int     `json:"goal_target,omitempty"`
	GoalPercent float64 `json:"goal_percent,omitempty"`
}

// Grant is money a funder gave a project, from the user's grants file.
type Grant struct {
	Repo      string    `json:"repo"`
	Funder    string    `json:"funder"`
	AmountUSD float64   `json:"amount_usd"`
	Date      time.Time `json:"date"`
	Note      string    `json:"note,omitempty"`
}

// Funding is the money fundwatch can see reaching a project.
type Funding struct {
	// FUNDING.yml: whether it exists, what it names, what is wrong in it.
	FileFound bool     `json:"file_found"`
	FileError string   `json:"file_error,omitempty"`
	Platforms []string `json:"platforms"`
	Problems  []string `json:"problems,omitempty"`
	// GitHub Sponsors of the owner, the recent maintainers and the
	// accounts FUNDING.yml names; unavailable until collected.
	SponsorsKnown   bool           `json:"sponsors_known"`
	SponsorAccounts []SponsorFacts `json:"sponsor_accounts,omitempty"`
	Sponsors        int            `json:"sponsors"`
	// Grants in the last year (from the user's grants file).
	Grants        []Grant `json:"grants,omitempty"`
	GrantsYearUSD float64 `json:"grants_year_usd"`
	// PaidShareRecent is the share of the last 90 days' human commits
	// whose authors' employers are known: companies paying for the work.
	PaidShareRecent Value `json:"paid_share_recent"`
	// Level is the visible funding 0..1 (see funding_gap in defaults.yaml).
	Level Value `json:"level"`
}

// Criticality is how much the world depends on a project.
type Criticality struct {
	OpenSSF criticality.Result `json:"openssf"`
	// Inputs are the criticality_score signals computed from what
	// fundwatch collects (absent ones are in OpenSSF.Missing).
	Inputs map[string]float64 `json:"inputs"`
	// Tier is the user's declaration; Effective is what the triage uses:
	// the tier's floor when declared, else the OpenSSF score.
	Tier      string  `json:"tier,omitempty"`
	Effective float64 `json:"effective"`
}

// Gap is how badly a project needs money: critical, at risk, and little
// visible funding.
type Gap struct {
	Score   float64  `json:"score"`
	Reasons []string `json:"reasons"`
}

const month = time.Duration(30.4375 * 24 * float64(time.Hour))

// criticalityInputs computes original_pike.yml's signals as of at from the
// collected facts; a signal whose facts were not collected is left out.
func criticalityInputs(f Facts, cs []Contribution, a *Analysis, at time.Time) map[string]float64 {
	in := map[string]float64{}
	created := time.Time{}
	if f.Meta != nil && !f.Meta.CreatedAt.IsZero() {
		created = f.Meta.CreatedAt
	}
	if len(cs) > 0 && (created.IsZero() || cs[0].Time.Before(created)) {
		created = cs[0].Time // imported history is older than the repository
	}
	if !created.IsZero() {
		in["created_since"] = math.Floor(at.Sub(created).Hours() / month.Hours())
	}
	if len(cs) > 0 {
		in["updated_since"] = math.Floor(at.Sub(cs[len(cs)-1].Time).Hours() / month.Hours())
		people := map[string]bool{}
		for _, c := range cs {
			if c.Class != Bot && c.Person != "" {
				people[c.Person] = true
			}
		}
		in["contributor_count"] = float64(len(people))
	}
	if year, ok := a.Window(WindowYear); ok {
		in["commit_frequency"] = float64(year.Commits) / 52
		if year.Affiliated {
			orgs := map[string]bool{}
			for _, c := range window(cs, at.Add(-365*24*time.Hour), at) {
				if c.Class == Paid {
					orgs[c.Employer] = true
				}
			}
			in["org_count"] = float64(len(orgs))
		}
	}
	if f.ReleasesCollected {
		n := 0
		for _, r := range f.Releases {
			if !r.Draft && !r.PublishedAt.IsZero() && r.PublishedAt.After(at.Add(-365*24*time.Hour)) && !r.PublishedAt.After(at) {
				n++
			}
		}
		in["recent_release_count"] = float64(n)
	}
	// Issues and comments of the last 90 days, when they were collected
	// back that far (from their floor on, see Facts.IssuesFrom).
	if from := at.Add(-90 * 24 * time.Hour); f.IssuesCollected && !from.Before(f.IssuesFrom) {
		inWindow := func(t time.Time) bool { return t.After(from) && !t.After(at) }
		updated := map[int]bool{}
		closed := 0
		for _, is := range f.Issues {
			if is.CreatedAt.After(at) {
				continue
			}
			if inWindow(is.CreatedAt) {
				updated[is.Number] = true
			}
			if !is.ClosedAt.IsZero() && inWindow(is.ClosedAt) {
				updated[is.Number] = true
				closed++
			}
		}
		comments := map[int]int{}
		for _, c := range f.Comments {
			if inWindow(c.CreatedAt) {
				updated[c.IssueNumber] = true
			}
			if !c.CreatedAt.After(at) {
				comments[c.IssueNumber]++
			}
		}
		// An issue older than the floor may have comments from before it,
		// which were not collected. When it has not changed since at,
		// GitHub's count of its comments is its count as of at; when it
		// has, its count as of at is not known, nor the frequency.
		countsKnown := true
		for _, is := range f.Issues {
			if !updated[is.Number] || !is.CreatedAt.Before(f.IssuesFrom) {
				continue
			}
			if is.UpdatedAt.After(at) {
				countsKnown = false
			} else if is.Comments > comments[is.Number] {
				comments[is.Number] = is.Comments
			}
		}
		in["updated_issues_count"] = float64(len(updated))
		in["closed_issues_count"] = float64(closed)
		if len(updated) > 0 && countsKnown {
			total := 0
			for n := range updated {
				total += comments[n]
			}
			in["issue_comment_frequency"] = float64(total) / float64(len(updated))
		}
	}
	return in
}

// tierFloor is the criticality a declared tier stands for.
func tierFloor(tier string, p *Params) (float64, bool) {
	v, ok := p.FundingGap.TierCriticality[strings.ToLower(tier)]
	return v, ok
}

func criticalityOf(f Facts, cs []Contribution, a *Analysis, at time.Time, tier string, p *Params) Criticality {
	c := Criticality{Inputs: criticalityInputs(f, cs, a, at), Tier: tier}
	c.OpenSSF = criticality.Score(c.Inputs)
	c.Effective = c.OpenSSF.Score
	if floor, ok := tierFloor(tier, p); ok {
		c.Effective = floor
	}
	return c
}

// maintainerLogins are the logins of the people who together made half of
// the window's human commits (the bus-factor set): whose Sponsors income
// funds this project's maintenance. A famous occasional contributor's
// sponsors do not.
func maintainerLogins(cs []Contribution, people *People, from, to time.Time) []string {
	counts := map[string]int{}
	total := 0
	for _, c := range window(cs, from, to) {
		if c.Class == Bot {
			continue
		}
		total++
		if c.Person != "" {
			counts[c.Person]++
		}
	}
	ids := make([]string, 0, len(counts))
	for id := range counts {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool {
		if counts[ids[i]] != counts[ids[j]] {
			return counts[ids[i]] > counts[ids[j]]
		}
		return ids[i] < ids[j]
	})
	var out []string
	covered := 0
	for _, id := range ids {
		if 2*covered >= total {
			break
		}
		covered += counts[id]
		// By the directory's index: walking every person of the watch
		// list here made each repository's analysis cost as much as the
		// whole ecosystem (quadratic at 10,000 repositories).
		if person := people.Dir.ByID(id); person != nil {
			for _, l := range person.Logins {
				out = append(out, strings.ToLower(l))
			}
		}
	}
	return out
}

// fundingOf reads the visible funding of a repository as of at.
// maintainers are the logins whose Sponsors count for the project.
func fundingOf(f Facts, a *Analysis, at time.Time, p *Params, maintainers []string) Funding {
	var fu Funding
	var fileAccounts []string
	if f.Meta != nil && f.Meta.HasFundingYML {
		fu.FileFound = true
		file, err := funding.Parse(f.Repo+" .github/FUNDING.yml", []byte(f.Meta.FundingYML))
		if err != nil {
			fu.FileError = err.Error()
		} else {
			fu.Platforms, fu.Problems = file.Platforms(), file.Problems
			fileAccounts = file.GitHubSponsors()
		}
	}
	if f.Sponsors != nil {
		fu.SponsorsKnown = true
		// The owner (a person or an organisation), the accounts
		// FUNDING.yml sends sponsors to, and the maintainers; each once.
		owner, _, _ := strings.Cut(f.Repo, "/")
		seen := map[string]bool{}
		for _, login := range append(append([]string{owner}, fileAccounts...), maintainers...) {
			login = strings.ToLower(login)
			if seen[login] {
				continue
			}
			seen[login] = true
			if s, ok := f.Sponsors[login]; ok && s.HasListing {
				fu.SponsorAccounts = append(fu.SponsorAccounts, s)
				fu.Sponsors += s.Sponsors
			}
		}
		sort.Slice(fu.SponsorAccounts, func(i, j int) bool { return fu.SponsorAccounts[i].Login < fu.SponsorAccounts[j].Login })
	}
	for _, g := range f.Grants {
		if !g.Date.After(at) && g.Date.After(at.Add(-365*24*time.Hour)) {
			fu.Grants = append(fu.Grants, g)
			fu.GrantsYearUSD += g.AmountUSD
		}
	}
	// Visible funding: employers paying for the recent work, sponsors,
	// grants. Each is a share of "one maintainer funded"; the strongest
	// counts (they are not additive evidence of the same thing).
	recent, _ := a.Window(WindowRecent)
	fu.PaidShareRecent = recent.PaidShare
	level, known := 0.0, false
	if recent.PaidShare.OK {
		level, known = recent.PaidShare.V, true
	}
	if fu.SponsorsKnown {
		known = true
		level = math.Max(level, math.Min(1, float64(fu.Sponsors)/p.FundingGap.SponsorsForFull)*p.FundingGap.SponsorsMaxLevel)
	}
	if fu.GrantsYearUSD > 0 {
		known = true
		level = math.Max(level, math.Min(1, fu.GrantsYearUSD/p.FundingGap.GrantUSDForFull))
	}
	if known {
		fu.Level = some(level)
	}
	return fu
}

// gapOf combines criticality, drift risk and funding into the triage's
// ranking score, and says why in words.
func gapOf(c Criticality, r Risk, fu Funding, p *Params) Gap {
	level := 0.0
	if fu.Level.OK {
		level = fu.Level.V
	}
	need := p.FundingGap.RiskFloor + (1-p.FundingGap.RiskFloor)*r.Score
	g := Gap{Score: c.Effective * need * (1 - level)}
	switch {
	case c.Tier != "":
		g.Reasons = append(g.Reasons, fmt.Sprintf("declared %s (OpenSSF criticality %.2f)", c.Tier, c.OpenSSF.Score))
	case c.OpenSSF.OK:
		g.Reasons = append(g.Reasons, fmt.Sprintf("OpenSSF criticality %.2f", c.OpenSSF.Score))
	}
	for _, rs := range r.Reasons {
		g.Reasons = append(g.Reasons, rs.Title+": "+rs.Detail)
	}
	switch {
	case !fu.Level.OK:
		g.Reasons = append(g.Reasons, "no funding information")
	case level < 0.1:
		g.Reasons = append(g.Reasons, "almost no visible funding: "+describeFunding(fu))
	default:
		g.Reasons = append(g.Reasons, fmt.Sprintf("visible funding level %.0f%%: %s", 100*level, describeFunding(fu)))
	}
	return g
}

func describeFunding(fu Funding) string {
	var parts []string
	if fu.PaidShareRecent.OK {
		parts = append(parts, fmt.Sprintf("employers pay for %.0f%% of recent work", 100*fu.PaidShareRecent.V))
	}
	if fu.SponsorsKnown {
		parts = append(parts, fmt.Sprintf("%d GitHub sponsors", fu.Sponsors))
	}
	if len(fu.Platforms) > 0 {
		ps := slices.Clone(fu.Platforms)
		parts = append(parts, "links to "+strings.Join(ps, ", "))
	}
	if fu.GrantsYearUSD > 0 {
		parts = append(parts, fmt.Sprintf("grants of $%.0f this year", fu.GrantsYearUSD))
	}
	if fu.FileError != "" {
		parts = append(parts, "FUNDING.yml unreadable")
	}
	if len(parts) == 0 {
		return "no employer, no FUNDING.yml, no sponsors, no grants seen"
	}
	return strings.Join(parts, "; ")
}

// Quarter is the work of one calendar quarter by class, for the triage's
// "paid vs volunteer over time" chart.
type Quarter struct {
	Start     time.Time `json:"start"`
	Paid      int       `json:"paid"`
	Volunteer int       `json:"volunteer"`
	Unknown   int       `json:"unknown"`
	Bot       int       `json:"bot"`
}

// quarters buckets the contributions of the n calendar quarters ending
// with the one holding at (oldest first).
func quarters(cs []Contribution, at time.Time, n int) []Quarter {
	at = at.UTC()
	q := time.Date(at.Year(), time.Month((int(at.Month())-1)/3*3+1), 1, 0, 0, 0, 0, time.UTC)
	out := make([]Quarter, n)
	for i := n - 1; i >= 0; i-- {
		out[i].Start = q
		q = q.AddDate(0, -3, 0)
	}
	from := out[0].Start
	for _, c := range cs {
		if c.Time.Before(from) || c.Time.After(at) {
			continue
		}
		i := sort.Search(n, func(i int) bool { return out[i].Start.After(c.Time) }) - 1
		if i < 0 {
			continue
		}
		switch c.Class {
		case Paid:
			out[i].Paid++
		case Volunteer:
			out[i].Volunteer++
		case Bot:
			out[i].Bot++
		default:
			out[i].Unknown++
		}
	}
	return out
}
