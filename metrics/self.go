package metrics

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Self holds fundwatch's own operational metrics. It implements the
// collectors' RunObserver and the GitHub client's Observer, so collection
// code reports to it without depending on Prometheus.
type Self struct {
	runs, runErrors, skipped, failures  *prometheus.CounterVec
	duration                            *prometheus.HistogramVec
	lastSuccess, running                *prometheus.GaugeVec
	requests                            *prometheus.CounterVec
	requestDuration                     *prometheus.HistogramVec
	graphqlPoints                       prometheus.Counter
	limit, remaining, reset             *prometheus.GaugeVec
	credLimit, credRemaining, credReset *prometheus.GaugeVec
	pacing                              *prometheus.GaugeVec
	secondary, deferred                 *prometheus.CounterVec
	gitSyncs                            *prometheus.CounterVec
	gitSyncDuration                     prometheus.Histogram
	gitCacheBytes, gitCacheMirrors      prometheus.Gauge
	gitMirrorsRemoved                   prometheus.Counter
	watchResolved, watchResolvedAt      prometheus.Gauge
}

func counterVec(f Family) *prometheus.CounterVec {
	return prometheus.NewCounterVec(prometheus.CounterOpts{Name: f.Name, Help: f.Help}, f.Labels)
}

func gaugeVec(f Family) *prometheus.GaugeVec {
	return prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: f.Name, Help: f.Help}, f.Labels)
}

// NewSelf creates the self-metrics; collectorNames pre-creates per-collector
// series so a collector that never ran shows 0 runs rather than nothing.
func NewSelf(collectorNames []string) *Self {
	s := &Self{
		runs:      counterVec(runsTotal),
		runErrors: counterVec(runErrorsTotal),
		skipped:   counterVec(runSkippedTotal),
		failures:  counterVec(itemErrorsTotal),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: runDuration.Name, Help: runDuration.Help,
			Buckets: []float64{0.1, 0.5, 1, 5, 15, 60, 300, 900, 3600}}, runDuration.Labels),
		lastSuccess: gaugeVec(lastSuccess),
		running:     gaugeVec(running),
		requests:    counterVec(ghRequests),
		requestDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: ghRequestDuration.Name, Help: ghRequestDuration.Help,
			Buckets: []float64{0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30}}, ghRequestDuration.Labels),
		graphqlPoints: prometheus.NewCounter(prometheus.CounterOpts{Name: ghGraphQLPoints.Name, Help: ghGraphQLPoints.Help}),
		limit:         gaugeVec(ghLimit),
		remaining:     gaugeVec(ghRemaining),
		reset:         gaugeVec(ghReset),
		credLimit:     gaugeVec(ghCredLimit),
		credRemaining: gaugeVec(ghCredRemaining),
		credReset:     gaugeVec(ghCredReset),
		pacing:        gaugeVec(ghPacing),
		secondary:     counterVec(ghSecondary),
		deferred:      counterVec(ghDeferred),
		gitSyncs:      counterVec(gitSyncs),
		gitSyncDuration: prometheus.NewHistogram(prometheus.HistogramOpts{Name: gitSyncDuration.Name, Help: gitSyncDuration.Help,
			Buckets: []float64{0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 15, 60, 300}}),
		gitCacheBytes:     prometheus.NewGauge(prometheus.GaugeOpts{Name: gitCacheBytes.Name, Help: gitCacheBytes.Help}),
		gitCacheMirrors:   prometheus.NewGauge(prometheus.GaugeOpts{Name: gitCacheMirrors.Name, Help: gitCacheMirrors.Help}),
		gitMirrorsRemoved: prometheus.NewCounter(prometheus.CounterOpts{Name: gitMirrorsRemoved.Name, Help: gitMirrorsRemoved.Help}),
		watchResolved:     prometheus.NewGauge(prometheus.GaugeOpts{Name: watchResolveOK.Name, Help: watchResolveOK.Help}),
		watchResolvedAt:   prometheus.NewGauge(prometheus.GaugeOpts{Name: watchResolveTime.Name, Help: watchResolveTime.Help}),
	}
	// Both results exist from the start: a rate of errors over zero syncs
	// is 0, not absent.
	s.gitSyncs.WithLabelValues("ok")
	s.gitSyncs.WithLabelValues("error")
	for _, n := range collectorNames {
		s.runs.WithLabelValues(n)
		s.runErrors.WithLabelValues(n)
		s.skipped.WithLabelValues(n)
		s.failures.WithLabelValues(n)
		s.running.WithLabelValues(n)
	}
	return s
}

func (s *Self) register(reg prometheus.Registerer) {
	reg.MustRegister(s.runs, s.runErrors, s.skipped, s.failures, s.duration, s.lastSuccess, s.running,
		s.requests, s.requestDuration, s.graphqlPoints, s.limit, s.remaining, s.reset,
		s.credLimit, s.credRemaining, s.credReset, s.pacing, s.secondary, s.deferred, s.gitSyncs, s.gitSyncDuration,
		s.gitCacheBytes, s.gitCacheMirrors, s.gitMirrorsRemoved, s.watchResolved, s.watchResolvedAt)
}

// WatchResolved records a resolution of the watch list: whether it
// worked and, when it did, when. A failed one keeps the previous list
// (the caller's), which only an alert on this tells anyone about.
func (s *Self) WatchResolved(err error) {
	if err != nil {
		s.watchResolved.Set(0)
		return
	}
	s.watchResolved.Set(1)
	s.watchResolvedAt.SetToCurrentTime()
}

// GitSync observes one git mirror sync: it is gitmirror.Cache's Observe.
func (s *Self) GitSync(d time.Duration, err error) {
	result := "ok"
	if err != nil {
		result = "error"
	}
	s.gitSyncs.WithLabelValues(result).Inc()
	s.gitSyncDuration.Observe(d.Seconds())
}

// GitCache records the git mirror cache's size, as last measured: the
// walk is the caller's, once a pass, so a scrape only reads two numbers.
func (s *Self) GitCache(bytes int64, mirrors int) {
	s.gitCacheBytes.Set(float64(bytes))
	s.gitCacheMirrors.Set(float64(mirrors))
}

// GitMirrorsRemoved counts mirrors removed from the cache.
func (s *Self) GitMirrorsRemoved(n int) { s.gitMirrorsRemoved.Add(float64(n)) }

// RunStarted implements collectors.RunObserver.
func (s *Self) RunStarted(c string) { s.running.WithLabelValues(c).Set(1) }

// RunFinished implements collectors.RunObserver.
func (s *Self) RunFinished(c string, d time.Duration, failed int, err error) {
	s.running.WithLabelValues(c).Set(0)
	s.runs.WithLabelValues(c).Inc()
	s.duration.WithLabelValues(c).Observe(d.Seconds())
	s.failures.WithLabelValues(c).Add(float64(failed))
	if err != nil {
		s.runErrors.WithLabelValues(c).Inc()
		return
	}
	s.lastSuccess.WithLabelValues(c).SetToCurrentTime()
}

// RunSkipped implements collectors.RunObserver.
func (s *Self) RunSkipped(c string) { s.skipped.WithLabelValues(c).Inc() }

// Request implements ghclient.Observer.
func (s *Self) Request(route string, status int, d time.Duration) {
	s.requests.WithLabelValues(route, statusLabel(status)).Inc()
	s.requestDuration.WithLabelValues(route).Observe(d.Seconds())
}

// GraphQLCost implements ghclient.GraphQLObserver.
func (s *Self) GraphQLCost(points int) { s.graphqlPoints.Add(float64(points)) }

// RateLimit implements ghclient.Observer: the quota of all credentials.
func (s *Self) RateLimit(resource string, limit, remaining int, reset time.Time) {
	s.limit.WithLabelValues(resource).Set(float64(limit))
	s.remaining.WithLabelValues(resource).Set(float64(remaining))
	s.reset.WithLabelValues(resource).Set(float64(reset.Unix()))
}

// CredentialRateLimit implements ghclient.PoolObserver.
func (s *Self) CredentialRateLimit(credential, resource string, limit, remaining int, reset time.Time) {
	s.credLimit.WithLabelValues(resource, credential).Set(float64(limit))
	s.credRemaining.WithLabelValues(resource, credential).Set(float64(remaining))
	s.credReset.WithLabelValues(resource, credential).Set(float64(reset.Unix()))
}

// Pacing implements ghclient.PoolObserver.
func (s *Self) Pacing(credential, resource string, interval time.Duration) {
	s.pacing.WithLabelValues(resource, credential).Set(interval.Seconds())
}

// SecondaryLimit implements ghclient.PoolObserver.
func (s *Self) SecondaryLimit(credential string, _ time.Duration) {
	s.secondary.WithLabelValues(credential).Inc()
}

// Deferred implements ghclient.PoolObserver.
func (s *Self) Deferred(resource string) { s.deferred.WithLabelValues(resource).Inc() }
