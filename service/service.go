// Package service is fundwatch running: the store, the GitHub client, the
// collectors on their schedules, the snapshot recomputed after each run,
// the exporter and the HTTP endpoints (metrics, triage, health), and the
// watch list resolved again every hour. cmd/fundwatch parses flags and
// wires one.
package service

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/fundwatch/fundwatch/analysis"
	"github.com/fundwatch/fundwatch/collectors"
	"github.com/fundwatch/fundwatch/config"
	"github.com/fundwatch/fundwatch/ghrepo"
	"github.com/fundwatch/fundwatch/gitmirror"
	"github.com/fundwatch/fundwatch/metrics"
	"github.com/fundwatch/fundwatch/scheduler"
	"github.com/fundwatch/fundwatch/shard"
	"github.com/fundwatch/fundwatch/store"
	"github.com/fundwatch/fundwatch/triage"
	"github.com/fundwatch/fundwatch/watchlist"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/prometheus/common/version"
	"github.com/prometheus/exporter-toolkit/web"
)

// App wires one configured fundwatch: store, GitHub client, collectors,
// analysis and exporter. serve, collect and demo all build one.
type App struct {
	cfg   *config.Config
	log   *slog.Logger
	now   func() time.Time
	store *store.Store
	env   *collectors.Env

	runner *collectors.Runner
	self   *metrics.Self
	snap   *metrics.Snapshot
	live   *prometheus.Registry // what changes between snapshots: gathered per scrape

	analysisOpts analysis.Options
	// refresher keeps the analyses of repositories whose facts did not
	// change, between refreshes.
	refresher *analysis.Refresher
	// sel is which metric families are served (and backfilled).
	sel *metrics.Selection

	refreshing sync.Mutex // serialises refreshes; held while computing
	mu         sync.Mutex // guards last; held only to read or swap it
	last       *analysis.Snapshot

	resolver *watchlist.Resolver
	watchMu  sync.Mutex // guards watch and whole
	watch    *watchlist.List
	// whole is the last resolved list before this replica took its
	// share: it says which org items stood in (watchlist.StandIns).
	whole *watchlist.List
	// pruneMu serialises removals from the git cache (a rewatch and a
	// start-up prune of one App).
	pruneMu sync.Mutex
	// fictional: the watched repositories are on no real GitHub (the
	// demo's); the triage page does not link them there.
	fictional bool
}

// rewatchInterval is how often serve resolves the watch list again, so an
// organisation's new repositories and an edited go.mod, lockfile or SBOM
// are picked up without a restart. Account listings are conditional, so an
// unchanged one costs 304s only.
const rewatchInterval = time.Hour

// New opens the store, the GitHub client and the watch list of cfg.
func New(cfg *config.Config, log *slog.Logger) (*App, error) {
	opts, err := analysisOptions(cfg)
	if err != nil {
		return nil, err
	}
	st, err := store.Open(cfg.Store.Path)
	if err != nil {
		return nil, err
	}
	a := &App{cfg: cfg, log: log, now: time.Now, store: st, analysisOpts: opts, refresher: analysis.NewRefresher(st, opts)}
	a.self = metrics.NewSelf(collectors.Names())
	sel, err := metrics.NewSelection(cfg.Web.MetricOptIn)
	if err != nil {
		st.Close()
		return nil, fmt.Errorf("web.metric_opt_in (--metric-opt-in-list): %w", err)
	}
	if opted := sel.OptIns(); len(opted) > 0 {
		log.Info("serving opt-in metric families", "families", strings.Join(opted, ","))
	}
	a.sel = sel
	a.snap = metrics.NewSnapshotSelecting(sel)
	a.live = metrics.NewLiveRegistry(a.self, a.snap)
	gh, err := GitHubClient(cfg, a.self, log)
	if err != nil {
		st.Close()
		return nil, err
	}
	identifyTokens(context.Background(), gh, log)
	a.resolver = &watchlist.Resolver{GH: gh, Config: cfg.Source, Listings: st}
	if err := a.ResolveWatch(context.Background()); err != nil {
		st.Close()
		return nil, err
	}
	params := opts.Params
	if params == nil {
		params = analysis.DefaultParams()
	}
	// Collection and analysis agree on who is active, and on how much
	// issue history a first sync reads by default: the year window.
	a.env = &collectors.Env{GH: gh, Store: st, Log: log, Now: a.now, Concurrency: 4,
		ActiveWindow: time.Duration(params.Windows.Year), IssueHistory: issueHistory(cfg.Collection.IssueHistory),
		PeopleRefresh: cfg.Collection.PeopleRefresh}
	if err := a.useGit(); err != nil {
		st.Close()
		return nil, err
	}
	a.runner = &collectors.Runner{
		Env:          a.env,
		Observer:     a.self,
		NoProbe:      !cfg.Collection.Probe,
		MaxSkip:      cfg.Collection.MaxSkip,
		MaxSkipQuiet: cfg.Collection.MaxSkipQuiet,
		AfterRun: func(ctx context.Context, collector string) {
			if s, _ := collectors.SpecOf(collector); s.GitMirrors {
				a.measureGitCache()
			}
			if err := a.Refresh(ctx); err != nil {
				log.Error("computing snapshot", "err", err)
			}
		},
	}
	return a, nil
}

func (a *App) Close() error { return a.store.Close() }

// issueHistory is collection.issue_history as the collectors take it.
func issueHistory(d time.Duration) time.Duration {
	if d == config.WholeIssueHistory {
		return collectors.WholeHistory
	}
	return d
}

// useGit lets the commits collector read history from git mirrors when
// the configuration asks for it and git is installed (new enough); else
// history comes over REST, with a warning saying why.
func (a *App) useGit() error {
	if !a.cfg.Collection.Git {
		return nil
	}
	if err := gitmirror.Available(); err != nil {
		a.log.Warn("commit history comes over the REST API: git is not usable", "err", err)
		return nil
	}
	urls, err := cloneURLs(a.cfg.GitHub.APIURL)
	if err != nil {
		return err
	}
	a.env.Git = &gitmirror.Cache{Dir: a.cfg.GitCacheDir(), Log: a.log, Observe: a.self.GitSync}
	a.env.CloneURL = urls
	a.log.Info("commit history comes from git mirrors", "cache", a.cfg.GitCacheDir())
	return nil
}

func (a *App) Repos() []ghrepo.Name {
	a.watchMu.Lock()
	defer a.watchMu.Unlock()
	return a.watch.Repos()
}

func (a *App) Targets() []analysis.Target {
	a.watchMu.Lock()
	defer a.watchMu.Unlock()
	out := make([]analysis.Target, 0, len(a.watch.Entries))
	for _, e := range a.watch.Entries {
		out = append(out, analysis.Target{Repo: e.Repo.String(), Tier: e.Tier, Owner: e.Owner()})
	}
	return out
}

// ResolveWatch resolves the configured watch list and, when that works,
// makes it the one collected, analysed and exported. Each dependency that
// maps to no repository is logged once (when it first appears), and all
// of them are exported. Whether it worked is a self-metric
// (fundwatch_watch_resolve_success): a failure keeps the previous list,
// and serve's hourly resolution would otherwise only log it.
func (a *App) ResolveWatch(ctx context.Context) error {
	l, err := a.resolver.Resolve(ctx, a.cfg.Watch)
	if ctx.Err() == nil || err == nil { // a shutdown is no failure
		a.self.WatchResolved(err)
	}
	if err != nil {
		return err
	}
	for _, w := range l.Warnings {
		a.log.Warn("watch list", "problem", w)
	}
	whole := l
	l = InShard(l, a.cfg.Shard)
	a.watchMu.Lock()
	var prev []watchlist.Unmapped
	if a.watch != nil {
		prev = a.watch.Unmapped
	}
	a.watch, a.whole = l, whole
	a.watchMu.Unlock()
	for _, u := range watchlist.Diff(prev, l.Unmapped) {
		a.log.Warn("watch list: dependency not mapped to a GitHub repository; it is not watched",
			"item", u.Item, "source", u.SourceLabel(), "dependency", u.Dependency, "reason", u.Reason)
	}
	unmapped := map[string][]string{}
	for _, w := range a.cfg.Watch {
		switch w.Kind {
		case config.KindGoMod, config.KindNPM, config.KindSBOM:
			unmapped[w.Kind+":"+w.Path] = []string{}
		}
	}
	for _, u := range l.Unmapped {
		unmapped[u.SourceLabel()] = append(unmapped[u.SourceLabel()], u.Dependency)
	}
	if err := a.snap.UpdateWatch(unmapped); err != nil {
		// The rest is exported; what was not is counted in
		// fundwatch_snapshot_series_dropped.
		a.log.Warn("exporting the watch list", "err", err)
	}
	return nil
}

// InShard keeps the entries of the watch list this replica owns.
func InShard(l *watchlist.List, s shard.Shard) *watchlist.List {
	if s.N <= 1 {
		return l
	}
	cp := *l
	cp.Entries = nil
	for _, e := range l.Entries {
		if s.Owns(e.Repo.String()) {
			cp.Entries = append(cp.Entries, e)
		}
	}
	return &cp
}

// rewatch resolves the watch list every interval until ctx ends; a failure
// keeps the previous list.
func (a *App) rewatch(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := a.Rewatch(ctx); err != nil && ctx.Err() == nil {
				a.log.Error("resolving the watch list again; keeping the previous one", "err", err)
			}
		}
	}
}

// Rewatch resolves the watch list again (ResolveWatch) and, when that
// works, removes the git mirrors of repositories it no longer holds
// (PruneGitCache). A resolution that fails removes nothing.
func (a *App) Rewatch(ctx context.Context) error {
	if err := a.ResolveWatch(ctx); err != nil {
		return err
	}
	a.PruneGitCache(ctx)
	return nil
}

// PruneGitCache removes from the git cache the mirrors of repositories
// this replica does not watch, then measures the cache. serve does it at
// start and after each resolution of the watch list, collect before it
// collects; the commands that only read the store never do (the watch
// list they are given may be another replica's).
//
// A mirror stays when its repository is in this replica's share of the
// watch list, under the name watched or the name GitHub now serves it
// under (the store's rename, which the mirror is named by: a renamed or
// transferred repository keeps its clone), or when it belongs to an
// account whose org item could not be listed this time and stood in with
// its last listing (what it holds now is not known: one failed listing
// must not cost its clones). Replicas (--shard i/n) each remove what is
// outside their own share, so they must not share one git_cache.
func (a *App) PruneGitCache(ctx context.Context) {
	cache := a.gitCache()
	if cache == nil {
		return
	}
	a.pruneMu.Lock()
	defer a.pruneMu.Unlock()
	a.watchMu.Lock()
	mine, whole := a.watch, a.whole
	a.watchMu.Unlock()
	keep := map[string]bool{}
	for _, e := range mine.Entries {
		keep[e.Repo.Key()] = true
	}
	states, err := a.store.RepoStates(ctx)
	if err != nil {
		// Without the renames a renamed repository's mirror would look
		// unwatched: remove nothing this time.
		a.log.Warn("not removing git mirrors of repositories no longer watched: the renames are not known", "err", err)
		a.measureGitCache()
		return
	}
	for _, st := range states {
		if st.RenamedTo != "" && keep[strings.ToLower(st.Repo)] {
			keep[strings.ToLower(st.RenamedTo)] = true
		}
	}
	accounts := map[string]bool{}
	for _, si := range whole.StandIns {
		accounts[strings.ToLower(si.Account)] = true
		// The listing may name the account by its new name.
		for _, e := range whole.Entries {
			for _, o := range e.From {
				if o.Item == si.Item {
					accounts[strings.ToLower(e.Repo.Owner)] = true
				}
			}
		}
	}
	removed, busy, err := cache.Prune(func(n ghrepo.Name) bool {
		return keep[n.Key()] || accounts[strings.ToLower(n.Owner)]
	})
	a.self.GitMirrorsRemoved(len(removed))
	if len(busy) > 0 {
		a.log.Info("git mirrors of repositories no longer watched are in use; removing them at the next resolution",
			"repos", len(busy), "first", busy[0].String())
	}
	if err != nil {
		a.log.Warn("removing git mirrors of repositories no longer watched", "err", err)
	}
	a.measureGitCache()
}

// gitCache is the mirror cache commits are read from; nil when history
// comes over REST.
func (a *App) gitCache() *gitmirror.Cache {
	if a.env == nil {
		return nil
	}
	return a.env.Git
}

// measureGitCache walks the git cache and exports its size: after a
// commits run and a prune, never on a scrape.
func (a *App) measureGitCache() {
	cache := a.gitCache()
	if cache == nil {
		return
	}
	u, err := cache.Usage()
	if err != nil {
		a.log.Warn("measuring the git cache", "err", err)
		return
	}
	a.self.GitCache(u.Bytes, u.Mirrors)
}

// CollectorsOf is the collectors of scheduled entries, in order.
func CollectorsOf(entries []scheduler.Entry) []collectors.Collector {
	out := make([]collectors.Collector, 0, len(entries))
	for _, e := range entries {
		out = append(out, e.Collector)
	}
	return out
}

// EnabledCollectors returns the collectors the config enables, in run order.
func (a *App) EnabledCollectors() ([]scheduler.Entry, error) {
	var out []scheduler.Entry
	for _, name := range collectors.Names() {
		cc, ok := a.cfg.Collectors[name]
		if ok && !cc.Enabled {
			continue
		}
		c, _ := collectors.Get(name)
		if !ok {
			return nil, fmt.Errorf("collector %s has no schedule in the configuration", name)
		}
		out = append(out, scheduler.Entry{Collector: c, Spec: cc.Schedule})
	}
	return out, nil
}

// Refresh recomputes the snapshot from the store and hands it to the
// exporter. Collection calls it after every run; scrapes never do.
//
// The computation holds only the refresh lock: /-/ready, /triage and
// Snapshot read the last snapshot under a lock held for a pointer swap,
// so they answer at once while a refresh runs (it can take seconds at
// thousands of repositories).
func (a *App) Refresh(ctx context.Context) error {
	a.refreshing.Lock()
	defer a.refreshing.Unlock()
	snap, stats, err := a.refresher.Compute(ctx, a.Targets(), a.now())
	if err != nil {
		return err
	}
	a.log.Debug("snapshot refreshed", "analysed", stats.Analysed, "reused", stats.Reused, "took", snap.Took.Round(time.Millisecond).String())
	if err := a.snap.Update(snap); err != nil {
		a.log.Warn("exporting the snapshot", "err", err)
	}
	a.mu.Lock()
	a.last = snap
	a.mu.Unlock()
	return nil
}

func (a *App) Snapshot() *analysis.Snapshot {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.last
}

// Handler serves the telemetry path, a landing page, health endpoints and
// the grant triage. A telemetry path that clashes with one of the others
// is an error (config.ReservedPaths lists them; a test keeps it complete),
// never a panic of the mux.
func (a *App) Handler(telemetryPath string) (http.Handler, error) {
	fixed := a.fixedRoutes()
	if _, clash := fixed[telemetryPath]; clash {
		return nil, fmt.Errorf("telemetry path %q is served by fundwatch already (reserved: %s)", telemetryPath, strings.Join(config.ReservedPaths, ", "))
	}
	mux := http.NewServeMux()
	// The snapshot is served pre-encoded (metrics.Snapshot.Handler); only
	// the live self-metrics are gathered per scrape.
	mux.Handle(telemetryPath, promhttp.InstrumentMetricHandler(a.live,
		a.snap.Handler(a.live, func(err error) { a.log.Error("serving metrics", "err", err) })))
	for path, h := range fixed {
		mux.Handle(path, h)
	}
	if telemetryPath != "/" {
		landing, err := web.NewLandingPage(web.LandingConfig{
			Name:        "fundwatch",
			Description: "Watches the open-source projects you depend on and warns when one drifts toward volunteer-only maintenance.",
			Version:     version.Info(),
			Links: []web.LandingLinks{
				{Address: telemetryPath, Text: "Metrics"},
				{Address: "/triage", Text: "Grant triage"},
				{Address: "/-/healthy", Text: "Health"},
				{Address: "/-/ready", Text: "Readiness"},
			},
			// The page would link /debug/pprof/, which fundwatch does not
			// serve: every link on it must answer.
			Profiling: "false",
		})
		if err != nil {
			return nil, err
		}
		mux.Handle("/", landing)
	}
	return mux, nil
}

// fixedRoutes are the routes served beside the telemetry path and the
// landing page: health, readiness, and the grant triage of the latest
// snapshot in every format.
func (a *App) fixedRoutes() map[string]http.Handler {
	routes := map[string]http.Handler{
		"/-/healthy": http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { fmt.Fprintln(w, "Healthy") }),
		"/-/ready": http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			if a.Snapshot() == nil {
				http.Error(w, "no snapshot yet", http.StatusServiceUnavailable)
				return
			}
			fmt.Fprintln(w, "Ready")
		}),
	}
	links := a.TriageLinks()
	for path, format := range map[string]string{"/triage": "html", "/triage.json": "json", "/triage.csv": "csv", "/triage.txt": "text"} {
		routes[path] = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			snap := a.Snapshot()
			if snap == nil {
				http.Error(w, "no snapshot yet: the first collection is still running", http.StatusServiceUnavailable)
				return
			}
			w.Header().Set("Content-Type", map[string]string{"html": "text/html; charset=utf-8", "json": "application/json",
				"csv": "text/csv; charset=utf-8", "text": "text/plain; charset=utf-8"}[format])
			if err := triage.Write(w, triage.Build(snap), format, triage.WithLinks(links)); err != nil {
				a.log.Error("writing triage", "format", format, "err", err)
			}
		})
	}
	return routes
}

// TriageLinks says where the triage page links each project: its
// repository on the GitHub the API belongs to (where git clones it from,
// without ".git"; none for a made-up world, see SetFictional), and its
// Grafana drill-down when web.grafana_url is set.
func (a *App) TriageLinks() triage.Links {
	if a.cfg == nil {
		return triage.Links{}
	}
	l := triage.Links{Grafana: a.cfg.Web.GrafanaURL, NoGitHub: a.fictional}
	if a.fictional {
		return l
	}
	if clone, err := cloneURLs(a.cfg.GitHub.APIURL); err == nil {
		const probe = "owner/name"
		l.GitHub = strings.TrimSuffix(clone(ghrepo.MustParse(probe)), probe+".git")
	}
	return l
}

// Serve publishes what is stored at once (a restart keeps serving the last
// good data), starts the schedules, and runs until ctx is cancelled.
// firstPass, if set, is called once the start-up collection is done.
// Web is how Serve listens, as exporter-toolkit takes it.
type Web struct {
	Listen        []string // addresses
	TelemetryPath string
	Systemd       bool   // use systemd socket activation
	ConfigFile    string // exporter-toolkit web config (TLS, basic auth)
}

// Listeners are the sockets Serve serves on, bound by Listen before
// anything else starts.
type Listeners struct {
	web Web
	ls  []net.Listener // none with systemd socket activation
}

// Close releases sockets Serve never took.
func (l *Listeners) Close() {
	for _, x := range l.ls {
		x.Close()
	}
}

// Listen binds w's addresses first of all, so that an address in use is
// one clear error before any collection starts (once it was a bind error
// after a screen of collectors' cancelled requests). The web config file
// is checked first (checkWebConfig).
func Listen(w Web) (*Listeners, error) {
	if err := checkWebConfig(w.ConfigFile); err != nil {
		return nil, err
	}
	l := &Listeners{web: w}
	if w.Systemd {
		return l, nil // the sockets are systemd's
	}
	for _, addr := range w.Listen {
		x, err := net.Listen("tcp", addr)
		if err != nil {
			l.Close()
			var oe *net.OpError
			if errors.As(err, &oe) && oe.Err != nil {
				err = oe.Err
			}
			return nil, fmt.Errorf("cannot listen on %s: %v; choose another address with --web.listen-address (or web.listen_address)", addr, err)
		}
		l.ls = append(l.ls, x)
	}
	return l, nil
}

// Addrs are the bound addresses ("127.0.0.1:9864"): the real port when
// the configured one was 0.
func (l *Listeners) Addrs() []string {
	var out []string
	for _, x := range l.ls {
		out = append(out, x.Addr().String())
	}
	if len(out) == 0 {
		return l.web.Listen
	}
	return out
}

func (a *App) Serve(ctx context.Context, l *Listeners, firstPass func()) error {
	w := l.web
	listen, path := w.Listen, w.TelemetryPath
	if err := a.Refresh(ctx); err != nil {
		return fmt.Errorf("computing snapshot from %s: %w", a.cfg.Store.Path, err)
	}
	h, err := a.Handler(path)
	if err != nil {
		return err
	}
	entries, err := a.EnabledCollectors()
	if err != nil {
		return err
	}
	sched, err := scheduler.New(a.runner, entries, a.Repos, a.log)
	if err != nil {
		return err
	}
	srv := newHTTPServer(h)
	flags := &web.FlagConfig{WebListenAddresses: &listen, WebSystemdSocket: &w.Systemd, WebConfigFile: &w.ConfigFile}
	srvErr := make(chan error, 1)
	go func() {
		if len(l.ls) == 0 {
			srvErr <- web.ListenAndServe(srv, flags, a.log) // systemd's sockets
			return
		}
		srvErr <- web.ServeMultiple(l.ls, srv, flags, a.log)
	}()
	// Collection runs under its own context, cancelled on shutdown or
	// when the listener fails, and serve returns only once it has wound
	// down: the caller closes the store after that, never under a run.
	collectCtx, stopCollecting := context.WithCancel(ctx)
	defer stopCollecting()
	a.PruneGitCache(collectCtx)
	var background sync.WaitGroup
	background.Go(func() { a.rewatch(collectCtx, rewatchInterval) })
	background.Go(func() {
		sched.Start(collectCtx)
		if firstPass != nil && collectCtx.Err() == nil {
			firstPass()
		}
	})
	stopAll := func() {
		stopCollecting()
		background.Wait()
		sched.Stop()
	}
	select {
	case err := <-srvErr:
		stopAll()
		return err
	case <-ctx.Done():
	}
	a.log.Info("shutting down: cancelling the collection under way")
	shutdown, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_ = srv.Shutdown(shutdown)
	stopAll()
	if err := <-srvErr; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// newHTTPServer bounds what a client can hold: the headers and the whole
// request must arrive in time, and an idle keep-alive connection is closed
// (3,000 idle connections once stayed open for good). Writes get longer:
// the exposition of 10,000 repositories is large and a scraper may be slow.
func newHTTPServer(h http.Handler) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      5 * time.Minute,
		IdleTimeout:       30 * time.Second,
		MaxHeaderBytes:    64 << 10,
	}
}

// Config is the configuration the app runs on.
func (a *App) Config() *config.Config { return a.cfg }

// Store is the app's store.
func (a *App) Store() *store.Store { return a.store }

// AnalysisOptions are the user's analysis inputs the config names.
func (a *App) AnalysisOptions() analysis.Options { return a.analysisOpts }

// Selection is which metric families the app serves: a backfill writes
// the same ones.
func (a *App) Selection() *metrics.Selection { return a.sel }

// Now is the app's clock.
func (a *App) Now() time.Time { return a.now() }

// SetClock pins the app's "now" (the demo's end): analysis instants and
// collection windows are measured from it. Call before anything runs.
func (a *App) SetClock(now func() time.Time) {
	a.now = now
	a.env.Now = now
}

// SetFictional says the watched repositories are made up (the demo's
// world): the triage page names them without a GitHub link, since the
// fake GitHub that serves them answers no browser and is gone when the
// demo ends. Call before Serve or Handler.
func (a *App) SetFictional() { a.fictional = true }

// CollectOnce runs every enabled collector once over the watch list, for
// the one-shot commands; they compute the snapshot once at the end
// (Refresh) rather than after each collector, as serve does.
func (a *App) CollectOnce(ctx context.Context) (map[string]collectors.Result, error) {
	entries, err := a.EnabledCollectors()
	if err != nil {
		return nil, err
	}
	a.runner.AfterRun = nil
	a.PruneGitCache(ctx)
	res := a.runner.RunAll(ctx, CollectorsOf(entries), a.Repos())
	a.measureGitCache()
	return res, nil
}

// ConfigOptions are what a config is read with: the registered collectors
// and the change probe's defaults, both owned by package collectors.
func ConfigOptions() []config.Option {
	return []config.Option{config.WithCollectors(CollectorDefaults()),
		config.WithMaxSkip(collectors.DefaultMaxSkip, collectors.DefaultMaxSkipQuiet)}
}

// CollectorDefaults are the registered collectors as the config sees them
// (config.WithCollectors): the one list of their names and default
// schedules.
func CollectorDefaults() []config.CollectorDefault {
	var out []config.CollectorDefault
	for _, s := range collectors.Specs() {
		out = append(out, config.CollectorDefault{Name: s.Name, Schedule: s.Schedule, Enabled: !s.Disabled})
	}
	return out
}
