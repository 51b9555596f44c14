package metrics

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	versioncollector "github.com/prometheus/client_golang/prometheus/collectors/version"

	"github.com/fundwatch/fundwatch/analysis"
	"github.com/fundwatch/fundwatch/analysis/responsiveness"
	"github.com/fundwatch/fundwatch/store"
)

// Snapshot exports the latest analysis snapshot. Series are rendered once,
// when a new snapshot arrives, straight to the text format (see text.go);
// a scrape only hands out the prepared bytes (no store query and no GitHub
// call on the scrape path). At 10,000 repositories the snapshot is a
// million series: holding them as prometheus.Metric values took 574 MiB,
// so only the bytes are kept, and Collect (registry gathers, tests and
// tools) renders them again from the analysis snapshot on demand.
type Snapshot struct {
	mu       sync.RWMutex
	updating sync.Mutex // serialises update
	cur      exported
	// enc is cur rendered for scrapes (see handler.go); problems is what
	// that rendering could not write as given.
	enc      encoded
	problems encodeProblems
}

// exported is what the snapshot's series are rendered from. Both parts are
// read-only once stored: an update replaces them, never changes them.
type exported struct {
	snap  *analysis.Snapshot // nil until the first Update
	watch []unmappedSource
	sel   *Selection // nil: the defaults
}

// unmappedSource is one watch-list source's unmapped dependencies, as
// exported: the total, and the first MaxUnmappedInfo by name.
type unmappedSource struct {
	source string
	total  int
	shown  []string
}

// NewSnapshot returns an exporter with nothing to export yet, serving the
// default families.
func NewSnapshot() *Snapshot { return &Snapshot{} }

// NewSnapshotSelecting is NewSnapshot serving what sel selects.
func NewSnapshotSelecting(sel *Selection) *Snapshot { return &Snapshot{cur: exported{sel: sel}} }

// snapshotFamilies are the families rendered from a snapshot: everything
// but the live self-metrics and the build info.
var snapshotFamilies = func() []Family {
	live := map[string]bool{buildInfo.Name: true, snapshotDropped.Name: true, snapshotRepaired.Name: true}
	for _, f := range []Family{runsTotal, runErrorsTotal, runSkippedTotal, itemErrorsTotal, runDuration, lastSuccess,
		running, ghRequests, ghRequestDuration, ghGraphQLPoints, ghLimit, ghRemaining, ghReset,
		ghCredLimit, ghCredRemaining, ghCredReset, ghPacing, ghSecondary, ghDeferred, gitSyncs, gitSyncDuration,
		gitCacheBytes, gitCacheMirrors, gitMirrorsRemoved, watchResolveOK, watchResolveTime} {
		live[f.Name] = true
	}
	var out []Family
	for _, f := range Catalogue() {
		if !live[f.Name] {
			out = append(out, f)
		}
	}
	return out
}()

var descs = func() map[string]*prometheus.Desc {
	m := map[string]*prometheus.Desc{}
	for _, f := range Catalogue() {
		m[f.Name] = f.desc()
	}
	return m
}()

// Describe implements prometheus.Collector.
func (s *Snapshot) Describe(ch chan<- *prometheus.Desc) {
	s.mu.RLock()
	sel := s.cur.sel
	s.mu.RUnlock()
	for _, f := range snapshotFamilies {
		if sel.Keeps(f) {
			ch <- descs[f.Name]
		}
	}
}

// Collect implements prometheus.Collector. It renders the series again
// rather than keep a million of them around between scrapes: the scrape
// path is Handler, which serves the prepared bytes, so this is only for
// registry gathers (tests, tools), where seconds do not matter.
func (s *Snapshot) Collect(ch chan<- prometheus.Metric) {
	s.mu.RLock()
	cur := s.cur
	s.mu.RUnlock()
	cur.render(cleanLabels(constSink(func(m prometheus.Metric) { ch <- m }), nil))
}

// MaxUnmappedInfo bounds fundwatch_watch_unmapped_info per source: a
// lockfile of thousands of registry packages must not become thousands of
// series. The count gauge always has the total, and the log names each one.
const MaxUnmappedInfo = 50

// UpdateWatch replaces the exported unmapped dependencies of the watch
// list: dependencies by source label ("gomod:go.mod"). Every source the
// watch list reads from files should be present, with an empty list when
// all of its dependencies mapped, so its gauge reads 0 rather than absent.
func (s *Snapshot) UpdateWatch(unmapped map[string][]string) error {
	sources := make([]string, 0, len(unmapped))
	for src := range unmapped {
		sources = append(sources, src)
	}
	sort.Strings(sources)
	// A copy: the caller's map and slices stay the caller's.
	watch := make([]unmappedSource, 0, len(sources))
	for _, src := range sources {
		deps := append([]string(nil), unmapped[src]...)
		sort.Strings(deps)
		watch = append(watch, unmappedSource{source: src, total: len(deps), shown: deps[:min(len(deps), MaxUnmappedInfo)]})
	}
	return s.update(func(e *exported) { e.watch = watch })
}

// Update replaces the exported snapshot. The exporter keeps snap to render
// it again for Collect, so the caller must not change it afterwards (the
// app keeps it read-only for the triage pages anyway). The error says
// which series were left out or which values repaired; the rest is served
// either way.
func (s *Snapshot) Update(snap *analysis.Snapshot) error {
	return s.update(func(e *exported) { e.snap = snap })
}

// update applies change to what is exported and prepares the scrape
// bytes, outside the lock: encoding a large snapshot takes a while, and
// scrapes keep being served meanwhile. Encoding never fails as a whole: a
// series that cannot be written is left out and counted (Problems,
// fundwatch_exporter_series_dropped), the others are served. Updates are
// serialised so that a slow one cannot overwrite a newer one. The error
// summarises what was left out or repaired, nil if nothing was.
func (s *Snapshot) update(change func(*exported)) error {
	s.updating.Lock()
	defer s.updating.Unlock()
	s.mu.RLock()
	next := s.cur
	s.mu.RUnlock()
	change(&next)
	enc, problems := encode(next)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.cur, s.enc, s.problems = next, enc, problems
	return problems.err()
}

// MaxLabelValueBytes caps a label value. Repository names are short, but
// some values come from what people type (a profile's company, a
// dependency name): a 300 KB value would be one 300 KB series in every
// scrape and in Prometheus' index.
const MaxLabelValueBytes = 1024

// cleanLabel returns v as it can be exported and whether it had to change:
// bytes that are not UTF-8 become U+FFFD (as strings.ToValidUTF8 does), and
// a value longer than MaxLabelValueBytes is cut at a rune boundary and ends
// in "…". Other characters, control characters included, are valid in the
// exposition (backslash, quote and newline are escaped) and stay.
func cleanLabel(v string) (string, bool) {
	changed := false
	if !utf8.ValidString(v) {
		v, changed = strings.ToValidUTF8(v, "\uFFFD"), true
	}
	if len(v) > MaxLabelValueBytes {
		const ellipsis = "…"
		cut := MaxLabelValueBytes - len(ellipsis)
		for cut > 0 && !utf8.RuneStart(v[cut]) {
			cut--
		}
		v, changed = v[:cut]+ellipsis, true
	}
	return v, changed
}

// cleanLabels passes each series on to emit with its label values cleaned
// (cleanLabel), counting each repaired value in problems if that is not
// nil. Both sinks, the text writer and the const metrics, get the same
// cleaned values, so the two still agree.
func cleanLabels(emit emitFunc, problems *encodeProblems) emitFunc {
	return func(f Family, v float64, labels ...string) {
		copied := false
		for i, l := range labels {
			c, changed := cleanLabel(l)
			if !changed {
				continue
			}
			if !copied {
				// The caller's slice stays the caller's.
				labels, copied = append([]string(nil), labels...), true
			}
			labels[i] = c
			if problems != nil {
				var name string
				if i < len(f.Labels) {
					name = f.Labels[i]
				}
				problems.repair(f.Name, name, l)
			}
		}
		emit(f, v, labels...)
	}
}

// emitFunc receives each series as it is rendered: its family, value and
// label values in the order of the family's Labels. The same rendering
// code feeds the text writer (scrapes) and the const metrics (Collect,
// backfill), so the two cannot drift apart.
type emitFunc func(f Family, v float64, labels ...string)

// constSink turns each series into a const metric for out. A series that
// cannot be one (a label value that is not UTF-8, say) becomes an invalid
// metric, so that a gather reports the error instead of the process
// panicking.
func constSink(out func(prometheus.Metric)) emitFunc {
	return func(f Family, v float64, labels ...string) {
		desc := descs[f.Name]
		if desc == nil {
			err := fmt.Errorf("metric family %s is not in the catalogue", f.Name)
			out(prometheus.NewInvalidMetric(prometheus.NewInvalidDesc(err), err))
			return
		}
		m, err := prometheus.NewConstMetric(desc, f.Type, v, labels...)
		if err != nil {
			m = prometheus.NewInvalidMetric(desc, err)
		}
		out(m)
	}
}

// constMetrics renders snap as const metrics, as sel selects them: the
// backfill's input, where a history of instants is replayed family by
// family.
func constMetrics(snap *analysis.Snapshot, sel *Selection) []prometheus.Metric {
	var out []prometheus.Metric
	render(snap, sel.filter(cleanLabels(constSink(func(m prometheus.Metric) { out = append(out, m) }), nil)))
	return out
}

// render emits every series of what is exported that its selection
// serves.
func (e exported) render(emit emitFunc) {
	emit = e.sel.filter(emit)
	if e.snap != nil {
		render(e.snap, emit)
	}
	renderWatch(e.watch, emit)
}

func renderWatch(watch []unmappedSource, emit emitFunc) {
	for _, w := range watch {
		emit(watchUnmapped, float64(w.total), w.source)
		for _, d := range w.shown {
			emit(watchUnmappedInfo, 1, w.source, d)
		}
	}
}

func render(snap *analysis.Snapshot, add emitFunc) {
	ts := func(t time.Time) float64 { return float64(t.UnixNano()) / 1e9 }
	add(snapshotTime, ts(snap.At))
	add(snapshotDuration, snap.Took.Seconds())
	add(watchedRepos, float64(len(snap.Repos)))
	for _, run := range snap.Runs {
		add(lastRunSuccess, b2f(run.OK), run.Collector)
		add(lastRunTime, ts(run.Finished), run.Collector)
	}
	// The ecosystem's work by class: what per-repository class_commits
	// would sum to, in twelve series.
	type wc struct{ window, class string }
	eco := map[wc]int{}
	var ecoOrder []wc
	// Per collector: repositories failing, and the oldest success.
	failing := map[string]int{}
	oldestBy := map[string]time.Time{}
	var collectorOrder []string
	for _, r := range snap.Repos {
		add(repoInfo, 1, r.Repo, r.Tier, r.Owner)
		var oldest time.Time
		for _, st := range r.Status {
			if _, seen := failing[st.Collector]; !seen {
				failing[st.Collector] = 0
				collectorOrder = append(collectorOrder, st.Collector)
			}
			if !st.LastSuccess.IsZero() {
				add(repoLastSuccess, ts(st.LastSuccess), r.Repo, st.Collector)
				if oldest.IsZero() || st.LastSuccess.Before(oldest) {
					oldest = st.LastSuccess
				}
				if o := oldestBy[st.Collector]; o.IsZero() || st.LastSuccess.Before(o) {
					oldestBy[st.Collector] = st.LastSuccess
				}
			}
			ok := st.LastError == "" && !st.LastAttempt.IsZero()
			add(repoLastAttemptOK, b2f(ok), r.Repo, st.Collector)
			if !ok {
				failing[st.Collector]++
			}
		}
		if !oldest.IsZero() {
			add(repoOldestSuccess, ts(oldest), r.Repo)
		}
		if a := r.Analysis; a != nil {
			for _, w := range a.Windows {
				for _, c := range analysis.Classes {
					if c != analysis.Bot && !w.Affiliated {
						continue
					}
					k := wc{w.Window, string(c)}
					if _, seen := eco[k]; !seen {
						ecoOrder = append(ecoOrder, k)
					}
					eco[k] += w.ByClass[c].Commits
				}
			}
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
		if len(r.Status) > 0 {
			// Only a repository fundwatch tried can be said to be served.
			for _, reason := range []string{store.GoneNotFound, store.GoneBlocked} {
				add(repoGone, b2f(r.State.Gone == reason), r.Repo, reason)
			}
		}
		if r.State.RenamedTo != "" {
			add(repoRenamed, 1, r.Repo, r.State.RenamedTo)
		}
		add(repoCommitsAvailable, b2f(r.CommitsCollected), r.Repo)
		if r.Analysis != nil {
			renderAnalysis(r.Repo, r.Analysis, add)
		}
	}
	for _, k := range ecoOrder {
		add(ecoClassCommits, float64(eco[k]), k.window, k.class)
	}
	sort.Strings(collectorOrder)
	for _, c := range collectorOrder {
		add(collectorFailing, float64(failing[c]), c)
		if o := oldestBy[c]; !o.IsZero() {
			add(collectorOldest, ts(o), c)
		}
	}
}

// NewRegistry returns a registry with the snapshot, the self-metrics, the
// build info and the standard Go and process collectors.
func NewRegistry(snap *Snapshot, self *Self) *prometheus.Registry {
	reg := prometheus.NewRegistry()
	reg.MustRegister(snap)
	registerLive(reg, self, snap)
	return reg
}

func registerLive(reg *prometheus.Registry, self *Self, snap *Snapshot) {
	reg.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		versioncollector.NewCollector("fundwatch"),
		encodingHealth{snap},
	)
	self.register(reg)
}

// encodingHealth exports what the latest encoding of the snapshot left out
// or repaired. It is live (read at each scrape) rather than part of the
// snapshot, which it describes.
type encodingHealth struct{ s *Snapshot }

func (h encodingHealth) Describe(ch chan<- *prometheus.Desc) {
	ch <- descs[snapshotDropped.Name]
	ch <- descs[snapshotRepaired.Name]
}

func (h encodingHealth) Collect(ch chan<- prometheus.Metric) {
	h.s.mu.RLock()
	p := h.s.problems
	h.s.mu.RUnlock()
	ch <- prometheus.MustNewConstMetric(descs[snapshotDropped.Name], prometheus.GaugeValue, float64(p.dropped))
	ch <- prometheus.MustNewConstMetric(descs[snapshotRepaired.Name], prometheus.GaugeValue, float64(p.repaired))
}

func statusLabel(code int) string { return strconv.Itoa(code) }

// renderAnalysis renders one repository's signals. A value that could not
// be computed is left out (and its signal_available series says 0).
func renderAnalysis(repo string, a *analysis.Analysis, emit emitFunc) {
	add := func(f Family, v float64, labels ...string) {
		emit(f, v, append([]string{repo}, labels...)...)
	}
	ts := func(t time.Time) float64 { return float64(t.UnixNano()) / 1e9 }
	opt := func(f Family, v analysis.Value, labels ...string) {
		if v.OK {
			add(f, v.V, labels...)
		}
	}
	avail := map[string]bool{}
	if !a.LastCommit.IsZero() {
		add(repoLastCommit, ts(a.LastCommit))
	}
	for _, w := range a.Windows {
		add(repoCommits, float64(w.Commits), w.Window)
		add(repoAuthors, float64(w.Authors), w.Window)
		for _, c := range analysis.Classes {
			if c != analysis.Bot && !w.Affiliated {
				continue // who pays is not known yet: absent, not zero
			}
			add(classCommits, float64(w.ByClass[c].Commits), w.Window, string(c))
			add(classPeople, float64(w.ByClass[c].People), w.Window, string(c))
		}
		opt(paidRatio, w.PaidShare, w.Window)
		opt(workingHours, w.WorkingHoursShare, w.Window)
		opt(busFactor, w.BusFactor, w.Window)
		opt(elephantFactor, w.ElephantFactor, w.Window)
		for _, e := range w.Employers {
			add(employerShare, e.Share, w.Window, e.Employer)
		}
		if w.Window == analysis.WindowYear {
			avail["paid_ratio"] = w.PaidShare.OK
			avail["bus_factor"] = w.BusFactor.OK
			avail["elephant_factor"] = w.ElephantFactor.OK
			avail["working_hours"] = w.WorkingHoursShare.OK
		}
	}
	avail["affiliation"] = a.AffiliationOK
	avail["employer_exit"] = a.ExitsAvailable
	if a.ExitsAvailable {
		add(exits, float64(len(a.EmployerExits)))
		for _, e := range a.EmployerExits {
			add(exitBaseline, e.BaselineShare, e.Employer)
			add(exitRecent, e.RecentShare, e.Employer)
			add(exitLast, ts(e.LastActive), e.Employer)
		}
	}
	avail["handover"] = a.HandoverAvailable
	if a.HandoverAvailable {
		add(handover, b2f(len(a.Handovers) > 0))
		if len(a.Handovers) > 0 {
			add(handoverFirst, ts(a.Handovers[0].NewcomerFirstCommit))
		}
	}
	// Responsiveness is available when issues were collected back to the
	// recent window's start (a first sync reads back to a floor: before
	// it, the figures are unavailable, never zero).
	avail["responsiveness"] = a.Responsiveness != nil && a.Responsiveness.IssuesKnown
	for _, win := range []struct {
		name string
		rs   *responsiveness.Stats
	}{{analysis.WindowRecent, a.Responsiveness}, {analysis.WindowYear, a.ResponsivenessYear}} {
		w, rs := win.name, win.rs
		if rs == nil {
			continue
		}
		opt(firstResponse, analysis.Value(rs.FirstResponseMedianSeconds), w, "issue")
		opt(firstResponse, analysis.Value(rs.FirstResponsePullsMedianSeconds), w, "pull")
		opt(unanswered, analysis.Value(rs.UnansweredRatio), w)
		opt(backlogGrowth, analysis.Value(rs.BacklogGrowth), w)
		opt(mergeLatency, analysis.Value(rs.MergeLatencyMedianSeconds), w)
		add(releases, float64(rs.ReleasesInWindow), w)
	}
	if rs := a.Responsiveness; rs != nil {
		if rs.IssuesKnown {
			add(backlog, float64(rs.Backlog))
		}
		if !rs.LastRelease.IsZero() {
			add(lastRelease, ts(rs.LastRelease))
		}
	}
	// The current state only: the five others would be five series of 0
	// per repository.
	add(lifecycle, 1, string(a.Lifecycle))
	add(riskScore, a.Risk.Score)
	holds := map[string]bool{}
	for _, r := range a.Risk.Reasons {
		holds[r.ID] = true
	}
	missing := map[string]bool{}
	for _, id := range a.Risk.Unavailable {
		missing[id] = true
	}
	for _, id := range analysis.Reasons {
		if !missing[id] {
			add(riskReason, b2f(holds[id]), id)
		}
	}
	// Money and criticality.
	c := a.Criticality
	avail["criticality"] = c.OpenSSF.OK
	if c.OpenSSF.OK {
		add(critScore, c.OpenSSF.Score)
	}
	for _, in := range sortedKeys(c.Inputs) {
		add(critInput, c.Inputs[in], in)
	}
	add(fundingGap, a.Gap.Score)
	fu := a.Funding
	opt(fundingLevel, fu.Level)
	avail["sponsors"] = fu.SponsorsKnown
	if fu.SponsorsKnown {
		add(sponsorsCount, float64(fu.Sponsors))
		add(sponsorAccounts, float64(len(fu.SponsorAccounts)))
	}
	if fu.FileFound {
		add(fundingFileOK, b2f(fu.FileError == ""))
		if fu.FileError == "" {
			add(fundingFileProblems, float64(len(fu.Problems)))
		}
	}
	for _, pl := range fu.Platforms {
		add(fundingPlatform, 1, pl)
	}
	add(grantsUSD, fu.GrantsYearUSD, analysis.WindowYear)
	for _, sig := range sortedSignals(avail) {
		add(signalAvailable, b2f(avail[sig]), sig)
	}
}

func sortedKeys(m map[string]float64) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// windowName names a responsiveness window the way work windows are named.

func sortedSignals(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
