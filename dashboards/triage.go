package dashboards

import (
	"github.com/grafana/grafana-foundation-sdk/go/common"
	"github.com/grafana/grafana-foundation-sdk/go/dashboard"
)

// Queries of the triage table. Each one yields at most one row per
// repository with no labels besides repo (and tier, owner, state where
// wanted), so that the merge transformation joins them into one row per
// repository.
const (
	triageRisk      = `max by (repo, tier, owner) (fundwatch:repo_drift_risk_score:with_info)`
	triageReasons   = `sum by (repo) (fundwatch_repo_drift_reason)`
	triageLifecycle = `max by (repo, state) (fundwatch_repo_lifecycle == 1)`
	triagePaid      = `max by (repo) (fundwatch_repo_paid_ratio{window="year"})`
	triagePaidBase  = `max by (repo) (fundwatch_repo_paid_ratio{window="baseline"})`
	triageBus       = `max by (repo) (fundwatch_repo_bus_factor{window="year"})`
	triageExits     = `max by (repo) (fundwatch_repo_employer_exits)`
	triageResponse  = `max by (repo) (fundwatch_repo_first_response_seconds{kind="issue", window="recent"})`
	triageRelease   = `max by (repo) (fundwatch_repo_last_release_timestamp_seconds) * 1000`
	triageGap       = `max by (repo) (fundwatch_repo_funding_gap_score)`
	triageCrit      = `max by (repo) (fundwatch_repo_criticality_score)`
	triageFunding   = `max by (repo) (fundwatch_repo_funding_level_ratio)`
	triageSponsors  = `max by (repo) (fundwatch_repo_sponsors)`
)

// triage: one table of every watched repository, riskiest first.
func triage() *dashboard.DashboardBuilder {
	d := newDashboard(TriageUID, "fundwatch: grant triage",
		"Every watched repository in one table, riskiest first: where would money or maintainer time help most? Click a repository to open its drill-down.",
		"now-2y", "5m", "triage")

	d.WithPanel(mergeTable(tablePanel("Watched repositories by funding gap",
		"One row per watched repository, sorted by funding gap, the grant-triage ranking: criticality (the declared tier, else the OpenSSF criticality score) x need (0.25 + 0.75 x drift risk) x (1 - visible funding level). "+
			"Criticality: the OpenSSF criticality score (criticality_score v2, original_pike.yml) over what fundwatch collects. Funding: the strongest of the recent paid share, GitHub sponsors and the last year's grants, 0..1; Sponsors: GitHub sponsors of the owner, maintainers and FUNDING.yml accounts. "+
			"Drift risk: 0..1, 1 - the product of (1 - weight) over the reasons that hold. "+
			"Reasons: how many drift reasons hold (listed in the next table). Paid share: share of human commits by authors with a known employer, last 365 days vs the baseline year before; a big drop means paid work left. "+
			"Bus factor: fewest people making half of the last year's human commits. Employer exits: employers that carried much of the baseline year and left. "+
			"First response: median time to a first answer on issues opened in the last 90 days. Empty cells mean the signal could not be computed (e.g. no commits in the window). Click a repository to drill down.",
		24, 16,
		tableQ("A", triageRisk),
		tableQ("B", triageReasons),
		tableQ("C", triageLifecycle),
		tableQ("D", triagePaid),
		tableQ("E", triagePaidBase),
		tableQ("F", triageBus),
		tableQ("G", triageExits),
		tableQ("H", triageResponse),
		tableQ("I", triageRelease),
		tableQ("J", triageGap),
		tableQ("K", triageCrit),
		tableQ("L", triageFunding),
		tableQ("M", triageSponsors)).
		SortBy([]cogSort{common.NewTableSortByFieldStateBuilder().DisplayName("Funding gap").Desc(true)}),
		[]column{
			{field: "repo", name: "Repository", props: linkToProject()},
			{field: "Value #J", name: "Funding gap", unit: "none", props: append(colorCells(riskThresholds()),
				dashboard.DynamicConfigValue{Id: "decimals", Value: 2},
				dashboard.DynamicConfigValue{Id: "min", Value: 0},
				dashboard.DynamicConfigValue{Id: "max", Value: 1})},
			{field: "Value #K", name: "Criticality", unit: "none", props: []dashboard.DynamicConfigValue{{Id: "decimals", Value: 2}}},
			{field: "Value #L", name: "Funding", unit: "percentunit", props: colorCells(paidThresholds())},
			{field: "Value #M", name: "Sponsors", unit: "short"},
			{field: "Value #A", name: "Drift risk", unit: "none", props: append(colorCells(riskThresholds()),
				dashboard.DynamicConfigValue{Id: "decimals", Value: 2},
				dashboard.DynamicConfigValue{Id: "min", Value: 0},
				dashboard.DynamicConfigValue{Id: "max", Value: 1})},
			{field: "Value #B", name: "Reasons", unit: "short", props: colorCells(countThresholds())},
			{field: "tier", name: "Tier"},
			{field: "owner", name: "Owner"},
			{field: "state", name: "Lifecycle"},
			{field: "Value #D", name: "Paid share, last year", unit: "percentunit", props: colorCells(paidThresholds())},
			{field: "Value #E", name: "Paid share baseline", unit: "percentunit", props: colorCells(paidThresholds())},
			{field: "Value #F", name: "Bus factor, last year", unit: "short", props: colorCells(busFactorThresholds())},
			{field: "Value #G", name: "Employer exits", unit: "short", props: colorCells(countThresholds())},
			{field: "Value #H", name: "First response (issues, recent)", unit: "s", props: colorCells(thresholds("green", 7*86400, "orange", 14*86400, "red"))},
			{field: "Value #I", name: "Last release", unit: "dateTimeFromNow"},
		},
		"Value #C"))

	d.WithPanel(mergeTable(tablePanel("Drift reasons that hold",
		"Why each repository's drift risk is raised: one row per repository and reason that holds. volunteer_only: at most 10% of the last year's human commits are paid; employer_exit: a major employer left; bus_factor_one: one person does half the work; handover: a newcomer took over; unresponsive: issues wait over 14 days for an answer or mostly go unanswered; declining, abandoned, release_drought, backlog_growth: activity, releases or the open backlog are going the wrong way. Click a repository to drill down.",
		24, 12,
		tableQ("A", `(max by (repo, reason) (fundwatch_repo_drift_reason) == 1) * on (repo) group_left (tier, owner) max by (repo, tier, owner) (fundwatch_repo_info)`)).
		SortBy([]cogSort{common.NewTableSortByFieldStateBuilder().DisplayName("Repository")}),
		[]column{
			{field: "repo", name: "Repository", props: linkToProject()},
			{field: "reason", name: "Reason"},
			{field: "tier", name: "Tier"},
			{field: "owner", name: "Owner"},
		},
		"Value"))
	return d
}
