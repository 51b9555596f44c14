package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"

	"github.com/alecthomas/kingpin/v2"
	"github.com/prometheus/exporter-toolkit/web"

	"github.com/fundwatch/fundwatch/config"
	"github.com/fundwatch/fundwatch/scheduler"
)

// webFlags are the Prometheus exporter conventions for the HTTP side.
type webFlags struct {
	listen        *[]string
	listenSet     bool
	telemetryPath *string
	telemetrySet  bool
	systemd       *bool
	configFile    *string
}

func addWebFlags(cmd *kingpin.CmdClause) *webFlags {
	f := &webFlags{}
	f.listen = cmd.Flag("web.listen-address", "Addresses to listen on for metrics and the web UI (repeatable). Default "+defaultListen+", or web.listen_address from the config file.").
		IsSetByUser(&f.listenSet).Default(defaultListen).Strings()
	f.telemetryPath = cmd.Flag("web.telemetry-path", "Path under which to expose metrics. Default /metrics, or web.telemetry_path from the config file.").
		IsSetByUser(&f.telemetrySet).Default("/metrics").String()
	f.systemd = cmd.Flag("web.systemd-socket", "Use systemd socket activation listeners instead of port listeners (Linux only).").Bool()
	f.configFile = cmd.Flag("web.config.file", "Path to a web configuration file (TLS, basic auth), as for Prometheus exporters.").Default("").String()
	return f
}

// check checks the flags before anything starts: a telemetry path given
// by flag is held to the config's rules.
func (f *webFlags) check() error {
	if f.telemetrySet {
		if err := config.CheckTelemetryPath(*f.telemetryPath); err != nil {
			return fmt.Errorf("--web.telemetry-path: %w", err)
		}
	}
	return nil
}

// resolve applies the config file's web settings where no flag overrides them.
func (f *webFlags) resolve(cfg *config.Config) (listen []string, path string) {
	listen, path = *f.listen, *f.telemetryPath
	if !f.listenSet && cfg.Web.ListenAddress != "" {
		listen = []string{cfg.Web.ListenAddress}
	}
	if !f.telemetrySet && cfg.Web.TelemetryPath != "" {
		path = cfg.Web.TelemetryPath
	}
	return listen, path
}

type serveCmd struct {
	cmd *kingpin.CmdClause
	cfg *configFlags
	web *webFlags
}

func newServeCmd(app *kingpin.Application) *serveCmd {
	c := &serveCmd{cmd: app.Command("serve", "Collect on the configured schedules and serve metrics.")}
	c.cfg = addConfigFlags(c.cmd)
	c.web = addWebFlags(c.cmd)
	return c
}

func (c *serveCmd) run(log *slog.Logger) int {
	if err := c.web.check(); err != nil {
		fmt.Fprintf(os.Stderr, "fundwatch: %v\n", err)
		return 1
	}
	a, err := c.cfg.open(log)
	if err != nil {
		fmt.Fprintf(os.Stderr, "fundwatch: %v\n", err)
		return 1
	}
	defer a.Close()
	listen, path := c.web.resolve(a.cfg)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := a.serve(ctx, listen, path, c.web, nil); err != nil {
		fmt.Fprintf(os.Stderr, "fundwatch: %v\n", err)
		return 1
	}
	return 0
}

// serve publishes what is stored at once (a restart keeps serving the last
// good data), starts the schedules, and runs until ctx is cancelled.
// firstPass, if set, is called once the start-up collection is done.
func (a *app) serve(ctx context.Context, listen []string, path string, wf *webFlags, firstPass func()) error {
	if err := a.refresh(ctx); err != nil {
		return fmt.Errorf("computing snapshot from %s: %w", a.cfg.Store.Path, err)
	}
	h, err := a.handler(path)
	if err != nil {
		return err
	}
	entries, err := a.enabledCollectors()
	if err != nil {
		return err
	}
	sched, err := scheduler.New(a.runner, entries, a.repos, a.log)
	if err != nil {
		return err
	}
	srv := newHTTPServer(h)
	flags := &web.FlagConfig{WebListenAddresses: &listen, WebSystemdSocket: wf.systemd, WebConfigFile: wf.configFile}
	srvErr := make(chan error, 1)
	go func() {
		srvErr <- web.ListenAndServe(srv, flags, a.log)
	}()
	// Collection runs under its own context, cancelled on shutdown or
	// when the listener fails, and serve returns only once it has wound
	// down: the caller closes the store after that, never under a run.
	collectCtx, stopCollecting := context.WithCancel(ctx)
	defer stopCollecting()
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

func loadConfig(path string, log *slog.Logger) (*config.Config, error) {
	cfg, err := config.Load(path, os.Getenv, config.WithCollectors(collectorDefaults()))
	if err != nil {
		return nil, err
	}
	for _, w := range cfg.Warnings {
		log.Warn(w)
	}
	return cfg, nil
}

type collectCmd struct {
	cmd *kingpin.CmdClause
	cfg *configFlags
}

func newCollectCmd(app *kingpin.Application) *collectCmd {
	c := &collectCmd{cmd: app.Command("collect", "Run every enabled collector once, print a summary, and exit (non-zero if any repository failed).")}
	c.cfg = addConfigFlags(c.cmd)
	return c
}

func (c *collectCmd) run(log *slog.Logger) int {
	a, err := c.cfg.open(log)
	if err != nil {
		fmt.Fprintf(os.Stderr, "fundwatch: %v\n", err)
		return 1
	}
	defer a.Close()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	entries, err := a.enabledCollectors()
	if err != nil {
		fmt.Fprintf(os.Stderr, "fundwatch: %v\n", err)
		return 1
	}
	// Failed refreshes, from the runs' own results (a run that failed as
	// a whole counts once).
	failed := 0
	for _, res := range a.runner.RunAll(ctx, collectorsOf(entries), a.repos()) {
		failed += res.Failed
		if res.Failed == 0 && res.Err != nil {
			failed++
		}
	}
	if err := a.refresh(ctx); err != nil {
		fmt.Fprintf(os.Stderr, "fundwatch: %v\n", err)
		return 1
	}
	_ = printSummary(os.Stdout, a.snapshot(), nil)
	if failed > 0 || ctx.Err() != nil {
		fmt.Fprintf(os.Stderr, "fundwatch: %d refreshes failed (see the log); what was collected is stored\n", failed)
		return 1
	}
	return 0
}
