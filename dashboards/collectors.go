package dashboards

import (
	"github.com/grafana/grafana-foundation-sdk/go/common"
	"github.com/grafana/grafana-foundation-sdk/go/dashboard"
)

// collectors: fundwatch's own health.
func collectors() *dashboard.DashboardBuilder {
	d := newDashboard(CollectorsUID, "fundwatch: collector health",
		"Is fundwatch itself healthy? Collector runs and failures, how old each repository's data is, GitHub API usage and rate limits, and the snapshot the exporter serves.",
		"now-24h", "1m", "collectors")

	d.WithRow(row("Exporter"))
	d.WithPanel(statPanel("Exporter up",
		"Whether Prometheus can scrape each fundwatch instance (the up metric of jobs named fundwatch*). DOWN for ten minutes raises FundwatchDown.",
		"none", 4, 5,
		instantQ("A", `up{job=~"fundwatch.*"}`, "{{instance}}")).
		Mappings(valueText("0", "DOWN", "red", "1", "UP", "green")).
		ColorMode(common.BigValueColorModeBackground))
	d.WithPanel(statPanel("Version",
		"The fundwatch version and revision each instance was built from.",
		"none", 4, 5,
		instantQ("A", `fundwatch_build_info`, "{{version}} ({{revision}})")).
		TextMode(common.BigValueTextModeName).ColorMode(common.BigValueColorModeNone))
	d.WithPanel(statPanel("Snapshot age",
		"How old the snapshot of signals that /metrics serves is: time since it was computed. It is recomputed after collections, so it should stay below the shortest collector schedule.",
		"s", 4, 5,
		instantQ("A", `time() - fundwatch_snapshot_timestamp_seconds`, "{{instance}}")).
		Thresholds(thresholds("green", 6*3600, "orange", 86400, "red")))
	d.WithPanel(statPanel("Snapshot duration",
		"How long computing the latest snapshot took (analysis of every repository's stored data; no API calls).",
		"s", 4, 5,
		instantQ("A", `fundwatch_snapshot_duration_seconds`, "{{instance}}")).
		ColorMode(common.BigValueColorModeNone))
	d.WithPanel(statPanel("Repositories whose last attempt failed",
		"Per collector, how many repositories' latest refresh attempt failed. Their signals keep their last good values; see the data-age panels for how old those get.",
		"short", 8, 5,
		instantQ("A", `fundwatch_collector_failing_repos`, "{{collector}}")).
		Thresholds(countThresholds()).TextMode(common.BigValueTextModeValueAndName))

	d.WithRow(row("Collectors"))
	d.WithPanel(statPanel("Last run",
		"Whether each collector's latest run (as stored, so it survives restarts) refreshed every repository without failure.",
		"none", 12, 5,
		instantQ("A", `fundwatch_collector_last_run_success`, "{{collector}}")).
		Mappings(valueText("0", "FAILED", "red", "1", "OK", "green")).
		TextMode(common.BigValueTextModeValueAndName).ColorMode(common.BigValueColorModeBackground))
	d.WithPanel(statPanel("Last run finished",
		"When each collector's latest run (as stored) finished. Compare with its schedule in the configuration.",
		"dateTimeFromNow", 12, 5,
		instantQ("A", `fundwatch_collector_last_run_timestamp_seconds * 1000`, "{{collector}}")).
		TextMode(common.BigValueTextModeValueAndName).ColorMode(common.BigValueColorModeNone))
	d.WithPanel(timeseriesPanel("Collector runs",
		"Collector runs completed per hour, by collector (rate of fundwatch_collector_runs_total). Most collectors run on hourly or daily schedules, so expect low, steady values.",
		"short", 8, 8,
		rangeQ("A", `sum by (collector) (rate(fundwatch_collector_runs_total[$__rate_interval])) * 3600`, "{{collector}}")).
		Min(0).AxisLabel("runs / hour"))
	d.WithPanel(timeseriesPanel("Collector errors",
		"Per hour and collector: runs in which at least one repository (or account) failed, repositories whose refresh failed, and scheduled runs skipped because the previous run was still going. All should be zero.",
		"short", 8, 8,
		rangeQ("A", `sum by (collector) (rate(fundwatch_collector_run_errors_total[$__rate_interval])) * 3600`, "failed runs {{collector}}"),
		rangeQ("B", `sum by (collector) (rate(fundwatch_collector_failures_total[$__rate_interval])) * 3600`, "failed repositories {{collector}}"),
		rangeQ("C", `sum by (collector) (rate(fundwatch_collector_runs_skipped_total[$__rate_interval])) * 3600`, "skipped runs {{collector}}")).
		Min(0).AxisLabel("per hour"))
	d.WithPanel(timeseriesPanel("Run duration (since start)",
		"Median and 90th percentile duration of each collector's runs since the process started, from the fundwatch_collector_duration_seconds histogram. Runs are too rare for a windowed rate, so this is cumulative; a long run may hit the next schedule and be skipped.",
		"s", 8, 8,
		rangeQ("A", `histogram_quantile(0.5, sum by (collector, le) (fundwatch_collector_duration_seconds_bucket))`, "p50 {{collector}}"),
		rangeQ("B", `histogram_quantile(0.9, sum by (collector, le) (fundwatch_collector_duration_seconds_bucket))`, "p90 {{collector}}")).
		Min(0))
	d.WithPanel(timeseriesPanel("Collectors running",
		"1 while a collector is running. A collector that stays at 1 for hours is stuck or very slow.",
		"none", 24, 6,
		rangeQ("A", `fundwatch_collector_running`, "{{collector}}")).
		Min(0).Max(1).Decimals(0))

	d.WithRow(row("Data age"))
	d.WithPanel(timeseriesPanel("Oldest data per collector",
		"For each collector, the age of the stalest repository's data: time since the collector last refreshed it successfully. A sawtooth is normal; steady growth means refreshes fail. Over two days raises FundwatchCollectorStale.",
		"s", 12, 9,
		rangeQ("A", `time() - fundwatch_collector_oldest_success_timestamp_seconds`, "{{collector}}")).
		Min(0))
	d.WithPanel(mergeTable(tablePanel("Data age per repository",
		"Time since each repository's stalest data was refreshed (the oldest of its collectors' last successes). Sort by age to find the stalest; which collector is behind is in the opt-in per-collector families (fundwatch_repo_last_success_timestamp_seconds, fundwatch_repo_last_attempt_success).",
		12, 9,
		tableQ("A", `max by (repo) (fundwatch:repo_data_age_seconds:since_success)`)).
		SortBy([]cogSort{common.NewTableSortByFieldStateBuilder().DisplayName("Data age").Desc(true)}),
		[]column{
			{field: "repo", name: "Repository", props: linkToProject()},
			{field: "Value", name: "Data age", unit: "s", props: colorCells(thresholds("green", 86400, "orange", 2*86400, "red"))},
		}))

	d.WithRow(row("GitHub API"))
	d.WithPanel(timeseriesPanel("GitHub requests by route and status",
		"Requests per second to the GitHub API by templated route and HTTP status (0 = no response). 4xx and 5xx other than an occasional 404 need a look; 403 and 429 mean rate limiting.",
		"reqps", 12, 9,
		rangeQ("A", `sum by (route, status) (rate(fundwatch_github_requests_total[$__rate_interval]))`, "{{status}} {{route}}")).
		Min(0))
	d.WithPanel(timeseriesPanel("GitHub request latency (p90)",
		"90th percentile latency of GitHub API requests by route, over the rate interval. Gaps are periods without requests.",
		"s", 12, 9,
		rangeQ("A", `histogram_quantile(0.9, sum by (route, le) (rate(fundwatch_github_request_duration_seconds_bucket[$__rate_interval])))`, "{{route}}")).
		Min(0))
	d.WithPanel(timeseriesPanel("Rate limit remaining vs limit",
		"Requests (or GraphQL points) left in the current rate-limit window, against the window's limit, per resource (core, graphql, search). Under 10% for 15 minutes raises FundwatchGitHubRateLimitLow.",
		"short", 8, 8,
		rangeQ("A", `fundwatch_github_rate_limit_remaining`, "remaining {{resource}}"),
		rangeQ("B", `fundwatch_github_rate_limit`, "limit {{resource}}")).
		Min(0))
	d.WithPanel(statPanel("Rate limit resets",
		"When each resource's current rate-limit window resets and the budget is full again.",
		"dateTimeFromNow", 8, 8,
		instantQ("A", `fundwatch_github_rate_limit_reset_timestamp_seconds * 1000`, "{{resource}}")).
		TextMode(common.BigValueTextModeValueAndName).ColorMode(common.BigValueColorModeNone))
	d.WithPanel(timeseriesPanel("GraphQL points spent",
		"GraphQL rate-limit points spent per hour, as each query's rateLimit { cost } reports them.",
		"short", 8, 8,
		rangeQ("A", `sum(rate(fundwatch_github_graphql_points_total[$__rate_interval])) * 3600`, "points / hour")).
		Min(0))
	d.WithPanel(timeseriesPanel("Git mirror syncs",
		"Clones and fetches of the git mirrors commit history is read from (no API quota), per hour by result; failed tries are retried with backoff, and a repository whose fetch keeps failing shows in the data age above.",
		"short", 8, 8,
		rangeQ("A", `sum by (result) (rate(fundwatch_git_syncs_total[$__rate_interval])) * 3600`, "{{result}} / hour")).
		Min(0))
	d.WithPanel(timeseriesPanel("Git mirror sync latency (p90)",
		"90th percentile of the duration of a clone or fetch.",
		"s", 8, 8,
		rangeQ("A", `histogram_quantile(0.9, sum by (le) (rate(fundwatch_git_sync_duration_seconds_bucket[$__rate_interval])))`, "p90")).
		Min(0))
	d.WithPanel(timeseriesPanel("Git cache on disk",
		"Disk used by the git mirrors (as du counts it), measured after each commits run, and how many mirrors there are. Mirrors of repositories no longer watched are removed when the watch list is resolved again; docs/collection.md gives the expected size per repository.",
		"bytes", 8, 8,
		rangeQ("A", `fundwatch_git_cache_bytes`, "bytes")).
		Min(0))
	d.WithPanel(statPanel("Git mirrors",
		"Mirrors in the cache now, and how many were removed in the last day because their repositories are no longer watched.",
		"short", 8, 8,
		instantQ("A", `fundwatch_git_cache_mirrors`, "mirrors"),
		instantQ("B", `sum(increase(fundwatch_git_mirrors_removed_total[1d]))`, "removed (1d)")).
		TextMode(common.BigValueTextModeValueAndName).ColorMode(common.BigValueColorModeNone))
	return d
}
