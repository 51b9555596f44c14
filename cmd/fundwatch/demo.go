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
)

// demoToken authenticates the collectors to the embedded fake GitHub (for
// the authenticated rate limit); it is not a credential of anything real.
const demoToken = "fundwatch-demo-token"

type demoCmd struct {
	cmd       *kingpin.CmdClause
	web       *webFlags
	storePath *string
	scenario  *string
	end       *string
	fakeAddr  *string
}

func newDemoCmd(app *kingpin.Application) *demoCmd {
	c := &demoCmd{cmd: app.Command("demo", "Run fundwatch against an embedded fake GitHub serving a realistic sample ecosystem: no token, no network.")}
	c.web = addWebFlags(c.cmd)
	c.storePath = c.cmd.Flag("store.path", "SQLite file to collect into (default: a temporary file removed on exit).").String()
	c.scenario = c.cmd.Flag("demo.scenario", "Scenario YAML to serve instead of the built-in demo.").String()
	c.end = c.cmd.Flag("demo.end", "Date (YYYY-MM-DD) at which the scenario's history ends and analysis is done; default now. Pinning it makes the output reproducible.").String()
	c.fakeAddr = c.cmd.Flag("demo.github-address", "Address for the fake GitHub API.").Default("127.0.0.1:0").String()
	return c
}

func (c *demoCmd) run(log *slog.Logger) int {
	if err := c.runErr(log); err != nil {
		fmt.Fprintf(os.Stderr, "fundwatch demo: %v\n", err)
		return 1
	}
	return 0
}

func (c *demoCmd) runErr(log *slog.Logger) error {
	now := time.Now
	end := time.Now().UTC().Truncate(time.Minute)
	if *c.end != "" {
		t, err := time.Parse(time.DateOnly, *c.end)
		if err != nil {
			return fmt.Errorf("--demo.end %q: want YYYY-MM-DD", *c.end)
		}
		end = t.UTC()
		now = func() time.Time { return end }
	}
	var (
		world *scenario.World
		err   error
	)
	if *c.scenario != "" {
		spec, err := scenario.Load(*c.scenario)
		if err != nil {
			return err
		}
		world, err = scenario.Expand(spec, end)
		if err != nil {
			return err
		}
	} else if world, err = scenario.Demo(end); err != nil {
		return err
	}

	// The fake GitHub, on loopback only.
	ln, err := net.Listen("tcp", *c.fakeAddr)
	if err != nil {
		return fmt.Errorf("fake GitHub: %w", err)
	}
	fake := &http.Server{Handler: githubfake.New(world, githubfake.Options{}), ReadHeaderTimeout: 10 * time.Second}
	go fake.Serve(ln)
	defer fake.Close()
	apiURL := "http://" + ln.Addr().String() + "/"

	storePath := *c.storePath
	if storePath == "" {
		dir, err := os.MkdirTemp("", "fundwatch-demo-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		storePath = filepath.Join(dir, "fundwatch.db")
	}

	cfg := config.Default()
	cfg.Source = "(demo)"
	cfg.GitHub.APIURL = apiURL
	cfg.GitHub.Token = config.Secret(demoToken)
	cfg.Store.Path = storePath
	stories := map[string]string{}
	for _, r := range world.Repos {
		name, err := ghrepo.Parse(r.FullName())
		if err != nil {
			return fmt.Errorf("scenario repository %q: %w", r.FullName(), err)
		}
		cfg.Watch = append(cfg.Watch, config.WatchItem{Repo: name, Tier: r.Truth.Tier})
		stories[name.String()] = r.Truth.Story
	}

	a, err := newApp(cfg, log)
	if err != nil {
		return err
	}
	defer a.Close()
	a.now = now
	a.env.Now = now

	listen, path := c.web.resolve(cfg)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	fmt.Printf("fundwatch demo: scenario %q (%d repositories, history to %s), fake GitHub at %s, store %s\n",
		world.Name, len(world.Repos), end.Format(time.DateOnly), apiURL, storePath)
	fmt.Printf("fundwatch demo: collecting; metrics at %s while it runs\n", urls(listen, path))
	start := time.Now()
	return a.serve(ctx, listen, path, c.web, func() {
		fmt.Printf("\nFirst collection done in %s. Watched repositories:\n\n", time.Since(start).Round(100*time.Millisecond))
		_ = printSummary(os.Stdout, a.snapshot(), stories)
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
