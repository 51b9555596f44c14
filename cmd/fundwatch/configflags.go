package main

import (
	"fmt"
	"log/slog"
	"sort"
	"strconv"
	"strings"

	"github.com/alecthomas/kingpin/v2"
	"github.com/fundwatch/fundwatch/analysis"
	"github.com/fundwatch/fundwatch/collectors"
	"github.com/fundwatch/fundwatch/config"
	"github.com/fundwatch/fundwatch/service"
	"github.com/fundwatch/fundwatch/shard"
)

// configFlags are what every command that runs on a config takes:
// --config, --shard and --[no-]collector.<name>.
type configFlags struct {
	config, shard *string
	collectors    map[string]*collectorFlag
	optIn         *optInFlag
	// offline is set for commands that only read the store (triage and
	// backfill of a config): no warning about a missing GitHub token.
	offline bool
}

// optInFlag is --metric-opt-in-list, as kube-state-metrics names it: it
// overrides web.metric_opt_in.
type optInFlag struct {
	list *string
	set  bool
}

func addOptInFlag(cmd *kingpin.CmdClause) *optInFlag {
	f := &optInFlag{}
	f.list = cmd.Flag("metric-opt-in-list", "Comma-separated opt-in metric families to serve besides the defaults (per-window, per-class, per-collector detail; 'all' for every one; docs/metrics.md says which and what each costs). Overrides web.metric_opt_in.").
		IsSetByUser(&f.set).String()
	return f
}

// apply sets the config's opt-in list when the flag was given.
func (f *optInFlag) apply(cfg *config.Config) {
	if f == nil || !f.set {
		return
	}
	cfg.Web.MetricOptIn = nil
	for _, n := range strings.Split(*f.list, ",") {
		if n = strings.TrimSpace(n); n != "" {
			cfg.Web.MetricOptIn = append(cfg.Web.MetricOptIn, n)
		}
	}
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
		optIn:      addOptInFlag(cmd),
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

// load reads the config and applies --shard.
func (f *configFlags) load(log *slog.Logger) (*config.Config, error) {
	cfg, err := loadConfig(*f.config, log, f.offline)
	if err != nil {
		return nil, err
	}
	s, err := shard.Parse(*f.shard)
	if err != nil {
		return nil, fmt.Errorf("--shard: %w", err)
	}
	cfg.Shard = s
	f.optIn.apply(cfg)
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
func (f *configFlags) open(log *slog.Logger) (*service.App, error) {
	cfg, err := f.load(log)
	if err != nil {
		return nil, err
	}
	return service.New(cfg, log)
}

// sortedWatch returns the snapshot's repositories by name, for reports.
func sortedRepos(s *analysis.Snapshot) []analysis.Repo {
	rs := append([]analysis.Repo(nil), s.Repos...)
	sort.Slice(rs, func(i, j int) bool { return rs[i].Repo < rs[j].Repo })
	return rs
}
