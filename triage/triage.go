// Package triage turns a snapshot into the grant-triage list: watched
// projects ranked by funding gap (critical, drifting, little money seen),
// each with the reasons that put it there, as a terminal table, CSV, JSON
// and a self-contained HTML page.
package triage

import (
	"sort"
	"strings"
	"time"

	"github.com/fundwatch/fundwatch/analysis"
)

// Row is one project of the triage list.
type Row struct {
	Rank      int    `json:"rank"`
	Repo      string `json:"repo"`
	Tier      string `json:"tier,omitempty"`
	Owner     string `json:"owner,omitempty"`
	Available bool   `json:"available"` // false until the history is collected
	Lifecycle string `json:"lifecycle,omitempty"`

	Gap     float64  `json:"funding_gap"`
	Risk    float64  `json:"drift_risk"`
	Reasons []string `json:"reasons"`

	Criticality          float64  `json:"criticality_openssf"`
	CriticalityEffective float64  `json:"criticality"`
	CriticalityMissing   []string `json:"criticality_missing,omitempty"`

	PaidNow       analysis.Value `json:"paid_share_recent"`
	PaidBaseline  analysis.Value `json:"paid_share_baseline"`
	BusFactor     analysis.Value `json:"bus_factor_year"`
	ReleasesKnown bool           `json:"releases_known"`
	LastRelease   time.Time      `json:"last_release,omitzero"` // zero: never released (when ReleasesKnown)
	FirstResponse analysis.Value `json:"first_response_seconds_recent"`

	FundingLevel  analysis.Value `json:"funding_level"`
	SponsorsKnown bool           `json:"sponsors_known"`
	Sponsors      int            `json:"sponsors"`
	Platforms     []string       `json:"funding_platforms,omitempty"`
	GrantsYearUSD float64        `json:"grants_year_usd"`
	FundingIssue  string         `json:"funding_file_problem,omitempty"`

	Quarters []analysis.Quarter `json:"quarters,omitempty"`
}

// Report is the ranked list as of an instant.
type Report struct {
	AsOf time.Time `json:"as_of"`
	Rows []Row     `json:"projects"`
}

// Build ranks the snapshot's repositories: largest funding gap first, then
// higher drift risk, then higher criticality, then name. Repositories not
// analysed yet come last, in watch-list order, marked unavailable.
func Build(snap *analysis.Snapshot) Report {
	r := Report{AsOf: snap.At}
	for _, repo := range snap.Repos {
		row := Row{Repo: repo.Repo, Tier: repo.Tier, Owner: repo.Owner}
		if a := repo.Analysis; a != nil {
			row.Available = true
			row.Lifecycle = string(a.Lifecycle)
			row.Gap, row.Risk, row.Reasons = a.Gap.Score, a.Risk.Score, a.Gap.Reasons
			row.Criticality, row.CriticalityEffective = a.Criticality.OpenSSF.Score, a.Criticality.Effective
			row.CriticalityMissing = a.Criticality.OpenSSF.Missing
			if w, ok := a.Window(analysis.WindowRecent); ok {
				row.PaidNow = w.PaidShare
			}
			row.PaidBaseline = a.PaidRatioBaseline
			row.BusFactor = a.BusFactor
			if rs := a.Responsiveness; rs != nil {
				row.ReleasesKnown, row.LastRelease = true, rs.LastRelease
				row.FirstResponse = analysis.Value(rs.FirstResponseMedianSeconds)
			}
			fu := a.Funding
			row.FundingLevel, row.SponsorsKnown, row.Sponsors = fu.Level, fu.SponsorsKnown, fu.Sponsors
			row.Platforms, row.GrantsYearUSD = fu.Platforms, fu.GrantsYearUSD
			if fu.FileError != "" {
				row.FundingIssue = fu.FileError
			} else if len(fu.Problems) > 0 {
				row.FundingIssue = strings.Join(fu.Problems, "; ")
			}
			row.Quarters = a.Quarters
		} else {
			row.Reasons = []string{"not analysed yet: the commit history has not been collected completely"}
		}
		r.Rows = append(r.Rows, row)
	}
	sort.SliceStable(r.Rows, func(i, j int) bool {
		a, b := r.Rows[i], r.Rows[j]
		if a.Available != b.Available {
			return a.Available
		}
		if !a.Available {
			return false
		}
		if a.Gap != b.Gap {
			return a.Gap > b.Gap
		}
		if a.Risk != b.Risk {
			return a.Risk > b.Risk
		}
		if a.CriticalityEffective != b.CriticalityEffective {
			return a.CriticalityEffective > b.CriticalityEffective
		}
		return a.Repo < b.Repo
	})
	for i := range r.Rows {
		r.Rows[i].Rank = i + 1
	}
	return r
}
