package dashboards

import (
	"github.com/grafana/grafana-foundation-sdk/go/common"
	"github.com/grafana/grafana-foundation-sdk/go/dashboard"
)

// overview: the ecosystem at a glance.
func overview() *dashboard.DashboardBuilder {
	d := newDashboard(OverviewUID, "fundwatch: ecosystem overview",
		"Every watched open-source project at once: who pays for the work, which projects drift toward volunteer-only maintenance, and how many are in each lifecycle state.",
		"now-2y", "5m", "overview")

	d.WithRow(row("Watch list"))
	d.WithPanel(statPanel("Watched repositories",
		"Repositories in fundwatch's watch list. Every other panel covers these.",
		"short", 4, 5,
		instantQ("A", `fundwatch_watched_repos`, "watched")).
		ColorMode(common.BigValueColorModeNone))
	d.WithPanel(statPanel("Employer exits",
		"Repositories where an employer that carried at least a fifth of the baseline year's human commits has left with its people. Each one lost paid maintenance; open the triage dashboard to see which.",
		"short", 4, 5,
		instantQ("A", `count(fundwatch_repo_employer_exits > 0) or vector(0)`, "repositories")).
		Thresholds(countThresholds()).ColorMode(common.BigValueColorModeBackground))
	d.WithPanel(statPanel("Maintainer handovers",
		"Repositories where a newcomer took over most of the work from the previous dominant maintainer within about a year. Usually a healthy succession, but worth a look (xz-utils was one too).",
		"short", 4, 5,
		instantQ("A", `count(fundwatch_repo_handover == 1) or vector(0)`, "repositories")).
		Thresholds(countThresholds()).ColorMode(common.BigValueColorModeBackground))
	d.WithPanel(statPanel("Bus factor 1 (last year)",
		"Repositories where a single person made at least half of the last 365 days' human commits (CHAOSS contributor absence factor of 1).",
		"short", 4, 5,
		instantQ("A", `count(fundwatch_repo_drift_reason{reason="bus_factor_one"} == 1) or vector(0)`, "repositories")).
		Thresholds(countThresholds()).ColorMode(common.BigValueColorModeBackground))
	d.WithPanel(statPanel("Ecosystem paid share",
		"Share of all watched repositories' human commits whose author has a known employer, per window: recent (the last 90 days by default), the last year, and the baseline year before that. Falling from baseline to recent means paid work is leaving the ecosystem.",
		"percentunit", 8, 5,
		instantQ("A", `fundwatch:paid_ratio:ecosystem`, "{{window}}")).
		Thresholds(paidThresholds()).Min(0).Max(1).TextMode(common.BigValueTextModeValueAndName))

	d.WithRow(row("Drift"))
	d.WithPanel(barGaugePanel("Top 10 repositories by drift risk",
		"The ten watched repositories most at risk of drifting toward volunteer-only maintenance (0 = no warning sign, 1 = every sign). Click a bar to open the project's drill-down; the triage dashboard explains the score.",
		"none", 12, 10,
		instantQ("A", `topk(10, fundwatch_repo_drift_risk_score)`, "{{repo}}")).
		Min(0).Max(1).Decimals(2).
		Thresholds(riskThresholds()).
		DataLinks([]cogLink{dataLink("Open ${__field.labels.repo}", projectLink("${__field.labels.repo}"))}))
	d.WithPanel(barGaugePanel("Repositories per lifecycle state",
		"How many watched repositories are in each lifecycle state: active, stable (finished, still answered), declining, inert, abandoned (no commits for a year and nobody answers) or archived.",
		"short", 12, 10,
		instantQ("A", `sort_desc(fundwatch:repos:count_by_lifecycle)`, "{{state}}")).
		Min(0).
		DisplayMode(common.BarGaugeDisplayModeBasic).
		Thresholds(thresholds("blue")))

	d.WithRow(row("Who does the work"))
	d.WithPanel(stacked(timeseriesPanel("Commits by class of author (trailing 90 days)",
		"Commits on the default branches of all watched repositories in the trailing 90 days, by class of author: paid (employer known), volunteer, unknown (no affiliation found) and bot. Each point is a 90-day sum, so the curve is smooth; a shrinking paid band means companies are pulling out.",
		"short", 16, 10,
		rangeQ("A", `fundwatch:class_commits:sum{window="recent"}`, "{{class}}"))))
	d.WithPanel(timeseriesPanel("Ecosystem paid share over time",
		"Share of human commits across all watched repositories whose author has a known employer, per window. The recent line reacts first; when it falls below the baseline line, paid maintenance is shrinking.",
		"percentunit", 8, 10,
		rangeQ("A", `fundwatch:paid_ratio:ecosystem`, "{{window}}")).
		Min(0).Max(1))
	return d
}
