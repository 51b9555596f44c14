package collectors

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/fundwatch/fundwatch/ghrepo"
	"github.com/fundwatch/fundwatch/store"
)

// ProbeBatch is how many repositories one change-probe query asks about:
// as many as one point buys. GitHub scores a query as its connection
// requests divided by 100, rounded to the nearest, at least 1 (its
// documented examples: 51 requests score 1, 5,101 score 51), and each
// repository costs probeConnections requests (open issues and open pull
// requests, counts only), so 74 repositories (148 requests) score 1
// point: 0.0135 points a repository. The probe runs every hour on every
// repository, so this is most of a day's points (136 of them an hour at
// 10,000 repositories).
const ProbeBatch = (150 - 1) / probeConnections

// probeConnections is the connections the probe's fragment asks about
// per repository; TestProbeCostsOnePointABatch checks it against the
// fake's count, GitHub's formula. Releases are told by latestRelease, an
// object, not a connection: the release count cost a third connection,
// a third of every probe (see the releases collector's fingerprint).
const probeConnections = 2

// DefaultMaxSkip is how long the change probe may keep a repository from a
// detailed refresh when it looks unchanged. The probe does not see
// everything (a comment, an edited issue or release, an issue opened while
// another closed); a daily refresh of every repository, answered with free
// 304s where nothing changed, catches what it misses.
const DefaultMaxSkip = 24 * time.Hour

// DefaultMaxSkipQuiet is the longest a repository that has been quiet for
// a long time goes without a detailed refresh (see forcedRefreshEvery).
const DefaultMaxSkipQuiet = 7 * 24 * time.Hour

// ProbeQuery is the change probe for a batch of n repositories, passed as
// variables $o0, $n0 .. $o{n-1}, $n{n-1} (owner, name). The text depends
// only on n, so a test checks every query the probe can send against
// GitHub's schema.
func ProbeQuery(n int) string { return probeQuery.text(n) }

var probeQuery = batchQuery{
	name: "Probe",
	itemVars: func(i int) []string {
		return []string{fmt.Sprintf("$o%d: String!", i), fmt.Sprintf("$n%d: String!", i)}
	},
	field: func(i int) string {
		return fmt.Sprintf("r%d: repository(owner: $o%d, name: $n%d) { ...probe }", i, i, i)
	},
	fragment: `fragment probe on Repository {
  pushedAt
  updatedAt
  archivedAt
  stargazerCount
  issues(states: OPEN) { totalCount }
  pullRequests(states: OPEN) { totalCount }
  latestRelease { databaseId }
  fundingFile: object(expression: "HEAD:.github/FUNDING.yml") { ... on Blob { oid } }
}
`,
}

// probed is what the probe saw of one repository.
type probed struct {
	PushedAt  *time.Time `json:"pushedAt"` // null for an empty repository
	UpdatedAt time.Time  `json:"updatedAt"`
	// ArchivedAt is when the repository was archived; null when it is not
	// (REST has only the flag: this is the date a past analysis needs).
	ArchivedAt     *time.Time `json:"archivedAt"`
	StargazerCount int        `json:"stargazerCount"`
	Issues         struct {
		TotalCount int `json:"totalCount"`
	} `json:"issues"`
	PullRequests struct {
		TotalCount int `json:"totalCount"`
	} `json:"pullRequests"`
	// LatestRelease is GitHub's latest release (neither draft nor
	// pre-release); null when there is none.
	LatestRelease *struct {
		DatabaseID int64 `json:"databaseId"`
	} `json:"latestRelease"`
	// FundingFile is the blob of .github/FUNDING.yml on the default
	// branch; null when there is none. Its object ID changes exactly
	// when the file does, so the repo collector reads the file only then.
	FundingFile *struct {
		OID string `json:"oid"`
	} `json:"fundingFile"`
}

// fundingMark is the probe-mark fingerprint of the FUNDING.yml the probe
// saw: the blob's object ID, or "none".
func (p probed) fundingMark() string {
	if p.FundingFile == nil || p.FundingFile.OID == "" {
		return "none"
	}
	return "oid=" + p.FundingFile.OID
}

// fingerprint is the part of what the probe saw that the named collector
// depends on (its Spec's fingerprint); a collector without one depends on
// everything the probe sees.
func (p probed) fingerprint(collector string) string {
	if f := registry[collector].spec.fingerprint; f != nil {
		return f(p)
	}
	return "pushed=" + p.pushed() + " updated=" + p.updated() + " stars=" + strconv.Itoa(p.StargazerCount) +
		" open=" + p.open() + " latest=" + p.latest()
}

// The parts of a fingerprint. Open counts move both when an issue or pull
// request is opened and when one is closed or merged; a merge or a new
// commit moves pushedAt; metadata (stars, description, archival) moves
// updatedAt.
func (p probed) pushed() string {
	if p.PushedAt == nil {
		return "-"
	}
	return p.PushedAt.UTC().Format(time.RFC3339)
}

func (p probed) updated() string { return p.UpdatedAt.UTC().Format(time.RFC3339) }

// latest is the latest release's ID, or "-" without one.
func (p probed) latest() string {
	if p.LatestRelease == nil {
		return "-"
	}
	return strconv.FormatInt(p.LatestRelease.DatabaseID, 10)
}

func (p probed) open() string {
	return strconv.Itoa(p.Issues.TotalCount) + "/" + strconv.Itoa(p.PullRequests.TotalCount)
}

// Probe is what one change probe saw of the watch list, given to the
// collectors of a run (shared by the repository collectors of a pass).
// A nil Probe is none: every repository is refreshed.
type Probe struct {
	seen                  map[string]probed // by lower-case watched name; absent: not known (refresh)
	maxSkip, maxSkipQuiet time.Duration
	now                   time.Time // the data's now (Env.Now), to measure quiet time
}

// probeRepos asks GitHub, in one GraphQL query per ProbeBatch
// repositories, what each watched repository looks like now. A repository
// missing from the answer (a failed batch, an error on its alias, a
// repository GitHub does not know) is missing from the result: the
// collectors then refresh it in full, as without a probe. It never makes a
// repository look unchanged that it could not check.
func probeRepos(ctx context.Context, env *Env, repos []ghrepo.Name) (map[string]probed, error) {
	seen := make(map[string]probed, len(repos))
	var errs []error
	for start := 0; start < len(repos); start += ProbeBatch {
		if ctx.Err() != nil {
			errs = append(errs, ctx.Err())
			break
		}
		chunk := repos[start:min(start+ProbeBatch, len(repos))]
		if err := probeBatch(ctx, env, chunk, seen); err != nil {
			env.Log.Warn("change probe batch failed; its repositories are refreshed in full", "repos", len(chunk), "err", err)
			errs = append(errs, err)
		}
	}
	return seen, errors.Join(errs...)
}

func probeBatch(ctx context.Context, env *Env, repos []ghrepo.Name, seen map[string]probed) error {
	vars := make(map[string]any, 2*len(repos))
	for i, r := range repos {
		n := apiName(ctx, env, r)
		vars["o"+strconv.Itoa(i)], vars["n"+strconv.Itoa(i)] = n.Owner, n.Repo
	}
	var data map[string]json.RawMessage
	gerrs, err := env.GH.Query(ctx, "probe", ProbeQuery(len(repos)), vars, &data)
	if err != nil {
		return err
	}
	failed := map[string]bool{}
	for _, e := range gerrs {
		if len(e.Path) == 0 {
			return fmt.Errorf("probe: %w", e)
		}
		alias, _ := e.Path[0].(string)
		failed[alias] = true // NOT_FOUND included: the REST collectors find out why
	}
	for i, r := range repos {
		alias := "r" + strconv.Itoa(i)
		raw, ok := data[alias]
		if failed[alias] || !ok || string(raw) == "null" {
			continue
		}
		var p probed
		if err := json.Unmarshal(raw, &p); err != nil {
			env.Log.Warn("change probe: unreadable answer; refreshing in full", "repo", r.String(), "err", err)
			continue
		}
		seen[strings.ToLower(r.String())] = p
	}
	return nil
}

// probe runs the change probe for a run over repos. A probe that fails
// altogether still returns a result: an empty one, under which every
// repository is refreshed in full.
func (r *Runner) probe(ctx context.Context, repos []ghrepo.Name) *Probe {
	maxSkip, quiet := r.MaxSkip, r.MaxSkipQuiet
	if maxSkip <= 0 {
		maxSkip = DefaultMaxSkip
	}
	if quiet <= 0 {
		quiet = DefaultMaxSkipQuiet
	}
	start := time.Now()
	seen, err := probeRepos(ctx, r.Env, repos)
	if err != nil {
		r.Env.Log.Warn("change probe incomplete; repositories it could not check are refreshed in full",
			"repos", len(repos), "checked", len(seen), "err", err)
	}
	r.Env.Log.Debug("change probe done", "repos", len(repos), "checked", len(seen),
		"duration", time.Since(start).Round(time.Millisecond).String())
	return &Probe{seen: seen, maxSkip: maxSkip, maxSkipQuiet: max(quiet, maxSkip), now: r.Env.now()}
}

// saw returns what the probe of this run saw of repo, if it did.
func (p *Probe) saw(repo ghrepo.Name) (probed, bool) {
	if p == nil {
		return probed{}, false
	}
	v, ok := p.seen[strings.ToLower(repo.String())]
	return v, ok
}

// openSeen is how many issues and pull requests the probe saw open in repo,
// and the data's now when it looked; false when it did not see repo.
func (p *Probe) openSeen(repo ghrepo.Name) (n int, at time.Time, ok bool) {
	v, ok := p.saw(repo)
	if !ok {
		return 0, time.Time{}, false
	}
	return v.Issues.TotalCount + v.PullRequests.TotalCount, p.now, true
}

// probeGated is implemented by collectors that the change probe can spare
// unchanged repositories (the per-repository REST collectors).
type probeGated interface{ probeGated() }

func (perRepo) probeGated() {}

// unchanged reports whether collector can skip repo: the probe saw it,
// with the fingerprint the collector's last successful refresh was made
// under, and that refresh is younger than maxSkip. fp is the fingerprint
// to record after a refresh ("" when the probe did not see the repo).
// marks are collector's marks (see Store.ProbeMarks), read once for a run:
// nil (every repository refreshed) when there is no probe or they cannot
// be read.
func (p *Probe) marks(ctx context.Context, env *Env, collector string) map[string]store.ProbeMark {
	if p == nil {
		return nil
	}
	m, err := env.Store.ProbeMarks(ctx, collector)
	if err != nil {
		env.Log.Warn("reading probe marks; refreshing every repository", "collector", collector, "err", err)
		return nil
	}
	return m
}

func (p *Probe) unchanged(env *Env, marks map[string]store.ProbeMark, repo ghrepo.Name, collector string) (skip bool, fp string) {
	if p == nil {
		return false, ""
	}
	seen, ok := p.seen[strings.ToLower(repo.String())]
	if !ok {
		return false, ""
	}
	fp = seen.fingerprint(collector)
	mark, ok := marks[strings.ToLower(repo.String())]
	if !ok {
		return false, fp
	}
	every := forcedRefreshEvery(repo, seen.lastChange(), p.now, p.maxSkip, p.maxSkipQuiet)
	return mark.Fingerprint == fp && env.clock().Sub(mark.RefreshedAt) < every, fp
}

// lastChange is the last time the probe knows the repository changed: its
// last push or metadata update.
func (p probed) lastChange() time.Time {
	if p.PushedAt != nil && p.PushedAt.After(p.UpdatedAt) {
		return *p.PushedAt
	}
	return p.UpdatedAt
}

// forcedRefreshEvery is how long a repository that looks unchanged may go
// without a detailed refresh: scheduling by volatility. The forced refresh
// catches what the probe cannot see (comments, edits), and those happen
// where pushes and updates happen. A repository quiet for d is refreshed
// every d/4, between base (active repositories: quiet for under 4·base)
// and quiet (dormant ones). Each repository's interval is shortened by up
// to a fifth, by a stable hash of its name, so that repositories that went
// quiet together do not all fall due on the same run.
func forcedRefreshEvery(repo ghrepo.Name, lastChange, now time.Time, base, quiet time.Duration) time.Duration {
	every := base
	if !lastChange.IsZero() && now.After(lastChange) {
		every = min(max(now.Sub(lastChange)/4, base), quiet)
	}
	h := fnv.New32a()
	h.Write([]byte(strings.ToLower(repo.String())))
	spread := float64(h.Sum32()) / float64(math.MaxUint32) // [0, 1]
	return time.Duration(float64(every) * (1 - 0.2*spread))
}

// noteRefresh records the outcome of a detailed refresh for the probe: on
// success the fingerprint seen before it (so a change made meanwhile shows
// next time), on failure nothing, so the next run refreshes again.
func noteRefresh(ctx context.Context, env *Env, repo ghrepo.Name, collector, fp string, err error) {
	ctx = context.WithoutCancel(ctx)
	var serr error
	switch {
	case err != nil:
		serr = env.Store.ClearProbeMark(ctx, repo.String(), collector)
	case fp != "":
		serr = env.Store.SetProbeMark(ctx, repo.String(), collector, fp, env.clock())
	}
	if serr != nil {
		env.Log.Error("recording change-probe mark", "collector", collector, "repo", repo.String(), "err", serr)
	}
}
