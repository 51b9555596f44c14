package dashboards

import (
	"github.com/grafana/grafana-foundation-sdk/go/common"
	"github.com/grafana/grafana-foundation-sdk/go/dashboard"
)

// exprWorkingHours is absent on REST data (see optional).
const exprWorkingHours = `fundwatch_repo_office_time_ratio{repo="$repo"}`

// project: one repository in depth, chosen by the repo variable.
func project() *dashboard.DashboardBuilder {
	d := newDashboard(ProjectUID, "fundwatch: project drill-down",
		"One watched repository in depth: who does the work and who pays for it, over time; how responsive the maintainers are; releases, lifecycle and why its drift risk is what it is.",
		"now-2y", "5m", "project")
	d.WithVariable(dashboard.NewQueryVariableBuilder("repo").
		Label("Repository").
		Description("The watched repository (owner/name).").
		Datasource(ds()).
		Query(dashboard.StringOrMap{String: ptr("label_values(fundwatch_repo_info, repo)")}).
		Definition("label_values(fundwatch_repo_info, repo)").
		Refresh(dashboard.VariableRefreshOnTimeRangeChanged).
		Sort(dashboard.VariableSortAlphabeticalAsc).
		Multi(false).
		IncludeAll(false))

	d.WithRow(row("Summary"))
	d.WithPanel(statPanel("Drift risk",
		"Risk 0..1 that the project drifts toward volunteer-only maintenance: 1 - the product of (1 - weight) over the drift reasons that hold (see Drift reasons). 0 means no warning sign.",
		"none", 4, 5,
		instantQ("A", `fundwatch_repo_drift_risk_score{repo="$repo"}`, "risk")).
		Min(0).Max(1).Decimals(2).Thresholds(riskThresholds()).ColorMode(common.BigValueColorModeBackground))
	d.WithPanel(statPanel("Lifecycle state",
		"The repository's lifecycle state: active, stable (finished but answered), declining, inert, abandoned (no commits for a year and nobody answers) or archived.",
		"none", 4, 5,
		instantQ("A", `max by (state) (fundwatch_repo_lifecycle{repo="$repo"} == 1)`, "{{state}}")).
		TextMode(common.BigValueTextModeName).ColorMode(common.BigValueColorModeNone))
	d.WithPanel(statPanel("Drift reasons",
		"Each drift reason fundwatch evaluates for the repository: HOLDS raises the drift risk, no does not. A reason that could not be evaluated (too little data) is missing.",
		"none", 16, 5,
		instantQ("A", `fundwatch_repo_drift_reason{repo="$repo"}`, "{{reason}}")).
		Mappings(valueText("0", "no", "green", "1", "HOLDS", "red")).
		TextMode(common.BigValueTextModeValueAndName).ColorMode(common.BigValueColorModeValue))

	d.WithRow(row("Who does the work"))
	d.WithPanel(stacked(timeseriesPanel("Commits by class of author (trailing 90 days)",
		"Commits on the default branch in the trailing 90 days by class of author: paid (employer known), volunteer, unknown (no affiliation found) and bot. A shrinking paid band with a growing volunteer band is drift toward volunteer-only maintenance.",
		"short", 12, 9,
		rangeQ("A", `fundwatch_repo_class_commits{repo="$repo", window="recent"}`, "{{class}}"))))
	d.WithPanel(stacked(timeseriesPanel("Employer share of human commits (trailing 365 days)",
		"Share of the last year's human commits paid by each employer (the top employers; the rest as \"other\"). The gap to 100% is volunteer and unknown work. A band that thins out to nothing is an employer leaving.",
		"percentunit", 12, 9,
		rangeQ("A", `fundwatch_repo_employer_share_ratio{repo="$repo", window="year"}`, "{{employer}}"))).
		Min(0).Max(1))
	d.WithPanel(timeseriesPanel("Paid share by window",
		"Share of human commits whose author has a known employer, over the recent window (90 days by default), the last year and the baseline year before it. Recent below baseline means paid work is shrinking.",
		"percentunit", 8, 8,
		rangeQ("A", `fundwatch_repo_paid_ratio{repo="$repo"}`, "{{window}}")).
		Min(0).Max(1))
	d.WithPanel(timeseriesPanel("Working-hours share",
		"Independent estimate of paid work: share of human commits authored Monday to Friday, 09 to 17 in the author's own UTC offset. Needs commit time zones, which history read over git carries; empty when only REST data is available.",
		"percentunit", 8, 8,
		rangeQ("A", exprWorkingHours, "{{window}}")).
		Min(0).Max(1).NoValue("no time zones in the data"))
	d.WithPanel(timeseriesPanel("Bus factor and elephant factor",
		"Bus factor (CHAOSS contributor absence factor): fewest people covering half of the window's human commits. Elephant factor: fewest organisations doing so (a person without employer counts as their own). 1 means one person or one company carries the project.",
		"short", 8, 8,
		rangeQ("A", `fundwatch_repo_bus_factor{repo="$repo", window=~"year|recent"}`, "bus factor {{window}}"),
		rangeQ("B", `fundwatch_repo_elephant_factor{repo="$repo", window=~"year|recent"}`, "elephant factor {{window}}")).
		Min(0).Decimals(0))

	d.WithRow(row("Employer exits and handover"))
	d.WithPanel(statPanel("Employer exits",
		"Employers that carried at least a fifth of the baseline year's human commits and have left with their people. Missing when the baseline year is too small to judge.",
		"short", 4, 6,
		instantQ("A", `fundwatch_repo_employer_exits{repo="$repo"}`, "exits")).
		Thresholds(countThresholds()).ColorMode(common.BigValueColorModeBackground))
	d.WithPanel(mergeTable(tablePanel("Employers that left",
		"For each employer exit: the employer's share of human commits in the baseline year, its share in the last 90 days, and when its people last committed. Empty when no employer left.",
		10, 6,
		tableQ("A", `max by (employer) (fundwatch_repo_employer_exit_baseline_share_ratio{repo="$repo"})`),
		tableQ("B", `max by (employer) (fundwatch_repo_employer_exit_recent_share_ratio{repo="$repo"})`),
		tableQ("C", `max by (employer) (fundwatch_repo_employer_exit_last_active_timestamp_seconds{repo="$repo"}) * 1000`)),
		[]column{
			{field: "employer", name: "Employer"},
			{field: "Value #A", name: "Baseline share", unit: "percentunit"},
			{field: "Value #B", name: "Share, recent", unit: "percentunit"},
			{field: "Value #C", name: "Last active", unit: "dateTimeFromNow"},
		}))
	d.WithPanel(statPanel("Maintainer handover",
		"Whether a newcomer took over most of the work from the previous dominant maintainer within about a year, and when the newcomer first committed. Most handovers are healthy successions; check that release rights moved deliberately.",
		"none", 10, 6,
		instantQ("A", `fundwatch_repo_handover{repo="$repo"}`, "handover"),
		instantQ("B", `fundwatch_repo_handover_newcomer_first_commit_timestamp_seconds{repo="$repo"} * 1000`, "newcomer's first commit")).
		Mappings(valueText("0", "no", "green", "1", "HANDOVER", "orange")).
		OverrideByName("newcomer's first commit", []dashboard.DynamicConfigValue{{Id: "unit", Value: "dateTimeFromNow"}, {Id: "mappings", Value: []any{}}}).
		TextMode(common.BigValueTextModeValueAndName))

	d.WithRow(row("Responsiveness"))
	d.WithPanel(timeseriesPanel("First response by kind (median, issues and pulls opened in 90 days)",
		"Median time until someone other than the author (and not a bot) first responds, on issues and on pull requests opened in the trailing 90 days. A lower bound when most are unanswered. Over two weeks on issues is a drift reason.",
		"s", 8, 8,
		rangeQ("A", `fundwatch_repo_first_response_seconds{repo="$repo", window="recent"}`, "{{kind}}")).
		Min(0))
	d.WithPanel(timeseriesPanel("Unanswered issues",
		"Share of issues opened in the window (and older than a grace period) that nobody but the author has answered yet. Over half is a drift reason.",
		"percentunit", 8, 8,
		rangeQ("A", `fundwatch_repo_unanswered_ratio{repo="$repo"}`, "{{window}}")).
		Min(0).Max(1))
	d.WithPanel(timeseriesPanel("Pull request merge time (median)",
		"Median time from opening to merge of pull requests merged in the window. Rising merge times mean reviews are starved.",
		"s", 8, 8,
		rangeQ("A", `fundwatch_repo_pull_merge_seconds{repo="$repo"}`, "{{window}}")).
		Min(0))
	d.WithPanel(timeseriesPanel("Open backlog",
		"Open issues and pull requests, counted from the collected issues.",
		"short", 12, 8,
		rangeQ("A", `fundwatch_repo_backlog{repo="$repo"}`, "open issues and pulls")).
		Min(0))
	d.WithPanel(timeseriesPanel("Backlog growth",
		"Relative growth of the open backlog over the window: 0.5 means 50% more open issues and pull requests than at the start of the window. Steady growth means maintainers cannot keep up.",
		"percentunit", 12, 8,
		rangeQ("A", `fundwatch_repo_backlog_growth_ratio{repo="$repo"}`, "{{window}}")))

	d.WithRow(row("Releases"))
	d.WithPanel(statPanel("Releases in the last year",
		"Releases published in the last 365 days (drafts excluded). None for a long time is a drift reason (release drought) unless the project is finished.",
		"short", 6, 6,
		instantQ("A", `fundwatch_repo_releases{repo="$repo", window="year"}`, "releases")).
		Thresholds(thresholds("red", 1, "green")))
	d.WithPanel(statPanel("Last release",
		"When the newest release was published.",
		"dateTimeFromNow", 6, 6,
		instantQ("A", `fundwatch_repo_last_release_timestamp_seconds{repo="$repo"} * 1000`, "last release")).
		ColorMode(common.BigValueColorModeNone))
	d.WithPanel(timeseriesPanel("Releases by window",
		"Releases published in the trailing 90 and 365 days, over time.",
		"short", 12, 6,
		rangeQ("A", `fundwatch_repo_releases{repo="$repo"}`, "{{window}}")).
		Min(0))

	d.WithRow(row("Money and criticality"))
	d.WithPanel(statPanel("Funding gap",
		"The grant-triage ranking score 0..1: criticality (declared tier, else OpenSSF) x need (0.25 + 0.75 x drift risk) x (1 - visible funding level). The higher, the more money or maintainer time would help here.",
		"none", 6, 6,
		instantQ("A", `fundwatch_repo_funding_gap_score{repo="$repo"}`, "funding gap")).
		Min(0).Max(1).Decimals(2).Thresholds(riskThresholds()).ColorMode(common.BigValueColorModeBackground))
	d.WithPanel(statPanel("OpenSSF criticality",
		"The OpenSSF criticality score 0..1 (criticality_score v2, original_pike.yml) over the inputs fundwatch collects; inputs it cannot collect are left out of the mean, not counted as zero.",
		"none", 6, 6,
		instantQ("A", `fundwatch_repo_criticality_score{repo="$repo"}`, "criticality")).
		Min(0).Max(1).Decimals(2).ColorMode(common.BigValueColorModeNone))
	d.WithPanel(statPanel("Visible funding",
		"Funding level 0..1: the strongest of the paid share of the last 90 days' work, GitHub sponsors (of the owner, the maintainers and the FUNDING.yml accounts) and the last year's grants. Sponsors: how many, public and private.",
		"none", 12, 6,
		instantQ("A", `fundwatch_repo_funding_level_ratio{repo="$repo"}`, "funding level"),
		instantQ("B", `fundwatch_repo_sponsors{repo="$repo"}`, "GitHub sponsors"),
		instantQ("C", `fundwatch_repo_sponsor_accounts{repo="$repo"}`, "accounts with a Sponsors listing")).
		TextMode(common.BigValueTextModeValueAndName).ColorMode(common.BigValueColorModeNone))

	d.WithRow(row("Data"))
	d.WithPanel(barGaugePanel("Data age per collector",
		"How long ago each collector last refreshed this repository successfully. Signals keep their last good value when a collection fails, so old data is stale, not wrong; over two days raises FundwatchCollectorStale.",
		"s", 12, 7,
		instantQ("A", `fundwatch:repo_data_age_seconds:since_success{repo="$repo"}`, "{{collector}}")).
		Min(0).Thresholds(thresholds("green", 86400, "orange", 2*86400, "red")))
	d.WithPanel(statPanel("Signals available",
		"Whether each signal could be computed from the collected data. An unavailable signal has no series at all (never zero), so its panels stay empty.",
		"none", 12, 7,
		instantQ("A", `fundwatch_repo_signal_available{repo="$repo"}`, "{{signal}}")).
		Mappings(valueText("0", "unavailable", "text", "1", "available", "green")).
		TextMode(common.BigValueTextModeValueAndName))
	return d
}
