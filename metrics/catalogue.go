// Package metrics exports fundwatch's snapshot and self-metrics in the
// Prometheus format. Every metric family is declared once in the catalogue
// below: the exporter builds its descriptors from it and the README's
// metric list is generated from it (a test keeps the two equal).
package metrics

import (
	"fmt"
	"sort"
	"strings"

	"github.com/prometheus/client_golang/prometheus"
)

// Subject groups metric families in the docs.
type Subject string

// Subjects, in documentation order.
const (
	SubjectRepo   Subject = "Repository"
	SubjectWork   Subject = "Activity"
	SubjectPeople Subject = "Who does the work"
	SubjectHealth Subject = "Responsiveness, releases, lifecycle"
	SubjectRisk   Subject = "Drift risk"
	SubjectMoney  Subject = "Money and criticality"
	SubjectData   Subject = "Data freshness"
	SubjectSelf   Subject = "Collection (self-metrics)"
	SubjectBuild  Subject = "Build"
)

// Family declares one metric family.
type Family struct {
	Name    string
	Help    string
	Type    prometheus.ValueType // GaugeValue or CounterValue; histograms below
	Labels  []string
	Subject Subject
	// Histogram marks families exported as histograms.
	Histogram bool
	// OptIn families are served only when the user opts in to them
	// (web.metric_opt_in, --metric-opt-in-list): the per-repository
	// detail whose series multiply with windows, classes, inputs and
	// collectors. Every alert and the overview, triage and collectors
	// dashboards work without them (a test checks), as with
	// kube-state-metrics' opt-in families.
	OptIn bool
	// Only keeps, by default, just the series whose value of a label is
	// listed (paid_ratio of the year and the baseline); opting in to the
	// family serves all of them.
	Only map[string][]string
	// PerRepo, when set, serves by default at most this many series of
	// the family per repository, the first rendered (employer exits come
	// largest baseline share first): a repository's story must not be
	// able to break the cardinality budget. Opting in serves them all.
	PerRepo int
}

func (f Family) typeName() string {
	switch {
	case f.Histogram:
		return "histogram"
	case f.Type == prometheus.CounterValue:
		return "counter"
	default:
		return "gauge"
	}
}

func (f Family) desc() *prometheus.Desc {
	return prometheus.NewDesc(f.Name, f.Help, f.Labels, nil)
}

// The catalogue. Per-repo families carry a "repo" label whose values come
// only from the watch list, so cardinality is bounded by configuration.
var (
	repoInfo = Family{Name: "fundwatch_repo_info", Type: prometheus.GaugeValue, Subject: SubjectRepo,
		Labels: []string{"repo", "tier", "owner"},
		Help:   "Watched repository (always 1), with the tier and owning team the watch list declares."}
	repoStars = Family{Name: "fundwatch_repo_stars", Type: prometheus.GaugeValue, Subject: SubjectRepo, OptIn: true,
		Labels: []string{"repo"}, Help: "Stargazers of the repository."}
	repoForks = Family{Name: "fundwatch_repo_forks", Type: prometheus.GaugeValue, Subject: SubjectRepo, OptIn: true,
		Labels: []string{"repo"}, Help: "Forks of the repository."}
	repoOpenIssues = Family{Name: "fundwatch_repo_open_issues", Type: prometheus.GaugeValue, Subject: SubjectRepo, OptIn: true,
		Labels: []string{"repo"}, Help: "Open issues and pull requests, as GitHub counts them (open_issues_count)."}
	repoArchived = Family{Name: "fundwatch_repo_archived", Type: prometheus.GaugeValue, Subject: SubjectRepo, OptIn: true,
		Labels: []string{"repo"}, Help: "1 if the repository is archived on GitHub, else 0."}
	repoPushed = Family{Name: "fundwatch_repo_pushed_timestamp_seconds", Type: prometheus.GaugeValue, Subject: SubjectRepo, OptIn: true,
		Labels: []string{"repo"}, Help: "Time of the last push to any branch of the repository, as GitHub reports it."}
	repoLastCommit = Family{Name: "fundwatch_repo_last_commit_timestamp_seconds", Type: prometheus.GaugeValue, Subject: SubjectWork, OptIn: true,
		Labels: []string{"repo"}, Help: "Author time of the newest commit on the default branch. Absent until history is collected or when the repository has no commits."}
	repoCommits = Family{Name: "fundwatch_repo_commits", Type: prometheus.GaugeValue, Subject: SubjectWork, OptIn: true,
		Labels: []string{"repo", "window"}, Help: "Commits on the default branch authored in the window, bots included (recent, year: trailing windows.recent and windows.year, 90 and 365 days by default; baseline: the windows.baseline before the year)."}
	repoAuthors = Family{Name: "fundwatch_repo_authors", Type: prometheus.GaugeValue, Subject: SubjectWork, OptIn: true,
		Labels: []string{"repo", "window"}, Help: "Distinct human commit authors in the window, after merging each person's e-mails and logins."}
	classCommits = Family{Name: "fundwatch_repo_class_commits", Type: prometheus.GaugeValue, Subject: SubjectPeople, OptIn: true,
		Labels: []string{"repo", "window", "class"}, Help: "Commits in the window by class of author: paid (employer known), volunteer, unknown, bot."}
	classPeople = Family{Name: "fundwatch_repo_class_contributors", Type: prometheus.GaugeValue, Subject: SubjectPeople, OptIn: true,
		Labels: []string{"repo", "window", "class"}, Help: "Distinct people (or bots) committing in the window, by class."}
	paidRatio = Family{Name: "fundwatch_repo_paid_ratio", Type: prometheus.GaugeValue, Subject: SubjectPeople,
		Only:   map[string][]string{"window": {"year", "baseline"}},
		Labels: []string{"repo", "window"}, Help: "Share of human commits in the window whose author's employer is known. Absent without human commits."}
	workingHours = Family{Name: "fundwatch_repo_office_time_ratio", Type: prometheus.GaugeValue, Subject: SubjectPeople, OptIn: true,
		Labels: []string{"repo", "window"}, Help: "Independent estimate: share of human commits authored Mon-Fri 09-17 in the author's own UTC offset. Absent when offsets are unknown (REST data)."}
	employerShare = Family{Name: "fundwatch_repo_employer_share_ratio", Type: prometheus.GaugeValue, Subject: SubjectPeople, OptIn: true,
		Labels: []string{"repo", "window", "employer"}, Help: "Share of the window's human commits paid by each employer (top employers per repository, the rest as \"other\")."}
	busFactor = Family{Name: "fundwatch_repo_bus_factor", Type: prometheus.GaugeValue, Subject: SubjectPeople,
		Only:   map[string][]string{"window": {"year"}},
		Labels: []string{"repo", "window"}, Help: "Contributor absence factor (CHAOSS): fewest people covering 50% of the window's human commits."}
	elephantFactor = Family{Name: "fundwatch_repo_elephant_factor", Type: prometheus.GaugeValue, Subject: SubjectPeople, OptIn: true,
		Labels: []string{"repo", "window"}, Help: "Elephant factor (CHAOSS): fewest organisations covering 50% of the window's human commits; a person without employer counts as their own."}
	exits = Family{Name: "fundwatch_repo_employer_exits", Type: prometheus.GaugeValue, Subject: SubjectPeople,
		Labels: []string{"repo"}, Help: "Employers that carried a large share of the baseline year's work and have left (with their people). Absent when the baseline is too small to judge."}
	exitBaseline = Family{PerRepo: 1, Name: "fundwatch_repo_employer_exit_baseline_share_ratio", Type: prometheus.GaugeValue, Subject: SubjectPeople,
		Labels: []string{"repo", "employer"}, Help: "For each employer exit (by default the one of the largest baseline share; fundwatch_repo_employer_exits counts them all): the employer's share of human commits in the baseline year."}
	exitRecent = Family{PerRepo: 1, Name: "fundwatch_repo_employer_exit_recent_share_ratio", Type: prometheus.GaugeValue, Subject: SubjectPeople,
		Labels: []string{"repo", "employer"}, Help: "For each employer exit (by default the one of the largest baseline share; fundwatch_repo_employer_exits counts them all): the employer's share of human commits in the recent window."}
	exitLast = Family{PerRepo: 1, Name: "fundwatch_repo_employer_exit_last_active_timestamp_seconds", Type: prometheus.GaugeValue, Subject: SubjectPeople,
		Labels: []string{"repo", "employer"}, Help: "For each employer exit (by default the one of the largest baseline share; fundwatch_repo_employer_exits counts them all): when the employer's people last committed."}
	handover = Family{Name: "fundwatch_repo_handover", Type: prometheus.GaugeValue, Subject: SubjectPeople,
		Labels: []string{"repo"}, Help: "1 if a newcomer took over most of the work from the previous dominant maintainer within about a year, else 0."}
	handoverFirst = Family{Name: "fundwatch_repo_handover_newcomer_first_commit_timestamp_seconds", Type: prometheus.GaugeValue, Subject: SubjectPeople,
		Labels: []string{"repo"}, Help: "For a handover: the newcomer's first commit."}
	firstResponse = Family{Name: "fundwatch_repo_first_response_seconds", Type: prometheus.GaugeValue, Subject: SubjectHealth,
		Only:   map[string][]string{"window": {"recent"}, "kind": {"issue"}},
		Labels: []string{"repo", "window", "kind"}, Help: "Median time to first response by someone other than the author and not a bot, on issues (kind=issue) or pull requests (kind=pull) opened in the window; a lower bound when most are unanswered."}
	unanswered = Family{Name: "fundwatch_repo_unanswered_ratio", Type: prometheus.GaugeValue, Subject: SubjectHealth, OptIn: true,
		Labels: []string{"repo", "window"}, Help: "Share of issues opened in the window (older than a grace period) with no response yet."}
	backlog = Family{Name: "fundwatch_repo_backlog", Type: prometheus.GaugeValue, Subject: SubjectHealth, OptIn: true,
		Labels: []string{"repo"}, Help: "Open issues and pull requests, computed from the collected issues."}
	backlogGrowth = Family{Name: "fundwatch_repo_backlog_growth_ratio", Type: prometheus.GaugeValue, Subject: SubjectHealth, OptIn: true,
		Labels: []string{"repo", "window"}, Help: "Relative growth of the open backlog over the window."}
	mergeLatency = Family{Name: "fundwatch_repo_pull_merge_seconds", Type: prometheus.GaugeValue, Subject: SubjectHealth, OptIn: true,
		Labels: []string{"repo", "window"}, Help: "Median time from opening to merge of pull requests merged in the window."}
	releases = Family{Name: "fundwatch_repo_releases", Type: prometheus.GaugeValue, Subject: SubjectHealth, OptIn: true,
		Labels: []string{"repo", "window"}, Help: "Releases published in the window (drafts excluded)."}
	lastRelease = Family{Name: "fundwatch_repo_last_release_timestamp_seconds", Type: prometheus.GaugeValue, Subject: SubjectHealth,
		Labels: []string{"repo"}, Help: "When the newest release was published."}
	lifecycle = Family{Name: "fundwatch_repo_lifecycle", Type: prometheus.GaugeValue, Subject: SubjectHealth,
		Labels: []string{"repo", "state"}, Help: "1 for the repository's lifecycle state (active, stable, declining, inert, abandoned, archived); the other states are absent, not 0 (five series a repository saved)."}
	riskScore = Family{Name: "fundwatch_repo_drift_risk_score", Type: prometheus.GaugeValue, Subject: SubjectRisk,
		Labels: []string{"repo"}, Help: "Drift risk 0..1: 1 - product of (1 - weight) over the reasons that hold."}
	riskReason = Family{Name: "fundwatch_repo_drift_reason", Type: prometheus.GaugeValue, Subject: SubjectRisk,
		Labels: []string{"repo", "reason"}, Help: "1 if the reason raises the repository's drift risk, 0 if it does not; absent when it could not be evaluated."}
	signalAvailable = Family{Name: "fundwatch_repo_signal_available", Type: prometheus.GaugeValue, Subject: SubjectRisk, OptIn: true,
		Labels: []string{"repo", "signal"}, Help: "1 if the signal could be computed from the collected data, 0 if not (its series are then absent, never zero)."}
	critScore = Family{Name: "fundwatch_repo_criticality_score", Type: prometheus.GaugeValue, Subject: SubjectMoney,
		Labels: []string{"repo"}, Help: "OpenSSF criticality score 0..1 (criticality_score v2, original_pike.yml) over the inputs fundwatch collects; missing inputs are left out of the mean, see fundwatch_repo_criticality_input."}
	critInput = Family{Name: "fundwatch_repo_criticality_input", Type: prometheus.GaugeValue, Subject: SubjectMoney, OptIn: true,
		Labels: []string{"repo", "input"}, Help: "Each criticality score input fundwatch could compute (created_since, updated_since in months; counts; frequencies); absent inputs were missing."}
	fundingGap = Family{Name: "fundwatch_repo_funding_gap_score", Type: prometheus.GaugeValue, Subject: SubjectMoney,
		Labels: []string{"repo"}, Help: "Grant-triage ranking score 0..1: criticality (declared tier, else OpenSSF) x need (drift risk) x (1 - visible funding level)."}
	fundingLevel = Family{Name: "fundwatch_repo_funding_level_ratio", Type: prometheus.GaugeValue, Subject: SubjectMoney,
		Labels: []string{"repo"}, Help: "Visible funding 0..1: the strongest of the recent paid share of work, GitHub sponsors and the last year's grants. Absent when none of them is known."}
	sponsorsCount = Family{Name: "fundwatch_repo_sponsors", Type: prometheus.GaugeValue, Subject: SubjectMoney,
		Labels: []string{"repo"}, Help: "GitHub sponsors (public and private) of the owner, the maintainers and the FUNDING.yml accounts with a Sponsors listing. Absent until the sponsors collector ran."}
	sponsorAccounts = Family{Name: "fundwatch_repo_sponsor_accounts", Type: prometheus.GaugeValue, Subject: SubjectMoney, OptIn: true,
		Labels: []string{"repo"}, Help: "Of the owner, the maintainers and the FUNDING.yml accounts, how many have a GitHub Sponsors listing."}
	fundingPlatform = Family{Name: "fundwatch_repo_funding_platform", Type: prometheus.GaugeValue, Subject: SubjectMoney, OptIn: true,
		Labels: []string{"repo", "platform"}, Help: "1 for each funding platform the repository's FUNDING.yml names with a valid account (github, patreon, open_collective, ...)."}
	fundingFileOK = Family{Name: "fundwatch_repo_funding_file_valid", Type: prometheus.GaugeValue, Subject: SubjectMoney, OptIn: true,
		Labels: []string{"repo"}, Help: "1 if the repository's .github/FUNDING.yml parses, 0 if it is malformed; absent when there is none."}
	fundingFileProblems = Family{Name: "fundwatch_repo_funding_file_problems", Type: prometheus.GaugeValue, Subject: SubjectMoney, OptIn: true,
		Labels: []string{"repo"}, Help: "Entries of FUNDING.yml GitHub would reject (unknown platform, too many accounts, malformed value)."}
	grantsUSD = Family{Name: "fundwatch_repo_grants_usd", Type: prometheus.GaugeValue, Subject: SubjectMoney, OptIn: true,
		Labels: []string{"repo", "window"}, Help: "Grants received in the window, in US dollars, from the user's grants file."}
	repoCommitsAvailable = Family{Name: "fundwatch_repo_commits_available", Type: prometheus.GaugeValue, Subject: SubjectWork, OptIn: true,
		Labels: []string{"repo"}, Help: "1 once the repository's commit history has been collected completely at least once, else 0; commit signals are absent while 0."}
	repoLastSuccess = Family{Name: "fundwatch_repo_last_success_timestamp_seconds", Type: prometheus.GaugeValue, Subject: SubjectData, OptIn: true,
		Labels: []string{"repo", "collector"}, Help: "When the collector last refreshed the repository successfully: the age of its data is time() minus this."}
	repoGone = Family{Name: "fundwatch_repo_gone", Type: prometheus.GaugeValue, Subject: SubjectRepo, OptIn: true,
		Labels: []string{"repo", "reason"}, Help: "1 if GitHub no longer serves the repository: reason not_found (404: deleted, or private) or blocked (451), else 0; its last collected values stay exported, as of when it went. Absent until a collector tried it."}
	repoRenamed = Family{Name: "fundwatch_repo_renamed_info", Type: prometheus.GaugeValue, Subject: SubjectRepo,
		Labels: []string{"repo", "new_name"}, Help: "The watched name redirects to new_name (renamed or transferred): fundwatch follows it and keeps reporting under the watched name (always 1)."}
	repoLastAttemptOK = Family{Name: "fundwatch_repo_last_attempt_success", Type: prometheus.GaugeValue, Subject: SubjectData, OptIn: true,
		Labels: []string{"repo", "collector"}, Help: "1 if the collector's last attempt on the repository succeeded, 0 if it failed (values stay at their last good level)."}
	repoOldestSuccess = Family{Name: "fundwatch_repo_oldest_success_timestamp_seconds", Type: prometheus.GaugeValue, Subject: SubjectData,
		Labels: []string{"repo"}, Help: "The oldest of the collectors' last successful refreshes of the repository: the age of its stalest data is time() minus this (per collector: fundwatch_repo_last_success_timestamp_seconds, opt-in)."}
	collectorFailing = Family{Name: "fundwatch_collector_failing_repos", Type: prometheus.GaugeValue, Subject: SubjectData,
		Labels: []string{"collector"}, Help: "Repositories whose latest attempt by the collector failed (their signals keep their last good values): the per-repository fundwatch_repo_last_attempt_success summed, in one series per collector."}
	collectorOldest = Family{Name: "fundwatch_collector_oldest_success_timestamp_seconds", Type: prometheus.GaugeValue, Subject: SubjectData,
		Labels: []string{"collector"}, Help: "The oldest of the collector's last successful refreshes over the watched repositories: time() minus this is the age of its stalest data."}
	ecoClassCommits = Family{Name: "fundwatch_class_commits", Type: prometheus.GaugeValue, Subject: SubjectPeople,
		Labels: []string{"window", "class"}, Help: "Commits in the window by class of author summed over the watched repositories whose affiliation is known (bots over all): the ecosystem's paid, volunteer and unknown work in twelve series, whatever the number of repositories."}

	snapshotTime = Family{Name: "fundwatch_snapshot_timestamp_seconds", Type: prometheus.GaugeValue, Subject: SubjectData,
		Help: "The instant the exported signals were computed as of."}
	snapshotDuration = Family{Name: "fundwatch_snapshot_duration_seconds", Type: prometheus.GaugeValue, Subject: SubjectData,
		Help: "How long computing the latest snapshot took."}
	snapshotDropped = Family{Name: "fundwatch_snapshot_series_dropped", Type: prometheus.GaugeValue, Subject: SubjectData,
		Help: "Series of the latest snapshot left out of /metrics because they could not be written (the same series rendered twice, a bug); every other series is served. Should be 0: the log names the first few."}
	snapshotRepaired = Family{Name: "fundwatch_snapshot_label_values_repaired", Type: prometheus.GaugeValue, Subject: SubjectData,
		Help: "Label values of the latest snapshot repaired to be exported: bytes that are not UTF-8 replaced by U+FFFD, values over 1024 bytes cut. Their series are served with the repaired value."}
	watchedRepos = Family{Name: "fundwatch_watched_repos", Type: prometheus.GaugeValue, Subject: SubjectData,
		Help: "Repositories in the watch list."}
	watchUnmapped = Family{Name: "fundwatch_watch_unmapped", Type: prometheus.GaugeValue, Subject: SubjectData,
		Labels: []string{"source"}, Help: "Dependencies a watch-list source (kind:file) lists that map to no GitHub repository, so are not watched."}
	watchUnmappedInfo = Family{Name: "fundwatch_watch_unmapped_info", Type: prometheus.GaugeValue, Subject: SubjectData,
		Labels: []string{"source", "dependency"}, Help: "A dependency of a watch-list source that maps to no GitHub repository (always 1). At most 50 per source (the first by name); fundwatch_watch_unmapped has the full count."}
	lastRunSuccess = Family{Name: "fundwatch_collector_last_run_success", Type: prometheus.GaugeValue, Subject: SubjectSelf,
		Labels: []string{"collector"}, Help: "1 if the collector's latest run (as stored, so it survives restarts) had no failures, else 0."}
	lastRunTime = Family{Name: "fundwatch_collector_last_run_timestamp_seconds", Type: prometheus.GaugeValue, Subject: SubjectSelf,
		Labels: []string{"collector"}, Help: "When the collector's latest run (as stored) finished."}

	runsTotal = Family{Name: "fundwatch_collector_runs_total", Type: prometheus.CounterValue, Subject: SubjectSelf,
		Labels: []string{"collector"}, Help: "Collector runs completed by this process."}
	runErrorsTotal = Family{Name: "fundwatch_collector_run_errors_total", Type: prometheus.CounterValue, Subject: SubjectSelf,
		Labels: []string{"collector"}, Help: "Collector runs in which at least one repository (or account) failed."}
	runSkippedTotal = Family{Name: "fundwatch_collector_runs_skipped_total", Type: prometheus.CounterValue, Subject: SubjectSelf,
		Labels: []string{"collector"}, Help: "Scheduled runs skipped because the previous run of the same collector was still going."}
	itemErrorsTotal = Family{Name: "fundwatch_collector_failures_total", Type: prometheus.CounterValue, Subject: SubjectSelf,
		Labels: []string{"collector"}, Help: "Repositories (or accounts) whose refresh failed, summed over runs."}
	runDuration = Family{Name: "fundwatch_collector_duration_seconds", Histogram: true, Subject: SubjectSelf,
		Labels: []string{"collector"}, Help: "Duration of collector runs."}
	lastSuccess = Family{Name: "fundwatch_collector_last_success_timestamp_seconds", Type: prometheus.GaugeValue, Subject: SubjectSelf,
		Labels: []string{"collector"}, Help: "When the collector last completed a run with no failures, in this process."}
	running = Family{Name: "fundwatch_collector_running", Type: prometheus.GaugeValue, Subject: SubjectSelf,
		Labels: []string{"collector"}, Help: "1 while the collector is running."}
	ghRequests = Family{Name: "fundwatch_github_requests_total", Type: prometheus.CounterValue, Subject: SubjectSelf,
		Labels: []string{"route", "status"}, Help: "HTTP requests to the GitHub API by templated route and status code (0 = no response)."}
	ghRequestDuration = Family{Name: "fundwatch_github_request_duration_seconds", Histogram: true, Subject: SubjectSelf,
		Labels: []string{"route"}, Help: "Latency of GitHub API requests."}
	ghGraphQLPoints = Family{Name: "fundwatch_github_graphql_points_total", Type: prometheus.CounterValue, Subject: SubjectSelf,
		Help: "GraphQL rate-limit points spent, as each query's own rateLimit { cost } reports them."}
	ghLimit = Family{Name: "fundwatch_github_rate_limit", Type: prometheus.GaugeValue, Subject: SubjectSelf,
		Labels: []string{"resource"}, Help: "GitHub's rate limit per window for the resource (core, graphql, search, ...; a name GitHub does not document is \"other\"), from the latest responses, summed over the credentials (tokens of one user counted once)."}
	ghRemaining = Family{Name: "fundwatch_github_rate_limit_remaining", Type: prometheus.GaugeValue, Subject: SubjectSelf,
		Labels: []string{"resource"}, Help: "Requests (or points) left in the current rate-limit windows, from the latest responses, summed over the credentials."}
	ghReset = Family{Name: "fundwatch_github_rate_limit_reset_timestamp_seconds", Type: prometheus.GaugeValue, Subject: SubjectSelf,
		Labels: []string{"resource"}, Help: "When the first credential's current rate-limit window resets."}
	ghCredLimit = Family{Name: "fundwatch_github_credential_rate_limit", Type: prometheus.GaugeValue, Subject: SubjectSelf,
		Labels: []string{"resource", "credential"}, Help: "GitHub's rate limit per window for the credential, from its latest response. credential is its configured name (token, token_files[i], installation-ID), never derived from the secret."}
	ghCredRemaining = Family{Name: "fundwatch_github_credential_rate_limit_remaining", Type: prometheus.GaugeValue, Subject: SubjectSelf,
		Labels: []string{"resource", "credential"}, Help: "Requests (or points) left to the credential in its current rate-limit window, from its latest response."}
	ghCredReset = Family{Name: "fundwatch_github_credential_rate_limit_reset_timestamp_seconds", Type: prometheus.GaugeValue, Subject: SubjectSelf,
		Labels: []string{"resource", "credential"}, Help: "When the credential's current rate-limit window resets."}
	ghPacing = Family{Name: "fundwatch_github_pacing_interval_seconds", Type: prometheus.GaugeValue, Subject: SubjectSelf,
		Labels: []string{"resource", "credential"}, Help: "Spacing the pacer imposes between the credential's requests to make what is left above the reserve last until the reset; 0 while more than github.pacing.pace_below of the limit is left."}
	ghSecondary = Family{Name: "fundwatch_github_secondary_limits_total", Type: prometheus.CounterValue, Subject: SubjectSelf,
		Labels: []string{"credential"}, Help: "Secondary rate limits GitHub answered the credential with; it rests for Retry-After while the other credentials go on."}
	ghDeferred = Family{Name: "fundwatch_github_requests_deferred_total", Type: prometheus.CounterValue, Subject: SubjectSelf,
		Labels: []string{"resource"}, Help: "Requests not sent because every credential was spent (at its reserve, or paced further apart than github.pacing.max_wait, with the reset further away): their repositories are left for the next run."}
	gitSyncs = Family{Name: "fundwatch_git_syncs_total", Type: prometheus.CounterValue, Subject: SubjectSelf,
		Labels: []string{"result"}, Help: "Syncs (clone or fetch) of the git mirrors commit history is read from, by result (ok, error); a failed one is tried again with backoff, each try counted."}
	gitSyncDuration = Family{Name: "fundwatch_git_sync_duration_seconds", Histogram: true, Subject: SubjectSelf,
		Help: "Duration of git mirror syncs (clone or fetch)."}
	gitCacheBytes = Family{Name: "fundwatch_git_cache_bytes", Type: prometheus.GaugeValue, Subject: SubjectSelf,
		Help: "Disk space the git mirror cache (collection.git_cache) takes, as du counts it, measured after each commits run and each watch-list resolution (never per scrape); 0 until first measured."}
	gitCacheMirrors = Family{Name: "fundwatch_git_cache_mirrors", Type: prometheus.GaugeValue, Subject: SubjectSelf,
		Help: "Git mirrors in the cache, measured with fundwatch_git_cache_bytes."}
	gitMirrorsRemoved = Family{Name: "fundwatch_git_mirrors_removed_total", Type: prometheus.CounterValue, Subject: SubjectSelf,
		Help: "Git mirrors removed because their repository left this replica's watch list (the log names each, with the bytes freed)."}
	watchResolveOK = Family{Name: "fundwatch_watch_resolve_success", Type: prometheus.GaugeValue, Subject: SubjectSelf,
		Help: "1 if the latest resolution of the watch list (at start, then hourly while serving) worked, else 0: the previous list is still collected and exported, and changes to watched files or organisations are not picked up (the log says why)."}
	watchResolveTime = Family{Name: "fundwatch_watch_last_resolve_success_timestamp_seconds", Type: prometheus.GaugeValue, Subject: SubjectSelf,
		Help: "When the watch list was last resolved successfully, in this process: the list collected and exported is as of then."}
	buildInfo = Family{Name: "fundwatch_build_info", Type: prometheus.GaugeValue, Subject: SubjectBuild,
		Labels: []string{"version", "revision", "branch", "goversion", "goos", "goarch", "tags"},
		Help:   "A metric with a constant '1' value labeled by version, revision, branch, goversion from which fundwatch was built, and the goos and goarch for the build."}
)

// Catalogue lists every family fundwatch exports (besides the standard go_
// and process_ collectors), in documentation order.
func Catalogue() []Family {
	all := []Family{
		repoInfo, repoStars, repoForks, repoOpenIssues, repoArchived, repoPushed, repoGone, repoRenamed,
		repoCommitsAvailable, repoLastCommit, repoCommits, repoAuthors,
		classCommits, classPeople, paidRatio, workingHours, employerShare, busFactor, elephantFactor,
		exits, exitBaseline, exitRecent, exitLast, handover, handoverFirst,
		firstResponse, unanswered, backlog, backlogGrowth, mergeLatency, releases, lastRelease, lifecycle,
		riskScore, riskReason, signalAvailable,
		critScore, critInput, fundingGap, fundingLevel, sponsorsCount, sponsorAccounts, fundingPlatform, fundingFileOK, fundingFileProblems, grantsUSD,
		ecoClassCommits, repoLastSuccess, repoLastAttemptOK, repoOldestSuccess, collectorFailing, collectorOldest, snapshotTime, snapshotDuration, snapshotDropped, snapshotRepaired, watchedRepos, watchUnmapped, watchUnmappedInfo,
		lastRunSuccess, lastRunTime, runsTotal, runErrorsTotal, runSkippedTotal, itemErrorsTotal,
		runDuration, lastSuccess, running, ghRequests, ghRequestDuration, ghGraphQLPoints, ghLimit, ghRemaining, ghReset,
		ghCredLimit, ghCredRemaining, ghCredReset, ghPacing, ghSecondary, ghDeferred, gitSyncs, gitSyncDuration, gitCacheBytes, gitCacheMirrors, gitMirrorsRemoved,
		watchResolveOK, watchResolveTime, buildInfo,
	}
	order := map[Subject]int{SubjectRepo: 0, SubjectWork: 1, SubjectPeople: 2, SubjectHealth: 3, SubjectRisk: 4, SubjectMoney: 5, SubjectData: 6, SubjectSelf: 7, SubjectBuild: 8}
	sort.SliceStable(all, func(i, j int) bool { return order[all[i].Subject] < order[all[j].Subject] })
	return all
}

// served says, for the docs, whether a family is served by default: "yes",
// "opt-in", or the label values served by default ("window=year").
func (f Family) served() string {
	switch {
	case f.OptIn:
		return "opt-in"
	case len(f.Only) > 0:
		var parts []string
		for _, l := range f.Labels {
			if vals, ok := f.Only[l]; ok {
				parts = append(parts, l+"="+strings.Join(vals, "\\|"))
			}
		}
		return strings.Join(parts, ", ") + " (rest opt-in)"
	case f.PerRepo > 0:
		return fmt.Sprintf("the first %d per repository (rest opt-in)", f.PerRepo)
	default:
		return "yes"
	}
}

// Markdown renders the catalogue as the README's metric list.
func Markdown() string {
	var b strings.Builder
	var cur Subject
	for _, f := range Catalogue() {
		if f.Subject != cur {
			if cur != "" {
				b.WriteString("\n")
			}
			cur = f.Subject
			fmt.Fprintf(&b, "#### %s\n\n| metric | type | labels | served | meaning |\n|---|---|---|---|---|\n", cur)
		}
		labels := strings.Join(f.Labels, ", ")
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s | %s |\n", f.Name, f.typeName(), labels, f.served(), strings.ReplaceAll(f.Help, "|", "\\|"))
	}
	return b.String()
}
