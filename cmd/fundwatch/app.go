package main

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/alecthomas/kingpin/v2"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/prometheus/common/version"
	"github.com/prometheus/exporter-toolkit/web"

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
)

// app wires one configured fundwatch: store, GitHub client, collectors,
// analysis and exporter. serve, collect and demo all build one.
type app struct {
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

	mu   sync.Mutex // serialises refreshes
	last *analysis.Snapshot

	resolver *watchlist.Resolver
	watchMu  sync.Mutex // guards watch
	watch    *watchlist.List
}

// rewatchInterval is how often serve resolves the watch list again, so an
// organisation's new repositories and an edited go.mod, lockfile or SBOM
// are picked up without a restart. Account listings are conditional, so an
// unchanged one costs 304s only.
const rewatchInterval = time.Hour

func newApp(cfg *config.Config, log *slog.Logger) (*app, error) {
	opts, err := analysisOptions(cfg)
	if err != nil {
		return nil, err
	}
	st, err := store.Open(cfg.Store.Path)
	if err != nil {
		return nil, err
	}
	a := &app{cfg: cfg, log: log, now: time.Now, store: st, analysisOpts: opts}
	a.self = metrics.NewSelf(collectors.Names())
	a.snap = metrics.NewSnapshot()
	a.live = metrics.NewLiveRegistry(a.self, a.snap)
	gh, err := githubClient(cfg, a.self)
	if err != nil {
		st.Close()
		return nil, err
	}
	identifyTokens(context.Background(), gh, log)
	a.resolver = &watchlist.Resolver{GH: gh, Config: cfg.Source, Listings: st}
	if err := a.resolveWatch(context.Background()); err != nil {
		st.Close()
		return nil, err
	}
	params := opts.Params
	if params == nil {
		params = analysis.DefaultParams()
	}
	// Collection and analysis agree on who is active: the year window.
	a.env = &collectors.Env{GH: gh, Store: st, Log: log, Now: a.now, Concurrency: 4,
		ActiveWindow: time.Duration(params.Windows.Year)}
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
		AfterRun: func(ctx context.Context, _ string) {
			if err := a.refresh(ctx); err != nil {
				log.Error("computing snapshot", "err", err)
			}
		},
	}
	return a, nil
}

func (a *app) Close() error { return a.store.Close() }

// useGit lets the commits collector read history from git mirrors when
// the configuration asks for it and git is installed (new enough); else
// history comes over REST, with a warning saying why.
func (a *app) useGit() error {
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

func (a *app) repos() []ghrepo.Name {
	a.watchMu.Lock()
	defer a.watchMu.Unlock()
	return a.watch.Repos()
}

func (a *app) targets() []analysis.Target {
	a.watchMu.Lock()
	defer a.watchMu.Unlock()
	out := make([]analysis.Target, 0, len(a.watch.Entries))
	for _, e := range a.watch.Entries {
		out = append(out, analysis.Target{Repo: e.Repo.String(), Tier: e.Tier, Owner: e.Owner()})
	}
	return out
}

// resolveWatch resolves the configured watch list and, when that works,
// makes it the one collected, analysed and exported. Each dependency that
// maps to no repository is logged once (when it first appears), and all
// of them are exported.
func (a *app) resolveWatch(ctx context.Context) error {
	l, err := a.resolver.Resolve(ctx, a.cfg.Watch)
	if err != nil {
		return err
	}
	for _, w := range l.Warnings {
		a.log.Warn("watch list", "problem", w)
	}
	l = inShard(l, a.cfg.Shard)
	a.watchMu.Lock()
	var prev []watchlist.Unmapped
	if a.watch != nil {
		prev = a.watch.Unmapped
	}
	a.watch = l
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

// inShard keeps the entries of the watch list this replica owns.
func inShard(l *watchlist.List, s shard.Shard) *watchlist.List {
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

// configFlags are what every command that runs on a config takes:
// --config and --shard.
type configFlags struct {
	config, shard *string
	collectors    map[string]*collectorFlag
}

// collectorFlag is --collector.<name> (and --no-collector.<name>), as
// node_exporter names them: it overrides collectors.<name>.enabled.
type collectorFlag struct {
	on  *bool
	set bool
}

func addConfigFlags(cmd *kingpin.CmdClause) *configFlags {
	f := &configFlags{
		config: cmd.Flag("config", "Configuration file (YAML).").Short('c').Required().String(),
		shard: cmd.Flag("shard", "Watch only this replica's share of the watch list, i/n (e.g. 0/3): a stable hash of each repository's name, so N replicas with their own stores split the list without coordination. Default: the whole list.").
			Default("0/1").String(),
		collectors: map[string]*collectorFlag{},
	}
	for _, s := range collectors.Specs() {
		cf := &collectorFlag{}
		state := "on"
		if s.Disabled {
			state = "off"
		}
		cf.on = cmd.Flag("collector."+s.Name, fmt.Sprintf("Enable the %s collector: %s (default %s; overrides collectors.%s.enabled).", s.Name, s.Help, state, s.Name)).
			IsSetByUser(&cf.set).Default(strconv.FormatBool(!s.Disabled)).Bool()
		f.collectors[s.Name] = cf
	}
	return f
}

// collectorDefaults are the registered collectors, as the config sees
// them: the one list of their names and default schedules.
func collectorDefaults() []config.CollectorDefault {
	var out []config.CollectorDefault
	for _, s := range collectors.Specs() {
		out = append(out, config.CollectorDefault{Name: s.Name, Schedule: s.Schedule, Enabled: !s.Disabled})
	}
	return out
}

// load reads the config and applies --shard.
func (f *configFlags) load(log *slog.Logger) (*config.Config, error) {
	cfg, err := loadConfig(*f.config, log)
	if err != nil {
		return nil, err
	}
	s, err := shard.Parse(*f.shard)
	if err != nil {
		return nil, fmt.Errorf("--shard: %w", err)
	}
	cfg.Shard = s
	for name, cf := range f.collectors {
		if cf.set {
			c := cfg.Collectors[name]
			c.Enabled = *cf.on
			cfg.Collectors[name] = c
		}
	}
	return cfg, nil
}

// open loads the config and opens the app on it.
func (f *configFlags) open(log *slog.Logger) (*app, error) {
	cfg, err := f.load(log)
	if err != nil {
		return nil, err
	}
	return newApp(cfg, log)
}

// rewatch resolves the watch list every interval until ctx ends; a failure
// keeps the previous list.
func (a *app) rewatch(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := a.resolveWatch(ctx); err != nil && ctx.Err() == nil {
				a.log.Error("resolving the watch list again; keeping the previous one", "err", err)
			}
		}
	}
}

// collectorsOf is the collectors of scheduled entries, in order.
func collectorsOf(entries []scheduler.Entry) []collectors.Collector {
	out := make([]collectors.Collector, 0, len(entries))
	for _, e := range entries {
		out = append(out, e.Collector)
	}
	return out
}

// enabledCollectors returns the collectors the config enables, in run order.
func (a *app) enabledCollectors() ([]scheduler.Entry, error) {
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

// refresh recomputes the snapshot from the store and hands it to the
// exporter. Collection calls it after every run; scrapes never do.
func (a *app) refresh(ctx context.Context) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	snap, err := analysis.Compute(ctx, a.store, a.targets(), a.now(), a.analysisOpts)
	if err != nil {
		return err
	}
	if err := a.snap.Update(snap); err != nil {
		a.log.Warn("exporting the snapshot", "err", err)
	}
	a.last = snap
	return nil
}

func (a *app) snapshot() *analysis.Snapshot {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.last
}

// handler serves the telemetry path, a landing page, health endpoints and
// the grant triage. A telemetry path that clashes with one of the others
// is an error (config.ReservedPaths lists them; a test keeps it complete),
// never a panic of the mux.
func (a *app) handler(telemetryPath string) (http.Handler, error) {
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
func (a *app) fixedRoutes() map[string]http.Handler {
	routes := map[string]http.Handler{
		"/-/healthy": http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { fmt.Fprintln(w, "Healthy") }),
		"/-/ready": http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			if a.snapshot() == nil {
				http.Error(w, "no snapshot yet", http.StatusServiceUnavailable)
				return
			}
			fmt.Fprintln(w, "Ready")
		}),
	}
	for path, format := range map[string]string{"/triage": "html", "/triage.json": "json", "/triage.csv": "csv", "/triage.txt": "text"} {
		routes[path] = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			snap := a.snapshot()
			if snap == nil {
				http.Error(w, "no snapshot yet: the first collection is still running", http.StatusServiceUnavailable)
				return
			}
			w.Header().Set("Content-Type", map[string]string{"html": "text/html; charset=utf-8", "json": "application/json",
				"csv": "text/csv; charset=utf-8", "text": "text/plain; charset=utf-8"}[format])
			if err := triage.Write(w, triage.Build(snap), format); err != nil {
				a.log.Error("writing triage", "format", format, "err", err)
			}
		})
	}
	return routes
}

// sortedWatch returns the snapshot's repositories by name, for reports.
func sortedRepos(s *analysis.Snapshot) []analysis.Repo {
	rs := append([]analysis.Repo(nil), s.Repos...)
	sort.Slice(rs, func(i, j int) bool { return rs[i].Repo < rs[j].Repo })
	return rs
}
