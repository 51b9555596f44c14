package metrics

import (
	"strconv"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	versioncollector "github.com/prometheus/client_golang/prometheus/collectors/version"

	"github.com/fundwatch/fundwatch/analysis"
)

// Snapshot exports the latest analysis snapshot. Series are rendered once,
// when a new snapshot arrives; a scrape only hands out the prepared
// metrics (no store query and no GitHub call on the scrape path).
type Snapshot struct {
	mu     sync.RWMutex
	series []prometheus.Metric
}

// NewSnapshot returns an exporter with nothing to export yet.
func NewSnapshot() *Snapshot { return &Snapshot{} }

var snapshotFamilies = []Family{
	repoInfo, repoStars, repoForks, repoOpenIssues, repoArchived, repoPushed,
	repoCommitsAvailable, repoLastCommit, repoCommits, repoAuthors,
	repoLastSuccess, repoLastAttemptOK, snapshotTime, snapshotDuration, watchedRepos,
	lastRunSuccess, lastRunTime,
}

var descs = func() map[string]*prometheus.Desc {
	m := map[string]*prometheus.Desc{}
	for _, f := range Catalogue() {
		m[f.Name] = f.desc()
	}
	return m
}()

// Describe implements prometheus.Collector.
func (s *Snapshot) Describe(ch chan<- *prometheus.Desc) {
	for _, f := range snapshotFamilies {
		ch <- descs[f.Name]
	}
}

// Collect implements prometheus.Collector.
func (s *Snapshot) Collect(ch chan<- prometheus.Metric) {
	s.mu.RLock()
	series := s.series
	s.mu.RUnlock()
	for _, m := range series {
		ch <- m
	}
}

// Update replaces the exported snapshot.
func (s *Snapshot) Update(snap *analysis.Snapshot) {
	series := render(snap)
	s.mu.Lock()
	s.series = series
	s.mu.Unlock()
}

func render(snap *analysis.Snapshot) []prometheus.Metric {
	var out []prometheus.Metric
	add := func(f Family, v float64, labels ...string) {
		out = append(out, prometheus.MustNewConstMetric(descs[f.Name], f.Type, v, labels...))
	}
	ts := func(t time.Time) float64 { return float64(t.UnixNano()) / 1e9 }
	b2f := func(b bool) float64 {
		if b {
			return 1
		}
		return 0
	}
	add(snapshotTime, ts(snap.At))
	add(snapshotDuration, snap.Took.Seconds())
	add(watchedRepos, float64(len(snap.Repos)))
	for _, run := range snap.Runs {
		add(lastRunSuccess, b2f(run.OK), run.Collector)
		add(lastRunTime, ts(run.Finished), run.Collector)
	}
	for _, r := range snap.Repos {
		add(repoInfo, 1, r.Repo, r.Tier, r.Owner)
		for _, st := range r.Status {
			if !st.LastSuccess.IsZero() {
				add(repoLastSuccess, ts(st.LastSuccess), r.Repo, st.Collector)
			}
			add(repoLastAttemptOK, b2f(st.LastError == "" && !st.LastAttempt.IsZero()), r.Repo, st.Collector)
		}
		// Values of a repository never seen are absent, not zero: a zero
		// would read as "abandoned" to the alert rules.
		if r.Collected {
			add(repoStars, float64(r.Meta.Stars), r.Repo)
			add(repoForks, float64(r.Meta.Forks), r.Repo)
			add(repoOpenIssues, float64(r.Meta.OpenIssues), r.Repo)
			add(repoArchived, b2f(r.Meta.Archived), r.Repo)
			if !r.Meta.PushedAt.IsZero() {
				add(repoPushed, ts(r.Meta.PushedAt), r.Repo)
			}
		}
		add(repoCommitsAvailable, b2f(r.CommitsCollected), r.Repo)
		if r.CommitsCollected {
			if !r.LastCommit.IsZero() {
				add(repoLastCommit, ts(r.LastCommit), r.Repo)
			}
			for _, w := range r.Windows {
				add(repoCommits, float64(w.Commits), r.Repo, w.Window)
				add(repoAuthors, float64(w.Authors), r.Repo, w.Window)
			}
		}
	}
	return out
}

// NewRegistry returns a registry with the snapshot, the self-metrics, the
// build info and the standard Go and process collectors.
func NewRegistry(snap *Snapshot, self *Self) *prometheus.Registry {
	reg := prometheus.NewRegistry()
	reg.MustRegister(
		snap,
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		versioncollector.NewCollector("fundwatch"),
	)
	self.register(reg)
	return reg
}

func statusLabel(code int) string { return strconv.Itoa(code) }
