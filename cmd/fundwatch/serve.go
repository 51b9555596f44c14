package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/alecthomas/kingpin/v2"

	"github.com/fundwatch/fundwatch/config"
	"github.com/fundwatch/fundwatch/service"
)

// webFlags are the Prometheus exporter conventions for the HTTP side.
type webFlags struct {
	listen        *[]string
	listenSet     bool
	telemetryPath *string
	telemetrySet  bool
	systemd       *bool
	configFile    *string
	grafanaURL    *string
	grafanaSet    bool
}

func addWebFlags(cmd *kingpin.CmdClause) *webFlags {
	f := &webFlags{}
	f.listen = cmd.Flag("web.listen-address", "Addresses to listen on for metrics and the web UI (repeatable). Default "+defaultListen+", or web.listen_address from the config file.").
		IsSetByUser(&f.listenSet).Default(defaultListen).Strings()
	f.telemetryPath = cmd.Flag("web.telemetry-path", "Path under which to expose metrics. Default /metrics, or web.telemetry_path from the config file.").
		IsSetByUser(&f.telemetrySet).Default("/metrics").String()
	f.systemd = cmd.Flag("web.systemd-socket", "Use systemd socket activation listeners instead of port listeners (Linux only).").Bool()
	f.configFile = cmd.Flag("web.config.file", "Path to a web configuration file (TLS, basic auth), as for Prometheus exporters.").Default("").String()
	f.grafanaURL = cmd.Flag("web.grafana-url", "Base URL of the Grafana serving fundwatch's dashboards (e.g. http://localhost:3000/): the triage page links each project to its drill-down there. Default none, or web.grafana_url from the config file.").
		IsSetByUser(&f.grafanaSet).String()
	return f
}

// check checks the flags before anything starts: a telemetry path or a
// Grafana URL given by flag is held to the config's rules.
func (f *webFlags) check() error {
	if f.telemetrySet {
		if err := config.CheckTelemetryPath(*f.telemetryPath); err != nil {
			return fmt.Errorf("--web.telemetry-path: %w", err)
		}
	}
	if f.grafanaSet {
		if err := config.CheckGrafanaURL(*f.grafanaURL); err != nil {
			return fmt.Errorf("--web.grafana-url: %w", err)
		}
	}
	return nil
}

// apply sets the config's web settings that are not about listening (the
// Grafana URL the triage page links to) where a flag overrides them.
func (f *webFlags) apply(cfg *config.Config) {
	if f.grafanaSet {
		cfg.Web.GrafanaURL = *f.grafanaURL
	}
}

// resolve applies the config file's web settings where no flag overrides them.
func (f *webFlags) resolve(cfg *config.Config) service.Web {
	w := service.Web{Listen: *f.listen, TelemetryPath: *f.telemetryPath, Systemd: *f.systemd, ConfigFile: *f.configFile}
	if !f.listenSet && cfg.Web.ListenAddress != "" {
		w.Listen = []string{cfg.Web.ListenAddress}
	}
	if !f.telemetrySet && cfg.Web.TelemetryPath != "" {
		w.TelemetryPath = cfg.Web.TelemetryPath
	}
	return w
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
	cfg, err := c.cfg.load(log)
	if err != nil {
		fmt.Fprintf(os.Stderr, "fundwatch: %v\n", err)
		return 1
	}
	c.web.apply(cfg)
	// Bind before anything starts: an address in use is one line.
	ls, err := service.Listen(c.web.resolve(cfg))
	if err != nil {
		fmt.Fprintf(os.Stderr, "fundwatch: %v\n", err)
		return 1
	}
	a, err := service.New(cfg, log)
	if err != nil {
		ls.Close()
		fmt.Fprintf(os.Stderr, "fundwatch: %v\n", err)
		return 1
	}
	defer a.Close()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := a.Serve(ctx, ls, nil); err != nil {
		fmt.Fprintf(os.Stderr, "fundwatch: %v\n", err)
		return 1
	}
	return 0
}

// loadConfig loads the config file and logs its warnings; offline
// commands (they only read the store) leave out the one about having no
// GitHub token, which they never need.
func loadConfig(path string, log *slog.Logger, offline bool) (*config.Config, error) {
	cfg, err := config.Load(path, os.Getenv, service.ConfigOptions()...)
	if err != nil {
		return nil, err
	}
	for _, w := range cfg.Warnings {
		if offline && strings.Contains(w, config.NoTokenWarning) {
			continue
		}
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
	results, err := a.CollectOnce(ctx)
	if err != nil {
		fmt.Fprintf(os.Stderr, "fundwatch: %v\n", err)
		return 1
	}
	// Failed refreshes, from the runs' own results (a run that failed as
	// a whole counts once).
	failed := 0
	for _, res := range results {
		failed += res.Failed
		if res.Failed == 0 && res.Err != nil {
			failed++
		}
	}
	if err := a.Refresh(ctx); err != nil {
		fmt.Fprintf(os.Stderr, "fundwatch: %v\n", err)
		return 1
	}
	_ = printSummary(os.Stdout, a.Snapshot(), nil)
	if failed > 0 || ctx.Err() != nil {
		fmt.Fprintf(os.Stderr, "fundwatch: %d refreshes failed (see the log); what was collected is stored\n", failed)
		return 1
	}
	return 0
}
