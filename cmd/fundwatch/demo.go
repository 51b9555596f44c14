package main

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/alecthomas/kingpin/v2"

	"github.com/fundwatch/fundwatch/config"
	"github.com/fundwatch/fundwatch/ghrepo"
	"github.com/fundwatch/fundwatch/githubfake"
	"github.com/fundwatch/fundwatch/githubfake/scenario"
	"github.com/fundwatch/fundwatch/service"
	"github.com/fundwatch/fundwatch/triage"
)

// demoToken authenticates the collectors to the embedded fake GitHub (for
// the authenticated rate limit); it is not a credential of anything real.
const demoToken = "fundwatch-demo-token"

// demoCriticalOwner owns the demo's critical repositories (the team
// deploy/alertmanager routes to).
const demoCriticalOwner = "platform-team"

type demoCmd struct {
	cmd       *kingpin.CmdClause
	web       *webFlags
	storePath *string
	scenario  *string
	end       *string
	fakeAddr  *string
	optIn     *optInFlag
}

func newDemoCmd(app *kingpin.Application) *demoCmd {
	c := &demoCmd{cmd: app.Command("demo", "Run fundwatch against an embedded fake GitHub serving a realistic sample ecosystem: no token, no network.")}
	c.web = addWebFlags(c.cmd)
	c.storePath = c.cmd.Flag("store.path", "SQLite file to collect into (default: a temporary file removed on exit).").String()
	c.scenario = c.cmd.Flag("demo.scenario", "Scenario YAML to serve instead of the built-in demo.").String()
	c.end = c.cmd.Flag("demo.end", "Date (YYYY-MM-DD) at which the scenario's history ends and analysis is done; default now. Pinning it makes the output reproducible.").String()
	c.fakeAddr = c.cmd.Flag("demo.github-address", "Address for the fake GitHub API.").Default("127.0.0.1:0").String()
	c.optIn = addOptInFlag(c.cmd)
	return c
}

func (c *demoCmd) run(log *slog.Logger) int {
	if err := c.runErr(log); err != nil {
		fmt.Fprintf(os.Stderr, "fundwatch demo: %v\n", err)
		return 1
	}
	return 0
}

// demoEnv is the embedded fake GitHub serving a scenario and an app
// configured to watch every repository of it.
type demoEnv struct {
	app     *service.App
	world   *scenario.World
	end     time.Time
	apiURL  string
	store   string
	stories map[string]string
	closers []func()
}

func (d *demoEnv) Close() {
	for i := len(d.closers) - 1; i >= 0; i-- {
		d.closers[i]()
	}
}

// startDemo expands the scenario (the built-in demo when scenarioPath is
// empty) with its history ending at endDate (YYYY-MM-DD; empty = now),
// serves it on fakeAddr and opens the app on storePath (empty = a
// temporary file removed on Close). When endDate is set, analysis is done
// as of that date so the output is reproducible. flags change the demo's
// config as the command's flags say (--metric-opt-in-list,
// --web.grafana-url).
func startDemo(log *slog.Logger, scenarioPath, endDate, fakeAddr, storePath string, flags ...func(*config.Config)) (_ *demoEnv, err error) {
	d := &demoEnv{stories: map[string]string{}}
	defer func() {
		if err != nil {
			d.Close()
		}
	}()
	now := time.Now
	d.end = time.Now().UTC().Truncate(time.Minute)
	if endDate != "" {
		t, err := time.Parse(time.DateOnly, endDate)
		if err != nil {
			return nil, fmt.Errorf("--demo.end %q: want YYYY-MM-DD", endDate)
		}
		d.end = t.UTC()
		now = func() time.Time { return d.end }
	}
	if scenarioPath != "" {
		spec, err := scenario.Load(scenarioPath)
		if err != nil {
			return nil, err
		}
		if d.world, err = scenario.Expand(spec, d.end); err != nil {
			return nil, err
		}
	} else if d.world, err = scenario.Demo(d.end); err != nil {
		return nil, err
	}

	// The fake GitHub, on loopback only.
	ln, err := net.Listen("tcp", fakeAddr)
	if err != nil {
		return nil, fmt.Errorf("fake GitHub: %w", err)
	}
	// It serves the histories over git too (when git is installed): the
	// demo's commits collector reads them from mirrors, as it would from
	// github.com. Closing it removes the repository it built for that.
	gf := githubfake.New(d.world, githubfake.Options{})
	fake := &http.Server{Handler: gf, ReadHeaderTimeout: 10 * time.Second}
	go fake.Serve(ln)
	d.closers = append(d.closers, func() { fake.Close(); gf.Close() })
	d.apiURL = "http://" + ln.Addr().String() + "/"

	d.store = storePath
	if d.store == "" {
		dir, err := os.MkdirTemp("", "fundwatch-demo-")
		if err != nil {
			return nil, err
		}
		d.closers = append(d.closers, func() { os.RemoveAll(dir) })
		d.store = filepath.Join(dir, "fundwatch.db")
	}

	cfg := config.Default(service.ConfigOptions()...)
	cfg.Source = "(demo)"
	cfg.GitHub.APIURL = d.apiURL
	cfg.GitHub.Token = config.Secret(demoToken)
	cfg.Store.Path = d.store
	for _, apply := range flags {
		apply(cfg)
	}
	for _, r := range d.world.Repos {
		name, err := ghrepo.Parse(r.FullName())
		if err != nil {
			return nil, fmt.Errorf("scenario repository %q: %w", r.FullName(), err)
		}
		// The critical projects belong to a team, so the demo's alerts
		// carry an owner to route on, as a real watch list's would.
		owner := ""
		if r.Truth.Tier == "critical" {
			owner = demoCriticalOwner
		}
		cfg.Watch = append(cfg.Watch, config.WatchItem{Kind: config.KindRepo, Repo: name, Tier: r.Truth.Tier, Owner: owner,
			Key: fmt.Sprintf("watch[%d]", len(cfg.Watch))})
		d.stories[name.String()] = r.Truth.Story
	}
	if d.app, err = service.New(cfg, log); err != nil {
		return nil, err
	}
	d.closers = append(d.closers, func() { d.app.Close() })
	d.app.SetClock(now)
	// Its world is made up: the triage page links no project to a GitHub
	// (the fake answers no browser; github.com has other projects, or
	// none, under those names).
	d.app.SetFictional()
	return d, nil
}

func (c *demoCmd) runErr(log *slog.Logger) error {
	if err := c.web.check(); err != nil {
		return err
	}
	// Bind before anything starts: an address in use is one line. The
	// demo's config is the defaults, so the flags decide.
	ls, err := service.Listen(c.web.resolve(config.Default()))
	if err != nil {
		return err
	}
	d, err := startDemo(log, *c.scenario, *c.end, *c.fakeAddr, *c.storePath, c.optIn.apply, c.web.apply)
	if err != nil {
		ls.Close()
		return err
	}
	defer d.Close()
	a := d.app
	listen, path := ls.Addrs(), c.web.resolve(a.Config()).TelemetryPath
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	fmt.Printf("fundwatch demo: scenario %q (%d repositories, history to %s), fake GitHub at %s, store %s\n",
		d.world.Name, len(d.world.Repos), d.end.Format(time.DateOnly), d.apiURL, d.store)
	fmt.Printf("fundwatch demo: collecting; metrics at %s while it runs\n", urls(listen, path))
	start := time.Now()
	return a.Serve(ctx, ls, func() {
		fmt.Printf("\nFirst collection done in %s. Watched repositories:\n\n", time.Since(start).Round(100*time.Millisecond))
		_ = printSummary(os.Stdout, a.Snapshot(), d.stories)
		fmt.Println()
		_ = triage.WriteText(os.Stdout, triage.Build(a.Snapshot()))
		fmt.Printf("Grant triage page: %s\n", urls(listen, "/triage"))
		fmt.Printf("\nMetrics: %s   (Ctrl-C to stop; collectors keep running on their schedules)\n", urls(listen, path))
	})
}

func urls(listen []string, path string) string {
	var out []string
	for _, l := range listen {
		host, port, err := net.SplitHostPort(l)
		if err != nil {
			out = append(out, l+path)
			continue
		}
		if host == "" || host == "0.0.0.0" || host == "::" {
			host = "localhost"
		}
		out = append(out, "http://"+net.JoinHostPort(host, port)+path)
	}
	return strings.Join(out, ", ")
}
